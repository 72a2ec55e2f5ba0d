// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the driver gave away and must get back: VMs, the pages donated to
 * them, pages shared with the hypervisor.
 *
 * The rule every path follows: a page goes back to Linux only after the
 * hypervisor said it is the host's again (reclaim or unshare returned 0).
 * A page whose reclaim fails stays tracked, and at unload it is leaked
 * with a message rather than freed: Linux would otherwise hand out a page
 * it cannot touch, or one the hypervisor may still write.
 *
 * The debugfs files' pages come from the buddy allocator in 2 MiB chunks
 * (order 9, so physically 2 MiB aligned: a donation in the middle of one
 * splits a host block, and a chunk donated whole can be a guest block).
 * "scatter" donates single pages spread through a chunk, "chunk" the chunk
 * as one range. Every page is filled with a pattern before it is donated,
 * so a reclaimed page that reads back zero was scrubbed by the hypervisor,
 * not just never written.
 *
 * A VMM's pages (/dev/s2own, vmdev.c) are its own anonymous memory, pinned
 * (FOLL_LONGTERM) for as long as the guest has them and donated in runs of
 * contiguous pfns; their vCPUs' pages are the driver's, one each, given
 * with S2OWN_HC_VCPU_CREATE. Both are books of the same VM: reclaim takes
 * back the one and the other, whoever asks (the VMM, debugfs, unload).
 *
 * The books keep a state per page: donated, relinquished, or the host's.
 * Only the guest gives a page up (MEM_RELINQUISH): run.c hears of it from
 * the RELINQUISH exit and marks those pages, and only those come back
 * while the VM lives; all of them once it is destroyed. The host cannot
 * take a page from a live guest, so a donation is checked against the
 * books before its first call (a page the guest has already, a gfn where
 * it holds one): one that still fails part-way leaves what it donated
 * with the guest until the VM is destroyed. A pinned page is unpinned as
 * soon as it is the host's again (reclaimed, or never donated).
 *
 * A VM the VMM holds lives as long as its files (a reference each, and one
 * for the list while the hypervisor has anything of it). Its handle is
 * only used under s2own_lock while it is in the list and live, or between
 * s2own_vm_run_begin() and _end(), while it cannot be destroyed: so a
 * handle the hypervisor has given to a newer VM is never used for it.
 *
 * One mutex, s2own_lock, covers all of it. The test module's storm keeps
 * its own books and does not take it; its fuzz holds it throughout
 * (s2own_vms_lock_idle()). A vCPU's run holds it only to start and end,
 * and to mark what its guest relinquished.
 */
#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "drv.h"

/* A page of an allocation, in the books. */
enum page_state {
	PAGE_HOST,		/* not donated, or back with the host */
	PAGE_DONATED,		/* the guest's, mapped at its gfn */
	PAGE_RELINQUISHED,	/* the guest gave it up: reclaimable */
};

#define STATES(st)		(1U << (st))
#define ANY_GUEST	(STATES(PAGE_DONATED) | STATES(PAGE_RELINQUISHED))

static const char *const page_state_names[] = {
	"host", "donated", "relinquished",
};

/* What one donation call gave: contiguous pfns at contiguous gfns. */
struct s2own_range {
	u64 pfn;
	u64 gfn;
	u64 nr;
	unsigned long idx;	/* its first page's, in the allocation */
};

/*
 * Memory the driver donates from, and the ranges of it that were donated:
 * one buddy allocation (@page, @order), or the pages one S2OWN_DONATE
 * pinned (@pinned, @nr_pinned), a range per run of contiguous pfns.
 * @state: enum page_state of each page; @busy: how many are not the host's.
 */
struct s2own_alloc {
	struct list_head node;
	struct page *page;
	unsigned int order;
	struct page **pinned;
	unsigned long nr_pinned;
	u8 *state;
	unsigned long busy;
	unsigned int nr_ranges;
	struct s2own_range ranges[];
};

/*
 * @ref: the list's reference while the VM is listed, and one per file of
 * the VMM's (vmdev.c); @files counts those files. @runners: RUNs in
 * progress. @listed: in @vms, i.e. the hypervisor may still have some of it.
 */
struct s2own_vm {
	struct list_head node;
	struct kref ref;
	struct s2own_vm_params params;	/* a VMM's VM: as created */
	int handle;
	bool live;
	bool listed;
	bool vmm;
	unsigned int files;
	unsigned int runners;
	u64 next_gfn;
	struct list_head allocs;
	unsigned int nr_vcpus;
	struct s2own_vcpu *vcpus[S2OWN_MAX_VCPUS];
	struct s2own_vm_counts counts;
	struct s2own_vm_pages own;	/* the VM's own, for its tables */
};

struct s2own_share {
	struct list_head node;
	u64 pfn;
	struct page *page;	/* NULL: a pfn the user named, not ours */
};

static DEFINE_MUTEX(s2own_lock);
static LIST_HEAD(vms);
static LIST_HEAD(held);		/* reclaimed allocations kept for `touch` */
static LIST_HEAD(shares);
static u64 reclaim_not_zeroed;	/* pages that came back dirty: a bug */

/* Linux errno for a hypercall status (-1 is -EPERM already). */
static int hvc_errno(long ret)
{
	return ret > 0 ? 0 : (int)ret;
}

static struct s2own_vm *vm_find(int handle)
{
	struct s2own_vm *vm;

	list_for_each_entry(vm, &vms, node)
		if (vm->handle == handle)
			return vm;
	return NULL;
}

static struct s2own_vm *vm_track(int handle)
{
	struct s2own_vm *vm = kzalloc(sizeof(*vm), GFP_KERNEL);

	if (!vm)
		return NULL;
	kref_init(&vm->ref);
	vm->handle = handle;
	vm->live = true;
	vm->listed = true;
	vm->next_gfn = S2OWN_GFN_BASE;
	INIT_LIST_HEAD(&vm->allocs);
	s2own_vm_pages_init(&vm->own);
	list_add_tail(&vm->node, &vms);
	return vm;
}

/*
 * Create a VM on pages of the host's (vm_pages.c) and track it; a VM made
 * through the raw hvc file and adopted has none the driver knows of.
 */
