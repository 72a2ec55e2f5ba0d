// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test harness: the fake machine every cmocka test starts from.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

#include "../ownership/pgtable.h"
#include "../ownership/mem_protect.h"
#include "../ownership/vm.h"

static const struct s2o_mem_region regions[] = {
	{ HYP_BASE, HYP_END - HYP_BASE, S2O_MEM_HYP },
	{ RAM_BASE, RAM_END - RAM_BASE, S2O_MEM_RAM },
};

static void *metadata;

int harness_setup_map(const struct s2o_mem_region *map,
		      unsigned int nr_regions, u64 pool_pages)
{
	struct s2o_init_params p = {
		.regions = map,
		.nr_regions = nr_regions,
		.pool_base = POOL_BASE,
		.pool_pages = pool_pages,
		.nr_cpus = HARNESS_NR_CPUS,
	};
	static bool arena_ready;

	/* The arena and the metadata are sized for the usual map. */
	if (!nr_regions || map[0].base != HYP_BASE ||
	    map[nr_regions - 1].base + map[nr_regions - 1].size != RAM_END)
		return -1;
	if (!arena_ready) {
		fake_arch_setup(HYP_BASE, RAM_END - HYP_BASE);
		metadata = malloc(s2o_metadata_bytes(regions, 2));
		arena_ready = true;
	}
	fake_arch_reset();
	p.metadata = metadata;
	return s2o_init(&p);
}

int harness_setup_pool(u64 pool_pages)
{
	return harness_setup_map(regions, S2O_ARRAY_SIZE(regions), pool_pages);
}

int harness_setup(void **state)
{
	(void)state;
	return harness_setup_pool(POOL_PAGES);
}

int harness_teardown(void **state)
{
	(void)state;
	assert_no_violation();
	assert_invariants();
	return 0;
}

void assert_invariants(void)
{
	struct s2o_violation v;

	if (s2o_check_invariants(&v))
		fail_msg("invariant: %s at %#llx (vm %d): expected %#llx, "
			 "found %#llx", v.what, (unsigned long long)v.addr,
			 v.vm, (unsigned long long)v.expected,
			 (unsigned long long)v.found);
}

void host_leaf(u64 ipa, u64 *pte, u32 *level)
{
	s2o_pgt_get_leaf(&s2o_host_mmu.pgt, ipa, pte, level);
}

int host_touch(unsigned int cpu, u64 ipa, struct fake_translation *tr)
{
	struct fake_translation unused;

	if (!tr)
		tr = &unused;
	if (!fake_hw_translate(cpu, s2o_host_vttbr(), ipa, tr))
		return 0;
	if (s2o_host_handle_fault(ipa))
		return -1;
	return fake_hw_translate(cpu, s2o_host_vttbr(), ipa, tr);
}

void assert_no_violation(void)
{
	const char *v = fake_first_violation();

	if (v)
		fail_msg("break-before-make checker: %s", v);
}

static void runs_add(const struct s2o_run *run, void *arg)
{
	struct runs *rs = arg;

	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? 2 * rs->cap : 64;
		rs->r = realloc(rs->r, rs->cap * sizeof(*rs->r));
		if (!rs->r)
			abort();
	}
	rs->r[rs->n++] = *run;
}

int runs_take(int vm, struct runs *rs)
{
	rs->n = 0;
	return s2o_dump(vm, runs_add, rs);
}

void runs_free(struct runs *rs)
{
	free(rs->r);
	*rs = (struct runs){ 0 };
}

void runs_normalize(struct runs *rs)
{
	size_t i, n = 0;

	for (i = 0; i < rs->n; i++) {
		struct s2o_run r = rs->r[i];

		if ((r.kind == S2O_RUN_INVALID && !r.owner) ||
		    r.kind == S2O_RUN_BLOCK || r.kind == S2O_RUN_PAGE) {
			r.kind = RUN_HOST_DEFAULT;
			r.attrs = 0;
			r.owner = 0;
		}
		if (n && rs->r[n - 1].kind == r.kind &&
		    rs->r[n - 1].level == r.level &&
		    rs->r[n - 1].owner == r.owner &&
		    rs->r[n - 1].attrs == r.attrs &&
		    rs->r[n - 1].end == r.start) {
			rs->r[n - 1].end = r.end;
			rs->r[n - 1].nr_entries += r.nr_entries;
			continue;
		}
		rs->r[n++] = r;
	}
	rs->n = n;
}

u64 tables_used(void)
{
	struct s2own_stats st;

	s2o_get_stats(&st);
	return st.table_pages_used;
}
