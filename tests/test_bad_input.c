// SPDX-License-Identifier: GPL-2.0-only
/*
 * Calls with bad arguments, each of which must fail with its errno and
 * change nothing (ASSERT_NOOP()): every call taking a pfn range on every
 * bad range, bad gfn ranges, bad VM handles, and the order in which the
 * checks report errors when several fail (docs/ownership.md, "Checks, in
 * this order").
 */
#include "harness_cmocka.h"

#include <limits.h>

#include "refmodel.h"

/* ---- Bad inputs ---------------------------------------------------------- */

struct range_case {
	const char *what;
	u64 pfn, nr;
	int want;
};

static const struct range_case bad_ranges[] = {
	{ "first page after RAM", RAM_LAST + 1, 1, EINVAL_ },
	{ "last page of RAM and the next", RAM_LAST, 2, EINVAL_ },
	{ "host RAM far into MMIO", RAM_LAST - 10, 1000, EINVAL_ },
	{ "all host RAM and one more", RAM_FIRST, RAM_PAGES + 1, EINVAL_ },
	{ "last page of hyp RAM", RAM_FIRST - 1, 1, EPERM_ },
	{ "hyp RAM into host RAM", RAM_FIRST - 1, 2, EINVAL_ },
	{ "all of hyp RAM", HYP_FIRST, HYP_PAGES, EPERM_ },
	{ "first page of hyp RAM", HYP_FIRST, 1, EPERM_ },
	{ "all hyp RAM and the first host page", HYP_FIRST, HYP_PAGES + 1,
	  EINVAL_ },
	{ "MMIO below hyp RAM", HYP_FIRST - 1, 1, EINVAL_ },
	{ "MMIO into hyp RAM", HYP_FIRST - 1, 2, EINVAL_ },
	{ "MMIO across all RAM", HYP_FIRST - 1, HYP_PAGES + RAM_PAGES + 2,
	  EINVAL_ },
	{ "pfn 0", 0, 1, EINVAL_ },
	{ "pfn ~0", ~0ULL, 1, EINVAL_ },
	{ "nr ~0", RAM_FIRST, ~0ULL, EINVAL_ },
	{ "nr 0", RAM_FIRST, 0, EINVAL_ },
	{ "nr 0 in hyp RAM", HYP_FIRST, 0, EINVAL_ },
	{ "last pfn of the PA space", MAX_PFN - 1, 1, EINVAL_ },
	{ "pfn 2^36", MAX_PFN, 1, EINVAL_ },
	{ "host RAM to past 2^36", RAM_FIRST, MAX_PFN - RAM_FIRST + 1,
	  EINVAL_ },
	{ "pfn that aliases RAM once shifted", (1ULL << 52) | RAM_FIRST, 1,
	  EINVAL_ },
	{ "pfn + nr wraps to 1", ~0ULL - 1, 3, EINVAL_ },
	{ "pfn + nr wraps into RAM", RAM_FIRST + 1, ~0ULL, EINVAL_ },
	{ "pfn + nr wraps to 0", RAM_FIRST, 0ULL - RAM_FIRST, EINVAL_ },
};

/* Every call that takes a pfn range. */
static const enum rm_kind pfn_ops[] = {
	RM_SHARE, RM_UNSHARE, RM_DONATE_HYP, RM_GIVE_BACK, RM_DONATE_GUEST,
	RM_RECLAIM,
};

/* The guest's calls, which take a gfn range. */
static const guest_call_fn guest_calls[] = {
	s2o_guest_share, s2o_guest_unshare, s2o_guest_relinquish,
};

static const char *const guest_call_name[] = {
	"guest_share", "guest_unshare", "relinquish",
};

/* @op's call, for ASSERT_NOOP(): a failure did no page. */
static int op_ret(const struct rm_op *op)
{
	u64 done;
	int ret = rm_core_call(op, &done);

	if (ret && done)
		fail_msg("returned %d, yet did %llu pages", ret,
			 (unsigned long long)done);
	return ret;
}

/*
 * Every call taking a pfn range, on every bad range. The pages at the
 * boundaries are not the host's (first host page donated, last shared) so
 * that a range check that let a bad range through would show as -EPERM.
 */
