// SPDX-License-Identifier: GPL-2.0-only
/*
 * The invariant checker: everything the tracker keeps in three places (the
 * per-page metadata, the owner annotations and mappings of the host
 * stage-2, each VM's stage-2) and the table-page accounting must agree.
 * It reads without taking anything, so it is exact only when no transition
 * is in flight (tests between operations, the hypervisor's debug call with
 * the other CPUs held).
 */
#include "mem_protect.h"
#include "pool.h"
#include "vm.h"

/* What the metadata says of one VM handle. */
struct vm_count {
	u64 pages;		/* pages naming it */
	u64 mapped;		/* GUEST and GUEST_SHARED pages */
	u64 hyp_pages;		/* VM_STATE pages */
};

struct check_data {
	struct s2o_violation *v;
	int vm;
	u64 tables;		/* the walk in progress: tables reached */
	u64 mapped_pages;	/* VM walks: pages its leaves map */
	struct vm_count *count;	/* per handle */
};

/*
 * Not on the stack: EL2 stacks are small, and only one checker runs at a
 * time (every other CPU is held still, or the tests call it from one).
 */
static struct vm_count vm_counts[S2O_MAX_VMS + 1];

static int report(struct check_data *d, const char *what, u64 addr,
		  u64 expected, u64 found)
{
	*d->v = (struct s2o_violation){ .what = what, .addr = addr,
					.expected = expected, .found = found,
					.vm = d->vm };
	return -S2OWN_EINVAL;
}

#define STATE_BIT(s)	(1U << (s))
/* The states of pages the host may map: its own, and those it borrows. */
#define HOST_MAPPABLE	(STATE_BIT(S2O_PS_HOST) |			\
			 STATE_BIT(S2O_PS_HOST_SHARED_HYP) |		\
			 STATE_BIT(S2O_PS_GUEST_SHARED))
/* The states of pages that name a VM. */
#define VM_STATES	(STATE_BIT(S2O_PS_GUEST) |			\
			 STATE_BIT(S2O_PS_GUEST_SHARED) |		\
			 STATE_BIT(S2O_PS_GUEST_RELINQUISHED) |		\
			 STATE_BIT(S2O_PS_VM_STATE))

/* The page states a host entry @pte allows under it. */
static u32 host_entry_allows(u64 pte)
{
	if (s2o_pte_valid(pte))
		return HOST_MAPPABLE;
	switch (s2o_pte_owner(pte)) {
	case S2O_OWNER_HOST:
		return HOST_MAPPABLE;
	case S2O_OWNER_HYP:
		return STATE_BIT(S2O_PS_HYP) | STATE_BIT(S2O_PS_VM_STATE);
	case S2O_OWNER_GUEST:
		return STATE_BIT(S2O_PS_GUEST) |
		       STATE_BIT(S2O_PS_GUEST_RELINQUISHED);
	}
	return 0;
}

/* A page that is not plainly the host's: its state and its VM. */
static int check_page(struct check_data *d, const struct s2o_page *p,
		      u32 allowed, u64 pte)
{
	u64 pa = (s2o_memmap.first_pfn + (u64)(p - s2o_pages)) <<
		 S2O_PAGE_SHIFT;

	if (!(allowed & STATE_BIT(p->state)))
		return report(d, "host stage-2 disagrees with page state", pa,
			      allowed, pte);
	if (!(VM_STATES & STATE_BIT(p->state))) {
		return p->vm ? report(d, "page names a VM it is not the VM's",
				      pa, 0, p->vm) :
			       0;
	}
	if (!p->vm || s2o_vm_slots[p->vm].state == S2O_VM_FREE)
		return report(d, "guest page of no VM", pa, 0, p->vm);
	d->count[p->vm].pages++;
	d->count[p->vm].mapped += p->state == S2O_PS_GUEST ||
				  p->state == S2O_PS_GUEST_SHARED;
	d->count[p->vm].hyp_pages += p->state == S2O_PS_VM_STATE;
	return 0;
}

/*
 * Every RAM page under one host entry against that entry, and the pages
 * naming a VM counted: one pass over the metadata, which a page of the
 * host's (owner word 0) crosses at the speed of s2o_skip_owner().
 */
