/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Atomics and a ticket-free spinlock on the compiler's __atomic builtins,
 * which gcc and clang lower to LSE or LL/SC at EL2 and to the host's
 * instructions (and ThreadSanitizer's hooks) in tests. Descriptor updates
 * do not use these: they go through s2o_arch_pte_cmpxchg() so that the
 * fake backend sees them.
 */
#ifndef S2OWN_ATOMIC_H
#define S2OWN_ATOMIC_H

#include "arch.h"

#define s2o_read_once(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define s2o_write_once(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define s2o_load_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define s2o_store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define s2o_add_return(p, v) __atomic_add_fetch((p), (v), __ATOMIC_SEQ_CST)
#define s2o_sub_return(p, v) __atomic_sub_fetch((p), (v), __ATOMIC_SEQ_CST)
#define s2o_stat_inc(p) __atomic_add_fetch((p), 1, __ATOMIC_RELAXED)

struct s2o_spinlock {
	u32 locked;
};

static inline void s2o_spin_lock(struct s2o_spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (s2o_read_once(&l->locked))
			s2o_arch_cpu_relax();
}

static inline bool s2o_spin_trylock(struct s2o_spinlock *l)
{
	return !s2o_read_once(&l->locked) &&
	       !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void s2o_spin_unlock(struct s2o_spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#endif /* S2OWN_ATOMIC_H */
