// SPDX-License-Identifier: GPL-2.0-only
/*
 * Holding every other CPU out of the ownership core, for the debug call
 * that runs the invariant checker (S2OWN_HC_CHECK). The checker reads
 * without taking anything, so it is exact only when no transition, fault
 * or walk is in flight: no page claimed, no entry locked, no walker's
 * reference held.
 *
 * The protocol is a per-CPU flag against one global one, the store-buffer
 * pattern (Dekker): each side writes its own flag, then reads the other's,
 * with a full barrier in between, so at least one of them sees the
 * other's write.
 *
 *   entry (every CPU, hyp_core_enter)     quiescer (hyp_quiesce_begin)
 *     in_core = 1                           stop = 1
 *     DMB ISH                               DMB ISH
 *     stop? -> in_core = 0, wait, retry     wait until every in_core == 0
 *
 * If the entering CPU read stop == 0, the quiescer reads its in_core == 1
 * and waits for its exit; the exit is a store-release that the waiting
 * load-acquire pairs with, so the checker sees everything the CPU wrote.
 * Otherwise the CPU backs off before touching anything. A CPU inside the
 * core never waits for one outside it, so the wait ends. The cost on the
 * hot path is a store, a barrier and a load of a line that is only
 * written by the quiescer: no shared counter, nothing CPUs contend on.
 */
#include "hyp.h"
#include "sysreg.h"

static u32 stop;
static hyp_spinlock_t quiesce_lock;

/**
 * hyp_core_enter() - this CPU is about to call into the ownership core.
 *
 * Waits while another CPU holds the core quiesced.
 */
void hyp_core_enter(void)
{
	struct hyp_cpu *c = this_cpu();

	for (;;) {
		__atomic_store_n(&c->in_core, 1, __ATOMIC_RELAXED);
		dmb(ish);
		if (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE))
			return;
		__atomic_store_n(&c->in_core, 0, __ATOMIC_RELEASE);
		while (__atomic_load_n(&stop, __ATOMIC_RELAXED))
			asm volatile("yield");
	}
}

/** hyp_core_exit() - this CPU is done with the ownership core. */
void hyp_core_exit(void)
{
	__atomic_store_n(&this_cpu()->in_core, 0, __ATOMIC_RELEASE);
}

/**
 * hyp_quiesce_begin() - wait until no other CPU is in the ownership core
 * and keep them out until hyp_quiesce_end().
 *
 * The caller must not be inside the core itself. One quiescer at a time:
 * a second waits for the first to finish.
 */
void hyp_quiesce_begin(void)
{
	unsigned int i;

	hyp_spin_lock(&quiesce_lock);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	dmb(ish);
	for (i = 0; i < hyp_nr_cpus; i++)
		while (__atomic_load_n(&hyp_cpus[i].in_core, __ATOMIC_ACQUIRE))
			asm volatile("yield");
}

/** hyp_quiesce_end() - let the other CPUs back into the core. */
void hyp_quiesce_end(void)
{
	__atomic_store_n(&stop, 0, __ATOMIC_RELEASE);
	hyp_spin_unlock(&quiesce_lock);
}
