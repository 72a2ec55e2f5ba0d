/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event counters, bumped with relaxed atomics: they are statistics, never
 * used to decide anything.
 */
#ifndef S2OWN_STATS_H
#define S2OWN_STATS_H

#include "s2own.h"

struct s2o_counters {
	u64 splits;
	u64 coalesces;
	u64 host_faults;
	u64 host_faults_refused;
	u64 tlbi_ipa;
	u64 tlbi_range;
	u64 tlbi_vmid;
	u64 pages_scrubbed;
};

extern struct s2o_counters s2o_counters;

#endif /* S2OWN_STATS_H */
