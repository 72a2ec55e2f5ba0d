// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of the hypervisor's tracing (docs/tracing.md), from the host.
 *
 * The story (trace_story): a donation whose every event is known in
 * advance, the host's fault on the block included. The host stage-2 has
 * all of Linux's RAM mapped by the time tests run, so the block is first
 * made empty: "prepare" donates the first 2 MiB of a 4 MiB chunk whole
 * and a page of the second half (which keeps the 1G table from
 * coalescing), destroys the VM and reclaims the first half, which leaves
 * its level-2 entry empty. "run" then reads it (a host fault maps a 2M
 * block), donates one page of it to a new VM (TLBI, split, donation),
 * destroys the VM and reclaims the page (scrub, coalesce, reclaim).
 * "finish" reclaims the guard page and frees the chunk. The shell takes
 * the trace between the steps.
 *
 * The hostile host (trace_hostile): while tracing is on and other CPUs make events
 * (the storm, started first), it
 *
 *  1. scribbles over every CPU's buffer for the first half of the time:
 *     random words at random places of the header (the hypervisor's head,
 *     lost, magic, sizes, and the read index it must check) and of the
 *     records, a few thousand times a second;
 *  2. then unshares each buffer's pages behind the driver's back, while
 *     the hypervisor may be writing a record into them, fills them with a
 *     pattern, and lets the events go on for the second half;
 *  3. checks that the pattern is whole (the hypervisor wrote nothing to a
 *     page once it was unshared; the driver, still reading the buffer,
 *     writes its read index, which is not checked) and that the
 *     invariant checker passes.
 *
 * The write returns when it is over; a read gives the counts and the
 * verdict. The driver gets its buffers back at its next set-up or unload
 * (pages unshared by someone else are checked and freed).
 */
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/string.h>

#include "drv.h"
#include "hvc_test.h"
#include "s2own_trace.h"
#include "s2own_tracing.h"

#define PATTERN 0xa5

static DEFINE_MUTEX(hostile_lock);

#define STORY_ORDER	10	/* 4 MiB */
#define STORY_GUARD	7	/* the page of the second half kept donated */
#define STORY_PAGE	5	/* the page of the first half donated */
#define STORY_GFN	0x80000ULL

static struct {
	struct page *chunk;
	u64 pfn;		/* of the chunk */
	int vm;
	unsigned int step;	/* 0 none, 1 prepared, 2 run */
	struct s2own_vm_pages vm_pages;	/* the VM's own */
	u64 unexpected;
	char first[160];
} story;

static void story_call(long got, long want, const char *what)
{
	if (got == want || (want == 1 && got > 0))
		return;
	if (!story.unexpected++)
		snprintf(story.first, sizeof(story.first),
			 "%s returned %ld, want %ld", what, got, want);
}

/**
 * s2own_trace_story() - one step of the story.
 * @step: "prepare", "run" or "finish", in that order
 *
 * Return: 0, -EINVAL out of order, -EBUSY while the hostile host runs,
 * -ENOMEM.
 */
