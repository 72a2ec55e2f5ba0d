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
	RM_GUEST_SHARE, RM_GUEST_UNSHARE, RM_RELINQUISH, RM_RECLAIM,
	RM_VCPU_CREATE, RM_TOPUP, RM_FAULT,
};
#define NR_OP S2O_ARRAY_SIZE(matrix_ops)

struct expect {
	int ret;
	enum st after;
};

/* Every operation refused with @e, the page left in @st. */
#define ALL_REFUSED(e, st)						\
	[RM_SHARE] = { e, st }, [RM_UNSHARE] = { e, st },		\
	[RM_DONATE_HYP] = { e, st }, [RM_GIVE_BACK] = { e, st },	\
	[RM_DONATE_GUEST] = { e, st }, [RM_RECLAIM] = { e, st },	\
	[RM_VCPU_CREATE] = { e, st }, [RM_TOPUP] = { e, st },		\
	[RM_FAULT] = { e, st }
/* The guest's three calls refused with @e, the page left in @st. */
#define GUEST_CALLS(e, st)						\
	[RM_GUEST_SHARE] = { e, st }, [RM_GUEST_UNSHARE] = { e, st },	\
	[RM_RELINQUISH] = { e, st }

/*
 * docs/ownership.md's transition table, with every illegal pair. The
 * reference model must say the same, and the core must do it.
 *
 * The guest's calls come from VM A, at the gfn where its page is, or else
 * at a gfn holding nothing (-EFAULT); for a page of a destroyed VM, from
 * that VM (-ENOENT). A page of another VM is at no gfn of A's: A cannot
 * even name it. Later initialisers override ALL_REFUSED()'s.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static const struct expect matrix[NR_ST][RM_NR_KINDS] = {
	[ST_HOST] = {
		ALL_REFUSED(EPERM_, ST_HOST),
		GUEST_CALLS(EFAULT_, ST_HOST),
		[RM_SHARE] = { 0, ST_SHARED },
		[RM_DONATE_HYP] = { 0, ST_HYP },
		[RM_DONATE_GUEST] = { 0, ST_GUEST },
		[RM_VCPU_CREATE] = { 0, ST_VMSTATE },
		[RM_TOPUP] = { 0, ST_VMSTATE },
		[RM_FAULT] = { 0, ST_HOST },
	},
	[ST_SHARED] = {
		ALL_REFUSED(EPERM_, ST_SHARED),
		GUEST_CALLS(EFAULT_, ST_SHARED),
		[RM_UNSHARE] = { 0, ST_HOST },
		[RM_FAULT] = { 0, ST_SHARED },
	},
	[ST_HYP] = {
		ALL_REFUSED(EPERM_, ST_HYP),
		GUEST_CALLS(EFAULT_, ST_HYP),
		[RM_GIVE_BACK] = { 0, ST_HOST },
	},
	[ST_GUEST] = {
		ALL_REFUSED(EPERM_, ST_GUEST),
		[RM_GUEST_SHARE] = { 0, ST_GSHARED },
		[RM_GUEST_UNSHARE] = { EPERM_, ST_GUEST },
		[RM_RELINQUISH] = { 0, ST_RELINQ },
		[RM_RECLAIM] = { EBUSY_, ST_GUEST },
	},
	[ST_GUEST_OTHER] = {
		ALL_REFUSED(EPERM_, ST_GUEST_OTHER),
		GUEST_CALLS(EFAULT_, ST_GUEST_OTHER),
		[RM_RECLAIM] = { EBUSY_, ST_GUEST_OTHER },
	},
	[ST_GUEST_DEAD] = {
		ALL_REFUSED(EPERM_, ST_GUEST_DEAD),
		GUEST_CALLS(ENOENT_, ST_GUEST_DEAD),
		[RM_RECLAIM] = { 0, ST_HOST },
	},
	[ST_GSHARED] = {
		/* The host may map it, and nothing else. */
		ALL_REFUSED(EPERM_, ST_GSHARED),
		[RM_GUEST_SHARE] = { EPERM_, ST_GSHARED },
		[RM_GUEST_UNSHARE] = { 0, ST_GUEST },
		/* Relinquished only once unshared. */
		[RM_RELINQUISH] = { EPERM_, ST_GSHARED },
		[RM_RECLAIM] = { EBUSY_, ST_GSHARED },
		[RM_FAULT] = { 0, ST_GSHARED },
	},
	[ST_GSHARED_OTHER] = {
		ALL_REFUSED(EPERM_, ST_GSHARED_OTHER),
		GUEST_CALLS(EFAULT_, ST_GSHARED_OTHER),
		[RM_RECLAIM] = { EBUSY_, ST_GSHARED_OTHER },
		[RM_FAULT] = { 0, ST_GSHARED_OTHER },
	},
	[ST_GSHARED_DEAD] = {
		ALL_REFUSED(EPERM_, ST_GSHARED_DEAD),
		GUEST_CALLS(ENOENT_, ST_GSHARED_DEAD),
		[RM_RECLAIM] = { 0, ST_HOST },
		[RM_FAULT] = { 0, ST_GSHARED_DEAD },
	},
	[ST_RELINQ] = {
		ALL_REFUSED(EPERM_, ST_RELINQ),
		GUEST_CALLS(EFAULT_, ST_RELINQ),	/* its gfn is empty */
		[RM_RECLAIM] = { 0, ST_HOST },
	},
	[ST_RELINQ_DEAD] = {
		ALL_REFUSED(EPERM_, ST_RELINQ_DEAD),
		GUEST_CALLS(ENOENT_, ST_RELINQ_DEAD),
		[RM_RECLAIM] = { 0, ST_HOST },
	},
	[ST_VMSTATE] = {
		ALL_REFUSED(EPERM_, ST_VMSTATE),
		GUEST_CALLS(EFAULT_, ST_VMSTATE),
		[RM_RECLAIM] = { EBUSY_, ST_VMSTATE },
	},
	[ST_VMSTATE_DEAD] = {
		ALL_REFUSED(EPERM_, ST_VMSTATE_DEAD),
		GUEST_CALLS(ENOENT_, ST_VMSTATE_DEAD),
		[RM_RECLAIM] = { 0, ST_HOST },
	},
	[ST_HYPRAM] = {
		/* The range check refuses hyp RAM before any state. */
		ALL_REFUSED(EPERM_, ST_HYPRAM),
		GUEST_CALLS(EFAULT_, ST_HYPRAM),
	},
};
#pragma GCC diagnostic pop

