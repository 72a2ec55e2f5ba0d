// SPDX-License-Identifier: GPL-2.0-only
/*
 * The explorer's controlled scheduler (sched.h).
 *
 * Threads are ucontext coroutines on the one host thread: exactly one runs
 * at a time, and it gives the processor up only at a scheduling point, in
 * sched_point() (an announced access) or sched_relax() (a spin). At each
 * point the strategy picks the next thread among the enabled ones (not
 * finished, not blocked in a spin). Step k of a run is the code the
 * thread picked at point k runs up to its next point: its announced
 * access, then private work and accesses that locks or publication make
 * private (the free list under the pool lock, a table being filled).
 *
 * DFS keeps, for each step of the run, what was enabled, which thread ran
 * before, the preemptions so far and the choices tried; the next run
 * replays the deepest step that still has an untried choice within the
 * bound and goes on with the default policy (the same thread while it can
 * run, else the lowest enabled). Every schedule within the bound is run
 * once.
 *
 * Fairness: a spin that read something new is not blocked, but it yields
 * to the threads that could run then: it is not picked again before each
 * of them has run a step (or cannot run), as CHESS schedules fairly. A
 * scheduler that starved a lock holder while two others kept waking each
 * other with their retries would report a livelock no machine can have;
 * the schedules this leaves out only let a spinning thread spin more.
 *
 * Sleep sets (Godefroid): a thread whose choice at a step was fully
 * explored sleeps in the steps after it, for as long as only accesses
 * independent of its next one are made; a sleeping thread is not picked,
 * and a run in which only sleeping threads could go on is cut short. Two
 * accesses are independent when they touch different bytes, or both only
 * read. Spins, the TLBs (invalidations, freed-table checks, descriptor
 * writes, which check the TLBs) and hardware walks (which read any
 * descriptor and fill a TLB) are dependent as sched_conflict() says.
 * Optional (sched_config.sleep_sets): with the preemption bound, and with
 * the fair scheduling above, which lets an independent step make a
 * yielding thread eligible again, they can lose schedules.
 */
#define _GNU_SOURCE
#include "sched.h"

#include <dlfcn.h>
#include <execinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include "../fake_arch.h"
#include "../rng.h"

#define STACK_SIZE (256 * 1024)

/* A step's access, as far as dependence goes. */
enum {
	ACC_NONE = 100,		/* a thread's first step: nothing shared yet */
	ACC_RELAX,		/* a spin: it depends on every write */
};

struct access {
	const volatile void *addr;
	unsigned int size;
	unsigned int kind;	/* enum s2o_access, enum fake_access, ACC_* */
};

struct thread {
	ucontext_t ctx;
	void *stack;
	bool done, blocked;
	u8 yields_to;		/* threads to run before it, since its spin */
	struct access pend;	/* the access its next step makes */
	u64 pend_val;		/* the bytes there before it, for writes */
	void *where[8];		/* traces: the call stack at that point */
	int nwhere;
	/* Writes by the whole run and by this thread at its last spin. */
	unsigned long seen_writes, seen_own;
	unsigned long own_writes;
	sched_body_fn body;
	void *arg;
};

/* One step of a run, for DFS and the sleep sets. */
struct step {
	u8 enabled;		/* threads that could run */
	s8 prev;		/* the thread that ran the step before, or -1 */
	u8 chosen;
	u8 tried;		/* choices explored (DFS) */
	u8 sleep;		/* sleeping threads (sleep sets) */
	u16 pre;		/* preemptions before this step */
	struct access pend[SCHED_MAX_THREADS];
};

static struct {
	struct sched_config cfg;
	ucontext_t main_ctx;
	struct thread t[SCHED_MAX_THREADS];
	unsigned int n;
	int cur;		/* the thread running, -1 in main */
	bool active;
	unsigned long nsteps;
	unsigned long writes;	/* writes seen in this run */
	const char *error;
	char error_buf[160];
	bool cut;		/* run cut short by the sleep sets */
	/* DFS */
	struct step *steps;
	unsigned long replay_len;	/* steps to replay from steps[] */
	bool first;
	unsigned long long pruned;
	/* REPLAY: the schedule, one thread per step */
	u8 *want;
	unsigned long want_len;
	/* PCT */
	u64 pct_seed, pct_rng;
	unsigned int prio[SCHED_MAX_THREADS];
	unsigned long change[16];
	unsigned int nchange;
	unsigned long runs;
	char fmt[8 * SCHED_MAX_STEPS];
} s;

