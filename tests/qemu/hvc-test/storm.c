// SPDX-License-Identifier: GPL-2.0-only
/*
 * The storm: one kthread per online CPU, each with its own VM, churning
 * donations and reclaims for a given time while it also writes and reads
 * host memory of its own, so that host stage-2 faults, splits and
 * coalesces of different CPUs run into each other.
 *
 * Each iteration of a thread:
 *
 *   single page  donate -> touch (must fault) -> what a host may not do to
 *                a live guest, each refused and changing nothing: reclaim
 *                (-EBUSY), donate the page again elsewhere (-EPERM),
 *                donate another page at its gfn (-EBUSY), the retired
 *                host relinquish (an unknown id) -> touch (still a fault)
 *                -> destroy the VM -> touch (a fault) -> reclaim -> reads
 *                back zero -> free -> a new VM
 *   2 MiB chunk  the same with a 512-page range at a 2 MiB aligned gfn
 *   host memory  rewrite and check 16 pages of its own
 *
 * and, after each donation, a read of the pages on either side of it:
 * those may belong to another CPU's guest, any result but an oops is fine.
 *
 * Every call has one right answer; anything else counts as unexpected and
 * the first one is kept in words. Pages whose way back failed are kept
 * until the thread ends and retried after its VM is destroyed; what still
 * fails is leaked (never freed to Linux).
 *
 * The threads (threads.c) run on their own: a write starts them and
 * returns, reads report progress. Unloading the module stops them and
 * waits for their completions.
 */
#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "drv.h"
#include "hvc_test.h"

#define STORM_OWN_PAGES		16
#define STORM_MAX_PENDING	32

/* Each thread's VM layout: fixed gfns, reused every iteration. */
#define GFN_SINGLE	(S2OWN_GFN_BASE)
#define GFN_SPARE	(S2OWN_GFN_BASE + 1)	/* double donations: refused */
#define GFN_CHUNK	(S2OWN_GFN_BASE + S2OWN_CHUNK_PAGES)

struct storm_pending {
	struct page *page;
	unsigned int order;
};

struct storm_cpu {
	struct s2own_thread thread;	/* first: calls, unexpected */
	int vm;
	struct s2own_vm_pages vm_pages;	/* its own, the host's gift */
	u64 iterations;
	u64 expected_errors;	/* refusals that were asked for */
	u64 neighbour_faults;
	u64 chunks_skipped;	/* no free 2 MiB chunk */
	u64 vm_cycles;
	unsigned int nr_pending;
	struct storm_pending pending[STORM_MAX_PENDING];
	struct page *own[STORM_OWN_PAGES];
	struct page *spare;	/* offered at a gfn in use: refused */
};

static_assert(offsetof(struct storm_cpu, thread) == 0);

static DEFINE_MUTEX(storm_lock);
static struct s2own_threads storm;
static unsigned int storm_seconds;
static unsigned long storm_deadline;
static bool storm_stop;

static void note(struct storm_cpu *c, long got, long want, const char *what,
		 u64 a, u64 b, u64 nr)
{
	c->thread.calls++;
	if (got == want) {
		if (want)
			c->expected_errors++;
		return;
	}
	s2own_thread_unexpected(&c->thread,
				"cpu%u iteration %llu vm %d: %s(0x%llx, 0x%llx, %llu) = %ld, expected %ld",
				c->thread.cpu, c->iterations, c->vm, what, a, b,
				nr, got, want);
}

/* A page (or chunk) whose way back failed: retry once the VM is gone. */
static void park(struct storm_cpu *c, struct page *page, unsigned int order)
{
	if (c->nr_pending < STORM_MAX_PENDING) {
		c->pending[c->nr_pending].page = page;
		c->pending[c->nr_pending].order = order;
		c->nr_pending++;
		return;
	}
	pr_err("%s: storm cpu%u: leaking pfn 0x%lx order %u\n", S2OWN_NAME,
	       c->thread.cpu, page_to_pfn(page), order);
}

static void check_zero(struct storm_cpu *c, struct page *page,
		       unsigned int order)
{
	u64 pfn = page_to_pfn(page), val = ~0ULL;

	note(c, s2own_touch(pfn, &val), 0, "touch reclaimed", pfn, 0, 1);
	note(c, memchr_inv(page_address(page), 0, PAGE_SIZE << order) ? 1 : 0,
	     0, "scrubbed", pfn, val, 1UL << order);
}

/* Read around a donation: those pages may be another CPU's guest's. */
static void touch_neighbours(struct storm_cpu *c, u64 pfn, u64 nr)
{
	u64 val;

	if (s2own_touch(pfn - 1, &val) == -EFAULT)
		c->neighbour_faults++;
	if (s2own_touch(pfn + nr, &val) == -EFAULT)
		c->neighbour_faults++;
}

