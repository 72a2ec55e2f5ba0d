// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pthread stress of the ownership core against the fake backend, checker on.
 *
 * Threads fault, donate, share, give back, create and destroy VMs over the
 * same few 1G blocks, in ranges that overlap on purpose, so that splits,
 * coalesces and lost races happen all the time. A VM is funded as a host
 * funds it: its page pair, then its table cache topped up whenever a call
 * says -ENOMEM, from pages of its own (FUND_BASE); destroyed, its owner
 * reclaims them. Each thread is also the
 * vCPU of its own VMs: it shares pages of theirs with the host, takes them
 * back and relinquishes them, in the same 2M blocks as the others' faults,
 * donations and reclaims. Nothing is decided by a lock in the test: the
 * reference is built from the results alone.
 *
 * The reference. Every op that returns 0 moved each page of its range from
 * one state to another, and conflicting ops are serialised by the core's
 * page claims, in an order the test cannot see. So each page keeps the net
 * flow of its successful ops, one signed field per state, added to with one
 * atomic: whatever the order, once no op on the page is in flight the sum
 * is exactly one state, the page's. Around every op on a range the thread
 * marks the pages in flight and bumps their version when the op succeeded;
 * a check that finds a page quiet (not in flight, version unchanged) before
 * and after reading it knows the exact state it must have read: query,
 * fault result and what the CPU's TLB model translates. After the threads
 * are joined every page is quiet, and all of them are checked; then
 * everything is given back and checked again, down to the table count.
 * What a state must read, and which states a call takes pages from and
 * to, is the reference model's oracle (refmodel.h) to say: the states
 * here are classes of its states. The machine is the harness's
 * (harness.h), on a memory map of this test's own.
 *
 * After each of its guest calls a thread checks what no other thread can
 * change: the host stage-2 and the VM's agree about the pages (the host
 * maps a shared page or may fault it in, and has no translation, in any
 * CPU's TLB or its tables, to a page the guest owns alone). Every
 * CHECK_PERIOD seconds the threads stop between two ops and the core's
 * invariant checker runs, with the table count.
 *
 * A second phase races two threads on overlapping ranges, round after
 * round, while the others fault on the same blocks: exactly one may win.
 *
 * Usage: stress [-t threads] [-s seconds] [-r conflict-seconds]
 *               [-c on|off] [-p pool-pages] [-S seed]  (or S2OWN_SEED=seed)
 * -c off runs without the fake's checker (no TLB model, no global mutex),
 * for ThreadSanitizer: the checker's mutex orders every descriptor write
 * and would hide races. -p below 8192 makes the pool run dry: VMs take
 * fresh 1G of their space to fill it, transitions may fail with -ENOMEM,
 * the fault path frees idle tables and, with the host reserve (sized for
 * -t threads), must never fail; the conflict phase (which counts winners)
 * is skipped.
 * The last line is "N passed, N failed"; the exit status is non-zero on a
 * failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../ownership/mem_protect.h"
#include "../ownership/vm.h"
#include "../ownership/pgtable.h"
#include "../ownership/pool.h"
#include "harness.h"
#include "refmodel.h"
#include "rng.h"

#include "../ownership/sync.h"	/* S2O_SYNC_NAME, liburcu in RCU mode */

#if defined(__SANITIZE_THREAD__)
#define SANITIZER " tsan"
#elif defined(__SANITIZE_ADDRESS__)
#define SANITIZER " asan+ubsan"
#else
#define SANITIZER ""
#endif

/*
 * Physical map: hypervisor RAM [1G, 1G + 64M + 16K) holds the pool; host
 * RAM runs from there to 4G. The first 1G block is therefore only partly
 * RAM (2M blocks at most, and its first 2M block is mixed: a level-3 table
 * for the host's faults, the kind the fault path frees when the pool runs
 * dry), the other two are whole 1G blocks.
 */
#define STRESS_HYP_BASE (1 * GIB)
#define STRESS_HYP_SIZE (64 * MIB + 16 * 1024)
#define STRESS_POOL_BASE (STRESS_HYP_BASE + 32 * MIB)
#define MAX_POOL_PAGES ((u64)8192)	/* up to the end of hyp RAM */
#define STRESS_RAM_BASE (STRESS_HYP_BASE + STRESS_HYP_SIZE)
#define STRESS_RAM_END (4 * GIB)
#define FIRST_PFN (STRESS_RAM_BASE >> 12)
#define END_PFN (STRESS_RAM_END >> 12)
#define NR_PAGES ((u64)(END_PFN - FIRST_PFN))

/*
 * Three blocks: [STRESS_RAM_BASE, 2G), [2G, 3G), [3G, 4G). Donations stay
 * in the first 64M of each (the memory that reclaim's scrubbing touches
 * stays bounded); faults go anywhere in them.
 */
#define WINDOW_PAGES (64 * MIB / PAGE)
#define MAX_RANGE 600

#define MAX_THREADS 16
#define MAX_EXT 32	/* extents a VM of the test may track */
#define VMS_PER_THREAD 2

/*
 * Each test VM slot (two per thread, and the conflict phase's two) has
 * FUND_PAGES of its own for its VMs, past the donation windows (faults
 * reach them): the pair, then S2OWN_TOPUP_PAGES at a time.
 */
#define FUND_BASE PFN(3 * GIB + 512 * MIB)
#define FUND_PAGES 64ULL
#define CF_FUND (MAX_THREADS * VMS_PER_THREAD)
#define RING 256
#define TRACE 16

/*
 * States as the reference sees them: each a class of the oracle's states
 * (refmodel.h), which answers every question about them. GUEST and
 * GSHARED pages are of a live VM; RECL is every page the host may reclaim,
 * relinquished or a destroyed VM's (shared by it or not): which one, only
 * the order of the calls could tell, and the reference does not have it.
 * A check of a RECL page takes the one its query reports and holds what
 * the host stage-2 says to that.
 */
enum ref_state {
	ST_HOST,
	ST_SHARED,
	ST_HYP,
	ST_GUEST,
	ST_GSHARED,
	ST_RECL,
	ST_VMOWN,	/* a live VM's own page: its pair, its cache */
	NR_ST,
};

static const struct {
	const char *name;
	unsigned int states;	/* RM_BIT()s */
	bool live;		/* a guest page's VM is */
} ref_class[NR_ST] = {
	[ST_HOST] = { "HOST", RM_BIT(RM_HOST), false },
	[ST_SHARED] = { "SHARED", RM_BIT(RM_SHARED), false },
	[ST_HYP] = { "HYP", RM_BIT(RM_HYP), false },
	[ST_GUEST] = { "GUEST", RM_BIT(RM_GUEST), true },
	[ST_GSHARED] = { "GSHARED", RM_BIT(RM_GSHARED), true },
	[ST_RECL] = { "RECL", RM_BIT(RM_GUEST) | RM_BIT(RM_RELINQ) |
				      RM_BIT(RM_GSHARED) | RM_BIT(RM_VMSTATE),
		      false },
	[ST_VMOWN] = { "VMOWN", RM_BIT(RM_VMSTATE), true },
};

/*
 * A page's flows: one 12-bit field per state, wrapping: while ops are in
 * flight a field may dip below zero for a moment, but every addition is
 * exact, so the settled sum is exactly one field at 1.
 */
#define FLOW_BITS 9
_Static_assert(FLOW_BITS * NR_ST <= 64, "a page's flows fit in a u64");
_Static_assert(1 << (FLOW_BITS - 1) > 2 * MAX_THREADS,
	       "the ops in flight on a page fit in a flow");

/* What a thread does: the model's operations (enum rm_kind), and two. */
enum { OP_CHECK = RM_NR_KINDS, OP_BADARG, NR_OPS };

static const char *op_name(int op)
{
	return op < RM_NR_KINDS ? rm_kind_name[op] :
	       op == OP_CHECK ? "check_page" : "bad_args";
}

enum res { RES_OK, RES_EPERM, RES_EBUSY, RES_EINVAL, RES_ENOENT,
	   RES_ENOMEM, RES_OTHER, NR_RES };

static const char *const res_name[] = { "ok", "EPERM", "EBUSY", "EINVAL",
					"ENOENT", "ENOMEM", "other" };

/* A run of a VM's gfns at consecutive pfns, all in one state. */
struct ext {
	u64 gfn, pfn, nr;
	int st;			/* ST_GUEST, ST_GSHARED or ST_RECL */
};

struct test_vm {
	int handle;		/* 0: none */
	unsigned int fund;	/* its pages: FUND_PAGES at fund_pfn(fund) */
	u64 own;		/* of them, the VM's now */
	u64 next_gfn;
	unsigned int nr_ext;
	struct ext ext[MAX_EXT];
};

struct trace_entry {
	int op;
	int ret;
	u64 pfn, nr;
};

struct worker {
	pthread_t tid;
	unsigned int idx;
	unsigned int cpu;	/* the fake CPU whose TLB this thread fills */
	u64 rng;
	struct test_vm vms[VMS_PER_THREAD];
	u64 counts[NR_OPS][NR_RES];
	u64 checks, checks_skipped;
	/* What it is doing, for the watchdog. */
	int cur_op;
	u64 cur_pfn, cur_nr;
	u64 progress;
	struct trace_entry trace[TRACE];
	unsigned int trace_next;
};

static struct {
	unsigned int nr_threads;
	double secs, conflict_secs;
	u64 seed;
	bool checker;
	u64 pool_pages;
	bool small_pool;	/* transitions may run out of table pages */

	u64 *flow;		/* per page: net flow of successful ops */
	u32 *inflight;		/* per page: ops under way on it */
	u32 *version;		/* per page: successful ops completed */
	u8 *ref_vm;		/* per page: VM of the last guest donation */
	u32 vm_owner[S2O_MAX_VMS + 1];	/* live handle -> thread + 1 */

	u64 ring[NR_ST][RING];	/* recent successes, to give back */
	u32 ring_head[NR_ST];

	u32 stop;
	u32 failures;
	u32 phase;		/* for the watchdog's report */
	u32 pause;		/* threads: stop between two ops */
	u32 paused;		/* threads stopped */
	u32 mid_checks;		/* invariant checks made in phase 1 */
	struct worker w[MAX_THREADS];
} g;

/*
 * Past the host RAM, islands: single RAM pages in the MMIO space, off any
 * 2M boundary. A fault around one needs a level-2 and a level-3 table that
 * only the fault path creates, and frees again when the pool runs dry.
 */
