// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test harness: the fake machine every cmocka test starts from.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

#include "../ownership/pgtable.h"
#include "../ownership/mem_protect.h"

static const struct s2o_mem_region regions[] = {
	{ HYP_BASE, HYP_END - HYP_BASE, S2O_MEM_HYP },
	{ RAM_BASE, RAM_END - RAM_BASE, S2O_MEM_RAM },
};

static void *metadata;

int harness_setup_pool(u64 pool_pages)
{
	struct s2o_init_params p = {
		.regions = regions,
		.nr_regions = S2O_ARRAY_SIZE(regions),
		.pool_base = POOL_BASE,
		.pool_pages = pool_pages,
	};
	static bool arena_ready;

	if (!arena_ready) {
		fake_arch_setup(HYP_BASE, RAM_END - HYP_BASE);
		metadata = malloc(s2o_metadata_bytes(regions, 2));
		arena_ready = true;
	}
	fake_arch_reset();
	p.metadata = metadata;
	return s2o_init(&p);
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

u64 tables_used(void)
{
	struct s2o_stats st;

	s2o_get_stats(&st);
	return st.table_pages_used;
}
