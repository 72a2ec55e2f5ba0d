// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's own calls (ownership/guest_mem.c): share, unshare and
 * relinquish act on the run of the guest's memory at a gfn, which ends at
 * a hole, at a jump in the pfns, at the end of a RAM region and after 512
 * pages, whatever the guest asked for; all of a run or nothing. What the
 * host stage-2 does meanwhile: a shared page is the host's again (its
 * tables coalesce back to the block the host had), an unshared one leaves
 * it break-before-make, on every CPU, before the call returns. Bad
 * arguments are in test_bad_input.c, every (state, call) pair in
 * test_matrix.c.
 */
#include "harness_cmocka.h"

#include "../ownership/pte.h"

#define SHARE s2o_guest_share
#define UNSHARE s2o_guest_unshare
#define RELINQUISH s2o_guest_relinquish

/* gfns of the tests' runs, and host pages for them, not 2M aligned. */
#define G 0x1000ULL
#define P (TARGET + 16)

/* ---- Where a run ends ---------------------------------------------------- */

/* The pfns jump at G + 4, the gfns end at G + 8. */
static void run_ends_at_jump_and_hole(void **state)
{
	const u64 pages[] = { P, P + 1, P + 2, P + 3, P + 100 };
	int vm;

	(void)state;
	watch_pages(pages, S2O_ARRAY_SIZE(pages));
	vm = vm_new();
	assert_int_equal(s2o_host_donate_guest(vm, P, G, 4), 0);
	assert_int_equal(s2o_host_donate_guest(vm, P + 100, G + 4, 4), 0);
	assert_guest_call(SHARE, vm, G, 8, 0, 4);
	assert_page(P + 3, ST_GSHARED, vm, "up to the jump");
	assert_page(P + 100, ST_GUEST, vm, "past the jump");
	assert_guest_call(SHARE, vm, G + 4, 1000, 0, 4);
	assert_page(P + 103, ST_GSHARED, vm, "up to the hole");
	/* From the middle of a run, asking for less than it. */
	assert_guest_call(UNSHARE, vm, G + 1, 2, 0, 2);
	assert_page(P, ST_GSHARED, vm, "before the middle");
	assert_page(P + 1, ST_GUEST, vm, "the middle");
	assert_page(P + 3, ST_GSHARED, vm, "after the middle");
	/* The run goes on to the jump, through a shared page. */
	ASSERT_NOOP(EPERM_, guest_call_ret(RELINQUISH, vm, G + 1, 8),
		    "relinquish: a shared page before the jump");
	assert_guest_call(RELINQUISH, vm, G + 1, 2, 0, 2);
	assert_guest_call(UNSHARE, vm, G + 3, 8, 0, 1);
	assert_guest_call(RELINQUISH, vm, G + 3, 8, 0, 1);
	/* Its first gfn holds nothing now, the next ones do. */
	ASSERT_NOOP(EFAULT_, guest_call_ret(RELINQUISH, vm, G + 1, 8),
		    "relinquish: first gfn relinquished already");
	ASSERT_NOOP(EFAULT_, guest_call_ret(SHARE, vm, G + 8, 1),
		    "share: past the last gfn");
}

/* A call does 512 pages at most, however many the guest maps and asks. */
static void run_ends_after_512_pages(void **state)
{
	const u64 chunk = PFN(3 * GIB), g = 0x40000;
	unsigned int calls;
	u64 i;
	int vm;

	(void)state;
	vm = vm_new();
	assert_int_equal(s2o_host_donate_guest(vm, chunk, g, 1536), 0);
	assert_guest_call(SHARE, vm, g, 1536, 0, 512);
	assert_guest_call(SHARE, vm, g + 512, ~0ULL >> 30, 0, 512);
	assert_page(chunk + 1023, ST_GSHARED, vm, "second call");
	assert_page(chunk + 1024, ST_GUEST, vm, "second call");
	/* Any length that fits in the IPA space is a length. */
	assert_guest_call(SHARE, vm, g + 1024, MAX_PFN - g - 1024, 0, 512);
	assert_int_equal(guest_call_all(UNSHARE, vm, g, 1536, &calls), 0);
	assert_int_equal(calls, 3);
	assert_int_equal(guest_call_all(RELINQUISH, vm, g, 1536, &calls), 0);
	assert_int_equal(calls, 3);
	for (i = 0; i < 1536; i += 511)
		assert_page(chunk + i, ST_RELINQ, vm, "all relinquished");
}

