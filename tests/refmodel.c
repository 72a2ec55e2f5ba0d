// SPDX-License-Identifier: GPL-2.0-only
/*
 * The reference model of page ownership (see refmodel.h), and its checks
 * against the real tracker and the fake MMUs.
 *
 * The model is deliberately naive: one byte of state per page of the
 * window, a flat gfn -> pfn array per VM, every rule of docs/ownership.md
 * written out again in the plainest way. Where it and the core disagree,
 * one of them is wrong; the model is short enough to be checked by eye.
 */
#include "refmodel.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ownership/mem_protect.h"
#include "../ownership/vm.h"
#include "rng.h"

const struct rm_seg rm_segs[RM_NR_SEGS] = {
	{ RAM_FIRST - 64, RAM_FIRST + 1400 },	/* hyp RAM | host RAM */
	{ PFN(2 * GIB) - 1400, PFN(2 * GIB) + 1400 },	/* 1G boundary */
	{ RAM_END_PFN - 1400, RAM_END_PFN + 64 },	/* host RAM | MMIO */
};

const struct rm_seg rm_gregs[RM_NR_GREGS] = {
	{ 0, 4096 },
	{ PFN(GIB) - 1536, PFN(GIB) + 1536 },
	{ (1ULL << 27) - 1536, (1ULL << 27) + 1536 },
	{ MAX_PFN - 2048, MAX_PFN },
};

const char *const rm_state_name[] = {
	"HOST", "SHARED", "HYP", "GUEST", "RELINQUISHED", "GUEST_SHARED",
	"VM_STATE", "hyp RAM", "MMIO",
};

const char *const rm_kind_name[RM_NR_KINDS] = {
	"host fault", "share_hyp", "unshare_hyp", "donate_hyp",
	"hyp_donate_host", "donate_guest", "guest_share", "guest_unshare",
	"relinquish", "reclaim", "vcpu_create", "vm_topup", "vm_create",
	"vm_destroy",
};

struct rm_model rm;
struct rm_ctx rm_ctx;

/* rm_give_everything_back() is running: say so in descriptions. */
static bool giving_back;

/* ---- Randomness (probe offsets, the words written into pages) ------------ */

/**
 * rm_rnd() - a value in [0, @n) from the run's generator, rm_ctx.rng.
 * @n: the bound; 0 gives 0.
 *
 * The model draws from the same stream as the driver, so that a seed
 * replays a run exactly.
 *
 * Return: the value.
 */
u64 rm_rnd(u64 n)
{
	return rng_below(&rm_ctx.rng, n);
}

/* ---- The window and the tracked gfns ------------------------------------- */

/* Where frame @x is in the runs @segs laid end to end, or -1. */
static int seg_index(const struct rm_seg *segs, int nr, u64 x)
{
	int s, base = 0;

	for (s = 0; s < nr; s++) {
		if (x >= segs[s].first && x < segs[s].end)
			return base + (int)(x - segs[s].first);
		base += (int)(segs[s].end - segs[s].first);
	}
	return -1;
}

/* The frame at index @idx of the runs @segs laid end to end. */
static u64 seg_frame(const struct rm_seg *segs, int nr, int idx)
{
	int s;

	for (s = 0; s < nr; s++) {
		u64 len = segs[s].end - segs[s].first;

		if ((u64)idx < len)
			return segs[s].first + idx;
		idx -= (int)len;
	}
	abort();
}

/**
 * rm_win_idx() - where the model keeps page @pfn.
 * @pfn: a page frame.
 *
 * Return: its index in the window, or -1 outside the window.
 */
int rm_win_idx(u64 pfn)
{
	return seg_index(rm_segs, RM_NR_SEGS, pfn);
}

/**
 * rm_win_pfn() - the page frame at window index @idx.
 * @idx: 0..RM_WIN - 1.
 *
 * Return: the pfn.
 */
u64 rm_win_pfn(int idx)
{
	return seg_frame(rm_segs, RM_NR_SEGS, idx);
}

/**
 * rm_seg_of() - the run of the window holding @pfn.
 * @pfn: a page frame.
 *
 * Return: an index into rm_segs, or -1 outside the window.
 */
int rm_seg_of(u64 pfn)
{
	int s;

	for (s = 0; s < RM_NR_SEGS; s++)
		if (pfn >= rm_segs[s].first && pfn < rm_segs[s].end)
			return s;
	return -1;
}

/**
 * rm_range_in_window() - whether [@pfn, @pfn + @nr) lies inside one run
 * of the window, so that the model can follow it.
 * @pfn: first page frame.
 * @nr: number of pages.
 *
 * Return: true if it does.
 */
bool rm_range_in_window(u64 pfn, u64 nr)
{
	int s = rm_seg_of(pfn);

	return s >= 0 && nr <= rm_segs[s].end - pfn;
}

/**
 * rm_gslot() - where the model keeps guest frame @gfn of a VM.
 * @gfn: a guest frame.
 *
 * Return: its slot in rm.gmap[vm], or -1 if the model does not track it.
 */
int rm_gslot(u64 gfn)
{
	return seg_index(rm_gregs, RM_NR_GREGS, gfn);
}

/**
 * rm_gslot_gfn() - the guest frame of slot @slot.
 * @slot: 0..RM_GSLOTS - 1.
 *
 * Return: the gfn.
 */
u64 rm_gslot_gfn(int slot)
{
	return seg_frame(rm_gregs, RM_NR_GREGS, slot);
}

/* ---- The oracle: the rules of docs/ownership.md, state by state ---------- */

const struct rm_transition rm_transitions[RM_NR_KINDS] = {
	[RM_SHARE] = { RM_BIT(RM_HOST), RM_SHARED },
	[RM_UNSHARE] = { RM_BIT(RM_SHARED), RM_HOST },
	[RM_DONATE_HYP] = { RM_BIT(RM_HOST), RM_HYP },
	[RM_GIVE_BACK] = { RM_BIT(RM_HYP), RM_HOST },
	[RM_DONATE_GUEST] = { RM_BIT(RM_HOST), RM_GUEST },
	[RM_GUEST_SHARE] = { RM_BIT(RM_GUEST), RM_GSHARED },
	[RM_GUEST_UNSHARE] = { RM_BIT(RM_GSHARED), RM_GUEST },
	[RM_RELINQUISH] = { RM_BIT(RM_GUEST), RM_RELINQ },
	[RM_RECLAIM] = { RM_BIT(RM_GUEST) | RM_BIT(RM_RELINQ) |
			 RM_BIT(RM_GSHARED) | RM_BIT(RM_VMSTATE), RM_HOST },
	[RM_VCPU_CREATE] = { RM_BIT(RM_HOST), RM_VMSTATE },
	[RM_TOPUP] = { RM_BIT(RM_HOST), RM_VMSTATE },
};

/**
 * rm_page_ret() - what transition @kind must return for one page.
 * @kind: a transition of pages (rm_transitions[@kind].from not 0).
 * @st: the page's state.
 * @live: for a guest page, whether its VM is live.
 *
 * A guest call only ever reaches its own VM's pages (a page another VM
 * maps is no gfn of its own): that the page is the caller's is not
 * checked here.
 *
 * Return: 0; -EPERM for a page in a state the transition does not start
 * from; -EBUSY to reclaim a page a live VM still owns (its memory, shared
 * or not, or a vCPU's state).
 */
