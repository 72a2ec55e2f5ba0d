// SPDX-License-Identifier: GPL-2.0-only
/*
 * Protected VMs: their lifecycle, their stage-2, and the transitions
 * between the host and a guest. A VM slot is reused only once every page
 * naming it has been reclaimed, so a stale handle can never alias a page.
 *
 * Lock order: a VM's lock, then page claims, then descriptor locks.
 * Reclaim takes no VM lock: a destroyed VM stays destroyed until its last
 * page is back.
 */
#include "mem_protect.h"
#include "pool.h"
#include "stats.h"

struct s2o_vm s2o_vms[S2O_MAX_VMS + 1];

/** s2o_vms_init() - forget every VM (boot, or a test's reset). */
void s2o_vms_init(void)
{
	int i;

	for (i = 0; i <= S2O_MAX_VMS; i++)
		s2o_vms[i] = (struct s2o_vm){ .state = S2O_VM_FREE };
}

static u32 vm_state(const struct s2o_vm *vm)
{
	return __atomic_load_n(&vm->state, __ATOMIC_SEQ_CST);
}

/*
 * VM locks are taken before any walk, holding no table: spin as a CPU
 * that holds nothing, so that an RCU grace period never waits for it.
 */
static void vm_lock(struct s2o_vm *vm)
{
	while (!s2o_spin_trylock(&vm->lock))
		s2o_relax_unheld();
}

/**
 * s2o_vm_lock_live() - lock a VM if it is live.
 * @handle: the VM's handle, any value.
 *
 * Return: the VM, locked, or NULL (nothing locked) if @handle is not live.
 */
struct s2o_vm *s2o_vm_lock_live(int handle)
{
	struct s2o_vm *vm;

	if (handle < 1 || handle > S2O_MAX_VMS)
		return NULL;
	vm = &s2o_vms[handle];
	vm_lock(vm);
	if (vm_state(vm) == S2O_VM_LIVE)
		return vm;
	s2o_spin_unlock(&vm->lock);
	return NULL;
}

/**
 * s2o_vm_unlock() - unlock a VM s2o_vm_lock_live() returned.
 * @vm: the VM, or NULL.
 */
void s2o_vm_unlock(struct s2o_vm *vm)
{
	if (vm)
		s2o_spin_unlock(&vm->lock);
}

/* A destroyed VM's slot is free once no page names it. */
static void vm_try_free(struct s2o_vm *vm)
{
	u32 dying = S2O_VM_DYING;

	if (!__atomic_load_n(&vm->nr_pages, __ATOMIC_SEQ_CST))
		__atomic_compare_exchange_n(&vm->state, &dying, S2O_VM_FREE,
					    false, __ATOMIC_SEQ_CST,
					    __ATOMIC_SEQ_CST);
}

/**
 * s2o_vm_put_pages() - pages naming @vm went back to the host.
 * @vm: the VM.
 * @nr: number of pages.
 *
 * The slot of a destroyed VM is freed with its last page.
 */
void s2o_vm_put_pages(struct s2o_vm *vm, u64 nr)
{
	__atomic_sub_fetch(&vm->nr_pages, nr, __ATOMIC_SEQ_CST);
	vm_try_free(vm);
}

/**
 * s2o_vm_create() - a new protected VM with an empty stage-2.
 *
 * Return: its handle (1..S2O_MAX_VMS), -EBUSY when every slot is taken
 * (or held by a destroyed VM with pages not yet reclaimed), -ENOMEM when
 * no table page is left for its root.
 */
int s2o_vm_create(void)
{
	int handle, ret = -S2OWN_EBUSY;

	s2o_op_begin();
	for (handle = 1; handle <= S2O_MAX_VMS; handle++) {
		struct s2o_vm *vm = &s2o_vms[handle];

		vm_lock(vm);
		if (vm_state(vm) != S2O_VM_FREE) {
			s2o_spin_unlock(&vm->lock);
			continue;
		}
		ret = s2o_pgt_init(&vm->pgt, (u16)handle);
		if (!ret) {
			__atomic_store_n(&vm->state, S2O_VM_LIVE,
					 __ATOMIC_SEQ_CST);
			ret = handle;
		}
		s2o_spin_unlock(&vm->lock);
		break;
	}
	s2o_op_end();
	return ret;
}

/**
 * s2o_vm_destroy() - tear a VM's stage-2 down; its pages become
 * reclaimable by the host.
 * @handle: the VM.
 *
 * Return: 0, or -ENOENT if @handle is not a live VM.
 */