/*
 * Once per storm: the host ptdump lines around @pfn, to the kernel log, for
 * whoever has to find out why the host could read it.
 */
static void show_ptdump_at(u64 pfn)
{
	static atomic_t shown = ATOMIC_INIT(0);
	u64 pa = pfn << PAGE_SHIFT, start, end;
	char *text, *line, *next;
	size_t len;

	if (atomic_xchg(&shown, 1) || s2own_ptdump_text(0, &text, &len))
		return;
	for (line = text; line < text + len; line = next + 1) {
		next = strchrnul(line, '\n');
		*next = '\0';
		/* "0x<start>-0x<end> ...": within 2 MiB of the page. */
		if (sscanf(line, "0x%llx-0x%llx", &start, &end) == 2 &&
		    end + SZ_2M > pa && start < pa + SZ_2M)
			pr_err("%s: ptdump: %s\n", S2OWN_NAME, line);
		if (next >= text + len)
			break;
	}
	kvfree(text);
}

/*
 * A donated page the host could read: say what the hypervisor thinks of
 * it, and whether a second read is refused (a stale TLB entry would let
 * the first one through only).
 */
static void explain_readable(struct storm_cpu *c, u64 pfn, u64 val)
{
	struct s2own_hvc_res res;
	char *first = c->thread.first;
	size_t len = strlen(first);
	long ret;

	ret = s2own_hvc(S2OWN_HC_PAGE_QUERY, pfn, 0, 0, 0, &res);
	pr_err("%s: storm cpu%u: donated pfn 0x%llx readable (0x%llx); query %ld state 0x%llx vm %llu; read again: %d\n",
	       S2OWN_NAME, c->thread.cpu, pfn, val, ret, res.out[0],
	       res.out[1], s2own_touch(pfn, &val));
	show_ptdump_at(pfn);
	if (c->thread.unexpected == 1 && len + 1 < sizeof(c->thread.first))
		snprintf(first + len, sizeof(c->thread.first) - len,
			 "; query state 0x%llx vm %llu", res.out[0],
			 res.out[1]);
}

/* A new VM for the next cycle; 0 (the thread stops) if none. */
static void new_vm(struct storm_cpu *c)
{
	long ret = s2own_vm_pages_create(&c->vm_pages, 0, 0, 0, 0);

	note(c, ret > 0 ? 0 : ret, 0, "vm_create", 0, 0, 0);
	c->vm = ret > 0 ? ret : 0;
}

/*
 * What a host may not do to the live guest that has [pfn, pfn + nr) at
 * @gfn: each must be refused, and the page at @pfn + @probe stay refused
 * to the host's reads. Returns true if the spare page was taken (a bug).
 */
static bool refusals(struct storm_cpu *c, u64 pfn, u64 gfn, u64 nr,
		     u64 probe)
{
	u64 spare = page_to_pfn(c->spare), val;
	struct s2own_hvc_res res;
	long ret, taken;

	note(c, s2own_reclaim_guest(pfn, nr), -EBUSY, "reclaim live", pfn, 0,
	     nr);
	note(c, s2own_donate_guest(c->vm, pfn + probe, GFN_SPARE, 1), -EPERM,
	     "donate twice", pfn + probe, GFN_SPARE, 1);
	taken = s2own_donate_guest(c->vm, spare, gfn + probe, 1);
	note(c, taken, -EBUSY, "donate at a gfn in use", spare, gfn + probe,
	     1);
	/* An unknown id: x0 is NOT_SUPPORTED, where -EPERM has x0 = 0. */
	s2own_hvc(S2OWN_HC_RETIRED_RELINQUISH, c->vm, gfn, nr, 0, &res);
	note(c, (long)res.regs.a0, S2OWN_RET_NOT_SUPPORTED,
	     "retired host relinquish", gfn, 0, nr);
	ret = s2own_touch(pfn + probe, &val);
	note(c, ret, -EFAULT, "touch after the refusals", pfn + probe, 0, 1);
	if (!ret)
		explain_readable(c, pfn + probe, val);
	return !taken;
}

/*
 * Donate [pfn, pfn + nr) at @gfn, check the refusals, and take it back the
 * only way a host has: destroy the VM, reclaim, and start a new VM.
 * Returns true if the pages are the host's again.
 */
