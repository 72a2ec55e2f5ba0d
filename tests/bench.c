// SPDX-License-Identifier: GPL-2.0-only
/*
 * Throughput and walk cost of the ownership core, fake checker off.
 *
 * Built once per sync mode (mk/bench.mk), on the harness's fake machine
 * (harness.h) with a memory map of its own. Three uses:
 *
 *   bench -t T -s S -n R [-m mix|faults|private]
 *                              R runs of S seconds with T threads of the
 *                              mixed workload; prints each run and the
 *                              median ops/s, last line "median N C"
 *                              (C: ops per CPU-second). For
 *                              finding out why: -m faults is host faults
 *                              only, on mapped level-3 pages of the shared
 *                              tables; -m private is the mix with each
 *                              thread in a 1G block of its own.
 *   bench -W l3|l2 -n N        N host faults on one mapped page whose leaf
 *                              is a level-3 page (l3) or a 2M block (l2),
 *                              inside CALLGRIND_START/STOP_INSTRUMENTATION:
 *                              run it under callgrind --instr-atstart=no
 *   bench -R mode=t1,t2,l3,l2,c1,c2 ...
 *                              the report: one table for the modes given
 *                              and the targets of issue 3, PASS or MISS
 *
 * The workload. Every thread loops over a mix: 70% host faults (half on
 * the pages being churned, so they hit entries racing with splits and
 * collapses, or re-map pages just given back; half anywhere in two 1G
 * blocks, mostly already mapped), 16% single-page donate/give-back to the
 * hypervisor (splits down to level 3 and coalesces back), 2% 2M chunks
 * (level-2 annotations in the shared level-2 table; 512 page claims each,
 * so more would make claims all there is to measure), 12% single pages
 * donated to the thread's own VM, relinquished and reclaimed (scrub
 * included). Each thread's pages are its own, so no transition fails on
 * another's, but they interleave in 8-page stripes in the same 2M chunks
 * and the chunks sit in the same two 1G blocks: the threads share every
 * table above their pages and collapse each other's.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <valgrind/callgrind.h>

#include "harness.h"
#include "rng.h"

#include "../ownership/sync.h"	/* S2O_SYNC_NAME, liburcu in RCU mode */

#define BENCH_HYP_BASE (1 * GIB)
#define BENCH_HYP_SIZE (32 * MIB)
#define BENCH_POOL_BASE (BENCH_HYP_BASE + 16 * MIB)
#define BENCH_POOL_PAGES ((u64)4096)
#define BENCH_RAM_BASE (BENCH_HYP_BASE + BENCH_HYP_SIZE)
#define BENCH_RAM_END (4 * GIB)
#define BLOCK(b) ((2 + (u64)(b)) * GIB)	/* the two shared 1G blocks */
/* Thread t's VM's pair and table cache, away from the blocks. */
#define BENCH_FUND(t) (PFN(BENCH_RAM_BASE) + (u64)(t) * 8)

#define ACTIVE_CHUNKS 16	/* per block: single pages churn there */
#define CHUNK_PAGES 512
#define STRIPE 8		/* pages per thread per stripe */
#define BIG_CHUNK0 64		/* per block: 2M chunks start there */
#define FIFO 8			/* single pages out at a time per thread */
#define BIG_FIFO 2
#define MAX_THREADS 8

struct worker {
	pthread_t tid;
	unsigned int idx, nr;
	u64 rng;
	int vm;
	u64 hyp[FIFO], guest[FIFO], big[BIG_FIFO];
	unsigned int nr_hyp, nr_guest, nr_big, hyp_head, guest_head, big_head;
	u64 errors;
	u64 done;		/* calls made, this thread's own count */
	/* Published copy, read by the main thread: its own cache line. */
	u64 ops __attribute__((aligned(64)));
	char pad[56];
};

enum workload { W_MIX, W_FAULTS, W_PRIVATE };

static struct {
	enum workload workload;
	u32 stop;
	u32 go;
	struct worker w[MAX_THREADS] __attribute__((aligned(64)));
} g;