int s2o_vm_destroy(int handle)
{
	struct s2o_vm *vm;

	s2o_op_begin();
	vm = s2o_vm_lock_live(handle);
	if (vm) {
		s2o_pgt_destroy(&vm->pgt);
		__atomic_store_n(&vm->state, S2O_VM_DYING, __ATOMIC_SEQ_CST);
		vm_try_free(vm);
		s2o_vm_unlock(vm);
	}
	s2o_op_end();
	return vm ? 0 : -S2OWN_ENOENT;
}

static int check_gfn_range(u64 gfn, u64 nr)
{
	u64 max_gfn = 1ULL << (S2O_IPA_BITS - S2O_PAGE_SHIFT);

	if (!nr || gfn >= max_gfn || nr > max_gfn - gfn)
		return -S2OWN_EINVAL;
	return 0;
}

/* Counts the valid leaves met; stops at the first hole if asked to. */
struct guest_range_data {
	u64 mapped_pages;
	bool stop_at_hole;
};

static int guest_range_visitor(struct s2o_walk_ctx *ctx)
{
	struct guest_range_data *d = ctx->arg;
	u64 start = S2O_MAX(ctx->addr, ctx->start);
	u64 end = S2O_MIN(ctx->addr + s2o_granule(ctx->level), ctx->end);

	if (s2o_pte_valid(ctx->old)) {
		d->mapped_pages += (end - start) >> S2O_PAGE_SHIFT;
		return 0;
	}
	return d->stop_at_hole ? -S2OWN_EPERM : 0;
}

static u64 guest_mapped_pages(struct s2o_vm *vm, u64 gfn, u64 nr,
			      bool stop_at_hole)
{
	struct guest_range_data d = { .stop_at_hole = stop_at_hole };
	struct s2o_walker walker = {
		.cb = guest_range_visitor,
		.arg = &d,
		.flags = S2O_VISIT_LEAF,
	};

	if (s2o_walk(&vm->pgt, gfn << S2O_PAGE_SHIFT, nr << S2O_PAGE_SHIFT,
		     &walker))
		return 0;
	return d.mapped_pages;
}

/**
 * s2o_host_donate_guest() - give host pages to a VM, mapped in its stage-2.
 * @handle: the VM.
 * @pfn: first page frame.
 * @gfn: guest frame where @pfn is mapped.
 * @nr: number of pages.
 *
 * Return: 0; -ENOENT for a VM that is not live; -EINVAL/-EPERM for a bad
 * pfn range (s2o_check_pfn_range()); -EINVAL for a gfn range past the IPA
 * space; -EPERM if a page is not the host's alone; -EBUSY if a gfn is
 * already mapped; -ENOMEM if the table pages cannot be reserved.
 */
int s2o_host_donate_guest(int handle, u64 pfn, u64 gfn, u64 nr)
{
	struct s2o_leaf leaf = { .valid = true, .attrs = S2O_PTE_GUEST_RAM };
	const u8 host = S2O_PS_HOST;
	u64 reserved = 0;
	struct s2o_vm *vm;
	int ret;

	s2o_op_begin();
	vm = s2o_vm_lock_live(handle);
	ret = vm ? s2o_check_pfn_range(pfn, nr) : -S2OWN_ENOENT;
	if (!ret)
		ret = check_gfn_range(gfn, nr);
	if (!ret)
		ret = s2o_claim_pages(pfn, nr, s2o_page_in_state, &host);
	if (!ret) {
		leaf.oa = pfn << S2O_PAGE_SHIFT;
		/* The VM's stage-2 cannot change: we hold its lock. */
		reserved = s2o_host_owner_bound(pfn, nr, S2O_OWNER_GUEST) +
			   s2o_pgt_tables_needed(&vm->pgt,
						 gfn << S2O_PAGE_SHIFT,
						 nr << S2O_PAGE_SHIFT, &leaf);
		if (guest_mapped_pages(vm, gfn, nr, false))
			ret = -S2OWN_EBUSY;
		else
			ret = s2o_pool_reserve(reserved);
		if (ret) {
			reserved = 0;
			s2o_release_pages(pfn, nr);
		}
	}
	if (!ret) {
		s2o_host_set_owner(pfn, nr, S2O_OWNER_GUEST, &reserved);
		s2o_pgt_set_range(&vm->pgt, gfn << S2O_PAGE_SHIFT,
				  nr << S2O_PAGE_SHIFT, &leaf, S2O_NO_COALESCE,
				  &reserved);
		__atomic_add_fetch(&vm->nr_pages, nr, __ATOMIC_SEQ_CST);
		s2o_set_pages(pfn, nr, S2O_PS_GUEST, (u8)handle);
	}
	s2o_pool_unreserve(reserved);
	s2o_vm_unlock(vm);
	s2o_op_end();
	return ret;
}

