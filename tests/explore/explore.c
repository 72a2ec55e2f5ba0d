// SPDX-License-Identifier: GPL-2.0-only
/*
 * The explorer: every interleaving of the real ownership/ code, up to a
 * preemption bound, in small scenarios (scenarios.c), under the controlled
 * scheduler (sched.h); or randomized schedules (PCT) from a seed; or one
 * schedule, replayed.
 *
 * Usage: explore [-s scenario[,scenario...]] [-b bound] [-B bound]
 *                [--sleep-sets] [--pct runs] [-d depth] [-S seed]
 *                [-r schedule] [-t] [-n max-runs] [--deep] [--list]
 *   -s        the scenarios (default: all but the deep ones; --deep: all)
 *   -b        DFS: every schedule with at most this many preemptions
 *             (default 2)
 *   -B        the same for scenarios of three threads (default: -b)
 *   --sleep-sets  DFS cutting schedules that only reorder independent
 *             accesses: faster, but with the bound and fair scheduling it
 *             can lose schedules (it misses alloc-resets-refs at bound 2)
 *   --pct N   N PCT runs per scenario instead, bug depth -d (default 3),
 *             seed -S (default: S2OWN_SEED or the clock)
 *   -r SCHED  run one schedule (as printed on a failure), -t traces it
 *   -n N      stop a scenario's DFS after N schedules
 *
 * Built with a mutant (-DS2O_MUTANT=..., ownership/mutant.h), it must fail:
 * it explores the mutant's scenarios until one schedule fails, prints
 * where, and exits 0; if none does, 1.
 *
 * One line per scenario (bound, schedules, time); a failure prints what
 * failed, the schedule, and the command that replays it. The last line is
 * "N passed, M failed".
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../ownership/mem_protect.h"
#include "../../ownership/vm.h"
#include "../harness.h"
#include "../rng.h"
#include "explore.h"

/*
 * Each machine has a little RAM of its own for the pages the host gives
 * its VMs (VM_FUND()), apart from the blocks the scenarios race on: in a
 * 2M block of its own on the small machine, in the next 1G block on the
 * 1G one, whose level-2 table must be free to coalesce.
 */
#define X_FUND_BASE (X_RAM_END + 2 * MIB)
#define X1G_FUND_BASE X1G_RAM_END
#define X_FUND_BYTES (4 * VM_FUND_PAGES * PAGE)	/* handles 0..3 */

static const struct s2o_mem_region x_regions[] = {
	{ HYP_BASE, HYP_END - HYP_BASE, S2O_MEM_HYP },
	{ RAM_BASE, X_RAM_END - RAM_BASE, S2O_MEM_RAM },
	{ X_FUND_BASE, X_FUND_BYTES, S2O_MEM_RAM },
};

static const struct harness_map x_map =
	HARNESS_MAP_FUNDED(x_regions, POOL_BASE, HYP_BASE,
			   X_FUND_BASE + X_FUND_BYTES, X_FUND_BASE);

static const struct s2o_mem_region x1g_regions[] = {
	{ HYP_BASE, HYP_END - HYP_BASE, S2O_MEM_HYP },
	{ X1G_RAM_BASE, X1G_RAM_END - X1G_RAM_BASE, S2O_MEM_RAM },
	{ X1G_FUND_BASE, X_FUND_BYTES, S2O_MEM_RAM },
};

/* The first machine set up: its arena holds the other's too. */
static const struct harness_map x1g_map =
	HARNESS_MAP_FUNDED(x1g_regions, POOL_BASE, HYP_BASE,
			   X1G_FUND_BASE + X_FUND_BYTES, X1G_FUND_BASE);

static struct {
	const char *argv0;
	struct sched_config cfg;
	unsigned int bound3;	/* the bound for three threads, or 0 */
	unsigned long max_runs;
	bool expect_fail;
	/* The run in progress, for the crash handler. */
	const struct scenario *sc;
	unsigned long run;
	bool found;
} x;

/* ---- The model's side ---------------------------------------------------- */

/*
 * The model after the prelude, and what the prelude's calls returned. Of
 * the VMs' gfn maps (most of the model) only the gfns the threads' calls
 * name can change: only those are restored.
 */