#define NR_ISLANDS 8
#define ISLAND_CHUNK(k) (STRESS_RAM_END + (u64)(k) * GIB + 2 * MIB)
#define ISLAND(k) (ISLAND_CHUNK(k) + ((u64)(k) + 1) * PAGE)

static const struct s2o_mem_region regions[] = {
	{ STRESS_HYP_BASE, STRESS_HYP_SIZE, S2O_MEM_HYP },
	{ STRESS_RAM_BASE, STRESS_RAM_END - STRESS_RAM_BASE, S2O_MEM_RAM },
	{ ISLAND(0), PAGE, S2O_MEM_RAM }, { ISLAND(1), PAGE, S2O_MEM_RAM },
	{ ISLAND(2), PAGE, S2O_MEM_RAM }, { ISLAND(3), PAGE, S2O_MEM_RAM },
	{ ISLAND(4), PAGE, S2O_MEM_RAM }, { ISLAND(5), PAGE, S2O_MEM_RAM },
	{ ISLAND(6), PAGE, S2O_MEM_RAM }, { ISLAND(7), PAGE, S2O_MEM_RAM },
};

/* The islands are left out of the arena: nothing writes into them. */
static const struct harness_map stress_map =
	HARNESS_MAP(regions, STRESS_POOL_BASE, STRESS_HYP_BASE, STRESS_RAM_END);

/* ---- small helpers ------------------------------------------------------- */

/* The thread's own stream, from the run's seed (rng.h). */
static u64 rnd(struct worker *w)
{
	return rng_next(&w->rng);
}

static void set_phase(u32 phase)
{
	__atomic_store_n(&g.phase, phase, __ATOMIC_SEQ_CST);
}

static bool stopping(void)
{
	return __atomic_load_n(&g.stop, __ATOMIC_RELAXED);
}

static enum res res_of(int ret)
{
	switch (ret) {
	case 0:
		return RES_OK;
	case -S2OWN_EPERM:
		return RES_EPERM;
	case -S2OWN_EBUSY:
		return RES_EBUSY;
	case -S2OWN_EINVAL:
		return RES_EINVAL;
	case -S2OWN_ENOENT:
		return RES_ENOENT;
	case -S2OWN_ENOMEM:
		return RES_ENOMEM;
	default:
		return ret > 0 ? RES_OK : RES_OTHER;
	}
}

static const char *ret_name(int ret)
{
	return ret > 0 ? "handle" : res_name[res_of(ret)];
}

static pthread_mutex_t print_lock = PTHREAD_MUTEX_INITIALIZER;

static void print_trace(struct worker *w)
{
	unsigned int i;

	fprintf(stderr, "  thread %u, last ops (oldest first):\n", w->idx);
	for (i = 0; i < TRACE; i++) {
		const struct trace_entry *t =
			&w->trace[(w->trace_next + i) % TRACE];

		if (!t->nr && !t->pfn)
			continue;
		fprintf(stderr, "    %-16s pfn %#" PRIx64 " nr %" PRIu64
			" -> %d (%s)\n", op_name(t->op), t->pfn, t->nr,
			t->ret, ret_name(t->ret));
	}
}

/* A failed check: say what and where, then stop the run. */
static void __attribute__((format(printf, 2, 3)))
fail(struct worker *w, const char *fmt, ...)
{
	va_list ap;
	u32 n = __atomic_add_fetch(&g.failures, 1, __ATOMIC_SEQ_CST);

	__atomic_store_n(&g.stop, 1, __ATOMIC_SEQ_CST);
	if (n > 10)
		return;
	pthread_mutex_lock(&print_lock);
	fprintf(stderr, "FAIL (seed %#" PRIx64 "%s%u): ", g.seed,
		w ? ", thread " : "", w ? w->idx : 0);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (w)
		print_trace(w);
	pthread_mutex_unlock(&print_lock);
}

static void begin_op(struct worker *w, int op, u64 pfn, u64 nr)
{
	__atomic_store_n(&w->cur_op, op, __ATOMIC_RELAXED);
	__atomic_store_n(&w->cur_pfn, pfn, __ATOMIC_RELAXED);
	__atomic_store_n(&w->cur_nr, nr, __ATOMIC_RELAXED);
}

/* Count an op's result and fail unless it is one @allowed (RES_ bits). */
static void end_op(struct worker *w, int op, u64 pfn, u64 nr, int ret,
		   unsigned int allowed)
{
	enum res r = res_of(ret);
	struct trace_entry *t = &w->trace[w->trace_next++ % TRACE];

	*t = (struct trace_entry){ .op = op, .ret = ret, .pfn = pfn,
				   .nr = nr };
	w->counts[op][r]++;
	__atomic_add_fetch(&w->progress, 1, __ATOMIC_RELAXED);
	if (!(allowed & (1u << r)))
		fail(w, "%s(pfn %#" PRIx64 ", nr %" PRIu64 ") returned %d "
		     "(%s), not an allowed result", op_name(op), pfn, nr, ret,
		     ret_name(ret));
}

#define OK (1u << RES_OK)
#define EPERM_ (1u << RES_EPERM)
#define EBUSY_ (1u << RES_EBUSY)
/* With a small pool, anything that needs a table page may fail for it. */
#define NOMEM_ (g.small_pool ? 1u << RES_ENOMEM : 0)
/* A VM's table cache may run short whatever the pool: the host tops up. */
#define CACHE_ (1u << RES_ENOMEM)

/* ---- the reference ------------------------------------------------------- */

static u64 pidx(u64 pfn)
{
	return pfn - FIRST_PFN;
}

static u64 flow_of(int state)
{
	return 1ULL << (FLOW_BITS * state);
}

/* The state the flows add up to, or -1 if they add up to no single one. */
static int ref_state(u64 pfn)
{
	u64 f = __atomic_load_n(&g.flow[pidx(pfn)], __ATOMIC_SEQ_CST);
	int s;

	for (s = 0; s < NR_ST; s++)
		if (f == flow_of(s))
			return s;
	return -1;
}

static void enter(u64 pfn, u64 nr)
{
	u64 i;

	for (i = 0; i < nr; i++)
		__atomic_add_fetch(&g.inflight[pidx(pfn + i)], 1,
				   __ATOMIC_SEQ_CST);
}

/* The op on [pfn, pfn + nr) is over; it moved them @from -> @to if ok. */
static void leave(u64 pfn, u64 nr, bool ok, int from, int to, int vm)
{
	u64 delta = flow_of(to) - flow_of(from), i;

	for (i = 0; i < nr; i++) {
		u64 p = pidx(pfn + i);

		if (ok) {
			if (vm)
				__atomic_store_n(&g.ref_vm[p], (u8)vm,
						 __ATOMIC_RELAXED);
			__atomic_add_fetch(&g.flow[p], delta,
					   __ATOMIC_SEQ_CST);
			__atomic_add_fetch(&g.version[p], 1,
					   __ATOMIC_SEQ_CST);
		}
		__atomic_sub_fetch(&g.inflight[p], 1, __ATOMIC_SEQ_CST);
	}
}

static void ring_push(int state, u64 pfn, u64 nr)
{
	u32 slot = __atomic_fetch_add(&g.ring_head[state], 1,
				      __ATOMIC_RELAXED);

	__atomic_store_n(&g.ring[state][slot % RING], pfn << 16 | nr,
			 __ATOMIC_RELAXED);
}

/* ---- ranges -------------------------------------------------------------- */

static u64 block_start(unsigned int b)
{
	return b == 0 ? STRESS_RAM_BASE : (u64)(b + 1) * GIB;
}

static unsigned int pick_block(struct worker *w)
{
	u64 r = rnd(w) % 100;

	/* The last block is quiet enough to coalesce back to 1G often. */
	return r < 30 ? 0 : r < 85 ? 1 : 2;
}

/* A few hot 2M chunks per window, next to each other: ranges cross them. */
static const u64 hot_chunks[] = { 0, 1, 2, 9 };

static void pick_range(struct worker *w, u64 *pfn, u64 *nr)
{
	u64 base = block_start(pick_block(w)) >> 12, off, n;
	u64 r = rnd(w) % 100;

	if (r < 45)
		n = 1 + rnd(w) % 8;
	else if (r < 85)
		n = 1 + rnd(w) % MAX_RANGE;
	else
		n = 512;
	if (rnd(w) % 100 < 70)
		off = hot_chunks[rnd(w) % 4] * 512 + rnd(w) % 512;
	else
		off = rnd(w) % WINDOW_PAGES;
	if (n == 512)
		off &= ~511ULL;
	if (off + n > WINDOW_PAGES)
		off = WINDOW_PAGES - n;
	*pfn = base + off;
	*nr = n;
}

/* A recent success to undo, often trimmed or shifted so it overlaps. */
static bool pick_from_ring(struct worker *w, int state, u64 *pfn, u64 *nr)
{
	u64 v = __atomic_load_n(&g.ring[state][rnd(w) % RING],
				__ATOMIC_RELAXED);
	u64 r = rnd(w) % 100, p, n;

	if (!v)
		return false;
	p = v >> 16;
	n = v & 0xffff;
	if (r < 15 && n > 1) {
		u64 skip = rnd(w) % n;

		p += skip;
		n = 1 + rnd(w) % (n - skip);
	} else if (r < 30) {
		u64 shift = 1 + rnd(w) % 8;

		p = rnd(w) & 1 ? p + shift : p - shift;
	}
	if (p < FIRST_PFN || p + n > END_PFN)
		return false;
	*pfn = p;
	*nr = n;
	return true;
}

/* ---- checks -------------------------------------------------------------- */

static bool quiet(u64 pfn, u32 version)
{
	return !__atomic_load_n(&g.inflight[pidx(pfn)], __ATOMIC_SEQ_CST) &&
	       __atomic_load_n(&g.version[pidx(pfn)], __ATOMIC_SEQ_CST) ==
		       version;
}

/* One of the oracle's states of @st: the one that decides give-backs. */
static enum rm_state some_state(int st)
{
	return __builtin_ctz(ref_class[st].states);
}

/* The reference's state holding every state of @states (RM_BIT()s). */
static int class_of(unsigned int states)
{
	int st;

	for (st = 0; st < NR_ST; st++)
		if ((ref_class[st].states & states) == states)
			return st;
	abort();
}

/* What a success of @kind takes its pages from and to. */
static int from_of(enum rm_kind kind)
{
	return class_of(rm_transitions[kind].from);
}

static int to_of(enum rm_kind kind)
{
	return class_of(RM_BIT(rm_transitions[kind].to));
}