struct matrix_case {
	enum st st;
	enum rm_kind op;
	char name[80];
};

static struct matrix_case cases[NR_ST * NR_OP];

/*
 * A step of the set-up, made on the core and the model alike: what the
 * core returned (a VM's handle, a vCPU's index), negative if it failed.
 */
static int step(const struct rm_op *op)
{
	u64 done;
	int ret = rm_core_call(op, &done);

	if (op->kind == RM_CREATE ? ret > 0 : ret >= 0)
		rm_commit(op, ret);
	return ret;
}

/* The VM @st's page names: A, B (another, or destroyed), or none. */
static int vm_of(enum st st, int a, int b)
{
	switch (st) {
	case ST_GUEST_OTHER:
	case ST_GUEST_DEAD:
	case ST_GSHARED_OTHER:
	case ST_GSHARED_DEAD:
	case ST_RELINQ_DEAD:
	case ST_VMSTATE_DEAD:
		return b;
	case ST_GUEST:
	case ST_GSHARED:
	case ST_RELINQ:
	case ST_VMSTATE:
		return a;
	default:
		return 0;
	}
}

static bool st_dead(enum st st)
{
	return st == ST_GUEST_DEAD || st == ST_GSHARED_DEAD ||
	       st == ST_RELINQ_DEAD || st == ST_VMSTATE_DEAD;
}

/*
 * The guest's step into @st, once its VM has the page mapped at
 * GFN_MAPPED: share it, relinquish it, or neither.
 */
static enum rm_kind guest_step(enum st st)
{
	switch (st) {
	case ST_GSHARED:
	case ST_GSHARED_OTHER:
	case ST_GSHARED_DEAD:
		return RM_GUEST_SHARE;
	case ST_RELINQ:
	case ST_RELINQ_DEAD:
		return RM_RELINQUISH;
	default:
		return RM_NR_KINDS;
	}
}

/*
 * Bring TARGET into @st. VM A (handle 1) is live in every case; a page of
 * another VM or of a destroyed one is VM B's (handle 2). A guest page is
 * mapped at GFN_MAPPED, and two CPUs cache the guest's translation; a
 * page a guest shares, two CPUs of the host's.
 */