static struct {
	bool taken;
	u8 head[offsetof(struct rm_model, gmap)];
	u64 gmap[3][RM_GSLOTS];
	int rets[X_MAX_PRELUDE];
	struct {
		int vm, slot;
	} gfns[SCHED_MAX_THREADS * X_MAX_OPS * 2];
	unsigned int nr_gfns;
} saved;

static void model_save(const struct scenario *sc)
{
	unsigned int t, i, n = 0;

	memcpy(saved.head, &rm, sizeof(saved.head));
	memcpy(saved.gmap, rm.gmap, sizeof(saved.gmap));
	for (t = 0; t < sc->nthreads; t++)
		for (i = 0; i < X_MAX_OPS; i++) {
			const struct rm_op *op = &sc->threads[t].ops[i].op;
			u64 g;

			if (sc->threads[t].ops[i].kind != XOP_CORE ||
			    (op->kind != RM_DONATE_GUEST &&
			     op->kind != RM_RELINQUISH))
				continue;
			for (g = op->gfn; g < op->gfn + op->nr && n <
			     S2O_ARRAY_SIZE(saved.gfns); g++, n++) {
				saved.gfns[n].vm = op->vm;
				saved.gfns[n].slot = rm_gslot(g);
			}
		}
	saved.nr_gfns = n;
}