/*
 * The oracle's state of class @st that query @i reports (of VM @vm), or
 * -1: what the host stage-2 must say about the page.
 */
static int exact_state(int st, int vm, const struct s2o_page_info *i)
{
	int s;

	for (s = 0; s < RM_NR_STATES; s++)
		if ((ref_class[st].states & RM_BIT(s)) &&
		    rm_info_is(i, s, vm, ref_class[st].live))
			return s;
	return -1;
}

/* Whether query @i is one a page in state @st (of VM @vm) reports. */
static bool info_matches(int st, int vm, const struct s2o_page_info *i)
{
	return exact_state(st, vm, i) >= 0;
}

/* The state query @i reports, as the reference names it, or -1. */
static int state_of(const struct s2o_page_info *i)
{
	int st;

	for (st = 0; st < NR_ST; st++)
		if (info_matches(st, i->vm, i))
			return st;
	return -1;
}

/* The call that gives a page in state @st back to the host, or -1. */
static int give_back_op(int st)
{
	enum rm_kind k;

	if (st < 0)
		return -1;
	k = rm_give_back_kind(some_state(st), ref_class[st].live);
	return k == RM_NR_KINDS ? -1 : (int)k;
}

/*
 * Whatever races with it, a query reports a state the page was in: a
 * guest's page names a VM, the host's none (the hypervisor's may: a VM's
 * own pages).
 */
static int query(struct worker *w, u64 pfn, struct s2o_page_info *info)
{
	int ret = s2o_page_query(pfn, info);
	bool named = info->vm >= 1 && info->vm <= S2O_MAX_VMS;

	if (!ret && (info->owner == S2O_OWNER_GUEST ? !named :
		     info->owner == S2O_OWNER_HOST && info->vm))
		fail(w, "s2o_page_query(%#" PRIx64 ") is torn: owner %d, vm "
		     "%d, reclaimable %d", pfn, info->owner, info->vm,
		     info->reclaimable);
	return ret;
}

/*
 * Check one page exactly, if no op touches it meanwhile: its query, what a
 * host fault on it returns, and whether this thread's CPU can translate it
 * (a host page must become translatable; any other page never, whatever
 * the TLB model cached before it changed hands).
 */
static void check_page(struct worker *w, u64 pfn)
{
	u64 ipa = pfn << 12 | (rnd(w) & 0xff8);
	u32 v = __atomic_load_n(&g.version[pidx(pfn)], __ATOMIC_SEQ_CST);
	struct fake_translation tr = { 0 };
	struct s2o_page_info info;
	int qret, fret, tret = 0, st, vm, tries;
	char got[RM_INFO_LEN];
	bool may;

	if (__atomic_load_n(&g.inflight[pidx(pfn)], __ATOMIC_SEQ_CST)) {
		w->checks_skipped++;
		return;
	}
	/*
	 * The reference now, inside the quiet window: read after it, it
	 * could already count an op that started since.
	 */
	st = ref_state(pfn);
	vm = __atomic_load_n(&g.ref_vm[pidx(pfn)], __ATOMIC_RELAXED);
	begin_op(w, OP_CHECK, pfn, 1);
	qret = query(w, pfn, &info);
	fret = host_read_fault(ipa);
	if (g.checker) {
		tret = fake_hw_translate(w->cpu, s2o_host_vttbr(), ipa, &tr);
		/* A neighbour's split or coalesce may hold the way: retry. */
		for (tries = 0; tret && !fret && tries < 1000; tries++) {
			fret = host_read_fault(ipa);
			tret = fake_hw_translate(w->cpu, s2o_host_vttbr(), ipa,
						 &tr);
		}
	}
	end_op(w, OP_CHECK, pfn, 1, qret, OK);
	if (!quiet(pfn, v)) {
		w->checks_skipped++;
		return;
	}
	w->checks++;
	if (st < 0) {
		fail(w, "pfn %#" PRIx64 ": successful ops add up to no single "
		     "state (flows %#" PRIx64 "): two ops both won it", pfn,
		     __atomic_load_n(&g.flow[pidx(pfn)], __ATOMIC_SEQ_CST));
		return;
	}
	if (!info_matches(st, vm, &info)) {
		fail(w, "pfn %#" PRIx64 " should be %s (vm %d), query says %s",
		     pfn, ref_class[st].name, vm, rm_info_str(&info, got));
		return;
	}
	may = rm_host_may_access(exact_state(st, vm, &info));
	if (fret != (may ? 0 : -S2OWN_EPERM))
		fail(w, "host fault on %s pfn %#" PRIx64 " returned %d",
		     ref_class[st].name, pfn, fret);
	if (!g.checker)
		return;
	if (may && (tret || tr.pa != ipa))
		fail(w, "host page %#" PRIx64 " (%s) does not translate to "
		     "itself on cpu %u: ret %d pa %#" PRIx64, pfn,
		     ref_class[st].name, w->cpu, tret, tr.pa);
	if (!may && !tret)
		fail(w, "%s page %#" PRIx64 " still translates for the host "
		     "on cpu %u (%s, level %u, desc %#" PRIx64 ")",
		     ref_class[st].name, pfn, w->cpu,
		     tr.from_tlb ? "stale TLB entry" : "table walk", tr.level,
		     tr.desc);
}

/* First, last and one random page of a range. */
static void check_range(struct worker *w, u64 pfn, u64 nr)
{
	check_page(w, pfn);
	if (nr > 1)
		check_page(w, pfn + nr - 1);
	if (nr > 2)
		check_page(w, pfn + 1 + rnd(w) % (nr - 2));
}

/* ---- ops on host pages --------------------------------------------------- */

/*
 * Make @op's call with its pages, [@pfn, @pfn + @nr), in flight; the
 * reference follows what it did: all of them, or for a guest call those
 * of its run (*@done, if not NULL, is set to how many).
 */
static int ref_call(const struct rm_op *op, u64 pfn, u64 nr, u64 *done)
{
	int from = from_of(op->kind), to = to_of(op->kind), ret;
	int vm = op->kind == RM_DONATE_GUEST ? op->vm : 0;
	u64 n;

	enter(pfn, nr);
	ret = rm_core_call(op, &n);
	n = S2O_MIN(n, nr);
	leave(pfn, n, true, from, to, vm);
	leave(pfn + n, nr - n, false, from, to, vm);
	if (done)
		*done = n;
	return ret;
}

/* A transition of host pages: share, donate, give back, reclaim. */
static int do_host_op(struct worker *w, enum rm_kind kind, u64 pfn, u64 nr)
{
	const struct rm_op op = { .kind = kind, .pfn = pfn, .nr = nr };
	unsigned int allowed = OK | EPERM_ | NOMEM_;
	int ret;

	if (kind == RM_RECLAIM)
		allowed |= EBUSY_;	/* a live guest's page */
	begin_op(w, kind, pfn, nr);
	ret = ref_call(&op, pfn, nr, NULL);
	end_op(w, kind, pfn, nr, ret, allowed);
	if (!ret && to_of(kind) != ST_HOST)
		ring_push(to_of(kind), pfn, nr);
	check_range(w, pfn, nr);
	return ret;
}

/*
 * What a host driver cleaning up would do: look at a range and give back
 * each run of pages it sees in one returnable state. Others do the same
 * at the same time, so any of these may lose.
 */
static void sweep(struct worker *w, u64 pfn, u64 nr)
{
	u64 i, run = pfn;
	int run_st = -1;

	for (i = 0; i <= nr; i++) {
		struct s2o_page_info info;
		int st = -1;

		if (i < nr && !query(w, pfn + i, &info) &&
		    give_back_op(state_of(&info)) >= 0)
			st = state_of(&info);
		if (st == run_st && (st < 0 || pfn + i - run < MAX_RANGE))
			continue;
		if (run_st >= 0)
			do_host_op(w, give_back_op(run_st), run,
				   pfn + i - run);
		run = pfn + i;
		run_st = st;
	}
}

static void give_back(struct worker *w, int st)
{
	u64 pfn, nr;

	if (!pick_from_ring(w, st, &pfn, &nr))
		pick_range(w, &pfn, &nr);
	if (do_host_op(w, give_back_op(st), pfn, nr) && rnd(w) % 2)
		sweep(w, pfn, nr);
}

static void do_fault(struct worker *w)
{
	unsigned int b = pick_block(w);
	u64 base = block_start(b), end = (u64)(b + 2) * GIB, ipa;
	struct fake_translation tr;
	int ret;

	if (rnd(w) % 2)
		ipa = base + hot_chunks[rnd(w) % 4] * 2 * MIB +
		      rnd(w) % (2 * MIB);
	else if (rnd(w) % 10)
		ipa = base + rnd(w) % (end - base);	/* anywhere in it */
	else if (rnd(w) % 8)
		ipa = ISLAND_CHUNK(rnd(w) % NR_ISLANDS) + rnd(w) % (2 * MIB);
	else
		ipa = 0x09000000 + (rnd(w) & 0xfff000);	/* MMIO */
	/*
	 * Never -ENOMEM, however full the VMs' tables leave the pool: every
	 * address here is under the level-0 entry with RAM, which the host
	 * reserve covers (s2o_host_reserve_pages()).
	 */
	begin_op(w, RM_FAULT, ipa >> 12, 1);
	ret = host_read_fault(ipa);
	end_op(w, RM_FAULT, ipa >> 12, 1, ret, OK | EPERM_);
	if (!ret && g.checker)
		fake_hw_translate(w->cpu, s2o_host_vttbr(), ipa, &tr);
	if (ipa >= STRESS_RAM_BASE && ipa < STRESS_RAM_END)
		check_page(w, ipa >> 12);
}

