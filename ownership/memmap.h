/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The physical memory map: the RAM regions, sorted, and the MMIO gaps
 * between them. Fixed at s2o_init(); read by everyone without locks.
 */
#ifndef S2OWN_MEMMAP_H
#define S2OWN_MEMMAP_H

#include "s2own.h"

struct s2o_memmap {
	struct s2o_mem_region regions[S2O_MAX_MEM_REGIONS];
	unsigned int nr_regions;
	u64 first_pfn;		/* the metadata covers [first_pfn, end_pfn) */
	u64 end_pfn;
};

extern struct s2o_memmap s2o_memmap;

int s2o_memmap_init(const struct s2o_init_params *params);

/* The RAM region holding @addr, or NULL for MMIO. */
const struct s2o_mem_region *s2o_find_region(u64 addr);

/*
 * The range [*start, *end) around @addr of uniform memory type: a RAM
 * region, or the MMIO gap between two of them.
 */
const struct s2o_mem_region *s2o_memory_range(u64 addr, u64 *start,
					      u64 *end);

bool s2o_regions_have_ram(const struct s2o_mem_region *regions,
			  unsigned int nr_regions, u64 start, u64 end);

#endif /* S2OWN_MEMMAP_H */