static void fail(const char *msg)
{
	snprintf(s.error_buf, sizeof(s.error_buf), "%s", msg);
	s.error = s.error_buf;
}

static int parse_replay(const char *str)
{
	unsigned long len = 0;

	free(s.want);
	s.want = malloc(SCHED_MAX_STEPS);
	if (!s.want)
		abort();
	while (str && *str) {
		char *end;
		unsigned long t = strtoul(str, &end, 10), n;

		if (*end != ':' || t >= SCHED_MAX_THREADS)
			return -1;
		n = strtoul(end + 1, &end, 10);
		if (!n || len + n > SCHED_MAX_STEPS || (*end && *end != ','))
			return -1;
		memset(s.want + len, (int)t, n);
		len += n;
		str = *end ? end + 1 : end;
	}
	s.want_len = len;
	return 0;
}

/**
 * sched_init() - set a strategy up for the runs of one scenario.
 * @cfg: the strategy and its parameters.
 *
 * A replayed schedule that does not parse stops the program (status 2).
 */
void sched_init(const struct sched_config *cfg)
{
	unsigned int i;

	s.cfg = *cfg;
	s.first = true;
	s.pruned = 0;
	s.runs = 0;
	s.replay_len = 0;
	if (!s.steps) {
		s.steps = calloc(SCHED_MAX_STEPS, sizeof(*s.steps));
		if (!s.steps)
			abort();
	}
	for (i = 0; i < SCHED_MAX_THREADS; i++)
		if (!s.t[i].stack) {
			s.t[i].stack = malloc(STACK_SIZE);
			if (!s.t[i].stack)
				abort();
		}
	if (cfg->mode == SCHED_REPLAY && parse_replay(cfg->replay)) {
		fprintf(stderr, "explore: bad schedule '%s'\n", cfg->replay);
		exit(2);
	}
}

/* DFS: the deepest step with a choice left within the bound. */
static bool dfs_backtrack(void)
{
	unsigned long k = s.nsteps;

	while (k-- > 0) {
		struct step *st = &s.steps[k];
		u8 left = st->enabled & ~st->tried & ~st->sleep;
		unsigned int t;

		for (t = 0; t < SCHED_MAX_THREADS; t++) {
			bool preempts;

			if (!(left & (1u << t)))
				continue;
			st->tried |= 1u << t;
			preempts = st->prev >= 0 &&
				   (st->enabled & (1u << st->prev)) &&
				   t != (unsigned int)st->prev;
			if ((unsigned int)st->pre + preempts > s.cfg.bound)
				continue;
			st->chosen = (u8)t;
			s.replay_len = k + 1;
			return true;
		}
	}
	return false;
}

static void pct_setup(void)
{
	unsigned int i, j;

	s.pct_seed = rng_mix(s.cfg.seed + s.runs);
	s.pct_rng = s.pct_seed;
	/* Distinct priorities depth .. depth + n - 1, in random order. */
	for (i = 0; i < SCHED_MAX_THREADS; i++)
		s.prio[i] = s.cfg.depth + i;
	for (i = SCHED_MAX_THREADS - 1; i > 0; i--) {
		unsigned int tmp;

		j = (unsigned int)rng_below(&s.pct_rng, i + 1);
		tmp = s.prio[i];
		s.prio[i] = s.prio[j];
		s.prio[j] = tmp;
	}
	s.nchange = s.cfg.depth > 1 ? s.cfg.depth - 1 : 0;
	if (s.nchange > 16)
		s.nchange = 16;
	for (i = 0; i < s.nchange; i++)
		s.change[i] = rng_below(&s.pct_rng, s.cfg.pct_steps ?
						    s.cfg.pct_steps : 100) + 1;
}