int rm_page_ret(enum rm_kind kind, enum rm_state st, bool live)
{
	if (!(rm_transitions[kind].from & RM_BIT(st)))
		return -S2OWN_EPERM;
	if (kind == RM_RECLAIM && st != RM_RELINQ && live)
		return -S2OWN_EBUSY;
	return 0;
}

/**
 * rm_host_may_access() - whether the host may access a page in @st: a
 * host fault maps it, a CPU may translate it for the host.
 * @st: the page's state.
 *
 * Return: true for the host's pages (shared with the hypervisor or not),
 * the pages a guest shares with it, and MMIO.
 */
bool rm_host_may_access(enum rm_state st)
{
	return st == RM_HOST || st == RM_SHARED || st == RM_GSHARED ||
	       st == RM_MMIO;
}

/**
 * rm_host_allows() - whether a host fault on a page in @st for @access is
 * resolved (the host may access the page so): its own RAM, shared or not,
 * any access; MMIO, data accesses only, device memory being mapped
 * execute-never. Any other fault is refused (-EPERM): retrying it could
 * only fault again.
 * @st: the page's state.
 * @access: the access, S2O_FAULT_* bits.
 *
 * Return: true if the fault path maps the page (or finds it mapped).
 */
bool rm_host_allows(enum rm_state st, unsigned int access)
{
	if (st == RM_MMIO && (access & S2O_FAULT_EXEC))
		return false;
	return rm_host_may_access(st);
}

/**
 * rm_give_back_kind() - the call that gives a page in @st to the host.
 * @st: the page's state.
 * @live: for a guest page, whether its VM is live.
 *
 * Return: the transition, or RM_NR_KINDS if there is none (the host's
 * pages, a live VM's, the hypervisor's RAM, MMIO).
 */
enum rm_kind rm_give_back_kind(enum rm_state st, bool live)
{
	int k;

	for (k = 0; k < RM_NR_KINDS; k++)
		if (rm_transitions[k].from && rm_transitions[k].to == RM_HOST &&
		    !rm_page_ret(k, st, live))
			return k;
	return RM_NR_KINDS;
}

/**
 * rm_want_info() - what s2o_page_query() reports for a page in @st.
 * @st: the page's state, not RM_MMIO (no page to query).
 * @vm: for a guest page, its VM.
 * @live: for a guest page, whether that VM is live.
 *
 * Return: the page's owner, each component's view, its VM, whether the
 * host may reclaim it.
 */
struct s2o_page_info rm_want_info(enum rm_state st, int vm, bool live)
{
	const enum s2o_page_state O = S2O_PAGE_OWNED, N = S2O_PAGE_NOPAGE;

	switch (st) {
	case RM_HOST:
		return (struct s2o_page_info){ S2O_OWNER_HOST, O, N, N, 0,
					       false };
	case RM_SHARED:
		return (struct s2o_page_info){ S2O_OWNER_HOST,
					       S2O_PAGE_SHARED_OWNED,
					       S2O_PAGE_SHARED_BORROWED, N, 0,
					       false };
	case RM_HYP:
	case RM_HYPRAM:
		return (struct s2o_page_info){ S2O_OWNER_HYP, N, O, N, 0,
					       false };
	case RM_GUEST:
		return (struct s2o_page_info){ S2O_OWNER_GUEST, N, N, O, vm,
					       !live };
	case RM_RELINQ:
		return (struct s2o_page_info){ S2O_OWNER_GUEST, N, N, N, vm,
					       true };
	case RM_GSHARED:
		return (struct s2o_page_info){ S2O_OWNER_GUEST,
					       S2O_PAGE_SHARED_BORROWED, N,
					       S2O_PAGE_SHARED_OWNED, vm,
					       !live };
	case RM_VMSTATE:
		/* The hypervisor's, on the VM's behalf: it names the VM. */
		return (struct s2o_page_info){ S2O_OWNER_HYP, N, O, N, vm,
					       !live };
	default:
		abort();
	}
}

/**
 * rm_info_is() - whether @got is what a page in @st reports.
 * @got: what s2o_page_query() reported.
 * @st: the state (see rm_want_info()).
 * @vm: for a guest page, its VM.
 * @live: for a guest page, whether that VM is live.
 *
 * Return: true if every field is the oracle's.
 */
bool rm_info_is(const struct s2o_page_info *got, enum rm_state st, int vm,
		bool live)
{
	struct s2o_page_info want = rm_want_info(st, vm, live);

	return got->owner == want.owner && got->host == want.host &&
	       got->hyp == want.hyp && got->guest == want.guest &&
	       got->vm == want.vm && got->reclaimable == want.reclaimable;
}

/**
 * rm_info_str() - @info as text, for messages.
 * @info: a page's state as s2o_page_query() reports it.
 * @buf: where to write it.
 *
 * Return: @buf.
 */
const char *rm_info_str(const struct s2o_page_info *info,
			char buf[RM_INFO_LEN])
{
	snprintf(buf, RM_INFO_LEN, "owner %d host %d hyp %d guest %d vm %d "
		 "reclaimable %d", info->owner, info->host, info->hyp,
		 info->guest, info->vm, info->reclaimable);
	return buf;
}

/* rm_core_call() of every call but the guest's. */
static int core_call(const struct rm_op *op)
{
	int tries, ret;

	switch (op->kind) {
	case RM_FAULT:
		return s2o_host_handle_fault(op->ipa, op->access);
	case RM_SHARE:
		return s2o_host_share_hyp(op->pfn, op->nr);
	case RM_UNSHARE:
		return s2o_host_unshare_hyp(op->pfn, op->nr);
	case RM_DONATE_HYP:
		return s2o_host_donate_hyp(op->pfn, op->nr);
	case RM_GIVE_BACK:
		return s2o_hyp_donate_host(op->pfn, op->nr);
	case RM_DONATE_GUEST:
		/* As a host does: top the VM's cache up and try again. */
		for (tries = 0; tries < 4; tries++) {
			ret = s2o_host_donate_guest(op->vm, op->pfn, op->gfn,
						    op->nr);
			if (ret != -S2OWN_ENOMEM || vm_topup_more(op->vm))
				break;
		}
		return ret;
	case RM_RECLAIM:
		return s2o_host_reclaim_guest(op->pfn, op->nr);
	case RM_VCPU_CREATE:
		return s2o_vcpu_create(op->vm, op->pfn);
	case RM_TOPUP:
		return s2o_vm_topup(op->vm, op->pfn, op->nr);
	case RM_CREATE:
		return vm_new();
	case RM_DESTROY:
		/* The VM's own pages are outside the window: back at once. */
		return vm_destroy(op->vm);
	default:
		abort();
	}
}

/**
 * rm_guest_call() - whether @kind is one of the guest's own calls.
 * @kind: an operation.
 *
 * Return: true for guest_share, guest_unshare and relinquish: they act on
 * the run of the guest's memory at op->gfn (rm_guest_run()).
 */
bool rm_guest_call(enum rm_kind kind)
{
	return kind == RM_GUEST_SHARE || kind == RM_GUEST_UNSHARE ||
	       kind == RM_RELINQUISH;
}

/**
 * rm_guest_fn() - the core's function for a guest call.
 * @kind: RM_GUEST_SHARE, RM_GUEST_UNSHARE or RM_RELINQUISH.
 *
 * Return: s2o_guest_share(), s2o_guest_unshare() or s2o_guest_relinquish().
 */
guest_call_fn rm_guest_fn(enum rm_kind kind)
{
	return kind == RM_GUEST_SHARE ? s2o_guest_share :
	       kind == RM_GUEST_UNSHARE ? s2o_guest_unshare :
					  s2o_guest_relinquish;
}