static bool cycle_range(struct storm_cpu *c, struct page *page,
			unsigned int order, u64 gfn, u64 probe)
{
	u64 pfn = page_to_pfn(page), nr = 1UL << order, val;
	bool spare_taken;
	long ret;

	/* A pattern, so that zeroes later prove the scrub. */
	memset(page_address(page), 0x5a, PAGE_SIZE << order);
	ret = s2own_vm_pages_donate(&c->vm_pages, c->vm, pfn, gfn, nr);
	note(c, ret, 0, "donate_guest", pfn, gfn, nr);
	if (ret)
		return true;	/* a failed call changes nothing */
	touch_neighbours(c, pfn, nr);
	ret = s2own_touch(pfn + probe, &val);
	note(c, ret, -EFAULT, "touch donated", pfn + probe, 0, 1);
	if (!ret)
		explain_readable(c, pfn + probe, val);
	spare_taken = refusals(c, pfn, gfn, nr, probe);
	ret = s2own_vm_destroy(c->vm);
	note(c, ret, 0, "vm_destroy", c->vm, 0, 0);
	if (ret)
		return false;
	c->vm_cycles++;
	if (spare_taken && s2own_reclaim_guest(page_to_pfn(c->spare), 1))
		c->spare = NULL;	/* leaked: never the host's again */
	note(c, s2own_touch(pfn + probe, &val), -EFAULT, "touch destroyed",
	     pfn + probe, 0, 1);
	ret = s2own_reclaim_guest(pfn, nr);
	note(c, ret, 0, "reclaim destroyed", pfn, 0, nr);
	note(c, s2own_vm_pages_reclaim(&c->vm_pages), 0, "reclaim the VM's own",
	     c->vm, 0, 0);
	new_vm(c);
	if (ret)
		return false;
	check_zero(c, page, order);
	return true;
}

static void storm_single(struct storm_cpu *c)
{
	struct page *page = alloc_page(GFP_KERNEL);

	if (!page)
		return;
	if (cycle_range(c, page, 0, GFN_SINGLE, 0))
		__free_page(page);
	else
		park(c, page, 0);
}

static void storm_chunk(struct storm_cpu *c)
{
	struct page *page;

	page = alloc_pages(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN,
			   S2OWN_CHUNK_ORDER);
	if (!page) {
		c->chunks_skipped++;
		return;
	}
	if (cycle_range(c, page, S2OWN_CHUNK_ORDER, GFN_CHUNK,
			c->iterations % S2OWN_CHUNK_PAGES))
		__free_pages(page, S2OWN_CHUNK_ORDER);
	else
		park(c, page, S2OWN_CHUNK_ORDER);
}

/* The host's own memory, in use all along: rewrite it, check it. */
static void storm_host_memory(struct storm_cpu *c)
{
	u64 word = c->iterations << 8 | c->thread.cpu, *p;
	unsigned int i, j, bad = 0;

	for (i = 0; i < STORM_OWN_PAGES; i++) {
		p = page_address(c->own[i]);
		for (j = 0; j < PAGE_SIZE / sizeof(u64); j += 8)
			WRITE_ONCE(p[j], word);
	}
	for (i = 0; i < STORM_OWN_PAGES; i++) {
		p = page_address(c->own[i]);
		for (j = 0; j < PAGE_SIZE / sizeof(u64); j += 8)
			bad += READ_ONCE(p[j]) != word;
	}
	note(c, bad, 0, "host memory check", word, 0, 0);
}

static void storm_fn(struct s2own_thread *t)
{
	struct storm_cpu *c = container_of(t, struct storm_cpu, thread);
	unsigned int i;
	long ret;

	for (i = 0; i < STORM_OWN_PAGES; i++)
		c->own[i] = alloc_page(GFP_KERNEL);
	c->spare = alloc_page(GFP_KERNEL);
	s2own_vm_pages_init(&c->vm_pages);
	new_vm(c);

	while (c->vm && c->spare && !READ_ONCE(storm_stop) &&
	       time_before(jiffies, storm_deadline)) {
		for (i = 0; i < STORM_OWN_PAGES; i++)
			if (!c->own[i])
				goto out;
		c->iterations++;
		storm_single(c);
		if (c->vm)
			storm_chunk(c);
		storm_host_memory(c);
		cond_resched();
	}
out:
	if (c->vm) {
		note(c, s2own_vm_destroy(c->vm), 0, "vm_destroy", c->vm, 0, 0);
		note(c, s2own_vm_pages_reclaim(&c->vm_pages), 0,
		     "reclaim the VM's own", c->vm, 0, 0);
	}
	for (i = 0; i < c->nr_pending; i++) {
		struct storm_pending *p = &c->pending[i];

		ret = s2own_reclaim_guest(page_to_pfn(p->page),
					  1UL << p->order);
		if (ret)
			pr_err("%s: storm cpu%u: leaking pfn 0x%lx order %u: %s\n",
			       S2OWN_NAME, t->cpu, page_to_pfn(p->page),
			       p->order, s2own_errname(ret));
		else
			__free_pages(p->page, p->order);
	}
	for (i = 0; i < STORM_OWN_PAGES; i++)
		if (c->own[i])
			__free_page(c->own[i]);
	if (c->spare)
		__free_page(c->spare);
}

