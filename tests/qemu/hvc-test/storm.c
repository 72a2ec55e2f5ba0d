// SPDX-License-Identifier: GPL-2.0-only
/*
 * The storm: one kthread per online CPU, each with its own VM, churning
 * donations and reclaims for a given time while it also writes and reads
 * host memory of its own, so that host stage-2 faults, splits and
 * coalesces of different CPUs run into each other.
 *
 * Each iteration of a thread:
 *
 *   single page  donate -> touch (must fault) -> reclaim while the VM
 *                lives (-EBUSY) -> donate again (-EPERM) -> relinquish ->
 *                reclaim -> reads back zero -> free
 *   2 MiB chunk  the same with a 512-page range at a 2 MiB aligned gfn
 *   every 8th    donate a page, destroy the VM with it (pages must stay
 *                refused), reclaim, create a new VM
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
 * The threads run on their own: a write starts them and returns, reads
 * report progress. They end by kthread_complete_and_exit(), so unloading
 * the module only has to wait for their completions.
 */
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
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
#define GFN_CYCLE	(S2OWN_GFN_BASE + 2)
#define GFN_CHUNK	(S2OWN_GFN_BASE + S2OWN_CHUNK_PAGES)

struct storm_pending {
	struct page *page;
	unsigned int order;
};

struct storm_cpu {
	struct completion done;
	unsigned int cpu;
	bool started;
	int vm;
	u64 iterations;
	u64 calls;
	u64 expected_errors;	/* refusals that were asked for */
	u64 neighbour_faults;
	u64 chunks_skipped;	/* no free 2 MiB chunk */
	u64 vm_cycles;
	u64 unexpected;
	char first[256];
	unsigned int nr_pending;
	struct storm_pending pending[STORM_MAX_PENDING];
	struct page *own[STORM_OWN_PAGES];
};

static DEFINE_MUTEX(storm_lock);
static struct storm_cpu *storm_cpus;
static unsigned int storm_nr;
static unsigned int storm_seconds;
static unsigned long storm_deadline;
static bool storm_stop;

static void note(struct storm_cpu *c, long got, long want, const char *what,
		 u64 a, u64 b, u64 nr)
{
	c->calls++;
	if (got == want) {
		if (want)
			c->expected_errors++;
		return;
	}
	if (!c->unexpected++)
		snprintf(c->first, sizeof(c->first),
			 "cpu%u iteration %llu vm %d: %s(0x%llx, 0x%llx, %llu) = %ld, expected %ld",
			 c->cpu, c->iterations, c->vm, what, a, b, nr, got,
			 want);
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
	       c->cpu, page_to_pfn(page), order);
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
	size_t len = strlen(c->first);
	long ret;

	ret = s2own_hvc(S2OWN_HC_PAGE_QUERY, pfn, 0, 0, 0, &res);
	pr_err("%s: storm cpu%u: donated pfn 0x%llx readable (0x%llx); query %ld state 0x%llx vm %llu; read again: %d\n",
	       S2OWN_NAME, c->cpu, pfn, val, ret, res.out[0], res.out[1],
	       s2own_touch(pfn, &val));
	show_ptdump_at(pfn);
	if (c->unexpected == 1 && len + 1 < sizeof(c->first))
		snprintf(c->first + len, sizeof(c->first) - len,
			 "; query state 0x%llx vm %llu", res.out[0],
			 res.out[1]);
}

/*
 * Donate [pfn, pfn + nr) at @gfn and take it back the long way, checking
 * every refusal on the way. Returns true if the pages are the host's again.
 */