/**
 * rm_core_call() - make @op's call on the core.
 * @op: the operation.
 * @done: set to the pages the call changed: a guest call's own count,
 *        op->nr for a transition of pages that succeeded, else 0.
 *
 * Return: what the core returned (for vm_create the handle, for
 * vcpu_create the vCPU's index).
 */
int rm_core_call(const struct rm_op *op, u64 *done)
{
	int ret;

	*done = 0;
	if (rm_guest_call(op->kind)) {
		/* The TOPUP exit: the VMM tops up, the guest calls again. */
		do
			ret = rm_guest_fn(op->kind)(op->vm, op->gfn, op->nr,
						    done);
		while (ret == -S2OWN_ENOMEM && !vm_topup_more(op->vm));
		return ret;
	}
	ret = core_call(op);
	if (op->kind == RM_VCPU_CREATE)
		*done = ret >= 0;
	else if (!ret && rm_transitions[op->kind].from)
		*done = op->nr;
	return ret;
}

/* ---- The model ----------------------------------------------------------- */

/**
 * rm_region_kind() - what page @pfn is at boot.
 * @pfn: a page frame.
 *
 * Return: RM_HYPRAM, RM_HOST (host RAM) or RM_MMIO.
 */
enum rm_state rm_region_kind(u64 pfn)
{
	if (pfn >= HYP_FIRST && pfn < RAM_FIRST)
		return RM_HYPRAM;
	if (pfn >= RAM_FIRST && pfn < RAM_END_PFN)
		return RM_HOST;
	return RM_MMIO;
}

/* Whether @pfn is one of a VM's own pages vm_new() gave, not reclaimed. */
static bool vm_own_page(u64 pfn)
{
	u64 h;

	if (pfn < VM_FUND(1) || pfn >= VM_FUND(S2O_MAX_VMS + 1))
		return false;
	h = (pfn - VM_FUND(0)) / VM_FUND_PAGES;
	return pfn - VM_FUND(h) < vm_own_pages((int)h);
}

/**
 * rm_mstate() - the model's state of page @pfn.
 * @pfn: a page frame.
 *
 * Pages outside the window never change but the VMs' own (their state,
 * root and table cache, at VM_FUND()): they are what boot left.
 *
 * Return: the state.
 */
enum rm_state rm_mstate(u64 pfn)
{
	int i = rm_win_idx(pfn);

	if (i >= 0)
		return rm.st[i];
	return vm_own_page(pfn) ? RM_VMSTATE : rm_region_kind(pfn);
}

/**
 * rm_vm_live() - whether @h names a live VM in the model.
 * @h: a handle, any value.
 *
 * Return: true if it does.
 */
bool rm_vm_live(int h)
{
	return h >= 1 && h <= S2O_MAX_VMS && rm.vstate[h] == RM_VM_LIVE;
}

/* Whether page @pfn belongs to a live VM (outside the window: no). */
static bool page_vm_live(u64 pfn)
{
	int w = rm_win_idx(pfn);

	return w >= 0 && rm_vm_live(rm.vm[w]);
}

/**
 * rm_gmapped() - what VM @h maps at @gfn.
 * @h: a handle, 1..S2O_MAX_VMS.
 * @gfn: a guest frame.
 *
 * Return: the pfn + 1, or 0 if @gfn is not mapped (or not tracked).
 */
u64 rm_gmapped(int h, u64 gfn)
{
	int s = rm_gslot(gfn);

	return s < 0 ? 0 : rm.gmap[h][s];
}

/* The end of the RAM region holding @pfn, a page of RAM. */
static u64 region_end(u64 pfn)
{
	if (rm_region_kind(pfn) == RM_HYPRAM)
		return RAM_FIRST;
	return rm_ctx.split && pfn < RAM_SPLIT ? RAM_SPLIT : RAM_END_PFN;
}

/**
 * rm_check_range() - the model's pfn range check.
 * @pfn: first page frame.
 * @nr: number of pages.
 *
 * Return: 0, -EINVAL (empty, overflow, past 2^36, not RAM, crossing
 * regions) or -EPERM (the hypervisor's RAM), as docs/ownership.md says.
 */
int rm_check_range(u64 pfn, u64 nr)
{
	enum rm_state k;

	if (!nr || pfn >= MAX_PFN || nr > MAX_PFN - pfn)
		return -S2OWN_EINVAL;
	k = rm_region_kind(pfn);
	if (k == RM_MMIO)
		return -S2OWN_EINVAL;
	if (pfn + nr > region_end(pfn))
		return -S2OWN_EINVAL;
	return k == RM_HYPRAM ? -S2OWN_EPERM : 0;
}

/**
 * rm_check_gfn_range() - the model's gfn range check.
 * @gfn: first guest frame.
 * @nr: number of frames.
 *
 * Return: 0, or -EINVAL (empty, overflow, past 2^36).
 */
int rm_check_gfn_range(u64 gfn, u64 nr)
{
	if (!nr || gfn >= MAX_PFN || nr > MAX_PFN - gfn)
		return -S2OWN_EINVAL;
	return 0;
}

/**
 * rm_guest_run() - the pages a guest call on [@gfn, @gfn + @nr) of VM @h
 * acts on: from @gfn, the longest stretch of gfns that hold pages at
 * consecutive pfns, at most @nr, RM_GUEST_CALL_MAX, and up to the end of
 * the first page's RAM region.
 * @h: a handle, 1..S2O_MAX_VMS.
 * @gfn: first guest frame.
 * @nr: pages asked for.
 * @pfn: set to the first page, if there is one.
 *
 * Return: the run's length; 0 if @gfn holds no page.
 */
u64 rm_guest_run(int h, u64 gfn, u64 nr, u64 *pfn)
{
	u64 first = rm_gmapped(h, gfn), n, max;

	if (!first)
		return 0;
	*pfn = first - 1;
	max = S2O_MIN(S2O_MIN(nr, (u64)RM_GUEST_CALL_MAX),
		      region_end(*pfn) - *pfn);
	for (n = 1; n < max && rm_gmapped(h, gfn + n) == first + n; n++)
		;
	return n;
}

/* Why the run of @n pages from @pfn at @gfn of VM @h, asked @nr, ended. */
static enum rm_end run_end(int h, u64 gfn, u64 nr, u64 pfn, u64 n)
{
	u64 next;

	if (n == nr)
		return RM_END_ASKED;
	if (n == RM_GUEST_CALL_MAX)
		return RM_END_MAX;
	if (pfn + n == region_end(pfn))
		return RM_END_REGION;
	next = rm_gmapped(h, gfn + n);
	return next ? RM_END_JUMP : RM_END_HOLE;
}

/* The first page of the range that transition @kind refuses decides. */
static int m_pages(enum rm_kind kind, u64 pfn, u64 nr)
{
	int ret = 0;
	u64 i;

	for (i = 0; !ret && i < nr; i++)
		ret = rm_page_ret(kind, rm_mstate(pfn + i),
				  page_vm_live(pfn + i));
	return ret;
}

/* Where the model keeps page @pfn, which the driver keeps in the window. */
static int m_idx(u64 pfn)
{
	int w = rm_win_idx(pfn);

	if (w < 0)
		abort();
	return w;
}

static void m_set(u64 pfn, u64 nr, enum rm_state to, int vm)
{
	u64 i;

	for (i = 0; i < nr; i++) {
		int w = m_idx(pfn + i);

		rm.st[w] = to;
		rm.vm[w] = (u8)vm;
	}
}

