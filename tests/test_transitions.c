// SPDX-License-Identifier: GPL-2.0-only
/*
 * The transition matrix of docs/ownership.md, pair by pair: every starting
 * state of a page against every operation, with the return code and the
 * page's resulting state; an illegal pair must leave everything as it was
 * (the page and its neighbours, their data, the host stage-2 and every VM's
 * stage-2 run by run, the table pages, every counter but the fault
 * statistics). Then the bad inputs, each errno at its boundary, the order
 * in which errors are reported, VM slots, the pool and its host reserve,
 * stale TLBs and scrubbing.
 */
#include "harness_cmocka.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ownership/mem_protect.h"
#include "refmodel.h"

/* ---- The matrix -------------------------------------------------------- */

/* The operations of the matrix, in its order. */
static const enum rm_kind matrix_ops[] = {
	RM_SHARE, RM_UNSHARE, RM_DONATE_HYP, RM_GIVE_BACK, RM_DONATE_GUEST,
	RM_RELINQUISH, RM_RECLAIM, RM_FAULT,
};
#define NR_OP S2O_ARRAY_SIZE(matrix_ops)

struct expect {
	int ret;
	enum st after;
};

/*
 * docs/ownership.md's transition table, with every illegal pair. The
 * reference model must say the same, and the core must do it.
 */
static const struct expect matrix[NR_ST][RM_NR_KINDS] = {
	[ST_HOST] = {
		[RM_SHARE] = { 0, ST_SHARED },
		[RM_UNSHARE] = { EPERM_, ST_HOST },
		[RM_DONATE_HYP] = { 0, ST_HYP },
		[RM_GIVE_BACK] = { EPERM_, ST_HOST },
		[RM_DONATE_GUEST] = { 0, ST_GUEST },
		[RM_RELINQUISH] = { EPERM_, ST_HOST },	/* gfn unmapped */
		[RM_RECLAIM] = { EPERM_, ST_HOST },
		[RM_FAULT] = { 0, ST_HOST },
	},
	[ST_SHARED] = {
		[RM_SHARE] = { EPERM_, ST_SHARED },
		[RM_UNSHARE] = { 0, ST_HOST },
		[RM_DONATE_HYP] = { EPERM_, ST_SHARED },
		[RM_GIVE_BACK] = { EPERM_, ST_SHARED },
		[RM_DONATE_GUEST] = { EPERM_, ST_SHARED },
		[RM_RELINQUISH] = { EPERM_, ST_SHARED },
		[RM_RECLAIM] = { EPERM_, ST_SHARED },
		[RM_FAULT] = { 0, ST_SHARED },
	},
	[ST_HYP] = {
		[RM_SHARE] = { EPERM_, ST_HYP },
		[RM_UNSHARE] = { EPERM_, ST_HYP },
		[RM_DONATE_HYP] = { EPERM_, ST_HYP },
		[RM_GIVE_BACK] = { 0, ST_HOST },
		[RM_DONATE_GUEST] = { EPERM_, ST_HYP },
		[RM_RELINQUISH] = { EPERM_, ST_HYP },
		[RM_RECLAIM] = { EPERM_, ST_HYP },
		[RM_FAULT] = { EPERM_, ST_HYP },
	},
	[ST_GUEST] = {
		[RM_SHARE] = { EPERM_, ST_GUEST },
		[RM_UNSHARE] = { EPERM_, ST_GUEST },
		[RM_DONATE_HYP] = { EPERM_, ST_GUEST },
		[RM_GIVE_BACK] = { EPERM_, ST_GUEST },
		[RM_DONATE_GUEST] = { EPERM_, ST_GUEST },
		[RM_RELINQUISH] = { 0, ST_RELINQ },
		[RM_RECLAIM] = { EBUSY_, ST_GUEST },
		[RM_FAULT] = { EPERM_, ST_GUEST },
	},
	[ST_GUEST_DEAD] = {
		[RM_SHARE] = { EPERM_, ST_GUEST_DEAD },
		[RM_UNSHARE] = { EPERM_, ST_GUEST_DEAD },
		[RM_DONATE_HYP] = { EPERM_, ST_GUEST_DEAD },
		[RM_GIVE_BACK] = { EPERM_, ST_GUEST_DEAD },
		[RM_DONATE_GUEST] = { EPERM_, ST_GUEST_DEAD },
		[RM_RELINQUISH] = { ENOENT_, ST_GUEST_DEAD },	/* dead */
		[RM_RECLAIM] = { 0, ST_HOST },
		[RM_FAULT] = { EPERM_, ST_GUEST_DEAD },
	},
	[ST_RELINQ] = {
		[RM_SHARE] = { EPERM_, ST_RELINQ },
		[RM_UNSHARE] = { EPERM_, ST_RELINQ },
		[RM_DONATE_HYP] = { EPERM_, ST_RELINQ },
		[RM_GIVE_BACK] = { EPERM_, ST_RELINQ },
		[RM_DONATE_GUEST] = { EPERM_, ST_RELINQ },
		[RM_RELINQUISH] = { EPERM_, ST_RELINQ },	/* unmapped */
		[RM_RECLAIM] = { 0, ST_HOST },
		[RM_FAULT] = { EPERM_, ST_RELINQ },
	},
	[ST_HYPRAM] = {
		[RM_SHARE] = { EPERM_, ST_HYPRAM },
		[RM_UNSHARE] = { EPERM_, ST_HYPRAM },
		[RM_DONATE_HYP] = { EPERM_, ST_HYPRAM },
		[RM_GIVE_BACK] = { EPERM_, ST_HYPRAM },
		[RM_DONATE_GUEST] = { EPERM_, ST_HYPRAM },
		[RM_RELINQUISH] = { EPERM_, ST_HYPRAM },
		[RM_RECLAIM] = { EPERM_, ST_HYPRAM },
		[RM_FAULT] = { EPERM_, ST_HYPRAM },
	},
};

struct matrix_case {
	enum st st;
	enum rm_kind op;
	char name[64];
};

static struct matrix_case cases[NR_ST * NR_OP];

/* A step of the set-up, made on the core and the model alike. */
static int step(const struct rm_op *op)
{
	int ret = rm_core_call(op);

	if (op->kind == RM_CREATE ? ret > 0 : !ret)
		rm_commit(op, ret);
	return ret;
}

/*
 * Bring TARGET into @st. VM A (handle 1) is live in every case; the page
 * of a destroyed VM belongs to VM B (handle 2).
 */
static void enter_state(enum st st, int a, int *b, const char *ctx)
{
	struct rm_op op = { .kind = RM_DONATE_GUEST, .vm = a, .pfn = TARGET,
			    .nr = 1, .gfn = GFN_MAPPED };
	struct fake_translation tr;
	int ret = 0;

	switch (st) {
	case ST_HOST:
	case ST_HYPRAM:
		break;
	case ST_SHARED:
		op.kind = RM_SHARE;
		ret = step(&op);
		break;
	case ST_HYP:
		op.kind = RM_DONATE_HYP;
		ret = step(&op);
		break;
	case ST_GUEST:
	case ST_RELINQ:
		ret = step(&op);
		if (ret)
			break;
		/* Two CPUs cache the guest's translation. */
		assert_int_equal(fake_hw_translate(0, vm_vttbr(a),
						   pa_of(GFN_MAPPED), &tr), 0);
		assert_int_equal(fake_hw_translate(3, vm_vttbr(a),
						   pa_of(GFN_MAPPED), &tr), 0);
		assert_int_equal(tr.pa, pa_of(TARGET));
		op.kind = RM_RELINQUISH;
		if (st == ST_RELINQ)
			ret = step(&op);
		break;
	case ST_GUEST_DEAD:
		*b = step(&(struct rm_op){ .kind = RM_CREATE });
		assert_int_equal(*b, 2);
		op.vm = *b;
		ret = step(&op);
		op.kind = RM_DESTROY;
		if (!ret)
			ret = step(&op);
		break;
	default:
		fail();
	}
	if (ret)
		fail_msg("%s: entering the state failed: %d", ctx, ret);
}