int s2own_trace_story(const char *step)
{
	u64 h1, h2, *p;
	int ret = 0;

	if (!mutex_trylock(&hostile_lock))
		return -EBUSY;
	h1 = story.pfn;
	h2 = h1 + (1 << (STORY_ORDER - 1));
	if (!strcmp(step, "prepare") && !story.chunk) {
		memset(&story, 0, sizeof(story));
		s2own_vm_pages_init(&story.vm_pages);
		story.chunk = alloc_pages(GFP_KERNEL | __GFP_NOWARN, STORY_ORDER);
		if (!story.chunk) {
			ret = -ENOMEM;
			goto out;
		}
		story.pfn = h1 = page_to_pfn(story.chunk);
		h2 = h1 + (1 << (STORY_ORDER - 1));
		memset(page_address(story.chunk), 0x5a, PAGE_SIZE << STORY_ORDER);
		story.vm = s2own_vm_pages_create(&story.vm_pages, 0, 0, 0, 0);
		story_call(story.vm, 1, "vm_create");
		story_call(s2own_vm_pages_donate(&story.vm_pages, story.vm,
						 h2 + STORY_GUARD, STORY_GFN,
						 1), 0, "donate guard");
		story_call(s2own_vm_pages_donate(&story.vm_pages, story.vm, h1,
						 STORY_GFN + 512, 512), 0,
			   "donate 2M");
		story_call(s2own_vm_destroy(story.vm), 0, "vm_destroy");
		story_call(s2own_reclaim_guest(h1, 512), 0, "reclaim 2M");
		story_call(s2own_vm_pages_reclaim(&story.vm_pages), 0,
			   "reclaim the VM's own");
		story.step = 1;
	} else if (!strcmp(step, "run") && story.step == 1) {
		p = page_address(story.chunk + STORY_PAGE);
		story_call(READ_ONCE(*p), 0, "read of a reclaimed page");
		story.vm = s2own_vm_pages_create(&story.vm_pages, 0, 0, 0, 0);
		story_call(story.vm, 1, "vm_create");
		story_call(s2own_vm_pages_donate(&story.vm_pages, story.vm,
						 h1 + STORY_PAGE, STORY_GFN, 1),
			   0, "donate");
		story_call(s2own_vm_destroy(story.vm), 0, "vm_destroy");
		story_call(s2own_reclaim_guest(h1 + STORY_PAGE, 1), 0,
			   "reclaim");
		story_call(s2own_vm_pages_reclaim(&story.vm_pages), 0,
			   "reclaim the VM's own");
		story.step = 2;
	} else if (!strcmp(step, "finish") && story.chunk) {
		ret = (int)s2own_reclaim_guest(h2 + STORY_GUARD, 1);
		story_call(ret, 0, "reclaim guard");
		if (ret)
			pr_err("%s: trace story: leaking pfn 0x%llx order %u\n",
			       S2OWN_NAME, h1, STORY_ORDER);
		else
			__free_pages(story.chunk, STORY_ORDER);
		story.chunk = NULL;
		story.step = 0;
		ret = 0;
	} else {
		ret = -EINVAL;
	}
out:
	mutex_unlock(&hostile_lock);
	return ret;
}

/**
 * s2own_trace_story_fmt() - the story's pages and verdict.
 * @buf: where to write
 * @size: its size
 *
 * Return: bytes written.
 */
size_t s2own_trace_story_fmt(char *buf, size_t size)
{
	size_t len;

	mutex_lock(&hostile_lock);
	len = scnprintf(buf, size,
			"step %u\nchunk 0x%llx\npfn 0x%llx\nguard 0x%llx\nvm %d\nunexpected %llu\n",
			story.step, story.pfn, story.pfn + STORY_PAGE,
			story.pfn + (1 << (STORY_ORDER - 1)) + STORY_GUARD,
			story.vm, story.unexpected);
	if (story.unexpected)
		len += scnprintf(buf + len, size - len, "first_unexpected %s\n",
				 story.first);
	len += scnprintf(buf + len, size - len, "result %s\n",
			 story.unexpected ? "FAIL" : "PASS");
	mutex_unlock(&hostile_lock);
	return len;
}

static struct {
	bool done;
	unsigned int buffers;
	u64 scribbles;
	u64 unshared_pages;
	u64 unshare_failures;
	u64 bytes_changed;	/* pattern bytes found changed */
	u64 first_changed_pfn;
	long check;
	u64 check_addr;
} h;

static struct {
	struct page *pages;
	unsigned int nr;
} bufs[NR_CPUS];

/* A random word at a random place: half in the header. */
static void scribble(struct page *pages, unsigned int nr)
{
	u64 *p = page_address(pages);
	u64 words = nr * PAGE_SIZE / sizeof(u64), i, v;

	i = get_random_u32_below(2) ?
		    get_random_u32_below(S2OWN_TRACE_HEADER_SIZE / sizeof(u64)) :
		    get_random_u64() % words;
	switch (get_random_u32_below(4)) {
	case 0:
		v = get_random_u64();
		break;
	case 1:
		v = ~0ULL - get_random_u32_below(4);
		break;
	case 2:
		v = get_random_u32_below(1U << 20);
		break;
	default:
		v = 0;
		break;
	}
	WRITE_ONCE(p[i], v);
}