static void m_vm_put(int h)
{
	if (!--rm.vpages[h] && rm.vstate[h] == RM_VM_DYING)
		rm.vstate[h] = RM_VM_FREE;
}

static void m_gmap_clear(int h)
{
	if (rm.gdirty[h])
		memset(rm.gmap[h], 0, sizeof(rm.gmap[h]));
	rm.gdirty[h] = false;
}

/**
 * rm_expect() - what the core must return for @op, the model as it is.
 * @op: the operation.
 *
 * The checks in docs/ownership.md's order: the VM handle, the pfn range,
 * the gfn range, the pages' states lowest first, a gfn already mapped.
 * A guest call: the handle, the gfn range, -EFAULT if its first gfn holds
 * no page, then the states of its run's pages (rm_guest_run()). A vCPU:
 * the handle, the page, then -EBUSY if the VM has all its vCPUs. A topup:
 * the handle, the pages. (-ENOMEM depends on the pool and the VMs'
 * caches, which the model does not follow.)
 *
 * Return: 0 or the error; for vm_create, 0 if a slot is free.
 */
int rm_expect(const struct rm_op *op)
{
	u64 i, n, pfn = 0;
	int ret, h;

	switch (op->kind) {
	case RM_FAULT:
		if (op->ipa >> 48)
			return -S2OWN_EINVAL;
		return rm_host_allows(rm_mstate(op->ipa >> 12), op->access) ?
			       0 : -S2OWN_EPERM;
	case RM_DONATE_GUEST:
		if (!rm_vm_live(op->vm))
			return -S2OWN_ENOENT;
		ret = rm_check_range(op->pfn, op->nr);
		if (!ret)
			ret = rm_check_gfn_range(op->gfn, op->nr);
		if (!ret)
			ret = m_pages(op->kind, op->pfn, op->nr);
		for (i = 0; !ret && i < op->nr; i++)
			if (rm_gmapped(op->vm, op->gfn + i))
				ret = -S2OWN_EBUSY;
		return ret;
	case RM_GUEST_SHARE:
	case RM_GUEST_UNSHARE:
	case RM_RELINQUISH:
		if (!rm_vm_live(op->vm))
			return -S2OWN_ENOENT;
		ret = rm_check_gfn_range(op->gfn, op->nr);
		if (ret)
			return ret;
		n = rm_guest_run(op->vm, op->gfn, op->nr, &pfn);
		return n ? m_pages(op->kind, pfn, n) : -S2OWN_EFAULT;
	case RM_VCPU_CREATE:
		if (!rm_vm_live(op->vm))
			return -S2OWN_ENOENT;
		ret = rm_check_range(op->pfn, 1);
		if (!ret)
			ret = m_pages(op->kind, op->pfn, 1);
		if (!ret && rm.nvcpus[op->vm] >= S2O_MAX_VCPUS)
			ret = -S2OWN_EBUSY;
		return ret;
	case RM_TOPUP:
		if (!rm_vm_live(op->vm))
			return -S2OWN_ENOENT;
		ret = rm_check_range(op->pfn, op->nr);
		return ret ? ret : m_pages(op->kind, op->pfn, op->nr);
	case RM_CREATE:
		for (h = 1; h <= S2O_MAX_VMS; h++)
			if (rm.vstate[h] == RM_VM_FREE)
				return 0;
		return -S2OWN_EBUSY;
	case RM_DESTROY:
		return rm_vm_live(op->vm) ? 0 : -S2OWN_ENOENT;
	default:
		ret = rm_check_range(op->pfn, op->nr);
		return ret ? ret : m_pages(op->kind, op->pfn, op->nr);
	}
}

/**
 * rm_expect_done() - the pages a call the model allows changes, as the
 * core counts them (rm_core_call()'s @done).
 * @op: an operation rm_expect() returns 0 for, the model as it is.
 * @pfn: set to the first of them for a guest call (its run), else
 *        untouched.
 *
 * Return: the guest call's run, 1 for a vCPU, op->nr for the other
 * transitions of pages, else 0.
 */
u64 rm_expect_done(const struct rm_op *op, u64 *pfn)
{
	if (rm_guest_call(op->kind))
		return rm_guest_run(op->vm, op->gfn, op->nr, pfn);
	if (!rm_transitions[op->kind].from)
		return 0;
	return op->kind == RM_VCPU_CREATE ? 1 : op->nr;
}

/**
 * rm_commit() - the core did @op: the model does it too.
 * @op: an operation rm_expect() allows; its pages and gfns are ones the
 *      model tracks.
 * @ret: what the core returned, for vm_create the new handle.
 */
void rm_commit(const struct rm_op *op, int ret)
{
	u64 i, n, pfn = 0;
	int h = op->vm, s;

	switch (op->kind) {
	case RM_FAULT:
		break;
	case RM_DONATE_GUEST:
		m_set(op->pfn, op->nr, RM_GUEST, h);
		for (i = 0; i < op->nr; i++) {
			s = rm_gslot(op->gfn + i);
			if (s < 0)
				abort();	/* the driver keeps them so */
			rm.gmap[h][s] = op->pfn + i + 1;
		}
		rm.gdirty[h] = true;
		rm.vpages[h] += op->nr;
		break;
	case RM_GUEST_SHARE:
	case RM_GUEST_UNSHARE:
		n = rm_guest_run(h, op->gfn, op->nr, &pfn);
		m_set(pfn, n, rm_transitions[op->kind].to, h);
		break;
	case RM_RELINQUISH:
		n = rm_guest_run(h, op->gfn, op->nr, &pfn);
		m_set(pfn, n, RM_RELINQ, h);
		for (i = 0; i < n; i++)
			rm.gmap[h][rm_gslot(op->gfn + i)] = 0;
		break;
	case RM_VCPU_CREATE:
		/* The core zeroes the page: nothing of the host's is left. */
		m_set(op->pfn, 1, RM_VMSTATE, h);
		rm.marker[m_idx(op->pfn)] = 0;
		rm.vpages[h]++;
		rm.nvcpus[h]++;
		break;
	case RM_TOPUP:
		/* Its tables, once the VM needs them: the host's data goes. */
		m_set(op->pfn, op->nr, RM_VMSTATE, h);
		for (i = 0; i < op->nr; i++)
			rm.marker[m_idx(op->pfn + i)] = 0;
		rm.vpages[h] += op->nr;
		break;
	case RM_RECLAIM:
		for (i = 0; i < op->nr; i++) {
			int w = m_idx(op->pfn + i);

			m_vm_put(rm.vm[w]);
			rm.marker[w] = 0;
		}
		m_set(op->pfn, op->nr, RM_HOST, 0);
		break;
	case RM_CREATE:
		rm.vstate[ret] = RM_VM_LIVE;
		break;
	case RM_DESTROY:
		m_gmap_clear(h);
		rm.nvcpus[h] = 0;
		rm.vstate[h] = rm.vpages[h] ? RM_VM_DYING : RM_VM_FREE;
		break;
	default:
		m_set(op->pfn, op->nr, rm_transitions[op->kind].to, 0);
		break;
	}
}

/* ---- Aiming: where the drivers find pages and gfns in a given state ------ */

/* Whether, past an entry the run should stop at, it goes on: @stray %. */
static bool stray_on(unsigned int stray)
{
	return stray && rm_rnd(100) >= 100 - stray;
}

