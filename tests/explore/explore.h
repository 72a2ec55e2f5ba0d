/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The explorer's scenarios (scenarios.c) and what the explorer
 * (explore.c) does with them: each one a machine set up by a prelude and
 * two or three threads, each running a few operations on the core, under
 * the controlled scheduler (sched.h). After every schedule the run is
 * checked: the scheduler's deadlock and livelock, the fake backend's
 * break-before-make and use-after-free checks, s2o_check_invariants()
 * (which includes the table pages in use being the reachable tables), and
 * linearizability against the reference model's oracle (refmodel.h).
 */
#ifndef S2OWN_EXPLORE_H
#define S2OWN_EXPLORE_H

#include "../../ownership/mutant.h"
#include "../refmodel.h"
#include "sched.h"

/*
 * Two machines, both with the hypervisor's RAM holding the pool first.
 * The small one: 4M of host RAM right after it, two 2M blocks, B (every
 * scenario's block) and C (its neighbour), in a 1G block of mixed memory
 * whose level-2 table never coalesces. The 1G one: host RAM is [2G, 3G),
 * a 1G block all of RAM, whose level-2 table coalesces into a 1G block
 * once it is all the host's; B and C are its first two 2M blocks. Its
 * scenarios are slower (the invariant checker reads every page of RAM)
 * but have the races between transitions on B and on C, which their page
 * claims do not serialise (one claim lock per 2M block), at the table
 * they share. The addresses are those of the harness's usual map, so
 * that the reference model's window covers both blocks.
 */
#define X_POOL_PAGES 32
#define X_RAM_END (RAM_BASE + 4 * MIB)
#define B_PFN PFN(RAM_BASE)
#define C_PFN (B_PFN + 512)
#define B_PA(i) (RAM_BASE + (u64)(i) * PAGE)
#define C_PA(i) (RAM_BASE + 2 * MIB + (u64)(i) * PAGE)
#define X1G_RAM_BASE (2 * GIB)
#define X1G_RAM_END (3 * GIB)
#define B1G_PFN PFN(X1G_RAM_BASE)
#define C1G_PFN (B1G_PFN + 512)
#define B1G_PA(i) (X1G_RAM_BASE + (u64)(i) * PAGE)
#define C1G_PA(i) (X1G_RAM_BASE + 2 * MIB + (u64)(i) * PAGE)

enum xop_kind {
	XOP_NONE,
	XOP_CORE,	/* a call of the core, checked against the model */
	XOP_MMU,	/* the thread's CPU translates an address (host) */
	XOP_FN,		/* a scenario's own step (the PSCI relay) */
};

struct xop {
	enum xop_kind kind;
	struct rm_op op;	/* XOP_CORE; XOP_MMU: op.ipa */
	int (*fn)(unsigned int thread, const struct xop *op);	/* XOP_FN */
	u64 arg;
	/* The run's results. */
	int ret;
	u64 done;		/* XOP_CORE: the pages it says it changed */
	unsigned long inv, resp;	/* steps before the call, at its end */
};

#define X_MAX_OPS 4
#define X_MAX_PRELUDE 10
#define X_MAX_PAGES 8
#define X_MAX_GFNS 4

struct xthread {
	struct xop ops[X_MAX_OPS];
};

struct scenario {
	const char *name;
	const char *what;
	bool deep;		/* only in the deep exploration */
	bool big;		/* on the 1G machine */
	/* Set-up before the threads: calls checked by the model, then the
	 * host addresses CPU 3's MMU walks (its TLB and walk cache). */
	struct rm_op prelude[X_MAX_PRELUDE];
	u64 touch[4];
	unsigned int nthreads;
	struct xthread threads[SCHED_MAX_THREADS];
	/* What the final state is compared on: pages, and VMs' gfns. */
	u64 pages[X_MAX_PAGES];
	struct {
		int vm;
		u64 gfn;
	} gfns[X_MAX_GFNS];
	/* A scenario with a machine of its own (the PSCI relay). */
	void (*setup)(void);
	const char *(*check)(const struct xthread *threads);
};

/* psci.c: the PSCI relay (hyp/psci_relay.c) and a model of the firmware. */
int x_psci_suspend(unsigned int thread, const struct xop *op);
int x_psci_cpu_on(unsigned int thread, const struct xop *op);
int x_psci_boot(unsigned int thread, const struct xop *op);
void x_psci_setup_on(void);
void x_psci_setup_off(void);
const char *x_psci_check_suspend_on(const struct xthread *th);
const char *x_psci_check_on_on(const struct xthread *th);

extern const struct scenario x_scenarios[];
extern const unsigned int x_nr_scenarios;

/* Scenarios each mutant must be caught in, in the order tried. */
struct x_mutant {
	const char *name;
	const char *what;
	const char *scenarios[4];
};

extern const struct x_mutant x_mutants[];

#endif /* S2OWN_EXPLORE_H */