static void model_restore(void)
{
	unsigned int i;

	memcpy(&rm, saved.head, sizeof(saved.head));
	for (i = 0; i < saved.nr_gfns; i++) {
		int h = saved.gfns[i].vm, s = saved.gfns[i].slot;

		if (h >= 1 && h <= 2 && s >= 0)
			rm.gmap[h][s] = saved.gmap[h][s];
	}
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- Setting a run up ---------------------------------------------------- */

/*
 * The machine for @sc, the same for every run: the harness on x_map, the
 * prelude's calls (checked against the model the first time, which the
 * model then keeps), CPU 3's walks.
 */
static void setup_run(const struct scenario *sc)
{
	unsigned int i;

	if (harness_init(sc->big ? &x1g_map : &x_map, X_POOL_PAGES,
			 FAKE_NR_CPUS))
		die("%s: cannot set the machine up", sc->name);
	if (sc->setup) {
		sc->setup();
		return;
	}
	if (!saved.taken)
		rm_reset();
	for (i = 0; i < X_MAX_PRELUDE; i++) {
		const struct rm_op *op = &sc->prelude[i];
		u64 done;
		int got;

		if (!op->kind && !op->ipa)
			break;	/* the end: no call is a fault at 0 */
		got = rm_core_call(op, &done);

		if (saved.taken) {
			if (got != saved.rets[i])
				die("%s: prelude call %u returned %d, first "
				    "%d", sc->name, i, got, saved.rets[i]);
			continue;
		}
		if (op->kind == RM_CREATE ? got < 1 : got != rm_expect(op))
			die("%s: prelude call %u returned %d, the model says "
			    "%d", sc->name, i, got, rm_expect(op));
		saved.rets[i] = got;
		rm_commit(op, got);
	}
	for (i = 0; i < S2O_ARRAY_SIZE(sc->touch) && sc->touch[i]; i++)
		host_translate(3, sc->touch[i], NULL);
	if (!saved.taken) {
		model_save(sc);
		saved.taken = true;
	}
}

/* ---- The threads --------------------------------------------------------- */

static void thread_body(unsigned int t, void *arg)
{
	struct xthread *th = arg;
	unsigned int i;

	for (i = 0; i < X_MAX_OPS && th->ops[i].kind != XOP_NONE; i++) {
		struct xop *op = &th->ops[i];
		struct fake_translation tr;

		op->inv = sched_steps();
		switch (op->kind) {
		case XOP_CORE:
			op->ret = rm_core_call(&op->op, &op->done);
			break;
		case XOP_MMU:
			op->ret = host_translate(t, op->op.ipa, &tr);
			break;
		case XOP_FN:
			op->ret = op->fn(t, op);
			break;
		default:
			break;
		}
		op->resp = sched_steps();
	}
}

/* ---- Checks -------------------------------------------------------------- */

static char msg[1024];

/* The core's final state where the scenario compares it with the model. */
static struct {
	struct s2o_page_info info[X_MAX_PAGES];
	int info_ret[X_MAX_PAGES];
	bool host_maps[X_MAX_PAGES][FAKE_NR_CPUS];
	u64 gpa[X_MAX_GFNS];	/* pa + 1, or 0 if not mapped */
} fin;

static void take_final(const struct scenario *sc)
{
	unsigned int i, cpu;

	for (i = 0; i < X_MAX_PAGES && sc->pages[i]; i++) {
		fin.info_ret[i] = s2o_page_query(sc->pages[i], &fin.info[i]);
		for (cpu = 0; cpu < FAKE_NR_CPUS; cpu++)
			fin.host_maps[i][cpu] =
				!host_translate(cpu, pa_of(sc->pages[i]), NULL);
	}
	for (i = 0; i < X_MAX_GFNS && sc->gfns[i].vm; i++) {
		struct fake_translation tr;

		fin.gpa[i] = fake_hw_translate(0, vm_vttbr(sc->gfns[i].vm),
					       sc->gfns[i].gfn << 12, &tr) ?
				     0 : tr.pa + 1;
	}
}

/* Whether the model, after some order of the calls, ends where the core is. */
static bool final_matches(const struct scenario *sc)
{
	unsigned int i, cpu;

	for (i = 0; i < X_MAX_PAGES && sc->pages[i]; i++) {
		u64 pfn = sc->pages[i];
		int w = rm_win_idx(pfn), vm = rm.vm[w];
		enum rm_state st = rm_mstate(pfn);

		if (fin.info_ret[i] ||
		    !rm_info_is(&fin.info[i], st, vm, rm_vm_live(vm)))
			return false;
		for (cpu = 0; cpu < FAKE_NR_CPUS; cpu++)
			if (fin.host_maps[i][cpu] && !rm_host_may_access(st))
				return false;
	}
	for (i = 0; i < X_MAX_GFNS && sc->gfns[i].vm; i++) {
		u64 want = rm_gmapped(sc->gfns[i].vm, sc->gfns[i].gfn);

		if (want ? fin.gpa[i] != pa_of(want - 1) + 1 : fin.gpa[i] != 0)
			return false;
	}
	return true;
}

#define X_MAX_CALLS (SCHED_MAX_THREADS * X_MAX_OPS)

/*
 * Linearizability: some order of the calls that keeps every call that
 * returned before another started ahead of it gives, on the model, the
 * same results (return codes, pages done) and the same final state.
 */
static bool linearizable(const struct scenario *sc, struct xthread *th)
{
	struct xop *calls[X_MAX_CALLS];
	unsigned int n = 0, t, i, j, perm[X_MAX_CALLS];

	for (t = 0; t < sc->nthreads; t++)
		for (i = 0; i < X_MAX_OPS; i++)
			if (th[t].ops[i].kind == XOP_CORE)
				calls[n++] = &th[t].ops[i];
	/* The order the calls returned in first: the likeliest. */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && calls[j]->resp < calls[j - 1]->resp;
		     j--) {
			struct xop *tmp = calls[j];

			calls[j] = calls[j - 1];
			calls[j - 1] = tmp;
		}
	for (i = 0; i < n; i++)
		perm[i] = i;
	for (;;) {
		bool ok = true;

		/* Real time: no call before one that ended before it began. */
		for (i = 0; ok && i < n; i++)
			for (j = i + 1; ok && j < n; j++)
				if (calls[perm[j]]->resp <= calls[perm[i]]->inv)
					ok = false;
		if (ok) {
			model_restore();
			for (i = 0; ok && i < n; i++) {
				const struct xop *c = calls[perm[i]];
				u64 pfn;

				if (rm_expect(&c->op) != c->ret ||
				    (!c->ret &&
				     rm_expect_done(&c->op, &pfn) != c->done))
					ok = false;
				else if (!c->ret)
					rm_commit(&c->op, c->ret);
			}
			if (ok && final_matches(sc))
				return true;
		}
		/* The next permutation, lexicographically on perm[]. */
		for (i = n; i-- > 1 && perm[i - 1] > perm[i];)
			;
		if (i == 0)
			break;
		for (j = n - 1; perm[j] < perm[i - 1]; j--)
			;
		t = perm[i - 1];
		perm[i - 1] = perm[j];
		perm[j] = t;
		for (j = n - 1; i < j; i++, j--) {
			t = perm[i];
			perm[i] = perm[j];
			perm[j] = t;
		}
	}
	return false;
}