/**
 * rm_find_page() - the first window page, from index @start on and
 * wrapping round, in a state of @mask.
 * @mask: RM_BIT()s of states.
 * @start: a window index, 0..RM_WIN - 1.
 *
 * Return: its window index, or -1 if no page of the window is.
 */
int rm_find_page(unsigned int mask, int start)
{
	int i;

	for (i = 0; i < RM_WIN; i++) {
		int w = (start + i) % RM_WIN;

		if (mask & RM_BIT(rm.st[w]))
			return w;
	}
	return -1;
}

/**
 * rm_run_len() - how long a range from window page @pfn may be: up to
 * @want pages inside its run of the window, up to the first page not in
 * a state of @mask, which with a chance of @stray % it goes past.
 * @mask: RM_BIT()s of states.
 * @pfn: a page of the window.
 * @want: the most pages.
 * @stray: 0..100; 0 never goes past (and draws no number).
 *
 * Return: the number of pages, at least 1.
 */
u64 rm_run_len(unsigned int mask, u64 pfn, u64 want, unsigned int stray)
{
	const struct rm_seg *s = &rm_segs[rm_seg_of(pfn)];
	u64 n;

	for (n = 1; n < want && pfn + n < s->end; n++)
		if (!(mask & RM_BIT(rm_mstate(pfn + n))) && !stray_on(stray))
			break;
	return n;
}

/**
 * rm_find_mapped() - the first gfn slot VM @h maps, from slot @start on
 * and wrapping round.
 * @h: a handle, 1..S2O_MAX_VMS.
 * @start: a slot, 0..RM_GSLOTS - 1.
 *
 * Return: the slot, or -1 if the VM maps nothing the model tracks.
 */
int rm_find_mapped(int h, int start)
{
	int i;

	for (i = 0; i < RM_GSLOTS; i++) {
		int j = (start + i) % RM_GSLOTS;

		if (rm.gmap[h][j])
			return j;
	}
	return -1;
}

/**
 * rm_mapped_len() - how long a range of VM @h's gfns from @gfn may be: up
 * to @want consecutive gfns the model tracks, up to the first one @h does
 * not map, which with a chance of @stray % it goes past.
 * @h: a handle, 1..S2O_MAX_VMS.
 * @gfn: a gfn the model tracks.
 * @want: the most gfns.
 * @stray: 0..100; 0 never goes past (and draws no number).
 *
 * Return: the number of gfns, at least 1.
 */
u64 rm_mapped_len(int h, u64 gfn, u64 want, unsigned int stray)
{
	int s = rm_gslot(gfn);
	u64 n;

	for (n = 1; n < want && s + (int)n < RM_GSLOTS &&
		    rm_gslot_gfn(s + (int)n) == gfn + n; n++)
		if (!rm.gmap[h][s + n] && !stray_on(stray))
			break;
	return n;
}

/**
 * rm_live_vms() - the VMs the model has live.
 * @live: filled with their handles, lowest first.
 *
 * Return: how many.
 */
int rm_live_vms(int live[S2O_MAX_VMS])
{
	int h, n = 0;

	for (h = 1; h <= S2O_MAX_VMS; h++)
		if (rm_vm_live(h))
			live[n++] = h;
	return n;
}

/**
 * rm_reset() - the model of a tracker just initialised: every page of the
 * window in its boot state, no VM. The run context (rm_ctx) is kept.
 *
 * Only the gfn maps of VMs that mapped something are cleared: they are
 * most of the model's size, and a fuzzer resets it for every input.
 */
void rm_reset(void)
{
	int i;

	giving_back = false;
	for (i = 1; i <= S2O_MAX_VMS; i++)
		m_gmap_clear(i);
	memset(&rm, 0, offsetof(struct rm_model, gmap));
	for (i = 0; i < RM_WIN; i++)
		rm.st[i] = rm_region_kind(rm_win_pfn(i));
}

/* ---- Reporting ----------------------------------------------------------- */

/**
 * rm_mismatch() - the tracker and the model disagree: tell the driver.
 * @fmt: printf format of what differs; rm_ctx.desc names the operation.
 *
 * Calls rm_ctx.report, which does not return (cmocka's failure jumps out of
 * the test, the fuzzer aborts); abort() if it has none or it returns.
 */
void rm_mismatch(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (rm_ctx.report)
		rm_ctx.report(msg);
	fprintf(stderr, "MISMATCH op %u: %s: %s\n", rm_ctx.opno,
		rm_ctx.desc, msg);
	abort();
}

static const int ret_col[RM_NR_RETS] = { 0, -S2OWN_EPERM, -S2OWN_ENOENT,
					 -S2OWN_ENOMEM, -S2OWN_EBUSY,
					 -S2OWN_EINVAL, -S2OWN_EFAULT };
static const char *const ret_name[RM_NR_RETS] = {
	"0", "-EPERM", "-ENOENT", "-ENOMEM", "-EBUSY", "-EINVAL", "-EFAULT",
};
static enum rm_kind cur_kind;

static void count_ret(int ret)
{
	unsigned int i;

	for (i = 0; i < RM_NR_RETS; i++)
		if (ret == ret_col[i])
			rm_ctx.coverage[cur_kind][i]++;
}

static void expect_ret(int got, int want)
{
	count_ret(got);
	if (got != want)
		rm_mismatch("returned %d, the model says %d", got, want);
}

/**
 * rm_print_coverage() - how often each kind of operation returned what,
 * over the whole run, as a table on stdout.
 */
void rm_print_coverage(void)
{

	int k, r;

	printf("%-16s", "returned");
	for (r = 0; r < RM_NR_RETS; r++)
		printf(" %8s", ret_name[r]);
	printf("\n");
	for (k = 0; k < RM_NR_KINDS; k++) {
		printf("%-16s", rm_kind_name[k]);
		for (r = 0; r < RM_NR_RETS; r++)
			printf(" %8llu", rm_ctx.coverage[k][r]);
		printf("\n");
	}
}

/**
 * rm_print_run_ends() - where the runs of the successful guest calls
 * ended, over the whole run, on stdout.
 */
void rm_print_run_ends(void)
{
	static const char *const name[RM_NR_ENDS] = {
		"as asked", "512 pages", "region end", "hole", "pfn jump",
	};
	int e;

	printf("guest runs ended:");
	for (e = 0; e < RM_NR_ENDS; e++)
		printf(" %s %llu%s", name[e], rm_ctx.run_ends[e],
		       e + 1 < RM_NR_ENDS ? "," : "\n");
}

/* ---- A failed call changes nothing --------------------------------------- */

/*
 * A failed call must change nothing: the backend saw no descriptor write
 * (every write goes through it, so no stage-2 changed), no TLBI and no
 * scrub; the table pages and every counter but the fault statistics are
 * the same (harness_counters_same()). Every rm_ctx.dump_every operations
 * the host's stage-2 and that of the VM the call names are also compared
 * run by run (hashed): dumping them for every failure would triple the
 * reference test's run time.
 */
struct quiet {
	bool armed;
	bool dump;
	int vm;
	u64 host, vm_hash;
	struct harness_counters c;
};

static struct quiet quiet;

static void hash_run(const struct s2o_run *r, void *arg)
{
	u64 *h = arg, f[6] = { r->start, r->end, r->level, r->kind, r->attrs,
			       r->owner };
	unsigned int i;

	for (i = 0; i < 6; i++)
		*h = (*h ^ f[i]) * 0x100000001b3ULL;
}