static const struct s2o_mem_region regions[] = {
	{ BENCH_HYP_BASE, BENCH_HYP_SIZE, S2O_MEM_HYP },
	{ BENCH_RAM_BASE, BENCH_RAM_END - BENCH_RAM_BASE, S2O_MEM_RAM },
};

static const struct harness_map bench_map =
	HARNESS_MAP(regions, BENCH_POOL_BASE, BENCH_HYP_BASE, BENCH_RAM_END);

static void setup(void)
{
	fake_arch_set_checker(false);
	if (harness_init(&bench_map, BENCH_POOL_PAGES, MAX_THREADS)) {
		fprintf(stderr, "bench: s2o_init failed\n");
		exit(2);
	}
}

/* The shared blocks, or with -m private, the thread's own. */
static u64 block_of(struct worker *w, u64 r)
{
	return BLOCK(g.workload == W_PRIVATE ? w->idx : r % 2);
}

/* A page of this thread's stripes in the active chunks. */
static u64 my_page(struct worker *w)
{
	bool private = g.workload == W_PRIVATE;
	u64 chunk = rng_below(&w->rng, 2 * ACTIVE_CHUNKS);
	u64 nr = private ? 1 : w->nr, stripes = CHUNK_PAGES / (STRIPE * nr);
	u64 off = (rng_below(&w->rng, stripes) * nr + (private ? 0 : w->idx)) *
		  STRIPE + rng_below(&w->rng, STRIPE);

	return (block_of(w, chunk) >> 12) + (chunk / 2) * CHUNK_PAGES + off;
}

static bool out(const u64 *set, unsigned int n, u64 pfn)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (set[i] == pfn)
			return true;
	return false;
}

static u64 fresh_page(struct worker *w)
{
	u64 pfn;

	do
		pfn = my_page(w);
	while (out(w->hyp, w->nr_hyp, pfn) || out(w->guest, w->nr_guest, pfn));
	return pfn;
}

static void check(struct worker *w, int ret)
{
	if (ret)
		w->errors++;
	w->done++;
}

static void fault(struct worker *w)
{
	u64 ipa;

	if (g.workload == W_FAULTS || rng_below(&w->rng, 2)) {
		u64 chunk = rng_below(&w->rng, 2 * ACTIVE_CHUNKS);

		ipa = block_of(w, chunk) + (chunk / 2) * 2 * MIB +
		      rng_below(&w->rng, 2 * MIB);
	} else {
		ipa = block_of(w, rng_next(&w->rng)) + rng_below(&w->rng, GIB);
	}
	/* -EPERM on a page someone donated is part of the workload. */
	host_read_fault(ipa);
	w->done++;
}

static void hyp_churn(struct worker *w)
{
	u64 pfn;

	if (w->nr_hyp == FIFO) {
		pfn = w->hyp[w->hyp_head];
		check(w, s2o_hyp_donate_host(pfn, 1));
		w->hyp[w->hyp_head] = fresh_page(w);
		check(w, s2o_host_donate_hyp(w->hyp[w->hyp_head], 1));
		w->hyp_head = (w->hyp_head + 1) % FIFO;
		return;
	}
	pfn = fresh_page(w);
	check(w, s2o_host_donate_hyp(pfn, 1));
	w->hyp[w->nr_hyp++] = pfn;
}

static void big_churn(struct worker *w)
{
	bool private = g.workload == W_PRIVATE;
	u64 k = rng_below(&w->rng, 16);
	u64 chunk = BIG_CHUNK0 + (private ? k : k * w->nr + w->idx);
	u64 pfn = (block_of(w, rng_next(&w->rng)) >> 12) + chunk * CHUNK_PAGES;

	if (out(w->big, w->nr_big, pfn))
		return;
	if (w->nr_big == BIG_FIFO) {
		check(w, s2o_hyp_donate_host(w->big[w->big_head], CHUNK_PAGES));
		w->big[w->big_head] = pfn;
		w->big_head = (w->big_head + 1) % BIG_FIFO;
	} else {
		w->big[w->nr_big++] = pfn;
	}
	check(w, s2o_host_donate_hyp(pfn, CHUNK_PAGES));
}