/* Calls that must fail, and exactly how. */
static void do_badarg(struct worker *w)
{
	u64 hyp_pfn = PFN(STRESS_HYP_BASE) + rnd(w) % PFN(STRESS_HYP_SIZE);
	struct s2o_page_info info;
	int ret, which = rnd(w) % 9, want = -S2OWN_EINVAL;

	begin_op(w, OP_BADARG, which, 0);
	switch (which) {
	case 0:	/* the hypervisor's RAM, the pool among it */
		ret = s2o_host_donate_hyp(hyp_pfn, 1);
		want = -S2OWN_EPERM;
		break;
	case 1:
		ret = s2o_hyp_donate_host(hyp_pfn, 1);
		want = -S2OWN_EPERM;
		break;
	case 2:	/* past the end of RAM */
		ret = s2o_host_share_hyp(END_PFN - 1, 2);
		break;
	case 3:
		ret = s2o_hyp_donate_host(FIRST_PFN + rnd(w) % 1000, 0);
		break;
	case 4:
		ret = s2o_host_donate_guest(1 + S2O_MAX_VMS, FIRST_PFN, 0, 1);
		want = -S2OWN_ENOENT;
		break;
	case 5:	/* MMIO */
		ret = s2o_host_reclaim_guest(0x09000000 >> 12, 1);
		break;
	case 6:
		ret = s2o_vm_destroy(0);
		want = -S2OWN_ENOENT;
		break;
	case 7:
		ret = s2o_page_query(0x09000000 >> 12, &info);
		break;
	default:
		ret = host_read_fault(STRESS_HYP_BASE +
				      rnd(w) % STRESS_HYP_SIZE);
		want = -S2OWN_EPERM;
		break;
	}
	end_op(w, OP_BADARG, which, 0, ret, 1u << res_of(want));
	if (ret != want && !stopping())
		fail(w, "bad-args case %d returned %d, want %d", which, ret,
		     want);
}

/* ---- this thread's VMs --------------------------------------------------- */

/* The guest must see exactly what it was given, and nothing it gave back. */
static void check_guest(struct worker *w, struct test_vm *vm, u64 gfn,
			u64 pfn, bool mapped)
{
	struct fake_translation tr = { 0 };
	int ret;

	if (!g.checker)
		return;
	ret = fake_hw_translate(w->cpu, vm_vttbr(vm->handle), gfn << 12, &tr);
	if (mapped && (ret || tr.pa != pfn << 12))
		fail(w, "vm %d gfn %#" PRIx64 " should map pfn %#" PRIx64
		     ": ret %d pa %#" PRIx64, vm->handle, gfn, pfn, ret,
		     tr.pa);
	if (!mapped && !ret)
		fail(w, "vm %d gfn %#" PRIx64 " still translates (to %#"
		     PRIx64 ", %s) after it was given back", vm->handle, gfn,
		     tr.pa, tr.from_tlb ? "stale TLB entry" : "table walk");
}

static u64 fund_pfn(const struct test_vm *vm)
{
	return FUND_BASE + vm->fund * FUND_PAGES;
}

/*
 * The next S2OWN_TOPUP_PAGES of @vm's fund into its table cache, as a
 * host does when a call says -ENOMEM: s2o_vm_topup()'s result, or
 * -ENOMEM with the fund used up.
 */
static int vm_topup(struct worker *w, struct test_vm *vm)
{
	u64 pfn = fund_pfn(vm) + vm->own, nr = S2OWN_TOPUP_PAGES;
	int ret;

	if (vm->own + nr > FUND_PAGES)
		return -S2OWN_ENOMEM;
	begin_op(w, RM_TOPUP, pfn, nr);
	enter(pfn, nr);
	ret = s2o_vm_topup(vm->handle, pfn, nr);
	leave(pfn, nr, !ret, ST_HOST, ST_VMOWN, vm->handle);
	/*
	 * -EPERM: pages a VM funded before still wait for the reclaim its
	 * destroyer left to others (destroy_vm()).
	 */
	end_op(w, RM_TOPUP, pfn, nr, ret, OK | NOMEM_ | EPERM_);
	if (!ret)
		vm->own += nr;
	check_range(w, pfn, nr);
	return ret;
}

/*
 * A VM in @vm's pair, its cache topped up once: the handle, or the
 * create's error (-EPERM while a VM it funded before left them unclaimed).
 */
static int vm_create_funded(struct worker *w, struct test_vm *vm,
			    unsigned int allowed)
{
	u64 pfn = fund_pfn(vm);
	int ret;
	u32 none = 0;

	begin_op(w, RM_CREATE, pfn, 2);
	enter(pfn, 2);
	ret = s2o_vm_create(pfn, NULL, 0);
	leave(pfn, 2, ret > 0, ST_HOST, ST_VMOWN, ret > 0 ? ret : 0);
	end_op(w, RM_CREATE, pfn, 2, ret, allowed);
	if (ret <= 0)
		return ret;
	if (ret > S2O_MAX_VMS ||
	    !__atomic_compare_exchange_n(&g.vm_owner[ret], &none, w->idx + 1,
					 false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST)) {
		fail(w, "vm_create returned handle %d, live in thread %u", ret,
		     none - 1);
		return -S2OWN_EINVAL;
	}
	*vm = (struct test_vm){ .handle = ret, .fund = vm->fund, .own = 2 };
	vm_topup(w, vm);
	return ret;
}

static void vm_create(struct worker *w, struct test_vm *vm)
{
	if (vm_create_funded(w, vm, OK | EPERM_ | EBUSY_ | NOMEM_) > 0)
		vm->next_gfn = rnd(w) % 4096;
}

/* Reclaim what a destroyed VM of ours left; others may be at it too. */
static void reclaim_leftovers(struct worker *w, const struct test_vm *vm)
{
	unsigned int i;
	u64 j;

	for (i = 0; i < vm->nr_ext; i++) {
		const struct ext *e = &vm->ext[i];

		if (!do_host_op(w, RM_RECLAIM, e->pfn, e->nr))
			continue;
		for (j = 0; j < e->nr; j++)
			do_host_op(w, RM_RECLAIM, e->pfn + j, 1);
	}
}

static void destroy_vm(struct worker *w, struct test_vm *vm)
{
	u64 own = fund_pfn(vm);
	unsigned int i;
	int ret;

	for (i = 0; i < vm->nr_ext; i++)
		if (vm->ext[i].st != ST_RECL)
			enter(vm->ext[i].pfn, vm->ext[i].nr);
	enter(own, vm->own);
	/* Before the call: the handle may be someone else's right after. */
	__atomic_store_n(&g.vm_owner[vm->handle], 0, __ATOMIC_SEQ_CST);
	begin_op(w, RM_DESTROY, vm->handle, vm->nr_ext);
	ret = s2o_vm_destroy(vm->handle);
	for (i = 0; i < vm->nr_ext; i++) {
		struct ext *e = &vm->ext[i];

		/* Its pages, shared or not, are the host's to reclaim. */
		if (e->st == ST_RECL)
			continue;
		leave(e->pfn, e->nr, !ret, e->st, ST_RECL, 0);
		ring_push(ST_RECL, e->pfn, e->nr);
	}
	leave(own, vm->own, !ret, ST_VMOWN, ST_RECL, 0);
	end_op(w, RM_DESTROY, vm->handle, vm->nr_ext, ret, OK);
	if (vm->nr_ext)
		check_range(w, vm->ext[0].pfn, vm->ext[0].nr);
	/*
	 * Its own pages the owner reclaims, as a host does (else its next VM
	 * has none; the give-back at the end takes them if the pool was dry).
	 * Its memory, most of the time; else others will.
	 */
	ring_push(ST_RECL, own, vm->own);
	do_host_op(w, RM_RECLAIM, own, vm->own);
	if (rnd(w) % 8)
		reclaim_leftovers(w, vm);
	vm->handle = 0;
	vm->own = 0;
}

static struct test_vm *pick_vm(struct worker *w)
{
	struct test_vm *vm = &w->vms[rnd(w) % VMS_PER_THREAD];

	if (!vm->handle)
		vm_create(w, vm);
	return vm->handle ? vm : NULL;
}

static void do_donate_guest(struct worker *w)
{
	struct test_vm *vm = pick_vm(w);
	struct rm_op op = { .kind = RM_DONATE_GUEST };
	bool clash = false;
	u64 pfn, nr, gfn, align;
	int ret;

	if (!vm)
		return;
	if (vm->nr_ext >= MAX_EXT - 2) {
		destroy_vm(w, vm);
		return;
	}
	pick_range(w, &pfn, &nr);
	/*
	 * Same offset in a 2M block as the pages: the VM can map blocks. With
	 * a small pool, every other extent goes to a fresh 1G of the VM's
	 * space, two or three tables of its own: VMs fill the pool.
	 */
	align = g.small_pool && rnd(w) % 2 ? GIB >> 12 : 512;
	gfn = S2O_ALIGN_UP(vm->next_gfn, align) + pfn % 512;
	if (vm->nr_ext && vm->ext[0].st != ST_RECL && rnd(w) % 10 == 0) {
		/* Onto a mapped gfn: must fail, EPERM or EBUSY. */
		gfn = vm->ext[0].gfn + rnd(w) % vm->ext[0].nr;
		clash = true;
	}
	op.vm = vm->handle;
	op.pfn = pfn;
	op.gfn = gfn;
	op.nr = nr;
	/* Short of tables in its cache: top up, then again. */
	do {
		begin_op(w, RM_DONATE_GUEST, pfn, nr);
		ret = ref_call(&op, pfn, nr, NULL);
		end_op(w, RM_DONATE_GUEST, pfn, nr, ret,
		       clash ? EPERM_ | EBUSY_ : OK | EPERM_ | CACHE_);
	} while (ret == -S2OWN_ENOMEM && !vm_topup(w, vm));
	if (!ret && !clash) {
		vm->ext[vm->nr_ext++] = (struct ext){
			.gfn = gfn, .pfn = pfn, .nr = nr, .st = ST_GUEST };
		vm->next_gfn = gfn + nr;
		check_guest(w, vm, gfn, pfn, true);
		check_guest(w, vm, gfn + nr - 1, pfn + nr - 1, true);
	}
	check_range(w, pfn, nr);
}

/*
 * What no other thread can change about page @pfn at gfn @gfn of our VM
 * @vm, in state @st: both stage-2s agree on it. The guest maps it unless
 * it relinquished it (then any thread may reclaim it at once: only the
 * guest's side is ours to check). The host stage-2 annotates it the
 * guest's unless the guest shares it; then it is the host's (mapped, or
 * empty until the host's next fault, or locked while another CPU splits or
 * coalesces the entry it is in). Read with the core's walker, so in every
 * build; with the checker on, no CPU's TLB may translate a page the host
 * lost either.
 */
