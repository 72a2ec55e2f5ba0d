// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMs: their slots (a 256th VM is refused, a destroyed VM's slot is
 * reused only once no page names it), their stage-2 when a guest
 * relinquishes part of a block or whole blocks, and reclaim's scrubbing:
 * every reclaimed page zeroed and cleaned, no other page touched.
 */
#include "harness_cmocka.h"

/* ---- VM slots ------------------------------------------------------------ */

static void create_all_vms(int *h)
{
	bool seen[S2O_MAX_VMS + 1] = { false };
	int i;

	for (i = 0; i < S2O_MAX_VMS; i++) {
		h[i] = vm_new();
		if (h[i] < 1 || h[i] > S2O_MAX_VMS || seen[h[i]])
			fail_msg("VM %d: handle %d", i, h[i]);
		seen[h[i]] = true;
	}
}

static void vm_slot_exhaustion(void **state)
{
	const u64 pages[] = { TARGET };
	int h[S2O_MAX_VMS];

	(void)state;
	create_all_vms(h);
	watch_pages(pages, 1);
	ASSERT_NOOP(EBUSY_, vm_new(), "a 256th VM");
	ASSERT_NOOP(EBUSY_, vm_new(), "a 256th VM, again");
	/* A VM with no page frees its slot at once. */
	assert_int_equal(vm_destroy(h[6]), 0);
	assert_int_equal(vm_new(), h[6]);
	assert_int_equal(vm_new(), EBUSY_);
}

/* A destroyed VM's slot is reused only once no page names it. */
static void vm_slot_reused_after_full_reclaim(void **state)
{
	const u64 p = TARGET, pages[] = { TARGET, TARGET + 1 };
	struct fake_translation tr;
	struct runs rs = { 0 };
	int h[S2O_MAX_VMS], v;
	size_t i;

	(void)state;
	create_all_vms(h);
	v = h[9];
	assert_int_equal(s2o_host_donate_guest(v, p, 0x10, 2), 0);
	assert_guest_call(s2o_guest_relinquish, v, 0x11, 1, 0, 1);
	assert_int_equal(vm_destroy(v), 0);
	assert_page(p, ST_GUEST_DEAD, v, "destroyed");
	assert_page(p + 1, ST_RELINQ, v, "destroyed");
	watch_pages(pages, 2);
	ASSERT_NOOP(EBUSY_, vm_new(), "slot held by two pages");
	ASSERT_NOOP(ENOENT_, s2o_host_donate_guest(v, p + 2, 0x20, 1),
		    "stale handle");
	assert_int_equal(s2o_host_reclaim_guest(p, 1), 0);
	ASSERT_NOOP(EBUSY_, vm_new(),
		    "slot held by the relinquished page");
	assert_int_equal(s2o_host_reclaim_guest(p + 1, 1), 0);
	assert_page(p, ST_HOST, 0, "reclaimed");
	assert_page(p + 1, ST_HOST, 0, "reclaimed");
	assert_int_equal(vm_new(), v);
	/* The new VM in the slot maps nothing of the old one. */
	assert_int_not_equal(fake_hw_translate(0, vm_vttbr(v), pa_of(0x10),
					       &tr), 0);
	assert_int_equal(runs_take(v, &rs), 0);
	for (i = 0; i < rs.n; i++)
		assert_int_equal(rs.r[i].kind, S2O_RUN_INVALID);
	runs_free(&rs);
	assert_int_equal(s2o_host_donate_guest(v, p, 0x10, 1), 0);
	assert_guest_maps(v, 0x10, p, "reused slot");
}

/* ---- Relinquishing ------------------------------------------------------- */

/* Relinquishing part of a guest's 2M block leaves the rest mapped. */
static void relinquish_splits_guest_block(void **state)
{
	const u64 pfn = PFN(3 * GIB + 8 * MIB), gfn = 1024;
	struct fake_translation tr;
	int vm;

	(void)state;
	vm = vm_new();
	assert_int_equal(s2o_host_donate_guest(vm, pfn, gfn, 512), 0);
	assert_int_equal(fake_hw_translate(0, vm_vttbr(vm), pa_of(gfn + 3),
					   &tr), 0);
	assert_int_equal(tr.level, 2);
	assert_int_equal(fake_hw_translate(2, vm_vttbr(vm), pa_of(gfn + 3),
					   &tr), 0);
	assert_guest_call(s2o_guest_relinquish, vm, gfn + 3, 1, 0, 1);
	assert_guest_faults_everywhere(vm, gfn + 3, "relinquish 1 of 512");
	assert_page(pfn + 3, ST_RELINQ, vm, "relinquish 1 of 512");
	assert_page(pfn + 2, ST_GUEST, vm, "relinquish 1 of 512");
	assert_page(pfn + 4, ST_GUEST, vm, "relinquish 1 of 512");
	assert_guest_maps(vm, gfn + 2, pfn + 2, "relinquish 1 of 512");
	assert_guest_maps(vm, gfn + 4, pfn + 4, "relinquish 1 of 512");
	assert_guest_maps(vm, gfn + 511, pfn + 511, "relinquish 1 of 512");
	assert_guest_maps(vm, gfn, pfn, "relinquish 1 of 512");
	assert_int_equal(s2o_host_reclaim_guest(pfn + 3, 1), 0);
	assert_host_touch(1, pa_of(pfn + 3), 3);
	assert_int_equal(host_read_fault(pa_of(pfn + 4)), EPERM_);
	/* The rest, relinquished on either side of the hole, reclaimed. */
	assert_guest_call(s2o_guest_relinquish, vm, gfn, 3, 0, 3);
	assert_guest_call(s2o_guest_relinquish, vm, gfn + 4, 508, 0, 508);
	assert_int_equal(s2o_host_reclaim_guest(pfn, 3), 0);
	assert_int_equal(s2o_host_reclaim_guest(pfn + 4, 508), 0);
	assert_host_touch(1, pa_of(pfn + 100), 1);
}


