// SPDX-License-Identifier: GPL-2.0-only
/*
 * The core against the reference model (tests/refmodel.c), driven by
 * seeded random operations: after every operation the return code and
 * every page of the model's window must agree with the model, and the fake
 * MMUs may only translate what the model says the host (or a guest) may
 * access. Ranges are 1..1100 pages, so they cross 2M boundaries and, at
 * the edges of the window's runs, regions. The guest's own calls get runs
 * of its memory that stop at holes, at jumps in the pfns, at region ends
 * and after 512 pages, and every kind of bad argument: gfns past the IPA
 * space, lengths that wrap or are huge, unmapped gfns, pages in the wrong
 * state, another VM's gfns, dead handles. Every other sequence runs on
 * the split map (harness.h), where a region ends at 2G, inside the window.
 * At the end of each sequence everything is given back, and the host
 * stage-2 must hold no table the host's own faults would not have made.
 *
 * S2OWN_SEED=<n> replays a run; S2OWN_SEQS and S2OWN_OPS change its size.
 */
#include "harness_cmocka.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refmodel.h"
#include "rng.h"

#define DEFAULT_SEQS 20
#define DEFAULT_OPS 2000
#define CHECK_EVERY 50
/* Hash the stage-2s around a failed call every 8th operation. */
#define DUMP_EVERY 8

/* ---- The run ------------------------------------------------------------- */

struct run_ctx {
	unsigned long long seed;
	unsigned int seq;
	char history[8][160];	/* the last operations, for a failure */
	u64 *faults;		/* successful host faults, in order */
	size_t nr_faults, cap_faults;
};

static struct run_ctx rc;

static u64 rnd(u64 n)
{
	return rm_rnd(n);
}

static bool chance(unsigned int percent)
{
	return rnd(100) < percent;
}

/* The model's rm_ctx.report: the operations that led here, then fail. */
static void mismatch(const char *msg)
{
	unsigned int i, opno = rm_ctx.opno;

	fprintf(stderr, "MISMATCH seed %llu sequence %u op %u: %s\n  %s\n",
		rc.seed, rc.seq, opno, rm_ctx.desc, msg);
	fprintf(stderr, "  previous operations, oldest first:\n");
	for (i = 1; i <= 8; i++) {
		const char *h = rc.history[(opno + i) % 8];

		if (h[0] && (opno + i) % 8 != opno % 8)
			fprintf(stderr, "    %s\n", h);
	}
	fail_msg("seed %llu sequence %u op %u: %s: %s", rc.seed, rc.seq,
		 opno, rm_ctx.desc, msg);
}

static int random_live_vm(void)
{
	int live[S2O_MAX_VMS], n = rm_live_vms(live);

	return n ? live[rnd(n)] : 0;
}

static void random_probes(void)
{
	int i, h;

	for (i = 0; i < 3; i++)
		rm_probe_host((unsigned int)rnd(FAKE_NR_CPUS),
			      (rm_win_pfn((int)rnd(RM_WIN)) << 12) +
				      8 * rnd(512));
	h = random_live_vm();
	if (h) {
		int s = (int)rnd(RM_GSLOTS);

		rm_probe_guest((unsigned int)rnd(FAKE_NR_CPUS), h,
			       rm_gslot_gfn(s));
	}
}

/* ---- Generating operations ----------------------------------------------- */

static u64 random_len(void)
{
	switch (rnd(10)) {
	case 0: case 1: case 2: case 3: case 4:
		return 1 + rnd(8);
	case 5: case 6:
		return 1 + rnd(64);
	case 7: case 8:
		return 1 + rnd(RM_MAX_RANGE);
	default:
		return 512 * (1 + rnd(2));
	}
}

/* A range inside one run of the window, sometimes 2M aligned. */
static void random_range(u64 *pfn, u64 *nr)
{
	const struct rm_seg *s = &rm_segs[rnd(RM_NR_SEGS)];
	u64 len = s->end - s->first, n = random_len();

	if (n > len)
		n = len;
	*nr = n;
	*pfn = s->first + rnd(len - n + 1);
	if (n >= 512 && chance(70)) {
		u64 a = S2O_ALIGN_UP(*pfn, 512);

		if (a + n <= s->end)
			*pfn = a;
	}
}

