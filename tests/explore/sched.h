/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The explorer's controlled scheduler: a few threads (cooperative
 * coroutines on one host thread) run the unmodified core one at a time;
 * every access to shared state the core or the fake backend announces
 * (s2o_arch_access(), fake_sched) is a scheduling point, where the
 * scheduler chooses which thread goes on. A run is the sequence of those
 * choices: printed, it replays exactly.
 *
 * Strategies:
 *   SCHED_DFS     every schedule with at most `bound` preemptions (a switch
 *                 away from a thread that could go on), depth first, one
 *                 execution per schedule; optionally with sleep sets,
 *                 which skip schedules that only reorder independent
 *                 accesses (and, with the bound, may lose some)
 *   SCHED_PCT     probabilistic concurrency testing (Burckhardt et al.,
 *                 ASPLOS 2010): random thread priorities and `depth - 1`
 *                 random priority change points, from a seed
 *   SCHED_REPLAY  one given schedule, then the default policy
 *
 * A thread that spins (s2o_arch_cpu_relax()) without any other thread
 * having written anything since its last spin cannot see anything new: it
 * is blocked until another thread writes. All threads blocked is a
 * deadlock; a run longer than `max_steps` a livelock. Both fail the run.
 */
#ifndef S2OWN_EXPLORE_SCHED_H
#define S2OWN_EXPLORE_SCHED_H

#include <stdbool.h>
#include <stddef.h>

#include "../../ownership/types.h"

#define SCHED_MAX_THREADS 4
#define SCHED_MAX_STEPS 20000

enum sched_mode {
	SCHED_DFS,
	SCHED_PCT,
	SCHED_REPLAY,
};

struct sched_config {
	enum sched_mode mode;
	unsigned int bound;		/* DFS: preemptions */
	bool sleep_sets;		/* DFS: skip equivalent reorderings */
	u64 seed;			/* PCT */
	unsigned int depth;		/* PCT: bug depth d (d - 1 changes) */
	unsigned long pct_steps;	/* PCT: steps a run takes (0: ask) */
	const char *replay;		/* REPLAY: a schedule, sched_format() */
	bool trace;			/* print every step */
	/* Traces: what @addr is, in words, into @buf. */
	void (*describe)(const volatile void *addr, char *buf, size_t size);
};

typedef void (*sched_body_fn)(unsigned int thread, void *arg);

/* Set the strategy up; the explorer then calls sched_next() for each run. */
void sched_init(const struct sched_config *cfg);

/*
 * Whether there is another schedule to run (DFS: the next one; PCT: a new
 * seed; REPLAY: the first call only). Sets up its choices.
 */
bool sched_next(void);

/*
 * Run @n threads, thread i calling @body(i, @args[i]), under the current
 * schedule, to the end of them all.
 *
 * Return: 0, or -1 for a deadlock or a livelock (sched_error() says
 * which).
 */
int sched_run(unsigned int n, sched_body_fn body, void *const args[]);

/* Inside a run: the thread running, and the number of steps so far. */
unsigned int sched_self(void);
unsigned long sched_steps(void);

/* What went wrong in the last sched_run(), or NULL. */
const char *sched_error(void);

/*
 * The choices of the current (or last) run as text, "T:N,T:N,...": thread
 * T ran N steps, and so on; sched_config.replay takes it back.
 */
const char *sched_format(void);

/* PCT: how many steps a run takes (the first one's, say). */
void sched_expect_steps(unsigned long steps);

/* The current PCT run's seed. */
u64 sched_pct_seed(void);

/* Runs cut short by the sleep sets since sched_init(). */
unsigned long long sched_pruned(void);

#endif /* S2OWN_EXPLORE_SCHED_H */
