// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exact shapes of the host stage-2: what faults map, what splitting on
 * donate and coalescing on reclaim leave behind, run by run, and how many
 * table pages each step holds. Also the mutation checks: a skipped TLB
 * invalidation must be caught by the fake backend.
 */
#include "harness_cmocka.h"

#include <string.h>

#include "../ownership/pte.h"


struct window {
	struct s2o_run r[64];
	unsigned int n;
	u64 lo, hi;	/* keep only runs meeting [lo, hi) */
};

static void collect(const struct s2o_run *run, void *arg)
{
	struct window *rs = arg;

	if (run->end <= rs->lo || run->start >= rs->hi)
		return;
	assert_true(rs->n < 64);
	rs->r[rs->n++] = *run;
}

static void dump_window(int vm, u64 lo, u64 hi, struct window *rs)
{
	memset(rs, 0, sizeof(*rs));
	rs->lo = lo;
	rs->hi = hi;
	assert_int_equal(s2o_dump(vm, collect, rs), 0);
}

static void assert_run(const struct window *rs, unsigned int i, u64 start,
		       u64 end, u32 level, enum s2o_run_kind kind, u32 owner)
{
	const struct s2o_run *r = &rs->r[i];

	assert_true(i < rs->n);
	if (r->start != start || r->end != end || r->level != level ||
	    r->kind != kind || r->owner != owner)
		fail_msg("run %u: [%#llx, %#llx) L%u kind %d owner %u, want "
			 "[%#llx, %#llx) L%u kind %d owner %u",
			 i, (unsigned long long)r->start,
			 (unsigned long long)r->end, r->level, r->kind,
			 r->owner, (unsigned long long)start,
			 (unsigned long long)end, level, kind, owner);
	if (kind == S2O_RUN_BLOCK || kind == S2O_RUN_PAGE)
		assert_int_equal(r->attrs, RAM_ATTRS);
}

static void stats(struct s2own_stats *st)
{
	s2o_get_stats(st);
}

static void fault_maps_1g_block(void **state)
{
	struct fake_translation tr;
	u64 pte;
	u32 level;

	(void)state;
	assert_int_equal(host_touch(0, BLOCK_1G + 0x1234, &tr), 0);
	assert_int_equal(tr.level, 1);
	assert_int_equal(tr.pa, BLOCK_1G + 0x1234);
	host_leaf(BLOCK_1G, &pte, &level);
	assert_int_equal(level, 1);
	assert_int_equal(pte, BLOCK_1G | 0x7fd);
	/* Boot's tables (harness.h): the block needs none of its own. */
	assert_int_equal(tables_used(), BOOT_TABLES);
}

static void fault_respects_regions(void **state)
{
	struct fake_translation tr;
	u64 pte;
	u32 level;

	(void)state;
	/* Host RAM starts 4M into a 1G block: 2M blocks there. */
	assert_host_touch(0, RAM_BASE, 2);
	host_leaf(RAM_BASE, &pte, &level);
	assert_int_equal(pte, RAM_BASE | 0x7fd);
	/* The UART: the whole MMIO gap below RAM is one 1G device block. */
	assert_host_touch(1, 0x09000000, 1);
	host_leaf(0x09000000, &pte, &level);
	assert_int_equal(pte, 0x00400000000007c5ULL);
	/* The hypervisor's RAM is never mapped. */
	assert_int_equal(host_read_fault(HYP_BASE + 0x3000), -S2OWN_EPERM);
	assert_int_equal(host_read_fault(POOL_BASE), -S2OWN_EPERM);
	assert_int_not_equal(host_touch(2, POOL_BASE, &tr), 0);
	/* Past the IPA space. */
	assert_int_equal(host_read_fault(1ULL << 48), -S2OWN_EINVAL);
}