/*
 * A range starting at a page in one of the states of @mask, mostly made
 * only of such pages so that the operation has a chance to succeed.
 */
static void targeted_range(unsigned int mask, u64 *pfn, u64 *nr)
{
	int w = rm_find_page(mask, (int)rnd(RM_WIN));

	if (w < 0) {
		random_range(pfn, nr);
		return;
	}
	*pfn = rm_win_pfn(w);
	*nr = rm_run_len(mask, *pfn, random_len(), 10);
}

/* One or two whole 2M chunks of the window, 2M aligned. */
static void aligned_chunk(u64 *pfn, u64 *nr)
{
	const struct rm_seg *s = &rm_segs[rnd(RM_NR_SEGS)];
	u64 first = S2O_ALIGN_UP(s->first, 512), n = 512 * (1 + rnd(2));
	u64 chunks;

	if (first + n > s->end)
		n = 512;
	chunks = (s->end - first - n) / 512 + 1;
	*pfn = first + 512 * rnd(chunks);
	*nr = n;
}

static const struct rm_seg *random_greg(void)
{
	u64 r = rnd(100);

	return &rm_gregs[r < 55 ? 0 : r < 70 ? 1 : r < 85 ? 2 : 3];
}

/* A gfn range of @nr (at most 2048) inside one tracked region. */
static u64 random_gfn(u64 pfn, u64 nr)
{
	const struct rm_seg *g = random_greg();
	u64 base = g->first, len = g->end - g->first;

	if (chance(40)) {
		/* The same offset in a 2M chunk as the pfn: guest blocks. */
		u64 b = S2O_ALIGN_DOWN(base + rnd(len - nr + 1), 512) +
			(pfn & 511);

		if (b >= base && b + nr <= base + len)
			return b;
	}
	return base + rnd(len - nr + 1);
}

static int random_bad_handle(void)
{
	static const int bad[] = { -1, 0, S2O_MAX_VMS + 1, INT_MIN, INT_MAX };

	if (chance(50))
		return bad[rnd(S2O_ARRAY_SIZE(bad))];
	return 1 + (int)rnd(S2O_MAX_VMS);	/* maybe free or destroyed */
}

static int random_handle(void)
{
	int h = random_live_vm();

	return h && chance(90) ? h : random_bad_handle();
}

/* A pfn range the range check must refuse, or hyp RAM anywhere. */
static void bad_range(u64 *pfn, u64 *nr)
{
	switch (rnd(12)) {
	case 0:
		*pfn = ~0ULL, *nr = 1;
		break;
	case 1:
		*pfn = RAM_FIRST + rnd(1000), *nr = 0;
		break;
	case 2:
		*pfn = RAM_FIRST + rnd(1000), *nr = ~0ULL - rnd(4);
		break;
	case 3:
		*pfn = MAX_PFN + rnd(10), *nr = 1;
		break;
	case 4:
		*pfn = (1ULL << 52) | (RAM_FIRST + rnd(1000)), *nr = 1;
		break;
	case 5:
		*pfn = RAM_END_PFN - rnd(4), *nr = 1 + rnd(RM_MAX_RANGE);
		break;
	case 6:
		*pfn = rnd(HYP_FIRST), *nr = 1 + rnd(RM_MAX_RANGE);
		break;
	case 7:
		*pfn = HYP_FIRST + rnd(RAM_FIRST - HYP_FIRST);
		*nr = 1 + rnd(RAM_FIRST - *pfn + 2);
		break;
	case 8:
		*pfn = RAM_FIRST - 1 - rnd(4), *nr = 2 + rnd(RM_MAX_RANGE);
		break;
	case 9:
		*pfn = MAX_PFN - 1 - rnd(4), *nr = 1 + rnd(8);
		break;
	case 10:
		*pfn = RAM_FIRST + rnd(1000);
		*nr = MAX_PFN - RAM_FIRST + 1;
		break;
	default:
		*pfn = rng_next(&rm_ctx.rng);
		*nr = rng_next(&rm_ctx.rng) >> rnd(64);
		break;
	}
}

