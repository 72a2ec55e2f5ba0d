// SPDX-License-Identifier: GPL-2.0-only
/*
 * The transition matrix of docs/ownership.md, pair by pair: every starting
 * state of a page against every operation. For each pair the reference
 * model (refmodel.h) must say what the documented table says, and the
 * core must do it: the return code and the page's resulting state. An
 * illegal pair must leave everything as it was (the page and its
 * neighbours, their data, the host stage-2 and every VM's stage-2 run by
 * run, the table pages, every counter but the fault statistics); a legal
 * one must have done all it is for (no CPU still translating a donated
 * page, the host stage-2 coalesced back, a reclaimed page scrubbed ...).
 */
#include "harness_cmocka.h"

#include <string.h>

#include "refmodel.h"

/* ---- The matrix ---------------------------------------------------------- */

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
	case ST_HYP:
		op.kind = st == ST_SHARED ? RM_SHARE : RM_DONATE_HYP;
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
		if (host_read_fault(pa_of(pfn)) != EPERM_)
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

/* ---- Main ---------------------------------------------------------------- */

int main(void)
{
	struct CMUnitTest tests[NR_ST * NR_OP];
	unsigned int o, n = 0;
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
	return _cmocka_run_group_tests("matrix", tests, n, NULL, NULL);
}