static void quiet_take(struct quiet *q)
{
	harness_counters_take(&q->c);
	if (!q->dump)
		return;
	q->host = 0xcbf29ce484222325ULL;
	if (s2o_dump(0, hash_run, &q->host))
		rm_mismatch("the host stage-2 cannot be dumped");
	q->vm_hash = 0xcbf29ce484222325ULL;
	if (q->vm < 1 || q->vm > S2O_MAX_VMS ||
	    s2o_dump(q->vm, hash_run, &q->vm_hash))
		q->vm_hash = 0;
}

/* Before a call the model says fails (@want), or that may hit -ENOMEM. */
static void quiet_begin(int want, int vm, bool may_enomem)
{
	quiet.armed = want != 0 || may_enomem;
	quiet.dump = rm_ctx.dump_every &&
		     rm_ctx.opno % rm_ctx.dump_every == 0;
	quiet.vm = vm;
	if (quiet.armed)
		quiet_take(&quiet);
}

/* After the call: if it @failed, nothing may have changed. */
static void quiet_end(bool failed)
{
	struct quiet now = { .vm = quiet.vm, .dump = quiet.dump };
	char msg[CHECK_MSG_LEN];

	if (!quiet.armed)
		return;
	quiet.armed = false;
	if (!failed)
		return;
	quiet_take(&now);
	if (quiet.dump && now.host != quiet.host)
		rm_mismatch("failed, yet the host stage-2 changed");
	if (quiet.dump && now.vm_hash != quiet.vm_hash)
		rm_mismatch("failed, yet VM %d's stage-2 changed", quiet.vm);
	if (!harness_counters_same(&quiet.c, &now.c, msg))
		rm_mismatch("failed, yet %s", msg);
}

/* ---- Page contents ------------------------------------------------------- */

static u64 marker_value(u64 pfn)
{
	u64 x = rm_ctx.salt ^ (pfn * 0x2545f4914f6cdd1dULL) ^ rm_ctx.rng;

	return rng_next(&x) | 1;
}

static u64 *marker_ptr(u64 pfn)
{
	return (u64 *)fake_phys_va(pfn << 12) + (pfn & 511);
}

/**
 * rm_page_write() - whoever may write page @pfn (in the window) writes a
 * word into it, at an offset of its own; the model remembers the word.
 * @pfn: a RAM page of the window.
 *
 * rm_check_markers() then finds any page whose contents changed behind
 * the model's back, and a reclaim finds the word gone.
 */
void rm_page_write(u64 pfn)
{
	int w = rm_win_idx(pfn);

	rm.marker[w] = marker_value(pfn);
	*marker_ptr(pfn) = rm.marker[w];
}

/**
 * rm_check_markers() - every RAM page of the window that was written holds
 * the word the model says: only a reclaim may clear one.
 *
 * Pages nobody wrote (the model says 0) are skipped: the core writes into
 * data pages only to zero them, and reading an untouched page of the
 * fake's arena costs a page fault, which the fuzzer would pay for every
 * page of the window on every input.
 */
void rm_check_markers(void)
{
	int i;

	for (i = 0; i < RM_WIN; i++) {
		u64 pfn = rm_win_pfn(i);

		if (rm_region_kind(pfn) != RM_HOST || !rm.marker[i])
			continue;
		if (*marker_ptr(pfn) != rm.marker[i])
			rm_mismatch("data of page %#llx is %#llx, the model "
				    "says %#llx", (unsigned long long)pfn,
				    (unsigned long long)*marker_ptr(pfn),
				    (unsigned long long)rm.marker[i]);
	}
}

static void check_zeroed(u64 pfn, u64 nr)
{
	u64 i;

	for (i = 0; i < nr; i++) {
		long at = page_first_nonzero(pfn + i);

		if (at >= 0)
			rm_mismatch("reclaimed page %#llx not zeroed at %#lx",
				    (unsigned long long)(pfn + i),
				    (unsigned long)at);
	}
}

/* ---- States -------------------------------------------------------------- */

/**
 * rm_check_page() - page @pfn, as s2o_page_query() reports it, is in the
 * model's state (outside the window: the state boot left it in).
 * @pfn: a page frame.
 */
void rm_check_page(u64 pfn)
{
	enum rm_state st = rm_mstate(pfn);
	char got_s[RM_INFO_LEN], want_s[RM_INFO_LEN];
	struct s2o_page_info got, want;
	int ret = s2o_page_query(pfn, &got);
	int w = rm_win_idx(pfn), vm = w >= 0 ? rm.vm[w] : 0;

	if (st == RM_MMIO) {
		if (ret != -S2OWN_EINVAL)
			rm_mismatch("query of MMIO page %#llx returned %d",
				    (unsigned long long)pfn, ret);
		return;
	}
	if (ret)
		rm_mismatch("query of page %#llx returned %d",
			    (unsigned long long)pfn, ret);
	if (rm_info_is(&got, st, vm, rm_vm_live(vm)))
		return;
	want = rm_want_info(st, vm, rm_vm_live(vm));
	rm_mismatch("page %#llx: %s; the model says %s (%s)",
		    (unsigned long long)pfn, rm_info_str(&got, got_s),
		    rm_state_name[st], rm_info_str(&want, want_s));
}

/**
 * rm_check_window() - every page of the window is in the model's state.
 */
void rm_check_window(void)
{
	int i;

	for (i = 0; i < RM_WIN; i++)
		rm_check_page(rm_win_pfn(i));
}

/* ---- What the MMUs translate --------------------------------------------- */

/* Normal write-back memory for RAM; Device-nGnRE and XN for MMIO. */
static void check_host_desc(u64 ipa, const struct fake_translation *tr)
{
	bool mmio = rm_region_kind(ipa >> 12) == RM_MMIO;
	u64 memattr = (tr->desc >> 2) & 0xf;

	if (tr->pa != ipa)
		rm_mismatch("host translates %#llx to %#llx",
			    (unsigned long long)ipa,
			    (unsigned long long)tr->pa);
	if (memattr != (mmio ? 1 : 0xf) ||
	    !!(tr->desc & (1ULL << 54)) != mmio)
		rm_mismatch("host maps %#llx with descriptor %#llx",
			    (unsigned long long)ipa,
			    (unsigned long long)tr->desc);
}

/**
 * rm_probe_host() - CPU @cpu's MMU translates @ipa for the host, from its
 * TLB or the tables; if it does, the page must be one the model says the
 * host may access (a stale TLB entry shows here), mapped as it should be.
 * @cpu: 0..FAKE_NR_CPUS - 1.
 * @ipa: any address below 2^48.
 */
void rm_probe_host(unsigned int cpu, u64 ipa)
{
	struct fake_translation tr;
	enum rm_state s = rm_mstate(ipa >> 12);

	if (fake_hw_translate(cpu, s2o_host_vttbr(), ipa, &tr))
		return;
	if (!rm_host_may_access(s))
		rm_mismatch("cpu %u translates %#llx for the host (%s, level "
			    "%u%s)", cpu, (unsigned long long)ipa,
			    rm_state_name[s], tr.level,
			    tr.from_tlb ? ", from its TLB" : "");
	check_host_desc(ipa, &tr);
}

static void probe_host_all_cpus(u64 pfn)
{
	unsigned int cpu;

	for (cpu = 0; cpu < FAKE_NR_CPUS; cpu++)
		rm_probe_host(cpu, (pfn << 12) + 8 * rm_rnd(512));
}

/**
 * rm_probe_guest() - VM @h translates exactly what the model maps for it.
 * @cpu: 0..FAKE_NR_CPUS - 1.
 * @h: a handle of a live VM.
 * @gfn: a guest frame.
 */