static u64 bad_gfn(u64 nr, u64 *gfn)
{
	switch (rnd(4)) {
	case 0:
		/* Crosses the top of the IPA space. */
		*gfn = MAX_PFN - rnd(nr < 4 ? nr : 4);
		return nr < 2 ? 2 : nr;
	case 1:
		*gfn = ~0ULL - rnd(4);
		return nr;
	case 2:
		*gfn = (1ULL << 52) | rnd(4096);
		return nr;
	default:
		*gfn = MAX_PFN + rnd(100);
		return nr;
	}
}

/* ---- Operations ---------------------------------------------------------- */

/* A pfn range the range check refuses, or else inside the window. */
static void bad_range_in_window(u64 *pfn, u64 *nr)
{
	do
		bad_range(pfn, nr);
	while (!rm_check_range(*pfn, *nr) && !rm_range_in_window(*pfn, *nr));
}

/* A transition of host pages; @targeted %: from pages it may take. */
static void op_pages(enum rm_kind kind, bool bad, unsigned int targeted)
{
	struct rm_op op = { .kind = kind };

	if (bad)
		bad_range_in_window(&op.pfn, &op.nr);
	else if (chance(targeted))
		targeted_range(rm_transitions[kind].from, &op.pfn, &op.nr);
	else
		random_range(&op.pfn, &op.nr);
	rm_apply(&op);
}

/* A gfn range of VM @h, mostly of mapped gfns. */
static void mapped_gfns(int h, u64 *gfn, u64 *nr)
{
	int start = (int)rnd(RM_GSLOTS), s = -1;
	u64 want;

	if (h >= 1 && h <= S2O_MAX_VMS)
		s = rm_find_mapped(h, start);
	if (s < 0) {
		*gfn = rm_gslot_gfn(start);
		*nr = 1 + rnd(8);
		return;
	}
	if (chance(25)) {
		/* The whole 2M around it: a guest block, if it is one. */
		s = (int)S2O_ALIGN_DOWN((u64)s, 512);
		want = 512 * (1 + rnd(2));
	} else {
		want = random_len();
	}
	*gfn = rm_gslot_gfn(s);
	*nr = rm_mapped_len(h, *gfn, want, 10);
}

/*
 * Pages to donate at the gfns just past a run VM @h maps: the pages just
 * past the run's last one half the time (its run goes on; on the split
 * map, across the region end, when the run ends there), else where
 * *@pfn is (a jump in the pfns of one stretch of gfns). Leaves the
 * arguments alone if @h maps nothing or the gfns or pages do not fit.
 */
static void run_on(int h, u64 *pfn, u64 *gfn, u64 *nr)
{
	int s = h >= 1 && h <= S2O_MAX_VMS ?
			rm_find_mapped(h, (int)rnd(RM_GSLOTS)) : -1;
	u64 g, p, n = 1 + rnd(16);

	if (s < 0)
		return;
	while (s + 1 < RM_GSLOTS && rm.gmap[h][s + 1] &&
	       rm_gslot_gfn(s + 1) == rm_gslot_gfn(s) + 1)
		s++;
	g = rm_gslot_gfn(s) + 1;
	p = chance(50) ? rm.gmap[h][s] : *pfn;
	if (rm_seg_of(p) < 0)
		return;
	n = rm_run_len(rm_transitions[RM_DONATE_GUEST].from, p, n, 0);
	if (rm_gslot(g) < 0 || rm_gslot(g + n - 1) != rm_gslot(g) + (int)n - 1
	    || !rm_range_in_window(p, n))
		return;
	*pfn = p;
	*gfn = g;
	*nr = n;
}

/*
 * On the split map: the last pages of the first RAM region and the first
 * of the second to VM @h at consecutive gfns, in two calls (one would be
 * refused): a run of the guest's that goes on in pfns across the region
 * end, where its calls must stop.
 */
static void donate_across_split(int h)
{
	u64 n1 = 1 + rnd(16), n2 = 1 + rnd(16);
	struct rm_op op = {
		.kind = RM_DONATE_GUEST, .vm = h, .pfn = RAM_SPLIT - n1,
		.nr = n1, .gfn = random_gfn(RAM_SPLIT - n1, n1 + n2),
	};

	if (rm_apply(&op))
		return;
	op.pfn = RAM_SPLIT;
	op.gfn += n1;
	op.nr = n2;
	rm_apply(&op);
}

