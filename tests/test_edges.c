// SPDX-License-Identifier: GPL-2.0-only
/*
 * The edges of RAM and of the PA space: what a query says at them, the
 * first and last page of host RAM through every transition, and all of
 * host RAM in one call, both ways, back to the same host stage-2.
 */
#include "harness_cmocka.h"

/* ---- Queries and single pages -------------------------------------------- */

static void query_bounds(void **state)
{
	static const struct {
		u64 pfn;
		int ret;
		enum st st;
	} q[] = {
		{ RAM_FIRST, 0, ST_HOST },
		{ RAM_LAST, 0, ST_HOST },
		{ RAM_FIRST - 1, 0, ST_HYPRAM },
		{ HYP_FIRST, 0, ST_HYPRAM },
		{ PFN(POOL_BASE), 0, ST_HYPRAM },
		{ HYP_FIRST - 1, EINVAL_, 0 },
		{ RAM_LAST + 1, EINVAL_, 0 },
		{ 0, EINVAL_, 0 },
		{ MAX_PFN - 1, EINVAL_, 0 },
		{ MAX_PFN, EINVAL_, 0 },
		{ (1ULL << 52) | RAM_FIRST, EINVAL_, 0 },
		{ ~0ULL, EINVAL_, 0 },
	};
	struct s2o_page_info info;
	unsigned int i;

	(void)state;
	for (i = 0; i < S2O_ARRAY_SIZE(q); i++) {
		char ctx[64];
		int ret = s2o_page_query(q[i].pfn, &info);

		snprintf(ctx, sizeof(ctx), "query %#llx",
			 (unsigned long long)q[i].pfn);
		if (ret != q[i].ret)
			fail_msg("%s: returned %d, want %d", ctx, ret,
				 q[i].ret);
		if (!ret)
			assert_page(q[i].pfn, q[i].st, 0, ctx);
	}
}

/*
 * The first and last page of host RAM go through every transition; the
 * last one at the last gfn of the IPA space too.
 */
static void ram_boundary_pages(void **state)
{
	static const struct {
		u64 pfn, gfn;
	} ends[] = {
		{ RAM_FIRST, 0 },
		{ RAM_LAST, MAX_PFN - 1 },	/* also the last gfn */
	};
	unsigned int i;
	int vm;

	(void)state;
	vm = vm_new();
	assert_true(vm > 0);
	for (i = 0; i < S2O_ARRAY_SIZE(ends); i++) {
		u64 pfn = ends[i].pfn, gfn = ends[i].gfn;
		char ctx[64];

		snprintf(ctx, sizeof(ctx), "boundary page %#llx",
			 (unsigned long long)pfn);
		fill_page(pfn);
		assert_int_equal(host_touch(0, pa_of(pfn), NULL), 0);
		assert_int_equal(s2o_host_share_hyp(pfn, 1), 0);
		assert_page(pfn, ST_SHARED, 0, ctx);
		assert_int_equal(s2o_host_unshare_hyp(pfn, 1), 0);
		assert_page(pfn, ST_HOST, 0, ctx);
		assert_int_equal(s2o_host_donate_hyp(pfn, 1), 0);
		assert_page(pfn, ST_HYP, 0, ctx);
		assert_host_faults_everywhere(pa_of(pfn), ctx);
		assert_int_equal(s2o_hyp_donate_host(pfn, 1), 0);
		assert_page(pfn, ST_HOST, 0, ctx);
		assert_int_equal(host_touch(1, pa_of(pfn), NULL), 0);
		assert_int_equal(s2o_host_donate_guest(vm, pfn, gfn, 1), 0);
		assert_page(pfn, ST_GUEST, vm, ctx);
		assert_guest_maps(vm, gfn, pfn, ctx);
		assert_host_faults_everywhere(pa_of(pfn), ctx);
		assert_guest_call(s2o_guest_share, vm, gfn, 1, 0, 1);
		assert_page(pfn, ST_GSHARED, vm, ctx);
		assert_int_equal(host_touch(3, pa_of(pfn), NULL), 0);
		assert_guest_call(s2o_guest_unshare, vm, gfn, 1, 0, 1);
		assert_page(pfn, ST_GUEST, vm, ctx);
		assert_host_faults_everywhere(pa_of(pfn), ctx);
		assert_guest_maps(vm, gfn, pfn, ctx);
		assert_guest_call(s2o_guest_relinquish, vm, gfn, 1, 0, 1);
		assert_page(pfn, ST_RELINQ, vm, ctx);
		assert_guest_faults_everywhere(vm, gfn, ctx);
		assert_guest_call(s2o_guest_relinquish, vm, gfn, 1, EFAULT_,
				  0);
		assert_int_equal(s2o_host_reclaim_guest(pfn, 1), 0);
		assert_page(pfn, ST_HOST, 0, ctx);
		assert_true(page_is_zero(pfn));
		assert_int_equal(host_touch(2, pa_of(pfn), NULL), 0);
	}
}

/* ---- All of RAM ---------------------------------------------------------- */

/* The whole of host RAM in one call, both ways. */
static void whole_ram_ranges(void **state)
{
	struct runs before = { 0 };
	u64 tables;

	(void)state;
	assert_int_equal(host_touch(0, RAM_BASE, NULL), 0);
	assert_int_equal(host_touch(1, BLOCK_1G, NULL), 0);
	assert_int_equal(runs_take(0, &before), 0);
	tables = tables_used();

	assert_int_equal(s2o_host_share_hyp(RAM_FIRST, RAM_PAGES), 0);
	assert_page(RAM_FIRST, ST_SHARED, 0, "share all");
	assert_page(RAM_LAST, ST_SHARED, 0, "share all");
	assert_page(TARGET, ST_SHARED, 0, "share all");
	assert_int_equal(s2o_host_donate_hyp(RAM_FIRST, RAM_PAGES), EPERM_);
	assert_int_equal(s2o_host_unshare_hyp(RAM_FIRST, RAM_PAGES), 0);
	assert_page(RAM_LAST, ST_HOST, 0, "unshare all");

	assert_int_equal(s2o_host_donate_hyp(RAM_FIRST, RAM_PAGES), 0);
	assert_page(RAM_FIRST, ST_HYP, 0, "donate all");
	assert_page(RAM_LAST, ST_HYP, 0, "donate all");
	assert_host_faults_everywhere(RAM_BASE, "donate all");
	assert_host_faults_everywhere(BLOCK_1G + 5 * PAGE, "donate all");
	assert_int_equal(host_read_fault(RAM_END - PAGE), EPERM_);
	assert_int_equal(s2o_hyp_donate_host(RAM_FIRST, RAM_PAGES), 0);
	assert_page(RAM_LAST, ST_HOST, 0, "give all back");
	/* Back to the host's at the same levels, no table left over. */
	runs_assert_back(0, &before, true, "give all back");
	assert_int_equal(tables_used(), tables);
	runs_free(&before);
}

/* ---- Main ---------------------------------------------------------------- */

int main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(query_bounds),
		HARNESS_TEST(ram_boundary_pages),
		HARNESS_TEST(whole_ram_ranges),
	};

	return cmocka_run_group_tests_name("ram edges", tests, NULL, NULL);
}