static struct s2own_vm *vm_create_locked(u64 gfn, u64 nr, u64 entry,
					 u64 arg)
{
	struct s2own_vm_pages own;
	struct s2own_vm *vm;
	long ret;

	s2own_vm_pages_init(&own);
	ret = s2own_vm_pages_create(&own, gfn, nr, entry, arg);
	if (ret <= 0)
		return ERR_PTR(ret ? hvc_errno(ret) : -EIO);
	vm = vm_track(ret);
	if (!vm) {
		s2own_vm_destroy(ret);
		if (s2own_vm_pages_reclaim(&own))
			pr_err("%s: VM %ld: could not take its pages back, leaking them\n",
			       S2OWN_NAME, ret);
		return ERR_PTR(-ENOMEM);
	}
	list_splice(&own.pairs, &vm->own.pairs);
	return vm;
}

static void vm_free(struct kref *ref)
{
	struct s2own_vm *vm = container_of(ref, struct s2own_vm, ref);
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		kfree(vm->vcpus[i]);
	kfree(vm);
}

static unsigned int vcpu_pages_held(const struct s2own_vm *vm)
{
	unsigned int i, n = 0;

	for (i = 0; i < vm->nr_vcpus; i++)
		n += vm->vcpus[i]->page != NULL;
	return n;
}

/* Unlist a VM: the hypervisor has nothing of it any more. */
static void vm_unlist(struct s2own_vm *vm)
{
	list_del(&vm->node);
	vm->listed = false;
	kref_put(&vm->ref, vm_free);
}

/* Forget a VM the hypervisor no longer has and that holds no page. */
static void vm_forget_if_done(struct s2own_vm *vm)
{
	if (vm->live || !list_empty(&vm->allocs) || vcpu_pages_held(vm) ||
	    !s2own_vm_pages_empty(&vm->own))
		return;
	vm_unlist(vm);
}

/* Destroy a VM the driver tracks: refused while one of its vCPUs runs. */
static long vm_kill_locked(struct s2own_vm *vm)
{
	long ret;

	if (!vm->live)
		return -ENOENT;
	if (vm->runners)
		return -EBUSY;
	ret = s2own_vm_destroy(vm->handle);
	if (!ret) {
		vm->live = false;
		vm_forget_if_done(vm);
	}
	return ret;
}

/**
 * s2own_vm_new() - create a VM and track it.
 *
 * Return: its handle (1..S2OWN_MAX_VMS), or a negative errno.
 */
int s2own_vm_new(void)
{
	struct s2own_vm *vm;

	mutex_lock(&s2own_lock);
	vm = vm_create_locked(0, 0, 0, 0);
	mutex_unlock(&s2own_lock);
	return IS_ERR(vm) ? PTR_ERR(vm) : vm->handle;
}

/**
 * s2own_vm_kill() - destroy a VM. Its pages stay tracked, now reclaimable.
 * @handle: the VM; one the driver does not know is passed on anyway, so the
 *          hypervisor's answer (-ENOENT) is what the user sees
 *
 * Return: 0 or a negative errno.
 */
int s2own_vm_kill(int handle)
{
	struct s2own_vm *vm;
	long ret;

	mutex_lock(&s2own_lock);
	vm = vm_find(handle);
	ret = vm ? vm_kill_locked(vm) : s2own_vm_destroy(handle);
	mutex_unlock(&s2own_lock);
	return hvc_errno(ret);
}

static void fill_pattern(struct page *page, unsigned int nr)
{
	unsigned int i, j;
	u64 *p;

	for (i = 0; i < nr; i++) {
		p = page_address(page + i);
		for (j = 0; j < PAGE_SIZE / sizeof(u64); j++)
			p[j] = 0x53324f5700000000ULL | page_to_pfn(page + i);
	}
}

static unsigned long alloc_nr_pages(const struct s2own_alloc *a)
{
	return a->pinned ? a->nr_pinned : 1UL << a->order;
}

/* The books of @nr_ranges ranges of @nr_pages pages, all the host's. */
static struct s2own_alloc *alloc_books(unsigned int nr_ranges,
				       unsigned long nr_pages)
{
	struct s2own_alloc *a;

	a = kzalloc(struct_size(a, ranges, nr_ranges), GFP_KERNEL);
	if (!a)
		return NULL;
	a->state = kvzalloc(nr_pages, GFP_KERNEL);
	if (!a->state) {
		kfree(a);
		return NULL;
	}
	a->nr_ranges = nr_ranges;
	return a;
}

static struct s2own_alloc *alloc_chunk(unsigned int nr_ranges)
{
	struct s2own_alloc *a = alloc_books(nr_ranges, S2OWN_CHUNK_PAGES);

	if (!a)
		return NULL;
	/*
	 * The buddy allocator's order-9 blocks are 2 MiB aligned. Retry
	 * harder than a plain GFP_KERNEL would on a fragmented system, but
	 * fail rather than OOM-kill for a debug interface.
	 */
	a->page = alloc_pages(GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN,
			      S2OWN_CHUNK_ORDER);
	if (!a->page) {
		kvfree(a->state);
		kfree(a);
		return NULL;
	}
	a->order = S2OWN_CHUNK_ORDER;
	fill_pattern(a->page, S2OWN_CHUNK_PAGES);
	return a;
}

/*
 * Free an allocation none of whose pages the guest has: its chunk goes to
 * the buddy allocator; pinned pages were unpinned as they came back.
 */
static void alloc_free(struct s2own_alloc *a)
{
	if (a->pinned)
		kvfree(a->pinned);
	else
		__free_pages(a->page, a->order);
	kvfree(a->state);
	kfree(a);
}

/* Give back an allocation all of whose pages are the host's again. */
static void alloc_release(struct s2own_alloc *a, bool keep)
{
	list_del(&a->node);
	/* Only the driver's chunks are kept; a VMM's pages are its own. */
	if (keep && !a->pinned) {
		list_add_tail(&a->node, &held);
		return;
	}
	alloc_free(a);
}

/* Set @nr pages of range @r, from its page @i on, to @st. */
static void set_pages(struct s2own_alloc *a, const struct s2own_range *r,
		      u64 i, u64 nr, enum page_state st)
{
	u8 *p = &a->state[r->idx + i];

	for (; nr; nr--, p++) {
		a->busy += (st != PAGE_HOST) - (*p != PAGE_HOST);
		*p = st;
	}
}

/* Pages that are the host's again leave the pin the donation took. */
static void unpin_back(struct s2own_alloc *a, const struct s2own_range *r,
		       u64 i, u64 nr)
{
	/* Dirty: the hypervisor zeroed them behind the kernel's back. */
	if (a->pinned)
		unpin_user_pages_dirty_lock(&a->pinned[r->idx + i], nr, true);
}

/*
 * What for_each_stretch() calls: for pages [@i, @i + @nr) of range @r of
 * @a, all in one of the states asked for. A non-zero return stops the walk.
 */