static void check_both_sides(struct worker *w, struct test_vm *vm, u64 gfn,
			     u64 pfn, int st)
{
	u64 pte, ipa = pfn << 12;
	struct fake_translation tr;
	unsigned int cpu;
	u32 level;

	check_guest(w, vm, gfn, pfn, st != ST_RECL);
	if (st == ST_RECL)
		return;
	host_leaf(ipa, &pte, &level);
	if (st == ST_GSHARED ? !s2o_pte_valid(pte) && !s2o_pte_is_locked(pte) &&
				       s2o_pte_owner(pte) != S2O_OWNER_HOST :
			       s2o_pte_valid(pte) ||
				       s2o_pte_owner(pte) != S2O_OWNER_GUEST)
		fail(w, "%s page %#" PRIx64 " of vm %d: the host stage-2 says "
		     "%#" PRIx64 " at level %u", ref_class[st].name, pfn,
		     vm->handle, pte, level);
	if (!g.checker || st == ST_GSHARED)
		return;
	for (cpu = 0; cpu < FAKE_NR_CPUS; cpu++)
		if (!fake_hw_translate(cpu, s2o_host_vttbr(), ipa, &tr))
			fail(w, "%s page %#" PRIx64 " of vm %d: cpu %u "
			     "translates it for the host (%s)",
			     ref_class[st].name, pfn, vm->handle, cpu,
			     tr.from_tlb ? "stale TLB entry" : "table walk");
}

/* An extent of @vm in state @st, if one of a few picks finds one. */
static struct ext *pick_ext(struct worker *w, struct test_vm *vm, int st)
{
	unsigned int tries;

	for (tries = 0; tries < 4; tries++) {
		struct ext *e = &vm->ext[rnd(w) % vm->nr_ext];

		if (e->st == st)
			return e;
	}
	return NULL;
}

/*
 * The guest's call @kind (share, unshare, relinquish) on part of one of
 * its extents, as a vCPU of the VM makes it. The extent is one run of
 * consecutive pages, so the call does all it asked for up to the 512 pages
 * of one call; the extent splits into the part before, the part done (now
 * in its new state) and the rest. Only this thread changes its VM's pages:
 * only the pool can make it fail.
 */
static void do_guest_call(struct worker *w, enum rm_kind kind)
{
	struct test_vm *vm = &w->vms[rnd(w) % VMS_PER_THREAD];
	struct rm_op op = { .kind = kind };
	int to = to_of(kind), ret;
	struct ext *e, whole;
	u64 skip, n, done;

	if (!vm->handle || !vm->nr_ext || vm->nr_ext >= MAX_EXT - 2)
		return;
	e = pick_ext(w, vm, from_of(kind));
	if (!e)
		return;
	whole = *e;
	skip = rnd(w) % 3 ? rnd(w) % e->nr : 0;
	n = skip || rnd(w) % 3 ? 1 + rnd(w) % (e->nr - skip) : e->nr;
	op.vm = vm->handle;
	op.gfn = e->gfn + skip;
	op.nr = n;
	/* The TOPUP exit: the VMM tops up, the guest calls again. */
	do {
		begin_op(w, kind, e->pfn + skip, n);
		ret = ref_call(&op, e->pfn + skip, n, &done);
		end_op(w, kind, e->pfn + skip, n, ret, OK | CACHE_);
	} while (ret == -S2OWN_ENOMEM && !vm_topup(w, vm));
	if (ret)
		return;
	if (done != S2O_MIN(n, (u64)RM_GUEST_CALL_MAX))
		fail(w, "%s(vm %d, gfn %#" PRIx64 ", nr %" PRIu64 ") did %"
		     PRIu64 " pages, want %" PRIu64, rm_kind_name[kind],
		     vm->handle, op.gfn, n, done,
		     S2O_MIN(n, (u64)RM_GUEST_CALL_MAX));
	if (to == ST_RECL)
		ring_push(to, e->pfn + skip, done);
	e->st = to;
	e->gfn += skip;
	e->pfn += skip;
	e->nr = done;
	if (skip)
		vm->ext[vm->nr_ext++] = (struct ext){
			.gfn = whole.gfn, .pfn = whole.pfn, .nr = skip,
			.st = whole.st };
	if (skip + done < whole.nr)
		vm->ext[vm->nr_ext++] = (struct ext){
			.gfn = whole.gfn + skip + done,
			.pfn = whole.pfn + skip + done,
			.nr = whole.nr - skip - done, .st = whole.st };
	check_both_sides(w, vm, e->gfn, e->pfn, to);
	check_both_sides(w, vm, e->gfn + done - 1, e->pfn + done - 1, to);
	if (skip + done < whole.nr)
		check_both_sides(w, vm, e->gfn + done, e->pfn + done,
				 whole.st);
	check_range(w, e->pfn, e->nr);
}

/* ---- phase 1: everything at once ----------------------------------------- */

static void one_op(struct worker *w)
{
	u64 r = rnd(w) % 1000, pfn, nr;

	if (r < 240) {
		do_fault(w);
	} else if (r < 340) {
		pick_range(w, &pfn, &nr);
		do_host_op(w, RM_DONATE_HYP, pfn, nr);
	} else if (r < 430) {
		give_back(w, ST_HYP);
	} else if (r < 480) {
		pick_range(w, &pfn, &nr);
		do_host_op(w, RM_SHARE, pfn, nr);
	} else if (r < 525) {
		give_back(w, ST_SHARED);
	} else if (r < 620) {
		do_donate_guest(w);
	} else if (r < 680) {
		do_guest_call(w, RM_GUEST_SHARE);
	} else if (r < 740) {
		do_guest_call(w, RM_GUEST_UNSHARE);
	} else if (r < 780) {
		do_guest_call(w, RM_RELINQUISH);
	} else if (r < 850) {
		give_back(w, ST_RECL);
	} else if (r < 865) {
		struct test_vm *vm = &w->vms[rnd(w) % VMS_PER_THREAD];

		if (vm->handle)
			destroy_vm(w, vm);
	} else if (r < 880) {
		do_badarg(w);
	} else if (r < 950) {
		pick_range(w, &pfn, &nr);
		sweep(w, pfn, nr);
	} else {
		pick_range(w, &pfn, &nr);
		check_range(w, pfn, nr);
	}
}

/* Stopped between two ops while the main thread checks everything. */
static void pause_here(void)
{
	__atomic_add_fetch(&g.paused, 1, __ATOMIC_SEQ_CST);
	harness_thread_idle(true);
	while (__atomic_load_n(&g.pause, __ATOMIC_SEQ_CST) && !stopping())
		usleep(100);
	harness_thread_idle(false);
	__atomic_sub_fetch(&g.paused, 1, __ATOMIC_SEQ_CST);
}

static void *stress_thread(void *arg)
{
	struct worker *w = arg;

	harness_thread_enter();
	while (!stopping()) {
		if (__atomic_load_n(&g.pause, __ATOMIC_SEQ_CST))
			pause_here();
		one_op(w);
	}
	harness_thread_leave();
	return NULL;
}

/* ---- phase 2: two threads, one range, one winner ------------------------- */

struct spin_barrier {
	u32 count;
	u32 gen;
};

static void barrier_wait(struct spin_barrier *b, u32 n)
{
	u32 gen = __atomic_load_n(&b->gen, __ATOMIC_ACQUIRE);

	if (__atomic_add_fetch(&b->count, 1, __ATOMIC_ACQ_REL) == n) {
		__atomic_store_n(&b->count, 0, __ATOMIC_RELAXED);
		__atomic_add_fetch(&b->gen, 1, __ATOMIC_RELEASE);
		return;
	}
	harness_thread_idle(true);
	/* Spin a while first: the point is to start the two ops together. */
	for (u32 spins = 0;
	     __atomic_load_n(&b->gen, __ATOMIC_ACQUIRE) == gen; spins++)
		if (spins > 1000)
			sched_yield();
	harness_thread_idle(false);
}

/* The kinds of round: the two calls that race, on overlapping ranges. */
static const enum rm_kind ck_ops[][2] = {
	{ RM_DONATE_HYP, RM_DONATE_HYP },
	{ RM_DONATE_HYP, RM_SHARE },
	{ RM_DONATE_HYP, RM_DONATE_GUEST },
	{ RM_DONATE_GUEST, RM_DONATE_GUEST },	/* to two VMs */
	{ RM_SHARE, RM_DONATE_GUEST },
	{ RM_GIVE_BACK, RM_GIVE_BACK },
	{ RM_UNSHARE, RM_UNSHARE },
	{ RM_RECLAIM, RM_RECLAIM },
};
#define NR_CK ((int)S2O_ARRAY_SIZE(ck_ops))

/* "a/b", the two calls' names. */
static const char *ck_name(int kind, char buf[48])
{
	snprintf(buf, 48, "%s/%s", rm_kind_name[ck_ops[kind][0]],
		 rm_kind_name[ck_ops[kind][1]]);
	return buf;
}

struct contender {
	struct rm_op op;
	int ret;
	double start, end;	/* when the call ran */
};

static struct {
	struct spin_barrier bar;
	u32 end;
	int kind;
	struct contender c[2];
	struct test_vm vm[2];
	int recl_vm;		/* the VM the reclaim rounds' pages name */
	u64 rounds[NR_CK], wins[2];
	u64 overlapped;		/* rounds whose two calls overlapped in time */
	u32 noise_stop;
} cf;

/* Single-threaded steps of the coordinator: they must work. */
static void must(struct worker *w, int ret, const char *what, u64 pfn,
		 u64 nr)
{
	if (ret)
		fail(w, "conflict round set-up/undo: %s(pfn %#" PRIx64
		     ", nr %" PRIu64 ") returned %d", what, pfn, nr, ret);
}

struct cf_topup {
	struct worker *w;
	struct test_vm *vm;
};

/* A TOPUP exit's answer for one of the rounds' VMs. */
static int cf_topup(void *arg)
{
	struct cf_topup *t = arg;

	return t->vm ? vm_topup(t->w, t->vm) : -S2OWN_ENOMEM;
}

/*
 * The same, for an operation of the model's; a guest call is made again
 * until its whole range is done, as a guest does, its VM's cache topped
 * up when short, as its VMM does.
 */
static void must_op(struct worker *w, const struct rm_op *op)
{
	struct cf_topup t = {
		.w = w,
		.vm = op->vm == cf.vm[0].handle ? &cf.vm[0] :
		      op->vm == cf.vm[1].handle ? &cf.vm[1] : NULL,
	};
	u64 done;
	int ret;

	if (rm_guest_call(op->kind))
		ret = guest_call_all_topup(rm_guest_fn(op->kind), op->vm,
					   op->gfn, op->nr, NULL, cf_topup,
					   &t);
	else
		ret = rm_core_call(op, &done);
	must(w, ret, rm_kind_name[op->kind], op->pfn, op->nr);
}