static void bad_pfn_ranges(void **state)
{
	const u64 pages[] = { HYP_FIRST, RAM_FIRST - 1, RAM_FIRST,
			      RAM_FIRST + 1, RAM_LAST - 1, RAM_LAST,
			      RAM_LAST + 1, TARGET };
	unsigned int i, k;
	int vm;

	(void)state;
	assert_int_equal(host_touch(0, RAM_BASE, NULL), 0);
	assert_int_equal(host_touch(1, RAM_END - PAGE, NULL), 0);
	vm = vm_new();
	assert_true(vm > 0);
	assert_int_equal(s2o_host_donate_hyp(RAM_FIRST, 1), 0);
	assert_int_equal(s2o_host_share_hyp(RAM_LAST, 1), 0);
	watch_pages(pages, S2O_ARRAY_SIZE(pages));
	for (i = 0; i < S2O_ARRAY_SIZE(bad_ranges); i++) {
		const struct range_case *c = &bad_ranges[i];

		for (k = 0; k < S2O_ARRAY_SIZE(pfn_ops); k++) {
			const struct rm_op op = {
				.kind = pfn_ops[k], .pfn = c->pfn, .nr = c->nr,
				.vm = vm, .gfn = GFN_FREE,
			};

			ASSERT_NOOP(c->want, op_ret(&op),
				    "%s on %s [%#llx + %#llx)",
				    rm_kind_name[op.kind], c->what,
				    (unsigned long long)c->pfn,
				    (unsigned long long)c->nr);
		}
	}
}

/*
 * A guest call's gfn range: past 2^36, wrapping, empty (-EINVAL), or
 * starting at a gfn that holds no page (-EFAULT), even if the next does.
 */
static const struct range_case bad_gfns[] = {
	{ "last gfn and one past", MAX_PFN - 1, 2, EINVAL_ },
	{ "gfn 2^36", MAX_PFN, 1, EINVAL_ },
	{ "gfn ~0", ~0ULL, 1, EINVAL_ },
	{ "nr ~0", MAX_PFN - 1, ~0ULL, EINVAL_ },
	{ "nr 0", MAX_PFN - 1, 0, EINVAL_ },
	{ "gfn + nr wraps to 1", ~0ULL, 2, EINVAL_ },
	{ "gfn aliasing the last once shifted", (1ULL << 52) | (MAX_PFN - 1),
	  1, EINVAL_ },
	{ "unmapped gfn before the mapped one", MAX_PFN - 2, 2, EFAULT_ },
	{ "gfn never mapped", 0, 1, EFAULT_ },
};

/* gfn ranges: past 2^36, wrapping, empty; checked after the pfn range. */
static void bad_gfn_ranges(void **state)
{
	const u64 pages[] = { RAM_FIRST, RAM_LAST - 1, RAM_LAST, TARGET };
	unsigned int i, k;
	int vm;

	(void)state;
	vm = vm_new();
	assert_true(vm > 0);
	assert_int_equal(s2o_host_donate_guest(vm, TARGET, MAX_PFN - 1, 1), 0);
	watch_pages(pages, S2O_ARRAY_SIZE(pages));
	ASSERT_NOOP(EINVAL_, s2o_host_donate_guest(vm, RAM_LAST - 1,
						   MAX_PFN - 1, 2),
		    "donate_guest: last gfn and one past");
	ASSERT_NOOP(EINVAL_, s2o_host_donate_guest(vm, RAM_LAST, MAX_PFN, 1),
		    "donate_guest: gfn 2^36");
	ASSERT_NOOP(EINVAL_, s2o_host_donate_guest(vm, RAM_LAST, ~0ULL, 1),
		    "donate_guest: gfn ~0");
	ASSERT_NOOP(EINVAL_, s2o_host_donate_guest(vm, RAM_LAST - 1,
						   ~0ULL, 2),
		    "donate_guest: gfn + nr wraps to 1");
	ASSERT_NOOP(EINVAL_, s2o_host_donate_guest(vm, RAM_LAST,
						   (1ULL << 52) | 5, 1),
		    "donate_guest: gfn aliasing 5 once shifted");
	/* The pfn range is checked first: -EPERM for hyp RAM. */
	ASSERT_NOOP(EPERM_, s2o_host_donate_guest(vm, RAM_FIRST - 1, ~0ULL, 1),
		    "donate_guest: hyp RAM and a bad gfn");
	for (i = 0; i < S2O_ARRAY_SIZE(bad_gfns); i++)
		for (k = 0; k < S2O_ARRAY_SIZE(guest_calls); k++)
			ASSERT_NOOP(bad_gfns[i].want,
				    guest_call_ret(guest_calls[k], vm,
						   bad_gfns[i].pfn,
						   bad_gfns[i].nr),
				    "%s: %s", guest_call_name[k],
				    bad_gfns[i].what);
	ASSERT_NOOP(EPERM_, guest_call_ret(s2o_guest_unshare, vm,
					   MAX_PFN - 1, 1),
		    "guest_unshare: a page never shared");
	assert_guest_call(s2o_guest_relinquish, vm, MAX_PFN - 1, 1, 0, 1);
	assert_page(TARGET, ST_RELINQ, vm, "relinquish last gfn");
}