static void enter_state(enum st st, int a, int *b, const char *ctx)
{
	struct rm_op op = { .kind = RM_DONATE_GUEST, .vm = a, .pfn = TARGET,
			    .nr = 1, .gfn = GFN_MAPPED };
	struct fake_translation tr;
	int ret = 0;

	if (vm_of(st, a, 2) == 2) {
		*b = step(&(struct rm_op){ .kind = RM_CREATE });
		assert_int_equal(*b, 2);
		op.vm = *b;
	}
	switch (st) {
	case ST_HOST:
	case ST_HYPRAM:
		break;
	case ST_SHARED:
	case ST_HYP:
		op.kind = st == ST_SHARED ? RM_SHARE : RM_DONATE_HYP;
		ret = step(&op);
		break;
	case ST_VMSTATE:
	case ST_VMSTATE_DEAD:
		op.kind = RM_VCPU_CREATE;
		ret = step(&op);
		break;
	default:
		ret = step(&op);
		if (ret < 0)
			break;
		assert_int_equal(fake_hw_translate(0, vm_vttbr(op.vm),
						   pa_of(GFN_MAPPED), &tr), 0);
		assert_int_equal(fake_hw_translate(3, vm_vttbr(op.vm),
						   pa_of(GFN_MAPPED), &tr), 0);
		assert_int_equal(tr.pa, pa_of(TARGET));
		op.kind = guest_step(st);
		if (op.kind != RM_NR_KINDS)
			ret = step(&op);
		if (!ret && op.kind == RM_GUEST_SHARE) {
			assert_int_equal(host_touch(1, pa_of(TARGET), NULL), 0);
			assert_int_equal(host_touch(2, pa_of(TARGET), NULL), 0);
		}
		break;
	}
	if (ret >= 0 && st_dead(st))
		ret = step(&(struct rm_op){ .kind = RM_DESTROY, .vm = *b });
	if (ret < 0)
		fail_msg("%s: entering the state failed: %d", ctx, ret);
}

/*
 * The case's call on page @pfn: to VM A's free gfn; a guest call from A
 * at the page's gfn if A maps it, at GFN_MAPPED if another VM does (where
 * A has nothing), else at the free gfn; from VM B for a destroyed VM's.
 */
static struct rm_op case_op(const struct matrix_case *c, u64 pfn, int a,
			    int b)
{
	struct rm_op op = { .kind = c->op, .vm = a, .pfn = pfn, .nr = 1,
			    .gfn = GFN_FREE, .ipa = pa_of(pfn) + 0x10 };

	if (!rm_guest_call(c->op))
		return op;
	if (vm_of(c->st, a, b) && c->st != ST_VMSTATE &&
	    c->st != ST_VMSTATE_DEAD)
		op.gfn = GFN_MAPPED;
	if (st_dead(c->st))
		op.vm = b;
	return op;
}

/* The neighbours of @pfn are as they were, state and data. */
static void assert_neighbours_same(u64 pfn, const struct snap *before,
				   const struct snap *after, const char *ctx)
{
	unsigned int i;

	for (i = 0; i < before->nr; i++) {
		if (before->pfn[i] == pfn)
			continue;
		assert_info_equal(before->pfn[i], &after->info[i],
				  &before->info[i], ctx);
		if (before->hash[i] != after->hash[i])
			fail_msg("%s: data of neighbour %#llx changed", ctx,
				 (unsigned long long)before->pfn[i]);
	}
}

/* No page's data changed: only a reclaim or a new vCPU writes one. */
static void assert_data_same(const struct snap *before,
			     const struct snap *after, const char *ctx)
{
	unsigned int i;

	for (i = 0; i < before->nr; i++)
		if (before->hash[i] != after->hash[i])
			fail_msg("%s: data of %#llx changed", ctx,
				 (unsigned long long)before->pfn[i]);
}

/* The host lost @pfn: no CPU reaches it, a fault is refused. */
static void assert_host_lost(u64 pfn, const char *ctx)
{
	struct fake_translation tr;

	/* CPUs 0 and 1 (and for a shared page 2) cached it. */
	assert_host_faults_everywhere(pa_of(pfn), ctx);
	if (host_read_fault(pa_of(pfn)) != EPERM_)
		fail_msg("%s: the host may fault the page back in", ctx);
	/* Its neighbour is still mapped, without a fault. */
	assert_int_equal(host_translate(0, pa_of(pfn - 1), &tr), 0);
	assert_int_equal(tr.pa, pa_of(pfn - 1));
}

/* @pfn was zeroed, and only it. */
static void assert_zeroed(u64 pfn, const struct snap *before,
			  const struct snap *after, const char *ctx)
{
	if (!page_is_zero(pfn))
		fail_msg("%s: page not zeroed", ctx);
	assert_int_equal(after->c.fc.zeroed_pages - before->c.fc.zeroed_pages,
			 1);
}

/*
 * The host has its page back, or sees it again, in the 1G block it had
 * before the state was entered: its tables coalesced.
 */
static void assert_host_has_block(u64 pfn, const struct snap *after,
				  const struct runs *baseline,
				  const char *ctx)
{
	struct fake_translation tr;

	runs_assert_equal(baseline, &after->host, ctx,
			  "host (vs. before the state)");
	assert_int_equal(host_touch(2, pa_of(pfn) + 8, &tr), 0);
	assert_int_equal(tr.pa, pa_of(pfn) + 8);
	assert_int_equal(tr.level, 1);
}

