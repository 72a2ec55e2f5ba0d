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
 * A VM the VMM holds lives as long as its files (a reference each, and one
 * for the list while the hypervisor has anything of it). Its handle is
 * only used under s2own_lock while it is in the list and live, or between
 * s2own_vm_run_begin() and _end(), while it cannot be destroyed: so a
 * handle the hypervisor has given to a newer VM is never used for it.
 *
 * One mutex, s2own_lock, covers all of it. The test module's storm keeps
 * its own books and does not take it; its fuzz holds it throughout
 * (s2own_vms_lock_idle()). A vCPU's run holds it only to start and end.
 */
#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "drv.h"

enum range_state {
	RANGE_HOST,		/* not donated, or reclaimed */
	RANGE_DONATED,		/* the guest's, mapped at gfn */
	RANGE_RELINQUISHED,	/* the guest's, unmapped, reclaimable */
};

static const char *const range_state_names[] = {
	"host", "donated", "relinquished",
};

struct s2own_range {
	u64 pfn;
	u64 gfn;
	u64 nr;
	enum range_state state;
};

/*
 * Memory the driver donates from, and the ranges of it that were donated:
 * one buddy allocation (@page, @order), or the pages one S2OWN_DONATE
 * pinned (@pinned, @nr_pinned), a range per run of contiguous pfns.
 */
