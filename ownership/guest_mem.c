// SPDX-License-Identifier: GPL-2.0-only
/*
 * A guest's own transitions, from its hypervisor calls (pKVM's MEM_SHARE,
 * MEM_UNSHARE, MEM_RELINQUISH; docs/guests.md): sharing pages it owns
 * with the host, taking them back, giving them up. Only the guest can
 * make them: no host hypercall takes a page out of a live guest.
 *
 * Each call works on a run of the guest's memory: from its first gfn, the
 * longest stretch of gfns that hold pages at consecutive pfns, up to the
 * call's length and GUEST_CALL_MAX pages. That run is one transition on a
 * pfn range (transition.c): every page of it is checked before any
 * changes, so the call changes all of it or nothing, and the guest learns
 * how many pages it did (it calls again for the rest, as with pKVM's
 * ranged calls). Lock order: vm.h; the VM's lock is held throughout, so
 * the gfn -> pfn run cannot change under the call.
 */
#include "mem_protect.h"
#include "sync.h"
#include "trace.h"
#include "transition.h"
#include "vm.h"

/* Pages one call changes at most: one level-3 table's worth. */
#define GUEST_CALL_MAX		512

struct guest_run {
	u64 pfn;		/* of the first gfn */
	u64 nr;			/* pages found so far */
};

/* Extend the run through this leaf, or end it (a hole, a jump in pfns). */
static int run_visitor(struct s2o_walk_ctx *ctx)
{
	struct guest_run *run = ctx->arg;
	u64 start = S2O_MAX(ctx->addr, ctx->start);
	u64 end = S2O_MIN(ctx->addr + s2o_granule(ctx->level), ctx->end);
	u64 pfn;

	if (!s2o_pte_valid(ctx->old))
		return -S2OWN_ENOENT;
	pfn = (s2o_pte_addr(ctx->old) + (start - ctx->addr)) >> S2O_PAGE_SHIFT;
	if (run->nr && pfn != run->pfn + run->nr)
		return -S2OWN_ENOENT;
	if (!run->nr)
		run->pfn = pfn;
	run->nr += (end - start) >> S2O_PAGE_SHIFT;
	return 0;
}

static void find_run(struct s2o_vm *vm, u64 gfn, u64 nr,
		     struct guest_run *run)
{
	struct s2o_walker walker = {
		.cb = run_visitor,
		.arg = run,
		.flags = S2O_VISIT_LEAF,
	};

	*run = (struct guest_run){ 0 };
	/* A hole or a jump ends the walk; what was found is the run. */
	s2o_walk(&vm->pgt, gfn << S2O_PAGE_SHIFT,
		 S2O_MIN(nr, GUEST_CALL_MAX) << S2O_PAGE_SHIFT, &walker);
}

/* What one of the calls does: a row of guest_calls[]. */
struct guest_call_kind {
	int (*prepare)(struct s2o_transition *t, u64 *tables);
	u64 (*tables_exact)(struct s2o_transition *t);	/* share */
	void (*apply)(struct s2o_transition *t, u64 *reserved);
	u8 tcall;		/* S2OWN_TCALL_* */
	u8 from;		/* the state every page must be in, */
	u8 to;			/* the state it goes to, and */
	u8 host_owner;		/* share, unshare: its owner at stage 2 */
	bool host_untouched;	/* relinquish: tables from the VM's cache */
};

struct guest_call {
	struct s2o_transition t;
	const struct guest_call_kind *k;
	struct s2o_vm *vm;
	u64 gfn;
	struct s2o_pgt_plan vm_plan;	/* relinquish: tables from the cache */
	u8 vm_id;		/* the VM every page must be of */
};

/* A claim check: the page is in state @from and this VM's. */
static int guest_page_check(u8 state, const struct s2o_page *page,
			    const void *arg)
{
	const struct guest_call *c = arg;

	return state == c->k->from && s2o_read_once(&page->vm) == c->vm_id ?
		       0 : -S2OWN_EPERM;
}

static int host_view_prepare(struct s2o_transition *t, u64 *tables)
{
	struct guest_call *c = s2o_container_of(t, struct guest_call, t);

	*tables = s2o_host_owner_bound(t->pfn, t->nr, c->k->host_owner);
	return 0;
}

/*
 * Share: the host maps them again (owner 0 in its stage-2, tables
 * coalesce). Unshare: the host loses them, annotated the guest's again,
 * break-before-make, so no CPU translates them for the host once this
 * returns.
 */
static void host_view_apply(struct s2o_transition *t, u64 *reserved)
{
	struct guest_call *c = s2o_container_of(t, struct guest_call, t);

	s2o_host_set_owner(t->pfn, t->nr, c->k->host_owner, reserved);
	s2o_set_pages(t->pfn, t->nr, c->k->to, c->vm_id);
}

static const struct s2o_leaf guest_empty = { .attrs = S2O_PTE_EMPTY };

/* Tables come from the VM's cache: the host stage-2 does not change. */
static int relinquish_prepare(struct s2o_transition *t, u64 *tables)
{
	struct guest_call *c = s2o_container_of(t, struct guest_call, t);

	/* Exact: the VM's stage-2 changes only under its lock. */
	s2o_pgt_plan(&c->vm->pgt, c->gfn << S2O_PAGE_SHIFT,
		     t->nr << S2O_PAGE_SHIFT, &guest_empty, S2O_PLAN_OVER_ANY,
		     &c->vm_plan);
	*tables = 0;
	return s2o_vm_cache_reserve(c->vm, c->vm_plan.tables);
}

/*
 * Out of the guest's stage-2 first: the host may reclaim (scrub and map)
 * the pages from the moment they say relinquished.
 */