/**
 * sched_next() - set the next run's choices up.
 *
 * DFS: the first run, then the deepest step with a choice left within the
 * bound; PCT: new priorities and change points from the next seed;
 * REPLAY: the given schedule, once.
 *
 * Return: false when there is no run left.
 */
bool sched_next(void)
{
	bool first = s.first;

	s.first = false;
	s.runs++;
	switch (s.cfg.mode) {
	case SCHED_DFS:
		if (first) {
			s.replay_len = 0;
			return true;
		}
		return dfs_backtrack();
	case SCHED_PCT:
		pct_setup();
		return true;
	case SCHED_REPLAY:
	default:
		return first;
	}
}

/* ---- Dependence ---------------------------------------------------------- */

static bool is_write(unsigned int kind)
{
	return kind == S2O_ACCESS_STORE || kind == S2O_ACCESS_RMW ||
	       kind == FAKE_ACCESS_PTE;
}

static bool touches_tlb(unsigned int kind)
{
	return kind == FAKE_ACCESS_PTE || kind == FAKE_ACCESS_TLBI ||
	       kind == FAKE_ACCESS_TLB_READ || kind == FAKE_ACCESS_MMU;
}

static bool writes_tlb(unsigned int kind)
{
	return kind == FAKE_ACCESS_TLBI || kind == FAKE_ACCESS_MMU;
}

static bool overlap(const struct access *a, const struct access *b)
{
	const char *x = (const char *)a->addr, *y = (const char *)b->addr;

	return x < y + b->size && y < x + a->size;
}

/* The TLB model's own accesses: no byte of the core's memory. */
static bool tlb_only(unsigned int kind)
{
	return kind == FAKE_ACCESS_TLBI || kind == FAKE_ACCESS_TLB_READ ||
	       kind == FAKE_ACCESS_MMU;
}

/*
 * Whether two steps, each making its announced access, may not be
 * swapped: the same bytes, one of them written; a spin (it re-reads
 * whatever it waited on) against any write; two accesses to the TLBs,
 * one of them changing them (a descriptor write checks the TLBs, a
 * hardware walk reads any descriptor and fills a TLB).
 */
static bool sched_conflict(const struct access *a, const struct access *b)
{
	if (a->kind == ACC_NONE || b->kind == ACC_NONE)
		return false;
	if (a->kind == ACC_RELAX || b->kind == ACC_RELAX)
		return is_write(a->kind) || is_write(b->kind);
	if (touches_tlb(a->kind) && touches_tlb(b->kind) &&
	    (writes_tlb(a->kind) || writes_tlb(b->kind)))
		return true;
	if (tlb_only(a->kind) || tlb_only(b->kind))
		return false;
	return overlap(a, b) && (is_write(a->kind) || is_write(b->kind));
}

/* ---- Choosing ------------------------------------------------------------ */

static u8 enabled_mask(void)
{
	u8 m = 0;
	unsigned int i;

	for (i = 0; i < s.n; i++)
		if (!s.t[i].done && !s.t[i].blocked)
			m |= 1u << i;
	return m;
}

/* Of the threads in @m, those that yield to none in @m (all, if none). */
static u8 fair_mask(u8 m)
{
	u8 fair = m;
	unsigned int i;

	for (i = 0; i < s.n; i++)
		if (s.t[i].yields_to & m)
			fair &= ~(1u << i);
	return fair ? fair : m;
}

static unsigned int lowest(u8 m)
{
	return (unsigned int)__builtin_ctz(m);
}

static unsigned int default_choice(u8 m)
{
	if (s.cur >= 0 && (m & (1u << s.cur)))
		return (unsigned int)s.cur;
	return lowest(m);
}

static unsigned int pct_choice(u8 m)
{
	unsigned int i, best = lowest(m);

	for (i = 0; i < s.nchange; i++)
		if (s.change[i] == s.nsteps && s.cur >= 0)
			s.prio[s.cur] = i;
	for (i = 0; i < s.n; i++)
		if ((m & (1u << i)) && s.prio[i] > s.prio[best])
			best = i;
	return best;
}

