// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's transitions with a guest: donation (the page leaves the host
 * stage-2 and is mapped in the VM's) and reclaim (a page the guest gave
 * back, or of a destroyed VM: scrubbed, back to the host). The guest's own
 * are in guest_mem.c. Lock order: vm.h.
 */
#include "mem_protect.h"
#include "pool.h"
#include "stats.h"
#include "sync.h"
#include "trace.h"
#include "transition.h"
#include "vm.h"

struct donate_guest {
	struct s2o_transition t;
	struct s2o_vm *vm;
	struct s2o_leaf leaf;	/* the VM's mapping of the pages */
	u64 gfn;
	struct s2o_pgt_plan vm_plan;	/* its tables from the VM's cache */
};

static int donate_guest_check_gfns(struct s2o_transition *t)
{
	struct donate_guest *d = s2o_container_of(t, struct donate_guest, t);

	return s2o_check_gfn_range(d->gfn, t->nr);
}

static int donate_guest_prepare(struct s2o_transition *t, u64 *tables)
{
	struct donate_guest *d = s2o_container_of(t, struct donate_guest, t);
	int ret;

	/* The VM's stage-2 cannot change: the caller holds its lock. */
	ret = s2o_pgt_plan(&d->vm->pgt, d->gfn << S2O_PAGE_SHIFT,
			   t->nr << S2O_PAGE_SHIFT, &d->leaf,
			   S2O_PLAN_OVER_UNMAPPED, &d->vm_plan);
	if (!ret)
		ret = s2o_vm_cache_reserve(d->vm, d->vm_plan.tables);
	*tables = s2o_host_owner_bound(t->pfn, t->nr, S2O_OWNER_GUEST);
	return ret;
}

static void donate_guest_apply(struct s2o_transition *t, u64 *reserved)
{
	struct donate_guest *d = s2o_container_of(t, struct donate_guest, t);

	s2o_host_set_owner(t->pfn, t->nr, S2O_OWNER_GUEST, reserved);
	s2o_pgt_apply_plan(&d->vm->pgt, d->gfn << S2O_PAGE_SHIFT,
			   t->nr << S2O_PAGE_SHIFT, &d->leaf, &d->vm_plan);
	s2o_vm_get_pages(d->vm, t->nr);
	s2o_set_pages(t->pfn, t->nr, S2O_PS_GUEST, (u8)d->vm->pgt.vmid);
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
 * already mapped; -ENOMEM if the VM's table cache (s2o_vm_topup()) or
 * the pool cannot give the table pages.
 */
int s2o_host_donate_guest(int handle, u64 pfn, u64 gfn, u64 nr)
{
	const u8 host = S2O_PS_HOST;
	struct donate_guest d = {
		.t = {
			.pfn = pfn,
			.nr = nr,
			.check_page = s2o_page_in_state,
			.check_arg = &host,
			.check_args = donate_guest_check_gfns,
			.prepare = donate_guest_prepare,
			.apply = donate_guest_apply,
		},
		.leaf = {
			.valid = true,
			.attrs = S2O_PTE_GUEST_RAM,
			.oa = pfn << S2O_PAGE_SHIFT,
		},
		.gfn = gfn,
	};

	return s2o_vm_transition_op(handle, &d.t, &d.vm,
				    S2OWN_TCALL_DONATE_GUEST, gfn);
}

/*
 * A relinquished page, or a page of a destroyed VM (its memory or its vCPU
 * state): -EBUSY while the VM is live, -EPERM for any other state.
 */
static int page_reclaimable(u8 state, const struct s2o_page *page,
			    const void *arg)
{
	(void)arg;
	if (state == S2O_PS_GUEST_RELINQUISHED)
		return 0;
	if (state != S2O_PS_GUEST && state != S2O_PS_GUEST_SHARED &&
	    state != S2O_PS_VM_STATE)
		return -S2OWN_EPERM;
	return s2o_vm_live(s2o_read_once(&page->vm)) ? -S2OWN_EBUSY : 0;
}

static void scrub_pages(u64 pfn, u64 nr)
{
	s2o_arch_scrub_pages(pfn << S2O_PAGE_SHIFT, nr);
	s2o_stat_add(&s2o_counters.pages_scrubbed, nr);
	s2o_trace(S2OWN_TEV_SCRUB, 0, 0, 0, nr, pfn, 0);
}

static int reclaim_prepare(struct s2o_transition *t, u64 *tables)
{
	*tables = s2o_host_owner_bound(t->pfn, t->nr, S2O_OWNER_HOST);
	return 0;
}

static void reclaim_apply(struct s2o_transition *t, u64 *reserved)
{
	const struct s2o_page *first = s2o_pfn_page(t->pfn), *p, *run;
	const struct s2o_page *end = first + t->nr;

	scrub_pages(t->pfn, t->nr);
	s2o_host_set_owner(t->pfn, t->nr, S2O_OWNER_HOST, reserved);
	/*
	 * A run of like pages (one state, one VM) at a time: one put for the
	 * run. Claimed, so plain reads, four at a time (s2o_skip_owner());
	 * where the claim saw one run, no scan.
	 */
	for (run = first; run < end; run = p) {
		u8 vm = run->vm;

		p = t->alike ? end : s2o_skip_owner(run + 1, end, run->owner);
		s2o_set_pages(t->pfn + (u64)(run - first), (u64)(p - run),
			      S2O_PS_HOST, 0);
		s2o_vm_put_pages(vm, (u64)(p - run));
	}
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
	struct s2o_transition t = {
		.pfn = pfn,
		.nr = nr,
		.check_page = page_reclaimable,
		.prepare = reclaim_prepare,
		.tables_exact = s2o_host_give_back_tables,
		.apply = reclaim_apply,
	};

	return s2o_transition_op(&t, S2OWN_TCALL_RECLAIM_GUEST);
}
