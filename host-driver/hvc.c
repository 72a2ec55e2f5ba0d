// SPDX-License-Identifier: GPL-2.0-only
/*
 * The only place the driver issues a hypercall (docs/hypercalls.md).
 *
 * Every call, the raw ones from debugfs included, goes through s2own_hvc(),
 * so where the status and the outputs come back is decided in one place
 * (the two lines after the HVC): callers only see struct s2own_hvc_res.
 * The same place counts calls by function and result for the stats file
 * and runs the hook set for after every call (trace.c's, which reads this
 * CPU's trace buffer while tracing). VCPU_RUN
 * hands over more than x0..x3, so it goes through the SMCCC 1.2 variant,
 * s2own_hvc_1_2(): x0..x17 both ways, decoded, counted and traced alike.
 *
 * arm_smccc_1_1_hvc(), not arm_smccc_1_1_invoke(): Linux's SMCCC conduit is
 * the one its PSCI firmware uses, SMC here (the hypervisor relays it), while
 * our calls are for the hypervisor itself, HVC. An HVC with no EL2 is
 * UNDEFINED: main.c only lets the module load under our hypervisor.
 */
#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/module.h>

#include "drv.h"

static const char *const res_names[S2OWN_NR_RES] = {
	"ok", "EPERM", "ENOENT", "EAGAIN", "ENOMEM", "EBUSY", "EINVAL",
	"NOT_SUPPORTED", "other",
};

/* Counted functions: the ABI's calls, then everything else. */
static const struct {
	u32 id;
	const char *name;
} funcs[] = {
	{ S2OWN_HC_CALL_UID, "call_uid" },
	{ S2OWN_HC_REVISION, "revision" },
	{ S2OWN_HC_HOST_SHARE_HYP, "share_hyp" },
	{ S2OWN_HC_HOST_UNSHARE_HYP, "unshare_hyp" },
	{ S2OWN_HC_HOST_DONATE_HYP, "donate_hyp" },
	{ S2OWN_HC_HYP_DONATE_HOST, "hyp_donate_host" },
	{ S2OWN_HC_VM_CREATE, "vm_create" },
	{ S2OWN_HC_VM_DESTROY, "vm_destroy" },
	{ S2OWN_HC_HOST_DONATE_GUEST, "donate_guest" },
	{ S2OWN_HC_HOST_RECLAIM_GUEST, "reclaim_guest" },
	{ S2OWN_HC_DUMP, "dump" },
	{ S2OWN_HC_PAGE_QUERY, "page_query" },
	{ S2OWN_HC_CHECK, "check" },
	{ S2OWN_HC_VCPU_CREATE, "vcpu_create" },
	{ S2OWN_HC_VCPU_RUN, "vcpu_run" },
	{ S2OWN_HC_VM_TOPUP, "vm_topup" },
	{ S2OWN_HC_TRACE_BUFFER, "trace_buffer" },
	{ S2OWN_HC_TRACE_ENABLE, "trace_enable" },
};

#define FUNC_UNKNOWN ARRAY_SIZE(funcs)

static atomic64_t counts[ARRAY_SIZE(funcs) + 1][S2OWN_NR_RES];

/*
 * Run after every call once set. A hook rather than a call into trace.c,
 * which issues hypercalls itself: hvc.c stays the bottom layer.
 */
static void (*done_hook)(void);

static unsigned int func_index(u32 func)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(funcs); i++)
		if (funcs[i].id == func)
			return i;
	return FUNC_UNKNOWN;
}

static unsigned int res_class(unsigned int f, long ret)
{
	/* The UID and revision words are data, not a status. */
	if (f == 0 || f == 1)
		return S2OWN_RES_OK;
	return s2own_res_class(ret, f == FUNC_UNKNOWN);
}

/**
 * s2own_res_class() - the class a hypercall status is counted in.
 * @ret: a value s2own_hvc() returned
 * @unknown: whether the id is none the driver knows; only then is -1
 *           NOT_SUPPORTED rather than -EPERM
 *
 * Return: S2OWN_RES_*.
 */
unsigned int s2own_res_class(long ret, bool unknown)
{
	if (ret >= 0)
		return S2OWN_RES_OK;
	if (unknown && ret == S2OWN_RET_NOT_SUPPORTED)
		return S2OWN_RES_NOT_SUPPORTED;
	switch (-ret) {
	case S2OWN_EPERM:
		return S2OWN_RES_EPERM;
	case S2OWN_ENOENT:
		return S2OWN_RES_ENOENT;
	case S2OWN_EAGAIN:
		return S2OWN_RES_EAGAIN;
	case S2OWN_ENOMEM:
		return S2OWN_RES_ENOMEM;
	case S2OWN_EBUSY:
		return S2OWN_RES_EBUSY;
	case S2OWN_EINVAL:
		return S2OWN_RES_EINVAL;
	}
	return S2OWN_RES_OTHER;
}
EXPORT_SYMBOL_GPL(s2own_res_class);

