// SPDX-License-Identifier: GPL-2.0-only
/*
 * The bulk work goes through the arch calls the EL2 backend makes fast
 * (hyp/arch.c): a new table is filled by one s2o_arch_table_fill() (a
 * store loop in assembly at EL2), a run of reclaimed pages is scrubbed by
 * one s2o_arch_scrub_pages() (DC ZVA and a clean by line). A core that
 * filled a table entry by entry through s2o_arch_pte_cmpxchg(), or
 * scrubbed page by page, would pass every other test and be slow only at
 * EL2; these tests fail for it.
 */
#include "harness_cmocka.h"

static struct fake_counters fc0;

static u64 delta_fills(void)
{
	return fake_counters.table_fills - fc0.table_fills;
}

/* Descriptor writes that were not part of filling a table. */
static u64 delta_single_writes(void)
{
	return fake_counters.pte_writes - fc0.pte_writes - 512 * delta_fills();
}

/*
 * One page of a 1G block to a new VM: the host's 1G block splits into a
 * level-2 table and its 2M block into a level-3 table, the VM gets its
 * level-1, level-2 and level-3 tables. Each is filled by one call; the
 * entries written one by one are the few the donation changes.
 */
static void new_tables_filled_in_one_call(void **state)
{
	u64 host0, cache0;
	int vm;

	(void)state;
	vm = vm_new();
	assert_true(vm > 0);
	assert_host_touch(0, BLOCK_1G, 1);
	host0 = tables_used();
	cache0 = vm_cache_left(vm);
	fc0 = fake_counters;
	assert_int_equal(s2o_host_donate_guest(vm, PFN(BLOCK_1G) + 7, 0x80007,
					       1), 0);
	assert_int_equal(tables_used() - host0, 2);
	assert_int_equal(cache0 - vm_cache_left(vm), 3);
	assert_int_equal(delta_fills(), 2 + 3);
	/*
	 * The links to the five tables, the page's annotation and the
	 * guest's leaf, a valid entry replaced under its lock (lock, then
	 * the new value): 13, where a fill entry by entry would be 2,560
	 * more.
	 */
	assert_int_equal(delta_single_writes(), 13);
}

/*
 * 64 pages of a destroyed VM reclaimed in one call: one scrub of the
 * whole run, every page zeroed and cleaned once.
 */
static void reclaim_scrubs_a_run_in_one_call(void **state)
{
	const u64 pfn = PFN(BLOCK_1G) + 64;
	int vm;

	(void)state;
	vm = vm_new();
	assert_true(vm > 0);
	assert_int_equal(s2o_host_donate_guest(vm, pfn, 0x80000, 64), 0);
	assert_int_equal(vm_destroy(vm), 0);
	fc0 = fake_counters;
	assert_int_equal(s2o_host_reclaim_guest(pfn, 64), 0);
	assert_int_equal(fake_counters.scrub_calls - fc0.scrub_calls, 1);
	assert_int_equal(fake_counters.zeroed_pages - fc0.zeroed_pages, 64);
	assert_int_equal(fake_counters.cleaned_bytes - fc0.cleaned_bytes,
			 64 * PAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(new_tables_filled_in_one_call,
						harness_setup,
						harness_teardown),
		cmocka_unit_test_setup_teardown(
			reclaim_scrubs_a_run_in_one_call, harness_setup,
			harness_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