/* Destroy @vm, then take back the pages that funded it. */
static void cf_vm_destroy(struct worker *w, struct test_vm *vm)
{
	const struct rm_op op = {
		.kind = RM_RECLAIM, .pfn = fund_pfn(vm), .nr = vm->own,
	};

	__atomic_store_n(&g.vm_owner[vm->handle], 0, __ATOMIC_SEQ_CST);
	enter(op.pfn, op.nr);
	must(w, s2o_vm_destroy(vm->handle), "vm_destroy", 0, 0);
	leave(op.pfn, op.nr, true, ST_VMOWN, ST_RECL, 0);
	must(w, ref_call(&op, op.pfn, op.nr, NULL), "reclaim own pages",
	     op.pfn, op.nr);
	vm->handle = 0;
	vm->own = 0;
}

static void cf_vm_fresh(struct worker *w, struct test_vm *vm)
{
	int ret;

	if (vm->handle)
		cf_vm_destroy(w, vm);
	ret = vm_create_funded(w, vm, OK);
	if (ret <= 0)
		fail(w, "conflict: vm_create returned %d", ret);
	if (vm->own != 2 + S2OWN_TOPUP_PAGES)
		fail(w, "conflict: vm_topup of a fresh VM failed");
}

/*
 * A round's donation stays inside one 1G of gfns: S2OWN_TOPUP_PAGES in
 * the cache are enough, so that only the other contender makes it fail.
 */
static void cf_vm_cache(struct worker *w, struct test_vm *vm)
{
	if (vm_cache_left(vm->handle) >= S2OWN_TOPUP_PAGES)
		return;
	if (vm->own + S2OWN_TOPUP_PAGES > FUND_PAGES)
		cf_vm_fresh(w, vm);
	else
		must(w, vm_topup(w, vm), "vm_topup", fund_pfn(vm) + vm->own,
		     S2OWN_TOPUP_PAGES);
}

/* Donate [pfn, pfn + nr) to VM @vm at a fresh gfn; returns the gfn. */
static u64 cf_gfn(struct test_vm *vm, u64 pfn, u64 nr)
{
	u64 gfn = S2O_ALIGN_UP(vm->next_gfn, 512) + pfn % 512;

	vm->next_gfn = gfn + nr;
	return gfn;
}

static void cf_prepare(struct worker *w)
{
	struct rm_op *a = &cf.c[0].op, *b = &cf.c[1].op;
	u64 base = block_start(1 + rnd(w) % 2) >> 12, over;
	int kind = rnd(w) % NR_CK;
	unsigned int i;

	cf.kind = kind;
	for (i = 0; i < 2; i++) {
		struct rm_op *c = &cf.c[i].op;

		c->kind = ck_ops[kind][i];
		c->nr = 1 + (rnd(w) % 4 ? rnd(w) % 40 : rnd(w) % MAX_RANGE);
		c->vm = cf.vm[i].handle;
	}
	/* a first, then b around a page of a: they overlap. */
	a->pfn = base + hot_chunks[rnd(w) % 4] * 512 + rnd(w) % 512;
	over = a->pfn + rnd(w) % a->nr;
	b->pfn = over - rnd(w) % b->nr;
	for (i = 0; i < 2; i++)
		if (cf.c[i].op.kind == RM_DONATE_GUEST)
			cf.c[i].op.gfn = cf_gfn(&cf.vm[i], cf.c[i].op.pfn,
						cf.c[i].op.nr);
}

/* The state both calls of the round take their pages from. */
static int cf_start_state(void)
{
	return from_of(ck_ops[cf.kind][0]);
}

/* Put the union of the two ranges in the state the round starts from. */
static void cf_setup_union(struct worker *w, u64 lo, u64 hi)
{
	struct rm_op op = { .pfn = lo, .nr = hi - lo };
	struct test_vm *vm = &cf.vm[0];

	switch (cf_start_state()) {
	case ST_HYP:
		op.kind = RM_DONATE_HYP;
		must_op(w, &op);
		break;
	case ST_SHARED:
		op.kind = RM_SHARE;
		must_op(w, &op);
		break;
	case ST_RECL:
		op.kind = RM_DONATE_GUEST;
		op.vm = vm->handle;
		op.gfn = cf_gfn(vm, lo, hi - lo);
		cf.recl_vm = vm->handle;
		must_op(w, &op);
		/* Relinquished pages, or a destroyed VM's. */
		op.kind = RM_RELINQUISH;
		if (rnd(w) % 2)
			must_op(w, &op);
		else
			cf_vm_fresh(w, vm);
		break;
	}
}

/*
 * Give [pfn, pfn + nr), all in state @st, back to the host; a live guest's
 * pages (@c's) are relinquished first.
 */
static void cf_undo(struct worker *w, int st, u64 pfn, u64 nr,
		    const struct contender *c)
{
	struct rm_op op = { .pfn = pfn, .nr = nr };

	if (!nr)
		return;
	if (st == ST_GUEST) {
		op = c->op;
		op.kind = RM_RELINQUISH;
		must_op(w, &op);
		st = to_of(RM_RELINQUISH);
	}
	op.kind = give_back_op(st);
	must_op(w, &op);
}

static void cf_verify(struct worker *w)
{
	const struct rm_op *a = &cf.c[0].op, *b = &cf.c[1].op;
	struct contender *win = NULL, *lose = NULL;
	u64 lo = S2O_MIN(a->pfn, b->pfn);
	u64 hi = S2O_MAX(a->pfn + a->nr, b->pfn + b->nr);
	int start = cf_start_state(), st, i;
	char name[48], got[RM_INFO_LEN];
	u64 p;

	ck_name(cf.kind, name);
	cf.rounds[cf.kind]++;
	if (cf.c[0].start < cf.c[1].end && cf.c[1].start < cf.c[0].end)
		cf.overlapped++;
	for (i = 0; i < 2; i++)
		w->counts[cf.c[i].op.kind][res_of(cf.c[i].ret)]++;
	if (!cf.c[0].ret == !cf.c[1].ret) {
		fail(w, "conflict %s: a [%#" PRIx64 ", +%" PRIu64 ") -> %d, "
		     "b [%#" PRIx64 ", +%" PRIu64 ") -> %d: want exactly one "
		     "winner", name, a->pfn, a->nr, cf.c[0].ret, b->pfn,
		     b->nr, cf.c[1].ret);
		return;
	}
	win = cf.c[0].ret ? &cf.c[1] : &cf.c[0];
	lose = cf.c[0].ret ? &cf.c[0] : &cf.c[1];
	cf.wins[win - cf.c]++;
	if (lose->ret != -S2OWN_EPERM)
		fail(w, "conflict %s: the loser returned %d, want -EPERM",
		     name, lose->ret);
	for (p = lo; p < hi; p++) {
		bool in_win = p >= win->op.pfn && p < win->op.pfn + win->op.nr;
		struct s2o_page_info info;

		st = in_win ? to_of(win->op.kind) : start;
		s2o_page_query(p, &info);
		if (!info_matches(st, st == ST_GUEST ? win->op.vm :
				  st == ST_RECL ? cf.recl_vm : 0, &info)) {
			fail(w, "conflict %s: pfn %#" PRIx64 " should be %s, "
			     "query says %s", name, p, ref_class[st].name,
			     rm_info_str(&info, got));
			return;
		}
	}
	/* Everything back to the host for the next round. */
	if (start == ST_HOST) {
		cf_undo(w, to_of(win->op.kind), win->op.pfn, win->op.nr, win);
	} else {
		cf_undo(w, start, lo, win->op.pfn - lo, NULL);
		cf_undo(w, start, win->op.pfn + win->op.nr,
			hi - (win->op.pfn + win->op.nr), NULL);
	}
	if (fake_first_violation())
		fail(w, "break-before-make: %s", fake_first_violation());
}

static void *conflict_thread(void *arg)
{
	struct worker *w = arg;
	struct contender *c = &cf.c[w->idx];
	double end = harness_now() + g.conflict_secs;
	int me = w->idx;
	u64 done;

	harness_thread_enter();
	if (me == 0) {
		cf_vm_fresh(w, &cf.vm[0]);
		cf_vm_fresh(w, &cf.vm[1]);
	}
	for (;;) {
		if (me == 0) {
			const struct rm_op *a = &cf.c[0].op, *b = &cf.c[1].op;
			u64 total = 0;

			for (int k = 0; k < NR_CK; k++)
				total += cf.rounds[k];
			cf.end = stopping() || harness_now() > end;
			if (!cf.end) {
				if (total % 64 == 63) {
					cf_vm_fresh(w, &cf.vm[0]);
					cf_vm_fresh(w, &cf.vm[1]);
				}
				cf_vm_cache(w, &cf.vm[0]);
				cf_vm_cache(w, &cf.vm[1]);
				cf_prepare(w);
				cf_setup_union(w, S2O_MIN(a->pfn, b->pfn),
					       S2O_MAX(a->pfn + a->nr,
						       b->pfn + b->nr));
			}
		}
		begin_op(w, OP_CHECK, 0, 0);
		barrier_wait(&cf.bar, 2);
		if (cf.end)
			break;
		begin_op(w, c->op.kind, c->op.pfn, c->op.nr);
		/* A random head start, so that either may get there first. */
		for (u64 d = rnd(w) % 4096; d; d--)
			__asm__ __volatile__("" ::: "memory");
		c->start = harness_now();
		c->ret = rm_core_call(&c->op, &done);
		c->end = harness_now();
		__atomic_add_fetch(&w->progress, 1, __ATOMIC_RELAXED);
		barrier_wait(&cf.bar, 2);
		if (me == 0)
			cf_verify(w);
	}
	if (me == 0) {
		for (int i = 0; i < 2; i++) {
			cf_vm_destroy(w, &cf.vm[i]);
		}
		__atomic_store_n(&cf.noise_stop, 1, __ATOMIC_SEQ_CST);
	}
	harness_thread_leave();
	return NULL;
}

/*
 * The other threads fault on the contended blocks meanwhile, in bursts:
 * on two cores, a busy third thread would keep the two contenders from
 * ever running at the same time.
 */
