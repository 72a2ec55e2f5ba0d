// SPDX-License-Identifier: GPL-2.0-only
/*
 * The cmocka wrappers and asserts of the harness (see harness_cmocka.h).
 */
#include "harness_cmocka.h"

#include <string.h>

#include "refmodel.h"

int harness_setup(void **state)
{
	(void)state;
	return harness_setup_pool(POOL_PAGES);
}

int harness_teardown(void **state)
{
	(void)state;
	assert_no_violation();
	assert_invariants();
	return 0;
}

void assert_invariants(void)
{
	char msg[CHECK_MSG_LEN];

	if (!harness_invariants_hold(msg))
		fail_msg("%s", msg);
}

void assert_no_violation(void)
{
	const char *v = fake_first_violation();

	if (v)
		fail_msg("break-before-make checker: %s", v);
}

void model_fail(const char *msg)
{
	fail_msg("%s: %s", rm_ctx.desc, msg);
}

/* ---- Pages --------------------------------------------------------------- */

const char *const st_name[NR_ST] = {
	"HOST", "SHARED", "HYP", "GUEST", "GUEST of another VM",
	"GUEST of destroyed VM", "GUEST_SHARED", "GUEST_SHARED of another VM",
	"GUEST_SHARED of destroyed VM", "RELINQUISHED",
	"RELINQUISHED of destroyed VM", "VM_STATE", "VM_STATE of destroyed VM",
	"hyp RAM",
};

/* The tests' states as the oracle's: a state, and its VM live. */
static const struct {
	enum rm_state st;
	bool live;
} oracle_state[NR_ST] = {
	[ST_HOST] = { RM_HOST, false },
	[ST_SHARED] = { RM_SHARED, false },
	[ST_HYP] = { RM_HYP, false },
	[ST_GUEST] = { RM_GUEST, true },
	[ST_GUEST_OTHER] = { RM_GUEST, true },
	[ST_GUEST_DEAD] = { RM_GUEST, false },
	[ST_GSHARED] = { RM_GSHARED, true },
	[ST_GSHARED_OTHER] = { RM_GSHARED, true },
	[ST_GSHARED_DEAD] = { RM_GSHARED, false },
	[ST_RELINQ] = { RM_RELINQ, true },
	[ST_RELINQ_DEAD] = { RM_RELINQ, false },
	[ST_VMSTATE] = { RM_VMSTATE, true },
	[ST_VMSTATE_DEAD] = { RM_VMSTATE, false },
	[ST_HYPRAM] = { RM_HYPRAM, false },
};

static bool info_equal(const struct s2o_page_info *a,
		       const struct s2o_page_info *b)
{
	return a->owner == b->owner && a->host == b->host &&
	       a->hyp == b->hyp && a->guest == b->guest && a->vm == b->vm &&
	       a->reclaimable == b->reclaimable;
}

void assert_info_equal(u64 pfn, const struct s2o_page_info *got,
		       const struct s2o_page_info *want, const char *ctx)
{
	char got_s[RM_INFO_LEN], want_s[RM_INFO_LEN];

	if (info_equal(got, want))
		return;
	fail_msg("%s: page %#llx is %s, want %s", ctx,
		 (unsigned long long)pfn, rm_info_str(got, got_s),
		 rm_info_str(want, want_s));
}

void assert_page(u64 pfn, enum st st, int vm, const char *ctx)
{
	struct s2o_page_info info, want;
	int ret;

	memset(&info, 0, sizeof(info));
	ret = s2o_page_query(pfn, &info);
	if (ret)
		fail_msg("%s: query of page %#llx returned %d", ctx,
			 (unsigned long long)pfn, ret);
	want = rm_want_info(oracle_state[st].st, vm, oracle_state[st].live);
	assert_info_equal(pfn, &info, &want, ctx);
}

void assert_guest_call(guest_call_fn fn, int vm, u64 gfn, u64 nr, int want,
		       u64 want_done)
{
	u64 done = ~0ULL;
	int ret = fn(vm, gfn, nr, &done);

	if (ret != want || done != want_done)
		fail_msg("guest call (vm %d, gfn %#llx, nr %#llx): returned %d "
			 "after %llu pages, want %d after %llu", vm,
			 (unsigned long long)gfn, (unsigned long long)nr, ret,
			 (unsigned long long)done, want,
			 (unsigned long long)want_done);
}

int guest_call_ret(guest_call_fn fn, int vm, u64 gfn, u64 nr)
{
	u64 done = ~0ULL;
	int ret = fn(vm, gfn, nr, &done);

	if (ret && done)
		fail_msg("guest call (vm %d, gfn %#llx) returned %d, yet says "
			 "it did %llu pages", vm, (unsigned long long)gfn, ret,
			 (unsigned long long)done);
	return ret;
}

bool page_is_zero(u64 pfn)
{
	return page_first_nonzero(pfn) < 0;
}

void fill_page(u64 pfn)
{
	memset(fake_phys_va(pa_of(pfn)), (int)(0x5a ^ (pfn & 0x7f)) | 1,
	       PAGE);
}

/* ---- Translations and stage-2s ------------------------------------------- */

void assert_host_faults_everywhere(u64 pa, const char *ctx)
{
	unsigned int cpu;

	for (cpu = 0; cpu < FAKE_NR_CPUS; cpu++)
		if (!host_translate(cpu, pa, NULL))
			fail_msg("%s: cpu %u still translates %#llx for the "
				 "host", ctx, cpu, (unsigned long long)pa);
}

