// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page layer: per-page metadata, and how a transition takes, checks
 * and gives back the pages it works on (page.h).
 */
#include "page.h"
#include "sync.h"

struct s2o_page *s2o_pages;
u8 *s2o_page_locks;

/**
 * s2o_metadata_bytes() - the size of the per-page metadata for a map.
 * @regions: the memory map, sorted.
 * @nr_regions: its number of regions.
 *
 * Return: 8 bytes per 4K page from the first region's start to the last
 * region's end, and a lock byte per 2M block of them.
 */
u64 s2o_metadata_bytes(const struct s2o_mem_region *regions,
		       unsigned int nr_regions)
{
	u64 first, end;

	if (!nr_regions)
		return 0;
	first = regions[0].base >> S2O_PAGE_SHIFT;
	end = (regions[nr_regions - 1].base + regions[nr_regions - 1].size) >>
	      S2O_PAGE_SHIFT;
	return (end - first) * sizeof(struct s2o_page) +
	       ((end - 1) >> S2O_LOCK_PAGES_SHIFT) -
	       (first >> S2O_LOCK_PAGES_SHIFT) + 1;
}

static void pages_fill(u64 pfn, u64 end, enum s2o_pstate state)
{
	for (; pfn < end; pfn++)
		s2o_pfn_page(pfn)->state = state;
}

/**
 * s2o_pages_init() - set up the metadata of the memory map.
 * @metadata: s2o_metadata_bytes() bytes, 8-byte aligned, zeroed: every
 *            page starts the host's, every lock free.
 *
 * The hypervisor's RAM, and the holes between regions, are marked the
 * hypervisor's; only those pages are written, so booting with a lot of
 * RAM costs no more than zeroing the array.
 *
 * Return: 0, or -EINVAL without an array.
 */
int s2o_pages_init(void *metadata)
{
	u64 pfn = s2o_memmap.first_pfn;
	unsigned int i;

	if (!metadata)
		return -S2OWN_EINVAL;
	s2o_pages = metadata;
	s2o_page_locks = (u8 *)(s2o_pages + (s2o_memmap.end_pfn - pfn));
	for (i = 0; i < s2o_memmap.nr_regions; i++) {
		const struct s2o_mem_region *r = &s2o_memmap.regions[i];
		u64 first = r->base >> S2O_PAGE_SHIFT;
		u64 end = (r->base + r->size) >> S2O_PAGE_SHIFT;

		pages_fill(pfn, first, S2O_PS_HYP);
		if (r->type != S2O_MEM_RAM)
			pages_fill(first, end, S2O_PS_HYP);
		pfn = end;
	}
	return 0;
}

/**
 * s2o_check_pfn_range() - the checks every pfn range goes through.
 * @pfn: first page frame.
 * @nr: number of pages.
 *
 * Return: 0; -EINVAL if @nr is 0, the range overflows, leaves RAM (MMIO,
 * holes) or crosses regions; -EPERM if it is the hypervisor's own RAM.
 */
int s2o_check_pfn_range(u64 pfn, u64 nr)
{
	const struct s2o_mem_region *r;
	u64 max_pfn = 1ULL << (S2O_IPA_BITS - S2O_PAGE_SHIFT);

	if (!nr || pfn >= max_pfn || nr > max_pfn - pfn)
		return -S2OWN_EINVAL;
	r = s2o_find_region(pfn << S2O_PAGE_SHIFT);
	if (!r || ((pfn + nr) << S2O_PAGE_SHIFT) - r->base > r->size)
		return -S2OWN_EINVAL;
	return r->type == S2O_MEM_RAM ? 0 : -S2OWN_EPERM;
}

/**
 * s2o_page_in_state() - a claim check: the page is in state *@want.
 * @state: the page's state.
 * @page: the page.
 * @want: pointer to the u8 state required.
 *
 * Return: 0 or -EPERM.
 */
int s2o_page_in_state(u8 state, const struct s2o_page *page,
		      const void *want)
{
	(void)page;
	return state == *(const u8 *)want ? 0 : -S2OWN_EPERM;
}

/**
 * s2o_page_any_state() - a claim check that accepts every state.
 * @state: the page's state.
 * @page: the page.
 * @arg: unused.
 *
 * Return: 0.
 */
int s2o_page_any_state(u8 state, const struct s2o_page *page,
		       const void *arg)
{
	(void)state;
	(void)page;
	(void)arg;
	return 0;
}

static void unlock_blocks(u8 *first, u8 *last)
{
	for (u8 *lock = first; lock <= last; lock++)
		s2o_store_release(lock, 0);
}

/**
 * s2o_release_pages() - give up claimed pages.
 * @pfn: first page frame.
 * @nr: number of pages, all claimed by the caller.
 *
 * Whatever s2o_set_pages() wrote is published by the release.
 */
void s2o_release_pages(u64 pfn, u64 nr)
{
	unlock_blocks(s2o_page_lock(pfn), s2o_page_lock(pfn + nr - 1));
}

/**
 * s2o_claim_pages() - take every page of a range for a transition.
 * @pfn: first page frame (range already checked).
 * @nr: number of pages, at least one.
 * @check: whether a page's state allows the transition.
 * @arg: passed to @check.
 * @alike: if not NULL, set to whether every page has one state and one VM
 *         (the claim sees it for nothing; a caller saves a scan).
 *
 * A claim holds the lock of each 2M block of pages the range touches,
 * taken lowest first (so two transitions cannot deadlock) and waited for
 * when another transition holds it; then every page is checked, in a
 * state no other transition can change. On failure the locks are given
 * back: nothing changed.
 *
 * @check depends on the page's state and VM only (and @arg, and whether
 * that VM is live, which for a VM owning pages only goes from live to
 * dead), so a page with the state and VM of the page before it passes
 * as that one did: a range of like pages costs one call.
 *
 * Return: 0 with all pages claimed, or the first error @check returned.
 */
int s2o_claim_pages(u64 pfn, u64 nr, s2o_page_check_fn check,
		    const void *arg, bool *alike)
{
	u8 *first = s2o_page_lock(pfn), *last = s2o_page_lock(pfn + nr - 1);
	const struct s2o_page *p = s2o_pfn_page(pfn), *end = p + nr;
	u32 passed = ~0U;	/* the owner word that passed last */
	u32 runs = 0;

	for (u8 *lock = first; lock <= last; lock++)
		while (s2o_read_once(lock) || s2o_xchg_acquire(lock, 1))
			s2o_relax_unheld();
	while ((p = s2o_skip_owner(p, end, passed)) < end) {
		u16 owner = p->owner;
		int ret = check((u8)owner, p, arg);

		if (ret) {
			unlock_blocks(first, last);
			return ret;
		}
		passed = owner;
		runs++;
	}
	if (alike)
		*alike = runs == 1;
	return 0;
}

/**
 * s2o_set_pages() - the new state of claimed pages.
 * @pfn: first page frame.
 * @nr: number of pages.
 * @state: the new state.
 * @vm: the owning VM for guest states, else 0.
 *
 * Others see it once the transition releases the pages.
 */
void s2o_set_pages(u64 pfn, u64 nr, enum s2o_pstate state, u8 vm)
{
	struct s2o_page *p = s2o_pfn_page(pfn), *end = p + nr;
	u16 owner = S2O_PAGE_OWNER(state, vm);

	/* Plain stores: every reader holds the lock, or the system still. */
	for (; end - p >= 4; p += 4) {
		p[0].owner = owner;
		p[1].owner = owner;
		p[2].owner = owner;
		p[3].owner = owner;
	}
	for (; p < end; p++)
		p->owner = owner;
}
