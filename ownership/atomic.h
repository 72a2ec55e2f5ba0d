/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Atomics and a ticket-free spinlock on the compiler's __atomic builtins,
 * which gcc and clang lower to LSE or LL/SC at EL2 and to the host's
 * instructions (and ThreadSanitizer's hooks) in tests. Descriptor updates
 * do not use these: they go through s2o_arch_pte_cmpxchg() so that the
 * fake backend sees them.
 *
 * Every atomic on shared state in the core is one of these, so each one
 * first announces itself to s2o_arch_access() (arch.h): nothing in every
 * build but the host explorer's, where it is a scheduling point. The
 * statistics counters are the exception: nothing in the core reads them.
 */
#ifndef S2OWN_ATOMIC_H
#define S2OWN_ATOMIC_H

#include "arch.h"

/* Announce an access of kind @k to *@p; evaluates to @p. */
#define s2o_access(p, k)						\
	({								\
		__typeof__(p) acc_p_ = (p);				\
		s2o_arch_access(acc_p_, sizeof(*acc_p_), S2O_ACCESS_##k); \
		acc_p_;							\
	})

/* __atomic_@op on *@p, announced as an access of kind @k. */
#define s2o_atomic(op, k, p, ...) __atomic_##op(s2o_access(p, k), __VA_ARGS__)

#define s2o_read_once(p) s2o_atomic(load_n, LOAD, p, __ATOMIC_RELAXED)
#define s2o_load_acquire(p) s2o_atomic(load_n, LOAD, p, __ATOMIC_ACQUIRE)
#define s2o_load(p) s2o_atomic(load_n, LOAD, p, __ATOMIC_SEQ_CST)
#define s2o_write_once(p, v) s2o_atomic(store_n, STORE, p, v, __ATOMIC_RELAXED)
#define s2o_store_release(p, v)						\
	s2o_atomic(store_n, STORE, p, v, __ATOMIC_RELEASE)
#define s2o_store(p, v) s2o_atomic(store_n, STORE, p, v, __ATOMIC_SEQ_CST)

/* Add or subtract, returning the new value; exchange, the old one. */
#define s2o_add_return(p, v) s2o_atomic(add_fetch, RMW, p, v, __ATOMIC_SEQ_CST)
#define s2o_sub_return(p, v) s2o_atomic(sub_fetch, RMW, p, v, __ATOMIC_SEQ_CST)
#define s2o_sub_return_release(p, v)					\
	s2o_atomic(sub_fetch, RMW, p, v, __ATOMIC_RELEASE)
#define s2o_add_return_relaxed(p, v)					\
	s2o_atomic(add_fetch, RMW, p, v, __ATOMIC_RELAXED)
#define s2o_xchg_acquire(p, v)						\
	s2o_atomic(exchange_n, RMW, p, v, __ATOMIC_ACQUIRE)
#define s2o_xchg_relaxed(p, v)						\
	s2o_atomic(exchange_n, RMW, p, v, __ATOMIC_RELAXED)

/*
 * Compare-and-swap *@p from *@oldp to @new, as the kernel's
 * try_cmpxchg(): true if it swapped, else false with *@oldp set to what
 * *@p held. The ordering is that of a success; a failure is relaxed
 * (sequentially consistent for the fully ordered form).
 */
#define s2o_try_cmpxchg_order(p, oldp, new, ok, fail)			\
	s2o_atomic(compare_exchange_n, RMW, p, oldp, new, false, ok, fail)
#define s2o_try_cmpxchg(p, oldp, new)					\
	s2o_try_cmpxchg_order(p, oldp, new, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)
#define s2o_try_cmpxchg_acquire(p, oldp, new)				\
	s2o_try_cmpxchg_order(p, oldp, new, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)
#define s2o_try_cmpxchg_relaxed(p, oldp, new)				\
	s2o_try_cmpxchg_order(p, oldp, new, __ATOMIC_RELAXED, __ATOMIC_RELAXED)

/* Statistics: nothing reads them to decide anything, no announcement. */
#define s2o_stat_add(p, v) __atomic_add_fetch((p), (v), __ATOMIC_RELAXED)
#define s2o_stat_inc(p) s2o_stat_add((p), 1)

struct s2o_spinlock {
	u32 locked;
};

static inline void s2o_spin_lock(struct s2o_spinlock *l)
{
	while (s2o_xchg_acquire(&l->locked, 1))
		while (s2o_read_once(&l->locked))
			s2o_arch_cpu_relax();
}

static inline bool s2o_spin_trylock(struct s2o_spinlock *l)
{
	return !s2o_read_once(&l->locked) && !s2o_xchg_acquire(&l->locked, 1);
}

static inline void s2o_spin_unlock(struct s2o_spinlock *l)
{
	s2o_store_release(&l->locked, 0);
}

#endif /* S2OWN_ATOMIC_H */