static int check_host_pages(struct check_data *d, u64 pte, u64 start,
			    u64 end)
{
	u32 allowed = host_entry_allows(pte);
	unsigned int i;
	int ret;

	for (i = 0; i < s2o_memmap.nr_regions; i++) {
		const struct s2o_mem_region *r = &s2o_memmap.regions[i];
		u64 first = S2O_MAX(start, r->base) >> S2O_PAGE_SHIFT;
		u64 stop = S2O_MIN(end, r->base + r->size) >> S2O_PAGE_SHIFT;
		const struct s2o_page *p, *last;

		if (first >= stop)
			continue;
		if (r->type == S2O_MEM_HYP) {
			if (s2o_pte_valid(pte) ||
			    s2o_pte_owner(pte) != S2O_OWNER_HYP)
				return report(d, "hypervisor RAM not owner=hyp "
					      "in host stage-2",
					      first << S2O_PAGE_SHIFT,
					      S2O_OWNER_HYP, pte);
		}
		last = s2o_pfn_page(stop);
		for (p = s2o_pfn_page(first);; p++) {
			if (allowed & STATE_BIT(S2O_PS_HOST))
				p = s2o_skip_owner(p, last, 0);
			if (p >= last)
				break;
			ret = check_page(d, p, allowed, pte);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int check_host_leaf(struct check_data *d,
			   const struct s2o_walk_ctx *ctx)
{
	u64 pte = ctx->old, end = ctx->addr + s2o_granule(ctx->level);
	u64 start_mem, end_mem;
	const struct s2o_mem_region *r = s2o_find_region(ctx->addr);

	if (s2o_pte_is_locked(pte))
		return report(d, "entry left locked", ctx->addr, 0, pte);
	if (s2o_pte_valid(pte)) {
		u64 want = s2o_pte_leaf(ctx->addr,
					r ? S2O_PTE_HOST_RAM :
					    S2O_PTE_HOST_MMIO,
					ctx->level);

		s2o_memory_range(ctx->addr, &start_mem, &end_mem);
		if (pte != want || end > end_mem)
			return report(d, "host mapping not an identity map "
				      "of one memory type", ctx->addr, want,
				      pte);
	} else if (s2o_pte_owner(pte) && !r) {
		return report(d, "owner annotated outside RAM", ctx->addr, 0,
			      pte);
	}
	return check_host_pages(d, pte, ctx->addr, end);
}

static int check_vm_leaf(struct check_data *d, const struct s2o_walk_ctx *ctx)
{
	u64 gran = s2o_granule(ctx->level), i;

	if (!s2o_pte_valid(ctx->old))
		return ctx->old ? report(d, "VM entry not empty", ctx->addr, 0,
					 ctx->old) :
				  0;
	for (i = 0; i < gran; i += S2O_PAGE_SIZE) {
		u64 pa = s2o_pte_addr(ctx->old) + i;
		const struct s2o_mem_region *r = s2o_find_region(pa);
		const struct s2o_page *p;

		if (!r || r->type != S2O_MEM_RAM)
			return report(d, "VM maps a page outside host RAM",
				      ctx->addr + i, 0, pa);
		p = s2o_pa_page(pa);
		if ((p->state != S2O_PS_GUEST &&
		     p->state != S2O_PS_GUEST_SHARED) || p->vm != d->vm)
			return report(d, "VM maps a page it does not own",
				      ctx->addr + i, S2O_PS_GUEST, p->state);
	}
	d->mapped_pages += gran >> S2O_PAGE_SHIFT;
	return 0;
}

static int check_table(struct check_data *d, const struct s2o_walk_ctx *ctx)
{
	u64 pa = s2o_pte_addr(ctx->old), *table = s2o_arch_table_va(pa);
	const struct s2o_page *meta = s2o_pa_page(pa);
	u32 i, blockers = 0;

	if (d->vm ? meta->state != S2O_PS_VM_STATE || meta->vm != d->vm :
		    !s2o_pool_contains(pa))
		return report(d, d->vm ? "VM table not a page of the VM" :
					 "table page outside the pool",
			      ctx->addr, 0, pa);
	for (i = 0; i < S2O_PTRS_PER_TABLE; i++)
		blockers += s2o_pte_blocks_collapse(ctx->pgt, table[i],
						    ctx->level + 1);
	if (blockers != meta->nr_blockers)
		return report(d, "table's count of blocking entries is wrong",
			      ctx->addr, blockers, meta->nr_blockers);
	if (meta->refs)
		return report(d, "table held with no walker", ctx->addr, 0,
			      meta->refs);
	d->tables++;
	return 0;
}

static int check_visitor(struct s2o_walk_ctx *ctx)
{
	struct check_data *d = ctx->arg;

	if (ctx->visit == S2O_VISIT_TABLE_PRE)
		return check_table(d, ctx);
	return d->vm ? check_vm_leaf(d, ctx) : check_host_leaf(d, ctx);
}

static int check_pgt(struct check_data *d, struct s2o_pgt *pgt)
{
	d->tables++;	/* the root */
	return s2o_walk_all(pgt, check_visitor, d,
			    S2O_VISIT_LEAF | S2O_VISIT_TABLE_PRE);
}

/* No page is left claimed: no transition is in flight while this runs. */
static int check_page_locks(struct check_data *d)
{
	u64 pfn;

	for (pfn = S2O_ALIGN_DOWN(s2o_memmap.first_pfn,
				  1ULL << S2O_LOCK_PAGES_SHIFT);
	     pfn < s2o_memmap.end_pfn; pfn += 1ULL << S2O_LOCK_PAGES_SHIFT)
		if (*s2o_page_lock(pfn))
			return report(d, "pages claimed with no transition",
				      pfn << S2O_PAGE_SHIFT, 0, 1);
	return 0;
}

/*
 * The pages the host gave a live VM for the hypervisor: its own page, its
 * tables (root included), its table cache and its vCPUs' pages, each one
 * naming it, and no other page in state VM_STATE names it.
 */
static int check_vm_hyp_pages(struct check_data *d, const struct s2o_vm *vm)
{
	u64 pa = vm->cache_head, n;
	unsigned int i;

	if (vm->nr_vcpus > S2O_MAX_VCPUS ||
	    d->count[d->vm].hyp_pages !=
		    1 + d->tables + vm->cache_nr + vm->nr_vcpus)
		return report(d, "VM's hypervisor pages are not its own page, "
			      "tables, cache and vCPUs", 0,
			      1 + d->tables + vm->cache_nr + vm->nr_vcpus,
			      d->count[d->vm].hyp_pages);
	for (n = 0; n < vm->cache_nr; n++) {
		const struct s2o_page *p = s2o_pa_page(pa);

		if (!s2o_find_region(pa) || p->state != S2O_PS_VM_STATE ||
		    p->vm != d->vm)
			return report(d, "VM cache page not the VM's", pa,
				      S2O_PS_VM_STATE, p->state);
		pa = *(u64 *)s2o_arch_table_va(pa);
	}
	for (i = 0; i < vm->nr_vcpus; i++) {
		u64 pfn = vm->vcpus[i].state_pfn;
		const struct s2o_page *p = s2o_pfn_page(pfn);

		if (p->state != S2O_PS_VM_STATE || p->vm != d->vm)
			return report(d, "vCPU state page not the VM's",
				      pfn << S2O_PAGE_SHIFT, S2O_PS_VM_STATE,
				      p->state);
	}
	return 0;
}

/* A live VM: its stage-2 maps exactly its pages, its own pages add up. */
static int check_vm(struct check_data *d, const struct s2o_vm *vm)
{
	const struct s2o_page *root = s2o_pa_page(vm->pgt.root_pa);
	int ret;

	if (root->state != S2O_PS_VM_STATE || root->vm != d->vm)
		return report(d, "VM root table not a page of the VM",
			      vm->pgt.root_pa, S2O_PS_VM_STATE, root->state);
	d->tables = 0;
	d->mapped_pages = 0;
	ret = check_pgt(d, (struct s2o_pgt *)&vm->pgt);
	if (!ret && d->mapped_pages != d->count[d->vm].mapped)
		ret = report(d, "VM maps a different number of pages than it "
			     "owns", 0, d->count[d->vm].mapped,
			     d->mapped_pages);
	return ret ? ret : check_vm_hyp_pages(d, vm);
}

/**
 * s2o_check_invariants() - cross-check every copy of the ownership state.
 * @v: filled in with the first inconsistency found.
 *
 * Checks that each RAM page's state matches the host stage-2 (host pages
 * mapped or annotated 0, others annotated with their owner, the
 * hypervisor's RAM annotated owner=hyp); that host mappings are identity
 * maps of one memory type; that each VM maps exactly its GUEST pages,
 * counts its pages right, and holds as its own exactly its page, its
 * tables, its table cache and one page per vCPU; that every table's count
 * of blocking entries is right, no walker reference or lock is left over,
 * and the pool's used pages are exactly the host stage-2's tables.
 *
 * Return: 0, or -EINVAL with @v filled in.
 */
int s2o_check_invariants(struct s2o_violation *v)
{
	struct check_data d = { .v = v, .count = vm_counts };
	int handle, ret;

	for (handle = 0; handle <= S2O_MAX_VMS; handle++)
		vm_counts[handle] = (struct vm_count){ 0 };
	ret = check_page_locks(&d);
	if (!ret)
		ret = check_pgt(&d, &s2o_host_mmu.pgt);
	if (!ret && s2o_pool_nr_used() != d.tables)
		ret = report(&d, "table pages in use are not the host's "
			     "tables", 0, d.tables, s2o_pool_nr_used());
	for (handle = 1; !ret && handle <= S2O_MAX_VMS; handle++) {
		const struct s2o_vm_slot *slot = &s2o_vm_slots[handle];

		d.vm = handle;
		if (slot->nr_pages != vm_counts[handle].pages)
			ret = report(&d, "VM page count is wrong", 0,
				     vm_counts[handle].pages, slot->nr_pages);
		else if (slot->state == S2O_VM_LIVE)
			ret = check_vm(&d, slot->vm);
	}
	return ret;
}