void assert_guest_faults_everywhere(int vm, u64 gfn, const char *ctx)
{
	struct fake_translation tr;
	unsigned int cpu;

	for (cpu = 0; cpu < FAKE_NR_CPUS; cpu++)
		if (!fake_hw_translate(cpu, vm_vttbr(vm), pa_of(gfn), &tr))
			fail_msg("%s: cpu %u still translates gfn %#llx of VM "
				 "%d (to %#llx)", ctx, cpu,
				 (unsigned long long)gfn, vm,
				 (unsigned long long)tr.pa);
}

void assert_guest_maps(int vm, u64 gfn, u64 pfn, const char *ctx)
{
	struct fake_translation tr;

	if (fake_hw_translate(1, vm_vttbr(vm), pa_of(gfn) + 0x18, &tr))
		fail_msg("%s: VM %d does not map gfn %#llx", ctx, vm,
			 (unsigned long long)gfn);
	if (tr.pa != pa_of(pfn) + 0x18)
		fail_msg("%s: VM %d maps gfn %#llx to %#llx, want %#llx", ctx,
			 vm, (unsigned long long)gfn,
			 (unsigned long long)tr.pa,
			 (unsigned long long)pa_of(pfn) + 0x18);
}

void assert_host_leaf(u64 ipa, u64 want_pte, u32 want_level)
{
	u64 pte;
	u32 level;

	host_leaf(ipa, &pte, &level);
	if (pte != want_pte || level != want_level)
		fail_msg("host entry for %#llx is %#llx at L%u, want %#llx at "
			 "L%u", (unsigned long long)ipa,
			 (unsigned long long)pte,
			 level, (unsigned long long)want_pte, want_level);
}

void runs_assert_equal(const struct runs *a, const struct runs *b,
		       const char *ctx, const char *which)
{
	char was[RUN_STR_LEN], now[RUN_STR_LEN];
	long i = runs_diff(a, b);

	if (i < 0)
		return;
	if ((size_t)i == S2O_MIN(a->n, b->n))
		fail_msg("%s: %s stage-2 has %zu runs, was %zu", ctx, which,
			 b->n, a->n);
	fail_msg("%s: %s stage-2 run %ld was %s, now %s", ctx, which, i,
		 run_str(&a->r[i], was), run_str(&b->r[i], now));
}

/* ---- Snapshots ----------------------------------------------------------- */

static bool pfn_in_arena(u64 pfn)
{
	return pfn >= HYP_FIRST && pfn < RAM_END_PFN;
}

void snap_take(struct snap *s, const u64 *pfns, unsigned int nr)
{
	unsigned int i;
	int h;

	assert_true(nr <= SNAP_MAX);
	s->nr = nr;
	for (i = 0; i < nr; i++) {
		s->pfn[i] = pfns[i];
		memset(&s->info[i], 0, sizeof(s->info[i]));
		s->qret[i] = s2o_page_query(pfns[i], &s->info[i]);
		s->hash[i] = pfn_in_arena(pfns[i]) ? page_hash(pfns[i]) : 0;
	}
	assert_int_equal(runs_take(0, &s->host), 0);
	for (h = 1; h <= S2O_MAX_VMS; h++)
		s->vm_ret[h] = runs_take(h, &s->vm[h]);
	harness_counters_take(&s->c);
}

void snap_free(struct snap *s)
{
	int h;

	runs_free(&s->host);
	for (h = 1; h <= S2O_MAX_VMS; h++)
		runs_free(&s->vm[h]);
}

void snap_assert_same(const struct snap *a, const struct snap *b, u64 skip,
		      const char *ctx)
{
	char msg[CHECK_MSG_LEN];
	unsigned int i;
	int h;

	assert_int_equal(a->nr, b->nr);
	for (i = 0; i < a->nr; i++) {
		if (a->qret[i] != b->qret[i])
			fail_msg("%s: query of page %#llx returned %d, was %d",
				 ctx, (unsigned long long)a->pfn[i],
				 b->qret[i], a->qret[i]);
		if (a->pfn[i] != skip)
			assert_info_equal(a->pfn[i], &b->info[i],
					  &a->info[i], ctx);
		if (a->hash[i] != b->hash[i])
			fail_msg("%s: data of page %#llx changed", ctx,
				 (unsigned long long)a->pfn[i]);
	}
	runs_assert_equal(&a->host, &b->host, ctx, "host");
	for (h = 1; h <= S2O_MAX_VMS; h++) {
		char which[16];

		if (a->vm_ret[h] != b->vm_ret[h])
			fail_msg("%s: dump of VM %d returned %d, was %d", ctx,
				 h, b->vm_ret[h], a->vm_ret[h]);
		snprintf(which, sizeof(which), "VM %d", h);
		runs_assert_equal(&a->vm[h], &b->vm[h], ctx, which);
	}
	if (!harness_counters_same(&a->c, &b->c, msg))
		fail_msg("%s: counters changed: %s", ctx, msg);
}

static u64 watch[SNAP_MAX];
static unsigned int nr_watch;
static struct snap noop_before;

void watch_pages(const u64 *pfns, unsigned int nr)
{
	assert_true(nr <= SNAP_MAX);
	memcpy(watch, pfns, nr * sizeof(*pfns));
	nr_watch = nr;
}

void noop_begin(void)
{
	snap_take(&noop_before, watch, nr_watch);
}

void noop_end(int ret, int want, const char *ctx)
{
	struct snap after = { 0 };

	if (ret != want)
		fail_msg("%s: returned %d, want %d", ctx, ret, want);
	snap_take(&after, watch, nr_watch);
	snap_assert_same(&noop_before, &after, ~0ULL, ctx);
	snap_free(&after);
	snap_free(&noop_before);
}

void noop_cancel(void)
{
	snap_free(&noop_before);
}