static void *noise_thread(void *arg)
{
	struct worker *w = arg;
	struct fake_translation tr;
	u64 n = 0;

	harness_thread_enter();
	while (!__atomic_load_n(&cf.noise_stop, __ATOMIC_SEQ_CST)) {
		if (++n % 32 == 0) {
			harness_thread_idle(true);
			usleep(300);
			harness_thread_idle(false);
		}
		u64 ipa = block_start(1 + rnd(w) % 2) +
			  hot_chunks[rnd(w) % 4] * 2 * MIB +
			  rnd(w) % (2 * MIB);
		int ret;

		begin_op(w, RM_FAULT, ipa >> 12, 1);
		ret = host_read_fault(ipa);
		end_op(w, RM_FAULT, ipa >> 12, 1, ret, OK | EPERM_);
		if (!ret && g.checker)
			fake_hw_translate(w->cpu, s2o_host_vttbr(), ipa, &tr);
	}
	harness_thread_leave();
	return NULL;
}

/* ---- the end: everything exact ------------------------------------------- */

struct table_count {
	u64 tables;
	u8 *seen;	/* per pool page */
	int dups, outside;
	bool host;
	u64 uncoalesced;	/* host tables under one kind of memory */
	u64 first_uncoalesced;
};

static void count_table(struct table_count *tc, u64 pa)
{
	u64 i = (pa - STRESS_POOL_BASE) >> 12;

	if (!s2o_pool_contains(pa)) {
		tc->outside++;
		return;
	}
	if (tc->seen[i]++)
		tc->dups++;
	tc->tables++;
}

static int table_visitor(struct s2o_walk_ctx *ctx)
{
	struct table_count *tc = ctx->arg;
	u64 block;

	count_table(tc, s2o_pte_addr(ctx->old));
	/* A table the host could hold as one block: fine, unless all back. */
	if (tc->host && s2o_host_block_at(ctx->addr, ctx->level, &block) &&
	    !tc->uncoalesced++)
		tc->first_uncoalesced = ctx->addr;
	return 0;
}

static void count_pgt(struct table_count *tc, struct s2o_pgt *pgt, bool host)
{
	struct s2o_walker walker = {
		.cb = table_visitor,
		.arg = tc,
		.flags = S2O_VISIT_TABLE_PRE,
	};

	tc->host = host;
	count_table(tc, pgt->root_pa);
	s2o_walk(pgt, 0, 1ULL << S2O_IPA_BITS, &walker);
}

/*
 * Table pages in use must be exactly the distinct tables reachable from
 * the host's root and each live VM's (nothing leaked, nothing freed twice),
 * and no reservation may be left over. With @all_back (every page is the
 * host's), every host table that one block could replace must have
 * coalesced. Returns the count.
 */
static u64 check_tables(const char *when, bool all_back)
{
	struct table_count tc = { .seen = calloc(g.pool_pages, 1) };
	struct s2own_stats st;
	u64 nr_free, host_tables;
	int h, host_outside;

	count_pgt(&tc, &s2o_host_mmu.pgt, true);
	host_outside = tc.outside;
	host_tables = tc.tables;
	if (all_back && tc.uncoalesced)
		fail(NULL, "%s: %" PRIu64 " host tables of host-default entries "
		     "under one kind of memory did not coalesce, the first at "
		     "ipa %#" PRIx64, when, tc.uncoalesced,
		     tc.first_uncoalesced);
	/* A VM's tables are its own pages, never the pool's. */
	for (h = 1; h <= S2O_MAX_VMS; h++)
		if (s2o_vm_live((u8)h))
			count_pgt(&tc, &s2o_vm_slots[h].vm->pgt, false);
	free(tc.seen);
	s2o_get_stats(&st);
	if (tc.dups || host_outside || tc.tables != host_tables)
		fail(NULL, "%s: %d table pages reachable twice, %d host tables "
		     "outside the pool, %" PRIu64 " VM tables in it", when,
		     tc.dups, host_outside, tc.tables - host_tables);
	if (st.table_pages_used != host_tables)
		fail(NULL, "%s: %" PRIu64 " table pages in use, %" PRIu64
		     " reachable: %s", when, st.table_pages_used, host_tables,
		     st.table_pages_used > host_tables ? "leak" :
							 "double free");
	if (st.table_pages_used + st.table_pages_free != g.pool_pages)
		fail(NULL, "%s: pool used + free = %" PRIu64, when,
		     st.table_pages_used + st.table_pages_free);
	nr_free = s2o_pool_nr_free();
	if (s2o_pool_reserve_host(nr_free))
		fail(NULL, "%s: cannot reserve the %" PRIu64 " free pages: a "
		     "reservation leaked", when, nr_free);
	else
		s2o_pool_unreserve(nr_free);
	return tc.tables;
}

static void check_invariants(const char *when)
{
	char msg[CHECK_MSG_LEN];

	if (!harness_invariants_hold(msg))
		fail(NULL, "%s: %s", when, msg);
}

/* Every page: no claim left, query == reference; returns pages per state. */
static void check_all_pages(const char *when, u64 *per_state)
{
	char got[RM_INFO_LEN];
	u64 pfn;
	int bad = 0;

	memset(per_state, 0, NR_ST * sizeof(*per_state));
	for (pfn = FIRST_PFN; pfn < END_PFN && bad < 5; pfn++) {
		struct s2o_page_info info;
		int st = ref_state(pfn);
		int vm = g.ref_vm[pidx(pfn)];

		if (*s2o_page_lock(pfn)) {
			fail(NULL, "%s: pfn %#" PRIx64 " left claimed", when,
			     pfn);
			bad++;
			continue;
		}
		if (st < 0) {
			fail(NULL, "%s: pfn %#" PRIx64 ": successful ops add up "
			     "to no single state (flows %#" PRIx64 ")", when,
			     pfn, g.flow[pidx(pfn)]);
			bad++;
			continue;
		}
		per_state[st]++;
		if (s2o_page_query(pfn, &info) || !info_matches(st, vm, &info)) {
			fail(NULL, "%s: pfn %#" PRIx64 " should be %s (vm %d), "
			     "query: %s", when, pfn, ref_class[st].name, vm,
			     rm_info_str(&info, got));
			bad++;
		}
	}
}

/*
 * One pass over every page, giving back each run of pages in one state,
 * at most @max_run at a time. Returns the pages left to give back.
 */
static u64 give_back_pass(struct worker *w, u64 max_run, bool *progress)
{
	u64 pfn, nr, left = 0;

	for (pfn = FIRST_PFN; pfn < END_PFN; pfn += nr) {
		struct s2o_page_info info;
		int st, op, ret;

		s2o_page_query(pfn, &info);
		st = state_of(&info);
		for (nr = 1; pfn + nr < END_PFN && nr < max_run; nr++) {
			struct s2o_page_info next;

			s2o_page_query(pfn + nr, &next);
			if (state_of(&next) != st)
				break;
		}
		op = give_back_op(st);
		if (op < 0)
			continue;
		ret = do_host_op(w, op, pfn, nr);
		if (!ret) {
			*progress = true;
		} else if (ret == -S2OWN_ENOMEM && g.small_pool) {
			/* Others' give-backs coalesce and free pages: later. */
			left += nr;
		} else {
			fail(w, "give-back: %s(%#" PRIx64 ", %" PRIu64
			     ") returned %d", op_name(op), pfn, nr, ret);
			left += nr;
		}
	}
	return left;
}

/*
 * Destroy every VM, give every page back, single-threaded: all must work.
 * With a small pool a give-back may need a table page only others' can
 * free: go round again, in smaller runs, while that makes progress.
 */
static void give_everything_back(struct worker *w)
{
	unsigned int t, i;
	u64 left, max_run = 4096;
	bool progress = true;

	for (t = 0; t < g.nr_threads; t++)
		for (i = 0; i < VMS_PER_THREAD; i++) {
			struct test_vm *vm = &g.w[t].vms[i];

			if (vm->handle)
				destroy_vm(w, vm);
		}
	do {
		progress = false;
		left = give_back_pass(w, max_run, &progress);
		if (!progress && max_run > 1) {
			max_run /= 8;
			progress = true;
		}
	} while (left && progress);
	if (left)
		fail(w, "give-back: %" PRIu64 " pages could not be given back, "
		     "the pool staying dry", left);
}

/*
 * Phase 1, every CHECK_PERIOD seconds: stop the threads between two ops,
 * so that no transition is in flight, and run the core's invariant checker
 * (each VM's stage-2, the host's and every page's state agree) and the
 * table count; then let them go on.
 */
#define CHECK_PERIOD 0.25

static void check_mid_run(void)
{
	__atomic_store_n(&g.pause, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&g.paused, __ATOMIC_SEQ_CST) < g.nr_threads &&
	       !stopping())
		usleep(100);
	if (!stopping()) {
		harness_thread_idle(false);
		check_invariants("mid-run");
		check_tables("mid-run", false);
		if (fake_first_violation())
			fail(NULL, "mid-run: break-before-make checker: %s",
			     fake_first_violation());
		harness_thread_idle(true);
		g.mid_checks++;
	}
	__atomic_store_n(&g.pause, 0, __ATOMIC_SEQ_CST);
}

/* ---- watchdog ------------------------------------------------------------ */

static void *watchdog(void *arg)
{
	double limit = *(double *)arg, last_change = harness_now();
	u64 last = ~0ULL;

	for (;;) {
		u64 sum = 0;
		unsigned int t;
		u32 phase;

		/* A second, but a quick exit once the run is over. */
		for (t = 0; t < 10; t++) {
			if (__atomic_load_n(&g.phase, __ATOMIC_SEQ_CST) == 99)
				return NULL;
			usleep(100000);
		}
		phase = __atomic_load_n(&g.phase, __ATOMIC_SEQ_CST);
		if (phase == 99)
			return NULL;
		/* Only the threaded phases; the checks after them are long. */
		if (phase != 1 && phase != 2) {
			last_change = harness_now();
			continue;
		}
		for (t = 0; t < g.nr_threads; t++)
			sum += __atomic_load_n(&g.w[t].progress,
					       __ATOMIC_RELAXED);
		if (sum != last) {
			last = sum;
			last_change = harness_now();
			continue;
		}
		if (harness_now() - last_change < limit)
			continue;
		fprintf(stderr, "FAIL (seed %#" PRIx64 "): no progress for "
			"%.0f s in phase %u: deadlock or livelock\n", g.seed,
			limit, phase);
		for (t = 0; t < g.nr_threads; t++) {
			struct worker *w = &g.w[t];
			int op = __atomic_load_n(&w->cur_op, __ATOMIC_RELAXED);

			fprintf(stderr, "  thread %u: in %s(%#" PRIx64 ", %" PRIu64
				")\n", t, op_name(op),
				__atomic_load_n(&w->cur_pfn, __ATOMIC_RELAXED),
				__atomic_load_n(&w->cur_nr, __ATOMIC_RELAXED));
		}
		printf("0 passed, 1 failed\n");
		fflush(NULL);
		_exit(2);
	}
}