struct s2own_alloc {
	struct list_head node;
	struct page *page;
	unsigned int order;
	struct page **pinned;
	unsigned long nr_pinned;
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
	list_add_tail(&vm->node, &vms);
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
	if (vm->live || !list_empty(&vm->allocs) || vcpu_pages_held(vm))
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
 * Return: its handle (1..32), or a negative errno.
 */
int s2own_vm_new(void)
{
	long ret;

	mutex_lock(&s2own_lock);
	ret = s2own_vm_create();
	if (ret > 0 && !vm_track(ret)) {
		s2own_vm_destroy(ret);
		ret = -ENOMEM;
	}
	mutex_unlock(&s2own_lock);
	return ret > 0 ? (int)ret : hvc_errno(ret);
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

static struct s2own_alloc *alloc_chunk(unsigned int nr_ranges)
{
	struct s2own_alloc *a;

	a = kzalloc(struct_size(a, ranges, nr_ranges), GFP_KERNEL);
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
		kfree(a);
		return NULL;
	}
	a->order = S2OWN_CHUNK_ORDER;
	a->nr_ranges = nr_ranges;
	fill_pattern(a->page, S2OWN_CHUNK_PAGES);
	return a;
}

static bool alloc_all_host(const struct s2own_alloc *a)
{
	unsigned int i;

	for (i = 0; i < a->nr_ranges; i++)
		if (a->ranges[i].state != RANGE_HOST)
			return false;
	return true;
}

static unsigned long alloc_nr_pages(const struct s2own_alloc *a)
{
	return a->pinned ? a->nr_pinned : 1UL << a->order;
}

/* Return an allocation's memory: to the buddy allocator, or to the VMM. */
static void alloc_free(struct s2own_alloc *a)
{
	if (a->pinned) {
		/* The hypervisor zeroed them behind the kernel's back. */
		unpin_user_pages_dirty_lock(a->pinned, a->nr_pinned, true);
		kvfree(a->pinned);
	} else {
		__free_pages(a->page, a->order);
	}
	kfree(a);
}

/* Give back an allocation all of whose ranges are the host's again. */
static void alloc_release(struct s2own_alloc *a, bool keep)
{
	list_del(&a->node);
	if (keep) {
		list_add_tail(&a->node, &held);
		return;
	}
	alloc_free(a);
}

/* Reclaim one range of a destroyed VM, or a relinquished one. */
static long range_reclaim(struct s2own_range *r)
{
	long ret = s2own_reclaim_guest(r->pfn, r->nr);

	if (ret)
		return ret;
	r->state = RANGE_HOST;
	if (memchr_inv(page_address(pfn_to_page(r->pfn)), 0, r->nr * PAGE_SIZE))
		reclaim_not_zeroed += r->nr;
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
			r->pfn = pfn;
			/* Spread through the chunk, away from its edges. */
			if (!chunk)
				r->pfn += i * (S2OWN_CHUNK_PAGES / nr) +
					  S2OWN_CHUNK_PAGES / nr / 2;
			r->gfn = gfn;
			ret = s2own_donate_guest(handle, r->pfn, r->gfn, r->nr);
			if (ret)
				break;
			r->state = RANGE_DONATED;
			gfn += r->nr;
		}
		if (!i) {
			/* Nothing of this chunk was donated. */
			__free_pages(a->page, a->order);
			kfree(a);
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

static int relinquish_locked(struct s2own_vm *vm)
{
	struct s2own_range *r;
	struct s2own_alloc *a;
	unsigned int i;
	long ret, err = 0;

	list_for_each_entry(a, &vm->allocs, node) {
		for (i = 0; i < a->nr_ranges; i++) {
			r = &a->ranges[i];
			if (r->state != RANGE_DONATED)
				continue;
			ret = s2own_relinquish(vm->handle, r->gfn, r->nr);
			if (ret)
				err = err ?: ret;
			else
				r->state = RANGE_RELINQUISHED;
		}
	}
	return hvc_errno(err);
}

/**
 * s2own_relinquish_vm() - have a live VM give back everything it was
 * donated: its pages become reclaimable, the VM lives on.
 * @handle: the VM
 *
 * Return: 0, -ENOENT for a VM the driver does not track, or the first
 * failing call's errno.
 */
int s2own_relinquish_vm(int handle)
{
	struct s2own_vm *vm;
	int ret = -ENOENT;

	mutex_lock(&s2own_lock);
	vm = vm_find(handle);
	if (vm && vm->live)
		ret = relinquish_locked(vm);
	mutex_unlock(&s2own_lock);
	return ret;
}

/*
 * Take back what a VM holds that the hypervisor lets go of: relinquished
 * ranges of a live VM; every range and vCPU page of a destroyed one. Adds
 * the pages taken back to *@pages. Returns the first error.
 */
static long reclaim_locked(struct s2own_vm *vm, bool keep, u64 *pages)
{
	struct s2own_alloc *a, *tmp;
	struct s2own_vcpu *vcpu;
	struct s2own_range *r;
	unsigned int i;
	long ret, err = 0;

	list_for_each_entry_safe(a, tmp, &vm->allocs, node) {
		for (i = 0; i < a->nr_ranges; i++) {
			r = &a->ranges[i];
			if (r->state == RANGE_HOST ||
			    (vm->live && r->state != RANGE_RELINQUISHED))
				continue;
			ret = range_reclaim(r);
			err = err ?: ret;
			if (!ret)
				*pages += r->nr;
		}
		if (alloc_all_host(a))
			alloc_release(a, keep);
	}
	for (i = 0; i < vm->nr_vcpus && !vm->live; i++) {
		vcpu = vm->vcpus[i];
		if (!vcpu->page)
			continue;
		ret = s2own_reclaim_guest(page_to_pfn(vcpu->page), 1);
		if (ret) {
			err = err ?: ret;
			continue;
		}
		if (memchr_inv(page_address(vcpu->page), 0, PAGE_SIZE))
			reclaim_not_zeroed++;
		__free_page(vcpu->page);
		vcpu->page = NULL;
		(*pages)++;
	}
	vm_forget_if_done(vm);
	return err;
}

/**
 * s2own_reclaim_vm() - take back every page donated to a VM and return
 * it to Linux (or keep it, for inspection with `touch`).
 * @handle: the VM; a live one relinquishes its pages first
 * @keep: keep the reclaimed pages allocated until s2own_release_held()
 *
 * Return: 0, -ENOENT for a VM the driver does not track, or the first
 * failing call's errno (what failed stays tracked).
 */
int s2own_reclaim_vm(int handle, bool keep)
{
	struct s2own_vm *vm;
	u64 pages = 0;
	long ret, err = 0;

	mutex_lock(&s2own_lock);
	vm = vm_find(handle);
	if (!vm) {
		mutex_unlock(&s2own_lock);
		return -ENOENT;
	}
	if (vm->live)
		err = relinquish_locked(vm);
	ret = reclaim_locked(vm, keep, &pages);
	err = err ?: ret;
	mutex_unlock(&s2own_lock);
	return hvc_errno(err);
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
	struct s2own_hvc_res res;
	struct s2own_vm *vm;
	long ret;

	mutex_lock(&s2own_lock);
	ret = s2own_hvc(S2OWN_HC_VM_CREATE, p->ram_gfn, p->ram_nr, p->entry,
			p->boot_arg, &res);
	if (ret <= 0) {
		mutex_unlock(&s2own_lock);
		return ERR_PTR(ret ? hvc_errno(ret) : -EIO);
	}
	vm = vm_track(ret);
	if (!vm) {
		s2own_vm_destroy(ret);
		mutex_unlock(&s2own_lock);
		return ERR_PTR(-ENOMEM);
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
			ret = reclaim_locked(vm, false, &pages);
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
	a = kzalloc(struct_size(a, ranges, runs), GFP_KERNEL);
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
	}
	a->nr_ranges = runs;
	return a;
}

/*
 * Take back the first @nr ranges of @a, just donated to a live VM: the
 * driver relinquishes them for the guest and reclaims them. Returns false
 * if one stays the guest's.
 */
static bool donation_undo(struct s2own_vm *vm, struct s2own_alloc *a,
			  unsigned int nr)
{
	struct s2own_range *r;
	bool all = true;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		r = &a->ranges[i];
		if (!s2own_relinquish(vm->handle, r->gfn, r->nr))
			r->state = RANGE_RELINQUISHED;
		if (range_reclaim(r))
			all = false;
	}
	return all;
}

/**
 * s2own_vm_donate_user() - pin a range of the calling process's memory and
 * donate it to a live VM at @gfn.
 * @vm: the VM
 * @uaddr: page-aligned address of private anonymous memory of the caller
 * @gfn: where the guest sees the first page
 * @nr: pages, 1..S2OWN_DONATE_MAX
 *
 * All or nothing: if a call fails, the pages donated before it are taken
 * back (relinquished for the guest, reclaimed) and everything unpinned.
 * Only if the hypervisor refuses that too do they stay donated, tracked,
 * and pinned until the VM's reclaim.
 *
 * Return: 0; -EINVAL bad arguments, gfns outside the VM's RAM, or memory
 * that is not private and anonymous; -EFAULT unmapped or read-only memory;
 * -ENOENT the VM is gone; -ENOMEM; or the hypervisor's errno.
 */
int s2own_vm_donate_user(struct s2own_vm *vm, u64 uaddr, u64 gfn, u64 nr)
{
	struct s2own_alloc *a;
	struct page **pages;
	unsigned int i = 0;
	long ret = 0;
	int err;

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
		for (i = 0; i < a->nr_ranges && !ret; i++) {
			struct s2own_range *r = &a->ranges[i];

			ret = s2own_donate_guest(vm->handle, r->pfn, r->gfn,
						 r->nr);
			if (!ret)
				r->state = RANGE_DONATED;
		}
	}
	if (!ret) {
		vm->counts.donations++;
		vm->counts.pages_donated += nr;
		list_add_tail(&a->node, &vm->allocs);
		a = NULL;
	} else {
		vm->counts.donate_errors++;
		if (i > 1 && !donation_undo(vm, a, i - 1)) {
			pr_err("%s: VM %d: a failed donation could not be taken back; its pages stay pinned\n",
			       S2OWN_NAME, vm->handle);
			list_add_tail(&a->node, &vm->allocs);
			a = NULL;
		}
	}
	mutex_unlock(&s2own_lock);
	if (a)
		alloc_free(a);
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
 * s2own_vm_reclaim_own() - take back every page a destroyed VM of a VMM's
 * holds: the VMM's (unpinned) and its vCPUs' (freed).
 * @vm: the VM
 * @pages: set to the pages taken back now
 *
 * Return: 0 (also when nothing is left), -EBUSY if the VM lives, or the
 * first failing call's errno (what failed stays tracked).
 */
int s2own_vm_reclaim_own(struct s2own_vm *vm, u64 *pages)
{
	long ret = 0;

	*pages = 0;
	mutex_lock(&s2own_lock);
	if (vm->live)
		ret = -EBUSY;
	else if (vm->listed)
		ret = reclaim_locked(vm, false, pages);
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

static u64 alloc_pages_in(const struct s2own_alloc *a, enum range_state st)
{
	u64 n = 0;
	unsigned int i;

	for (i = 0; i < a->nr_ranges; i++)
		if (a->ranges[i].state == st)
			n += a->ranges[i].nr;
	return n;
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
	const struct s2own_range *r;
	const struct s2own_alloc *a;
	const struct s2own_vm *vm;
	size_t len = 0;
	unsigned int i;
	u64 donated, relinquished;

	mutex_lock(&s2own_lock);
	list_for_each_entry(vm, &vms, node) {
		donated = 0;
		relinquished = 0;
		list_for_each_entry(a, &vm->allocs, node) {
			donated += alloc_pages_in(a, RANGE_DONATED);
			relinquished += alloc_pages_in(a, RANGE_RELINQUISHED);
		}
		len += scnprintf(buf + len, size - len,
				 "vm %d %s donated %llu relinquished %llu%s\n",
				 vm->handle, vm->live ? "live" : "destroyed",
				 donated, relinquished, vm->vmm ? " vmm" : "");
		list_for_each_entry(a, &vm->allocs, node) {
			for (i = 0; i < a->nr_ranges; i++) {
				r = &a->ranges[i];
				len += scnprintf(buf + len, size - len,
						 "  pfn 0x%llx gfn 0x%llx nr %llu %s\n",
						 r->pfn, r->gfn, r->nr,
						 range_state_names[r->state]);
			}
		}
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
	const struct s2own_alloc *a;
	const struct s2own_vm *vm;
	u64 donated = 0, relinquished = 0, held_pages = 0, shared = 0;
	unsigned int nr_vms = 0;
	const struct s2own_share *s;

	mutex_lock(&s2own_lock);
	list_for_each_entry(vm, &vms, node) {
		nr_vms++;
		list_for_each_entry(a, &vm->allocs, node) {
			donated += alloc_pages_in(a, RANGE_DONATED);
			relinquished += alloc_pages_in(a, RANGE_RELINQUISHED);
		}
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
	u64 leaked;
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
		s2own_reclaim_vm(vm->handle, false);
	s2own_release_held();

	mutex_lock(&s2own_lock);
	list_for_each_entry_safe(vm, tmp, &vms, node) {
		struct s2own_alloc *a, *atmp;

		leaked = 0;
		list_for_each_entry_safe(a, atmp, &vm->allocs, node) {
			leaked += alloc_nr_pages(a);
			list_del(&a->node);
			/* The pages themselves are leaked (or stay pinned). */
			kvfree(a->pinned);
			kfree(a);
		}
		leaked += vcpu_pages_held(vm);
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