/*
 * Unmap each guest page, then mark it relinquished: the host may reclaim
 * (scrub and map) it from that moment, so the guest must have lost it.
 */
static int relinquish_visitor(struct s2o_walk_ctx *ctx)
{
	u64 *reserved = ctx->arg, gran = s2o_granule(ctx->level);
	u64 pa = s2o_pte_addr(ctx->old);
	int ret;

	if (s2o_pte_is_locked(ctx->old))
		return -S2OWN_EAGAIN;
	if (!s2o_pte_valid(ctx->old))
		return 0;
	if (ctx->addr < ctx->start || ctx->addr + gran > ctx->end)
		return s2o_pte_split(ctx, reserved);
	ret = s2o_pte_set_leaf(ctx, S2O_PTE_EMPTY);
	if (ret)
		return ret;
	/*
	 * Only this VM's calls, which its lock serialises, move a page out
	 * of GUEST while the VM is live; the claim is for readers
	 * (s2o_page_query() claims the page it reports).
	 */
	s2o_claim_pages(pa >> S2O_PAGE_SHIFT, gran >> S2O_PAGE_SHIFT,
			s2o_page_any_state, NULL);
	s2o_set_pages(pa >> S2O_PAGE_SHIFT, gran >> S2O_PAGE_SHIFT,
		      S2O_PS_GUEST_RELINQUISHED, (u8)ctx->pgt->vmid);
	return 0;
}

/**
 * s2o_guest_relinquish() - a guest gives pages back, awaiting reclaim.
 * @handle: the VM.
 * @gfn: first guest frame.
 * @nr: number of pages, all of them mapped.
 *
 * Return: 0; -ENOENT for a VM that is not live; -EINVAL for a gfn range
 * past the IPA space; -EPERM if a gfn is not mapped; -ENOMEM if a guest
 * block must be split and no table page is left.
 */
int s2o_guest_relinquish(int handle, u64 gfn, u64 nr)
{
	struct s2o_leaf empty = { .attrs = S2O_PTE_EMPTY };
	u64 reserved = 0, addr = gfn << S2O_PAGE_SHIFT;
	struct s2o_walker unmap = {
		.cb = relinquish_visitor,
		.arg = &reserved,
		.flags = S2O_VISIT_LEAF,
	};
	struct s2o_vm *vm;
	int ret;

	s2o_op_begin();
	vm = s2o_vm_lock_live(handle);
	ret = vm ? check_gfn_range(gfn, nr) : -S2OWN_ENOENT;
	if (!ret && guest_mapped_pages(vm, gfn, nr, true) != nr)
		ret = -S2OWN_EPERM;
	if (!ret) {
		reserved = s2o_pgt_tables_needed(&vm->pgt, addr,
						 nr << S2O_PAGE_SHIFT, &empty);
		ret = s2o_pool_reserve(reserved);
		if (ret)
			reserved = 0;
	}
	if (!ret)
		s2o_walk(&vm->pgt, addr, nr << S2O_PAGE_SHIFT, &unmap);
	s2o_pool_unreserve(reserved);
	s2o_vm_unlock(vm);
	s2o_op_end();
	return ret;
}

/* -EBUSY for a live guest's page, -EPERM for any other non-guest state. */
static int page_reclaimable(u8 state, const struct s2o_page *page,
			    const void *arg)
{
	(void)arg;
	if (state == S2O_PS_GUEST_RELINQUISHED)
		return 0;
	if (state != S2O_PS_GUEST)
		return -S2OWN_EPERM;
	return vm_state(&s2o_vms[__atomic_load_n(&page->vm, __ATOMIC_RELAXED)]) ==
			       S2O_VM_LIVE ?
		       -S2OWN_EBUSY :
		       0;
}

static void scrub_pages(u64 pfn, u64 nr)
{
	u64 i;

	for (i = 0; i < nr; i++) {
		u64 pa = (pfn + i) << S2O_PAGE_SHIFT;

		s2o_arch_zero_page(pa);
		s2o_arch_clean_dcache_poc(pa, S2O_PAGE_SIZE);
	}
	__atomic_add_fetch(&s2o_counters.pages_scrubbed, nr, __ATOMIC_RELAXED);
}