/*
 * On the split map a region ends at 2G: consecutive pfns at consecutive
 * gfns are two runs there, as a donation across it is refused.
 */
static void run_ends_at_region_end(void **state)
{
	const u64 end = RAM_SPLIT, pages[] = { end - 1, end };
	int vm;

	(void)state;
	assert_int_equal(harness_setup_ram(true, POOL_PAGES), 0);
	vm = vm_new();
	watch_pages(pages, 2);
	ASSERT_NOOP(EINVAL_, s2o_host_donate_guest(vm, end - 3, G, 6),
		    "donation across the region end");
	assert_int_equal(s2o_host_donate_guest(vm, end - 3, G, 3), 0);
	assert_int_equal(s2o_host_donate_guest(vm, end, G + 3, 3), 0);
	assert_guest_call(SHARE, vm, G, 6, 0, 3);
	assert_page(end - 1, ST_GSHARED, vm, "before the region end");
	assert_page(end, ST_GUEST, vm, "after the region end");
	assert_guest_call(SHARE, vm, G + 3, 6, 0, 3);
	assert_guest_call(UNSHARE, vm, G, 6, 0, 3);
	assert_guest_call(RELINQUISH, vm, G, 6, 0, 3);
	assert_guest_call(UNSHARE, vm, G + 3, 6, 0, 3);
	assert_guest_call(RELINQUISH, vm, G + 3, 6, 0, 3);
	ASSERT_NOOP(EINVAL_, s2o_host_reclaim_guest(end - 3, 6),
		    "reclaim across the region end");
	assert_int_equal(s2o_host_reclaim_guest(end - 3, 3), 0);
	assert_int_equal(s2o_host_reclaim_guest(end, 3), 0);
}

/* ---- All or nothing ------------------------------------------------------ */

/* One page of the run in the wrong state: the whole run stays as it was. */
static void run_is_all_or_nothing(void **state)
{
	const u64 pages[] = { P, P + 1, P + 4, P + 7, P + 8 };
	int vm;

	(void)state;
	vm = vm_new();
	assert_int_equal(s2o_host_donate_guest(vm, P, G, 8), 0);
	assert_guest_call(SHARE, vm, G + 4, 1, 0, 1);
	watch_pages(pages, S2O_ARRAY_SIZE(pages));
	ASSERT_NOOP(EPERM_, guest_call_ret(SHARE, vm, G, 8),
		    "share: the fifth page shared already");
	ASSERT_NOOP(EPERM_, guest_call_ret(RELINQUISH, vm, G, 8),
		    "relinquish: the fifth page shared");
	ASSERT_NOOP(EPERM_, guest_call_ret(UNSHARE, vm, G + 4, 2),
		    "unshare: the second page never shared");
	/* What the guest asked for ends before the bad page: done. */
	assert_guest_call(SHARE, vm, G, 4, 0, 4);
	assert_guest_call(UNSHARE, vm, G, 5, 0, 5);
	assert_page(P + 4, ST_GUEST, vm, "unshared");
	assert_guest_call(RELINQUISH, vm, G, 8, 0, 8);
}

/* A VM's call reaches its own pages only, at the same gfn as another's. */
static void calls_reach_own_pages_only(void **state)
{
	const u64 pages[] = { P, P + 1 };
	int a, b;

	(void)state;
	a = vm_new();
	b = vm_new();
	assert_int_equal(s2o_host_donate_guest(b, P + 1, G, 1), 0);
	watch_pages(pages, 2);
	ASSERT_NOOP(EFAULT_, guest_call_ret(SHARE, a, G, 1),
		    "share at a gfn only another VM maps");
	ASSERT_NOOP(EFAULT_, guest_call_ret(RELINQUISH, a, G, 1),
		    "relinquish at a gfn only another VM maps");
	assert_int_equal(s2o_host_donate_guest(a, P, G, 1), 0);
	assert_guest_call(SHARE, a, G, 2, 0, 1);
	assert_page(P, ST_GSHARED, a, "A's page");
	assert_page(P + 1, ST_GUEST, b, "B's page, next pfn, same gfn");
	assert_guest_call(RELINQUISH, b, G, 1, 0, 1);
	assert_page(P, ST_GSHARED, a, "A's page");
	assert_guest_maps(a, G, P, "A's page");
	assert_guest_faults_everywhere(b, G, "B's page relinquished");
}