/* ---- Error precedence ---------------------------------------------------- */

static void error_precedence(void **state)
{
	const u64 hyp_pg = TARGET + 10, r = TARGET + 20;
	const u64 pages[] = { TARGET, hyp_pg - 1, hyp_pg, hyp_pg + 1,
			      r, r + 1, r + 2, r + 3 };
	struct fake_translation tr;
	int a, b, c;

	(void)state;
	assert_int_equal(host_touch(0, pa_of(TARGET), NULL), 0);
	a = vm_new();
	b = vm_new();
	assert_true(a > 0 && b > 0);
	/* b dies holding a page, so its slot stays taken. */
	assert_int_equal(s2o_host_donate_guest(b, TARGET + 100, 0, 1), 0);
	assert_int_equal(vm_destroy(b), 0);
	assert_int_equal(s2o_host_donate_hyp(hyp_pg, 1), 0);
	/* r: RELINQUISHED, r + 1: GUEST (mapped at GFN_MAPPED), r + 2: HYP,
	 * r + 3: GUEST, all of VM a. */
	assert_int_equal(s2o_host_donate_guest(a, r, GFN_MAPPED - 1, 2), 0);
	assert_guest_call(s2o_guest_relinquish, a, GFN_MAPPED - 1, 1, 0, 1);
	assert_int_equal(s2o_host_donate_hyp(r + 2, 1), 0);
	assert_int_equal(s2o_host_donate_guest(a, r + 3, GFN_FREE, 1), 0);
	fill_page(r);
	watch_pages(pages, S2O_ARRAY_SIZE(pages));

	/* 1. The handle, before anything else. */
	ASSERT_NOOP(ENOENT_, s2o_host_donate_guest(0, ~0ULL, ~0ULL, 0),
		    "handle 0 with bad everything");
	ASSERT_NOOP(ENOENT_, s2o_host_donate_guest(b, HYP_TARGET, MAX_PFN, 1),
		    "destroyed VM with hyp RAM and a bad gfn");
	ASSERT_NOOP(ENOENT_, guest_call_ret(s2o_guest_relinquish, b, ~0ULL, 0),
		    "relinquish: destroyed VM with a bad gfn range");
	ASSERT_NOOP(ENOENT_, guest_call_ret(s2o_guest_share, b, 0, 1),
		    "guest_share: destroyed VM at the gfn of its page");
	/* 2. The pfn range, before the gfn range and the states. */
	ASSERT_NOOP(EPERM_, s2o_host_donate_guest(a, HYP_TARGET, MAX_PFN, 1),
		    "hyp RAM pfn with a bad gfn");
	ASSERT_NOOP(EINVAL_, s2o_host_donate_guest(a, RAM_LAST + 1,
						   GFN_MAPPED, 1),
		    "MMIO pfn onto a mapped gfn");
	ASSERT_NOOP(EINVAL_, s2o_host_reclaim_guest(hyp_pg, 0),
		    "reclaim nr 0 of a hyp page");
	/* 3. The gfn range, before the page states. */
	ASSERT_NOOP(EINVAL_, s2o_host_donate_guest(a, hyp_pg, MAX_PFN, 1),
		    "hyp page with a bad gfn");
	/* 4. Page states, lowest first, before a mapped gfn. */
	ASSERT_NOOP(EPERM_, s2o_host_donate_guest(a, hyp_pg, GFN_MAPPED, 1),
		    "hyp page onto a mapped gfn");
	ASSERT_NOOP(EPERM_, s2o_host_donate_guest(a, hyp_pg - 1, GFN_MAPPED,
						  2),
		    "host page then hyp page onto a mapped gfn");
	/* 5. A gfn already mapped in that VM, anywhere in the range. */
	ASSERT_NOOP(EBUSY_, s2o_host_donate_guest(a, TARGET, GFN_MAPPED, 1),
		    "onto the mapped gfn");
	ASSERT_NOOP(EBUSY_, s2o_host_donate_guest(a, TARGET, GFN_MAPPED - 3,
						  4),
		    "last gfn of the range mapped");
	ASSERT_NOOP(EBUSY_, s2o_host_donate_guest(a, TARGET, GFN_FREE - 5, 6),
		    "last gfn of the range mapped");
	/*
	 * The guest's calls: the gfn range before the page, the first gfn
	 * holding a page before the pages' states.
	 */
	ASSERT_NOOP(EINVAL_, guest_call_ret(s2o_guest_share, a, GFN_MAPPED,
					    0),
		    "guest_share: nr 0 at a mapped gfn");
	ASSERT_NOOP(EFAULT_, guest_call_ret(s2o_guest_relinquish, a,
					    GFN_MAPPED - 1, 2),
		    "relinquish: first gfn already relinquished, then a page");
	ASSERT_NOOP(EPERM_, guest_call_ret(s2o_guest_unshare, a, GFN_MAPPED,
					   2),
		    "guest_unshare: a page never shared");
	assert_guest_maps(a, GFN_MAPPED, r + 1, "after failed relinquish");
	/* Reclaim: the first page in a wrong state decides. */
	ASSERT_NOOP(EBUSY_, s2o_host_reclaim_guest(r, 2),
		    "reclaim: relinquished then live guest page");
	ASSERT_NOOP(EBUSY_, s2o_host_reclaim_guest(r + 1, 2),
		    "reclaim: live guest page then hyp page");
	ASSERT_NOOP(EPERM_, s2o_host_reclaim_guest(r + 2, 2),
		    "reclaim: hyp page then live guest page");
	ASSERT_NOOP(EPERM_, s2o_host_reclaim_guest(r - 1, 2),
		    "reclaim: host page then relinquished page");
	/* Host <-> hyp calls: one bad page anywhere fails all. */
	ASSERT_NOOP(EPERM_, s2o_host_share_hyp(hyp_pg - 1, 3),
		    "share: host, hyp, host");
	ASSERT_NOOP(EPERM_, s2o_host_donate_hyp(hyp_pg - 1, 3),
		    "donate_hyp: host, hyp, host");
	ASSERT_NOOP(EPERM_, s2o_hyp_donate_host(hyp_pg, 2),
		    "hyp_donate_host: hyp, host");
	ASSERT_NOOP(EPERM_, s2o_hyp_donate_host(r + 1, 2),
		    "hyp_donate_host: guest, hyp");

	/* The same gfn in another VM is free. */
	c = vm_new();
	assert_true(c > 0 && c != a && c != b);
	assert_int_equal(s2o_host_donate_guest(c, TARGET, GFN_MAPPED, 1), 0);
	assert_guest_maps(c, GFN_MAPPED, TARGET, "other VM");
	assert_guest_maps(a, GFN_MAPPED, r + 1, "other VM");
	assert_int_not_equal(fake_hw_translate(0, vm_vttbr(c),
					       pa_of(GFN_FREE), &tr), 0);
}