/*
 * Pick the thread for step s.nsteps among @m; fill the step's record.
 * Returns -1 if the run must stop (a bad replay, sleeping threads only).
 */
static int choose(u8 m)
{
	unsigned long k = s.nsteps;
	struct step *st = &s.steps[k];
	u16 prev_pre = 0;
	unsigned int t, i;

	if (k) {
		const struct step *ps = &s.steps[k - 1];
		bool preempted = ps->prev >= 0 &&
				 (ps->enabled & (1u << ps->prev)) &&
				 ps->chosen != (u8)ps->prev;

		prev_pre = (u16)(ps->pre + preempted);
	}
	if (k < s.replay_len && s.cfg.mode == SCHED_DFS) {
		/* Replaying: the same step must come out the same way. */
		if (st->enabled != m || st->prev != s.cur) {
			fail("the core is not deterministic: a replayed step "
			     "differs");
			return -1;
		}
		for (i = 0; i < s.n; i++)
			st->pend[i] = s.t[i].pend;
		return st->chosen;
	}
	st->enabled = m;
	st->prev = (s8)s.cur;
	st->pre = prev_pre;
	for (i = 0; i < s.n; i++)
		st->pend[i] = s.t[i].pend;
	/* The sleep set: what slept before and what was explored there. */
	st->sleep = 0;
	if (s.cfg.sleep_sets && k) {
		const struct step *ps = &s.steps[k - 1];
		u8 z = (ps->sleep | ps->tried) & ~(1u << ps->chosen);

		for (i = 0; i < s.n; i++)
			if ((z & (1u << i)) &&
			    !sched_conflict(&ps->pend[i],
					    &ps->pend[ps->chosen]))
				st->sleep |= 1u << i;
	}
	switch (s.cfg.mode) {
	case SCHED_PCT:
		t = pct_choice(m);
		break;
	case SCHED_REPLAY:
		if (k < s.want_len) {
			t = s.want[k];
			if (!(m & (1u << t))) {
				fail("the schedule does not replay: its thread "
				     "cannot run there");
				return -1;
			}
			break;
		}
		t = default_choice(m);
		break;
	case SCHED_DFS:
	default:
		if (!(m & ~st->sleep)) {
			s.cut = true;
			return -1;
		}
		t = default_choice(m & ~st->sleep);
		break;
	}
	st->chosen = (u8)t;
	st->tried = (u8)(1u << t);
	return (int)t;
}

static const char *kind_name(unsigned int kind)
{
	static const char *const names[] = {
		[S2O_ACCESS_LOAD] = "load", [S2O_ACCESS_STORE] = "store",
		[S2O_ACCESS_RMW] = "rmw", [FAKE_ACCESS_PTE] = "pte-cas",
		[FAKE_ACCESS_TLBI] = "tlbi",
		[FAKE_ACCESS_TLB_READ] = "tlb-read",
		[FAKE_ACCESS_MMU] = "mmu-walk",
	};

	if (kind == ACC_NONE)
		return "start";
	if (kind == ACC_RELAX)
		return "spin";
	return kind < S2O_ARRAY_SIZE(names) && names[kind] ? names[kind] : "?";
}

/*
 * Traces: the code making a thread's next access, "function file:line"
 * and the function it is inlined in, from addr2line on the call stack's
 * first frame outside this file and the fake backend. Slow, one replayed
 * schedule at a time.
 */
