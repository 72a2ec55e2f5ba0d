// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mode FUZZ's side in the VMM (docs/guests.md, "The fuzzing guest"): the
 * guest's calls, its checks, its report; and the churn, a thread that
 * donates and reclaims the fuzz pages while the vCPUs call.
 *
 * A check (S2OWN_VMM_FUZZ_CHECK) comes from a vCPU that waits in its HVC,
 * with its model of its slice: every page shared, owned, or given up. The
 * VMM runs the invariant checker (S2OWN_HC_CHECK, through debugfs's hvc),
 * then, holding mem_lock so that the churn waits, checks each page:
 *
 *   shared    the hypervisor says shared (query), and the VMM reads it
 *   owned     the guest's alone (query), every access and the host's
 *             RECLAIM and DONATE at its gfn refused
 *   given up  if the VMM donated a page there again: as owned; else the
 *             VMM's own, and it reads it
 *
 * The churn picks a fuzz page at random every CHURN_US: one the VMM has
 * (the guest gave it up) it donates again; one it donated it tries to
 * RECLAIM, which must fail with EBUSY unless the guest gave it up just
 * now (its vCPU's thread has not reclaimed it yet): then it comes back.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmm.h"

#define CHURN_US	2000
#define FUZZ_PAGES	(S2OWN_GUEST_NR_VCPUS * S2OWN_GUEST_FUZZ_SLICE + \
			 S2OWN_GUEST_FUZZ_SHARED)

/**
 * fuzz_start() - S2OWN_VMM_FUZZ_START: how many calls, the seed, and
 * whether the fuzz pages were donated up front.
 * @v: the VMM
 * @answer: x0..x3 back
 */
void fuzz_start(struct vmm *v, uint64_t *answer)
{
	answer[1] = v->o.fuzz_calls;
	answer[2] = v->o.seed;
	answer[3] = v->o.donate == DONATE_ALL;
	say(v, "fuzz: %" PRIu64 " guest calls, seed 0x%" PRIx64, answer[1],
	    answer[2]);
}

/* The invariant checker at EL2, through debugfs: 0 or its -errno. */
static int64_t run_checker(struct vmm *v)
{
	char line[32], answer[160];
	long long ret;

	snprintf(line, sizeof(line), "0x%x\n", S2OWN_HC_CHECK);
	if (probe_debugfs(v, "hvc", line, answer, sizeof(answer)) ||
	    sscanf(answer, "%*s %*s %*s %*s %lld", &ret) != 1)
		return -1;
	return ret;
}

/* One page of a slice against the guest's model; false if it disagrees. */
static bool check_page(struct vmm *v, uint64_t page, bool shared,
		       bool owned)
{
	bool donated = v->donated[page];
	uint64_t val;

	if (shared)
		return donated &&
		       probe_page_is(v, page, " host=shared_borrowed ") &&
		       probe_page_is(v, page, " guest=shared_owned ") &&
		       !probe_refused(page_ptr(v, page), false, &val);
	if (owned || donated)
		return donated && probe_page_is(v, page, " guest=owned ") &&
		       probe_refused(page_ptr(v, page), false, &val) &&
		       (!owned || probe_host_calls(v, page) == 2);
	return !probe_refused(page_ptr(v, page), false, &val);
}

/**
 * fuzz_check() - S2OWN_VMM_FUZZ_CHECK: the invariant checker, then the
 * caller's slice page by page.
 * @v: the VMM
 * @x: the guest's x0..x5: x1 calls so far, x2 the slice's IPA (0: none),
 *     x3 the mask of its pages shared, x4 of those owned
 * @answer: x0..x3 back: x1 the checker's result, x2 pages that disagree
 */
void fuzz_check(struct vmm *v, const uint64_t *x, uint64_t *answer)
{
	uint64_t first = (x[2] - v->o.ram_base) / PAGE_SIZE, i, bad = 0;
	int64_t ret = run_checker(v);

	atomic_fetch_add(&v->c.fuzz_checks, 1);
	if (ret)
		vmm_error(v, "fuzz: the invariant checker after call %" PRIu64 ": %" PRId64,
			  x[1], ret);
	answer[1] = (uint64_t)ret;
	if (!x[2])
		return;
	if (!in_ram(v, x[2]) ||
	    first + S2OWN_GUEST_FUZZ_SLICE > v->ram_pages) {
		vmm_error(v, "fuzz: a slice at 0x%" PRIx64, x[2]);
		return;
	}
	pthread_mutex_lock(&v->mem_lock);
	for (i = 0; i < S2OWN_GUEST_FUZZ_SLICE; i++) {
		bool shared = x[3] >> i & 1, owned = x[4] >> i & 1;

		if (check_page(v, first + i, shared, owned))
			continue;
		if (!bad++)
			say(v, "fuzz: page 0x%" PRIx64 ", %s to the guest, %sdonated, disagrees",
			    x[2] + i * PAGE_SIZE,
			    shared ? "shared" : owned ? "owned" : "given up",
			    v->donated[first + i] ? "" : "not ");
	}
	pthread_mutex_unlock(&v->mem_lock);
	atomic_fetch_add(&v->c.fuzz_pages_checked, S2OWN_GUEST_FUZZ_SLICE);
	atomic_fetch_add(&v->c.fuzz_mismatches, bad);
	if (bad)
		vmm_error(v, "fuzz: %" PRIu64 " pages of the slice at 0x%" PRIx64 " disagree after call %" PRIu64,
			  bad, x[2], x[1]);
	answer[2] = bad;
}

/**
 * fuzz_report() - S2OWN_VMM_FUZZ_REPORT: the guest's figures.
 * @v: the VMM
 * @x: the guest's x0..x5: calls, ok, NOT_SUPPORTED, INVALID_PARAMETER,
 *     unexpected
 */
void fuzz_report(struct vmm *v, const uint64_t *x)
{
	v->fuzz = (struct fuzz_report){ .have = true, .calls = x[1],
					.ok = x[2], .not_supported = x[3],
					.invalid = x[4], .unexpected = x[5] };
}

static uint64_t churn_rnd(struct vmm *v)
{
	/* xorshift64: the churn's own, from the seed. */
	uint64_t x = v->churn_rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return v->churn_rng = x;
}

/* One move of the churn on a page of the fuzz pages. */
static void churn_one(struct vmm *v, uint64_t page)
{
	uint64_t pages;

	pthread_mutex_lock(&v->mem_lock);
	if (!v->donated[page]) {
		if (!mem_donate_locked(v, page, 1))
			atomic_fetch_add(&v->c.churn_donations, 1);
	} else if (!mem_reclaim_locked(v, page, 1, &pages, true)) {
		/* Given up, and its vCPU has not taken it back yet. */
		atomic_fetch_add(&v->c.churn_reclaims, pages);
		if (pages != 1)
			vmm_error(v, "fuzz: RECLAIM of gfn 0x%" PRIx64 ": %" PRIu64 " pages",
				  page_gfn(v, page), pages);
	} else if (errno == EBUSY) {
		atomic_fetch_add(&v->c.churn_reclaims_refused, 1);
	} else {
		vmm_error(v, "fuzz: RECLAIM of gfn 0x%" PRIx64 ": %s",
			  page_gfn(v, page), strerror(errno));
	}
	pthread_mutex_unlock(&v->mem_lock);
}

static void *churn_thread(void *arg)
{
	uint64_t first = (S2OWN_GUEST_FUZZ_BASE - S2OWN_GUEST_RAM_BASE) /
			 PAGE_SIZE;
	struct timespec ts = { .tv_nsec = CHURN_US * 1000L };
	struct vmm *v = arg;

	while (!atomic_load(&v->stop) && !atomic_load(&v->churn_stop)) {
		churn_one(v, first + churn_rnd(v) % FUZZ_PAGES);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

/**
 * fuzz_churn_start() - start the churn, in mode FUZZ with the in-tree
 * guest's RAM.
 * @v: the VMM
 *
 * Return: 0, or -1 with the error said.
 */
int fuzz_churn_start(struct vmm *v)
{
	int ret;

	if (v->o.ram_base != S2OWN_GUEST_RAM_BASE ||
	    v->o.ram_size != S2OWN_GUEST_RAM_SIZE) {
		say(v, "fuzz: not the in-tree guest's RAM: no churn");
		return 0;
	}
	v->churn_rng = v->o.seed * 0x9e3779b97f4a7c15ULL | 1;
	ret = pthread_create(&v->churn, NULL, churn_thread, v);
	if (ret) {
		vmm_error(v, "fuzz: the churn's thread: %s", strerror(ret));
		return -1;
	}
	v->churning = true;
	return 0;
}

/**
 * fuzz_churn_stop() - stop the churn and wait for it.
 * @v: the VMM
 */
void fuzz_churn_stop(struct vmm *v)
{
	if (!v->churning)
		return;
	atomic_store(&v->churn_stop, true);
	pthread_join(v->churn, NULL);
	v->churning = false;
}
