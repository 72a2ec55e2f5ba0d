// SPDX-License-Identifier: GPL-2.0-only
/*
 * s2own_test.ko: the driver's stress tests, for the QEMU test boots
 * (make driver-test, make fuzz-qemu; docs/debugfs.md, "storm" and "fuzz").
 *
 * storm.c   the multi-CPU donate/reclaim storm
 * fuzz.c    the multi-CPU hypercall fuzzer
 * trace_test.c  tracing: a donation story known in advance, and a hostile
 *           host scribbling over and unsharing the trace buffers
 * threads.c one kthread per online CPU, for both
 * fpsimd.c  the host's FP/SIMD registers across a guest's run
 *           (fpsimd_guest.S: the guest, and the register loads and saves)
 * cpu_on_mmio.c  a CPU started by PSCI CPU_ON at an instruction fetch
 *           from MMIO takes an abort (cpu_on_mmio_tramp.S: its code)
 * main.c    their files, storm, fuzz, fpsimd, trace_* and cpu_on_mmio, in
 *           /sys/kernel/debug/s2own/, and one run at a time
 *
 * Everything it asks of the hypervisor goes through s2own.ko's exported
 * functions (host-driver/drv.h), and its files are s2own.ko's debugfs
 * files (host-driver/debugfs.h). So it loads only on top of s2own.ko: the
 * module loader refuses it otherwise (unknown symbols), before any of its
 * code runs, and s2own.ko itself loads only under the s2own hypervisor.
 * While it is loaded s2own.ko cannot unload; it stops a running storm when
 * it unloads.
 */
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>

#include "debugfs.h"
#include "drv.h"
#include "hvc_test.h"

/* One run at a time: a fuzz holds it throughout, a storm while it starts. */
static DEFINE_MUTEX(run_lock);

static int storm_store(char **w, int n)
{
	unsigned int seconds;
	int ret;

	if (n != 1 || kstrtouint(w[0], 0, &seconds) || !seconds ||
	    seconds > S2OWN_STORM_MAX_SECONDS)
		return -EINVAL;
	if (!mutex_trylock(&run_lock))
		return -EBUSY;
	ret = s2own_storm_start(seconds);
	mutex_unlock(&run_lock);
	return ret;
}

static int fuzz_store(char **w, int n)
{
	u64 calls, seed = 0;
	int ret;

	if (n < 1 || n > 2 || kstrtou64(w[0], 0, &calls) ||
	    (n == 2 && kstrtou64(w[1], 0, &seed)) || !calls ||
	    calls > S2OWN_FUZZ_MAX_CALLS)
		return -EINVAL;
	if (!mutex_trylock(&run_lock))
		return -EBUSY;
	ret = s2own_storm_idle() ? s2own_fuzz_run(calls, seed) : -EBUSY;
	mutex_unlock(&run_lock);
	return ret;
}

/* Runs beside a storm: it needs one for the events. */
static int trace_hostile_store(char **w, int n)
{
	unsigned int seconds;

	if (n != 1 || kstrtouint(w[0], 0, &seconds) || seconds < 2 ||
	    seconds > S2OWN_STORM_MAX_SECONDS)
		return -EINVAL;
	return s2own_trace_hostile_run(seconds);
}

static int trace_story_store(char **w, int n)
{
	return n == 1 ? s2own_trace_story(w[0]) : -EINVAL;
}

static int fpsimd_store(char **w, int n)
{
	int ret;

	if (!mutex_trylock(&run_lock))
		return -EBUSY;
	ret = s2own_fpsimd_run();
	mutex_unlock(&run_lock);
	return ret;
}

static int cpu_on_mmio_store(char **w, int n)
{
	u64 mpidr, fetch;
	int ret;

	if (n != 2 || kstrtou64(w[0], 0, &mpidr) || kstrtou64(w[1], 0, &fetch))
		return -EINVAL;
	if (!mutex_trylock(&run_lock))
		return -EBUSY;
	ret = s2own_cpu_on_mmio(mpidr, fetch);
	mutex_unlock(&run_lock);
	return ret;
}

static const struct s2own_file files[] = {
	S2OWN_FILE("storm", s2own_storm_fmt, storm_store),
	S2OWN_FILE("fuzz", s2own_fuzz_fmt, fuzz_store),
	S2OWN_FILE("trace_hostile", s2own_trace_hostile_fmt,
		   trace_hostile_store),
	S2OWN_FILE("trace_story", s2own_trace_story_fmt, trace_story_store),
	S2OWN_FILE("fpsimd", s2own_fpsimd_fmt, fpsimd_store),
	S2OWN_FILE("cpu_on_mmio", s2own_cpu_on_mmio_fmt, cpu_on_mmio_store),
};

static struct dentry *dentries[ARRAY_SIZE(files)];

static void files_remove(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dentries); i++)
		debugfs_remove(dentries[i]);
}

static int __init s2own_test_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		dentries[i] = s2own_debugfs_add(&files[i]);
		if (IS_ERR(dentries[i])) {
			int ret = PTR_ERR(dentries[i]);

			dentries[i] = NULL;
			files_remove();
			return ret;
		}
	}
	return 0;
}

static void __exit s2own_test_exit(void)
{
	/* No new run, none in flight; then stop the storm's threads. */
	files_remove();
	s2own_storm_exit();
	s2own_fuzz_exit();
}

module_init(s2own_test_init);
module_exit(s2own_test_exit);

MODULE_DESCRIPTION("s2own: the storm, the hypercall fuzzer and the FP/SIMD check, on top of s2own.ko");
MODULE_LICENSE("GPL");
