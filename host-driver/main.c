// SPDX-License-Identifier: GPL-2.0-only
/*
 * s2own host driver: hypercalls to the s2own EL2 hypervisor, debugfs to
 * drive and watch its ownership tracking (docs/debugfs.md), and /dev/s2own
 * for VMMs that run protected guests (docs/guests.md).
 *
 * Only ever load it under the s2own hypervisor. Its calls are HVCs, and an
 * HVC on a machine without EL2 is UNDEFINED: the kernel oopses. So before
 * the first HVC the module looks for the node the hypervisor adds to the
 * device tree, /reserved-memory/s2own-hyp@..., and refuses to load
 * without it; then the UID call must return s2own's UUID (another
 * hypervisor, KVM for one, answers the same call with its own), and the
 * ABI's major revision must be the one this driver speaks.
 */
#include <linux/module.h>
#include <linux/of.h>

#include "debugfs.h"
#include "drv.h"
#include "s2own_dt.h"
#include "s2own_tracing.h"
#include "vmdev.h"

static bool skip_dt_check;
module_param(skip_dt_check, bool, 0400);
MODULE_PARM_DESC(skip_dt_check,
		 "Issue the UID HVC without finding the s2own-hyp node in the device tree first (an HVC without EL2 oopses)");

static int check_hypervisor(void)
{
	struct s2own_hvc_res r;
	struct arm_smccc_res *res = &r.regs;

	if (!skip_dt_check && !s2own_hyp_in_dt()) {
		pr_err("%s: no /reserved-memory/s2own-hyp node: not running under the s2own hypervisor\n",
		       S2OWN_NAME);
		return -ENODEV;
	}
	s2own_hvc(S2OWN_HC_CALL_UID, 0, 0, 0, 0, &r);
	if (res->a0 != S2OWN_UID_W0 || res->a1 != S2OWN_UID_W1 ||
	    res->a2 != S2OWN_UID_W2 || res->a3 != S2OWN_UID_W3) {
		pr_err("%s: hypervisor UID %08lx %08lx %08lx %08lx is not s2own's\n",
		       S2OWN_NAME, res->a0, res->a1, res->a2, res->a3);
		return -ENODEV;
	}
	s2own_hvc(S2OWN_HC_REVISION, 0, 0, 0, 0, &r);
	if (res->a0 != S2OWN_REVISION_MAJOR) {
		pr_err("%s: hypervisor ABI %lu.%lu, driver speaks %d.x\n",
		       S2OWN_NAME, res->a0, res->a1, S2OWN_REVISION_MAJOR);
		return -ENODEV;
	}
	pr_info("%s: s2own hypervisor, ABI %lu.%lu\n", S2OWN_NAME, res->a0,
		res->a1);
	return 0;
}

static int __init s2own_init(void)
{
	struct s2own_stats st;
	int ret;

	ret = check_hypervisor();
	if (ret)
		return ret;
	ret = s2own_dump_init();
	if (ret)
		return ret;
	ret = s2own_read_stats(&st);
	if (ret) {
		pr_err("%s: first dump failed: %d\n", S2OWN_NAME, ret);
		goto out_dump;
	}
	ret = s2own_debugfs_init(st.table_pages_used);
	if (ret)
		goto out_dump;
	ret = s2own_trace_init();
	if (ret)
		goto out_debugfs;
	ret = s2own_vmdev_init();
	if (ret) {
		pr_err("%s: /dev/%s: %d\n", S2OWN_NAME, S2OWN_NAME, ret);
		goto out_trace;
	}
	pr_info("%s: loaded, %llu table pages used, %llu free\n", S2OWN_NAME,
		st.table_pages_used, st.table_pages_free);
	return 0;

out_trace:
	/* As at unload: the trace files go with the driver's directory. */
	s2own_debugfs_exit();
	s2own_trace_exit();
	goto out_dump;
out_debugfs:
	s2own_debugfs_exit();
out_dump:
	s2own_dump_exit();
	return ret;
}

static void __exit s2own_exit(void)
{
	/* No new requests, none in flight, then take everything back. */
	s2own_vmdev_exit();
	s2own_debugfs_exit();
	s2own_trace_exit();
	s2own_vms_exit();
	s2own_dump_exit();
	pr_info("%s: unloaded\n", S2OWN_NAME);
}

module_init(s2own_init);
module_exit(s2own_exit);

MODULE_DESCRIPTION("s2own: host driver for the s2own stage-2 ownership hypervisor");
MODULE_LICENSE("GPL");
