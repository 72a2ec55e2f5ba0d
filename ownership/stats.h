/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event counters, bumped with relaxed atomics: they are statistics, never
 * used to decide anything.
 */
#ifndef S2OWN_STATS_H
#define S2OWN_STATS_H

#include "s2own.h"

/* The table_pages_* fields stay 0: s2o_get_stats() asks the pool. */
extern struct s2own_stats s2o_counters;

#endif /* S2OWN_STATS_H */