static void relinquish_apply(struct s2o_transition *t, u64 *reserved)
{
	struct guest_call *c = s2o_container_of(t, struct guest_call, t);

	(void)reserved;
	s2o_pgt_apply_plan(&c->vm->pgt, c->gfn << S2O_PAGE_SHIFT,
			   t->nr << S2O_PAGE_SHIFT, &guest_empty, &c->vm_plan);
	s2o_set_pages(t->pfn, t->nr, c->k->to, c->vm_id);
}

enum { GUEST_SHARE, GUEST_UNSHARE, GUEST_RELINQUISH };

static const struct guest_call_kind guest_calls[] = {
	[GUEST_SHARE] = {
		.prepare = host_view_prepare, .apply = host_view_apply,
		.tables_exact = s2o_host_give_back_tables,
		.tcall = S2OWN_TCALL_GUEST_SHARE,
		.from = S2O_PS_GUEST, .to = S2O_PS_GUEST_SHARED,
		.host_owner = S2O_OWNER_HOST,
	},
	[GUEST_UNSHARE] = {
		.prepare = host_view_prepare, .apply = host_view_apply,
		.tcall = S2OWN_TCALL_GUEST_UNSHARE,
		.from = S2O_PS_GUEST_SHARED, .to = S2O_PS_GUEST,
		.host_owner = S2O_OWNER_GUEST,
	},
	[GUEST_RELINQUISH] = {
		.prepare = relinquish_prepare, .apply = relinquish_apply,
		.tcall = S2OWN_TCALL_RELINQUISH,
		.from = S2O_PS_GUEST, .to = S2O_PS_GUEST_RELINQUISHED,
		.host_untouched = true,
	},
};

/*
 * Find the run at @gfn, then make call @kind on it. -EFAULT when @gfn
 * holds no page: nothing to act on.
 */
static int guest_call(int handle, u64 gfn, u64 nr, unsigned int kind,
		      u64 *done)
{
	const struct guest_call_kind *k = &guest_calls[kind];
	struct guest_call c = {
		.t = {
			.check_page = guest_page_check,
			.check_arg = &c,
			.prepare = k->prepare,
			.tables_exact = k->tables_exact,
			.apply = k->apply,
			.host_untouched = k->host_untouched,
		},
		.k = k,
		.gfn = gfn,
		.vm_id = (u8)handle,
	};
	struct guest_run run;
	int ret;

	*done = 0;
	s2o_op_begin();
	c.vm = s2o_vm_lock_live(handle);
	ret = c.vm ? s2o_check_gfn_range(gfn, nr) : -S2OWN_ENOENT;
	if (!ret) {
		find_run(c.vm, gfn, nr, &run);
		ret = run.nr ? 0 : -S2OWN_EFAULT;
	}
	if (!ret) {
		/* One RAM region: consecutive pfns may run into the next. */
		const struct s2o_mem_region *r =
			s2o_find_region(run.pfn << S2O_PAGE_SHIFT);
		u64 end = (r->base + r->size) >> S2O_PAGE_SHIFT;

		run.nr = S2O_MIN(run.nr, end - run.pfn);
	}
	if (!ret) {
		c.t.pfn = run.pfn;
		c.t.nr = run.nr;
		ret = s2o_transition_run(&c.t);
		if (!ret)
			*done = run.nr;
	}
	s2o_vm_unlock(c.vm);
	s2o_op_end();
	/* The run it found (the pages done, on success), and the gfn. */
	S2O_TRACE_TRANSITION(&c.t, k->tcall, s2o_trace_vm(handle), ret, gfn);
	return ret;
}

/**
 * s2o_guest_share() - a guest lets the host map pages it owns.
 * @handle: the guest's VM, kept live by the calling vCPU.
 * @gfn: first guest frame.
 * @nr: pages wanted.
 * @done: set to the pages shared, from @gfn on (the run, see above).
 *
 * Guest SHARED_OWNED, host SHARED_BORROWED: the host stage-2 maps them
 * again on the host's next access, as its own pages are.
 *
 * Return: 0; -ENOENT for a VM that is not live; -EINVAL for a gfn range
 * past the IPA space; -EFAULT if @gfn holds no page; -EPERM if a page of
 * the run is not the guest's alone; -ENOMEM if a table page cannot be
 * reserved. On error nothing changed and *@done is 0.
 */
int s2o_guest_share(int handle, u64 gfn, u64 nr, u64 *done)
{
	return guest_call(handle, gfn, nr, GUEST_SHARE, done);
}

/**
 * s2o_guest_unshare() - a guest takes back pages it shared.
 * @handle: as s2o_guest_share().
 * @gfn: first guest frame.
 * @nr: pages wanted.
 * @done: set to the pages taken back.
 *
 * The host's mappings are gone (break-before-make, TLB invalidated) when
 * this returns.
 *
 * Return: as s2o_guest_share(); -EPERM if a page of the run is not one
 * the guest shared.
 */
int s2o_guest_unshare(int handle, u64 gfn, u64 nr, u64 *done)
{
	return guest_call(handle, gfn, nr, GUEST_UNSHARE, done);
}

/**
 * s2o_guest_relinquish() - a guest gives up pages: they leave its
 * stage-2 and wait for the host to reclaim them (scrubbed).
 * @handle: as s2o_guest_share().
 * @gfn: first guest frame.
 * @nr: pages wanted.
 * @done: set to the pages given up.
 *
 * Return: as s2o_guest_share(); -EPERM if a page of the run is not the
 * guest's alone (a shared page must be taken back first); -ENOMEM if a
 * guest block must be split and the VM's table cache is short (the
 * host tops it up: s2o_vm_topup()); never for want of the pool.
 */
int s2o_guest_relinquish(int handle, u64 gfn, u64 nr, u64 *done)
{
	return guest_call(handle, gfn, nr, GUEST_RELINQUISH, done);
}