void rm_probe_guest(unsigned int cpu, int h, u64 gfn)
{
	struct fake_translation tr;
	u64 want = rm_gmapped(h, gfn);
	int ret = fake_hw_translate(cpu, vm_vttbr(h), gfn << 12, &tr);

	if (!want && !ret)
		rm_mismatch("cpu %u translates unmapped gfn %#llx of VM %d to "
			    "%#llx%s", cpu, (unsigned long long)gfn, h,
			    (unsigned long long)tr.pa,
			    tr.from_tlb ? " from its TLB" : "");
	if (want && ret)
		rm_mismatch("VM %d does not map gfn %#llx (pfn %#llx)", h,
			    (unsigned long long)gfn,
			    (unsigned long long)(want - 1));
	if (want && tr.pa != (want - 1) << 12)
		rm_mismatch("VM %d maps gfn %#llx to %#llx, the model says "
			    "pfn %#llx", h, (unsigned long long)gfn,
			    (unsigned long long)tr.pa,
			    (unsigned long long)(want - 1));
}

/* VM @h maps the first and last of [@gfn, @gfn + @nr) as the model says. */
static void probe_guest_ends(int h, u64 gfn, u64 nr)
{
	rm_probe_guest((unsigned int)rm_rnd(FAKE_NR_CPUS), h, gfn);
	rm_probe_guest((unsigned int)rm_rnd(FAKE_NR_CPUS), h, gfn + nr - 1);
}

static void after_donation(u64 pfn, u64 nr)
{
	/* No CPU may still reach a page the host gave away. */
	probe_host_all_cpus(pfn);
	probe_host_all_cpus(pfn + nr - 1);
	probe_host_all_cpus(pfn + rm_rnd(nr));
}

/* ---- Operations ---------------------------------------------------------- */

/**
 * rm_describe() - @op as a line of a trace.
 * @op: the operation.
 * @buf: where to write it.
 * @size: size of @buf.
 */
void rm_describe(const struct rm_op *op, char *buf, size_t size)
{
	const char *pre = giving_back ? "give back: " : "";
	unsigned long long pfn = op->pfn, nr = op->nr, gfn = op->gfn;

	switch (op->kind) {
	case RM_FAULT:
		snprintf(buf, size, "%shost %s%s fault(%#llx) on cpu %u", pre,
			 op->access & S2O_FAULT_EXEC ? "fetch" :
			 op->access & S2O_FAULT_WRITE ? "write" : "read",
			 op->access & S2O_FAULT_PERM ? " permission" : "",
			 (unsigned long long)op->ipa, op->cpu);
		break;
	case RM_SHARE:
	case RM_UNSHARE:
	case RM_DONATE_HYP:
	case RM_GIVE_BACK:
	case RM_RECLAIM:
		snprintf(buf, size, "%s%s(pfn %#llx, nr %#llx)", pre,
			 rm_kind_name[op->kind], pfn, nr);
		break;
	case RM_DONATE_GUEST:
		snprintf(buf, size, "%sdonate_guest(vm %d, pfn %#llx, gfn "
			 "%#llx, nr %#llx)", pre, op->vm, pfn, gfn, nr);
		break;
	case RM_GUEST_SHARE:
	case RM_GUEST_UNSHARE:
	case RM_RELINQUISH:
		snprintf(buf, size, "%s%s(vm %d, gfn %#llx, nr %#llx)", pre,
			 rm_kind_name[op->kind], op->vm, gfn, nr);
		break;
	case RM_VCPU_CREATE:
		snprintf(buf, size, "%svcpu_create(vm %d, pfn %#llx)", pre,
			 op->vm, pfn);
		break;
	case RM_TOPUP:
		snprintf(buf, size, "%svm_topup(vm %d, pfn %#llx, nr %#llx)",
			 pre, op->vm, pfn, nr);
		break;
	case RM_CREATE:
		snprintf(buf, size, "%svm_create()", pre);
		break;
	case RM_DESTROY:
		snprintf(buf, size, "%svm_destroy(%d)", pre, op->vm);
		break;
	default:
		snprintf(buf, size, "operation %d?", op->kind);
		break;
	}
}

/*
 * Make @op's call and check its return code against @want, and the pages
 * it says it changed against @want_done (a success's; a failure did none).
 * A vCPU's index must be the model's next one; it counts as 0. A failure
 * must have changed nothing (checked against a snapshot of VM @vm and the
 * host). -ENOMEM in place of a success is accepted when rm_ctx.allow_enomem
 * is set: the model cannot know the pool, only that the call changed
 * nothing. The fault path is the exception there: before giving up it
 * frees idle tables, which changes the host stage-2 but no page's owner.
 * And where the host reserve covers it (rm_ctx.host_reserve), it may not
 * give up at all.
 */
static int checked_call(const struct rm_op *op, int want, u64 want_done,
			int vm)
{
	bool reserved = rm_ctx.host_reserve && op->kind == RM_FAULT &&
			op->ipa < (1ULL << 39);
	bool enomem_ok = rm_ctx.allow_enomem && !want && !reserved;
	u64 done;
	int got;

	quiet_begin(want, vm, enomem_ok && op->kind != RM_FAULT);
	got = rm_core_call(op, &done);
	if (op->kind == RM_VCPU_CREATE && got >= 0) {
		if (got != rm.nvcpus[op->vm])
			rm_mismatch("vCPU index %d, the model says %u", got,
				    rm.nvcpus[op->vm]);
		got = 0;
	}
	if (got && done)
		rm_mismatch("returned %d, yet says it did %llu pages", got,
			    (unsigned long long)done);
	if (got == -S2OWN_ENOMEM && enomem_ok) {
		count_ret(got);
		rm_ctx.nr_enomem++;
		quiet_end(true);
		return got;
	}
	expect_ret(got, want);
	if (!got && done != want_done)
		rm_mismatch("did %llu pages, the model says %llu",
			    (unsigned long long)done,
			    (unsigned long long)want_done);
	quiet_end(got != 0);
	return got;
}

/* The VM whose stage-2 @op may change, besides the host's. */
static int op_vm(const struct rm_op *op)
{
	return op->kind == RM_DONATE_GUEST || rm_guest_call(op->kind) ||
	       op->kind == RM_VCPU_CREATE || op->kind == RM_DESTROY ? op->vm :
								       0;
}

/*
 * A host fault refused on a page the host may not access: no CPU of the
 * host translates the address. (A fetch refused on MMIO the host may read
 * is another matter: the mapping stays, execute-never.)
 */
static void check_refused(const struct rm_op *op)
{
	struct fake_translation tr;

	if (op->kind == RM_FAULT && !(op->ipa >> 48) &&
	    !rm_host_may_access(rm_mstate(op->ipa >> 12)) &&
	    !fake_hw_translate(op->cpu, s2o_host_vttbr(), op->ipa, &tr))
		rm_mismatch("refused, yet cpu %u translates it", op->cpu);
}

/*
 * What a success must show besides the pages' states. A guest call acted
 * on the @n pages from @pfn, the run that the model found before it.
 */