/*
 * The case's call on page @pfn: to VM a's free gfn, or, to relinquish a
 * guest page, its VM's mapped one (VM b's for a destroyed VM's page).
 */
static struct rm_op case_op(const struct matrix_case *c, u64 pfn, int a,
			    int b)
{
	struct rm_op op = { .kind = c->op, .vm = a, .pfn = pfn, .nr = 1,
			    .gfn = GFN_FREE, .ipa = pa_of(pfn) + 0x10 };

	if (c->op == RM_RELINQUISH && (c->st == ST_GUEST ||
				       c->st == ST_RELINQ ||
				       c->st == ST_GUEST_DEAD))
		op.gfn = GFN_MAPPED;
	if (c->op == RM_RELINQUISH && c->st == ST_GUEST_DEAD)
		op.vm = b;
	return op;
}

/* What a legal operation must have done besides the page's new state. */
static void check_legal(const struct matrix_case *c, u64 pfn, int a,
			const struct snap *before, const struct snap *after,
			const struct runs *baseline, const char *ctx)
{
	struct fake_translation tr;
	struct s2own_stats st;
	unsigned int i;

	/* The neighbours are as they were, state and data. */
	for (i = 0; i < before->nr; i++) {
		if (before->pfn[i] == pfn)
			continue;
		assert_info_equal(before->pfn[i], &after->info[i],
				  &before->info[i], ctx);
		if (before->hash[i] != after->hash[i])
			fail_msg("%s: data of neighbour %#llx changed", ctx,
				 (unsigned long long)before->pfn[i]);
	}

	switch (c->op) {
	case RM_SHARE:
	case RM_UNSHARE:
		/* A share lives in the metadata only: nothing else moves. */
		snap_assert_same(before, after, pfn, ctx);
		break;
	case RM_DONATE_HYP:
	case RM_DONATE_GUEST:
		/* CPUs 0 and 1 cached the 1G block: it must be gone. */
		assert_host_faults_everywhere(pa_of(pfn), ctx);
		if (s2o_host_handle_fault(pa_of(pfn)) != EPERM_)
			fail_msg("%s: the host may fault the page back in",
				 ctx);
		assert_int_equal(host_translate(0, pa_of(pfn - 1), &tr), 0);
		assert_int_equal(tr.pa, pa_of(pfn - 1));
		/* A donation moves the data as it is. */
		for (i = 0; i < before->nr; i++)
			if (before->pfn[i] == pfn &&
			    before->hash[i] != after->hash[i])
				fail_msg("%s: donation changed the data", ctx);
		if (c->op == RM_DONATE_GUEST)
			assert_guest_maps(a, GFN_FREE, pfn, ctx);
		break;
	case RM_GIVE_BACK:
	case RM_RECLAIM:
		/* Coalesced back to what the host had before the state. */
		runs_assert_equal(baseline, &after->host, ctx,
				  "host (vs. before the state)");
		assert_int_equal(host_touch(2, pa_of(pfn) + 8, &tr), 0);
		assert_int_equal(tr.pa, pa_of(pfn) + 8);
		assert_int_equal(tr.level, 1);
		if (c->op == RM_GIVE_BACK)
			break;
		if (!page_is_zero(pfn))
			fail_msg("%s: reclaimed page not zeroed", ctx);
		assert_int_equal(after->c.fc.zeroed_pages -
				 before->c.fc.zeroed_pages, 1);
		assert_int_equal(after->c.fc.cleaned_bytes -
				 before->c.fc.cleaned_bytes, PAGE);
		assert_int_equal(after->c.st.pages_scrubbed -
				 before->c.st.pages_scrubbed, 1);
		if (c->st == ST_GUEST_DEAD) {
			/* VM B's last page is back: its slot is free. */
			assert_int_equal(s2o_vm_create(), 2);
		}
		break;
	case RM_RELINQUISH:
		assert_guest_faults_everywhere(a, GFN_MAPPED, ctx);
		runs_assert_equal(&before->host, &after->host, ctx, "host");
		assert_host_faults_everywhere(pa_of(pfn), ctx);
		for (i = 0; i < before->nr; i++)
			if (before->hash[i] != after->hash[i])
				fail_msg("%s: relinquish changed data", ctx);
		break;
	case RM_FAULT:
		assert_int_equal(host_translate(2, pa_of(pfn) + 0x10, &tr), 0);
		assert_int_equal(tr.pa, pa_of(pfn) + 0x10);
		assert_int_equal(tr.level, 1);
		snap_assert_same(before, after, ~0ULL, ctx);
		s2o_get_stats(&st);
		assert_int_equal(st.host_faults_refused, 0);
		break;
	default:
		fail();
	}
}

static void matrix_test(void **state)
{
	const struct matrix_case *c = *state;
	const struct expect *want = &matrix[c->st][c->op];
	u64 pfn = c->st == ST_HYPRAM ? HYP_TARGET : TARGET;
	u64 pages[5] = { pfn - 2, pfn - 1, pfn, pfn + 1, pfn + 2 };
	struct snap before = { 0 }, after = { 0 };
	struct runs baseline = { 0 };
	struct s2own_stats st0, st1;
	int a, b = 0, ret, model;
	struct rm_op op;
	unsigned int i;
	char ctx[96];

	snprintf(ctx, sizeof(ctx), "(%s, %s)", st_name[c->st],
		 rm_kind_name[c->op]);
	rm_reset();
	rm_ctx.report = model_fail;
	/* CPUs 0 and 1 map the 1G block around TARGET and cache it. */
	assert_int_equal(host_touch(0, pa_of(TARGET - 1), NULL), 0);
	assert_int_equal(host_touch(1, pa_of(TARGET + 1), NULL), 0);
	a = step(&(struct rm_op){ .kind = RM_CREATE });
	assert_int_equal(a, 1);
	assert_int_equal(runs_take(0, &baseline), 0);
	enter_state(c->st, a, &b, ctx);
	for (i = 0; i < 5; i++)
		fill_page(pages[i]);
	assert_page(pfn, c->st, c->st == ST_GUEST_DEAD ? b : a, ctx);

	op = case_op(c, pfn, a, b);
	rm_describe(&op, rm_ctx.desc, sizeof(rm_ctx.desc));
	model = rm_expect(&op);
	if (model != want->ret)
		fail_msg("%s: the model says %d, docs/ownership.md %d", ctx,
			 model, want->ret);
	snap_take(&before, pages, 5);
	s2o_get_stats(&st0);
	ret = rm_core_call(&op);
	if (ret != want->ret)
		fail_msg("%s: returned %d, want %d", ctx, ret, want->ret);
	if (!ret)
		rm_commit(&op, ret);
	assert_page(pfn, want->after, want->after == ST_GUEST_DEAD ? b : a,
		    ctx);
	rm_check_page(pfn);
	snap_take(&after, pages, 5);
	if (want->ret) {
		snap_assert_same(&before, &after, ~0ULL, ctx);
		if (c->op == RM_FAULT) {
			assert_host_faults_everywhere(pa_of(pfn), ctx);
			s2o_get_stats(&st1);
			assert_int_equal(st1.host_faults_refused -
					 st0.host_faults_refused, 1);
		}
	} else {
		check_legal(c, pfn, a, &before, &after, &baseline, ctx);
	}
	snap_free(&before);
	snap_free(&after);
	runs_free(&baseline);
}



/* ---- Bad inputs --------------------------------------------------------- */

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
	vm = s2o_vm_create();
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

			ASSERT_NOOP(c->want, rm_core_call(&op),
				    "%s on %s [%#llx + %#llx)",
				    rm_kind_name[op.kind], c->what,
				    (unsigned long long)c->pfn,
				    (unsigned long long)c->nr);
		}
	}
}

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