/* A guest's 2M and 1G blocks relinquished whole: every page, none left. */
static void relinquish_whole_guest_blocks(void **state)
{
	const u64 c2 = PFN(3 * GIB + 10 * MIB), g2 = 2048;
	const u64 c1 = PFN(2 * GIB), g1 = PFN(GIB), n1 = PFN(GIB);
	const u64 pages[] = { c1, c1 + 999, c1 + 1000, c1 + 1001 };
	struct fake_translation tr;
	unsigned int calls;
	u64 i;
	int vm;

	(void)state;
	watch_pages(pages, S2O_ARRAY_SIZE(pages));
	vm = vm_new();
	assert_int_equal(s2o_host_donate_guest(vm, c2, g2, 512), 0);
	assert_int_equal(fake_hw_translate(0, vm_vttbr(vm), pa_of(g2 + 7),
					   &tr), 0);
	assert_int_equal(tr.level, 2);
	assert_guest_call(s2o_guest_relinquish, vm, g2, 512, 0, 512);
	for (i = 0; i < 512; i++)
		assert_page(c2 + i, ST_RELINQ, vm, "2M block relinquished");
	assert_guest_faults_everywhere(vm, g2 + 7, "2M block relinquished");
	assert_guest_faults_everywhere(vm, g2 + 511, "2M block relinquished");

	assert_int_equal(s2o_host_donate_guest(vm, c1, g1, n1), 0);
	assert_int_equal(fake_hw_translate(1, vm_vttbr(vm), pa_of(g1 + 9),
					   &tr), 0);
	assert_int_equal(tr.level, 1);
	assert_int_equal(tr.pa, pa_of(c1 + 9));
	assert_int_equal(host_read_fault(pa_of(c1 + 9)), EPERM_);
	/* One page out of the 1G block first: L1 -> L2 -> L3 split. */
	assert_guest_call(s2o_guest_relinquish, vm, g1 + 1000, 1, 0, 1);
	assert_guest_faults_everywhere(vm, g1 + 1000, "1 page of a 1G block");
	assert_int_equal(fake_hw_translate(2, vm_vttbr(vm), pa_of(g1 + 999),
					   &tr), 0);
	assert_int_equal(tr.level, 3);
	assert_int_equal(tr.pa, pa_of(c1 + 999));
	assert_int_equal(fake_hw_translate(2, vm_vttbr(vm), pa_of(g1 + 2000),
					   &tr), 0);
	assert_int_equal(tr.level, 2);
	assert_int_equal(tr.pa, pa_of(c1 + 2000));
	assert_page(c1 + 1000, ST_RELINQ, vm, "1 page of a 1G block");
	assert_page(c1 + 999, ST_GUEST, vm, "1 page of a 1G block");
	assert_page(c1 + 1001, ST_GUEST, vm, "1 page of a 1G block");
	/* A call stops at the hole, whatever it asked for. */
	assert_guest_call(s2o_guest_relinquish, vm, g1 + 600, n1, 0, 400);
	assert_page(c1 + 600, ST_RELINQ, vm, "up to the hole");
	assert_page(c1 + 999, ST_RELINQ, vm, "up to the hole");
	assert_page(c1 + 599, ST_GUEST, vm, "up to the hole");
	assert_page(c1 + 1001, ST_GUEST, vm, "up to the hole");
	/*
	 * The rest as a guest gives it: a call per 512 pages at most, from
	 * a 2M boundary on. Each call then unmaps whole 2M blocks of the
	 * guest's, with no split: a table page each, the pool would not do.
	 */
	assert_int_equal(guest_call_all(s2o_guest_relinquish, vm, g1, 600,
					&calls), 0);
	assert_int_equal(calls, 2);
	assert_guest_call(s2o_guest_relinquish, vm, g1 + 1001, 1024 - 1001, 0,
			  1024 - 1001);
	assert_int_equal(guest_call_all(s2o_guest_relinquish, vm, g1 + 1024,
					n1 - 1024, &calls), 0);
	assert_int_equal(calls, (n1 - 1024) / 512);
	for (i = 0; i < n1; i++) {
		struct s2o_page_info info;

		assert_int_equal(s2o_page_query(c1 + i, &info), 0);
		if (info.owner != S2O_OWNER_GUEST ||
		    info.guest != S2O_PAGE_NOPAGE || info.vm != vm ||
		    !info.reclaimable)
			assert_page(c1 + i, ST_RELINQ, vm,
				    "1G block relinquished");
	}
	assert_guest_faults_everywhere(vm, g1 + 9, "1G block relinquished");
	assert_guest_faults_everywhere(vm, g1 + n1 - 1,
				       "1G block relinquished");
	assert_int_equal(vm_destroy(vm), 0);
	assert_int_equal(s2o_host_reclaim_guest(c2, 512), 0);
	assert_page(c2 + 511, ST_HOST, 0, "reclaimed");
	assert_page(c1, ST_RELINQ, vm, "not reclaimed");
}