static void where_str(const struct thread *t, char *buf, size_t size)
{
	int i;

	snprintf(buf, size, "?");
	for (i = 1; i < t->nwhere; i++) {
		char cmd[512], fn[2][96] = { "", "" }, loc[2][96] = { "", "" };
		Dl_info info;
		FILE *p;
		int n;

		if (!dladdr(t->where[i], &info) || !info.dli_fname)
			continue;
		snprintf(cmd, sizeof(cmd), "addr2line -f -i -s -e %s %#lx",
			 info.dli_fname,
			 (unsigned long)((char *)t->where[i] - 1 -
					 (char *)info.dli_fbase));
		p = popen(cmd, "r");
		if (!p)
			return;
		for (n = 0; n < 2 && fgets(fn[n], sizeof(fn[n]), p) &&
			    fgets(loc[n], sizeof(loc[n]), p); n++) {
			fn[n][strcspn(fn[n], "\n")] = '\0';
			loc[n][strcspn(loc[n], " \n")] = '\0';
		}
		pclose(p);
		if (!n || !strncmp(loc[0], "sched.c", 7) ||
		    !strncmp(loc[0], "fake_arch.c", 11))
			continue;
		if (n > 1)
			snprintf(buf, size, "%s %s, in %s %s", fn[0], loc[0],
				 fn[1], loc[1]);
		else
			snprintf(buf, size, "%s %s", fn[0], loc[0]);
		return;
	}
}

/* Switch from the running thread (or main) to @next. */
static void switch_to(int next)
{
	ucontext_t *from = s.cur >= 0 ? &s.t[s.cur].ctx : &s.main_ctx;

	if (next == s.cur)
		return;
	s.cur = next;
	swapcontext(from, next >= 0 ? &s.t[next].ctx : &s.main_ctx);
}

/* Give the processor to whoever the strategy picks; back in main if none. */
static void reschedule(void)
{
	u8 m = enabled_mask();
	int next;
	unsigned int i;

	if (!m) {
		for (i = 0; i < s.n; i++)
			if (!s.t[i].done) {
				fail("deadlock: every thread left waits for "
				     "another");
				break;
			}
		switch_to(-1);
		return;
	}
	if (s.nsteps >= SCHED_MAX_STEPS) {
		fail("livelock: the run did not end within the step bound");
		switch_to(-1);
		return;
	}
	next = choose(fair_mask(m));
	if (next < 0) {
		switch_to(-1);
		return;
	}
	for (i = 0; i < s.n; i++)
		s.t[i].yields_to &= ~(1u << next);
	if (s.cfg.trace) {
		char what[128] = "", where[512];

		if (s.cfg.describe)
			s.cfg.describe(s.t[next].pend.addr, what, sizeof(what));
		where_str(&s.t[next], where, sizeof(where));
		fprintf(stderr, "  step %lu: T%d %s %s [%s]\n", s.nsteps, next,
			kind_name(s.t[next].pend.kind), what, where);
	}
	s.nsteps++;
	switch_to(next);
}

/* The running thread's last step is done: did it write? */
static void account_write(struct thread *t)
{
	unsigned int i;
	u64 now = 0;

	if (!is_write(t->pend.kind))
		return;
	memcpy(&now, (const void *)t->pend.addr, t->pend.size);
	if (now == t->pend_val)
		return;
	s.writes++;
	t->own_writes++;
	for (i = 0; i < s.n; i++)
		s.t[i].blocked = false;
}

static void set_pending(struct thread *t, const volatile void *addr,
			unsigned int size, unsigned int kind)
{
	t->pend = (struct access){ .addr = addr, .size = size, .kind = kind };
	t->pend_val = 0;
	t->nwhere = s.cfg.trace ? backtrace(t->where, 8) : 0;
	if (is_write(kind))
		memcpy(&t->pend_val, (const void *)addr, size > 8 ? 8 : size);
}

static void sched_access(const volatile void *addr, unsigned int size,
			 unsigned int kind)
{
	struct thread *t;

	if (!s.active || s.cur < 0)
		return;
	t = &s.t[s.cur];
	account_write(t);
	set_pending(t, addr, size > 8 ? 8 : size, kind);
	reschedule();
}

static void sched_relax(void)
{
	struct thread *t;

	if (!s.active || s.cur < 0)
		return;
	t = &s.t[s.cur];
	account_write(t);
	/* Nothing new to read since the last spin: wait for a write. */
	if (s.writes - t->seen_writes == t->own_writes - t->seen_own)
		t->blocked = true;
	else
		t->yields_to = enabled_mask() & ~(1u << s.cur);
	t->seen_writes = s.writes;
	t->seen_own = t->own_writes;
	set_pending(t, NULL, 0, ACC_RELAX);
	reschedule();
}