typedef long (*stretch_fn)(struct s2own_alloc *a, struct s2own_range *r,
			   u64 i, u64 nr, void *arg);

/*
 * Call @fn on each longest stretch of @vm's pages in one of @states (a
 * mask of STATES()) whose gfns are in [@gfn, @gfn + @nr), or anywhere if
 * @nr is 0. @fn must not free an allocation.
 */
static long for_each_stretch(struct s2own_vm *vm, u64 gfn, u64 nr,
			     unsigned int states, stretch_fn fn, void *arg)
{
	struct s2own_alloc *a;
	struct s2own_range *r;
	unsigned int k;
	u64 i, n, lo, hi;
	long ret;

	list_for_each_entry(a, &vm->allocs, node) {
		for (k = 0; k < a->nr_ranges; k++) {
			r = &a->ranges[k];
			/* The part of the range in the window, as page indices. */
			lo = nr ? clamp(gfn, r->gfn, r->gfn + r->nr) : r->gfn;
			hi = nr ? clamp(gfn + nr, r->gfn, r->gfn + r->nr) :
				  r->gfn + r->nr;
			lo -= r->gfn;
			hi -= r->gfn;
			for (i = lo; i < hi; i += n ?: 1) {
				for (n = 0; i + n < hi && (states & STATES(
					a->state[r->idx + i + n])); n++)
					;
				ret = n ? fn(a, r, i, n, arg) : 0;
				if (ret)
					return ret;
			}
		}
	}
	return 0;
}

static long count_stretch(struct s2own_alloc *a, struct s2own_range *r,
			  u64 i, u64 nr, void *arg)
{
	*(u64 *)arg += nr;
	return 0;
}

/* How many of @vm's pages in [@gfn, @gfn + @nr) are in one of @states. */
static u64 count_pages(struct s2own_vm *vm, u64 gfn, u64 nr,
		       unsigned int states)
{
	u64 n = 0;

	for_each_stretch(vm, gfn, nr, states, count_stretch, &n);
	return n;
}

/* The guest gave these up: they are reclaimable from now on. */
static long mark_stretch(struct s2own_alloc *a, struct s2own_range *r,
			 u64 i, u64 nr, void *arg)
{
	set_pages(a, r, i, nr, PAGE_RELINQUISHED);
	*(u64 *)arg += nr;
	return 0;
}

struct reclaim_arg {
	u64 pages;	/* taken back */
	long err;	/* the first call that failed */
};

/*
 * Reclaim a stretch the hypervisor should give back: relinquished, or of
 * a destroyed VM. What fails stays as it was, tracked.
 */
static long reclaim_stretch(struct s2own_alloc *a, struct s2own_range *r,
			    u64 i, u64 nr, void *arg)
{
	struct reclaim_arg *ra = arg;
	long ret = s2own_reclaim_guest(r->pfn + i, nr);

	if (ret) {
		ra->err = ra->err ?: ret;
		return 0;
	}
	set_pages(a, r, i, nr, PAGE_HOST);
	if (memchr_inv(page_address(pfn_to_page(r->pfn + i)), 0,
		       nr * PAGE_SIZE))
		reclaim_not_zeroed += nr;
	unpin_back(a, r, i, nr);
	ra->pages += nr;
	return 0;
}

/**
 * s2own_donate() - allocate and donate pages to a VM.
 * @handle: the VM
 * @nr: scatter: pages (1..512) spread through one 2 MiB chunk, each its own
 *      single-page donation; chunk: 2 MiB chunks (1..64), each one donation
 *      of 512 pages at a 2 MiB aligned gfn
 * @chunk: the mode
 *
 * Pages donated before a failing call stay donated and tracked.
 *
 * Return: 0 or the first failing call's errno (-ENOMEM if no chunk).
 */
int s2own_donate(int handle, unsigned int nr, bool chunk)
{
	unsigned int i, c, nr_allocs = chunk ? nr : 1;
	unsigned int per_alloc = chunk ? 1 : nr;
	struct s2own_range *r;
	struct s2own_alloc *a;
	struct s2own_vm *vm;
	u64 pfn, gfn;
	long ret = 0;

	if (!nr || (chunk && nr > 64) || (!chunk && nr > S2OWN_CHUNK_PAGES))
		return -EINVAL;

	mutex_lock(&s2own_lock);
	vm = vm_find(handle);
	gfn = vm ? vm->next_gfn : S2OWN_GFN_BASE;
	for (c = 0; c < nr_allocs && !ret; c++) {
		a = alloc_chunk(per_alloc);
		if (!a) {
			ret = -ENOMEM;
			break;
		}
		pfn = page_to_pfn(a->page);
		if (chunk)
			gfn = ALIGN(gfn, S2OWN_CHUNK_PAGES);
		for (i = 0; i < per_alloc; i++) {
			r = &a->ranges[i];
			r->nr = chunk ? S2OWN_CHUNK_PAGES : 1;
			/* Spread through the chunk, away from its edges. */
			r->idx = chunk ? 0 : i * (S2OWN_CHUNK_PAGES / nr) +
					     S2OWN_CHUNK_PAGES / nr / 2;
			r->pfn = pfn + r->idx;
			r->gfn = gfn;
			/* An adopted VM's tables are its creator's to pay. */
			ret = vm ? s2own_vm_pages_donate(&vm->own, handle,
							 r->pfn, r->gfn, r->nr) :
				   s2own_donate_guest(handle, r->pfn, r->gfn,
						      r->nr);
			if (ret)
				break;
			set_pages(a, r, 0, r->nr, PAGE_DONATED);
			gfn += r->nr;
		}
		if (!i) {
			/* Nothing of this chunk was donated. */
			alloc_free(a);
			break;
		}
		a->nr_ranges = i;
		/* A VM made through the raw hvc file: adopt it. */
		if (!vm)
			vm = vm_track(handle);
		if (!vm) {
			pr_err("%s: VM %d: no memory to track donated pages, leaking them\n",
			       S2OWN_NAME, handle);
			ret = -ENOMEM;
			break;
		}
		list_add_tail(&a->node, &vm->allocs);
		vm->next_gfn = gfn;
	}
	mutex_unlock(&s2own_lock);
	return hvc_errno(ret);
}

/*
 * Take back what the host may have of @vm at gfns [@gfn, @gfn + @nr) (all
 * of it if @nr is 0): the pages the guest relinquished, or every page once
 * the VM is destroyed, and then, if @nr is 0, the vCPU pages too. Adds the
 * pages taken back to *@pages. -EBUSY, and nothing changes, if the guest
 * holds pages there and none of them is reclaimable; else the first
 * failing call's errno (what failed stays tracked), or 0.
 */