static void op_donate_guest(bool bad)
{
	const unsigned int host_pages = rm_transitions[RM_DONATE_GUEST].from;
	struct rm_op op = { .kind = RM_DONATE_GUEST, .vm = random_handle() };
	u64 pfn, gfn, nr;
	int h = op.vm;

	if (!bad && rm_ctx.split && chance(10)) {
		donate_across_split(h);
		return;
	}
	if (bad) {
		if (chance(50)) {
			bad_range_in_window(&pfn, &nr);
			gfn = random_gfn(pfn, nr > 2048 ? 1 : nr);
		} else {
			targeted_range(host_pages, &pfn, &nr);
			nr = bad_gfn(nr, &gfn);
			if (!rm_range_in_window(pfn, nr))
				nr = 1, gfn = MAX_PFN;
		}
	} else if (chance(15)) {
		/* Whole 2M chunks to a 2M-aligned gfn: guest blocks. */
		const struct rm_seg *g = random_greg();
		u64 first;

		aligned_chunk(&pfn, &nr);
		first = S2O_ALIGN_UP(g->first, 512);
		gfn = first + 512 * rnd((g->end - first - nr) / 512 + 1);
	} else {
		if (chance(70))
			targeted_range(host_pages, &pfn, &nr);
		else
			random_range(&pfn, &nr);
		gfn = random_gfn(pfn, nr);
		if (chance(10) && h >= 1 && h <= S2O_MAX_VMS) {
			/* Onto gfns the VM already maps, maybe partly. */
			u64 g, n;

			mapped_gfns(h, &g, &n);
			g -= S2O_MIN(g, rnd(nr));
			if (rm_gslot(g) >= 0 && rm_gslot(g + nr - 1) >= 0 &&
			    rm_gslot(g + nr - 1) - rm_gslot(g) == (int)nr - 1)
				gfn = g;
		}
	}
	if (!bad && chance(12))
		run_on(h, &pfn, &gfn, &nr);
	op.pfn = pfn;
	op.gfn = gfn;
	op.nr = nr;
	rm_apply(&op);
}

/*
 * A slot of VM @h mapping a page in a state of @mask, from slot @start on
 * and wrapping round, or -1.
 */
static int find_mapped_in(int h, unsigned int mask, int start)
{
	int i;

	for (i = 0; i < RM_GSLOTS; i++) {
		int j = (start + i) % RM_GSLOTS;
		u64 m = rm.gmap[h][j];

		if (m && (mask & RM_BIT(rm_mstate(m - 1))))
			return j;
	}
	return -1;
}

/* A gfn the model tracks that VM @h does not map (maybe next to one). */
static u64 unmapped_gfn(int h)
{
	int i, s = (int)rnd(RM_GSLOTS);

	for (i = 0; i < 64; i++, s = (s + 1) % RM_GSLOTS)
		if (!rm.gmap[h][s])
			break;
	return rm_gslot_gfn(s);
}

/*
 * How many pages a guest asks for: mostly what it maps from the gfn (up
 * to a stray past a hole), sometimes more than a call does, or anything
 * up to the top of the IPA space.
 */
static u64 guest_len(int h, u64 gfn)
{
	switch (rnd(10)) {
	case 0:
		return RM_GUEST_CALL_MAX + 1 + rnd(2000);
	case 1:
		return MAX_PFN - gfn;
	case 2:
		return 1ULL << (20 + rnd(15));
	default:
		return rm_mapped_len(h, gfn, random_len(), 10);
	}
}

/*
 * The guest's call @kind: from a live VM, at a gfn it maps, mostly one
 * whose page is in the state the call takes; or, if @bad, with a gfn range
 * the checks refuse (-EINVAL), an unmapped gfn (-EFAULT), or another live
 * VM's gfn (-EFAULT, or that VM's own page if it maps one there).
 */