static void describe_calls(const struct scenario *sc, struct xthread *th)
{
	size_t len = strlen(msg);
	unsigned int t, i;

	for (t = 0; t < sc->nthreads; t++)
		for (i = 0; i < X_MAX_OPS && th[t].ops[i].kind != XOP_NONE;
		     i++) {
			const struct xop *op = &th[t].ops[i];
			struct rm_op call = op->op;
			char d[160] = "mmu";

			/* Thread t's accesses are CPU t's (thread_body()). */
			call.cpu = t;
			if (op->kind == XOP_CORE)
				rm_describe(&call, d, sizeof(d));
			len += (size_t)snprintf(msg + len, sizeof(msg) - len,
				"\n    T%u: %s = %d, %llu pages (steps %lu-%lu)",
				t, d, op->ret, (unsigned long long)op->done,
				op->inv, op->resp);
			if (len >= sizeof(msg))
				return;
		}
}

/* Everything a run must satisfy; NULL, or what it does not (in msg). */
static const char *check_run(const struct scenario *sc, struct xthread *th)
{
	char buf[CHECK_MSG_LEN];
	const char *v = fake_first_violation();

	if (v) {
		snprintf(msg, sizeof(msg), "fake backend: %s", v);
		return msg;
	}
	if (!harness_invariants_hold(buf)) {
		snprintf(msg, sizeof(msg), "%s", buf);
		return msg;
	}
	if (sc->check) {
		v = sc->check(th);
		if (v)
			snprintf(msg, sizeof(msg), "%s", v);
		return v ? msg : NULL;
	}
	take_final(sc);
	v = fake_first_violation();
	if (v) {
		snprintf(msg, sizeof(msg), "fake backend: %s", v);
		return msg;
	}
	if (!linearizable(sc, th)) {
		snprintf(msg, sizeof(msg), "not linearizable: no order of the "
			 "calls gives their results and the final state on "
			 "the model:");
		describe_calls(sc, th);
		return msg;
	}
	return NULL;
}

/* ---- Reporting ----------------------------------------------------------- */

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "explore: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(2);
}

static void print_replay(void)
{
	printf("  schedule #%lu: %s\n", x.run, sched_format());
	printf("  replay: %s -s %s -r '%s' -t\n", x.argv0, x.sc->name,
	       sched_format());
	if (x.cfg.mode == SCHED_PCT)
		printf("  (PCT seed %#llx, depth %u)\n",
		       (unsigned long long)sched_pct_seed(), x.cfg.depth);
}

static const char *mutant_name(void)
{
#ifdef S2O_MUTANT
	return x_mutants[S2O_MUTANT].name;
#else
	return "none";
#endif
}

static void report_failure(const char *what)
{
	if (x.expect_fail)
		printf("explore: mutant %s caught in %s at schedule #%lu: %s\n",
		       mutant_name(), x.sc->name, x.run, what);
	else
		printf("explore: FAIL %s at schedule #%lu: %s\n", x.sc->name,
		       x.run, what);
	print_replay();
	fflush(stdout);
}

/* The core stopped (S2O_BUG_ON, a mismatch) or crashed in a run. */
static void on_signal(int sig)
{
	char what[64];

	snprintf(what, sizeof(what), "the run stopped with signal %d (%s)",
		 sig, strsignal(sig));
	if (x.sc)
		report_failure(what);
	_exit(x.sc && x.expect_fail ? 0 : 1);
}