/**
 * s2o_host_reclaim_guest() - scrub guest pages and give them to the host.
 * @pfn: first page frame.
 * @nr: number of pages, each relinquished or of a destroyed VM.
 *
 * Pages are zeroed and cleaned to the point of coherency before the host
 * stage-2 lets the host map them again; tables that end up host-default
 * coalesce into blocks.
 *
 * Return: 0; -EINVAL/-EPERM for a bad range (s2o_check_pfn_range());
 * -EBUSY if a page still belongs to a live VM; -EPERM if a page is not a
 * guest's; -ENOMEM if the table pages cannot be reserved.
 */
int s2o_host_reclaim_guest(u64 pfn, u64 nr)
{
	u64 reserved = 0, i;
	int ret;

	s2o_op_begin();
	ret = s2o_check_pfn_range(pfn, nr);
	if (!ret)
		ret = s2o_claim_pages(pfn, nr, page_reclaimable, NULL);
	if (!ret) {
		reserved = s2o_host_owner_bound(pfn, nr, S2O_OWNER_HOST);
		ret = s2o_pool_reserve(reserved);
		if (ret) {
			reserved = 0;
			s2o_release_pages(pfn, nr);
		}
	}
	if (!ret) {
		scrub_pages(pfn, nr);
		s2o_host_set_owner(pfn, nr, S2O_OWNER_HOST, &reserved);
		for (i = 0; i < nr; i++) {
			u8 vm = __atomic_load_n(&s2o_pfn_page(pfn + i)->vm,
						__ATOMIC_RELAXED);

			s2o_set_pages(pfn + i, 1, S2O_PS_HOST, 0);
			s2o_vm_put_pages(&s2o_vms[vm], 1);
		}
	}
	s2o_pool_unreserve(reserved);
	s2o_op_end();
	return ret;
}

/**
 * s2o_page_query() - the tracked state of one page.
 * @pfn: the page frame.
 * @info: filled in.
 *
 * Return: 0, or -EINVAL if @pfn is not RAM.
 */
int s2o_page_query(u64 pfn, struct s2o_page_info *info)
{
	static const struct s2o_page_info by_state[] = {
		[S2O_PS_HOST] = { S2O_OWNER_HOST, S2O_PAGE_OWNED,
				  S2O_PAGE_NOPAGE, S2O_PAGE_NOPAGE },
		[S2O_PS_HOST_SHARED_HYP] = { S2O_OWNER_HOST,
					     S2O_PAGE_SHARED_OWNED,
					     S2O_PAGE_SHARED_BORROWED,
					     S2O_PAGE_NOPAGE },
		[S2O_PS_HYP] = { S2O_OWNER_HYP, S2O_PAGE_NOPAGE,
				 S2O_PAGE_OWNED, S2O_PAGE_NOPAGE },
		[S2O_PS_GUEST] = { S2O_OWNER_GUEST, S2O_PAGE_NOPAGE,
				   S2O_PAGE_NOPAGE, S2O_PAGE_OWNED },
		[S2O_PS_GUEST_RELINQUISHED] = { S2O_OWNER_GUEST,
						S2O_PAGE_NOPAGE,
						S2O_PAGE_NOPAGE,
						S2O_PAGE_NOPAGE },
	};
	const struct s2o_page *p;
	u8 state, vm;

	if (s2o_check_pfn_range(pfn, 1) == -S2OWN_EINVAL)
		return -S2OWN_EINVAL;
	s2o_op_begin();
	p = s2o_pfn_page(pfn);
	/*
	 * Claim the page, so its state and VM are read as one (two reads of
	 * the state could straddle a reclaim and a new donation), and a page
	 * in transition is reported once it has settled.
	 */
	s2o_claim_pages(pfn, 1, s2o_page_any_state, NULL);
	state = s2o_read_once(&p->state) & ~S2O_PS_BUSY;
	vm = s2o_read_once(&p->vm);
	s2o_release_pages(pfn, 1);
	*info = by_state[state];
	if (info->owner == S2O_OWNER_GUEST) {
		info->vm = vm;
		info->reclaimable = state == S2O_PS_GUEST_RELINQUISHED ||
				    vm_state(&s2o_vms[vm]) != S2O_VM_LIVE;
	}
	s2o_op_end();
	return 0;
}