static void op_guest_call(enum rm_kind kind, bool bad)
{
	struct rm_op op = { .kind = kind, .vm = random_handle() };
	int h = op.vm, s = -1, live[S2O_MAX_VMS], n;

	if (h >= 1 && h <= S2O_MAX_VMS && chance(70))
		s = find_mapped_in(h, rm_transitions[kind].from,
				   (int)rnd(RM_GSLOTS));
	if (s >= 0) {
		/* Often from the start of its run, asking for much. */
		while (chance(30) && s > 0 && rm.gmap[h][s - 1] &&
		       rm.gmap[h][s - 1] + 1 == rm.gmap[h][s] &&
		       rm_gslot_gfn(s - 1) + 1 == rm_gslot_gfn(s))
			s--;
		op.gfn = rm_gslot_gfn(s);
		op.nr = guest_len(h, op.gfn);
	} else {
		mapped_gfns(h, &op.gfn, &op.nr);
	}
	if (bad) {
		switch (rnd(4)) {
		case 0:
			op.nr = bad_gfn(op.nr, &op.gfn);
			break;
		case 1:
			op.nr = chance(50) ? 0 : ~0ULL - rnd(4);
			break;
		case 2:
			if (h >= 1 && h <= S2O_MAX_VMS)
				op.gfn = unmapped_gfn(h);
			break;
		default:
			n = rm_live_vms(live);
			if (n)
				op.vm = live[rnd(n)];
			break;
		}
	}
	rm_apply(&op);
}

/* A pfn for a vCPU's state: a host page of the window, or a bad one. */
static u64 vcpu_pfn(bool bad)
{
	u64 pfn, nr;

	if (!bad) {
		targeted_range(rm_transitions[RM_VCPU_CREATE].from, &pfn, &nr);
		return pfn;
	}
	bad_range(&pfn, &nr);
	/* Refused, or a page the model follows. */
	if (!rm_check_range(pfn, 1) && !rm_range_in_window(pfn, 1))
		pfn = ~0ULL;
	return pfn;
}

static void op_vcpu_create(bool bad)
{
	struct rm_op op = { .kind = RM_VCPU_CREATE, .vm = random_handle(),
			    .nr = 1 };

	op.pfn = vcpu_pfn(bad);
	rm_apply(&op);
}

/* Pages for VM @vm's table cache: a few host pages of the window. */
static void op_vm_topup(bool bad)
{
	struct rm_op op = { .kind = RM_TOPUP, .vm = random_handle() };

	if (bad) {
		bad_range_in_window(&op.pfn, &op.nr);
	} else {
		targeted_range(rm_transitions[RM_TOPUP].from, &op.pfn, &op.nr);
		op.nr = S2O_MIN(op.nr, S2OWN_TOPUP_PAGES);
	}
	rm_apply(&op);
}

static void op_vm_create(void)
{
	struct rm_op op = { .kind = RM_CREATE };

	rm_apply(&op);
}

static void op_vm_destroy(void)
{
	struct rm_op op = {
		.kind = RM_DESTROY,
		.vm = chance(85) ? random_live_vm() : random_bad_handle(),
	};

	rm_apply(&op);
}

static void record_fault(u64 ipa)
{
	if (rc.nr_faults == rc.cap_faults) {
		rc.cap_faults = rc.cap_faults ? 2 * rc.cap_faults : 256;
		rc.faults = realloc(rc.faults,
				    rc.cap_faults * sizeof(*rc.faults));
		if (!rc.faults)
			abort();
	}
	rc.faults[rc.nr_faults++] = ipa;
}

static void do_fault(u64 ipa)
{
	struct rm_op op = {
		.kind = RM_FAULT,
		.cpu = (unsigned int)rnd(FAKE_NR_CPUS),
		.ipa = ipa,
	};

	if (!rm_apply(&op))
		record_fault(ipa);
}

