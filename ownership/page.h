/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The page layer: one 8-byte record per 4K page of every RAM region (host
 * and hypervisor RAM alike), and the primitives every transition is made
 * of: check a range, claim its pages and check their state, write their
 * new state, release them (which publishes it).
 *
 * The array lives as long as the system: pages are type-stable, which is
 * what lets a walker take a speculative reference on a table page that
 * may just have been freed (docs/walker-refcounts.md).
 */
#ifndef S2OWN_PAGE_H
#define S2OWN_PAGE_H

#include "memmap.h"

/* The one-byte ownership state of a data page. */
enum s2o_pstate {
	S2O_PS_HOST = 0,		/* host OWNED */
	S2O_PS_HOST_SHARED_HYP,		/* host SHARED_OWNED, hyp SHARED_BORROWED */
	S2O_PS_HYP,			/* hyp OWNED (donated or hyp RAM) */
	S2O_PS_GUEST,			/* guest OWNED, mapped in its stage-2 */
	S2O_PS_GUEST_SHARED,		/* guest SHARED_OWNED, host SHARED_BORROWED */
	S2O_PS_GUEST_RELINQUISHED,	/* guest gave it back; host may reclaim */
	S2O_PS_VM_STATE,		/* hyp OWNED, holding a VM's vCPU state */
};

/*
 * A transition claims its pages by locking each 2M block of them (one
 * byte per block, after the page array): others wait. Locks are taken in
 * ascending order, so transitions cannot deadlock, and of two conflicting
 * ones exactly one sees the old state. A lock per 2M rather than per page
 * makes a 2M transition one lock, not 512 atomics.
 */
#define S2O_LOCK_PAGES_SHIFT 9

struct s2o_page {
	u32 refs;		/* table page: walkers inside it */
	u16 nr_blockers;	/* table page: entries that block a collapse */
	union {
		struct {
			u8 state;	/* data page: enum s2o_pstate */
			u8 vm;		/* owned by a guest: its VM handle */
		};
		u16 owner;	/* both, for the page layer's range loops */
	};
};

#define S2O_PAGE_OWNER(state, vm) ((u16)((state) | (vm) << 8))
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "struct s2o_page.owner: state is the low byte");

_Static_assert(sizeof(struct s2o_page) == 8, "metadata budget: 8 bytes");

extern struct s2o_page *s2o_pages;
extern u8 *s2o_page_locks;

static inline struct s2o_page *s2o_pfn_page(u64 pfn)
{
	return &s2o_pages[pfn - s2o_memmap.first_pfn];
}

/* The lock of the 2M block of pages holding @pfn. */
static inline u8 *s2o_page_lock(u64 pfn)
{
	return &s2o_page_locks[(pfn >> S2O_LOCK_PAGES_SHIFT) -
			       (s2o_memmap.first_pfn >> S2O_LOCK_PAGES_SHIFT)];
}

static inline struct s2o_page *s2o_pa_page(u64 pa)
{
	return s2o_pfn_page(pa >> S2O_PAGE_SHIFT);
}

int s2o_pages_init(void *metadata);

/*
 * The first page from @p on whose owner word is not @owner, or @end.
 * Plain reads, four at a time: the caller holds the locks of these pages
 * (only a holder writes them), or every CPU is held still.
 */
static inline const struct s2o_page *
s2o_skip_owner(const struct s2o_page *p, const struct s2o_page *end,
	       u32 owner)
{
	while (end - p >= 4 && p[0].owner == owner && p[1].owner == owner &&
	       p[2].owner == owner && p[3].owner == owner)
		p += 4;
	while (p < end && p->owner == owner)
		p++;
	return p;
}

/*
 * Returns 0 if a page in @state (and @page) may be claimed, or an errno.
 * A function of the state, the page's VM and whether that VM is live only:
 * s2o_claim_pages() reuses one answer for a run of like pages.
 */
typedef int (*s2o_page_check_fn)(u8 state, const struct s2o_page *page,
				 const void *arg);

int s2o_check_pfn_range(u64 pfn, u64 nr);
int s2o_claim_pages(u64 pfn, u64 nr, s2o_page_check_fn check,
		    const void *arg, bool *alike);
int s2o_page_in_state(u8 state, const struct s2o_page *page,
		      const void *want);
int s2o_page_any_state(u8 state, const struct s2o_page *page,
		       const void *arg);
void s2o_release_pages(u64 pfn, u64 nr);
void s2o_set_pages(u64 pfn, u64 nr, enum s2o_pstate state, u8 vm);

#endif /* S2OWN_PAGE_H */