/* Phase 2: the two contenders and the noise threads. */
static void run_conflicts(void)
{
	unsigned int t;
	char name[48];
	int i;

	set_phase(2);
	for (t = 0; t < g.nr_threads; t++)
		pthread_create(&g.w[t].tid, NULL,
			       t < 2 ? conflict_thread : noise_thread,
			       &g.w[t]);
	harness_thread_idle(true);
	for (t = 0; t < g.nr_threads; t++)
		pthread_join(g.w[t].tid, NULL);
	harness_thread_idle(false);
	{
		u64 total = 0;

		for (i = 0; i < NR_CK; i++)
			total += cf.rounds[i];
		printf("conflict rounds: %" PRIu64 " (won by a %" PRIu64
		       ", b %" PRIu64 "; the two calls overlapped in time in %"
		       PRIu64 "):", total, cf.wins[0], cf.wins[1],
		       cf.overlapped);
		for (i = 0; i < NR_CK; i++)
			printf(" %s %" PRIu64 ";", ck_name(i, name),
			       cf.rounds[i]);
		printf("\n");
		if (!total && !stopping())
			fail(NULL, "no conflict round ran");
	}
	if (fake_first_violation())
		fail(NULL, "break-before-make checker: %s",
		     fake_first_violation());
}

/* ---- main ---------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr, "usage: stress [-t threads] [-s seconds] "
		"[-r conflict-seconds] [-c on|off] [-p pool-pages] "
		"[-S seed]\n");
	exit(2);
}

struct step {
	const char *name;
	u32 failures_before;
};

static unsigned int passed, failed;

static void step_begin(struct step *s, const char *name)
{
	s->name = name;
	s->failures_before = __atomic_load_n(&g.failures, __ATOMIC_SEQ_CST);
}

static void step_end(struct step *s)
{
	bool ok = __atomic_load_n(&g.failures, __ATOMIC_SEQ_CST) ==
		  s->failures_before;

	printf("%s: %s\n", ok ? "PASS" : "FAIL", s->name);
	if (ok)
		passed++;
	else
		failed++;
}

static void print_counts(void)
{
	u64 total[NR_OPS][NR_RES] = { 0 }, checks = 0, skipped = 0;
	unsigned int t, op, r;

	for (t = 0; t < g.nr_threads; t++) {
		for (op = 0; op < NR_OPS; op++)
			for (r = 0; r < NR_RES; r++)
				total[op][r] += g.w[t].counts[op][r];
		checks += g.w[t].checks;
		skipped += g.w[t].checks_skipped;
	}
	printf("ops by result, both phases:\n");
	for (op = 0; op < NR_OPS; op++) {
		u64 sum = 0;

		for (r = 0; r < NR_RES; r++)
			sum += total[op][r];
		if (!sum)
			continue;
		printf("  %-16s %9" PRIu64 ":", op_name(op), sum);
		for (r = 0; r < NR_RES; r++)
			if (total[op][r])
				printf(" %s %" PRIu64, res_name[r],
				       total[op][r]);
		printf("\n");
	}
	printf("exact page checks: %" PRIu64 " done, %" PRIu64
	       " skipped (page busy)\n", checks, skipped);
}

int main(int argc, char **argv)
{
	pthread_t dog;
	double dog_limit;
	u64 per_state[NR_ST], tables;
	struct s2own_stats st;
	struct step step;
	unsigned int t;
	int opt, i;

	g.nr_threads = 4;
	g.secs = 3;
	g.conflict_secs = 1;
	g.checker = true;
	g.pool_pages = MAX_POOL_PAGES;
	g.seed = rng_seed();
	while ((opt = getopt(argc, argv, "t:s:r:c:p:S:")) != -1) {
		switch (opt) {
		case 't':
			g.nr_threads = atoi(optarg);
			break;
		case 's':
			g.secs = atof(optarg);
			break;
		case 'r':
			g.conflict_secs = atof(optarg);
			break;
		case 'c':
			g.checker = strcmp(optarg, "off") != 0;
			break;
		case 'p':
			g.pool_pages = strtoull(optarg, NULL, 0);
			break;
		case 'S':
			g.seed = strtoull(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	if (g.nr_threads < 2 || g.nr_threads > MAX_THREADS ||
	    g.pool_pages < 16 || g.pool_pages > MAX_POOL_PAGES)
		usage();
	g.small_pool = g.pool_pages < MAX_POOL_PAGES;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (g.small_pool)
		g.conflict_secs = 0;
	printf("stress: mode %s%s, checker %s, %u threads, %" PRIu64 " table "
	       "pages, %.1f s + %.1f s conflicts, seed %#" PRIx64 "\n",
	       S2O_SYNC_NAME, SANITIZER, g.checker ? "on" : "off", g.nr_threads,
	       g.pool_pages, g.secs, g.conflict_secs, g.seed);

	fake_arch_set_checker(g.checker);
	g.flow = calloc(NR_PAGES, sizeof(*g.flow));
	g.inflight = calloc(NR_PAGES, sizeof(*g.inflight));
	g.version = calloc(NR_PAGES, sizeof(*g.version));
	g.ref_vm = calloc(NR_PAGES, sizeof(*g.ref_vm));
	if (!g.flow || !g.inflight || !g.version || !g.ref_vm) {
		perror("stress: malloc");
		return 2;
	}
	for (u64 p = 0; p < NR_PAGES; p++)
		g.flow[p] = flow_of(ST_HOST);
	harness_thread_enter();
	if (harness_init(&stress_map, g.pool_pages, g.nr_threads)) {
		fprintf(stderr, "stress: s2o_init failed\n");
		return 2;
	}
	for (t = 0; t < g.nr_threads; t++) {
		g.w[t].idx = t;
		g.w[t].cpu = t % FAKE_NR_CPUS;
		g.w[t].rng = rng_mix(g.seed + t);
		for (i = 0; i < VMS_PER_THREAD; i++)
			g.w[t].vms[i].fund = t * VMS_PER_THREAD + i;
	}
	cf.vm[0].fund = CF_FUND;
	cf.vm[1].fund = CF_FUND + 1;
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
	dog_limit = 120;
#else
	dog_limit = 30;
#endif
	pthread_create(&dog, NULL, watchdog, &dog_limit);

	/* Phase 1. */
	set_phase(1);
	step_begin(&step, "mixed ops: only allowed results, exact in-run "
		   "checks");
	for (t = 0; t < g.nr_threads; t++)
		pthread_create(&g.w[t].tid, NULL, stress_thread, &g.w[t]);
	harness_thread_idle(true);
	{
		double end = harness_now() + g.secs;
		double next = harness_now() + CHECK_PERIOD;

		while (harness_now() < end && !stopping()) {
			usleep(10000);
			if (harness_now() < next)
				continue;
			check_mid_run();
			next = harness_now() + CHECK_PERIOD;
		}
	}
	__atomic_store_n(&g.stop, 1, __ATOMIC_SEQ_CST);
	for (t = 0; t < g.nr_threads; t++)
		pthread_join(g.w[t].tid, NULL);
	harness_thread_idle(false);
	step_end(&step);
	printf("invariant checks with the threads stopped mid-run: %u\n",
	       g.mid_checks);
	s2o_get_stats(&st);
	printf("core: %" PRIu64 " splits, %" PRIu64 " coalesces, %" PRIu64
	       " host faults (%" PRIu64 " refused), tlbi %" PRIu64 " ipa / %"
	       PRIu64 " range / %" PRIu64 " vmid, %" PRIu64 " pages scrubbed\n",
	       st.splits, st.coalesces, st.host_faults, st.host_faults_refused,
	       st.tlbi_ipa, st.tlbi_range, st.tlbi_vmid, st.pages_scrubbed);

	step_begin(&step, "no break-before-make violation");
	if (fake_first_violation())
		fail(NULL, "break-before-make checker: %s",
		     fake_first_violation());
	step_end(&step);

	step_begin(&step, "after join: every page's state is the one its "
		   "successful ops add up to");
	check_all_pages("after join", per_state);
	step_end(&step);
	set_phase(0);
	printf("pages after join:");
	for (i = 0; i < NR_ST; i++)
		printf(" %s %" PRIu64, ref_class[i].name, per_state[i]);
	printf("\n");

	step_begin(&step, "after join: invariants, tables in use == "
		   "reachable, no reservation left");
	check_invariants("after join");
	tables = check_tables("after join", false);
	step_end(&step);
	printf("tables after join: %" PRIu64 "\n", tables);
	set_phase(0);

	/* Phase 2: conflicts, on a clean slate of those blocks. */
	step_begin(&step, "give everything back: every call succeeds");
	__atomic_store_n(&g.stop, 0, __ATOMIC_SEQ_CST);
	give_everything_back(&g.w[0]);
	step_end(&step);

	if (g.small_pool) {
		printf("SKIP: conflicting transitions (a small pool may fail "
		       "both)\n");
	} else {
		step_begin(&step, "conflicting transitions: exactly one winner "
			   "per round");
		run_conflicts();
		step_end(&step);
	}

	set_phase(3);
	step_begin(&step, "at the end: all pages HOST, invariants, no BBM "
		   "violation");
	check_all_pages("at the end", per_state);
	if (per_state[ST_HOST] != NR_PAGES)
		fail(NULL, "at the end: %" PRIu64 " pages not HOST",
		     NR_PAGES - per_state[ST_HOST]);
	check_invariants("at the end");
	if (fake_first_violation())
		fail(NULL, "break-before-make checker: %s",
		     fake_first_violation());
	step_end(&step);

	/*
	 * Nothing is owned away from the host any more: every table under
	 * one kind of memory must have coalesced. What may stay: the root,
	 * the level-1 table, the tables of the first 1G block and of its
	 * first 2M (partly the hypervisor's RAM) and those around islands.
	 */
	step_begin(&step, "at the end: tables in use == reachable, all "
		   "coalesced, no reservation left");
	tables = check_tables("at the end", true);
	step_end(&step);
	printf("tables at the end: %" PRIu64 "\n", tables);

	s2o_get_stats(&st);
	printf("core totals: %" PRIu64 " splits, %" PRIu64 " coalesces\n",
	       st.splits, st.coalesces);
	print_counts();
	set_phase(99);
	pthread_join(dog, NULL);
	harness_thread_leave();
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