static void op_fault(void)
{
	u64 ipa;

	switch (rnd(20)) {
	case 0: case 1: case 2:
		/* Anywhere in host RAM: outside the window all is HOST. */
		ipa = (RAM_FIRST + rnd(RAM_END_PFN - RAM_FIRST)) << 12;
		break;
	case 3:
		ipa = rnd(HYP_BASE);
		break;
	case 4:
		/* MMIO above RAM; rarely in another 512G (a level-1 table). */
		if (chance(80))
			ipa = RAM_END + rnd(8 * GIB);
		else
			ipa = RAM_END + rnd((1ULL << 48) - RAM_END);
		break;
	case 5:
		ipa = HYP_BASE + rnd(HYP_END - HYP_BASE);
		break;
	case 6:
		ipa = (1ULL << 48) + rnd(1ULL << 40);
		break;
	default:
		ipa = (rm_win_pfn((int)rnd(RM_WIN)) << 12) + rnd(PAGE);
		break;
	}
	do_fault(ipa);
}

static void one_op(void)
{
	bool bad = chance(8);
	u64 r = rnd(100);

	if (r < 16)
		op_fault();
	else if (r < 22)
		op_pages(RM_SHARE, bad, 60);
	else if (r < 27)
		op_pages(RM_UNSHARE, bad, 60);
	else if (r < 34)
		op_pages(RM_DONATE_HYP, bad, 60);
	else if (r < 40)
		op_pages(RM_GIVE_BACK, bad, 60);
	else if (r < 54)
		op_donate_guest(bad);
	else if (r < 61)
		op_guest_call(RM_GUEST_SHARE, bad);
	else if (r < 67)
		op_guest_call(RM_GUEST_UNSHARE, bad);
	else if (r < 74)
		op_guest_call(RM_RELINQUISH, bad);
	else if (r < 86)
		op_pages(RM_RECLAIM, bad, 75);
	else if (r < 89)
		op_vcpu_create(bad);
	else if (r < 91)
		op_vm_topup(bad);
	else if (r < 95)
		op_vm_create();
	else
		op_vm_destroy();
}

/* ---- The tables that remain once everything is back ---------------------- */

/* The host stage-2 as normalised runs: see runs_normalize(). */
static void host_runs(struct runs *rs)
{
	assert_int_equal(runs_take(0, rs), 0);
	runs_normalize(rs);
}

/*
 * Once everything is back, the host stage-2 must hold no table page that
 * the successful host faults would not have made by themselves: replay
 * only those faults on a fresh tracker and compare, run by run.
 *
 * Two differences are legitimate and normalised away (host_runs()): a
 * table the host got back coalesces into the block a fault *would* map,
 * valid although never faulted; and a leaf annotated in place (no split)
 * comes back as an unmapped owner-0 entry although a fault had mapped it.
 * Both are the host's at the same level. Everything else must match: the
 * levels, hence every table page, which tables_used() confirms.
 *
 * Tables that cover mixed memory never coalesce (and need not: a fault
 * there makes the same table). The only such table the window can reach is
 * the level-2 table of [1G, 2G), hyp RAM and host RAM; every sequence
 * starts with a fault at RAM_BASE, replayed too, so that both trackers
 * hold it.
 */
static void compare_with_faults_alone(u64 *tables_workload_done,
				      u64 *tables_replay)
{
	struct runs real = { 0 }, replay = { 0 };
	char a[RUN_STR_LEN], b[RUN_STR_LEN];
	u64 tables_real, i;
	long k;

	host_runs(&real);
	tables_real = tables_used();
	assert_int_equal(harness_setup_ram(rm_ctx.split, POOL_PAGES), 0);
	for (i = 0; i < rc.nr_faults; i++) {
		int ret = host_read_fault(rc.faults[i]);

		if (ret)
			rm_mismatch("replaying fault %llu at %#llx: %d",
				    (unsigned long long)i,
				    (unsigned long long)rc.faults[i], ret);
	}
	host_runs(&replay);
	*tables_replay = tables_used();
	*tables_workload_done = tables_real;
	snprintf(rm_ctx.desc, sizeof(rm_ctx.desc),
		 "host stage-2 after giving everything back vs. faults alone");
	k = runs_diff(&real, &replay);
	if (k >= 0 && (size_t)k < S2O_MIN(real.n, replay.n))
		rm_mismatch("run %ld: %s, faults alone: %s", k,
			    run_str(&real.r[k], a), run_str(&replay.r[k], b));
	if (real.n != replay.n)
		rm_mismatch("%zu runs, faults alone %zu", real.n, replay.n);
	if (tables_real != *tables_replay)
		rm_mismatch("%llu table pages, faults alone %llu",
			    (unsigned long long)tables_real,
			    (unsigned long long)*tables_replay);
	runs_free(&real);
	runs_free(&replay);
}