static long reclaim_locked(struct s2own_vm *vm, u64 gfn, u64 nr, bool keep,
			   u64 *pages)
{
	unsigned int want = vm->live ? STATES(PAGE_RELINQUISHED) : ANY_GUEST;
	struct reclaim_arg ra = { 0 };
	struct s2own_alloc *a, *tmp;
	struct s2own_vcpu *vcpu;
	unsigned int i;
	long ret;

	if (vm->live && !count_pages(vm, gfn, nr, want) &&
	    count_pages(vm, gfn, nr, STATES(PAGE_DONATED)))
		return -EBUSY;
	for_each_stretch(vm, gfn, nr, want, reclaim_stretch, &ra);
	list_for_each_entry_safe(a, tmp, &vm->allocs, node)
		if (!a->busy)
			alloc_release(a, keep);
	for (i = 0; i < vm->nr_vcpus && !vm->live && !nr; i++) {
		vcpu = vm->vcpus[i];
		if (!vcpu->page)
			continue;
		ret = s2own_reclaim_guest(page_to_pfn(vcpu->page), 1);
		if (ret) {
			ra.err = ra.err ?: ret;
			continue;
		}
		if (memchr_inv(page_address(vcpu->page), 0, PAGE_SIZE))
			reclaim_not_zeroed++;
		__free_page(vcpu->page);
		vcpu->page = NULL;
		ra.pages++;
	}
	if (!vm->live && !nr) {
		ret = s2own_vm_pages_reclaim(&vm->own);
		ra.err = ra.err ?: ret;
	}
	vm->counts.pages_reclaimed += ra.pages;
	*pages += ra.pages;
	vm_forget_if_done(vm);
	return ra.err;
}

/**
 * s2own_reclaim_vm() - take back what the host may have of a VM and return
 * it to Linux (or keep it, for inspection with `touch`): every page of a
 * destroyed VM, the pages the guest relinquished of a live one.
 * @handle: the VM
 * @keep: keep the reclaimed chunks allocated until s2own_release_held()
 * @pages: set to the pages taken back now
 *
 * Return: 0; -ENOENT for a VM the driver does not track; -EBUSY for a
 * live VM that holds pages and relinquished none (nothing changes); or the
 * first failing call's errno (what failed stays tracked).
 */
int s2own_reclaim_vm(int handle, bool keep, u64 *pages)
{
	struct s2own_vm *vm;
	long ret = -ENOENT;

	*pages = 0;
	mutex_lock(&s2own_lock);
	vm = vm_find(handle);
	if (vm)
		ret = reclaim_locked(vm, 0, 0, keep, pages);
	mutex_unlock(&s2own_lock);
	return hvc_errno(ret);
}

/**
 * s2own_release_held() - free the pages s2own_reclaim_vm() kept.
 */
void s2own_release_held(void)
{
	struct s2own_alloc *a, *tmp;

	mutex_lock(&s2own_lock);
	list_for_each_entry_safe(a, tmp, &held, node)
		alloc_release(a, false);
	mutex_unlock(&s2own_lock);
}

/**
 * s2own_share_pfn() - share a page with the hypervisor.
 * @pfn: the page, when !@alloc
 * @alloc: allocate a page to share instead
 * @shared: set to the pfn shared
 *
 * Return: 0 or a negative errno.
 */
int s2own_share_pfn(u64 pfn, bool alloc, u64 *shared)
{
	struct s2own_share *s = kzalloc(sizeof(*s), GFP_KERNEL);
	long ret;

	if (!s)
		return -ENOMEM;
	if (alloc) {
		s->page = alloc_page(GFP_KERNEL);
		if (!s->page) {
			kfree(s);
			return -ENOMEM;
		}
		pfn = page_to_pfn(s->page);
	}
	s->pfn = pfn;
	mutex_lock(&s2own_lock);
	ret = s2own_share_hyp(pfn, 1);
	if (!ret) {
		list_add_tail(&s->node, &shares);
		*shared = pfn;
	}
	mutex_unlock(&s2own_lock);
	if (ret) {
		if (s->page)
			__free_page(s->page);
		kfree(s);
	}
	return hvc_errno(ret);
}

/* Unshare one tracked entry; free it (and its page) if that worked. */
static long unshare_one(struct s2own_share *s)
{
	long ret = s2own_unshare_hyp(s->pfn, 1);

	if (ret)
		return ret;
	list_del(&s->node);
	if (s->page)
		__free_page(s->page);
	kfree(s);
	return 0;
}

/**
 * s2own_unshare_pfn() - stop sharing a page with the hypervisor.
 * @pfn: the page (need not be one the driver shared: the hypervisor
 *       decides), when !@all
 * @all: unshare every page the driver shared instead
 *
 * Return: 0 or the first failing call's errno.
 */
int s2own_unshare_pfn(u64 pfn, bool all)
{
	struct s2own_share *s, *tmp;
	long ret = 0, err = 0;
	bool found = false;

	mutex_lock(&s2own_lock);
	list_for_each_entry_safe(s, tmp, &shares, node) {
		if (!all && s->pfn != pfn)
			continue;
		found = true;
		ret = unshare_one(s);
		err = err ?: ret;
		if (!all)
			break;
	}
	if (!all && !found)
		err = s2own_unshare_hyp(pfn, 1);
	mutex_unlock(&s2own_lock);
	return hvc_errno(err);
}

/* --- the VMs of a VMM (/dev/s2own, vmdev.c) ------------------------------ */

/**
 * s2own_vm_open() - create a VM for a VMM's file and track it.
 * @p: its RAM, entry point and boot argument (S2OWN_HC_VM_CREATE)
 *
 * Return: the VM, held once for the file (s2own_vm_drop() lets go), or an
 * ERR_PTR(): the hypervisor's errno, -EOPNOTSUPP if it lacks the call.
 */
struct s2own_vm *s2own_vm_open(const struct s2own_vm_params *p)
{
	struct s2own_vm *vm;

	mutex_lock(&s2own_lock);
	vm = vm_create_locked(p->ram_gfn, p->ram_nr, p->entry, p->boot_arg);
	if (IS_ERR(vm)) {
		mutex_unlock(&s2own_lock);
		return vm;
	}
	vm->vmm = true;
	vm->params = *p;
	vm->files = 1;
	kref_get(&vm->ref);
	mutex_unlock(&s2own_lock);
	return vm;
}

/**
 * s2own_vm_hold() - one more file holds the VM (a vCPU's).
 * @vm: the VM
 */