static void donate_one_page_splits_then_coalesces(void **state)
{
	u64 page = BLOCK_1G + 5 * PAGE;
	struct fake_translation tr;
	struct s2own_stats st;
	struct window rs;
	int vm;

	(void)state;
	assert_host_touch(0, page, 1);
	vm = vm_new();
	assert_int_equal(vm, 1);
	/* Its pages' annotation: a level-2 and a level-3 table. */
	assert_int_equal(tables_used(), BOOT_TABLES + 2);

	assert_int_equal(s2o_host_donate_guest(vm, PFN(page), 0x100, 1), 0);
	dump_window(0, BLOCK_1G, BLOCK_1G + GIB, &rs);
	assert_int_equal(rs.n, 4);
	assert_run(&rs, 0, BLOCK_1G, page, 3, S2O_RUN_PAGE, 0);
	assert_run(&rs, 1, page, page + PAGE, 3, S2O_RUN_INVALID,
		   S2O_OWNER_GUEST);
	assert_run(&rs, 2, page + PAGE, BLOCK_1G + 2 * MIB, 3, S2O_RUN_PAGE,
		   0);
	assert_run(&rs, 3, BLOCK_1G + 2 * MIB, BLOCK_1G + GIB, 2,
		   S2O_RUN_BLOCK, 0);
	assert_int_equal(rs.r[3].nr_entries, 511);
	/*
	 * Host: boot's, L2 and L3 for the VM's own pages, L2 and L3 for the
	 * page. The VM's L1, L2, L3 came from its cache, its root is its own.
	 */
	assert_int_equal(tables_used(), BOOT_TABLES + 2 + 2);
	assert_int_equal(vm_cache_left(vm), VM_TOPUP - 3);
	stats(&st);
	assert_int_equal(st.splits, 2);
	assert_int_equal(fake_counters.tlbi_ipa, 3);

	/* The CPU that cached the 1G block lost it; nobody reads the page. */
	assert_int_not_equal(fake_hw_translate(0, s2o_host_vttbr(), page, &tr),
			     0);
	assert_int_not_equal(host_touch(1, page, &tr), 0);
	/* Its neighbours still translate without a fault. */
	assert_int_equal(fake_hw_translate(0, s2o_host_vttbr(), page + PAGE,
					   &tr), 0);
	assert_int_equal(tr.level, 3);

	/* Its own pages back, their L2 and L3 coalesce; the page's stay. */
	assert_int_equal(vm_destroy(vm), 0);
	assert_int_equal(tables_used(), BOOT_TABLES + 2);
	stats(&st);
	assert_int_equal(st.coalesces, 2);
	assert_int_equal(s2o_host_reclaim_guest(PFN(page), 1), 0);

	/* Back to the original shape, and to the original table count. */
	dump_window(0, BLOCK_1G, BLOCK_1G + GIB, &rs);
	assert_int_equal(rs.n, 1);
	assert_run(&rs, 0, BLOCK_1G, BLOCK_1G + GIB, 1, S2O_RUN_BLOCK, 0);
	assert_int_equal(tables_used(), BOOT_TABLES);
	stats(&st);
	assert_int_equal(st.coalesces, 4);
	assert_int_equal(st.table_pages_free, POOL_PAGES - BOOT_TABLES);
	assert_host_touch(1, page, 1);
}

static void donate_2m_chunk_annotates_level2(void **state)
{
	u64 chunk = BLOCK_1G + 6 * MIB;
	struct window rs;
	int vm;

	(void)state;
	vm = vm_new();
	assert_int_equal(host_touch(0, BLOCK_1G, NULL), 0);
	assert_int_equal(s2o_host_donate_guest(vm, PFN(chunk), 0, 512), 0);
	dump_window(0, BLOCK_1G, BLOCK_1G + GIB, &rs);
	assert_int_equal(rs.n, 3);
	assert_run(&rs, 0, BLOCK_1G, chunk, 2, S2O_RUN_BLOCK, 0);
	assert_run(&rs, 1, chunk, chunk + 2 * MIB, 2, S2O_RUN_INVALID,
		   S2O_OWNER_GUEST);
	assert_run(&rs, 2, chunk + 2 * MIB, BLOCK_1G + GIB, 2, S2O_RUN_BLOCK,
		   0);
	/* The guest maps it with one 2M block too (gfn 0 is 2M aligned). */
	dump_window(vm, 0, 2 * MIB, &rs);
	assert_int_equal(rs.n, 1);
	assert_run(&rs, 0, 0, 2 * MIB, 2, S2O_RUN_BLOCK, 0);

	/* Relinquishing one page splits the guest's block, not the host's. */
	assert_guest_call(s2o_guest_relinquish, vm, 3, 1, 0, 1);
	dump_window(vm, 0, 2 * MIB, &rs);
	assert_int_equal(rs.n, 3);
	assert_run(&rs, 1, 3 * PAGE, 4 * PAGE, 3, S2O_RUN_INVALID, 0);

	/* Reclaiming that page splits the host's annotation down to 4K. */
	assert_int_equal(s2o_host_reclaim_guest(PFN(chunk) + 3, 1), 0);
	dump_window(0, chunk, chunk + 2 * MIB, &rs);
	assert_int_equal(rs.n, 3);
	assert_run(&rs, 0, chunk, chunk + 3 * PAGE, 3, S2O_RUN_INVALID,
		   S2O_OWNER_GUEST);
	assert_run(&rs, 1, chunk + 3 * PAGE, chunk + 4 * PAGE, 3,
		   S2O_RUN_INVALID, 0);
	assert_run(&rs, 2, chunk + 4 * PAGE, chunk + 2 * MIB, 3,
		   S2O_RUN_INVALID, S2O_OWNER_GUEST);

	/* The rest comes back after the VM dies: one 1G block again. */
	assert_int_equal(vm_destroy(vm), 0);
	assert_int_equal(s2o_host_reclaim_guest(PFN(chunk), 3), 0);
	assert_int_equal(s2o_host_reclaim_guest(PFN(chunk) + 4, 508), 0);
	dump_window(0, BLOCK_1G, BLOCK_1G + GIB, &rs);
	assert_int_equal(rs.n, 1);
	assert_run(&rs, 0, BLOCK_1G, BLOCK_1G + GIB, 1, S2O_RUN_BLOCK, 0);
	assert_int_equal(tables_used(), BOOT_TABLES);
}