static struct storm_cpu *storm_cpu(unsigned int i)
{
	return container_of(s2own_thread_at(&storm, i), struct storm_cpu,
			    thread);
}

/**
 * s2own_storm_start() - start a storm thread on every online CPU.
 * @seconds: how long they run, 1..S2OWN_STORM_MAX_SECONDS
 *
 * The caller keeps a fuzz from running meanwhile (main.c).
 *
 * Return: 0, -EBUSY if a storm is running, -ENOMEM, or the error of the
 * first thread that could not be created (if none could).
 */
int s2own_storm_start(unsigned int seconds)
{
	int ret;

	mutex_lock(&storm_lock);
	if (s2own_threads_running(&storm)) {
		ret = -EBUSY;
		goto out;
	}
	ret = s2own_threads_alloc(&storm, sizeof(struct storm_cpu));
	if (ret)
		goto out;
	storm_seconds = seconds;
	storm_stop = false;
	storm_deadline = jiffies + seconds * HZ;
	ret = s2own_threads_start(&storm, NULL, storm_fn, "s2own-storm/%u");
	if (s2own_threads_started(&storm))
		ret = 0;
out:
	mutex_unlock(&storm_lock);
	return ret;
}

/**
 * s2own_storm_idle() - whether no storm thread is running.
 *
 * Return: true if none is.
 */
bool s2own_storm_idle(void)
{
	bool idle;

	mutex_lock(&storm_lock);
	idle = !s2own_threads_running(&storm);
	mutex_unlock(&storm_lock);
	return idle;
}

#define STORM_SUM(member) S2OWN_THREADS_SUM(&storm, struct storm_cpu, member)

/**
 * s2own_storm_fmt() - the storm's progress and verdict (docs/debugfs.md).
 * @buf: where to write
 * @size: its size
 *
 * Return: bytes written.
 */
size_t s2own_storm_fmt(char *buf, size_t size)
{
	unsigned int i, nr;
	const struct storm_cpu *c;
	bool running, idle_cpu = false;
	size_t len = 0;
	u64 unexpected;

	mutex_lock(&storm_lock);
	nr = s2own_threads_started(&storm);
	if (!nr) {
		len = scnprintf(buf, size, "state idle\n");
		goto out;
	}
	running = s2own_threads_running(&storm);
	unexpected = STORM_SUM(thread.unexpected);
	len += scnprintf(buf + len, size - len,
			 "state %s\nseconds %u\ncpus %u\niterations %llu\n"
			 "calls %llu\nexpected_errors %llu\nunexpected %llu\n"
			 "vm_cycles %llu\nchunks_skipped %llu\n"
			 "neighbour_faults %llu\n",
			 running ? "running" : "done", storm_seconds, nr,
			 STORM_SUM(iterations), STORM_SUM(thread.calls),
			 STORM_SUM(expected_errors), unexpected,
			 STORM_SUM(vm_cycles), STORM_SUM(chunks_skipped),
			 STORM_SUM(neighbour_faults));
	for (i = 0; i < storm.nr; i++) {
		c = storm_cpu(i);
		if (!c->thread.started)
			continue;
		if (!READ_ONCE(c->iterations))
			idle_cpu = true;
		len += scnprintf(buf + len, size - len,
				 "cpu%u iterations %llu calls %llu unexpected %llu\n",
				 c->thread.cpu, READ_ONCE(c->iterations),
				 READ_ONCE(c->thread.calls),
				 READ_ONCE(c->thread.unexpected));
	}
	/* The words are complete once their thread is done. */
	if (!running && unexpected)
		len += scnprintf(buf + len, size - len, "first_unexpected %s\n",
				 s2own_threads_first(&storm));
	if (!running)
		len += scnprintf(buf + len, size - len, "result %s\n",
				 unexpected || idle_cpu ? "FAIL" : "PASS");
out:
	mutex_unlock(&storm_lock);
	return len;
}

/**
 * s2own_storm_exit() - stop a running storm and wait for its threads.
 */
void s2own_storm_exit(void)
{
	mutex_lock(&storm_lock);
	WRITE_ONCE(storm_stop, true);
	s2own_threads_wait(&storm);
	s2own_threads_free(&storm);
	mutex_unlock(&storm_lock);
}