void s2own_vm_hold(struct s2own_vm *vm)
{
	mutex_lock(&s2own_lock);
	vm->files++;
	kref_get(&vm->ref);
	mutex_unlock(&s2own_lock);
}

/**
 * s2own_vm_drop() - a file lets go of the VM. The last one destroys it
 * and reclaims everything it holds; what the hypervisor does not give
 * back stays in the books (and is leaked at unload).
 * @vm: the VM
 */
void s2own_vm_drop(struct s2own_vm *vm)
{
	u64 pages = 0;
	long ret = 0;

	mutex_lock(&s2own_lock);
	if (!--vm->files && vm->listed) {
		if (vm->live)
			ret = vm_kill_locked(vm);
		if (vm->listed && !ret)
			ret = reclaim_locked(vm, 0, 0, false, &pages);
		if (ret)
			pr_err("%s: VM %d: closing: %s, its pages stay tracked\n",
			       S2OWN_NAME, vm->handle, s2own_errname(ret));
	}
	kref_put(&vm->ref, vm_free);
	mutex_unlock(&s2own_lock);
}

/**
 * s2own_vm_handle() - the hypervisor's handle of a VM, for messages.
 * @vm: the VM
 *
 * Return: the handle; once the VM is gone, the hypervisor may have given
 * it to another.
 */
int s2own_vm_handle(const struct s2own_vm *vm)
{
	return vm->handle;
}

/**
 * s2own_vm_add_vcpu() - give a live VM one more vCPU: a page of the
 * driver's, which S2OWN_HC_VCPU_CREATE makes the hypervisor's.
 * @vm: the VM
 *
 * Return: the vCPU (the VM owns it), or an ERR_PTR(): -ENOENT the VM is
 * gone, -EBUSY it has S2OWN_MAX_VCPUS, -ENOMEM, the hypervisor's errno, or
 * -EOPNOTSUPP if it lacks the call.
 */
struct s2own_vcpu *s2own_vm_add_vcpu(struct s2own_vm *vm)
{
	struct s2own_vcpu *vcpu;
	struct s2own_hvc_res res;
	struct page *page;
	long ret;

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL);
	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!vcpu || !page) {
		ret = -ENOMEM;
		goto fail;
	}
	mutex_lock(&s2own_lock);
	ret = -ENOENT;
	if (!vm->live)
		goto fail_unlock;
	ret = -EBUSY;
	if (vm->nr_vcpus == S2OWN_MAX_VCPUS)
		goto fail_unlock;
	ret = s2own_hvc(S2OWN_HC_VCPU_CREATE, vm->handle, page_to_pfn(page), 0,
			0, &res);
	if (res.regs.a0 == S2OWN_RET_NOT_SUPPORTED)
		ret = -EOPNOTSUPP;
	if (ret < 0)
		goto fail_unlock;
	/* From here the page is the hypervisor's until reclaimed. */
	vcpu->vm = vm;
	vcpu->index = ret;
	vcpu->page = page;
	vm->vcpus[vm->nr_vcpus++] = vcpu;
	vm->counts.vcpus++;
	mutex_unlock(&s2own_lock);
	return vcpu;

fail_unlock:
	mutex_unlock(&s2own_lock);
fail:
	if (page)
		__free_page(page);
	kfree(vcpu);
	return ERR_PTR(hvc_errno(ret));
}

/*
 * Pin @nr pages of the calling process at @uaddr for a guest: its own
 * private anonymous memory only (page cache would be read and written back
 * by the kernel, which the stage-2 then refuses).
 */
static struct page **pin_user(u64 uaddr, u64 nr, int *err)
{
	struct page **pages;
	long pinned, i;

	pages = kvmalloc_array(nr, sizeof(*pages), GFP_KERNEL);
	if (!pages) {
		*err = -ENOMEM;
		return NULL;
	}
	pinned = pin_user_pages_fast(uaddr, nr, FOLL_WRITE | FOLL_LONGTERM,
				     pages);
	*err = pinned < 0 ? pinned : pinned < nr ? -EFAULT : 0;
	for (i = 0; i < pinned && !*err; i++)
		if (!PageAnon(pages[i]))
			*err = -EINVAL;
	if (!*err)
		return pages;
	if (pinned > 0)
		unpin_user_pages(pages, pinned);
	kvfree(pages);
	return NULL;
}

/* The pinned pages as ranges: one per run of contiguous pfns. */
static struct s2own_alloc *pinned_alloc(struct page **pages, u64 nr, u64 gfn)
{
	struct s2own_alloc *a;
	struct s2own_range *r;
	unsigned int runs = 1;
	u64 i;

	for (i = 1; i < nr; i++)
		runs += page_to_pfn(pages[i]) != page_to_pfn(pages[i - 1]) + 1;
	a = alloc_books(runs, nr);
	if (!a)
		return NULL;
	a->pinned = pages;
	a->nr_pinned = nr;
	for (i = 0, r = a->ranges - 1; i < nr; i++) {
		if (i && page_to_pfn(pages[i]) == r->pfn + r->nr) {
			r->nr++;
			continue;
		}
		r++;
		r->pfn = page_to_pfn(pages[i]);
		r->gfn = gfn + i;
		r->nr = 1;
		r->idx = i;
	}
	return a;
}