/* The first and last page of host RAM go through every transition. */
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
	vm = s2o_vm_create();
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
		assert_int_equal(s2o_guest_relinquish(vm, gfn, 1), 0);
		assert_page(pfn, ST_RELINQ, vm, ctx);
		assert_guest_faults_everywhere(vm, gfn, ctx);
		assert_int_equal(s2o_guest_relinquish(vm, gfn, 1), EPERM_);
		assert_int_equal(s2o_host_reclaim_guest(pfn, 1), 0);
		assert_page(pfn, ST_HOST, 0, ctx);
		assert_true(page_is_zero(pfn));
		assert_int_equal(host_touch(2, pa_of(pfn), NULL), 0);
	}
}

/* gfn ranges: past 2^36, wrapping, empty; checked after the pfn range. */
static void bad_gfn_ranges(void **state)
{
	const u64 pages[] = { RAM_FIRST, RAM_LAST - 1, RAM_LAST, TARGET };
	int vm;

	(void)state;
	vm = s2o_vm_create();
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
	ASSERT_NOOP(EINVAL_, s2o_guest_relinquish(vm, MAX_PFN - 1, 2),
		    "relinquish: last gfn and one past");
	ASSERT_NOOP(EINVAL_, s2o_guest_relinquish(vm, MAX_PFN, 1),
		    "relinquish: gfn 2^36");
	ASSERT_NOOP(EINVAL_, s2o_guest_relinquish(vm, ~0ULL, 1),
		    "relinquish: gfn ~0");
	ASSERT_NOOP(EINVAL_, s2o_guest_relinquish(vm, MAX_PFN - 1, ~0ULL),
		    "relinquish: nr ~0");
	ASSERT_NOOP(EINVAL_, s2o_guest_relinquish(vm, MAX_PFN - 1, 0),
		    "relinquish: nr 0");
	ASSERT_NOOP(EPERM_, s2o_guest_relinquish(vm, MAX_PFN - 2, 2),
		    "relinquish: unmapped gfn before the mapped one");
	ASSERT_NOOP(EPERM_, s2o_guest_relinquish(vm, 0, 1),
		    "relinquish: gfn never mapped");
	assert_int_equal(s2o_guest_relinquish(vm, MAX_PFN - 1, 1), 0);
	assert_page(TARGET, ST_RELINQ, vm, "relinquish last gfn");
}

/* The whole of host RAM in one call, both ways. */
static void whole_ram_ranges(void **state)
{
	struct runs before = { 0 }, after = { 0 };
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
	assert_int_equal(s2o_host_handle_fault(RAM_END - PAGE), EPERM_);
	assert_int_equal(s2o_hyp_donate_host(RAM_FIRST, RAM_PAGES), 0);
	assert_page(RAM_LAST, ST_HOST, 0, "give all back");
	/* Back to the host's at the same levels, no table left over. */
	assert_int_equal(runs_take(0, &after), 0);
	runs_normalize(&before);
	runs_normalize(&after);
	runs_assert_equal(&before, &after, "give all back", "host");
	assert_int_equal(tables_used(), tables);
	runs_free(&before);
	runs_free(&after);
}

/* ---- Error precedence --------------------------------------------------- */

static void error_precedence(void **state)
{
	const u64 hyp_pg = TARGET + 10, r = TARGET + 20;
	const u64 pages[] = { TARGET, hyp_pg - 1, hyp_pg, hyp_pg + 1,
			      r, r + 1, r + 2, r + 3 };
	struct fake_translation tr;
	int a, b, c;

	(void)state;
	assert_int_equal(host_touch(0, pa_of(TARGET), NULL), 0);
	a = s2o_vm_create();
	b = s2o_vm_create();
	assert_true(a > 0 && b > 0);
	/* b dies holding a page, so its slot stays taken. */
	assert_int_equal(s2o_host_donate_guest(b, TARGET + 100, 0, 1), 0);
	assert_int_equal(s2o_vm_destroy(b), 0);
	assert_int_equal(s2o_host_donate_hyp(hyp_pg, 1), 0);
	/* r: RELINQUISHED, r + 1: GUEST (mapped at GFN_MAPPED), r + 2: HYP,
	 * r + 3: GUEST, all of VM a. */
	assert_int_equal(s2o_host_donate_guest(a, r, GFN_MAPPED - 1, 2), 0);
	assert_int_equal(s2o_guest_relinquish(a, GFN_MAPPED - 1, 1), 0);
	assert_int_equal(s2o_host_donate_hyp(r + 2, 1), 0);
	assert_int_equal(s2o_host_donate_guest(a, r + 3, GFN_FREE, 1), 0);
	fill_page(r);
	watch_pages(pages, S2O_ARRAY_SIZE(pages));

	/* 1. The handle, before anything else. */
	ASSERT_NOOP(ENOENT_, s2o_host_donate_guest(0, ~0ULL, ~0ULL, 0),
		    "handle 0 with bad everything");
	ASSERT_NOOP(ENOENT_, s2o_host_donate_guest(b, HYP_TARGET, MAX_PFN, 1),
		    "destroyed VM with hyp RAM and a bad gfn");
	ASSERT_NOOP(ENOENT_, s2o_guest_relinquish(b, ~0ULL, 0),
		    "relinquish: destroyed VM with a bad gfn range");
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
	/* Relinquish: every gfn must be mapped; nothing moves otherwise. */
	ASSERT_NOOP(EPERM_, s2o_guest_relinquish(a, GFN_MAPPED - 1, 2),
		    "relinquish: first gfn already relinquished");
	ASSERT_NOOP(EPERM_, s2o_guest_relinquish(a, GFN_MAPPED, 2),
		    "relinquish: last gfn unmapped");
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
	c = s2o_vm_create();
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

	(void)state;
	a = s2o_vm_create();
	b = s2o_vm_create();
	assert_true(a > 0 && b > 0 && a != b);
	assert_int_equal(s2o_host_donate_guest(b, TARGET + 1, 0, 1), 0);
	assert_int_equal(s2o_vm_destroy(b), 0);
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
		ASSERT_NOOP(ENOENT_, s2o_guest_relinquish(h, 0, 1),
			    "relinquish of handle %d", h);
		ASSERT_NOOP(ENOENT_, s2o_vm_destroy(h), "destroy handle %d",
			    h);
		if (h)	/* handle 0 dumps the host */
			assert_int_equal(runs_take(h, &(struct runs){ 0 }),
					 ENOENT_);
	}
	assert_int_equal(s2o_vm_destroy(a), 0);
	ASSERT_NOOP(ENOENT_, s2o_vm_destroy(a), "destroy twice");
	ASSERT_NOOP(ENOENT_, s2o_host_donate_guest(a, TARGET, 1, 1),
		    "donate_guest after destroy");
}

