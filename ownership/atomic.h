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

#define s2o_read_once(p) __atomic_load_n(s2o_access(p, LOAD), __ATOMIC_RELAXED)
#define s2o_write_once(p, v)						\
	__atomic_store_n(s2o_access(p, STORE), (v), __ATOMIC_RELAXED)
#define s2o_load_acquire(p)						\
	__atomic_load_n(s2o_access(p, LOAD), __ATOMIC_ACQUIRE)
#define s2o_store_release(p, v)						\
	__atomic_store_n(s2o_access(p, STORE), (v), __ATOMIC_RELEASE)
/* Sequentially consistent load and store. */
#define s2o_load(p) __atomic_load_n(s2o_access(p, LOAD), __ATOMIC_SEQ_CST)
#define s2o_store(p, v)							\
	__atomic_store_n(s2o_access(p, STORE), (v), __ATOMIC_SEQ_CST)

/* Add or subtract, returning the new value: sequentially consistent. */
#define s2o_add_return(p, v)						\
	__atomic_add_fetch(s2o_access(p, RMW), (v), __ATOMIC_SEQ_CST)
#define s2o_sub_return(p, v)						\
	__atomic_sub_fetch(s2o_access(p, RMW), (v), __ATOMIC_SEQ_CST)
#define s2o_sub_return_release(p, v)					\
	__atomic_sub_fetch(s2o_access(p, RMW), (v), __ATOMIC_RELEASE)
#define s2o_add_return_relaxed(p, v)					\
	__atomic_add_fetch(s2o_access(p, RMW), (v), __ATOMIC_RELAXED)

/* Exchange, returning the old value. */
#define s2o_xchg_acquire(p, v)						\
	__atomic_exchange_n(s2o_access(p, RMW), (v), __ATOMIC_ACQUIRE)
#define s2o_xchg_relaxed(p, v)						\
	__atomic_exchange_n(s2o_access(p, RMW), (v), __ATOMIC_RELAXED)

/*
 * Compare-and-swap *@p from *@oldp to @new, as the kernel's
 * try_cmpxchg(): true if it swapped, else false with *@oldp set to what
 * *@p held. The ordering is that of a success; a failure is relaxed
 * (acquire for the fully ordered form).
 */
#define s2o_try_cmpxchg(p, oldp, new)					\
	__atomic_compare_exchange_n(s2o_access(p, RMW), (oldp), (new), false, \
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)
#define s2o_try_cmpxchg_acquire(p, oldp, new)				\
	__atomic_compare_exchange_n(s2o_access(p, RMW), (oldp), (new), false, \
				    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)
#define s2o_try_cmpxchg_relaxed(p, oldp, new)				\
	__atomic_compare_exchange_n(s2o_access(p, RMW), (oldp), (new), false, \
				    __ATOMIC_RELAXED, __ATOMIC_RELAXED)

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
