// SPDX-License-Identifier: GPL-2.0-only
/*
 * Splits and coalesces of the host stage-2 under CPUs that cache it: once
 * a page is donated no CPU translates it, whatever its TLB held (a 1G
 * block, a 2M block, a 4K page); a 1G block given to the hypervisor and
 * back page by page, out of order, coalesces into the 1G block it was.
 */
#include "harness_cmocka.h"

/* ---- Stale TLB entries --------------------------------------------------- */

static void touch_cached(unsigned int cpu, u64 pa, u32 level)
{
	struct fake_translation tr;

	assert_host_touch(cpu, pa, level);
	assert_int_equal(host_translate(cpu, pa, &tr), 0);
	assert_true(tr.from_tlb);
}

/*
 * Two CPUs translate a page, which leaves it in their TLBs; once the page
 * is donated, every CPU must fault on it.
 */
static void stale_tlb_after_donation(void **state)
{
	const u64 x = BLOCK_1G + 40 * PAGE, chunk = RAM_BASE + 2 * MIB;
	struct fake_translation tr;
	int vm;

	(void)state;
	vm = vm_new();
	assert_true(vm > 0);
	/* Cached as a 1G block. */
	touch_cached(0, x, 1);
	touch_cached(1, x, 1);
	assert_int_equal(s2o_host_donate_hyp(PFN(x), 1), 0);
	assert_host_faults_everywhere(x, "1G block, donate_hyp");

	/* Cached as a 4K page. */
	touch_cached(2, x + PAGE, 3);
	touch_cached(3, x + PAGE, 3);
	assert_int_equal(s2o_host_donate_guest(vm, PFN(x) + 1, 0, 1), 0);
	assert_host_faults_everywhere(x + PAGE, "4K page, donate_guest");
	assert_int_equal(host_translate(2, x + 2 * PAGE, &tr), 0);

	/* Cached as a 2M block, donated whole. */
	touch_cached(0, chunk + 5 * PAGE, 2);
	touch_cached(1, chunk + 2 * MIB - PAGE, 2);
	assert_int_equal(s2o_host_donate_guest(vm, PFN(chunk), 512, 512), 0);
	assert_host_faults_everywhere(chunk, "2M block, donate_guest");
	assert_host_faults_everywhere(chunk + 5 * PAGE, "2M block");
	assert_host_faults_everywhere(chunk + 2 * MIB - PAGE, "2M block");
	assert_int_equal(host_touch(0, chunk + 2 * MIB, &tr), 0);
	assert_int_equal(host_touch(0, chunk - PAGE, &tr), 0);
	assert_guest_maps(vm, 512 + 5, PFN(chunk) + 5, "2M chunk");

	/* Destroying the VM does not give anything back to the host. */
	assert_int_equal(vm_destroy(vm), 0);
	assert_host_faults_everywhere(chunk + 5 * PAGE, "after destroy");
	assert_int_equal(host_read_fault(chunk), EPERM_);
}

/* ---- Coalescing ---------------------------------------------------------- */

/*
 * A 1G block given to the hypervisor and back page by page, out of order:
 * splits down to 4K, then coalesces back to the one 1G block, with the
 * table count where it started.
 */
static void hyp_1g_round_trip(void **state)
{
	const u64 g = PFN(2 * GIB), n = PFN(GIB), mid = g + 3 * 512 + 7;
	struct runs before = { 0 };
	struct s2own_stats st;
	u64 tables;

	(void)state;
	touch_cached(0, pa_of(mid), 1);
	touch_cached(1, pa_of(g + n - 1), 1);
	assert_int_equal(runs_take(0, &before), 0);
	tables = tables_used();
	assert_int_equal(s2o_host_donate_hyp(g, n), 0);
	assert_host_leaf(pa_of(g), 0x4, 1);
	assert_host_faults_everywhere(pa_of(mid), "1G to hyp");
	assert_host_faults_everywhere(pa_of(g + n - 1), "1G to hyp");
	assert_int_equal(tables_used(), tables);

	assert_int_equal(s2o_hyp_donate_host(mid, 1), 0);
	assert_page(mid, ST_HOST, 0, "one page back");
	assert_page(mid - 1, ST_HYP, 0, "one page back");
	assert_int_equal(tables_used(), tables + 2);
	assert_host_touch(2, pa_of(mid), 3);
	assert_int_equal(host_read_fault(pa_of(mid + 1)), EPERM_);
	assert_int_equal(host_read_fault(pa_of(g + 8 * 512)), EPERM_);

	assert_int_equal(s2o_hyp_donate_host(mid + 1, g + n - mid - 1), 0);
	assert_host_touch(2, pa_of(g + n - 1), 2);
	assert_int_equal(s2o_hyp_donate_host(g, mid - g), 0);
	assert_page(g, ST_HOST, 0, "all back");
	assert_page(mid - 1, ST_HOST, 0, "all back");
	assert_int_equal(tables_used(), tables);
	runs_assert_back(0, &before, true, "1G round trip");
	assert_host_leaf(pa_of(mid), pa_of(g) | 0x7fd, 1);
	s2o_get_stats(&st);
	assert_int_equal(st.coalesces, 2);
	runs_free(&before);
}

/* ---- Main ---------------------------------------------------------------- */

int main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(stale_tlb_after_donation),
		HARNESS_TEST(hyp_1g_round_trip),
	};

	return cmocka_run_group_tests_name("split", tests, NULL, NULL);
}
