// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page layer: per-page metadata, and how a transition takes, checks
 * and gives back the pages it works on (page.h).
 */
#include "page.h"
#include "sync.h"

struct s2o_page *s2o_pages;

/**
 * s2o_metadata_bytes() - the size of the per-page metadata for a map.
 * @regions: the memory map, sorted.
 * @nr_regions: its number of regions.
 *
 * Return: 8 bytes per 4K page from the first region's start to the last
 * region's end.
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
	return (end - first) * sizeof(struct s2o_page);
}

static void pages_fill(u64 pfn, u64 end, enum s2o_pstate state)
{
	for (; pfn < end; pfn++)
		*s2o_pfn_page(pfn) = (struct s2o_page){ .state = state };
}

/**
 * s2o_pages_init() - reset every page of the memory map.
 * @metadata: s2o_metadata_bytes() bytes, 8-byte aligned.
 *
 * Host RAM starts the host's; the hypervisor's RAM, and the holes between
 * regions, the hypervisor's.
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
	for (i = 0; i < s2o_memmap.nr_regions; i++) {
		const struct s2o_mem_region *r = &s2o_memmap.regions[i];
		u64 first = r->base >> S2O_PAGE_SHIFT;
		u64 end = (r->base + r->size) >> S2O_PAGE_SHIFT;

		pages_fill(pfn, first, S2O_PS_HYP);
		pages_fill(first, end, r->type == S2O_MEM_RAM ? S2O_PS_HOST :
								S2O_PS_HYP);
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

/**
 * s2o_release_pages() - give up claimed pages, unchanged.
 * @pfn: first page frame.
 * @nr: number of pages, all claimed by the caller.
 */
void s2o_release_pages(u64 pfn, u64 nr)
{
	u64 i;

	for (i = 0; i < nr; i++) {
		struct s2o_page *p = s2o_pfn_page(pfn + i);

		s2o_store_release(&p->state, (u8)(s2o_read_once(&p->state) &
						  ~S2O_PS_CLAIMED));
	}
}

/**
 * s2o_claim_pages() - take every page of a range for a transition.
 * @pfn: first page frame (range already checked).
 * @nr: number of pages.
 * @check: whether a page's state allows the transition.
 * @arg: passed to @check.
 *
 * Pages are claimed lowest first; a page another transition holds is
 * waited for, so the check sees a settled state. On failure the pages
 * claimed so far are released: nothing changed.
 *
 * Return: 0 with all pages claimed, or the first error @check returned.
 */
int s2o_claim_pages(u64 pfn, u64 nr, s2o_page_check_fn check,
		    const void *arg)
{
	u64 i;
	int ret;

	for (i = 0; i < nr; i++) {
		struct s2o_page *p = s2o_pfn_page(pfn + i);
		u8 state;

		do {
			state = s2o_load_acquire(&p->state);
			if (state & S2O_PS_CLAIMED) {
				s2o_relax_unheld();
				continue;
			}
			ret = check(state, p, arg);
			if (ret) {
				s2o_release_pages(pfn, i);
				return ret;
			}
		} while ((state & S2O_PS_CLAIMED) ||
			 !s2o_try_cmpxchg_acquire(&p->state, &state,
						  state | S2O_PS_CLAIMED));
	}
	return 0;
}

/**
 * s2o_set_pages() - publish the new state of claimed pages, releasing them.
 * @pfn: first page frame.
 * @nr: number of pages.
 * @state: the new state.
 * @vm: the owning VM for guest states, else 0.
 */
void s2o_set_pages(u64 pfn, u64 nr, enum s2o_pstate state, u8 vm)
{
	u64 i;

	for (i = 0; i < nr; i++) {
		struct s2o_page *p = s2o_pfn_page(pfn + i);

		/* Read without a claim by s2o_page_query() and claim checks. */
		s2o_write_once(&p->vm, vm);
		s2o_store_release(&p->state, (u8)state);
	}
}