/* ---- The host stage-2 ---------------------------------------------------- */

static void assert_event(u64 i, enum fake_event_kind kind, u32 level,
			 u64 ipa, u64 new)
{
	const struct fake_event *e = fake_log_event(i);

	assert_non_null(e);
	if (e->kind != kind || e->site.level != level ||
	    e->site.ipa != ipa || (kind == FAKE_EV_WRITE && e->new != new))
		fail_msg("event %llu: kind %d L%u ipa %#llx -> %#llx, want "
			 "kind %d L%u ipa %#llx -> %#llx",
			 (unsigned long long)i, e->kind, e->site.level,
			 (unsigned long long)e->site.ipa,
			 (unsigned long long)e->new, kind, level,
			 (unsigned long long)ipa, (unsigned long long)new);
}

/*
 * A shared page is the host's again: the tables its donation split
 * coalesce into the 1G block the host had, which every CPU may cache.
 * Taking it back splits that block again, break-before-make at each
 * level, and no CPU translates the page once the call returns.
 */
static void share_coalesces_unshare_splits(void **state)
{
	const u64 page = BLOCK_1G + 5 * PAGE;
	struct fake_translation tr;
	struct s2own_stats st0, st1;
	struct runs before = { 0 };
	unsigned int cpu;
	u64 first, tables;
	int vm;

	(void)state;
	vm = vm_new();
	assert_int_equal(host_touch(0, BLOCK_1G, NULL), 0);
	assert_int_equal(runs_take(0, &before), 0);
	assert_int_equal(s2o_host_donate_guest(vm, PFN(page), G, 1), 0);
	/*
	 * Host: boot's, a level-2 and level-3 annotating the VM's own pages
	 * at VM_FUND(), a level-2 and level-3 for the page. The VM's root is
	 * its own; its levels 1 to 3 come from its cache.
	 */
	tables = tables_used();
	assert_int_equal(tables, BOOT_TABLES + 2 + 2);
	assert_int_equal(vm_cache_left(vm), VM_TOPUP - 3);

	s2o_get_stats(&st0);
	assert_guest_call(SHARE, vm, G, 1, 0, 1);
	s2o_get_stats(&st1);
	assert_int_equal(st1.coalesces - st0.coalesces, 2);
	assert_int_equal(tables_used(), tables - 2);
	runs_assert_back(0, &before, false, "shared");
	for (cpu = 0; cpu < FAKE_NR_CPUS; cpu++) {
		assert_host_touch(cpu, page + 8, 1);
	}
	assert_guest_maps(vm, G, PFN(page), "shared");

	first = fake_log_count();
	assert_guest_call(UNSHARE, vm, G, 1, 0, 1);
	/* 1G block -> table of 2M blocks -> table of pages -> annotated. */
	assert_int_equal(fake_log_count() - first, 9);
	assert_event(first, FAKE_EV_WRITE, 1, BLOCK_1G, S2O_PTE_LOCKED);
	assert_event(first + 1, FAKE_EV_TLBI_IPA, 1, BLOCK_1G, 0);
	assert_true(s2o_pte_is_table(fake_log_event(first + 2)->new, 1));
	assert_event(first + 3, FAKE_EV_WRITE, 2, BLOCK_1G, S2O_PTE_LOCKED);
	assert_event(first + 4, FAKE_EV_TLBI_IPA, 2, BLOCK_1G, 0);
	assert_true(s2o_pte_is_table(fake_log_event(first + 5)->new, 2));
	assert_event(first + 6, FAKE_EV_WRITE, 3, page, S2O_PTE_LOCKED);
	assert_event(first + 7, FAKE_EV_TLBI_IPA, 3, page, 0);
	assert_event(first + 8, FAKE_EV_WRITE, 3, page,
		     s2o_pte_annotation(S2O_OWNER_GUEST));
	assert_host_faults_everywhere(page, "unshared");
	assert_int_equal(host_read_fault(page), EPERM_);
	assert_int_equal(tables_used(), tables);
	/* The host's neighbours stay mapped, now by pages. */
	assert_int_equal(host_translate(2, page + PAGE, &tr), 0);
	assert_int_equal(tr.level, 3);
	assert_guest_maps(vm, G, PFN(page), "unshared");
	assert_int_equal(vm_cache_left(vm), VM_TOPUP - 3);
	runs_free(&before);
}