/* What a legal operation must have done besides the page's new state. */
static void check_legal(const struct matrix_case *c, u64 pfn, int a,
			const struct snap *before, const struct snap *after,
			const struct runs *baseline, const char *ctx)
{
	struct fake_translation tr;
	struct s2own_stats st;
	u64 state_pa = 0;

	assert_neighbours_same(pfn, before, after, ctx);
	switch (c->op) {
	case RM_SHARE:
	case RM_UNSHARE:
		/* A share with the hypervisor lives in the metadata only. */
		snap_assert_same(before, after, pfn, ctx);
		break;
	case RM_DONATE_HYP:
	case RM_DONATE_GUEST:
		assert_host_lost(pfn, ctx);
		/* A donation moves the data as it is. */
		assert_data_same(before, after, ctx);
		if (c->op == RM_DONATE_GUEST)
			assert_guest_maps(a, GFN_FREE, pfn, ctx);
		break;
	case RM_VCPU_CREATE:
		assert_host_lost(pfn, ctx);
		/* Nothing of the host's stays in a vCPU's state. */
		assert_zeroed(pfn, before, after, ctx);
		assert_int_equal(s2o_vcpu_load(a, 0, &state_pa), 0);
		assert_int_equal(state_pa, pa_of(pfn));
		s2o_vcpu_put(a, 0);
		break;
	case RM_TOPUP:
		assert_host_lost(pfn, ctx);
		assert_int_equal(vm_cache_left(a), VM_TOPUP + 1);
		break;
	case RM_GUEST_SHARE:
		/* Owner 0 again: the host's tables coalesced into its block. */
		assert_host_has_block(pfn, after, baseline, ctx);
		assert_guest_maps(a, GFN_MAPPED, pfn, ctx);
		assert_data_same(before, after, ctx);
		break;
	case RM_GUEST_UNSHARE:
		/* Gone from every CPU of the host's once the call returns. */
		assert_host_lost(pfn, ctx);
		assert_guest_maps(a, GFN_MAPPED, pfn, ctx);
		assert_data_same(before, after, ctx);
		break;
	case RM_GIVE_BACK:
	case RM_RECLAIM:
		assert_host_has_block(pfn, after, baseline, ctx);
		if (c->op == RM_GIVE_BACK)
			break;
		assert_zeroed(pfn, before, after, ctx);
		assert_int_equal(after->c.fc.cleaned_bytes -
				 before->c.fc.cleaned_bytes, PAGE);
		assert_int_equal(after->c.st.pages_scrubbed -
				 before->c.st.pages_scrubbed, 1);
		if (st_dead(c->st)) {
			/* VM B's last page is back: its slot is free. */
			assert_int_equal(vm_new(), 2);
		}
		break;
	case RM_RELINQUISH:
		assert_guest_faults_everywhere(a, GFN_MAPPED, ctx);
		runs_assert_equal(&before->host, &after->host, ctx, "host");
		assert_host_faults_everywhere(pa_of(pfn), ctx);
		assert_data_same(before, after, ctx);
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
	u64 done, want_done;
	struct rm_op op;
	unsigned int i;
	char ctx[112];

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
	assert_page(pfn, c->st, vm_of(c->st, a, b), ctx);

	op = case_op(c, pfn, a, b);
	rm_describe(&op, rm_ctx.desc, sizeof(rm_ctx.desc));
	model = rm_expect(&op);
	if (model != want->ret)
		fail_msg("%s: the model says %d, docs/ownership.md %d", ctx,
			 model, want->ret);
	snap_take(&before, pages, 5);
	s2o_get_stats(&st0);
	ret = rm_core_call(&op, &done);
	if (ret > 0 && c->op == RM_VCPU_CREATE)
		fail_msg("%s: vCPU index %d, want 0", ctx, ret);
	if (ret != want->ret)
		fail_msg("%s: returned %d, want %d", ctx, ret, want->ret);
	/* One page, if the call is legal; a failed call did none. */
	want_done = !ret && c->op != RM_FAULT;
	if (done != want_done)
		fail_msg("%s: did %llu pages, want %llu", ctx,
			 (unsigned long long)done,
			 (unsigned long long)want_done);
	if (!ret)
		rm_commit(&op, ret);
	assert_page(pfn, want->after, vm_of(want->after, a, b), ctx);
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

	printf("matrix: %d states x %zu operations = %zu transitions\n",
	       NR_ST, NR_OP, NR_ST * NR_OP);

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