/* ---- Sequences ----------------------------------------------------------- */

struct totals {
	unsigned long long ops;
	u64 max_tables_workload;
	u64 sum_tables_workload;
	u64 max_tables_back;
};

static void run_sequence(unsigned long long seed, unsigned int seq,
			 unsigned int nops, struct totals *t)
{
	u64 tables_workload, tables_back, tables_replay;
	unsigned int i;
	int w;

	rc.seed = seed;
	rc.seq = seq;
	rm_ctx.rng = seed ^ ((u64)seq * 0xd1b54a32d192ed03ULL);
	rm_ctx.salt = seed;
	rm_ctx.split = seq & 1;
	rc.nr_faults = 0;
	memset(rc.history, 0, sizeof(rc.history));
	assert_int_equal(harness_setup_ram(rm_ctx.split, POOL_PAGES), 0);
	rm_reset();
	for (w = 0; w < RM_WIN; w++)
		if (rm.st[w] == RM_HOST)
			rm_page_write(rm_win_pfn(w));

	rm_ctx.opno = 0;
	do_fault(RAM_BASE);	/* see compare_with_faults_alone() */
	for (i = 1; i <= nops; i++) {
		rm_ctx.opno = i;
		one_op();
		memcpy(rc.history[i % 8], rm_ctx.desc, sizeof(rm_ctx.desc));
		rm_check_window();
		random_probes();
		if (i % CHECK_EVERY == 0) {
			assert_invariants();
			assert_no_violation();
			rm_check_markers();
		}
	}
	tables_workload = tables_used();
	rm_ctx.opno = nops + 1;
	if (rm_give_everything_back())
		fail_msg("giving everything back ran out of table pages");
	rm_check_markers();
	assert_invariants();
	assert_no_violation();
	compare_with_faults_alone(&tables_back, &tables_replay);
	printf("seq %2u (%s map): %u ops, %zu faults replayed; table pages: "
	       "%llu after the workload, %llu after full reclaim, %llu from "
	       "the faults alone\n", seq, rm_ctx.split ? "split" : "usual",
	       nops + 1, rc.nr_faults,
	       (unsigned long long)tables_workload,
	       (unsigned long long)tables_back,
	       (unsigned long long)tables_replay);
	t->ops += nops + 1;
	t->sum_tables_workload += tables_workload;
	if (tables_workload > t->max_tables_workload)
		t->max_tables_workload = tables_workload;
	if (tables_back > t->max_tables_back)
		t->max_tables_back = tables_back;
}

static unsigned long long env_ull(const char *name, unsigned long long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : def;
}

static void reference_random_sequences(void **state)
{
	unsigned long long seed;
	unsigned int seqs, nops, s;
	struct totals t = { 0 };

	(void)state;
	seed = rng_seed();
	seqs = (unsigned int)env_ull("S2OWN_SEQS", DEFAULT_SEQS);
	nops = (unsigned int)env_ull("S2OWN_OPS", DEFAULT_OPS);
	rm_ctx = (struct rm_ctx){ .dump_every = DUMP_EVERY,
				  .report = mismatch };
	printf("seed %llu\n", seed);
	fflush(stdout);
	for (s = 0; s < seqs; s++)
		run_sequence(seed, s, nops, &t);
	printf("reference: %u sequences, %llu ops; table pages after the "
	       "workload: max %llu, mean %llu; after full reclaim: max %llu\n",
	       seqs, t.ops, (unsigned long long)t.max_tables_workload,
	       (unsigned long long)(seqs ? t.sum_tables_workload / seqs : 0),
	       (unsigned long long)t.max_tables_back);
	rm_print_coverage();
	rm_print_run_ends();
	free(rc.faults);
	rc.faults = NULL;
	rc.cap_faults = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(reference_random_sequences),
	};

	return cmocka_run_group_tests_name("reference", tests, NULL, NULL);
}