/*
 * A destroyed VM's shared pages stay mapped for the host until it
 * reclaims them, scrubbed all the same: the guest may have written them
 * after the host last read them.
 */
static void destroyed_vm_shared_pages(void **state)
{
	const u64 pages[] = { P, P + 1 };
	struct fake_translation tr;
	u64 zeroed;
	int vm;

	(void)state;
	vm = vm_new();
	assert_int_equal(s2o_host_donate_guest(vm, P, G, 2), 0);
	assert_guest_call(SHARE, vm, G, 1, 0, 1);
	assert_int_equal(host_touch(1, pa_of(P), &tr), 0);
	fill_page(P);
	fill_page(P + 1);
	watch_pages(pages, 2);
	ASSERT_NOOP(EBUSY_, s2o_host_reclaim_guest(P, 1),
		    "reclaim of a live VM's shared page");
	assert_int_equal(vm_destroy(vm), 0);
	assert_page(P, ST_GSHARED_DEAD, vm, "destroyed");
	assert_page(P + 1, ST_GUEST_DEAD, vm, "destroyed");
	assert_int_equal(host_translate(1, pa_of(P), &tr), 0);
	assert_int_equal(host_touch(2, pa_of(P), &tr), 0);
	assert_int_not_equal(host_touch(2, pa_of(P + 1), &tr), 0);
	/* Its slot stays taken until both are back. */
	assert_int_equal(vm_next_handle(), vm + 1);
	zeroed = fake_counters.zeroed_pages;
	assert_int_equal(s2o_host_reclaim_guest(P, 2), 0);
	assert_true(page_is_zero(P));
	assert_true(page_is_zero(P + 1));
	assert_int_equal(fake_counters.zeroed_pages - zeroed, 2);
	assert_int_equal(vm_new(), vm);
}

/*
 * Calls on 512 pages across two 2M blocks: sharing splits the host's two
 * 2M annotations (a table page each), taking them back annotates the
 * pages in those tables, which stay (they hold the guest's pages). The
 * VM's stage-2 changes only to unmap: relinquishing splits its two 2M
 * blocks, a table page each from its cache, none from the pool.
 */
static void calls_split_only_what_they_must(void **state)
{
	const u64 chunk = PFN(3 * GIB), g = 0x40000;
	struct runs before = { 0 };
	u64 tables;
	int vm;

	(void)state;
	vm = vm_new();
	assert_int_equal(s2o_host_donate_guest(vm, chunk, g, 1024), 0);
	assert_int_equal(runs_take(vm, &before), 0);
	tables = tables_used();
	assert_guest_call(SHARE, vm, g + 100, 512, 0, 512);
	assert_int_equal(tables_used(), tables + 2);
	assert_guest_call(UNSHARE, vm, g + 100, 512, 0, 512);
	assert_int_equal(tables_used(), tables + 2);
	assert_host_leaf(pa_of(chunk + 99),
			 s2o_pte_annotation(S2O_OWNER_GUEST), 3);
	assert_host_leaf(pa_of(chunk + 612),
			 s2o_pte_annotation(S2O_OWNER_GUEST), 3);
	runs_assert_back(vm, &before, false, "share, unshare");
	assert_int_equal(vm_cache_left(vm), VM_TOPUP - 2);
	assert_guest_call(RELINQUISH, vm, g + 100, 1024, 0, 512);
	assert_int_equal(tables_used(), tables + 2);
	assert_int_equal(vm_cache_left(vm), VM_TOPUP - 4);
	assert_guest_maps(vm, g + 99, chunk + 99, "before the run");
	assert_guest_maps(vm, g + 612, chunk + 612, "after the run");
	assert_guest_faults_everywhere(vm, g + 100, "relinquished");
	assert_guest_faults_everywhere(vm, g + 611, "relinquished");
	runs_free(&before);
}

/* ---- Main ---------------------------------------------------------------- */

int main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(run_ends_at_jump_and_hole),
		HARNESS_TEST(run_ends_after_512_pages),
		HARNESS_TEST(run_ends_at_region_end),
		HARNESS_TEST(run_is_all_or_nothing),
		HARNESS_TEST(calls_reach_own_pages_only),
		HARNESS_TEST(share_coalesces_unshare_splits),
		HARNESS_TEST(destroyed_vm_shared_pages),
		HARNESS_TEST(calls_split_only_what_they_must),
	};

	return cmocka_run_group_tests_name("guest memory", tests, NULL, NULL);
}