static void check_success(const struct rm_op *op, u64 pfn, u64 n)
{
	struct fake_translation tr;
	unsigned int cpu;
	u64 i;

	switch (op->kind) {
	case RM_FAULT:
		/* The access the host retries; it fills this CPU's TLB. */
		if (fake_hw_translate(op->cpu, s2o_host_vttbr(), op->ipa, &tr))
			rm_mismatch("mapped, yet cpu %u faults", op->cpu);
		check_host_desc(op->ipa, &tr);
		break;
	case RM_DONATE_HYP:
		after_donation(op->pfn, op->nr);
		break;
	case RM_DONATE_GUEST:
		after_donation(op->pfn, op->nr);
		probe_guest_ends(op->vm, op->gfn, op->nr);
		break;
	case RM_GUEST_UNSHARE:
		/* The host lost them: no CPU may reach them any more. */
		after_donation(pfn, n);
		probe_guest_ends(op->vm, op->gfn, n);
		break;
	case RM_GUEST_SHARE:
		/* Shared, the guest keeps them mapped. */
		probe_guest_ends(op->vm, op->gfn, n);
		break;
	case RM_RELINQUISH:
		/* Both ends must be gone from every CPU's view of the guest. */
		for (cpu = 0; cpu < FAKE_NR_CPUS; cpu++) {
			rm_probe_guest(cpu, op->vm, op->gfn);
			rm_probe_guest(cpu, op->vm, op->gfn + n - 1);
		}
		break;
	case RM_VCPU_CREATE:
		after_donation(op->pfn, 1);
		check_zeroed(op->pfn, 1);
		break;
	case RM_TOPUP:
		after_donation(op->pfn, op->nr);
		break;
	case RM_RECLAIM:
		check_zeroed(op->pfn, op->nr);
		for (i = 0; i < op->nr; i++)
			rm_page_write(op->pfn + i);
		break;
	default:
		break;
	}
}

/* vm_create: the handle is the core's choice, among the free slots. */
static int apply_create(const struct rm_op *op)
{
	bool any_free = !rm_expect(op);
	int h;

	u64 done;

	quiet_begin(any_free ? 0 : -S2OWN_EBUSY, 0,
		    any_free && rm_ctx.allow_enomem);
	h = rm_core_call(op, &done);
	if (!any_free) {
		expect_ret(h, -S2OWN_EBUSY);
		quiet_end(true);
		return h;
	}
	if (h == -S2OWN_ENOMEM && rm_ctx.allow_enomem) {
		count_ret(h);
		rm_ctx.nr_enomem++;
		quiet_end(true);
		return h;
	}
	count_ret(0);
	quiet_end(false);
	if (h < 1 || h > S2O_MAX_VMS || rm.vstate[h] != RM_VM_FREE)
		rm_mismatch("returned %d, the model has a free slot", h);
	rm_commit(op, h);
	return h;
}

/**
 * rm_apply() - run @op on the tracker and check it against the model.
 * @op: the operation; its pages and gfns must be inside what the model
 *      tracks unless the model says the call fails.
 *
 * Checks the return code (-ENOMEM only as rm_ctx.allow_enomem permits),
 * the pages a guest call says it did (the model's run), that a failed call
 * changed nothing, and after a success what the MMUs translate: the host
 * no longer reaches pages it gave away or a guest took back (on every
 * CPU), a guest reaches exactly what it was given, a reclaimed or vCPU
 * page reads zero. The caller checks the window's states
 * (rm_check_window()) when it likes.
 *
 * Return: what the tracker returned (for vm_create the handle, for
 * vcpu_create 0 once its index is checked); the model has applied the
 * change if and only if that is a success.
 */
int rm_apply(const struct rm_op *op)
{
	u64 pfn = 0, n = 0;
	int want, got;

	rm_describe(op, rm_ctx.desc, sizeof(rm_ctx.desc));
	cur_kind = op->kind;
	if (op->kind == RM_CREATE)
		return apply_create(op);
	want = rm_expect(op);
	if (!want)
		n = rm_expect_done(op, &pfn);
	got = checked_call(op, want, n, op_vm(op));
	if (got) {
		check_refused(op);
		return got;
	}
	if (rm_guest_call(op->kind))
		rm_ctx.run_ends[run_end(op->vm, op->gfn, op->nr, pfn, n)]++;
	rm_commit(op, got);
	check_success(op, pfn, n);
	return 0;
}

/* ---- Giving everything back ---------------------------------------------- */

/* Whether window page @w is one that @kind gives back to the host. */
static bool given_back_by(int w, enum rm_kind kind)
{
	return rm_give_back_kind(rm.st[w], rm_vm_live(rm.vm[w])) == kind;
}

/*
 * Maximal runs of window pages that @kind gives back to the host, each
 * handed back in one call. Returns -ENOMEM if one of them hit it
 * (rm_ctx.allow_enomem).
 */
static int give_back_runs(enum rm_kind kind)
{
	int i = 0, ret = 0;

	while (i < RM_WIN) {
		struct rm_op op = { .kind = kind, .pfn = rm_win_pfn(i),
				    .nr = 1 };
		int want;

		if (!given_back_by(i, kind)) {
			i++;
			continue;
		}
		while (i + (int)op.nr < RM_WIN &&
		       rm_win_pfn(i + (int)op.nr) == op.pfn + op.nr &&
		       op.pfn + op.nr < region_end(op.pfn) &&
		       given_back_by(i + (int)op.nr, kind))
			op.nr++;
		rm_describe(&op, rm_ctx.desc, sizeof(rm_ctx.desc));
		want = rm_expect(&op);
		if (want)
			rm_mismatch("the model refuses: %d", want);
		if (rm_apply(&op) == -S2OWN_ENOMEM)
			ret = -S2OWN_ENOMEM;
		i += (int)op.nr;
	}
	return ret;
}

/**
 * rm_give_everything_back() - destroy every VM, reclaim every guest page,
 * take back every page donated to or shared with the hypervisor, each
 * checked as by rm_apply(); then the model must be at its boot state, the
 * tracker agree, and every VM slot be free again.
 *
 * Return: 0, or -ENOMEM if a give-back ran out of table pages (allowed by
 * rm_ctx.allow_enomem), in which case the final checks are skipped.
 */
int rm_give_everything_back(void)
{
	int h, i, ret = 0;

	giving_back = true;
	for (h = 1; h <= S2O_MAX_VMS; h++) {
		struct rm_op op = { .kind = RM_DESTROY, .vm = h };

		if (rm.vstate[h] != RM_VM_LIVE)
			continue;
		if (rm_apply(&op))
			rm_mismatch("the model's live VM %d is not", h);
	}
	ret |= give_back_runs(RM_RECLAIM);
	ret |= give_back_runs(RM_GIVE_BACK);
	ret |= give_back_runs(RM_UNSHARE);
	giving_back = false;
	if (ret)
		return -S2OWN_ENOMEM;
	snprintf(rm_ctx.desc, sizeof(rm_ctx.desc),
		 "after giving everything back");
	for (i = 0; i < RM_WIN; i++)
		if (rm.st[i] != rm_region_kind(rm_win_pfn(i)))
			rm_mismatch("model page %#llx still %s",
				    (unsigned long long)rm_win_pfn(i),
				    rm_state_name[rm.st[i]]);
	for (h = 1; h <= S2O_MAX_VMS; h++)
		if (rm.vstate[h] != RM_VM_FREE)
			rm_mismatch("model VM %d not free", h);
	rm_check_window();
	for (h = 1; h <= S2O_MAX_VMS; h++)
		if (s2o_vm_slots[h].state != S2O_VM_FREE)
			rm_mismatch("VM slot %d still taken (state %u, %llu "
				    "pages)", h, s2o_vm_slots[h].state,
				    (unsigned long long)
					    s2o_vm_slots[h].nr_pages);
	return 0;
}
