// SPDX-License-Identifier: GPL-2.0-only
/*
 * HVC dispatch: the host's hypercalls (abi/s2own_abi.h, docs/hypercalls.md).
 *
 * Every transition goes straight to the ownership core, which validates the
 * whole range before changing anything. The dump call is the only one that
 * writes host memory, and only pages the host shared with the hypervisor:
 * it checks each of them with s2o_page_query() and holds shared_buf_lock
 * while writing, a lock the unshare call takes too, so a page cannot stop
 * being shared half-way through a dump. Lock order: shared_buf_lock, then
 * whatever the core takes.
 *
 * Every call into the core runs between hyp_core_enter() and
 * hyp_core_exit(), so that the checker can hold all of them off
 * (quiesce.c); a guest's run does not (the checker never waits for one):
 * VM_CREATE, VCPU_CREATE and VCPU_RUN bracket only their core calls.
 */
#include "hyp.h"
#include "trace.h"
#include "vcpu.h"
#include "../abi/s2own_abi.h"
#include "../ownership/s2own.h"

/* Largest dump buffer accepted: bounds the time spent checking pages. */
#define DUMP_MAX_BYTES		(16UL << 20)

static hyp_spinlock_t shared_buf_lock;

/* Page @pfn is the host's, shared with the hypervisor (dumps, traces). */
bool hyp_host_shared_with_hyp(u64 pfn)
{
	struct s2o_page_info info;

	return !s2o_page_query(pfn, &info) &&
	       info.owner == S2O_OWNER_HOST &&
	       info.host == S2O_PAGE_SHARED_OWNED &&
	       info.hyp == S2O_PAGE_SHARED_BORROWED;
}

struct dump_ctx {
	struct s2own_dump_run *runs;
	u64 room;		/* records that fit */
	u64 total;		/* records visited */
};

static void dump_one(const struct s2o_run *run, void *arg)
{
	struct dump_ctx *ctx = arg;
	struct s2own_dump_run *r;

	if (ctx->total < ctx->room) {
		r = &ctx->runs[ctx->total];
		r->start = run->start;
		r->end = run->end;
		r->attrs = run->attrs;
		r->nr_entries = run->nr_entries;
		r->level = run->level;
		r->kind = run->kind;
		r->owner = run->owner;
		r->reserved = 0;
	}
	ctx->total++;
}

/**
 * hyp_handle_arg() - a VM handle from a register.
 * @x: the register.
 *
 * Return: @x, or -1 (no VM) for anything an int cannot hold.
 */
int hyp_handle_arg(u64 x)
{
	return x > 0x7fffffffUL ? -1 : (int)x;
}

static int hc_dump(u64 pa, u64 size, u64 handle, u64 *nr_runs, u64 *total)
{
	struct s2own_dump_header *hdr = (struct s2own_dump_header *)pa;
	struct dump_ctx ctx;
	int ret = 0;

	if (size < sizeof(*hdr) || size > DUMP_MAX_BYTES ||
	    !S2O_ALIGNED(pa, 8) || pa + size < pa)
		return -S2OWN_EINVAL;
	hyp_spin_lock(&shared_buf_lock);
	for (u64 pfn = pa >> S2O_PAGE_SHIFT;
	     pfn <= (pa + size - 1) >> S2O_PAGE_SHIFT; pfn++) {
		if (!hyp_host_shared_with_hyp(pfn)) {
			ret = -S2OWN_EPERM;
			goto out;
		}
	}
	ctx.runs = (struct s2own_dump_run *)(hdr + 1);
	ctx.room = (size - sizeof(*hdr)) / sizeof(struct s2own_dump_run);
	ctx.total = 0;
	ret = s2o_dump(hyp_handle_arg(handle), dump_one, &ctx);
	if (ret)
		goto out;
	s2o_get_stats(&hdr->stats);
	hdr->magic = S2OWN_DUMP_MAGIC;
	hdr->version = S2OWN_DUMP_VERSION;
	hdr->header_size = sizeof(*hdr);
	hdr->run_size = sizeof(struct s2own_dump_run);
	hdr->handle = (int32_t)handle;
	hdr->nr_runs = S2O_MIN(ctx.total, ctx.room);
	hdr->total_runs = ctx.total;
	*nr_runs = hdr->nr_runs;
	*total = ctx.total;
out:
	hyp_spin_unlock(&shared_buf_lock);
	return ret;
}