static void coalesce_waits_for_last_page(void **state)
{
	u64 a = BLOCK_1G + 7 * PAGE, b = BLOCK_1G + 9 * PAGE;
	struct s2own_stats st;
	u64 pte;
	u32 level;

	(void)state;
	assert_int_equal(host_touch(0, BLOCK_1G, NULL), 0);
	assert_int_equal(s2o_host_donate_hyp(PFN(a), 1), 0);
	assert_int_equal(s2o_host_donate_hyp(PFN(b), 1), 0);
	assert_int_equal(s2o_hyp_donate_host(PFN(a), 1), 0);
	host_leaf(a, &pte, &level);
	assert_int_equal(level, 3);
	assert_int_equal(pte, S2O_PTE_EMPTY);
	stats(&st);
	assert_int_equal(st.coalesces, 0);
	assert_int_equal(tables_used(), BOOT_TABLES + 2);

	assert_int_equal(s2o_hyp_donate_host(PFN(b), 1), 0);
	host_leaf(a, &pte, &level);
	assert_int_equal(level, 1);
	stats(&st);
	assert_int_equal(st.coalesces, 2);
	assert_int_equal(tables_used(), BOOT_TABLES);
}

static void untouched_block_coalesces_to_what_a_fault_maps(void **state)
{
	u64 page = BLOCK_1G + 3 * GIB / 4;
	u64 pte;
	u32 level;

	(void)state;
	/* Never faulted: the split starts from empty entries. */
	assert_int_equal(s2o_host_donate_hyp(PFN(page), 1), 0);
	host_leaf(page, &pte, &level);
	assert_int_equal(level, 3);
	assert_int_equal(pte, s2o_pte_annotation(S2O_OWNER_HYP));
	host_leaf(page + PAGE, &pte, &level);
	assert_int_equal(pte, S2O_PTE_EMPTY);
	assert_int_equal(s2o_hyp_donate_host(PFN(page), 1), 0);
	host_leaf(page, &pte, &level);
	assert_int_equal(level, 1);
	assert_int_equal(pte, BLOCK_1G | 0x7fd);
	assert_int_equal(tables_used(), BOOT_TABLES);
}

static void assert_event(u64 i, enum fake_event_kind kind, u32 level,
			 u64 ipa, u64 old, u64 new)
{
	const struct fake_event *e = fake_log_event(i);

	assert_non_null(e);
	if (e->kind != kind || e->site.level != level || e->site.ipa != ipa ||
	    e->old != old || e->new != new)
		fail_msg("event %llu: kind %d L%u ipa %#llx %#llx -> %#llx, "
			 "want kind %d L%u ipa %#llx %#llx -> %#llx",
			 (unsigned long long)i, e->kind, e->site.level,
			 (unsigned long long)e->site.ipa,
			 (unsigned long long)e->old,
			 (unsigned long long)e->new, kind, level,
			 (unsigned long long)ipa, (unsigned long long)old,
			 (unsigned long long)new);
}