static void guest_churn(struct worker *w)
{
	u64 pfn;

	if (w->nr_guest == FIFO) {
		unsigned int slot = w->guest_head;
		u64 pages;

		pfn = w->guest[slot];
		check(w, s2o_guest_relinquish(w->vm, slot, 1, &pages));
		check(w, s2o_host_reclaim_guest(pfn, 1));
		w->guest[slot] = fresh_page(w);
		check(w, s2o_host_donate_guest(w->vm, w->guest[slot], slot,
					       1));
		w->guest_head = (slot + 1) % FIFO;
		return;
	}
	pfn = fresh_page(w);
	check(w, s2o_host_donate_guest(w->vm, pfn, w->nr_guest, 1));
	w->guest[w->nr_guest++] = pfn;
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;

	harness_thread_enter();
	while (!__atomic_load_n(&g.go, __ATOMIC_ACQUIRE))
		;
	while (!__atomic_load_n(&g.stop, __ATOMIC_RELAXED)) {
		u64 r = g.workload == W_FAULTS ? 0 : rng_below(&w->rng, 100);

		if (r < 70)
			fault(w);
		else if (r < 86)
			hyp_churn(w);
		else if (r < 88)
			big_churn(w);
		else
			guest_churn(w);
		__atomic_store_n(&w->ops, w->done, __ATOMIC_RELAXED);
	}
	harness_thread_leave();
	return NULL;
}

static u64 total_ops(unsigned int n)
{
	u64 sum = 0;
	unsigned int t;

	for (t = 0; t < n; t++)
		sum += __atomic_load_n(&g.w[t].ops, __ATOMIC_RELAXED);
	return sum;
}

/*
 * One run: ops/s over @secs after a warm-up of a tenth of that, and ops
 * per second of CPU time the process used meanwhile (@per_cpu_s): on a
 * shared machine a thread waits for a core as often as for the core's
 * locks, and only the second shows in CPU time.
 */