/* ---- Scrubbing ----------------------------------------------------------- */

static void reclaim_scrubs_only_reclaimed_pages(void **state)
{
	const u64 g = TARGET, big = PFN(4 * GIB) + 3;
	const u64 pages[] = { g - 1, g, g + 1, g + 2, g + 3 };
	u64 hash[5], i;
	struct fake_counters fc0;
	struct s2own_stats st;
	int vm;

	(void)state;
	vm = vm_new();
	fc0 = fake_counters;
	assert_int_equal(s2o_host_donate_guest(vm, g, 0x40, 3), 0);
	for (i = 0; i < 5; i++) {
		fill_page(pages[i]);
		hash[i] = page_hash(pages[i]);
	}
	assert_guest_call(s2o_guest_relinquish, vm, 0x41, 1, 0, 1);
	watch_pages(pages, 5);
	ASSERT_NOOP(EBUSY_, s2o_host_reclaim_guest(g, 2),
		    "reclaim: live page first, then a relinquished one");
	ASSERT_NOOP(EBUSY_, s2o_host_reclaim_guest(g + 1, 2),
		    "reclaim: relinquished page, then a live one");

	assert_int_equal(s2o_host_reclaim_guest(g + 1, 1), 0);
	assert_true(page_is_zero(g + 1));
	for (i = 0; i < 5; i++)
		if (i != 2 && page_hash(pages[i]) != hash[i])
			fail_msg("page %#llx changed by reclaiming %#llx",
				 (unsigned long long)pages[i],
				 (unsigned long long)(g + 1));
	assert_int_equal(fake_counters.zeroed_pages - fc0.zeroed_pages, 1);
	assert_int_equal(fake_counters.cleaned_bytes - fc0.cleaned_bytes,
			 PAGE);
	s2o_get_stats(&st);
	assert_int_equal(st.pages_scrubbed, 1);

	/* Its own pages are scrubbed too. */
	assert_int_equal(vm_destroy(vm), 0);
	assert_int_equal(s2o_host_reclaim_guest(g, 1), 0);
	assert_int_equal(s2o_host_reclaim_guest(g + 2, 1), 0);
	assert_true(page_is_zero(g));
	assert_true(page_is_zero(g + 2));
	assert_int_equal(page_hash(g - 1), hash[0]);
	assert_int_equal(page_hash(g + 3), hash[4]);
	assert_int_equal(fake_counters.zeroed_pages - fc0.zeroed_pages,
			 3 + VM_OWN_PAGES);
	assert_int_equal(fake_counters.cleaned_bytes - fc0.cleaned_bytes,
			 (3 + VM_OWN_PAGES) * PAGE);

	/* A large range of a destroyed VM: every page, and only those. */
	vm = vm_new();
	fc0 = fake_counters;
	assert_int_equal(s2o_host_donate_guest(vm, big, 0, 600), 0);
	for (i = 0; i < 602; i++)
		fill_page(big - 1 + i);
	assert_int_equal(vm_destroy(vm), 0);
	assert_int_equal(s2o_host_reclaim_guest(big, 600), 0);
	for (i = 0; i < 600; i++)
		if (!page_is_zero(big + i))
			fail_msg("page %llu of 600 not zeroed",
				 (unsigned long long)i);
	assert_false(page_is_zero(big - 1));
	assert_false(page_is_zero(big + 600));
	assert_int_equal(fake_counters.zeroed_pages - fc0.zeroed_pages,
			 600 + VM_OWN_PAGES);
	assert_int_equal(fake_counters.cleaned_bytes - fc0.cleaned_bytes,
			 (600 + VM_OWN_PAGES) * PAGE);
	/* And both VMs' own pages. */
	s2o_get_stats(&st);
	assert_int_equal(st.pages_scrubbed, 603 + 2 * VM_OWN_PAGES);
}

/* ---- Main ---------------------------------------------------------------- */

int main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(vm_slot_exhaustion),
		HARNESS_TEST(vm_slot_reused_after_full_reclaim),
		HARNESS_TEST(relinquish_splits_guest_block),
		HARNESS_TEST(relinquish_whole_guest_blocks),
		HARNESS_TEST(reclaim_scrubs_only_reclaimed_pages),
	};

	return cmocka_run_group_tests_name("vms", tests, NULL, NULL);
}