static u64 pack_query(const struct s2o_page_info *info)
{
	return (u64)info->owner | (u64)info->host << 8 |
	       (u64)info->hyp << 16 | (u64)info->guest << 24 |
	       (u64)(info->reclaimable ? 1 : 0) << 32;
}

/*
 * S2OWN_HC_CHECK: the invariant checker, on a core nobody else is in. The
 * first inconsistency goes to the console in words, and to the host as
 * its address and VM.
 */
static void hc_check(u64 *x)
{
	struct s2o_violation v;
	int ret;

	hyp_quiesce_begin();
	ret = s2o_check_invariants(&v);
	hyp_quiesce_end();
	if (ret)
		hyp_info("invariant violated: %s at %lx (vm %d): expected %lx, found %lx\n",
			 v.what, v.addr, v.vm, v.expected, v.found);
	x[0] = S2OWN_RET_SUCCESS;
	x[1] = (u64)(s64)ret;
	x[2] = ret ? v.addr : 0;
	x[3] = ret ? (u64)(s64)v.vm : 0;
}

/* The calls hvc_dispatch() serves, by their number in the 64-bit block. */
#define HVC_BIT(id)	(1UL << ((id) & 0x3f))
#define HVC_IN_CORE							\
	(HVC_BIT(S2OWN_HC_HOST_SHARE_HYP) |				\
	 HVC_BIT(S2OWN_HC_HOST_UNSHARE_HYP) |				\
	 HVC_BIT(S2OWN_HC_HOST_DONATE_HYP) |				\
	 HVC_BIT(S2OWN_HC_HYP_DONATE_HOST) |				\
	 HVC_BIT(S2OWN_HC_VM_DESTROY) |					\
	 HVC_BIT(S2OWN_HC_VM_TOPUP) |					\
	 HVC_BIT(S2OWN_HC_HOST_DONATE_GUEST) |				\
	 HVC_BIT(S2OWN_HC_HOST_RECLAIM_GUEST) |				\
	 HVC_BIT(S2OWN_HC_DUMP) |					\
	 HVC_BIT(S2OWN_HC_PAGE_QUERY) |					\
	 HVC_BIT(S2OWN_HC_TRACE_BUFFER) |				\
	 HVC_BIT(S2OWN_HC_TRACE_ENABLE))
_Static_assert((S2OWN_HC_TRACE_ENABLE & ~0x3fUL) == S2OWN_HC64(0),
	       "HVC_IN_CORE covers ids 0..0x3f of the block");

/*
 * Every call that goes into the core (each one in HVC_IN_CORE too); false
 * for an unknown id.
 */