static double run_once(unsigned int n, double secs, u64 seed, u64 *errors,
		       double *per_cpu_s)
{
	double t0, t1, c0, c1;
	u64 ops0, ops1;
	unsigned int t;

	setup();
	memset(g.w, 0, sizeof(g.w));
	g.stop = 0;
	g.go = 0;
	if (g.workload == W_FAULTS) {
		u64 c, b;

		/* Map both blocks, then split every active chunk to level 3. */
		for (b = 0; b < 2; b++) {
			host_read_fault(BLOCK(b));
			for (c = 0; c < ACTIVE_CHUNKS; c++)
				s2o_host_donate_hyp((BLOCK(b) >> 12) +
						    c * CHUNK_PAGES + 511, 1);
		}
	}
	for (t = 0; t < n; t++) {
		struct worker *w = &g.w[t];

		w->idx = t;
		w->nr = n;
		w->rng = rng_mix(seed + t);
		/*
		 * Funded once for good: its FIFO gfns need a level-1, -2 and
		 * -3 table, which stay.
		 */
		w->vm = vm_create_at(BENCH_FUND(t), S2OWN_TOPUP_PAGES);
		if (w->vm <= 0) {
			fprintf(stderr, "bench: vm_create: %d\n", w->vm);
			exit(2);
		}
		pthread_create(&w->tid, NULL, worker_fn, w);
	}
	harness_thread_idle(true);
	__atomic_store_n(&g.go, 1, __ATOMIC_RELEASE);
	usleep((useconds_t)(secs * 1e5));
	t0 = harness_now();
	c0 = harness_seconds(CLOCK_PROCESS_CPUTIME_ID);
	ops0 = total_ops(n);
	usleep((useconds_t)(secs * 1e6));
	t1 = harness_now();
	c1 = harness_seconds(CLOCK_PROCESS_CPUTIME_ID);
	ops1 = total_ops(n);
	*per_cpu_s = (ops1 - ops0) / (c1 - c0);
	__atomic_store_n(&g.stop, 1, __ATOMIC_RELAXED);
	*errors = 0;
	for (t = 0; t < n; t++) {
		pthread_join(g.w[t].tid, NULL);
		*errors += g.w[t].errors;
	}
	harness_thread_idle(false);
	return (ops1 - ops0) / (t1 - t0);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int throughput(unsigned int n, double secs, unsigned int reps)
{
	double r[16], sorted[16], cpu[16], splits = 0, coalesces = 0;
	struct s2own_stats st;
	unsigned int i;
	u64 errors;

	for (i = 0; i < reps; i++) {
		r[i] = run_once(n, secs, 1 + i, &errors, &cpu[i]);
		s2o_get_stats(&st);
		splits += st.splits;
		coalesces += st.coalesces;
		/* Each thread's pages are its own: nothing may fail. */
		if (errors) {
			fprintf(stderr, "bench: %" PRIu64 " transitions failed\n",
				errors);
			return 1;
		}
	}
	memcpy(sorted, r, sizeof(r));
	qsort(sorted, reps, sizeof(r[0]), cmp_double);
	printf("%-8s %uT%s, %u x %.1f s:", S2O_SYNC_NAME, n,
	       g.workload == W_FAULTS ? " faults" :
	       g.workload == W_PRIVATE ? " private" : "", reps, secs);
	for (i = 0; i < reps; i++)
		printf(" %.0f", r[i]);
	printf(" ops/s, median %.0f (%.0f splits/s, %.0f coalesces/s)\n",
	       sorted[reps / 2], splits / (reps * secs * 1.1),
	       coalesces / (reps * secs * 1.1));
	qsort(cpu, reps, sizeof(cpu[0]), cmp_double);
	printf("%-8s %uT: %.0f ops per CPU-second (median)\n", S2O_SYNC_NAME, n,
	       cpu[reps / 2]);
	printf("median %.0f %.0f\n", sorted[reps / 2], cpu[reps / 2]);
	return 0;
}

/* The callgrind driver: the fault path on an already-mapped page. */
static int walk(const char *kind, u64 n)
{
	u64 block = BLOCK(0), target;
	u64 i;
	int ret = 0;

	setup();
	/* Map the 1G block, then split it down to level 3 around page 5. */
	if (host_read_fault(block) ||
	    s2o_host_donate_hyp((block >> 12) + 5, 1))
		return 2;
	target = !strcmp(kind, "l3") ? block + 7 * PAGE : block + 4 * MIB;
	if (host_read_fault(target))
		return 2;
	CALLGRIND_START_INSTRUMENTATION;
	for (i = 0; i < n; i++)
		ret |= host_read_fault(target);
	CALLGRIND_STOP_INSTRUMENTATION;
	printf("%s walk: %" PRIu64 " faults, ret %d\n", kind, n, ret);
	return ret ? 2 : 0;
}

/* ---- the report ---------------------------------------------------------- */

struct mode_result {
	char name[16];
	double t1, t2, l3, l2;	/* ops/s; walk instructions */
	double c1, c2;		/* ops per CPU-second */
};

static const char *verdict(bool ok)
{
	return ok ? "PASS" : "MISS";
}

static int report(int argc, char **argv)
{
	struct mode_result m[3] = { 0 }, *ref = NULL, *lock = NULL, *rcu = NULL;
	int i, n = 0;

	for (i = 0; i < argc && n < 3; i++) {
		struct mode_result *r = &m[n];

		if (sscanf(argv[i], "%15[^=]=%lf,%lf,%lf,%lf,%lf,%lf", r->name,
			   &r->t1, &r->t2, &r->l3, &r->l2, &r->c1,
			   &r->c2) != 7) {
			fprintf(stderr, "bench: bad report item %s\n", argv[i]);
			return 2;
		}
		if (!strcmp(r->name, "refcount"))
			ref = r;
		else if (!strcmp(r->name, "lock"))
			lock = r;
		else if (!strcmp(r->name, "rcu"))
			rcu = r;
		n++;
	}
	printf("\n%-9s | %12s | %12s | %5s | %5s | %-15s | %s\n", "mode",
	       "1T ops/s", "2T ops/s", "2T/1T", "CPU-n", "walk instr L3/2M",
	       "walk vs URCU (L3/2M)");
	printf("----------+--------------+--------------+-------+-------+"
	       "-----------------+---------------------\n");
	for (i = 0; i < n; i++) {
		char walk[32], vs[32] = "-";

		snprintf(walk, sizeof(walk), "%.1f / %.1f", m[i].l3, m[i].l2);
		if (rcu && rcu->l3 > 0 && rcu->l2 > 0)
			snprintf(vs, sizeof(vs), "%.3f / %.3f",
				 m[i].l3 / rcu->l3, m[i].l2 / rcu->l2);
		printf("%-9s | %12.0f | %12.0f | %5.2f | %5.2f | %-15s | %s\n",
		       m[i].name, m[i].t1, m[i].t2,
		       m[i].t1 > 0 ? m[i].t2 / m[i].t1 : 0,
		       m[i].c1 > 0 ? 2 * m[i].c2 / m[i].c1 : 0, walk, vs);
	}
	printf("CPU-n: 2T/1T from ops per CPU-second (x2). It leaves out "
	       "waiting for a core, but on a busy\nmachine the two threads "
	       "also seldom run at once, which hides contention: an upper "
	       "bound.\nOnly 2T/1T measured on an idle machine, where the two "
	       "agree, answers the question.\n");
	printf("\ntargets (issue 3):\n");
	if (ref)
		printf("  %s  refcount 2T >= 1.8x refcount 1T: %.2fx "
		       "(CPU-normalised %.2fx)\n",
		       verdict(ref->t2 >= 1.8 * ref->t1), ref->t2 / ref->t1,
		       2 * ref->c2 / ref->c1);
	if (ref && lock)
		printf("  %s  refcount 2T >= 1.5x lock 2T: %.2fx "
		       "(CPU-normalised %.2fx)\n",
		       verdict(ref->t2 >= 1.5 * lock->t2), ref->t2 / lock->t2,
		       ref->c2 / lock->c2);
	if (ref && rcu)
		printf("  %s  refcount walk instr <= 1.15x URCU walk instr: "
		       "%.3fx (L3 leaf), %.3fx (2M leaf)\n",
		       verdict(ref->l3 <= 1.15 * rcu->l3 &&
			       ref->l2 <= 1.15 * rcu->l2),
		       ref->l3 / rcu->l3, ref->l2 / rcu->l2);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench [-t threads] [-s seconds] [-n runs] "
			"[-m mix|faults|private]\n"
			"       bench -W l3|l2 [-n faults]\n"
			"       bench -R mode=t1,t2,l3,l2,c1,c2 ...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned int threads = 1, reps = 3;
	const char *walk_kind = NULL;
	double secs = 2;
	u64 n = 0;
	int opt, ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "t:s:n:m:W:R")) != -1) {
		switch (opt) {
		case 't':
			threads = atoi(optarg);
			break;
		case 's':
			secs = atof(optarg);
			break;
		case 'n':
			n = strtoull(optarg, NULL, 0);
			break;
		case 'W':
			walk_kind = optarg;
			break;
		case 'm':
			g.workload = !strcmp(optarg, "faults") ? W_FAULTS :
				     !strcmp(optarg, "private") ? W_PRIVATE :
				     !strcmp(optarg, "mix") ? W_MIX : (usage(), 0);
			break;
		case 'R':
			return report(argc - optind, argv + optind);
		default:
			usage();
		}
	}
	if (threads < 1 || threads > MAX_THREADS || secs <= 0)
		usage();
	harness_thread_enter();
	if (walk_kind) {
		if (strcmp(walk_kind, "l3") && strcmp(walk_kind, "l2"))
			usage();
		ret = walk(walk_kind, n ? n : 100000);
	} else {
		if (n)
			reps = n > 15 ? 15 : (unsigned int)n;
		ret = throughput(threads, secs, reps);
	}
	harness_thread_leave();
	return ret;
}