/* ---- VM handles and slots ------------------------------------------------ */

static void bad_handles(void **state)
{
	const u64 pages[] = { TARGET, TARGET + 1 };
	int a, b, i, handles[7];
	unsigned int k;

	(void)state;
	a = vm_new();
	b = vm_new();
	assert_true(a > 0 && b > 0 && a != b);
	assert_int_equal(s2o_host_donate_guest(b, TARGET + 1, 0, 1), 0);
	assert_int_equal(vm_destroy(b), 0);
	handles[0] = -1;
	handles[1] = 0;
	handles[2] = S2O_MAX_VMS + 1;
	handles[3] = INT_MIN;
	handles[4] = INT_MAX;
	handles[5] = a == 7 || b == 7 ? 8 : 7;	/* never created */
	handles[6] = b;				/* destroyed */
	watch_pages(pages, S2O_ARRAY_SIZE(pages));
	for (i = 0; i < 7; i++) {
		int h = handles[i];

		ASSERT_NOOP(ENOENT_, s2o_host_donate_guest(h, TARGET, 1, 1),
			    "donate_guest to handle %d", h);
		for (k = 0; k < S2O_ARRAY_SIZE(guest_calls); k++)
			ASSERT_NOOP(ENOENT_,
				    guest_call_ret(guest_calls[k], h, 0, 1),
				    "%s of handle %d", guest_call_name[k], h);
		ASSERT_NOOP(ENOENT_, vm_destroy(h), "destroy handle %d",
			    h);
		if (h)	/* handle 0 dumps the host */
			assert_int_equal(runs_take(h, &(struct runs){ 0 }),
					 ENOENT_);
	}
	assert_int_equal(vm_destroy(a), 0);
	ASSERT_NOOP(ENOENT_, vm_destroy(a), "destroy twice");
	ASSERT_NOOP(ENOENT_, s2o_host_donate_guest(a, TARGET, 1, 1),
		    "donate_guest after destroy");
}

/* ---- Main ---------------------------------------------------------------- */

int main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(bad_pfn_ranges),
		HARNESS_TEST(bad_gfn_ranges),
		HARNESS_TEST(error_precedence),
		HARNESS_TEST(bad_handles),
	};

	return cmocka_run_group_tests_name("bad input", tests, NULL, NULL);
}