static bool cycle_range(struct storm_cpu *c, struct page *page,
			unsigned int order, u64 gfn, u64 probe)
{
	u64 pfn = page_to_pfn(page), nr = 1UL << order, val;
	long ret;

	/* A pattern, so that zeroes later prove the scrub. */
	memset(page_address(page), 0x5a, PAGE_SIZE << order);
	ret = s2own_donate_guest(c->vm, pfn, gfn, nr);
	note(c, ret, 0, "donate_guest", pfn, gfn, nr);
	if (ret)
		return true;	/* a failed call changes nothing */
	touch_neighbours(c, pfn, nr);
	ret = s2own_touch(pfn + probe, &val);
	note(c, ret, -EFAULT, "touch donated", pfn + probe, 0, 1);
	if (!ret)
		explain_readable(c, pfn + probe, val);
	note(c, s2own_reclaim_guest(pfn, nr), -EBUSY, "reclaim live", pfn, 0,
	     nr);
	note(c, s2own_donate_guest(c->vm, pfn + probe, GFN_SPARE, 1), -EPERM,
	     "donate twice", pfn + probe, GFN_SPARE, 1);
	ret = s2own_relinquish(c->vm, gfn, nr);
	note(c, ret, 0, "relinquish", gfn, 0, nr);
	if (ret)
		return false;
	ret = s2own_reclaim_guest(pfn, nr);
	note(c, ret, 0, "reclaim", pfn, 0, nr);
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

/* Destroy the VM with a page in it, take the page back, start a new VM. */
static void storm_vm_cycle(struct storm_cpu *c)
{
	struct page *page = alloc_page(GFP_KERNEL);
	bool donated;
	u64 pfn, val;
	long ret;

	if (!page)
		return;
	pfn = page_to_pfn(page);
	memset(page_address(page), 0xa5, PAGE_SIZE);
	ret = s2own_donate_guest(c->vm, pfn, GFN_CYCLE, 1);
	note(c, ret, 0, "donate_guest", pfn, GFN_CYCLE, 1);
	donated = !ret;
	ret = s2own_vm_destroy(c->vm);
	note(c, ret, 0, "vm_destroy", c->vm, 0, 0);
	c->vm_cycles++;
	if (ret) {
		/* The VM lives on with the page: it goes at the end. */
		if (donated)
			park(c, page, 0);
		else
			__free_page(page);
		return;
	}
	if (donated) {
		note(c, s2own_touch(pfn, &val), -EFAULT, "touch destroyed",
		     pfn, 0, 1);
		ret = s2own_reclaim_guest(pfn, 1);
		note(c, ret, 0, "reclaim destroyed", pfn, 0, 1);
		if (ret)
			park(c, page, 0);
		else
			check_zero(c, page, 0);
	}
	if (!donated || !ret)
		__free_page(page);
	ret = s2own_vm_create();
	note(c, ret > 0 ? 0 : ret, 0, "vm_create", 0, 0, 0);
	c->vm = ret > 0 ? ret : 0;
}

/* The host's own memory, in use all along: rewrite it, check it. */
static void storm_host_memory(struct storm_cpu *c)
{
	u64 word = c->iterations << 8 | c->cpu, *p;
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

static int storm_fn(void *data)
{
	struct storm_cpu *c = data;
	unsigned int i;
	long ret;

	for (i = 0; i < STORM_OWN_PAGES; i++)
		c->own[i] = alloc_page(GFP_KERNEL);
	ret = s2own_vm_create();
	note(c, ret > 0 ? 0 : ret, 0, "vm_create", 0, 0, 0);
	c->vm = ret > 0 ? ret : 0;

	while (c->vm && !READ_ONCE(storm_stop) &&
	       time_before(jiffies, storm_deadline)) {
		for (i = 0; i < STORM_OWN_PAGES; i++)
			if (!c->own[i])
				goto out;
		c->iterations++;
		storm_single(c);
		storm_chunk(c);
		storm_host_memory(c);
		if (!(c->iterations % 8))
			storm_vm_cycle(c);
		cond_resched();
	}
out:
	if (c->vm)
		note(c, s2own_vm_destroy(c->vm), 0, "vm_destroy", c->vm, 0, 0);
	for (i = 0; i < c->nr_pending; i++) {
		struct storm_pending *p = &c->pending[i];

		ret = s2own_reclaim_guest(page_to_pfn(p->page),
					  1UL << p->order);
		if (ret)
			pr_err("%s: storm cpu%u: leaking pfn 0x%lx order %u: %s\n",
			       S2OWN_NAME, c->cpu, page_to_pfn(p->page),
			       p->order, s2own_errname(ret));
		else
			__free_pages(p->page, p->order);
	}
	for (i = 0; i < STORM_OWN_PAGES; i++)
		if (c->own[i])
			__free_page(c->own[i]);
	kthread_complete_and_exit(&c->done, 0);
}

static bool storm_running(void)
{
	unsigned int i;

	for (i = 0; i < storm_nr; i++)
		if (storm_cpus[i].started &&
		    !completion_done(&storm_cpus[i].done))
			return true;
	return false;
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
	struct task_struct *t;
	struct storm_cpu *c;
	unsigned int cpu, n = 0;
	int ret = 0;

	mutex_lock(&storm_lock);
	if (storm_running()) {
		ret = -EBUSY;
		goto out;
	}
	kfree(storm_cpus);
	storm_nr = 0;
	storm_cpus = kcalloc(nr_cpu_ids, sizeof(*storm_cpus), GFP_KERNEL);
	if (!storm_cpus) {
		ret = -ENOMEM;
		goto out;
	}
	storm_seconds = seconds;
	storm_stop = false;
	storm_deadline = jiffies + seconds * HZ;
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		c = &storm_cpus[n];
		c->cpu = cpu;
		init_completion(&c->done);
		t = kthread_create_on_cpu(storm_fn, c, cpu, "s2own-storm/%u");
		if (IS_ERR(t)) {
			ret = ret ?: PTR_ERR(t);
			continue;
		}
		c->started = true;
		n++;
		wake_up_process(t);
	}
	cpus_read_unlock();
	storm_nr = n;
	if (n)
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
	idle = !storm_running();
	mutex_unlock(&storm_lock);
	return idle;
}

/**
 * s2own_storm_fmt() - the storm's progress and verdict (docs/debugfs.md).
 * @buf: where to write
 * @size: its size
 *
 * Return: bytes written.
 */
size_t s2own_storm_fmt(char *buf, size_t size)
{
	u64 iterations = 0, calls = 0, expected = 0, unexpected = 0;
	u64 skipped = 0, cycles = 0, neighbours = 0;
	const char *first = NULL;
	bool running, idle_cpu = false;
	const struct storm_cpu *c;
	size_t len = 0;
	unsigned int i;

	mutex_lock(&storm_lock);
	if (!storm_nr) {
		len = scnprintf(buf, size, "state idle\n");
		goto out;
	}
	running = storm_running();
	for (i = 0; i < storm_nr; i++) {
		c = &storm_cpus[i];
		iterations += READ_ONCE(c->iterations);
		calls += READ_ONCE(c->calls);
		expected += READ_ONCE(c->expected_errors);
		unexpected += READ_ONCE(c->unexpected);
		skipped += READ_ONCE(c->chunks_skipped);
		cycles += READ_ONCE(c->vm_cycles);
		neighbours += READ_ONCE(c->neighbour_faults);
		if (!READ_ONCE(c->iterations))
			idle_cpu = true;
		/* The message is complete once its thread is done. */
		if (!first && !running && c->unexpected)
			first = c->first;
	}
	len += scnprintf(buf + len, size - len,
			 "state %s\nseconds %u\ncpus %u\niterations %llu\n"
			 "calls %llu\nexpected_errors %llu\nunexpected %llu\n"
			 "vm_cycles %llu\nchunks_skipped %llu\n"
			 "neighbour_faults %llu\n",
			 running ? "running" : "done", storm_seconds, storm_nr,
			 iterations, calls, expected, unexpected, cycles,
			 skipped, neighbours);
	for (i = 0; i < storm_nr; i++) {
		c = &storm_cpus[i];
		len += scnprintf(buf + len, size - len,
				 "cpu%u iterations %llu calls %llu unexpected %llu\n",
				 c->cpu, READ_ONCE(c->iterations),
				 READ_ONCE(c->calls), READ_ONCE(c->unexpected));
	}
	if (first)
		len += scnprintf(buf + len, size - len, "first_unexpected %s\n",
				 first);
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
	unsigned int i;

	mutex_lock(&storm_lock);
	WRITE_ONCE(storm_stop, true);
	for (i = 0; i < storm_nr; i++)
		if (storm_cpus[i].started)
			wait_for_completion(&storm_cpus[i].done);
	kfree(storm_cpus);
	storm_cpus = NULL;
	storm_nr = 0;
	mutex_unlock(&storm_lock);
}
