// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PSCI relay's per-CPU state machine (hyp/psci_relay.c) under the
 * explorer: a model of the firmware, the relay's calls from each CPU, and
 * what the CPUs must see when they come back to EL2.
 *
 * The firmware model keeps each CPU's PSCI state (off, starting, on,
 * suspended) in announced atomics. CPU_ON of an off CPU starts it at the
 * given entry (a thread of the scenario waits for that, then comes back
 * through the relay); of a CPU that is on or suspended, ALREADY_ON; of a
 * starting one, ON_PENDING. A power-down CPU_SUSPEND does not return: the
 * CPU is woken at once (any interrupt) and comes back through the
 * relay's resume entry, which the model takes with a longjmp out of the
 * firmware call.
 */
#include <setjmp.h>
#include <stdio.h>

#include "../../hyp/psci_relay.h"
#include "../../ownership/atomic.h"
#include "explore.h"

#define FW_CPUS 3
#define FN_CPU_ON 0xc4000003U
#define FN_CPU_SUSPEND 0xc4000001U
#define PSTATE_POWERDOWN (1U << 16)

/* The host's entries and contexts, one pair per CPU that asks. */
#define HOST_ENTRY(cpu) (0x80000000ULL + (cpu) * 0x1000)
#define HOST_CTX(cpu) (0xc0de00ULL + (cpu))

enum fw_state { FW_OFF, FW_STARTING, FW_ON, FW_SUSPENDED };

static struct {
	u32 state[FW_CPUS];
	u64 entry[FW_CPUS], ctx[FW_CPUS];	/* where it starts it */
} fw;

static struct psci_relay_cpu relay[FW_CPUS];

/* What each CPU found when it came back to EL2. */
static struct {
	int entered;	/* 1 entered the host, -1 "without a request" */
	u64 entry, ctx;
} back[FW_CPUS];

static jmp_buf powered_down[SCHED_MAX_THREADS];

static s64 fw_call(u64 fn, u64 a1, u64 a2, u64 a3);

static void no_clean(const void *p, u64 size)
{
	(void)p;
	(void)size;
}

static const struct psci_relay_ops ops = {
	.call = fw_call,
	.clean = no_clean,
	.entry = {
		[PSCI_ENTRY_CPU_ON] = 0xe1000000,
		[PSCI_ENTRY_RESUME] = 0xe2000000,
	},
};

/* The CPU each thread plays. */
static unsigned int cpu_of[SCHED_MAX_THREADS];

static s64 fw_call(u64 fn, u64 a1, u64 a2, u64 a3)
{
	unsigned int self = cpu_of[sched_self()], t = (unsigned int)a1;
	u32 old = FW_OFF;

	switch (fn) {
	case FN_CPU_ON:
		if (!s2o_try_cmpxchg(&fw.state[t], &old, FW_STARTING))
			return old == FW_STARTING ? PSCI_RET_ON_PENDING :
						    PSCI_RET_ALREADY_ON;
		s2o_write_once(&fw.entry[t], a2);
		s2o_write_once(&fw.ctx[t], a3);
		return PSCI_RET_SUCCESS;
	case FN_CPU_SUSPEND:
		s2o_write_once(&fw.entry[self], a2);
		s2o_write_once(&fw.ctx[self], a3);
		s2o_store(&fw.state[self], FW_SUSPENDED);
		/* Woken: it starts at a2 with a3, the call never returns. */
		s2o_store(&fw.state[self], FW_ON);
		longjmp(powered_down[sched_self()], 1);
	default:
		return PSCI_RET_NOT_SUPPORTED;
	}
}

/* The CPU came back to EL2 at the firmware's entry: the relay decides. */
static void come_back(unsigned int cpu)
{
	u64 at = s2o_read_once(&fw.entry[cpu]);
	enum psci_relay_entry how = at == ops.entry[PSCI_ENTRY_RESUME] ?
					    PSCI_ENTRY_RESUME :
					    PSCI_ENTRY_CPU_ON;

	back[cpu].entered = psci_relay_entered(&relay[cpu], how,
					       &back[cpu].entry,
					       &back[cpu].ctx) ? -1 : 1;
}

/**
 * x_psci_suspend() - a CPU asks the relay for a power-down CPU_SUSPEND;
 * woken at once, it comes back to EL2 through the relay.
 * @thread: the scenario's thread playing the CPU.
 * @op: the step; op->arg is the CPU.
 *
 * Return: 0 once it came back (back[] says how), or the firmware's answer
 * if the call returned.
 */
int x_psci_suspend(unsigned int thread, const struct xop *op)
{
	unsigned int cpu = (unsigned int)op->arg;

	cpu_of[thread] = cpu;
	if (!setjmp(powered_down[thread]))
		return (int)psci_relay_powerdown(&ops, &relay[cpu], cpu,
						 FN_CPU_SUSPEND,
						 PSTATE_POWERDOWN, true,
						 HOST_ENTRY(cpu),
						 HOST_CTX(cpu));
	come_back(cpu);
	return 0;
}

/**
 * x_psci_cpu_on() - the thread's CPU (thread + 1) asks the relay to start
 * CPU op->arg, at an entry and context of its own.
 * @thread: the scenario's thread.
 * @op: the step; op->arg is the target CPU.
 *
 * Return: the relay's answer (PSCI_RET_*).
 */