static void create_all_vms(int *h)
{
	bool seen[S2O_MAX_VMS + 1] = { false };
	int i;

	for (i = 0; i < S2O_MAX_VMS; i++) {
		h[i] = s2o_vm_create();
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
	ASSERT_NOOP(EBUSY_, s2o_vm_create(), "33rd VM");
	ASSERT_NOOP(EBUSY_, s2o_vm_create(), "33rd VM, again");
	/* A VM with no page frees its slot at once. */
	assert_int_equal(s2o_vm_destroy(h[6]), 0);
	assert_int_equal(s2o_vm_create(), h[6]);
	assert_int_equal(s2o_vm_create(), EBUSY_);
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
	assert_int_equal(s2o_guest_relinquish(v, 0x11, 1), 0);
	assert_int_equal(s2o_vm_destroy(v), 0);
	assert_page(p, ST_GUEST_DEAD, v, "destroyed");
	assert_page(p + 1, ST_RELINQ, v, "destroyed");
	watch_pages(pages, 2);
	ASSERT_NOOP(EBUSY_, s2o_vm_create(), "slot held by two pages");
	ASSERT_NOOP(ENOENT_, s2o_host_donate_guest(v, p + 2, 0x20, 1),
		    "stale handle");
	assert_int_equal(s2o_host_reclaim_guest(p, 1), 0);
	ASSERT_NOOP(EBUSY_, s2o_vm_create(),
		    "slot held by the relinquished page");
	assert_int_equal(s2o_host_reclaim_guest(p + 1, 1), 0);
	assert_page(p, ST_HOST, 0, "reclaimed");
	assert_page(p + 1, ST_HOST, 0, "reclaimed");
	assert_int_equal(s2o_vm_create(), v);
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

/* ---- Table pool exhaustion ---------------------------------------------- */

/*
 * Use up every table page but the host reserve: a fault in a new 512G slot
 * of MMIO takes exactly one (its level-1 table), never from the reserve.
 * Returns the first slot that failed.
 */
static u64 fill_pool(void)
{
	struct s2own_stats st;
	u64 k;
	int ret;

	for (k = 1; k < 512; k++) {
		ret = s2o_host_handle_fault(k << 39);
		if (ret == ENOMEM_)
			break;
		assert_int_equal(ret, 0);
	}
	assert_true(k < 512);
	s2o_get_stats(&st);
	assert_int_equal(st.table_pages_free, HOST_RESERVE);
	return k;
}

static void pool_exhaustion(void **state)
{
	const u64 g3 = PFN(3 * GIB), fresh = PFN(4 * GIB) + 7;
	const u64 pages[] = { g3, g3 + 1, g3 + 1024, g3 + 1025, g3 + 2048,
			      g3 + 2049, TARGET, fresh };
	u64 slot;
	int a, b;

	(void)state;
	assert_int_equal(harness_setup_pool(64), 0);
	a = s2o_vm_create();
	b = s2o_vm_create();
	assert_true(a > 0 && b > 0);
	/* 2M chunks: VM a's, VM b's (destroyed), the hypervisor's. */
	assert_int_equal(s2o_host_donate_guest(a, g3, 0, 512), 0);
	assert_int_equal(s2o_host_donate_guest(b, g3 + 1024, 0, 512), 0);
	assert_int_equal(s2o_vm_destroy(b), 0);
	assert_int_equal(s2o_host_donate_hyp(g3 + 2048, 512), 0);
	assert_int_equal(s2o_host_donate_guest(a, TARGET, 0x800, 1), 0);
	slot = fill_pool();
	watch_pages(pages, S2O_ARRAY_SIZE(pages));

	ASSERT_NOOP(ENOMEM_, s2o_host_handle_fault(slot << 39),
		    "fault needing a table");
	ASSERT_NOOP(ENOMEM_, s2o_host_donate_hyp(fresh, 1),
		    "donate_hyp splitting an empty 1G entry");
	ASSERT_NOOP(ENOMEM_, s2o_host_donate_guest(a, fresh, 0x1000, 1),
		    "donate_guest");
	ASSERT_NOOP(ENOMEM_, s2o_vm_create(), "vm_create");
	ASSERT_NOOP(ENOMEM_, s2o_guest_relinquish(a, 1, 1),
		    "relinquish splitting the guest's 2M block");
	ASSERT_NOOP(ENOMEM_, s2o_host_reclaim_guest(g3 + 1025, 1),
		    "reclaim splitting the host's 2M annotation");
	ASSERT_NOOP(ENOMEM_, s2o_hyp_donate_host(g3 + 2049, 1),
		    "hyp_donate_host splitting the host's 2M annotation");
	/* Every other error is reported before -ENOMEM. */
	ASSERT_NOOP(EBUSY_, s2o_host_donate_guest(a, fresh, 5, 1),
		    "onto a mapped gfn, pool empty");
	ASSERT_NOOP(EPERM_, s2o_host_donate_guest(a, g3 + 2048, 0x1000, 1),
		    "hyp page, pool empty");
	ASSERT_NOOP(EBUSY_, s2o_host_reclaim_guest(g3, 1),
		    "live guest page, pool empty");
	ASSERT_NOOP(EPERM_, s2o_guest_relinquish(a, 0x1000, 1),
		    "unmapped gfn, pool empty");
	/* What needs no table still works. */
	assert_int_equal(s2o_host_share_hyp(fresh, 1), 0);
	assert_int_equal(s2o_host_unshare_hyp(fresh, 1), 0);
	assert_int_equal(host_touch(0, pa_of(fresh), NULL), 0);

	/* Destroying VM a gives its tables back: the pool works again. */
	assert_int_equal(s2o_vm_destroy(a), 0);
	assert_int_equal(s2o_host_donate_hyp(fresh, 1), 0);
	assert_page(fresh, ST_HYP, 0, "after recovery");
	assert_host_faults_everywhere(pa_of(fresh), "after recovery");
}

/* ---- The host reserve -------------------------------------------------- */

/* What s2o_host_reserve_pages() counts, on maps the tracker never runs. */
static void host_reserve_size(void **state)
{
	static const struct s2o_mem_region usual[] = {
		{ HYP_BASE, HYP_END - HYP_BASE, S2O_MEM_HYP },
		{ RAM_BASE, RAM_END - RAM_BASE, S2O_MEM_RAM },
	};
	/* RAM under level-0 entries 0 and 3; entry 1 holds only hyp RAM. */
	static const struct s2o_mem_region sparse[] = {
		{ GIB, GIB, S2O_MEM_RAM },
		{ 600 * GIB, GIB, S2O_MEM_HYP },
		{ 1536 * GIB + 4 * PAGE, PAGE, S2O_MEM_RAM },
	};
	/* One region across the boundary between entries 0 and 1. */
	static const struct s2o_mem_region straddle[] = {
		{ 511 * GIB, 2 * GIB, S2O_MEM_RAM },
	};
	struct s2o_init_params p = {
		.regions = usual,
		.nr_regions = 2,
		.pool_base = POOL_BASE,
		.pool_pages = POOL_PAGES,
	};
	void *metadata = malloc(s2o_metadata_bytes(usual, 2));
	struct s2own_stats st;

	(void)state;
	assert_non_null(metadata);
	assert_int_equal(s2o_host_reserve_pages(usual, 2, HARNESS_NR_CPUS),
			 HOST_RESERVE);
	assert_int_equal(s2o_host_reserve_pages(sparse, 3, 3), 2 * 3 + 2);
	assert_int_equal(s2o_host_reserve_pages(sparse + 1, 1, 3), 2 * 3);
	assert_int_equal(s2o_host_reserve_pages(straddle, 1, 1), 2 + 2);

	/* No CPU to size it for: refused before anything is reset. */
	p.metadata = metadata;
	assert_int_equal(host_touch(0, BLOCK_1G, NULL), 0);
	assert_int_equal(s2o_init(&p), EINVAL_);
	free(metadata);
	assert_int_equal(tables_used(), 2);
	s2o_get_stats(&st);
	assert_int_equal(st.host_faults, 1);

	/* A pool below the reserve boots; its pages are the host's only. */
	assert_int_equal(harness_setup_pool(2), 0);
	ASSERT_NOOP(ENOMEM_, s2o_vm_create(), "vm_create, pool of 2");
	assert_int_equal(host_touch(0, BLOCK_1G, NULL), 0);
	assert_int_equal(tables_used(), 2);
}

/*
 * The map of the tests below: RAM with MMIO holes off the 2M grid, so that
 * a host fault next to one needs a level-2 and a level-3 table. A 2M hole
 * 1M into each 1G block at 2G, 3G and 4G (two mixed 2M blocks each), and a
 * 4K hole in the block at 3G.
 */
#define HOLE(g) ((u64)(g) * GIB + MIB)	/* [HOLE, HOLE + 2M) is MMIO */
#define PINHOLE (3 * GIB + 512 * MIB + 5 * PAGE)

static const struct s2o_mem_region holey_map[] = {
	{ HYP_BASE, HYP_END - HYP_BASE, S2O_MEM_HYP },
	{ RAM_BASE, HOLE(2) - RAM_BASE, S2O_MEM_RAM },
	{ HOLE(2) + 2 * MIB, HOLE(3) - HOLE(2) - 2 * MIB, S2O_MEM_RAM },
	{ HOLE(3) + 2 * MIB, PINHOLE - HOLE(3) - 2 * MIB, S2O_MEM_RAM },
	{ PINHOLE + PAGE, HOLE(4) - PINHOLE - PAGE, S2O_MEM_RAM },
	{ HOLE(4) + 2 * MIB, RAM_END - HOLE(4) - 2 * MIB, S2O_MEM_RAM },
};

#define HOLEY_POOL 64ULL
/* The fills donate FILL_PFN + i at gfn i << 18: one per 1G of the VM. */
#define FILL_PFN PFN(2 * GIB + 512 * MIB)
#define FILL_GFN(i) ((u64)(i) << 18)

static int setup_holey(void **state)
{
	(void)state;
	return harness_setup_map(holey_map, S2O_ARRAY_SIZE(holey_map),
				 HOLEY_POOL);
}

struct fill {
	int vm[S2O_MAX_VMS];	/* vm[0] got the pages, the others none */
	int nr_vms;
	u64 nr_pages;
};

/*
 * Fill the pool with VM tables the way a host would: single pages at gfns
 * 1G apart (a level-2 and a level-3 table each), then empty VMs (a root
 * each), until -ENOMEM; each refused call must change nothing. The pool
 * is then exactly at the host reserve.
 */
static void fill_with_vm_tables(struct fill *f)
{
	struct s2own_stats st;
	u64 pfn, used;
	int ret;

	memset(f, 0, sizeof(*f));
	f->vm[f->nr_vms++] = s2o_vm_create();
	assert_true(f->vm[0] > 0);
	for (;;) {
		const u64 pages[] = { FILL_PFN - 1, FILL_PFN + f->nr_pages };

		pfn = pages[1];
		used = tables_used();
		watch_pages(pages, 2);
		noop_begin();
		ret = s2o_host_donate_guest(f->vm[0], pfn,
					    FILL_GFN(f->nr_pages), 1);
		if (ret)
			break;
		noop_cancel();
		assert_guest_maps(f->vm[0], FILL_GFN(f->nr_pages), pfn,
				  "filling the pool");
		/* The VM's level-2 and level-3 tables, at the least. */
		assert_true(tables_used() >= used + 2);
		f->nr_pages++;
	}
	noop_end(ret, ENOMEM_, "donation at a fresh 1G of the VM, pool full");
	assert_true(f->nr_pages >= 8);
	assert_page(pfn, ST_HOST, 0, "refused donation");
	for (;;) {
		noop_begin();
		ret = s2o_vm_create();
		if (ret < 0)
			break;
		noop_cancel();
		f->vm[f->nr_vms++] = ret;
	}
	noop_end(ret, ENOMEM_, "vm_create, pool full");
	s2o_get_stats(&st);
	assert_int_equal(st.table_pages_free, HOST_RESERVE);
	assert_int_equal(st.table_pages_used + st.table_pages_free,
			 HOLEY_POOL);
}

/* A host fault, the leaf it must map, and the table pages it takes. */
struct reserve_fault {
	u64 ipa;
	u32 level;
	bool mmio;
	u64 tables;
};

/*
 * After fill_with_vm_tables(): the level-0 entry's level-1 table and the
 * level-2 table at 2G (the donations') exist. The faults take as many
 * table pages as the reserve holds, HOST_RESERVE.
 */
static const struct reserve_fault reserve_faults[] = {
	{ HOLE(3) - PAGE, 3, false, 2 },	/* level-2 and level-3 */
	{ HOLE(3), 3, true, 0 },		/* MMIO, same level-3 table */
	{ HOLE(3) + 2 * MIB, 3, false, 1 },	/* the other mixed 2M */
	{ HOLE(3) + 2 * MIB - PAGE, 3, true, 0 },
	{ PINHOLE + PAGE, 3, false, 1 },
	{ PINHOLE, 3, true, 0 },
	{ HOLE(4) + MIB, 3, true, 2 },		/* MMIO first, new 1G */
	{ HOLE(4) - PAGE, 3, false, 1 },
	{ 4 * GIB + 8 * MIB, 2, false, 0 },	/* a whole 2M of RAM */
	{ HOLE(2) - PAGE, 3, false, 1 },	/* under the donations' L2 */
	{ RAM_BASE, 2, false, 1 },		/* next to the hyp's RAM */
	{ 0x09000000, 1, true, 0 },		/* MMIO below RAM */
	{ RAM_END + PAGE, 1, true, 0 },		/* and above */
};

static void fault_and_check(unsigned int cpu, const struct reserve_fault *f)
{
	u64 gran = 1ULL << (39 - 9 * f->level), used = tables_used(), desc;
	struct fake_translation tr;

	if (host_touch(cpu, f->ipa + 8, &tr))
		fail_msg("host fault on %#llx refused",
			 (unsigned long long)f->ipa);
	desc = S2O_ALIGN_DOWN(f->ipa, gran);
	if (f->mmio)
		desc |= f->level == 3 ? MMIO_PAGE : MMIO_BLOCK;
	else
		desc |= f->level == 3 ? RAM_PAGE_ATTRS : RAM_BLOCK_ATTRS;
	if (tr.pa != f->ipa + 8 || tr.level != f->level || tr.desc != desc)
		fail_msg("%#llx maps to %#llx by %#llx at L%u, want %#llx at "
			 "L%u", (unsigned long long)f->ipa,
			 (unsigned long long)tr.pa,
			 (unsigned long long)tr.desc, tr.level,
			 (unsigned long long)desc, f->level);
	if (tables_used() != used + f->tables)
		fail_msg("fault on %#llx took %llu table pages, want %llu",
			 (unsigned long long)f->ipa,
			 (unsigned long long)(tables_used() - used),
			 (unsigned long long)f->tables);
	if (!f->mmio)
		assert_page(PFN(f->ipa), ST_HOST, 0, "faulted in");
}

/* Every fault of reserve_faults[], on CPUs in turn. */
static void fault_through_reserve(void)
{
	struct s2own_stats st0, st1;
	unsigned int i;

	s2o_get_stats(&st0);
	for (i = 0; i < S2O_ARRAY_SIZE(reserve_faults); i++)
		fault_and_check(i % FAKE_NR_CPUS, &reserve_faults[i]);
	s2o_get_stats(&st1);
	assert_int_equal(st0.table_pages_free - st1.table_pages_free,
			 HOST_RESERVE);
	assert_int_equal(st1.host_faults_refused, st0.host_faults_refused);
}

/*
 * VMs' tables fill the pool up to the host reserve and no further; the
 * host's faults still map RAM and MMIO next to region boundaries (level-2
 * and level-3 tables), and nothing else gets a page meanwhile.
 */
static void vm_tables_leave_the_host_reserve(void **state)
{
	const u64 pages[] = { FILL_PFN, PFN(3 * GIB) };
	struct fill f;

	(void)state;
	fill_with_vm_tables(&f);
	/* Root, the host's level-1, level-2 and level-3 tables; the VMs'
	 * roots, vm[0]'s level-1, and a level-2 and level-3 per page. */
	assert_int_equal(tables_used(),
			 4 + f.nr_vms + 1 + 2 * f.nr_pages);
	watch_pages(pages, 2);
	ASSERT_NOOP(ENOMEM_, s2o_host_donate_hyp(PFN(3 * GIB), 1),
		    "donate_hyp, pool at the reserve");
	ASSERT_NOOP(ENOMEM_, s2o_host_handle_fault(512 * GIB + PAGE),
		    "MMIO under a level-0 entry without RAM");

	fault_through_reserve();
	assert_int_equal(tables_used(), HOLEY_POOL);
	ASSERT_NOOP(ENOMEM_, s2o_host_donate_hyp(PFN(3 * GIB), 1),
		    "donate_hyp, reserve used");
	ASSERT_NOOP(ENOMEM_, s2o_vm_create(), "vm_create, reserve used");
}

/* Host table entries the walk sees that one block could replace. */
static int count_block_tables(struct s2o_walk_ctx *ctx)
{
	u64 *n = ctx->arg, block;

	*n += s2o_host_block_for(ctx, &block);
	return 0;
}

/*
 * With the reserve used up by tables the host's faults left, the next
 * fault that needs one frees every idle table first.
 */
static void full_reserve_fault_shrinks_idle_tables(void **state)
{
	const struct reserve_fault next = { HOLE(2) + 2 * MIB, 3, false, 1 };
	const struct reserve_fault again = reserve_faults[0];
	struct s2own_stats st0, st1;
	struct fake_translation tr;
	struct fill f;
	u64 used, freed0, pte;
	u32 level;

	(void)state;
	fill_with_vm_tables(&f);
	fault_through_reserve();
	used = tables_used();
	s2o_get_stats(&st0);
	freed0 = fake_counters.tables_freed;

	/* Every table the faults made is idle: all go, one comes back. */
	assert_int_equal(tables_used(), HOLEY_POOL);
	assert_int_equal(host_touch(1, next.ipa, &tr), 0);
	assert_int_equal(tr.level, 3);
	assert_int_equal(tables_used(), used - HOST_RESERVE + 1);
	assert_int_equal(fake_counters.tables_freed - freed0, HOST_RESERVE);
	s2o_get_stats(&st1);
	assert_int_equal(st1.tlbi_range - st0.tlbi_range, HOST_RESERVE);
	assert_int_equal(st1.coalesces, st0.coalesces);
	assert_int_equal(st1.host_faults_refused, 0);
	assert_int_equal(st1.table_pages_free, HOST_RESERVE - 1);

	/* Gone down to the level-1 entries, or the busy level-2 at 2G. */
	host_leaf(HOLE(3) - PAGE, &pte, &level);
	assert_int_equal(pte, S2O_PTE_EMPTY);
	assert_int_equal(level, 1);
	host_leaf(RAM_BASE, &pte, &level);
	assert_int_equal(pte, S2O_PTE_EMPTY);
	assert_int_equal(level, 1);
	host_leaf(HOLE(2) - PAGE, &pte, &level);
	assert_int_equal(pte, S2O_PTE_EMPTY);
	assert_int_equal(level, 2);
	/* The CPUs that cached them walk again, and fault. */
	assert_host_faults_everywhere(HOLE(3) - PAGE + 8, "after shrink");
	assert_host_faults_everywhere(RAM_BASE + 8, "after shrink");
	assert_host_faults_everywhere(HOLE(2) - PAGE + 8, "after shrink");
	/* The donations' tables hold guest pages: still there. */
	assert_host_leaf(pa_of(FILL_PFN), s2o_pte_annotation(S2O_OWNER_GUEST),
			 3);
	assert_guest_maps(f.vm[0], FILL_GFN(1), FILL_PFN + 1, "after shrink");

	/* And the host faults back in what it lost. */
	fault_and_check(2, &again);
}

/*
 * A level-1 table under a level-0 entry without RAM would never be freed:
 * the host reserve does not give it. The fault gets one once VM tables
 * are freed.
 */
static void mmio_without_ram_waits_for_freed_pages(void **state)
{
	const struct reserve_fault far = { 512 * GIB + 3 * GIB, 1, true, 1 };
	const u64 pages[] = { FILL_PFN };
	struct fill f;
	int i;

	(void)state;
	fill_with_vm_tables(&f);
	watch_pages(pages, 1);
	ASSERT_NOOP(ENOMEM_, s2o_host_handle_fault(far.ipa),
		    "MMIO under a level-0 entry without RAM, pool full");
	for (i = 1; i < f.nr_vms; i++)
		assert_int_equal(s2o_vm_destroy(f.vm[i]), 0);
	fault_and_check(3, &far);
	/* RAM is what the reserve was for: still all of it. */
	fault_through_reserve();
}

/*
 * Idle tables the host's faults made earlier hold pages VMs could use: a
 * give-back refused for want of one has the host's next fault free them
 * (before the reserve, a fault with no page left did; now the host's
 * faults have the reserve to go on with).
 */
static void refused_give_back_frees_idle_tables(void **state)
{
	const u64 chunk = PFN(2 * GIB + 256 * MIB);
	const u64 pages[] = { chunk, chunk + 1, chunk + 2 };
	struct fake_translation tr;
	struct fill f;
	u64 freed0;

	(void)state;
	/* The level-1 and level-2 tables reserve_faults[] expects. */
	assert_int_equal(s2o_host_donate_hyp(chunk, 512), 0);
	fault_through_reserve();
	fill_with_vm_tables(&f);
	watch_pages(pages, 3);
	ASSERT_NOOP(ENOMEM_, s2o_hyp_donate_host(chunk + 1, 1),
		    "hyp_donate_host splitting the 2M annotation");

	/* A fault needing no table frees every idle one. */
	freed0 = fake_counters.tables_freed;
	assert_int_equal(s2o_host_handle_fault(reserve_faults[0].ipa), 0);
	assert_int_equal(fake_counters.tables_freed - freed0, HOST_RESERVE);
	assert_int_equal(s2o_hyp_donate_host(chunk + 1, 1), 0);
	assert_page(chunk + 1, ST_HOST, 0, "given back");
	assert_page(chunk + 2, ST_HYP, 0, "given back");
	assert_int_equal(host_touch(0, pa_of(chunk + 1), &tr), 0);
	assert_int_equal(tr.level, 3);
}

/*
 * Destroying the VMs and reclaiming their pages gives every VM table back
 * and coalesces the donations' host tables: the pool holds what the
 * host's own faults need, and donations work again.
 */
static void reserve_recovers_after_reclaim(void **state)
{
	struct s2own_stats st0, st1;
	u64 n = 0;
	struct fill f;
	int i;

	(void)state;
	fill_with_vm_tables(&f);
	fault_through_reserve();
	s2o_get_stats(&st0);
	for (i = 0; i < f.nr_vms; i++)
		assert_int_equal(s2o_vm_destroy(f.vm[i]), 0);
	assert_int_equal(s2o_host_reclaim_guest(FILL_PFN, f.nr_pages), 0);
	assert_page(FILL_PFN, ST_HOST, 0, "reclaimed");
	/* The donations' level-3 table became a 2M block again. */
	s2o_get_stats(&st1);
	assert_int_equal(st1.coalesces - st0.coalesces, 1);
	assert_host_leaf(pa_of(FILL_PFN), pa_of(FILL_PFN) | RAM_BLOCK_ATTRS,
			 2);
	/* Root, level-1, the level-2 at 2G (a hole in its 1G), and the
	 * faults' tables; none of them could be a block. */
	assert_int_equal(tables_used(), 3 + HOST_RESERVE);
	s2o_walk_all(&s2o_host_mmu.pgt, count_block_tables, &n,
		     S2O_VISIT_TABLE_PRE);
	assert_int_equal(n, 0);

	/* Donations work again, and fill the pool to the reserve again. */
	fill_with_vm_tables(&f);
	assert_true(f.nr_pages >= 8);
}

/* ---- Stale TLB entries ------------------------------------------------- */

static void touch_cached(unsigned int cpu, u64 pa, u32 level)
{
	struct fake_translation tr;

	assert_int_equal(host_touch(cpu, pa, &tr), 0);
	assert_int_equal(tr.level, level);
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
	vm = s2o_vm_create();
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
	assert_int_equal(s2o_vm_destroy(vm), 0);
	assert_host_faults_everywhere(chunk + 5 * PAGE, "after destroy");
	assert_int_equal(s2o_host_handle_fault(chunk), EPERM_);
}


/*
 * A 1G block given to the hypervisor and back page by page, out of order:
 * splits down to 4K, then coalesces back to the one 1G block, with the
 * table count where it started.
 */
static void hyp_1g_round_trip(void **state)
{
	const u64 g = PFN(2 * GIB), n = PFN(GIB), mid = g + 3 * 512 + 7;
	struct runs before = { 0 }, after = { 0 };
	struct fake_translation tr;
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
	assert_int_equal(host_touch(2, pa_of(mid), &tr), 0);
	assert_int_equal(tr.level, 3);
	assert_int_equal(s2o_host_handle_fault(pa_of(mid + 1)), EPERM_);
	assert_int_equal(s2o_host_handle_fault(pa_of(g + 8 * 512)), EPERM_);

	assert_int_equal(s2o_hyp_donate_host(mid + 1, g + n - mid - 1), 0);
	assert_int_equal(host_touch(2, pa_of(g + n - 1), &tr), 0);
	assert_int_equal(tr.level, 2);
	assert_int_equal(s2o_hyp_donate_host(g, mid - g), 0);
	assert_page(g, ST_HOST, 0, "all back");
	assert_page(mid - 1, ST_HOST, 0, "all back");
	assert_int_equal(tables_used(), tables);
	assert_int_equal(runs_take(0, &after), 0);
	runs_normalize(&before);
	runs_normalize(&after);
	runs_assert_equal(&before, &after, "1G round trip", "host");
	assert_host_leaf(pa_of(mid), pa_of(g) | 0x7fd, 1);
	s2o_get_stats(&st);
	assert_int_equal(st.coalesces, 2);
	runs_free(&before);
	runs_free(&after);
}

/* Relinquishing part of a guest's 2M block leaves the rest mapped. */
static void relinquish_splits_guest_block(void **state)
{
	const u64 pfn = PFN(3 * GIB + 8 * MIB), gfn = 1024;
	struct fake_translation tr;
	int vm;

	(void)state;
	vm = s2o_vm_create();
	assert_int_equal(s2o_host_donate_guest(vm, pfn, gfn, 512), 0);
	assert_int_equal(fake_hw_translate(0, vm_vttbr(vm), pa_of(gfn + 3),
					   &tr), 0);
	assert_int_equal(tr.level, 2);
	assert_int_equal(fake_hw_translate(2, vm_vttbr(vm), pa_of(gfn + 3),
					   &tr), 0);
	assert_int_equal(s2o_guest_relinquish(vm, gfn + 3, 1), 0);
	assert_guest_faults_everywhere(vm, gfn + 3, "relinquish 1 of 512");
	assert_page(pfn + 3, ST_RELINQ, vm, "relinquish 1 of 512");
	assert_page(pfn + 2, ST_GUEST, vm, "relinquish 1 of 512");
	assert_page(pfn + 4, ST_GUEST, vm, "relinquish 1 of 512");
	assert_guest_maps(vm, gfn + 2, pfn + 2, "relinquish 1 of 512");
	assert_guest_maps(vm, gfn + 4, pfn + 4, "relinquish 1 of 512");
	assert_guest_maps(vm, gfn + 511, pfn + 511, "relinquish 1 of 512");
	assert_guest_maps(vm, gfn, pfn, "relinquish 1 of 512");
	assert_int_equal(s2o_host_reclaim_guest(pfn + 3, 1), 0);
	assert_int_equal(host_touch(1, pa_of(pfn + 3), &tr), 0);
	assert_int_equal(tr.level, 3);
	assert_int_equal(s2o_host_handle_fault(pa_of(pfn + 4)), EPERM_);
	/* The rest, relinquished across the hole, then reclaimed. */
	assert_int_equal(s2o_guest_relinquish(vm, gfn, 3), 0);
	assert_int_equal(s2o_guest_relinquish(vm, gfn + 4, 508), 0);
	assert_int_equal(s2o_host_reclaim_guest(pfn, 3), 0);
	assert_int_equal(s2o_host_reclaim_guest(pfn + 4, 508), 0);
	assert_int_equal(host_touch(1, pa_of(pfn + 100), &tr), 0);
	assert_int_equal(tr.level, 1);
}


/* A guest's 2M and 1G blocks relinquished whole: every page, none left. */
static void relinquish_whole_guest_blocks(void **state)
{
	const u64 c2 = PFN(3 * GIB + 10 * MIB), g2 = 2048;
	const u64 c1 = PFN(2 * GIB), g1 = PFN(GIB), n1 = PFN(GIB);
	const u64 pages[] = { c1, c1 + 999, c1 + 1000, c1 + 1001 };
	struct fake_translation tr;
	u64 i;
	int vm;

	(void)state;
	watch_pages(pages, S2O_ARRAY_SIZE(pages));
	vm = s2o_vm_create();
	assert_int_equal(s2o_host_donate_guest(vm, c2, g2, 512), 0);
	assert_int_equal(fake_hw_translate(0, vm_vttbr(vm), pa_of(g2 + 7),
					   &tr), 0);
	assert_int_equal(tr.level, 2);
	assert_int_equal(s2o_guest_relinquish(vm, g2, 512), 0);
	for (i = 0; i < 512; i++)
		assert_page(c2 + i, ST_RELINQ, vm, "2M block relinquished");
	assert_guest_faults_everywhere(vm, g2 + 7, "2M block relinquished");
	assert_guest_faults_everywhere(vm, g2 + 511, "2M block relinquished");

	assert_int_equal(s2o_host_donate_guest(vm, c1, g1, n1), 0);
	assert_int_equal(fake_hw_translate(1, vm_vttbr(vm), pa_of(g1 + 9),
					   &tr), 0);
	assert_int_equal(tr.level, 1);
	assert_int_equal(tr.pa, pa_of(c1 + 9));
	assert_int_equal(s2o_host_handle_fault(pa_of(c1 + 9)), EPERM_);
	/* One page out of the 1G block first: L1 -> L2 -> L3 split. */
	assert_int_equal(s2o_guest_relinquish(vm, g1 + 1000, 1), 0);
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
	ASSERT_NOOP(EPERM_, s2o_guest_relinquish(vm, g1, n1),
		    "relinquish 1G with a hole");
	assert_int_equal(s2o_guest_relinquish(vm, g1, 1000), 0);
	assert_int_equal(s2o_guest_relinquish(vm, g1 + 1001, n1 - 1001), 0);
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
	assert_int_equal(s2o_vm_destroy(vm), 0);
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
	struct s2own_stats st;
	int vm;

	(void)state;
	vm = s2o_vm_create();
	assert_int_equal(s2o_host_donate_guest(vm, g, 0x40, 3), 0);
	for (i = 0; i < 5; i++) {
		fill_page(pages[i]);
		hash[i] = page_hash(pages[i]);
	}
	assert_int_equal(s2o_guest_relinquish(vm, 0x41, 1), 0);
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
	assert_int_equal(fake_counters.zeroed_pages, 1);
	assert_int_equal(fake_counters.cleaned_bytes, PAGE);
	s2o_get_stats(&st);
	assert_int_equal(st.pages_scrubbed, 1);

	assert_int_equal(s2o_vm_destroy(vm), 0);
	assert_int_equal(s2o_host_reclaim_guest(g, 1), 0);
	assert_int_equal(s2o_host_reclaim_guest(g + 2, 1), 0);
	assert_true(page_is_zero(g));
	assert_true(page_is_zero(g + 2));
	assert_int_equal(page_hash(g - 1), hash[0]);
	assert_int_equal(page_hash(g + 3), hash[4]);
	assert_int_equal(fake_counters.zeroed_pages, 3);
	assert_int_equal(fake_counters.cleaned_bytes, 3 * PAGE);

	/* A large range of a destroyed VM: every page, and only those. */
	vm = s2o_vm_create();
	assert_int_equal(s2o_host_donate_guest(vm, big, 0, 600), 0);
	for (i = 0; i < 602; i++)
		fill_page(big - 1 + i);
	assert_int_equal(s2o_vm_destroy(vm), 0);
	assert_int_equal(s2o_host_reclaim_guest(big, 600), 0);
	for (i = 0; i < 600; i++)
		if (!page_is_zero(big + i))
			fail_msg("page %llu of 600 not zeroed",
				 (unsigned long long)i);
	assert_false(page_is_zero(big - 1));
	assert_false(page_is_zero(big + 600));
	assert_int_equal(fake_counters.zeroed_pages, 603);
	assert_int_equal(fake_counters.cleaned_bytes, 603 * PAGE);
	s2o_get_stats(&st);
	assert_int_equal(st.pages_scrubbed, 603);
}

/* ---- Host faults ------------------------------------------------------- */

/*
 * The largest block that is aligned, inside one memory region and inside
 * the free entry the fault found; RAM normal, MMIO device and XN.
 */
static void fault_block_sizes(void **state)
{
	struct fake_translation tr;
	struct s2own_stats st;

	(void)state;
	/* Host RAM starts 4M into a 1G block: 2M there. */
	assert_int_equal(host_touch(0, RAM_BASE + 0x123, &tr), 0);
	assert_int_equal(tr.pa, RAM_BASE + 0x123);
	assert_int_equal(tr.level, 2);
	assert_host_leaf(RAM_BASE, RAM_BASE | 0x7fd, 2);
	assert_host_leaf(RAM_BASE - PAGE, 0, 2);	/* hyp RAM: untouched */
	/* The last page of RAM: [4G, 5G) is one 1G block. */
	assert_int_equal(host_touch(1, RAM_END - 8, &tr), 0);
	assert_int_equal(tr.level, 1);
	assert_int_equal(tr.pa, RAM_END - 8);
	assert_host_leaf(RAM_END - PAGE, (RAM_END - GIB) | 0x7fd, 1);
	/* The first page after RAM: a 1G device block. */
	assert_int_equal(host_touch(2, RAM_END, &tr), 0);
	assert_int_equal(tr.level, 1);
	assert_int_equal(tr.desc, RAM_END | MMIO_BLOCK);
	/* MMIO below the hypervisor's RAM. */
	assert_int_equal(host_touch(3, HYP_BASE - PAGE, &tr), 0);
	assert_int_equal(tr.desc, MMIO_BLOCK);
	/* The last page of the IPA space: level 0 has no blocks. */
	assert_int_equal(host_touch(0, (1ULL << 48) - PAGE, &tr), 0);
	assert_int_equal(tr.level, 1);
	assert_int_equal(tr.desc, ((1ULL << 48) - GIB) | MMIO_BLOCK);
	/* Root, L1 for [0, 512G), L2 for [1G, 2G), L1 for the top 512G. */
	assert_int_equal(tables_used(), 4);

	/* The hypervisor's RAM, first and last page, never. */
	assert_int_equal(s2o_host_handle_fault(HYP_BASE), EPERM_);
	assert_int_equal(s2o_host_handle_fault(RAM_BASE - 1), EPERM_);
	assert_int_not_equal(host_touch(1, RAM_BASE - PAGE, &tr), 0);
	/* Past the IPA space, also where the PA would alias RAM. */
	assert_int_equal(s2o_host_handle_fault(1ULL << 48), EINVAL_);
	assert_int_equal(s2o_host_handle_fault((1ULL << 48) | BLOCK_1G),
			 EINVAL_);
	assert_int_equal(s2o_host_handle_fault(~0ULL), EINVAL_);
	s2o_get_stats(&st);
	assert_int_equal(st.host_faults, 11);
	assert_int_equal(st.host_faults_refused, 6);
	assert_int_equal(tables_used(), 4);
}

/* A fault maps no more than the free entry it found. */
static void fault_stays_inside_free_entry(void **state)
{
	const u64 g3 = 3 * GIB, g4 = 4 * GIB;
	struct fake_translation tr;

	(void)state;
	/* Never faulted: the donation splits empty entries down to 4K. */
	assert_int_equal(s2o_host_donate_hyp(PFN(g3) + 5, 1), 0);
	assert_int_equal(host_touch(0, g3 + 4 * PAGE, &tr), 0);
	assert_int_equal(tr.level, 3);
	assert_host_leaf(g3 + 4 * PAGE, (g3 + 4 * PAGE) | 0x7ff, 3);
	assert_int_equal(host_touch(0, g3 + 6 * PAGE, &tr), 0);
	assert_int_equal(tr.level, 3);
	assert_int_equal(host_touch(0, g3 + 2 * MIB, &tr), 0);
	assert_int_equal(tr.level, 2);
	assert_int_equal(host_touch(0, g3 + GIB - PAGE, &tr), 0);
	assert_int_equal(tr.level, 2);
	assert_int_equal(s2o_host_handle_fault(g3 + 5 * PAGE), EPERM_);

	/* A 2M chunk annotated at level 2: 2M blocks on either side. */
	assert_int_equal(s2o_host_donate_hyp(PFN(g4 + 2 * MIB), 512), 0);
	assert_host_leaf(g4 + 2 * MIB, 0x4, 2);
	assert_int_equal(host_touch(1, g4 + 2 * MIB - PAGE, &tr), 0);
	assert_int_equal(tr.level, 2);
	assert_int_equal(tr.pa, g4 + 2 * MIB - PAGE);
	assert_int_equal(host_touch(1, g4 + 4 * MIB, &tr), 0);
	assert_int_equal(tr.level, 2);
	assert_int_equal(s2o_host_handle_fault(g4 + 3 * MIB), EPERM_);
	assert_int_not_equal(host_touch(2, g4 + 4 * MIB - PAGE, &tr), 0);
}

/* ---- Main -------------------------------------------------------------- */

#define TEST(fn) \
	cmocka_unit_test_setup_teardown(fn, harness_setup, harness_teardown)
#define HOLEY_TEST(fn) \
	cmocka_unit_test_setup_teardown(fn, setup_holey, harness_teardown)

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		TEST(fault_block_sizes),
		TEST(fault_stays_inside_free_entry),
		TEST(bad_pfn_ranges),
		TEST(query_bounds),
		TEST(ram_boundary_pages),
		TEST(bad_gfn_ranges),
		TEST(whole_ram_ranges),
		TEST(error_precedence),
		TEST(bad_handles),
		TEST(vm_slot_exhaustion),
		TEST(vm_slot_reused_after_full_reclaim),
		TEST(pool_exhaustion),
		TEST(host_reserve_size),
		HOLEY_TEST(vm_tables_leave_the_host_reserve),
		HOLEY_TEST(full_reserve_fault_shrinks_idle_tables),
		HOLEY_TEST(mmio_without_ram_waits_for_freed_pages),
		HOLEY_TEST(refused_give_back_frees_idle_tables),
		HOLEY_TEST(reserve_recovers_after_reclaim),
		TEST(stale_tlb_after_donation),
		TEST(relinquish_splits_guest_block),
		TEST(relinquish_whole_guest_blocks),
		TEST(hyp_1g_round_trip),
		TEST(reclaim_scrubs_only_reclaimed_pages),
	};
	struct CMUnitTest tests[NR_ST * NR_OP + S2O_ARRAY_SIZE(fixed) + 1];
	unsigned int i, o, n = 0;
	int s;

	for (s = 0; s < NR_ST; s++) {
		for (o = 0; o < NR_OP; o++) {
			struct matrix_case *c = &cases[n];

			c->st = s;
			c->op = matrix_ops[o];
			snprintf(c->name, sizeof(c->name), "matrix (%s, %s)",
				 st_name[s], rm_kind_name[c->op]);
			tests[n++] = (struct CMUnitTest){
				.name = c->name,
				.test_func = matrix_test,
				.setup_func = harness_setup,
				.teardown_func = harness_teardown,
				.initial_state = c,
			};
		}
	}
	for (i = 0; i < S2O_ARRAY_SIZE(fixed); i++)
		tests[n++] = fixed[i];
	return _cmocka_run_group_tests("transitions", tests, n, NULL, NULL);
}