static bool hvc_dispatch(u64 *x, s64 *ret, u64 *a, u64 *b)
{
	switch (x[0]) {
	case S2OWN_HC_HOST_SHARE_HYP:
		*ret = s2o_host_share_hyp(x[1], x[2]);
		break;
	case S2OWN_HC_HOST_UNSHARE_HYP:
		/* Not while a dump may be writing to these pages. */
		hyp_spin_lock(&shared_buf_lock);
		/* Nor a trace buffer, ever again (trace.c). */
		hyp_trace_release(x[1], x[2]);
		*ret = s2o_host_unshare_hyp(x[1], x[2]);
		hyp_spin_unlock(&shared_buf_lock);
		break;
	case S2OWN_HC_HOST_DONATE_HYP:
		*ret = s2o_host_donate_hyp(x[1], x[2]);
		break;
	case S2OWN_HC_HYP_DONATE_HOST:
		*ret = s2o_hyp_donate_host(x[1], x[2]);
		break;
	case S2OWN_HC_VM_DESTROY:
		*ret = s2o_vm_destroy(hyp_handle_arg(x[1]));
		break;
	case S2OWN_HC_VM_TOPUP:
		*ret = s2o_vm_topup(hyp_handle_arg(x[1]), x[2], x[3]);
		break;
	case S2OWN_HC_HOST_DONATE_GUEST:
		*ret = s2o_host_donate_guest(hyp_handle_arg(x[1]), x[2], x[3],
					     x[4]);
		break;
	case S2OWN_HC_HOST_RECLAIM_GUEST:
		*ret = s2o_host_reclaim_guest(x[1], x[2]);
		break;
	case S2OWN_HC_DUMP:
		*ret = hc_dump(x[1], x[2], x[3], a, b);
		break;
	case S2OWN_HC_TRACE_BUFFER:
		/* Its pages stay shared while it is set up (trace.c). */
		hyp_spin_lock(&shared_buf_lock);
		*ret = hyp_trace_buffer(x[1], x[2], a, b);
		hyp_spin_unlock(&shared_buf_lock);
		break;
	case S2OWN_HC_TRACE_ENABLE:
		*ret = hyp_trace_enable(x[1], a);
		break;
	case S2OWN_HC_PAGE_QUERY: {
		struct s2o_page_info info;

		*ret = s2o_page_query(x[1], &info);
		if (!*ret) {
			*a = pack_query(&info);
			*b = (u64)info.vm;
		}
		break;
	}
	default:
		return false;
	}
	return true;
}

/**
 * hyp_hvc_handle() - run the hypercall in the host's x0.
 * @regs: host registers; results go back in x0..x3, the rest untouched
 *
 * As pKVM does: x0 is the SMCCC status (0, or NOT_SUPPORTED for an id we
 * do not know), x1 the call's result (0, a handle, or -errno), outputs
 * from x2 on. So -EPERM never reads as NOT_SUPPORTED.
 */
void hyp_hvc_handle(struct hyp_regs *regs)
{
	u64 *x = regs->x;
	u64 a = 0, b = 0;
	s64 ret = 0;
	bool known;

	switch (x[0]) {
	case S2OWN_HC_CALL_UID:
		x[0] = S2OWN_UID_W0;
		x[1] = S2OWN_UID_W1;
		x[2] = S2OWN_UID_W2;
		x[3] = S2OWN_UID_W3;
		return;
	case S2OWN_HC_REVISION:
		x[0] = S2OWN_REVISION_MAJOR;
		x[1] = S2OWN_REVISION_MINOR;
		return;
	case S2OWN_HC_CHECK:
		hc_check(x);
		return;
	/* These bracket their own calls into the core (vcpu.c). */
	case S2OWN_HC_VM_CREATE:
		x[0] = S2OWN_RET_SUCCESS;
		hyp_vm_create(x);
		return;
	case S2OWN_HC_VCPU_CREATE:
		x[0] = S2OWN_RET_SUCCESS;
		hyp_vcpu_create(x);
		return;
	case S2OWN_HC_VCPU_RUN:
		x[0] = S2OWN_RET_SUCCESS;
		hyp_vcpu_run(x);
		return;
	}
	/* An id hvc_dispatch() does not serve never enters the core. */
	known = (x[0] & ~0x3fUL) == S2OWN_HC64(0) &&
		(HVC_IN_CORE >> (x[0] & 0x3f) & 1);
	if (known) {
		hyp_core_enter();
		known = hvc_dispatch(x, &ret, &a, &b);
		hyp_core_exit();
	}
	if (!known) {
		x[0] = (u64)(s64)S2OWN_RET_NOT_SUPPORTED;
		return;
	}
	x[0] = S2OWN_RET_SUCCESS;
	x[1] = (u64)ret;
	x[2] = a;
	x[3] = b;
}