/**
 * s2own_res_name() - the name of a result class, as the stats file prints
 * it ("ok", "EPERM", ..., "NOT_SUPPORTED", "other").
 * @res: S2OWN_RES_*
 *
 * Return: the name.
 */
const char *s2own_res_name(unsigned int res)
{
	return res < S2OWN_NR_RES ? res_names[res] : "?";
}
EXPORT_SYMBOL_GPL(s2own_res_name);

/**
 * s2own_hvc_set_done_hook() - set what runs after every hypercall.
 * @fn: the function, NULL for none
 *
 * For trace.c, which reads the calling CPU's trace buffer there so that a
 * call's events come out next to it. Set it before anything it reads may
 * be needed, and clear it before that goes: a call in flight may still
 * run the old hook.
 */
void s2own_hvc_set_done_hook(void (*fn)(void))
{
	WRITE_ONCE(done_hook, fn);
}

/*
 * ABI 2.x (as 1.x): x0 the SMCCC status, x1 the result (outputs from x2
 * on). Count the call by function and result, then run the hook.
 */
static long decode(u32 func, unsigned long x0, unsigned long x1)
{
	void (*hook)(void) = READ_ONCE(done_hook);
	unsigned int f = func_index(func);
	long ret = x0 ? (long)x0 : (long)x1;

	atomic64_inc(&counts[f][res_class(f, ret)]);
	if (hook)
		hook();
	return ret;
}

/**
 * s2own_hvc() - issue one hypercall to the s2own hypervisor.
 * @func: function id, S2OWN_HC_* (any value for raw calls)
 * @a1: x1
 * @a2: x2
 * @a3: x3
 * @a4: x4
 * @res: the raw registers, the status and the outputs
 *
 * Return: the call's status, also in @res->ret: 0 or a negative errno, the
 * new handle for S2OWN_HC_VM_CREATE, S2OWN_RET_NOT_SUPPORTED (-1) for an id
 * the hypervisor does not know. For S2OWN_HC_CALL_UID and
 * S2OWN_HC_REVISION, which follow SMCCC rather than our convention, it is
 * x0 (the first UID word, the major revision): read @res->regs.
 */
long s2own_hvc(u32 func, u64 a1, u64 a2, u64 a3, u64 a4,
	       struct s2own_hvc_res *res)
{
	struct arm_smccc_res *x = &res->regs;

	arm_smccc_1_1_hvc(func, a1, a2, a3, a4, x);
	res->ret = decode(func, x->a0, x->a1);
	res->out[0] = x->a2;
	res->out[1] = x->a3;
	return res->ret;
}
EXPORT_SYMBOL_GPL(s2own_hvc);

/**
 * s2own_hvc_1_2() - issue one hypercall with SMCCC 1.2's registers.
 * @args: x0 (the function id) .. x17
 * @res: x0 .. x17 as the hypervisor left them
 *
 * For the calls that hand over more than x0..x3: S2OWN_HC_VCPU_RUN.
 *
 * Return: the call's status, decoded as s2own_hvc() does: 0 or a negative
 * errno, S2OWN_RET_NOT_SUPPORTED (-1) for an id the hypervisor lacks.
 */
long s2own_hvc_1_2(const struct arm_smccc_1_2_regs *args,
		   struct arm_smccc_1_2_regs *res)
{
	arm_smccc_1_2_hvc(args, res);
	return decode((u32)args->a0, res->a0, res->a1);
}
EXPORT_SYMBOL_GPL(s2own_hvc_1_2);

/**
 * s2own_errname() - the errno name of a hypercall status.
 * @ret: a value s2own_hvc() returned
 *
 * Return: "0" for success (any value >= 0), "-EPERM" etc., or "?" for a
 * value that is no errno of the ABI.
 */
const char *s2own_errname(long ret)
{
	if (ret >= 0)
		return "0";
	switch (-ret) {
	case S2OWN_EPERM:
		return "-EPERM";
	case S2OWN_ENOENT:
		return "-ENOENT";
	case S2OWN_EAGAIN:
		return "-EAGAIN";
	case S2OWN_ENOMEM:
		return "-ENOMEM";
	case S2OWN_EBUSY:
		return "-EBUSY";
	case S2OWN_EINVAL:
		return "-EINVAL";
	}
	return "?";
}
EXPORT_SYMBOL_GPL(s2own_errname);

/**
 * s2own_hvc_stats_fmt() - the call counters as "hvc_<func>_<result> N"
 * lines, only those that are not zero.
 * @buf: where to write
 * @size: its size
 *
 * Return: bytes written.
 */
size_t s2own_hvc_stats_fmt(char *buf, size_t size)
{
	size_t len = 0;
	unsigned int f, r;
	s64 n;

	for (f = 0; f <= FUNC_UNKNOWN; f++) {
		for (r = 0; r < S2OWN_NR_RES; r++) {
			n = atomic64_read(&counts[f][r]);
			if (!n)
				continue;
			len += scnprintf(buf + len, size - len,
					 "hvc_%s_%s %lld\n",
					 f == FUNC_UNKNOWN ? "unknown" :
							     funcs[f].name,
					 res_names[r], n);
		}
	}
	return len;
}