int x_psci_cpu_on(unsigned int thread, const struct xop *op)
{
	unsigned int cpu = thread + 1;

	cpu_of[thread] = cpu;
	return (int)psci_relay_cpu_on(&ops, &relay[op->arg], op->arg,
				      FN_CPU_ON, op->arg, HOST_ENTRY(cpu),
				      HOST_CTX(cpu));
}

/**
 * x_psci_boot() - CPU op->arg, off, waits until the firmware starts it,
 * then comes back to EL2 through the relay.
 * @thread: the scenario's thread playing the CPU.
 * @op: the step; op->arg is the CPU.
 *
 * Return: 0 (back[] says how it came back).
 */
int x_psci_boot(unsigned int thread, const struct xop *op)
{
	unsigned int cpu = (unsigned int)op->arg;

	cpu_of[thread] = cpu;
	while (s2o_load_acquire(&fw.state[cpu]) != FW_STARTING)
		s2o_arch_cpu_relax();
	come_back(cpu);
	s2o_store(&fw.state[cpu], FW_ON);
	return 0;
}

static void reset(u32 cpu0_state)
{
	unsigned int i;

	for (i = 0; i < FW_CPUS; i++) {
		fw.state[i] = i ? FW_ON : cpu0_state;
		fw.entry[i] = fw.ctx[i] = 0;
		relay[i] = (struct psci_relay_cpu){ 0 };
		back[i].entered = 0;
	}
}

/** x_psci_setup_on() - every CPU on: CPU 0 suspends while another starts it. */
void x_psci_setup_on(void)
{
	reset(FW_ON);
}

/** x_psci_setup_off() - CPU 0 off, the others on: two of them start it. */
void x_psci_setup_off(void)
{
	reset(FW_OFF);
}

static char why[256];

static const char *relay_left_pending(void)
{
	unsigned int i;

	for (i = 0; i < FW_CPUS; i++)
		if (relay[i].on.pending || relay[i].suspend.pending) {
			snprintf(why, sizeof(why), "cpu %u's relay state is "
				 "left pending (on %u, suspend %u)", i,
				 relay[i].on.pending,
				 relay[i].suspend.pending);
			return why;
		}
	return NULL;
}

/**
 * x_psci_check_suspend_on() - suspend vs CPU_ON: the CPU_ON gets
 * ALREADY_ON (CPU 0 is on, or suspended, which PSCI counts as on), and
 * CPU 0 resumes where its own suspend asked, not "without a PSCI request",
 * not at the CPU_ON's entry; nothing is left pending.
 * @th: the run's threads and their results.
 *
 * Return: NULL, or what is wrong.
 */
const char *x_psci_check_suspend_on(const struct xthread *th)
{
	int on = th[1].ops[0].ret;

	if (back[0].entered != 1) {
		snprintf(why, sizeof(why), "cpu 0 resumed without a PSCI "
			 "request (the hypervisor panics); CPU_ON returned %d",
			 on);
		return why;
	}
	if (back[0].entry != HOST_ENTRY(0) || back[0].ctx != HOST_CTX(0)) {
		snprintf(why, sizeof(why), "cpu 0 resumed at %#llx with "
			 "%#llx, not its own suspend's %#llx with %#llx",
			 (unsigned long long)back[0].entry,
			 (unsigned long long)back[0].ctx,
			 (unsigned long long)HOST_ENTRY(0),
			 (unsigned long long)HOST_CTX(0));
		return why;
	}
	if (on != PSCI_RET_ALREADY_ON) {
		snprintf(why, sizeof(why), "CPU_ON of a CPU that is on "
			 "returned %d, not ALREADY_ON", on);
		return why;
	}
	return relay_left_pending();
}

/**
 * x_psci_check_on_on() - CPU_ON vs CPU_ON of an off CPU: exactly one
 * succeeds, the other gets ON_PENDING or ALREADY_ON, the CPU starts where
 * the winner asked, and nothing is left pending.
 * @th: the run's threads and their results.
 *
 * Return: NULL, or what is wrong.
 */
const char *x_psci_check_on_on(const struct xthread *th)
{
	int a = th[0].ops[0].ret, b = th[1].ops[0].ret;
	int winner = !a ? 1 : !b ? 2 : 0;

	if ((!a) + (!b) != 1 ||
	    (a && a != PSCI_RET_ON_PENDING && a != PSCI_RET_ALREADY_ON) ||
	    (b && b != PSCI_RET_ON_PENDING && b != PSCI_RET_ALREADY_ON)) {
		snprintf(why, sizeof(why), "two CPU_ONs returned %d and %d",
			 a, b);
		return why;
	}
	if (back[0].entered != 1 || back[0].entry != HOST_ENTRY(winner) ||
	    back[0].ctx != HOST_CTX(winner)) {
		snprintf(why, sizeof(why), "cpu 0 started (%d) at %#llx with "
			 "%#llx, not where cpu %d asked", back[0].entered,
			 (unsigned long long)back[0].entry,
			 (unsigned long long)back[0].ctx, winner);
		return why;
	}
	return relay_left_pending();
}
