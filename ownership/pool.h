/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The pool of table pages, with reservations: a transition reserves every
 * table page it may need before its first change, so it never runs dry
 * half-way (Hafnium's prepare/commit split). A host reserve is kept back
 * from every reservation but the host fault path's, so that the host can
 * never fill the pool with VM tables and starve its own stage-2.
 */
#ifndef S2OWN_POOL_H
#define S2OWN_POOL_H

#include "types.h"

int s2o_pool_init(u64 base, u64 nr_pages, u64 host_reserve);
/* Set aside @nr pages, leaving the host reserve; -ENOMEM if it cannot. */
int s2o_pool_reserve(u64 nr);
/* The same, but a refusal is not one (a caller with a smaller count). */
int s2o_pool_try_reserve(u64 nr);
/* The same, for the host stage-2: may take the host reserve too. */
int s2o_pool_reserve_host(u64 nr);
/* Whether s2o_pool_reserve() failed since the last call. */
bool s2o_pool_test_and_clear_refused(void);
/* Give back the unused part of a reservation. */
void s2o_pool_unreserve(u64 nr);
/* Take one reserved page (contents undefined); returns its address. */
u64 s2o_pool_alloc_reserved(void);
/* Return a table page that no walker can reach or still holds. */
void s2o_pool_free(u64 pa);
u64 s2o_pool_nr_free(void);
u64 s2o_pool_nr_used(void);
bool s2o_pool_contains(u64 pa);

#endif /* S2OWN_POOL_H */