static int cmp_pfn(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* The first of the @nr sorted @pfns that is @pfn or above. */
static u64 pfn_lower_bound(const u64 *pfns, u64 nr, u64 pfn)
{
	u64 lo = 0, hi = nr, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (pfns[mid] < pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether a page of @pfns (sorted) is in range @r and not the host's. */
static bool range_has_given(const struct s2own_alloc *a,
			    const struct s2own_range *r, const u64 *pfns,
			    u64 nr)
{
	u64 j = pfn_lower_bound(pfns, nr, r->pfn);

	for (; j < nr && pfns[j] < r->pfn + r->nr; j++)
		if (a->state[r->idx + pfns[j] - r->pfn] != PAGE_HOST)
			return true;
	return false;
}

/* -EPERM if a page of @pfns (sorted) is one the books say a guest has. */
static int pfns_given(const u64 *pfns, u64 nr)
{
	const struct s2own_alloc *a;
	const struct s2own_vm *vm;
	unsigned int k;

	list_for_each_entry(vm, &vms, node)
		list_for_each_entry(a, &vm->allocs, node)
			for (k = 0; k < a->nr_ranges; k++)
				if (range_has_given(a, &a->ranges[k], pfns,
						    nr))
					return -EPERM;
	return 0;
}

/*
 * Check a donation of @a's pages to @vm at [@gfn, @gfn + @nr) against the
 * books, as the hypervisor would, so that it fails before its first call
 * rather than after some of its pages went (they could not come back):
 * -EPERM for a page a guest has already (the same memory twice), -EBUSY
 * for a gfn where the guest holds a page.
 */
static int donation_conflicts(struct s2own_vm *vm, const struct s2own_alloc *a,
			      u64 gfn, u64 nr)
{
	u64 *pfns, i;
	int ret = 0;

	pfns = kvmalloc_array(nr, sizeof(*pfns), GFP_KERNEL);
	if (!pfns)
		return -ENOMEM;
	for (i = 0; i < nr; i++)
		pfns[i] = page_to_pfn(a->pinned[i]);
	sort(pfns, nr, sizeof(*pfns), cmp_pfn, NULL);
	/* One page twice in one donation (it cannot be, but cheap to say). */
	for (i = 1; i < nr && !ret; i++)
		if (pfns[i] == pfns[i - 1])
			ret = -EPERM;
	if (!ret)
		ret = pfns_given(pfns, nr);
	kvfree(pfns);
	if (!ret && count_pages(vm, gfn, nr, STATES(PAGE_DONATED)))
		ret = -EBUSY;
	return ret;
}

/**
 * s2own_vm_donate_user() - pin a range of the calling process's memory and
 * donate it to a live VM at a gfn.
 * @vm: the VM
 * @d: in: @d->uaddr, page-aligned private anonymous memory of the caller;
 *     @d->gfn, where the guest sees its first page; @d->nr, pages,
 *     1..S2OWN_DONATE_MAX. Out: @d->donated, the pages now the guest's.
 *
 * Checked against the books first, so that it normally donates all or
 * nothing. If the hypervisor still refuses a call part-way (no table page
 * left, say), the pages donated before it stay the guest's until the VM
 * is destroyed (the host cannot take them back): tracked, and pinned;
 * @d->donated says how many, from the first. The rest is unpinned.
 *
 * Return: 0; -EINVAL bad arguments, gfns outside the VM's RAM, or memory
 * that is not private and anonymous; -EFAULT unmapped or read-only memory;
 * -ENOENT the VM is gone; -EPERM a page a guest has already; -EBUSY a gfn
 * where the guest holds a page; -ENOMEM; or the hypervisor's errno.
 */
int s2own_vm_donate_user(struct s2own_vm *vm, struct s2own_donation *d)
{
	u64 uaddr = d->uaddr, gfn = d->gfn, nr = d->nr;
	struct s2own_alloc *a;
	struct s2own_range *r;
	struct page **pages;
	unsigned int i = 0;
	long ret = 0;
	int err;

	d->donated = 0;
	if (!nr || nr > S2OWN_DONATE_MAX || !PAGE_ALIGNED(uaddr) ||
	    uaddr + (nr << PAGE_SHIFT) < uaddr || gfn + nr < gfn)
		return -EINVAL;
	pages = pin_user(uaddr, nr, &err);
	if (!pages)
		return err;
	a = pinned_alloc(pages, nr, gfn);
	if (!a) {
		unpin_user_pages(pages, nr);
		kvfree(pages);
		return -ENOMEM;
	}

	mutex_lock(&s2own_lock);
	if (!vm->live) {
		ret = -ENOENT;
	} else if (vm->params.ram_nr &&
		   (gfn < vm->params.ram_gfn ||
		    gfn + nr > vm->params.ram_gfn + vm->params.ram_nr)) {
		/* The hypervisor would map it; the guest expects MMIO there. */
		ret = -EINVAL;
	} else {
		ret = donation_conflicts(vm, a, gfn, nr);
	}
	for (i = 0; i < a->nr_ranges && !ret; i++) {
		r = &a->ranges[i];
		ret = s2own_vm_pages_donate(&vm->own, vm->handle, r->pfn,
					    r->gfn, r->nr);
		if (!ret)
			set_pages(a, r, 0, r->nr, PAGE_DONATED);
	}
	d->donated = a->busy;
	if (!ret) {
		vm->counts.donations++;
	} else {
		vm->counts.donate_errors++;
		/* The ranges from the failed one on were never given. */
		for (i = i ? i - 1 : 0; i < a->nr_ranges; i++)
			unpin_back(a, &a->ranges[i], 0, a->ranges[i].nr);
	}
	vm->counts.pages_donated += a->busy;
	if (a->busy) {
		if (ret)
			pr_warn("%s: VM %d: a donation failed part-way (%ld): %lu pages stay the guest's until it is destroyed\n",
				S2OWN_NAME, vm->handle, ret, a->busy);
		list_add_tail(&a->node, &vm->allocs);
		a = NULL;
	}
	mutex_unlock(&s2own_lock);
	if (a)
		alloc_free(a);
	return hvc_errno(ret);
}

/**
 * s2own_vm_relinquished() - the guest gave pages up (its RELINQUISH exit):
 * the host may take them back from now on.
 * @vm: the VM, kept live by the run that saw the exit
 * @gfn: the first gfn the guest gave up
 * @nr: how many (at most one call's worth of the guest's)
 *
 * Return: the pages the books had as donated there, now relinquished.
 */
u64 s2own_vm_relinquished(struct s2own_vm *vm, u64 gfn, u64 nr)
{
	u64 n = 0;

	if (!nr || gfn + nr < gfn)
		return 0;
	mutex_lock(&s2own_lock);
	for_each_stretch(vm, gfn, nr, STATES(PAGE_DONATED), mark_stretch, &n);
	vm->counts.pages_relinquished += n;
	mutex_unlock(&s2own_lock);
	return n;
}

/**
 * s2own_vm_topped_up() - the guest needs table pages (its TOPUP exit):
 * give the VM S2OWN_TOPUP_PAGES more.
 * @vm: the VM, kept live by the run that saw the exit
 *
 * Return: 0, or the topup's errno.
 */
int s2own_vm_topped_up(struct s2own_vm *vm)
{
	long ret;

	mutex_lock(&s2own_lock);
	ret = s2own_vm_pages_topup(&vm->own, vm->handle);
	mutex_unlock(&s2own_lock);
	return hvc_errno(ret);
}

/**
 * s2own_vm_destroy_own() - destroy a VM of a VMM's.
 * @vm: the VM
 *
 * Return: 0; -EBUSY while one of its vCPUs runs; -ENOENT if it is
 * destroyed already; or the hypervisor's errno.
 */
int s2own_vm_destroy_own(struct s2own_vm *vm)
{
	long ret;

	mutex_lock(&s2own_lock);
	ret = vm->listed ? vm_kill_locked(vm) : -ENOENT;
	mutex_unlock(&s2own_lock);
	return hvc_errno(ret);
}

/**
 * s2own_vm_reclaim_own() - take back pages of a VM of a VMM's: those the
 * guest relinquished while it lives, every one once it is destroyed.
 * @vm: the VM
 * @rc: in: @rc->gfn and @rc->nr, the guest's range [gfn, gfn + nr), or
 *      all of the VM (with its vCPUs' pages, once destroyed) if both are
 *      0; out: @rc->pages, the pages taken back now (unpinned, or freed)
 *
 * Return: 0 (also when nothing is left there); -EINVAL for a range that
 * wraps, lies outside the VM's RAM, or a gfn with nr 0; -EBUSY if the VM
 * lives and the guest holds pages in the range but relinquished none of
 * them (nothing changes); or the first failing call's errno (what failed
 * stays tracked).
 */
int s2own_vm_reclaim_own(struct s2own_vm *vm, struct s2own_reclaim *rc)
{
	u64 gfn = rc->gfn, nr = rc->nr;
	long ret = 0;

	rc->pages = 0;
	if (nr ? gfn + nr < gfn : gfn)
		return -EINVAL;
	mutex_lock(&s2own_lock);
	if (nr && vm->params.ram_nr &&
	    (gfn < vm->params.ram_gfn ||
	     gfn + nr > vm->params.ram_gfn + vm->params.ram_nr))
		ret = -EINVAL;
	else if (vm->listed)
		ret = reclaim_locked(vm, gfn, nr, false, &rc->pages);
	mutex_unlock(&s2own_lock);
	return hvc_errno(ret);
}

/**
 * s2own_vm_run_begin() - a vCPU of the VM is about to run: from now until
 * s2own_vm_run_end() the VM is not destroyed, so its handle stays its own.
 * @vm: the VM
 *
 * Return: the handle to run it with, or -ENOENT if it is destroyed.
 */
int s2own_vm_run_begin(struct s2own_vm *vm)
{
	int ret = -ENOENT;

	mutex_lock(&s2own_lock);
	if (vm->live) {
		vm->runners++;
		ret = vm->handle;
	}
	mutex_unlock(&s2own_lock);
	return ret;
}

/**
 * s2own_vm_run_end() - the run s2own_vm_run_begin() started is over.
 * @vm: the VM
 */
void s2own_vm_run_end(struct s2own_vm *vm)
{
	mutex_lock(&s2own_lock);
	vm->runners--;
	mutex_unlock(&s2own_lock);
}

/**
 * s2own_vm_counts() - a snapshot of a live VM's counters and its vCPUs',
 * for debugfs's vm<N>/vcpus.
 * @handle: the VM
 * @vc: its counters
 * @cc: its vCPUs' counters, S2OWN_MAX_VCPUS of them
 * @index: their indices, S2OWN_MAX_VCPUS of them
 * @nr: set to the number of vCPUs
 *
 * Return: 0, or -ENOENT if the driver tracks no such VM as live.
 */
int s2own_vm_counts(int handle, struct s2own_vm_counts *vc,
		    struct s2own_vcpu_counts *cc, unsigned int *index,
		    unsigned int *nr)
{
	struct s2own_vm *vm;
	unsigned int i;
	int ret = -ENOENT;

	mutex_lock(&s2own_lock);
	vm = vm_find(handle);
	if (vm && vm->live) {
		*vc = vm->counts;
		for (i = 0; i < vm->nr_vcpus; i++) {
			cc[i] = vm->vcpus[i]->counts;
			index[i] = vm->vcpus[i]->index;
		}
		*nr = vm->nr_vcpus;
		ret = 0;
	}
	mutex_unlock(&s2own_lock);
	return ret;
}

/* A range's pages as "pfn gfn nr state" lines, a line per stretch. */
static size_t range_fmt(char *buf, size_t size, const struct s2own_alloc *a,
			const struct s2own_range *r)
{
	const u8 *st = &a->state[r->idx];
	size_t len = 0;
	u64 i, n;

	for (i = 0; i < r->nr; i += n) {
		for (n = 1; i + n < r->nr && st[i + n] == st[i]; n++)
			;
		len += scnprintf(buf + len, size - len,
				 "  pfn 0x%llx gfn 0x%llx nr %llu %s\n",
				 r->pfn + i, r->gfn + i, n,
				 page_state_names[st[i]]);
	}
	return len;
}

/**
 * s2own_vms_fmt() - the VMs the driver tracks and their ranges, as text
 * (docs/debugfs.md, file `vm`).
 * @buf: where to write
 * @size: its size
 *
 * Return: bytes written.
 */
size_t s2own_vms_fmt(char *buf, size_t size)
{
	const struct s2own_alloc *a;
	struct s2own_vm *vm;
	size_t len = 0;
	unsigned int i;

	mutex_lock(&s2own_lock);
	list_for_each_entry(vm, &vms, node) {
		len += scnprintf(buf + len, size - len,
				 "vm %d %s donated %llu relinquished %llu%s\n",
				 vm->handle, vm->live ? "live" : "destroyed",
				 count_pages(vm, 0, 0, STATES(PAGE_DONATED)),
				 count_pages(vm, 0, 0,
					     STATES(PAGE_RELINQUISHED)),
				 vm->vmm ? " vmm" : "");
		list_for_each_entry(a, &vm->allocs, node)
			for (i = 0; i < a->nr_ranges; i++)
				len += range_fmt(buf + len, size - len, a,
						 &a->ranges[i]);
		for (i = 0; i < vm->nr_vcpus; i++)
			if (vm->vcpus[i]->page)
				len += scnprintf(buf + len, size - len,
						 "  vcpu %u pfn 0x%lx\n",
						 vm->vcpus[i]->index,
						 page_to_pfn(vm->vcpus[i]->page));
	}
	mutex_unlock(&s2own_lock);
	return len;
}

/**
 * s2own_shared_fmt() - the pages the driver shared, one "0xPFN alloc|user"
 * line each.
 * @buf: where to write
 * @size: its size
 *
 * Return: bytes written.
 */
size_t s2own_shared_fmt(char *buf, size_t size)
{
	const struct s2own_share *s;
	size_t len = 0;

	mutex_lock(&s2own_lock);
	list_for_each_entry(s, &shares, node)
		len += scnprintf(buf + len, size - len, "0x%llx %s\n", s->pfn,
				 s->page ? "alloc" : "user");
	mutex_unlock(&s2own_lock);
	return len;
}

/**
 * s2own_held_fmt() - the reclaimed ranges kept allocated, one
 * "pfn 0xPFN nr N" line each.
 * @buf: where to write
 * @size: its size
 *
 * Return: bytes written.
 */
size_t s2own_held_fmt(char *buf, size_t size)
{
	const struct s2own_alloc *a;
	size_t len = 0;
	unsigned int i;

	mutex_lock(&s2own_lock);
	list_for_each_entry(a, &held, node)
		for (i = 0; i < a->nr_ranges; i++)
			len += scnprintf(buf + len, size - len,
					 "pfn 0x%llx nr %llu\n",
					 a->ranges[i].pfn, a->ranges[i].nr);
	mutex_unlock(&s2own_lock);
	return len;
}

/**
 * s2own_vm_state_fmt() - the driver's books, for the stats file.
 * @buf: where to write
 * @size: its size
 *
 * Return: bytes written.
 */
size_t s2own_vm_state_fmt(char *buf, size_t size)
{
	u64 donated = 0, relinquished = 0, held_pages = 0, shared = 0;
	const struct s2own_alloc *a;
	const struct s2own_share *s;
	unsigned int nr_vms = 0;
	struct s2own_vm *vm;

	mutex_lock(&s2own_lock);
	list_for_each_entry(vm, &vms, node) {
		nr_vms++;
		donated += count_pages(vm, 0, 0, STATES(PAGE_DONATED));
		relinquished += count_pages(vm, 0, 0,
					    STATES(PAGE_RELINQUISHED));
	}
	list_for_each_entry(a, &held, node)
		held_pages += alloc_nr_pages(a);
	list_for_each_entry(s, &shares, node)
		shared++;
	mutex_unlock(&s2own_lock);
	return scnprintf(buf, size,
			 "vms %u\npages_donated %llu\npages_relinquished %llu\n"
			 "pages_held %llu\npages_shared %llu\n"
			 "reclaim_not_zeroed %llu\n",
			 nr_vms, donated, relinquished, held_pages, shared,
			 READ_ONCE(reclaim_not_zeroed));
}

/**
 * s2own_vms_live() - which VMs the driver tracks as live, for the views
 * that follow them (debugfs's vm<N>/).
 * @live: a bitmap of S2OWN_MAX_VMS + 1 bits, set here for each live VM's
 *        handle
 */
void s2own_vms_live(unsigned long *live)
{
	const struct s2own_vm *vm;

	bitmap_zero(live, S2OWN_MAX_VMS + 1);
	mutex_lock(&s2own_lock);
	list_for_each_entry(vm, &vms, node)
		if (vm->live && vm->handle > 0 && vm->handle <= S2OWN_MAX_VMS)
			__set_bit(vm->handle, live);
	mutex_unlock(&s2own_lock);
}

/**
 * s2own_vms_lock_idle() - hold the driver's books if it has no VM, live
 * or awaiting reclaim: for a test that makes calls with random VM handles
 * (the fuzz), which would hit the driver's VMs. The files that change the
 * books wait meanwhile.
 *
 * Return: 0 with the books held until s2own_vms_unlock(), or -EBUSY.
 */
int s2own_vms_lock_idle(void)
{
	mutex_lock(&s2own_lock);
	if (list_empty(&vms))
		return 0;
	mutex_unlock(&s2own_lock);
	return -EBUSY;
}
EXPORT_SYMBOL_GPL(s2own_vms_lock_idle);

/**
 * s2own_vms_unlock() - let go of the books s2own_vms_lock_idle() held.
 */
void s2own_vms_unlock(void)
{
	mutex_unlock(&s2own_lock);
}
EXPORT_SYMBOL_GPL(s2own_vms_unlock);

/**
 * s2own_vms_exit() - at unload: destroy every VM, reclaim and free its
 * pages, unshare and free shared pages. What cannot be taken back is leaked.
 */
void s2own_vms_exit(void)
{
	struct s2own_share *s, *stmp;
	struct s2own_vm *vm, *tmp;
	u64 leaked, pages;
	long ret;

	list_for_each_entry_safe(vm, tmp, &vms, node) {
		if (vm->live) {
			ret = s2own_vm_kill(vm->handle);
			if (ret)
				pr_err("%s: destroying VM %d: %s\n", S2OWN_NAME,
				       vm->handle, s2own_errname(ret));
		}
	}
	/* A VM is forgotten once its last page is back. */
	list_for_each_entry_safe(vm, tmp, &vms, node)
		s2own_reclaim_vm(vm->handle, false, &pages);
	s2own_release_held();

	mutex_lock(&s2own_lock);
	list_for_each_entry_safe(vm, tmp, &vms, node) {
		struct s2own_alloc *a, *atmp;

		leaked = 0;
		list_for_each_entry_safe(a, atmp, &vm->allocs, node) {
			leaked += a->pinned ? a->busy : alloc_nr_pages(a);
			list_del(&a->node);
			/* The pages themselves are leaked (or stay pinned). */
			kvfree(a->pinned);
			kvfree(a->state);
			kfree(a);
		}
		leaked += vcpu_pages_held(vm);
		leaked += s2own_vm_pages_held(&vm->own);
		pr_err("%s: VM %d: could not take back its pages, leaking %llu\n",
		       S2OWN_NAME, vm->handle, leaked);
		vm_unlist(vm);
	}
	list_for_each_entry_safe(s, stmp, &shares, node) {
		ret = unshare_one(s);
		if (!ret)
			continue;
		pr_err("%s: unsharing pfn 0x%llx: %s, leaking it\n",
		       S2OWN_NAME, s->pfn, s2own_errname(ret));
		list_del(&s->node);
		kfree(s);
	}
	mutex_unlock(&s2own_lock);
}

/**
 * s2own_touch() - read the first 8 bytes of a page through the linear map.
 * @pfn: the page
 * @val: the bytes, as a little-endian u64
 *
 * A page the host does not own makes the stage-2 refuse the read; the
 * hypervisor injects a permission fault that the fixup of
 * copy_from_kernel_nofault() turns into -EFAULT (docs/boot.md, "Host
 * exceptions"), and both the host and the hypervisor carry on.
 *
 * Return: 0, -EFAULT if the read faulted, -EINVAL if @pfn has no memory map.
 */
int s2own_touch(u64 pfn, u64 *val)
{
	if (pfn > ULONG_MAX >> PAGE_SHIFT || !pfn_valid(pfn))
		return -EINVAL;
	return copy_from_kernel_nofault(val, pfn_to_kaddr(pfn), sizeof(*val));
}
EXPORT_SYMBOL_GPL(s2own_touch);