static const struct fake_sched_ops ops = {
	.access = sched_access,
	.relax = sched_relax,
};

static void trampoline(void)
{
	struct thread *t = &s.t[s.cur];

	t->body((unsigned int)s.cur, t->arg);
	account_write(t);
	t->done = true;
	t->pend = (struct access){ .kind = ACC_NONE };
	reschedule();
	/* Not reached: a finished thread is never picked again. */
	abort();
}

/**
 * sched_run() - run the threads of a scenario to their end, under the
 * current schedule.
 * @n: number of threads, at most SCHED_MAX_THREADS.
 * @body: what each runs: @body(i, @args[i]).
 * @args: their arguments.
 *
 * Return: 0; 1 if the sleep sets cut the run short (nothing to check);
 * -1 for a deadlock, a livelock or a schedule that does not replay
 * (sched_error()).
 */
int sched_run(unsigned int n, sched_body_fn body, void *const args[])
{
	unsigned int i;

	s.n = n;
	s.nsteps = 0;
	s.writes = 0;
	s.error = NULL;
	s.cut = false;
	s.cur = -1;
	for (i = 0; i < n; i++) {
		struct thread *t = &s.t[i];

		*t = (struct thread){ .stack = t->stack, .body = body,
				      .arg = args[i],
				      .pend = { .kind = ACC_NONE } };
		getcontext(&t->ctx);
		t->ctx.uc_stack.ss_sp = t->stack;
		t->ctx.uc_stack.ss_size = STACK_SIZE;
		t->ctx.uc_link = NULL;
		makecontext(&t->ctx, trampoline, 0);
	}
	fake_sched = &ops;
	s.active = true;
	reschedule();
	s.active = false;
	fake_sched = NULL;
	if (s.cut) {
		s.pruned++;
		return 1;
	}
	return s.error ? -1 : 0;
}

/**
 * sched_self() - the thread running.
 *
 * Return: its number, 0 outside a run.
 */
unsigned int sched_self(void)
{
	return s.cur < 0 ? 0 : (unsigned int)s.cur;
}

/**
 * sched_steps() - steps of the current run so far, the current one
 * included.
 *
 * Return: the number.
 */
unsigned long sched_steps(void)
{
	return s.nsteps;
}

/**
 * sched_error() - what went wrong in the last run.
 *
 * Return: a sentence, or NULL.
 */
const char *sched_error(void)
{
	return s.error;
}

/**
 * sched_format() - the current (or last) run's choices, "T:N,T:N,...".
 *
 * Return: the text, valid until the next call.
 */
const char *sched_format(void)
{
	size_t len = 0;
	unsigned long k = 0;

	s.fmt[0] = '\0';
	while (k < s.nsteps) {
		unsigned long j = k;

		while (j < s.nsteps && s.steps[j].chosen == s.steps[k].chosen)
			j++;
		len += (size_t)snprintf(s.fmt + len, sizeof(s.fmt) - len,
					"%s%u:%lu", k ? "," : "",
					s.steps[k].chosen, j - k);
		if (len >= sizeof(s.fmt))
			break;
		k = j;
	}
	return s.fmt;
}

/**
 * sched_expect_steps() - PCT: how many steps a run takes, within which
 * the priority change points fall.
 * @steps: the number (the first run's, say).
 */
void sched_expect_steps(unsigned long steps)
{
	s.cfg.pct_steps = steps ? steps : 1;
}

/**
 * sched_pct_seed() - the current PCT run's seed.
 *
 * Return: the seed; the run's schedule, printed, replays it (-r).
 */
u64 sched_pct_seed(void)
{
	return s.pct_seed;
}

/**
 * sched_pruned() - runs the sleep sets cut short since sched_init().
 *
 * Return: the number.
 */
unsigned long long sched_pruned(void)
{
	return s.pruned;
}
