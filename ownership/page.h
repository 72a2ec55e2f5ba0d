/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-page metadata and the physical memory map.
 *
 * One struct s2o_page per 4K page of every RAM region (host and hypervisor
 * RAM alike), 8 bytes each, in an array that lives as long as the system:
 * pages are type-stable, which is what lets a walker take a speculative
 * reference on a table page that may just have been freed (see
 * docs/walker-refcounts.md).
 */
#ifndef S2OWN_PAGE_H
#define S2OWN_PAGE_H

#include "s2own.h"

/* The one-byte ownership state of a data page. */
enum s2o_pstate {
	S2O_PS_HOST = 0,		/* host OWNED */
	S2O_PS_HOST_SHARED_HYP,		/* host SHARED_OWNED, hyp SHARED_BORROWED */
	S2O_PS_HYP,			/* hyp OWNED (donated or hyp RAM) */
	S2O_PS_GUEST,			/* guest OWNED, mapped in its stage-2 */
	S2O_PS_GUEST_RELINQUISHED,	/* guest gave it back; host may reclaim */
};

/*
 * Set on top of a state while a transition holds the page: others wait.
 * Transitions claim their pages in ascending order, so they cannot
 * deadlock, and of two conflicting ones exactly one sees the old state.
 */
#define S2O_PS_BUSY 0x80

struct s2o_page {
	u32 refs;	/* table page: walkers inside it */
	u16 nr_busy;	/* table page: entries that prevent coalescing */
	u8 state;	/* data page: enum s2o_pstate */
	u8 vm;		/* data page owned by a guest: its VM handle */
};

_Static_assert(sizeof(struct s2o_page) == 8, "metadata budget: 8 bytes");

/* Memory map: RAM regions, sorted; MMIO is everything between them. */
struct s2o_memmap {
	struct s2o_mem_region regions[S2O_MAX_MEM_REGIONS];
	unsigned int nr_regions;
	u64 first_pfn;		/* metadata covers [first_pfn, end_pfn) */
	u64 end_pfn;
	struct s2o_page *pages;
};

extern struct s2o_memmap s2o_memmap;

int s2o_memmap_init(const struct s2o_init_params *params);

/* The RAM region holding @addr, or NULL for MMIO. */
const struct s2o_mem_region *s2o_find_region(u64 addr);

/*
 * The range [*start, *end) around @addr of uniform memory type: a RAM
 * region, or the MMIO gap between two of them.
 */
void s2o_memory_range(u64 addr, u64 *start, u64 *end);

bool s2o_regions_have_ram(const struct s2o_mem_region *regions,
			  unsigned int nr_regions, u64 start, u64 end);

static inline struct s2o_page *s2o_pfn_page(u64 pfn)
{
	return &s2o_memmap.pages[pfn - s2o_memmap.first_pfn];
}

static inline struct s2o_page *s2o_pa_page(u64 pa)
{
	return s2o_pfn_page(pa >> S2O_PAGE_SHIFT);
}

#endif /* S2OWN_PAGE_H */