static void catch_signals(void)
{
	static char altstack[64 * 1024];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa = { .sa_handler = on_signal,
				.sa_flags = SA_ONSTACK };

	sigaltstack(&ss, NULL);
	sigaction(SIGABRT, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/* A traced access's address, in words: a page's metadata, a descriptor. */
static void describe(const volatile void *addr, char *buf, size_t size)
{
	static const char *const field[8] = {
		"refs", "refs", "refs", "refs", "nr_blockers", "nr_blockers",
		"state", "vm",
	};
	const char *p = (const char *)addr, *meta = (const char *)s2o_pages;
	const char *mem = fake_phys_va(HYP_BASE);
	u64 npages = s2o_memmap.end_pfn - s2o_memmap.first_pfn;

	if (!addr) {
		snprintf(buf, size, "-");
	} else if (p >= meta && p < meta + npages * sizeof(struct s2o_page)) {
		u64 off = (u64)(p - meta);

		snprintf(buf, size, "page %#llx .%s",
			 (unsigned long long)(s2o_memmap.first_pfn + off / 8),
			 field[off % 8]);
	} else if (p >= mem && p < mem + (X1G_RAM_END - HYP_BASE)) {
		u64 pa = HYP_BASE + (u64)(p - mem);

		snprintf(buf, size, "pte %#llx (table %#llx [%llu])",
			 (unsigned long long)pa,
			 (unsigned long long)(pa & ~0xfffULL),
			 (unsigned long long)((pa & 0xfff) / 8));
	} else if (p >= (const char *)s2o_page_locks &&
		   p <= (const char *)s2o_page_lock(s2o_memmap.end_pfn - 1)) {
		snprintf(buf, size, "claim lock of the pages from %#llx",
			 (unsigned long long)(((u64)(p - (const char *)
					      s2o_page_locks) +
					      (s2o_memmap.first_pfn >>
					       S2O_LOCK_PAGES_SHIFT))
					     << S2O_LOCK_PAGES_SHIFT));
	} else if (p >= (const char *)s2o_vm_slots &&
		   p < (const char *)(s2o_vm_slots + S2O_MAX_VMS + 1)) {
		snprintf(buf, size, "vm slot %ld",
			 (long)((p - (const char *)s2o_vm_slots) /
				sizeof(*s2o_vm_slots)));
	} else {
		snprintf(buf, size, "%p", (const void *)p);
	}
}

/* ---- Exploring ----------------------------------------------------------- */

/*
 * Every schedule of @sc the strategy gives. Returns 0 if all passed, the
 * failing schedule's number otherwise.
 */
static unsigned long explore(const struct scenario *sc)
{
	static struct xthread th[SCHED_MAX_THREADS];
	void *args[SCHED_MAX_THREADS];
	double t0 = harness_now();
	unsigned long checked = 0;
	unsigned int i;

	struct sched_config cfg = x.cfg;

	if (sc->nthreads > 2 && x.bound3)
		cfg.bound = x.bound3;
	x.sc = sc;
	x.run = 0;
	saved.taken = false;
	sched_init(&cfg);
	for (i = 0; i < sc->nthreads; i++)
		args[i] = &th[i];
	while (sched_next()) {
		const char *bad;
		int ret;

		x.run++;
		setup_run(sc);
		memcpy(th, sc->threads, sizeof(th));
		ret = sched_run(sc->nthreads, thread_body, args);
		/* PCT's change points fall within a run's length. */
		if (x.run == 1)
			sched_expect_steps(sched_steps());
		if (ret > 0)
			continue;	/* cut short by the sleep sets */
		checked++;
		bad = ret ? sched_error() : check_run(sc, th);
		if (bad) {
			report_failure(bad);
			return x.run;
		}
		if (x.max_runs && x.run >= x.max_runs)
			break;
	}
	if (!x.expect_fail) {
		printf("explore: %s: ", sc->name);
		if (x.cfg.mode == SCHED_DFS && cfg.sleep_sets)
			printf("bound %u%s, %lu schedules (%llu cut by sleep "
			       "sets)", cfg.bound,
			       x.max_runs && x.run >= x.max_runs ? " (capped)" :
								   "",
			       checked, sched_pruned());
		else if (x.cfg.mode == SCHED_DFS)
			printf("bound %u%s, every schedule: %lu", cfg.bound,
			       x.max_runs && x.run >= x.max_runs ? " (capped)" :
								   "",
			       checked);
		else if (x.cfg.mode == SCHED_PCT)
			printf("PCT depth %u, seed %#llx, %lu schedules",
			       x.cfg.depth, (unsigned long long)x.cfg.seed,
			       checked);
		else
			printf("replayed 1 schedule");
		printf(", %.1f s: OK\n", harness_now() - t0);
	}
	x.sc = NULL;
	return 0;
}

static const struct scenario *find_scenario(const char *name, size_t len)
{
	unsigned int i;

	for (i = 0; i < x_nr_scenarios; i++)
		if (strlen(x_scenarios[i].name) == len &&
		    !strncmp(x_scenarios[i].name, name, len))
			return &x_scenarios[i];
	die("no scenario '%.*s' (--list)", (int)len, name);
	return NULL;
}

/* Whether the comma-separated list @only names @sc; every name must exist. */
static bool listed(const char *only, const struct scenario *sc)
{
	bool found = false;

	while (*only) {
		size_t len = strcspn(only, ",");

		found |= find_scenario(only, len) == sc;
		only += len + (only[len] == ',');
	}
	return found;
}

static void list(void)
{
	unsigned int i;

	for (i = 0; i < x_nr_scenarios; i++)
		printf("%-22s %s%s\n", x_scenarios[i].name,
		       x_scenarios[i].deep ? "(deep) " : "",
		       x_scenarios[i].what);
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	bool deep = false;
	unsigned int i, passed = 0, failed = 0;
	unsigned long pct_runs = 0;

	x.argv0 = argv[0];
	x.cfg = (struct sched_config){ .mode = SCHED_DFS, .bound = 2,
				       .depth = 3, .describe = describe };
	x.cfg.seed = rng_seed();
	for (i = 1; i < (unsigned int)argc; i++) {
		const char *a = argv[i], *v = i + 1 < (unsigned int)argc ?
						    argv[i + 1] : NULL;

		if (!strcmp(a, "--list")) {
			list();
			return 0;
		} else if (!strcmp(a, "--deep")) {
			deep = true;
		} else if (!strcmp(a, "--sleep-sets")) {
			x.cfg.sleep_sets = true;
		} else if (!strcmp(a, "-t")) {
			x.cfg.trace = true;
		} else if (v && !strcmp(a, "-s")) {
			only = v, i++;
		} else if (v && !strcmp(a, "-b")) {
			x.cfg.bound = (unsigned int)strtoul(v, NULL, 0), i++;
		} else if (v && !strcmp(a, "-B")) {
			x.bound3 = (unsigned int)strtoul(v, NULL, 0), i++;
		} else if (v && !strcmp(a, "--pct")) {
			pct_runs = strtoul(v, NULL, 0), i++;
			x.cfg.mode = SCHED_PCT;
		} else if (v && !strcmp(a, "-d")) {
			x.cfg.depth = (unsigned int)strtoul(v, NULL, 0), i++;
		} else if (v && !strcmp(a, "-S")) {
			x.cfg.seed = strtoull(v, NULL, 0), i++;
		} else if (v && !strcmp(a, "-r")) {
			x.cfg.mode = SCHED_REPLAY;
			x.cfg.replay = v, i++;
		} else if (v && !strcmp(a, "-n")) {
			x.max_runs = strtoul(v, NULL, 0), i++;
		} else {
			die("bad argument '%s' (see tests/explore/explore.c)",
			    a);
		}
	}
	if (x.cfg.mode == SCHED_PCT)
		x.max_runs = pct_runs;
	catch_signals();
	fake_arch_keep_memory(true);
	if (harness_init(&x1g_map, X_POOL_PAGES, FAKE_NR_CPUS))
		die("cannot set the 1G machine up");
	setvbuf(stdout, NULL, _IOLBF, 0);
#ifdef S2O_MUTANT
	x.expect_fail = x.cfg.mode != SCHED_REPLAY;
	if (x.expect_fail) {
		const struct x_mutant *m = &x_mutants[S2O_MUTANT];
		double t0 = harness_now();
		unsigned long run = 0;

		for (i = 0; i < S2O_ARRAY_SIZE(m->scenarios) &&
			    m->scenarios[i] && !run; i++)
			run = explore(find_scenario(m->scenarios[i],
						    strlen(m->scenarios[i])));
		if (run) {
			printf("explore: mutant %s (%s): caught, %.2f s\n",
			       m->name, m->what, harness_now() - t0);
			return 0;
		}
		printf("explore: FAIL mutant %s (%s) not caught\n", m->name,
		       m->what);
		return 1;
	}
#endif
	if (x.cfg.mode == SCHED_DFS || x.cfg.mode == SCHED_PCT)
		printf("explore: %s\n",
		       x.cfg.mode == SCHED_PCT ?
			       "PCT, seeds from S2OWN_SEED or -S" :
		       x.cfg.sleep_sets ?
			       "DFS, preemption-bounded, with sleep sets" :
			       "DFS, every schedule within the preemption bound");
	for (i = 0; i < x_nr_scenarios; i++) {
		const struct scenario *sc = &x_scenarios[i];

		if (only ? !listed(only, sc) : sc->deep && !deep)
			continue;
		if (explore(sc))
			failed++;
		else
			passed++;
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
