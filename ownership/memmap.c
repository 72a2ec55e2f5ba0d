// SPDX-License-Identifier: GPL-2.0-only
/*
 * The physical memory map: which addresses are RAM (the host's or the
 * hypervisor's) and which are MMIO.
 */
#include "memmap.h"

struct s2o_memmap s2o_memmap;

static bool regions_valid(const struct s2o_init_params *p)
{
	u64 prev_end = 0;
	unsigned int i;

	if (!p->nr_regions || p->nr_regions > S2O_MAX_MEM_REGIONS)
		return false;
	for (i = 0; i < p->nr_regions; i++) {
		const struct s2o_mem_region *r = &p->regions[i];

		if (!r->size || !S2O_ALIGNED(r->base | r->size, S2O_PAGE_SIZE) ||
		    r->base < prev_end || r->base + r->size < r->base ||
		    r->base + r->size > (1ULL << S2O_IPA_BITS))
			return false;
		prev_end = r->base + r->size;
	}
	return true;
}

/**
 * s2o_memmap_init() - record the memory map.
 * @params: the regions, as for s2o_init().
 *
 * Return: 0, or -EINVAL for a malformed map.
 */
int s2o_memmap_init(const struct s2o_init_params *params)
{
	struct s2o_memmap *mm = &s2o_memmap;
	unsigned int i;

	if (!regions_valid(params))
		return -S2OWN_EINVAL;
	mm->nr_regions = params->nr_regions;
	for (i = 0; i < params->nr_regions; i++)
		mm->regions[i] = params->regions[i];
	mm->first_pfn = params->regions[0].base >> S2O_PAGE_SHIFT;
	mm->end_pfn = (params->regions[i - 1].base +
		       params->regions[i - 1].size) >> S2O_PAGE_SHIFT;
	return 0;
}

/**
 * s2o_find_region() - the RAM region containing an address.
 * @addr: physical address.
 *
 * Return: the region, or NULL if @addr is not RAM (MMIO or a hole).
 */
const struct s2o_mem_region *s2o_find_region(u64 addr)
{
	unsigned int lo = 0, hi = s2o_memmap.nr_regions;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;
		const struct s2o_mem_region *r = &s2o_memmap.regions[mid];

		if (addr < r->base)
			hi = mid;
		else if (addr - r->base >= r->size)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

/**
 * s2o_memory_range() - the range of uniform memory type around an address.
 * @addr: physical address.
 * @start: set to the first address of the range.
 * @end: set to the end (exclusive) of the range.
 *
 * A RAM region is one range; so is each MMIO gap between regions.
 *
 * Return: the region, as s2o_find_region() (NULL: a gap), from the same
 * search.
 */
const struct s2o_mem_region *s2o_memory_range(u64 addr, u64 *start, u64 *end)
{
	const struct s2o_mem_region *r = NULL;
	u64 lo = 0, hi = 1ULL << S2O_IPA_BITS;
	unsigned int i;

	for (i = 0; i < s2o_memmap.nr_regions; i++) {
		const struct s2o_mem_region *ri = &s2o_memmap.regions[i];

		if (addr >= ri->base + ri->size) {
			lo = ri->base + ri->size;
		} else if (addr >= ri->base) {
			lo = ri->base;
			hi = ri->base + ri->size;
			r = ri;
			break;
		} else {
			hi = ri->base;
			break;
		}
	}
	*start = lo;
	*end = hi;
	return r;
}

/**
 * s2o_regions_have_ram() - whether host RAM lies in an address range.
 * @regions: a memory map, sorted (not necessarily the one in use yet).
 * @nr_regions: its number of regions.
 * @start: first address of the range.
 * @end: end of the range (exclusive).
 *
 * Return: whether a region of type S2O_MEM_RAM overlaps [@start, @end).
 */
bool s2o_regions_have_ram(const struct s2o_mem_region *regions,
			  unsigned int nr_regions, u64 start, u64 end)
{
	unsigned int i;

	for (i = 0; i < nr_regions; i++)
		if (regions[i].type == S2O_MEM_RAM && regions[i].base < end &&
		    start < regions[i].base + regions[i].size)
			return true;
	return false;
}
