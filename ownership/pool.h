/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The pool of table pages, with reservations: a transition reserves every
 * table page it may need before its first change, so it never runs dry
 * half-way (Hafnium's prepare/commit split).
 */
#ifndef S2OWN_POOL_H
#define S2OWN_POOL_H

#include "types.h"

int s2o_pool_init(u64 base, u64 nr_pages);
/* Set aside @nr pages for the caller; -ENOMEM if fewer are unreserved. */
int s2o_pool_reserve(u64 nr);
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