/**
 * s2own_trace_hostile_run() - the three steps, for @seconds in all.
 * @seconds: 2..S2OWN_STORM_MAX_SECONDS
 *
 * Return: 0, -EBUSY for a run in progress, -ENOENT if tracing has no
 * buffer (switch it on first).
 */
int s2own_trace_hostile_run(unsigned int seconds)
{
	unsigned long half = jiffies + seconds * HZ / 2, end;
	struct s2own_hvc_res res;
	unsigned int cpu, i;
	u8 *va;
	long ret;

	if (!mutex_trylock(&hostile_lock))
		return -EBUSY;
	memset(&h, 0, sizeof(h));
	memset(bufs, 0, sizeof(bufs));
	for_each_online_cpu(cpu)
		if (!s2own_trace_buffer_of(cpu, &bufs[cpu].pages,
					   &bufs[cpu].nr))
			h.buffers++;
	if (!h.buffers) {
		mutex_unlock(&hostile_lock);
		return -ENOENT;
	}

	while (time_before(jiffies, half)) {
		for_each_online_cpu(cpu) {
			if (!bufs[cpu].pages)
				continue;
			for (i = 0; i < 8; i++)
				scribble(bufs[cpu].pages, bufs[cpu].nr);
			h.scribbles += 8;
		}
		usleep_range(200, 400);
	}

	for_each_online_cpu(cpu) {
		if (!bufs[cpu].pages)
			continue;
		ret = s2own_unshare_hyp(page_to_pfn(bufs[cpu].pages),
					bufs[cpu].nr);
		if (ret) {
			h.unshare_failures++;
			bufs[cpu].pages = NULL;
			continue;
		}
		h.unshared_pages += bufs[cpu].nr;
		memset(page_address(bufs[cpu].pages), PATTERN,
		       bufs[cpu].nr * PAGE_SIZE);
	}
	end = jiffies + seconds * HZ / 2;
	while (time_before(jiffies, end))
		msleep(20);

	for_each_online_cpu(cpu) {
		if (!bufs[cpu].pages)
			continue;
		va = page_address(bufs[cpu].pages);
		for (i = 0; i < bufs[cpu].nr * PAGE_SIZE; i++) {
			/* The driver's read index: the host writes it. */
			if (i >= offsetof(struct s2own_trace_header, tail) &&
			    i < offsetof(struct s2own_trace_header, tail) + 8)
				continue;
			if (va[i] == PATTERN)
				continue;
			if (!h.bytes_changed++)
				h.first_changed_pfn =
					page_to_pfn(bufs[cpu].pages) +
					i / PAGE_SIZE;
		}
	}
	h.check = s2own_hvc(S2OWN_HC_CHECK, 0, 0, 0, 0, &res);
	h.check_addr = res.out[0];
	h.done = true;
	mutex_unlock(&hostile_lock);
	return 0;
}

/**
 * s2own_trace_hostile_fmt() - the last run's counts and verdict.
 * @buf: where to write
 * @size: its size
 *
 * Return: bytes written.
 */
size_t s2own_trace_hostile_fmt(char *buf, size_t size)
{
	size_t len;

	if (!mutex_trylock(&hostile_lock))
		return scnprintf(buf, size, "state running\n");
	if (!h.done) {
		mutex_unlock(&hostile_lock);
		return scnprintf(buf, size, "state idle\n");
	}
	len = scnprintf(buf, size,
			"state done\nbuffers %u\nscribbles %llu\nunshared_pages %llu\nunshare_failures %llu\nwritten_after_unshare %llu\n",
			h.buffers, h.scribbles, h.unshared_pages,
			h.unshare_failures, h.bytes_changed);
	if (h.bytes_changed)
		len += scnprintf(buf + len, size - len,
				 "first_written_pfn 0x%llx\n",
				 h.first_changed_pfn);
	len += scnprintf(buf + len, size - len, "check %s",
			 s2own_errname(h.check));
	if (h.check)
		len += scnprintf(buf + len, size - len, " at 0x%llx",
				 h.check_addr);
	len += scnprintf(buf + len, size - len, "\nresult %s\n",
			 !h.bytes_changed && !h.check && !h.unshare_failures &&
					 h.scribbles && h.unshared_pages ?
				 "PASS" : "FAIL");
	mutex_unlock(&hostile_lock);
	return len;
}