/*
 * The exact sequence a one-page donation out of a mapped 2M block makes:
 * break the block, invalidate, publish the table of 4K pages (filled
 * before it was reachable), break the page, invalidate, annotate.
 */
static void donation_is_break_before_make(void **state)
{
	u64 block = RAM_BASE, page = block + 3 * PAGE, table, first;

	(void)state;
	assert_int_equal(host_touch(0, block, NULL), 0);
	first = fake_log_count();
	assert_int_equal(s2o_host_donate_hyp(PFN(page), 1), 0);
	assert_int_equal(fake_log_count() - first, 6);
	assert_event(first, FAKE_EV_WRITE, 2, block, block | 0x7fd,
		     S2O_PTE_LOCKED);
	assert_event(first + 1, FAKE_EV_TLBI_IPA, 2, block, 0, 0);
	table = fake_log_event(first + 2)->new;
	assert_true(s2o_pte_is_table(table, 2));
	assert_event(first + 2, FAKE_EV_WRITE, 2, block, S2O_PTE_LOCKED,
		     table);
	assert_event(first + 3, FAKE_EV_WRITE, 3, page, page | 0x7ff,
		     S2O_PTE_LOCKED);
	assert_event(first + 4, FAKE_EV_TLBI_IPA, 3, page, 0, 0);
	assert_event(first + 5, FAKE_EV_WRITE, 3, page, S2O_PTE_LOCKED,
		     s2o_pte_annotation(S2O_OWNER_HYP));
}

/*
 * Host RAM 1M past the hypervisor's, so that its first 2M block is mixed:
 * a fault there needs a level-3 table (under boot's level-2), one that
 * only the host's faults use, idle once they are done. The pool is the
 * smallest that boots: boot's tables and the host reserve.
 */
#define GAP_RAM_BASE (RAM_BASE + MIB)

static const struct s2o_mem_region gap_map[] = {
	{ HYP_BASE, HYP_END - HYP_BASE, S2O_MEM_HYP },
	{ GAP_RAM_BASE, RAM_END - GAP_RAM_BASE, S2O_MEM_RAM },
};

static int setup_gap_smallest_pool(void **state)
{
	(void)state;
	return harness_setup_map(gap_map, S2O_ARRAY_SIZE(gap_map),
				 BOOT_TABLES + HOST_RESERVE);
}

static void fault_frees_idle_tables_when_pool_is_dry(void **state)
{
	u64 far_mmio = 512 * GIB + 0x1000, pte;
	struct fake_translation tr;
	struct s2own_stats st;
	u32 level;

	(void)state;
	/* The level-3 table at the region edge comes out of the reserve. */
	assert_host_touch(0, GAP_RAM_BASE, 3);
	stats(&st);
	assert_int_equal(st.table_pages_free, HOST_RESERVE - 1);
	/* A donation cannot get its tables and changes nothing. */
	assert_int_equal(s2o_host_donate_hyp(PFN(BLOCK_1G), 1), -S2OWN_ENOMEM);
	host_leaf(GAP_RAM_BASE, &pte, &level);
	assert_int_equal(level, 3);

	/* A fault in another level-0 entry, without RAM, needs a level-1
	 * table the reserve does not count: the idle edge table is freed
	 * for it, which is not enough, and the fault is refused. */
	assert_int_equal(host_read_fault(far_mmio), -S2OWN_ENOMEM);
	host_leaf(far_mmio, &pte, &level);
	assert_int_equal(level, 0);
	assert_int_equal(pte, S2O_PTE_EMPTY);
	host_leaf(GAP_RAM_BASE, &pte, &level);
	assert_int_equal(level, 2);
	assert_int_equal(pte, S2O_PTE_EMPTY);
	/* CPU 0 cached it through the freed table: it must fault now. */
	assert_int_not_equal(fake_hw_translate(0, s2o_host_vttbr(),
					       GAP_RAM_BASE, &tr), 0);
	assert_int_equal(tables_used(), BOOT_TABLES);
	/* The host's own RAM faults back in from the freed page. */
	assert_host_touch(1, GAP_RAM_BASE, 3);
	assert_int_equal(tables_used(), BOOT_TABLES + 1);
}

