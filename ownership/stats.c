// SPDX-License-Identifier: GPL-2.0-only
/*
 * The counters, and the snapshot the dump and the tests read.
 */
#include "atomic.h"
#include "pool.h"
#include "stats.h"

struct s2own_stats s2o_counters;

/**
 * s2o_get_stats() - a snapshot of the counters and the pool.
 * @stats: filled in.
 */
void s2o_get_stats(struct s2own_stats *stats)
{
#define READ_COUNTER(name) stats->name = s2o_read_once(&s2o_counters.name);
	S2OWN_STATS(READ_COUNTER)
#undef READ_COUNTER
	stats->table_pages_used = s2o_pool_nr_used();
	stats->table_pages_free = s2o_pool_nr_free();
}
