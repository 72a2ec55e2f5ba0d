/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How concurrent walkers are kept safe, chosen at build time:
 *
 *   S2O_SYNC_REFCOUNT (default): walkers hold a reference on each table
 *       page they are inside; a collapsed table is freed once its count
 *       drains. No global lock on the fault path or on transitions.
 *   S2O_SYNC_LOCK: one lock serialises every operation (pKVM's host
 *       stage-2 lock); references are still taken, never contended.
 *   S2O_SYNC_RCU (host builds only): liburcu QSBR; walkers take no
 *       reference, a collapser waits for a grace period instead.
 *
 * The walker code is the same in all three; only these hooks differ.
 * docs/walker-refcounts.md has the protocol and its proof.
 */
#ifndef S2OWN_SYNC_H
#define S2OWN_SYNC_H

#include "atomic.h"
#include "mutant.h"
#include "page.h"

#if defined(S2O_SYNC_LOCK) + defined(S2O_SYNC_RCU) > 1
#error "choose one of S2O_SYNC_LOCK, S2O_SYNC_RCU"
#endif

#ifdef S2O_SYNC_RCU
#include <urcu-qsbr.h>
#define S2O_SYNC_NAME "rcu"
#elif defined(S2O_SYNC_LOCK)
#define S2O_SYNC_NAME "lock"
#else
#define S2O_SYNC_NAME "refcount"
#endif

extern struct s2o_spinlock s2o_big_lock;

/* Bracket every public operation. */
static inline void s2o_op_begin(void)
{
#ifdef S2O_SYNC_LOCK
	s2o_spin_lock(&s2o_big_lock);
#endif
}

static inline void s2o_op_end(void)
{
#ifdef S2O_SYNC_LOCK
	s2o_spin_unlock(&s2o_big_lock);
#elif defined(S2O_SYNC_RCU)
	rcu_quiescent_state();
#endif
}

/*
 * Wait a little, holding no table: a walk about to restart from the root,
 * or a transition waiting for a page another one has claimed. The moment
 * to report a quiescent state, so that a collapser waiting for a grace
 * period (RCU) never waits for a CPU that is itself waiting for it.
 */
static inline void s2o_relax_unheld(void)
{
#ifdef S2O_SYNC_RCU
	rcu_quiescent_state();
#endif
	s2o_arch_cpu_relax();
}

/*
 * Enter the table @old points to: take a reference, then check that
 * @ptep still points there. A table unlinked meanwhile may have been
 * freed and reused; only a reference taken while it was reachable keeps
 * it alive. The metadata array is never freed, so the stray increment on
 * a reused page is harmless, and the table's contents were not read.
 * Both atomics are sequentially consistent: this is a store->load pattern
 * against the collapser's lock-then-read-refs (see the protocol doc).
 */
static inline bool s2o_walk_get_table(u64 *ptep, u64 old,
				      struct s2o_page *table)
{
#ifdef S2O_SYNC_RCU
	(void)ptep;
	(void)old;
	(void)table;
	return true;
#else
	u64 early = s2o_mutant(RELAXED_INC) ? s2o_load(ptep) : 0;

	s2o_add_return(&table->refs, 1);
	if (s2o_mutant(NO_REVALIDATE) ||
	    (s2o_mutant(RELAXED_INC) ? early : s2o_load(ptep)) == old)
		return true;
	s2o_sub_return(&table->refs, 1);
	return false;
#endif
}

static inline void s2o_walk_put_table(struct s2o_page *table)
{
#ifdef S2O_SYNC_RCU
	(void)table;
#else
	s2o_sub_return_release(&table->refs, 1);
#endif
}

/*
 * Called with the only entry pointing to @table locked: return once no
 * walker is inside it (none can enter any more).
 */
static inline void s2o_wait_table_idle(struct s2o_page *table)
{
#ifdef S2O_SYNC_RCU
	(void)table;
	synchronize_rcu();
#else
	while (!s2o_mutant(NO_WAIT) && s2o_load(&table->refs))
		s2o_arch_cpu_relax();
#endif
}

#endif /* S2OWN_SYNC_H */
