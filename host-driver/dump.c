// SPDX-License-Identifier: GPL-2.0-only
/*
 * The dump buffer: pages the driver shares with the hypervisor so that
 * S2OWN_HC_DUMP can write a stage-2's runs and the statistics into them.
 *
 * The hypervisor writes only pages that are shared with it (it checks
 * each one), so the buffer is allocated physically contiguous and shared
 * as one range at load, and unshared before it goes back to Linux. Sharing
 * lives in the hypervisor's metadata only: it does not split the host's
 * stage-2, so the buffer does not show up in the ptdump it carries.
 *
 * One buffer, one mutex: a dump is copied out to text before the next one
 * may overwrite it. A stage-2 with more runs than fit makes the buffer grow
 * (the hypervisor reports how many runs the walk produced).
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "drv.h"
#include "fmt.h"

/* 64 KiB holds ~1300 runs, plenty after boot; grow up to 4 MiB (~87000). */
#define DUMP_ORDER_MIN	4
#define DUMP_ORDER_MAX	min(10, MAX_ORDER - 1)

static DEFINE_MUTEX(dump_lock);
static struct page *dump_pages;
static unsigned int dump_order;

static int buf_alloc(unsigned int order)
{
	struct page *pages;
	long ret;

	pages = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN, order);
	if (!pages)
		return -ENOMEM;
	ret = s2own_share_hyp(page_to_pfn(pages), 1UL << order);
	if (ret) {
		pr_err("%s: sharing the dump buffer (pfn 0x%lx, %lu pages): %s\n",
		       S2OWN_NAME, page_to_pfn(pages), 1UL << order,
		       s2own_errname(ret));
		__free_pages(pages, order);
		return (int)ret;
	}
	dump_pages = pages;
	dump_order = order;
	return 0;
}

static void buf_free(void)
{
	long ret;

	if (!dump_pages)
		return;
	ret = s2own_unshare_hyp(page_to_pfn(dump_pages), 1UL << dump_order);
	if (ret)
		/* The hypervisor may still write it: never give it back. */
		pr_err("%s: unsharing the dump buffer: %s; leaking %lu pages\n",
		       S2OWN_NAME, s2own_errname(ret), 1UL << dump_order);
	else
		__free_pages(dump_pages, dump_order);
	dump_pages = NULL;
}

/**
 * s2own_dump_init() - allocate the dump buffer and share it with the
 * hypervisor.
 *
 * Return: 0 or a negative errno.
 */
int s2own_dump_init(void)
{
	return buf_alloc(DUMP_ORDER_MIN);
}

/**
 * s2own_dump_exit() - unshare the dump buffer and free it.
 */
void s2own_dump_exit(void)
{
	mutex_lock(&dump_lock);
	buf_free();
	mutex_unlock(&dump_lock);
}

/* Trust nothing in the header beyond what the hypervisor promised. */
static int check_header(const struct s2own_dump_header *hdr, size_t size,
			u64 written)
{
	if (hdr->magic != S2OWN_DUMP_MAGIC ||
	    hdr->version != S2OWN_DUMP_VERSION ||
	    hdr->header_size < sizeof(*hdr) || hdr->header_size > size ||
	    hdr->run_size < sizeof(struct s2own_dump_run) ||
	    hdr->nr_runs != written || hdr->nr_runs > hdr->total_runs ||
	    hdr->nr_runs > (size - hdr->header_size) / hdr->run_size) {
		pr_err_ratelimited("%s: bad dump header: magic 0x%llx version %u sizes %u/%u runs %llu/%llu (returned %llu)\n",
				   S2OWN_NAME, hdr->magic, hdr->version,
				   hdr->header_size, hdr->run_size,
				   hdr->nr_runs, hdr->total_runs, written);
		return -EPROTO;
	}
	return 0;
}

/*
 * One S2OWN_HC_DUMP into the buffer, growing it until every run fits
 * (@runs) or the biggest buffer is reached. Called with dump_lock held.
 */
static int dump_locked(int handle, bool runs,
		       const struct s2own_dump_header **hdrp)
{
	const struct s2own_dump_header *hdr;
	struct s2own_hvc_res res;
	bool may_grow = runs;
	unsigned int order;
	size_t size;
	long ret;

	for (;;) {
		if (!dump_pages)
			return -ENOMEM;
		size = runs ? PAGE_SIZE << dump_order : sizeof(*hdr);
		ret = s2own_hvc(S2OWN_HC_DUMP, page_to_phys(dump_pages), size,
				(u64)handle, 0, &res);
		if (ret)
			return (int)ret;	/* NOT_SUPPORTED (-1) is -EPERM */
		hdr = page_address(dump_pages);
		ret = check_header(hdr, size, res.out[0]);
		if (ret)
			return ret;
		*hdrp = hdr;
		if (!may_grow || hdr->total_runs == hdr->nr_runs ||
		    dump_order >= DUMP_ORDER_MAX)
			return 0;
		/* Room for every run, with some slack for new splits. */
		order = dump_order + 1;
		while (order < DUMP_ORDER_MAX &&
		       (PAGE_SIZE << order) < hdr->header_size +
				       hdr->total_runs * 2 * hdr->run_size)
			order++;
		buf_free();
		if (buf_alloc(order)) {
			/* Make do with a truncated dump in a small buffer. */
			may_grow = false;
			buf_alloc(DUMP_ORDER_MIN);
		}
	}
}

/**
 * s2own_ptdump_text() - a stage-2 as ptdump lines (docs/debugfs.md).
 * @handle: 0 for the host's stage-2, else a VM handle
 * @text: set to a kvmalloc()ed buffer the caller frees with kvfree()
 * @len: set to the length of the text
 *
 * Return: 0, or a negative errno (-ENOENT for a VM that is not live).
 */
int s2own_ptdump_text(int handle, char **text, size_t *len)
{
	const struct s2own_dump_header *hdr;
	const struct s2own_dump_run *run;
	size_t size, n = 0;
	char *buf;
	u64 i;
	int ret;

	mutex_lock(&dump_lock);
	ret = dump_locked(handle, true, &hdr);
	if (ret)
		goto out;
	size = (hdr->nr_runs + 1) * S2OWN_FMT_RUN_MAX;
	buf = kvmalloc(size, GFP_KERNEL);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < hdr->nr_runs; i++) {
		run = (const void *)hdr + hdr->header_size + i * hdr->run_size;
		n += s2own_fmt_run(buf + n, size - n, run, handle != 0);
	}
	if (hdr->total_runs > hdr->nr_runs)
		n += scnprintf(buf + n, size - n,
			       "# truncated: %llu of %llu runs\n",
			       hdr->nr_runs, hdr->total_runs);
	*text = buf;
	*len = n;
out:
	mutex_unlock(&dump_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(s2own_ptdump_text);

/**
 * s2own_read_stats() - the hypervisor's counters, from a header-only dump
 * of the host's stage-2.
 * @st: filled in
 *
 * Return: 0 or a negative errno.
 */
int s2own_read_stats(struct s2own_stats *st)
{
	const struct s2own_dump_header *hdr;
	int ret;

	mutex_lock(&dump_lock);
	ret = dump_locked(0, false, &hdr);
	if (!ret)
		*st = hdr->stats;
	mutex_unlock(&dump_lock);
	return ret;
}