/*
 * Boot's tables, the donated chunk's level-2 table, two level-1 tables for
 * MMIO, and the host reserve.
 */
static int setup_pool_of_6_and_reserve(void **state)
{
	(void)state;
	return harness_setup_pool(BOOT_TABLES + 3 + HOST_RESERVE);
}

/* Giving memory back needs no table here, so a dry pool must not stop it. */
static void give_back_works_with_a_dry_pool(void **state)
{
	u64 chunk = BLOCK_1G + 2 * MIB;
	struct s2own_stats st;
	u64 k;

	(void)state;
	/* A level-2 table for [2G, 3G): the chunk is one of its entries. */
	assert_int_equal(s2o_host_donate_hyp(PFN(chunk), 512), 0);
	assert_int_equal(tables_used(), BOOT_TABLES + 1);
	for (k = 1; k <= 2; k++)
		assert_int_equal(host_read_fault(k << 39), 0);
	/* Only the host reserve is left: nothing else can take a page. */
	assert_int_equal(host_read_fault(3ULL << 39), -S2OWN_ENOMEM);
	stats(&st);
	assert_int_equal(st.table_pages_free, HOST_RESERVE);

	assert_int_equal(s2o_hyp_donate_host(PFN(chunk), 512), 0);
	stats(&st);
	assert_int_equal(st.coalesces, 1);
	assert_int_equal(st.table_pages_free, HOST_RESERVE + 1);
}

/* The mutation tests: the checker must see a missing invalidation. */
static void mutation_skipped_tlbi_on_split(void **state)
{
	(void)state;
	assert_int_equal(host_touch(0, BLOCK_1G, NULL), 0);
	fake_drop_tlbis(1);
	assert_int_equal(s2o_host_donate_hyp(PFN(BLOCK_1G) + 1, 1), 0);
	assert_non_null(fake_first_violation());
	assert_non_null(strstr(fake_first_violation(), "without TLBI"));
}

static void mutation_skipped_tlbi_on_coalesce(void **state)
{
	(void)state;
	assert_int_equal(s2o_host_donate_hyp(PFN(BLOCK_1G) + 1, 1), 0);
	assert_int_equal(host_touch(3, BLOCK_1G, NULL), 0);
	assert_null(fake_first_violation());
	/* The first invalidation the coalesce makes is lost. */
	fake_drop_tlbis(1);
	assert_int_equal(s2o_hyp_donate_host(PFN(BLOCK_1G) + 1, 1), 0);
	assert_non_null(fake_first_violation());
}

static void mutation_table_freed_while_cached(void **state)
{
	(void)state;
	assert_int_equal(s2o_host_donate_hyp(PFN(BLOCK_1G) + 1, 1), 0);
	assert_int_equal(host_touch(2, BLOCK_1G, NULL), 0);
	/* Drop both of the coalesce's range invalidations. */
	fake_drop_tlbis(2);
	assert_int_equal(s2o_hyp_donate_host(PFN(BLOCK_1G) + 1, 1), 0);
	assert_true(fake_counters.bbm_violations >= 2);
}

static int teardown_expecting_violation(void **state)
{
	(void)state;
	return 0;
}

#define MUTATION_TEST(fn)                                 \
	cmocka_unit_test_setup_teardown(fn, harness_setup, \
					teardown_expecting_violation)

int main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(fault_maps_1g_block),
		HARNESS_TEST(donation_is_break_before_make),
		HARNESS_TEST(fault_respects_regions),
		HARNESS_TEST(donate_one_page_splits_then_coalesces),
		HARNESS_TEST(donate_2m_chunk_annotates_level2),
		HARNESS_TEST(coalesce_waits_for_last_page),
		HARNESS_TEST(untouched_block_coalesces_to_what_a_fault_maps),
		cmocka_unit_test_setup_teardown(
			fault_frees_idle_tables_when_pool_is_dry,
			setup_gap_smallest_pool, harness_teardown),
		cmocka_unit_test_setup_teardown(give_back_works_with_a_dry_pool,
						setup_pool_of_6_and_reserve,
						harness_teardown),
		MUTATION_TEST(mutation_skipped_tlbi_on_split),
		MUTATION_TEST(mutation_skipped_tlbi_on_coalesce),
		MUTATION_TEST(mutation_table_freed_while_cached),
	};

	return cmocka_run_group_tests_name("shapes", tests, NULL, NULL);
}
