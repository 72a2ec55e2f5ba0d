// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypercall fuzzer: one kthread per online CPU issues random
 * hypercalls, as a hostile host would, until the total reaches the number
 * asked for; between calls each thread reads memory. The hypervisor must
 * not crash or hang, its invariant checker (S2OWN_HC_CHECK) must pass
 * every FUZZ_CHECK_EVERY calls and at the end, and no read may return a
 * page the host does not own.
 *
 * What a thread aims at:
 *  - its own 2 MiB of pages (one buddy chunk). Only this thread names them
 *    in a call, so it knows whose each page is: a page model with four
 *    states (host, shared with the hypervisor, the hypervisor's, a
 *    guest's), changed only by this thread's successful calls. Other
 *    threads' calls can move its guest pages between guest states (a
 *    handle of theirs that now names this thread's VM), never out of them.
 *  - addresses every call must refuse: the hypervisor's carve-out, MMIO
 *    and holes below and above RAM, pfns beyond the 48-bit IPA space,
 *    empty, overflowing and RAM-crossing ranges, gfns beyond the IPA
 *    space, handles outside 1..255, VM_CREATE's page pair and VM_TOPUP's
 *    pages where the host has none to give, and function ids the
 *    hypervisor does not have (which must say NOT_SUPPORTED).
 *  - VM handles of its own VMs, of VMs it destroyed (possibly reused by
 *    another thread by now), and any in 1..255.
 *  - the host's GUEST_RELINQUISH of ABI 1.x, retired: an unknown id now,
 *    aimed at ranges it donated; it must change nothing (the host may not
 *    take a live guest's pages).
 * It never names a pfn of Linux's other memory: a donation of a page the
 * kernel uses would crash the host, which proves nothing.
 *
 * Every call's result is checked against the model: a call that succeeds
 * on a page not in the state it requires, a success that must have been
 * refused, a page query that disagrees, a read of a page the host gave
 * away that does not fault, a read of its own page that does, or a
 * reclaimed page that is not zero count as unexpected. The first one is
 * kept in words.
 *
 * The run is synchronous: the debugfs write returns when it is over and
 * everything was given back (docs/debugfs.md, "fuzz"). Random sequences
 * come from the seed, one stream per thread; the interleaving of the
 * threads does not, so a seed replays each thread's calls, not the run.
 */
#include <linux/atomic.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "drv.h"
#include "hvc_test.h"
#include "s2own_dt.h"
#include "s2own_trace.h"

#define FUZZ_CHECK_EVERY	1000
#define FUZZ_POOL_ORDER		9
#define FUZZ_POOL_PAGES		(1U << FUZZ_POOL_ORDER)
#define FUZZ_VMS		4	/* live VMs a thread keeps */
#define FUZZ_STALE		8	/* destroyed handles it remembers */
#define FUZZ_DONATIONS		8	/* donations it remembers */
#define FUZZ_FLOOD_EVERY	20000	/* calls between floods */
#define FUZZ_FLOOD_SPARSE	64	/* single pages a flood donates to EL2 */
#define FUZZ_FLOOD_TOPUPS	4	/* topups a dry flood's donation gets */
#define FUZZ_PATTERN		0x5a

/* 2^36 pfns: the hypervisor's 48-bit IPA space. */
#define IPA_PFNS		(1ULL << 36)

enum fuzz_page {
	PG_HOST,
	PG_SHARED,
	PG_HYP,
	PG_GUEST,
};

enum fuzz_op {
	OP_SHARE,
	OP_UNSHARE,
	OP_DONATE_HYP,
	OP_HYP_DONATE_HOST,
	OP_VM_CREATE,
	OP_VM_DESTROY,
	OP_DONATE_GUEST,
	OP_RECLAIM,
	OP_DUMP,
	OP_QUERY,
	OP_UNKNOWN_ID,
	OP_TRACE_BUFFER,
	OP_TRACE_ENABLE,
	OP_VM_TOPUP,
	NR_OPS
};

/*
 * Relative frequencies: transitions most, VM churn and oddities less. A
 * guest's pages come back only once its VM is destroyed: VMs go often.
 */
static const unsigned int op_weight[NR_OPS] = {
	[OP_SHARE] = 8, [OP_UNSHARE] = 8, [OP_DONATE_HYP] = 8,
	[OP_HYP_DONATE_HOST] = 8, [OP_VM_CREATE] = 3, [OP_VM_DESTROY] = 4,
	[OP_DONATE_GUEST] = 14, [OP_RECLAIM] = 12, [OP_DUMP] = 3,
	[OP_QUERY] = 8, [OP_UNKNOWN_ID] = 7, [OP_TRACE_BUFFER] = 2,
	[OP_TRACE_ENABLE] = 2, [OP_VM_TOPUP] = 2,
};

static const char *const op_names[NR_OPS] = {
	"share_hyp", "unshare_hyp", "donate_hyp", "hyp_donate_host",
	"vm_create", "vm_destroy", "donate_guest", "reclaim_guest", "dump",
	"page_query", "unknown_id", "trace_buffer", "trace_enable",
	"vm_topup",
};

/* A pfn-range transition: its id, and the page states it goes between. */
static const struct {
	u32 id;
	enum fuzz_page from, to;
} range_ops[] = {
	[OP_SHARE] = { S2OWN_HC_HOST_SHARE_HYP, PG_HOST, PG_SHARED },
	[OP_UNSHARE] = { S2OWN_HC_HOST_UNSHARE_HYP, PG_SHARED, PG_HOST },
	[OP_DONATE_HYP] = { S2OWN_HC_HOST_DONATE_HYP, PG_HOST, PG_HYP },
	[OP_HYP_DONATE_HOST] = { S2OWN_HC_HYP_DONATE_HOST, PG_HYP, PG_HOST },
	[OP_DONATE_GUEST] = { S2OWN_HC_HOST_DONATE_GUEST, PG_HOST, PG_GUEST },
	[OP_RECLAIM] = { S2OWN_HC_HOST_RECLAIM_GUEST, PG_GUEST, PG_HOST },
};

/* The call that gives a page in each state back to the host. */
static const enum fuzz_op give_back[] = {
	[PG_HOST] = NR_OPS,
	[PG_SHARED] = OP_UNSHARE,
	[PG_HYP] = OP_HYP_DONATE_HOST,
	[PG_GUEST] = OP_RECLAIM,
};

struct fuzz_cpu {
	struct s2own_thread thread;	/* first: calls, unexpected */
	u64 rng;
	struct page *chunk;
	u64 base;		/* first pfn of the chunk */
	u8 state[FUZZ_POOL_PAGES];	/* enum fuzz_page */
	int vms[FUZZ_VMS];	/* 0: free slot */
	struct s2own_vm_pages vm_pages;	/* its VMs' own */
	int stale[FUZZ_STALE];
	unsigned int next_stale;
	struct {
		u64 vm, gfn, nr;
	} donations[FUZZ_DONATIONS];	/* for the retired id to aim at */
	unsigned int next_donation;
	u64 touches;
	u64 touches_refused;
	u64 floods;
	u64 floods_dry;		/* floods that ran a VM's cache dry */
};

static_assert(offsetof(struct fuzz_cpu, thread) == 0);

static DEFINE_MUTEX(fuzz_lock);
static atomic_t fuzz_active = ATOMIC_INIT(0);

/* The last run, for reads of the debugfs file; under fuzz_lock. */
static struct {
	u64 seed;
	u64 target;
	struct s2own_threads threads;	/* struct fuzz_cpu */
	atomic64_t calls;
	atomic64_t checks;
	atomic64_t check_failures;
	char check_first[160];
	atomic64_t results[S2OWN_NR_RES];
	atomic64_t func_results[NR_OPS][S2OWN_NR_RES];
	u64 cleanup_failures;
	bool setup_failed;
	bool stop;		/* an invariant check failed */
	bool done;
	/* What the threads aim at. */
	u64 ram_pfn, ram_end_pfn;	/* the /memory node */
	u64 hyp_pfn, hyp_end_pfn;	/* the carve-out */
	void *hyp_va;			/* the carve-out, mapped for reads */
} fz;

static u64 rnd(struct fuzz_cpu *c)
{
	/* splitmix64: one stream per thread, from the run's seed. */
	u64 z = (c->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static u64 below(struct fuzz_cpu *c, u64 n)
{
	return n ? rnd(c) % n : 0;
}

static struct fuzz_cpu *fuzz_cpu(unsigned int i)
{
	return container_of(s2own_thread_at(&fz.threads, i), struct fuzz_cpu,
			    thread);
}

static __printf(2, 3) void unexpected(struct fuzz_cpu *c, const char *fmt,
				      ...)
{
	struct va_format vaf;
	va_list ap;

	va_start(ap, fmt);
	vaf.fmt = fmt;
	vaf.va = &ap;
	if (s2own_thread_unexpected(&c->thread, "cpu%u call %llu: %pV",
				    c->thread.cpu, c->thread.calls, &vaf))
		pr_err("%s: fuzz: %s\n", S2OWN_NAME, c->thread.first);
	va_end(ap);
}

/* The invariant checker at EL2; a failure stops the run. */
static void run_check(const char *when)
{
	struct s2own_hvc_res res;
	long ret = s2own_hvc(S2OWN_HC_CHECK, 0, 0, 0, 0, &res);

	atomic64_inc(&fz.checks);
	if (!ret)
		return;
	if (atomic64_inc_return(&fz.check_failures) == 1)
		snprintf(fz.check_first, sizeof(fz.check_first),
			 "%s: %s at 0x%llx vm %lld (the hypervisor's console says what)",
			 when, s2own_errname(ret), res.out[0],
			 (long long)res.out[1]);
	WRITE_ONCE(fz.stop, true);
	pr_err("%s: fuzz: invariant check %s: %ld at 0x%llx vm %lld\n",
	       S2OWN_NAME, when, ret, res.out[0], (long long)res.out[1]);
}

/* A call made: counted by op and result; every FUZZ_CHECK_EVERY, a check. */
static long counted(struct fuzz_cpu *c, enum fuzz_op op, long ret)
{
	unsigned int cls = s2own_res_class(ret, op == OP_UNKNOWN_ID);

	c->thread.calls++;
	atomic64_inc(&fz.results[cls]);
	atomic64_inc(&fz.func_results[op][cls]);
	if (!(atomic64_inc_return(&fz.calls) % FUZZ_CHECK_EVERY))
		run_check("periodic");
	return ret;
}

static long call(struct fuzz_cpu *c, enum fuzz_op op, u32 id, u64 a1, u64 a2,
		 u64 a3, u64 a4, struct s2own_hvc_res *res)
{
	long ret = s2own_hvc(id, a1, a2, a3, a4, res);

	return counted(c, op, ret);
}

/* --- arguments ----------------------------------------------------------- */

/*
 * The first page at or after @idx (wrapping) in state @st, and how many
 * follow it in the same state, up to @max; false if no page is in @st.
 */
static bool find_run(struct fuzz_cpu *c, u64 *idx, u64 *nr, u64 max,
		     enum fuzz_page st)
{
	u64 i, n;

	for (i = 0; i < FUZZ_POOL_PAGES; i++) {
		u64 j = (*idx + i) % FUZZ_POOL_PAGES;

		if (c->state[j] != st)
			continue;
		for (n = 1; n < max && j + n < FUZZ_POOL_PAGES &&
			    c->state[j + n] == st;
		     n++)
			;
		*idx = j;
		*nr = n;
		return true;
	}
	return false;
}

/*
 * A pfn range every call that takes pages from the host must refuse,
 * near page @idx of the thread's chunk; @r picks the kind.
 */
static void pick_bad_range(struct fuzz_cpu *c, u64 idx, u64 r, u64 *pfn,
			   u64 *nr)
{
	*pfn = c->base + idx;
	*nr = 1 + below(c, 8);
	switch (r % 10) {
	case 0:		/* empty */
		*nr = 0;
		break;
	case 1:		/* runs off the end of RAM */
		*nr = fz.ram_end_pfn - *pfn + 1 + below(c, 4);
		break;
	case 2:		/* huge, or wrapping around */
		*nr = (u64[]){ ~0ULL, 1ULL << 63, IPA_PFNS,
			       ~0ULL - *pfn + 1 }[below(c, 4)];
		break;
	case 3:		/* the hypervisor's own pages */
		*pfn = fz.hyp_pfn + below(c, fz.hyp_end_pfn - fz.hyp_pfn);
		break;
	case 4:		/* from the carve-out into Linux's RAM */
		*pfn = fz.hyp_end_pfn - 1;
		*nr = 2;
		break;
	case 5:		/* MMIO and holes below RAM */
		*pfn = below(c, fz.ram_pfn);
		break;
	case 6:		/* from below RAM into it */
		*pfn = fz.ram_pfn - 1;
		*nr = 2;
		break;
	case 7:		/* above RAM, inside the IPA space */
		*pfn = fz.ram_end_pfn + below(c, IPA_PFNS - fz.ram_end_pfn);
		break;
	default:	/* beyond the IPA space */
		*pfn = IPA_PFNS + below(c, ~0ULL - IPA_PFNS);
		break;
	}
}

/*
 * A pfn range: inside the thread's chunk (*@own set, the range clipped to
 * it), half the time pages in state @want so that calls also succeed; or
 * one every call must refuse.
 */
static void pick_range(struct fuzz_cpu *c, enum fuzz_page want, u64 *pfn,
		       u64 *nr, bool *own)
{
	u64 idx = below(c, FUZZ_POOL_PAGES), r = below(c, 100), max;

	*own = r < 70;
	if (*own) {
		if (r < 35)
			max = 1;
		else if (r < 55)
			max = 1 + below(c, 16);
		else
			max = 1 + below(c, FUZZ_POOL_PAGES);
		if (below(c, 2) || !find_run(c, &idx, nr, max, want))
			*nr = min_t(u64, max, FUZZ_POOL_PAGES - idx);
		*pfn = c->base + idx;
		return;
	}
	pick_bad_range(c, idx, r, pfn, nr);
}

/* A gfn range; *@bad if it reaches beyond the IPA space. */
static u64 pick_gfn(struct fuzz_cpu *c, u64 nr, bool *bad)
{
	u64 gfn, r = below(c, 10);

	if (r < 4)
		gfn = below(c, 64);	/* collisions inside one VM */
	else if (r < 6)
		gfn = S2OWN_GFN_BASE + below(c, 4 * FUZZ_POOL_PAGES);
	else if (r < 8)		/* sparse: tables for every page */
		gfn = below(c, IPA_PFNS);
	else if (r < 9)
		gfn = IPA_PFNS - below(c, 4);
	else
		gfn = rnd(c);
	*bad = gfn >= IPA_PFNS || nr > IPA_PFNS - gfn;
	return gfn;
}

/* A VM handle register; *@bad if it is no handle at all (not 1..32). */
static u64 pick_handle(struct fuzz_cpu *c, bool *bad)
{
	u64 h, r = below(c, 100);

	if (r < 50)
		h = c->vms[below(c, FUZZ_VMS)] ?: c->vms[0];
	else if (r < 65)
		h = c->stale[below(c, FUZZ_STALE)];
	else if (r < 80)
		h = 1 + below(c, S2OWN_MAX_VMS);
	else
		h = (u64[]){ 0, ~0ULL, S2OWN_MAX_VMS + 1, 1ULL << 31,
			     1ULL << 32 | 1, rnd(c) }[below(c, 6)];
	*bad = !h || h > S2OWN_MAX_VMS;
	return h;
}

/* --- the model ----------------------------------------------------------- */

static bool all_in(struct fuzz_cpu *c, u64 pfn, u64 nr, enum fuzz_page st)
{
	u64 i;

	for (i = 0; i < nr; i++)
		if (c->state[pfn - c->base + i] != st)
			return false;
	return true;
}

static void set_state(struct fuzz_cpu *c, u64 pfn, u64 nr, enum fuzz_page st)
{
	memset(&c->state[pfn - c->base], st, nr);
}

static u8 *page_va(struct fuzz_cpu *c, u64 pfn)
{
	return page_address(c->chunk + (pfn - c->base));
}

/*
 * A reclaimed range must read zero (scrubbed). Its first and last pages
 * are checked whole, then every page gets the pattern back so the next
 * scrub is visible too.
 */
static void check_scrubbed(struct fuzz_cpu *c, u64 pfn, u64 nr)
{
	u64 i;

	if (memchr_inv(page_va(c, pfn), 0, PAGE_SIZE) ||
	    memchr_inv(page_va(c, pfn + nr - 1), 0, PAGE_SIZE))
		unexpected(c, "reclaimed range 0x%llx+%llu not zero", pfn, nr);
	for (i = 0; i < nr; i++)
		memset(page_va(c, pfn + i), FUZZ_PATTERN, PAGE_SIZE);
}

/* page_query's packed state for a page of the chunk in model state @st. */
static bool query_agrees(enum fuzz_page st, u64 x)
{
	unsigned int owner = S2OWN_QUERY_OWNER(x), host = S2OWN_QUERY_HOST(x);

	switch (st) {
	case PG_HOST:
		return owner == S2OWN_OWNER_HOST && host == S2OWN_PAGE_OWNED;
	case PG_SHARED:
		return owner == S2OWN_OWNER_HOST &&
		       host == S2OWN_PAGE_SHARED_OWNED;
	case PG_HYP:
		return owner == S2OWN_OWNER_HYP;
	default:
		return owner == S2OWN_OWNER_GUEST;
	}
}

/* --- one call ------------------------------------------------------------ */

static int free_slot(struct fuzz_cpu *c)
{
	int i;

	for (i = 0; i < FUZZ_VMS; i++)
		if (!c->vms[i])
			return i;
	return -1;
}

static void vm_created(struct fuzz_cpu *c, long handle)
{
	int i = free_slot(c);

	if (handle < 1 || handle > S2OWN_MAX_VMS) {
		unexpected(c, "vm_create returned %ld", handle);
		return;
	}
	/* No slot (a handle of ours was reused under us): forget one. */
	c->vms[i >= 0 ? i : below(c, FUZZ_VMS)] = handle;
}

/* A VM on a page pair of the thread's, its table cache topped up once. */
static long vm_create(struct fuzz_cpu *c)
{
	long ret = counted(c, OP_VM_CREATE,
			   s2own_vm_pages_create(&c->vm_pages, 0, 0, 0, 0));

	if (ret > 0)
		s2own_vm_pages_topup(&c->vm_pages, ret);
	return ret;
}

/*
 * The VM's own pages come back once it is destroyed, by whichever thread:
 * take back those of the thread's VMs that are gone.
 */
static void vm_destroyed(struct fuzz_cpu *c, u64 handle)
{
	unsigned int i;

	for (i = 0; i < FUZZ_VMS; i++)
		if (c->vms[i] == handle)
			c->vms[i] = 0;
	c->stale[c->next_stale++ % FUZZ_STALE] = handle;
	s2own_vm_pages_reclaim(&c->vm_pages);
}

/* A guest donation's arguments, and whether the call must refuse them. */
struct guest_args {
	u64 vm, gfn;
	bool bad;
};

/*
 * A pfn-range transition, checked against the model; @g for
 * OP_DONATE_GUEST only.
 */
static long range_call(struct fuzz_cpu *c, enum fuzz_op op, u64 pfn, u64 nr,
		       bool own, const struct guest_args *g)
{
	struct s2own_hvc_res res;
	long ret;

	if (g)
		ret = call(c, op, range_ops[op].id, g->vm, pfn, g->gfn, nr,
			   &res);
	else
		ret = call(c, op, range_ops[op].id, pfn, nr, 0, 0, &res);
	if (ret < 0)
		return ret;
	if (!own || (g && g->bad)) {
		unexpected(c, "%s(vm 0x%llx, pfn 0x%llx, gfn 0x%llx, nr 0x%llx) succeeded",
			   op_names[op], g ? g->vm : 0, pfn, g ? g->gfn : 0,
			   nr);
		return ret;
	}
	if (!all_in(c, pfn, nr, range_ops[op].from)) {
		unexpected(c, "%s(pfn 0x%llx, nr %llu) succeeded on pages not in its source state",
			   op_names[op], pfn, nr);
		return ret;
	}
	set_state(c, pfn, nr, range_ops[op].to);
	if (op == OP_RECLAIM)
		check_scrubbed(c, pfn, nr);
	if (g) {
		unsigned int i = c->next_donation++ % FUZZ_DONATIONS;

		c->donations[i].vm = g->vm;
		c->donations[i].gfn = g->gfn;
		c->donations[i].nr = nr;
	}
	return ret;
}

static void fuzz_range_op(struct fuzz_cpu *c, enum fuzz_op op)
{
	struct guest_args g;
	bool own, bad_gfn;
	u64 pfn, nr;

	pick_range(c, range_ops[op].from, &pfn, &nr, &own);
	if (op != OP_DONATE_GUEST) {
		range_call(c, op, pfn, nr, own, NULL);
		return;
	}
	g.vm = pick_handle(c, &g.bad);
	g.gfn = pick_gfn(c, nr, &bad_gfn);
	g.bad |= bad_gfn;
	/* The VM's table cache ran dry: the host tops it up, as a VMM does. */
	if (range_call(c, op, pfn, nr, own, &g) == -S2OWN_ENOMEM && !g.bad)
		s2own_vm_pages_topup(&c->vm_pages, g.vm);
}

/*
 * A donation of the thread's chunk page @idx to VM @g->vm; on -ENOMEM, a
 * topup, as a VMM makes, must let the same donation through: a page needs
 * at most three tables, a topup gives S2OWN_TOPUP_PAGES. Another thread
 * may take them first (its random handles, or a stale one of its lists
 * that a new VM of ours reused, can name the VM), so as a VMM would, it
 * tops up again, FUZZ_FLOOD_TOPUPS times at most; or the VM went under
 * another thread's destroy.
 */
static long flood_donate(struct fuzz_cpu *c, const struct guest_args *g,
			 u64 idx)
{
	long ret = range_call(c, OP_DONATE_GUEST, c->base + idx, 1, true, g);
	unsigned int topups = 0;

	if (ret != -S2OWN_ENOMEM)
		return ret;
	c->floods_dry++;
	while (ret == -S2OWN_ENOMEM && topups < FUZZ_FLOOD_TOPUPS) {
		if (s2own_vm_pages_topup(&c->vm_pages, g->vm))
			return -S2OWN_ENOMEM;
		topups++;
		ret = range_call(c, OP_DONATE_GUEST, c->base + idx, 1, true,
				 g);
	}
	if (ret && ret != -S2OWN_ENOENT)
		unexpected(c, "flood: donation to vm %llu refused after %u topups: %ld",
			   g->vm, topups, ret);
	return -S2OWN_ENOMEM;
}

/*
 * Drain what the calls draw on, all threads at once (every
 * FUZZ_FLOOD_EVERY calls). The pool holds the host stage-2's tables:
 * single pages from anywhere in RAM, donated to the hypervisor, split a
 * block each (a level-3 table, a level-2 in a new 1G) and stay donated
 * while the rest runs. A VM's tables come from its cache: the thread
 * takes back what pages of its chunk it can, then donates them one by
 * one to one of its VMs at gfns far apart (up to three tables each),
 * without topping up, until the cache is dry. The host must keep running
 * meanwhile: its own stage-2 faults draw on the pool's reserve. The
 * chunk's pages come back through the random calls later, the single
 * pages at the end.
 */
static void fuzz_flood(struct fuzz_cpu *c)
{
	struct page *sparse[FUZZ_FLOOD_SPARSE];
	struct guest_args g = { 0 };
	struct s2own_hvc_res res;
	unsigned int nr_sparse, k;
	enum fuzz_op op;
	u64 idx, nr, i;
	long ret;

	for (nr_sparse = 0; nr_sparse < FUZZ_FLOOD_SPARSE; nr_sparse++) {
		struct page *p = alloc_page(GFP_KERNEL | __GFP_NOWARN);

		if (!p)
			break;
		if (call(c, OP_DONATE_HYP, S2OWN_HC_HOST_DONATE_HYP,
			 page_to_pfn(p), 1, 0, 0, &res)) {
			__free_page(p);
			break;
		}
		sparse[nr_sparse] = p;
	}
	for (i = 0; i < FUZZ_POOL_PAGES; i++) {
		op = give_back[c->state[i]];
		if (op != NR_OPS)
			range_call(c, op, c->base + i, 1, true, NULL);
	}
	/* Into a VM of its own; a new one when it has none, or loses it. */
	for (i = 0; i < FUZZ_VMS && !g.vm; i++)
		g.vm = c->vms[i];
	for (i = 0; i < FUZZ_POOL_PAGES; i++) {
		if (!g.vm) {
			ret = vm_create(c);
			if (ret < 0)
				break;
			vm_created(c, ret);
			g.vm = ret;
		}
		idx = below(c, FUZZ_POOL_PAGES);
		if (!find_run(c, &idx, &nr, 1, PG_HOST))
			break;
		g.gfn = below(c, IPA_PFNS);
		ret = flood_donate(c, &g, idx);
		if (ret == -S2OWN_ENOMEM)
			break;
		if (ret == -S2OWN_ENOENT)
			g.vm = 0;
	}
	/* A page the hypervisor keeps is never Linux's again. */
	for (k = 0; k < nr_sparse; k++)
		if (call(c, OP_HYP_DONATE_HOST, S2OWN_HC_HYP_DONATE_HOST,
			 page_to_pfn(sparse[k]), 1, 0, 0, &res))
			unexpected(c, "flood: hyp_donate_host(pfn 0x%lx) refused",
				   page_to_pfn(sparse[k]));
		else
			__free_page(sparse[k]);
}

/*
 * VM_CREATE on a page pair that is not the host's to give (its first page
 * the hypervisor's, MMIO, outside RAM, beyond the IPA space, or crossing
 * into RAM from outside): it must be refused.
 */
static void fuzz_vm_create_bad(struct fuzz_cpu *c)
{
	struct arm_smccc_1_2_regs args = { .a0 = S2OWN_HC_VM_CREATE }, res;
	u64 pfn, nr;
	long ret;

	pick_bad_range(c, 0, 3 + below(c, 7), &pfn, &nr);
	args.a5 = pfn;
	ret = counted(c, OP_VM_CREATE, s2own_hvc_1_2(&args, &res));
	if (ret >= 0)
		unexpected(c, "vm_create on pfn 0x%llx returned %ld", pfn, ret);
}

/*
 * VM_TOPUP of pages every call must refuse, for any VM: it must fail.
 * (The thread's own VMs are topped up with good pages where they are
 * made, and when a donation says -ENOMEM.)
 */
static void fuzz_vm_topup(struct fuzz_cpu *c)
{
	struct s2own_hvc_res res;
	bool bad_handle;
	u64 h = pick_handle(c, &bad_handle), pfn, nr;
	long ret;

	pick_bad_range(c, below(c, FUZZ_POOL_PAGES), below(c, 10), &pfn, &nr);
	ret = call(c, OP_VM_TOPUP, S2OWN_HC_VM_TOPUP, h, pfn, nr, 0, &res);
	if (ret >= 0)
		unexpected(c, "vm_topup(0x%llx, 0x%llx, %llu) returned %ld", h,
			   pfn, nr, ret);
}

static void fuzz_vm_op(struct fuzz_cpu *c, enum fuzz_op op)
{
	struct s2own_hvc_res res;
	bool bad_handle;
	long ret;
	u64 h;

	switch (op) {
	case OP_VM_CREATE:
		/* With all its slots taken, a thread mostly destroys one. */
		h = c->vms[below(c, FUZZ_VMS)];
		if (free_slot(c) < 0 && below(c, 4)) {
			ret = call(c, OP_VM_DESTROY, S2OWN_HC_VM_DESTROY, h, 0,
				   0, 0, &res);
			if (ret >= 0)
				vm_destroyed(c, h);
			return;
		}
		if (!below(c, 4)) {
			fuzz_vm_create_bad(c);
			return;
		}
		ret = vm_create(c);
		if (ret >= 0)
			vm_created(c, ret);
		return;
	default:	/* OP_VM_DESTROY */
		h = pick_handle(c, &bad_handle);
		ret = call(c, op, S2OWN_HC_VM_DESTROY, h, 0, 0, 0, &res);
		if (ret >= 0 && bad_handle)
			unexpected(c, "vm_destroy(0x%llx) succeeded", h);
		else if (ret >= 0)
			vm_destroyed(c, h);
		return;
	}
}

/*
 * A dump into the thread's chunk (it succeeds where all its pages are
 * shared) or at an address that must be refused.
 */
static void fuzz_dump(struct fuzz_cpu *c)
{
	struct s2own_hvc_res res;
	u64 pa, size, h = below(c, S2OWN_MAX_VMS + 2), pfn, nr;
	bool own;
	long ret;

	pick_range(c, PG_SHARED, &pfn, &nr, &own);
	pa = (pfn << PAGE_SHIFT) + (below(c, 4) ? 0 : below(c, PAGE_SIZE));
	size = (nr << PAGE_SHIFT) - (pa & (PAGE_SIZE - 1));
	/* Shorter ones only inside the chunk: those stay in the model. */
	if (own && !below(c, 4))
		size = below(c, size + 1);
	ret = call(c, OP_DUMP, S2OWN_HC_DUMP, pa, size, h, 0, &res);
	if (ret < 0)
		return;
	if (!own || !size)
		unexpected(c, "dump(0x%llx, 0x%llx) succeeded", pa, size);
	else if (!all_in(c, pfn, PHYS_PFN(pa + size - 1) - pfn + 1, PG_SHARED))
		unexpected(c, "dump(0x%llx, 0x%llx) into pages not shared", pa,
			   size);
}

static void fuzz_query(struct fuzz_cpu *c)
{
	struct s2own_hvc_res res;
	u64 pfn, nr;
	bool own;
	long ret;

	pick_range(c, below(c, 4), &pfn, &nr, &own);
	ret = call(c, OP_QUERY, S2OWN_HC_PAGE_QUERY, pfn, 0, 0, 0, &res);
	if (!own)
		return;
	if (ret < 0)
		unexpected(c, "page_query(0x%llx): %s", pfn,
			   s2own_errname(ret));
	else if (!query_agrees(c->state[pfn - c->base], res.out[0]))
		unexpected(c, "page_query(0x%llx) = 0x%llx, model state %u",
			   pfn, res.out[0], c->state[pfn - c->base]);
}

/* The host's ids; not GUEST_RELINQUISH's, retired. */
static bool known_id(u32 id)
{
	return (id >= S2OWN_HC_HOST_SHARE_HYP && id <= S2OWN_HC_VM_TOPUP &&
		id != S2OWN_HC_RETIRED_RELINQUISH) ||
	       id == S2OWN_HC_TRACE_BUFFER || id == S2OWN_HC_TRACE_ENABLE ||
	       id == S2OWN_HC_CALL_UID || id == S2OWN_HC_REVISION;
}

/*
 * A trace buffer for this CPU: pages of the chunk (registered where they
 * are all shared, and then written by the hypervisor until this thread
 * unshares one of them, donates them, ...), too many pages, none (detach),
 * or pages every call must refuse.
 */
static void fuzz_trace_buffer(struct fuzz_cpu *c)
{
	struct s2own_hvc_res res;
	bool own, ok;
	u64 pfn, nr;
	long ret;

	pick_range(c, PG_SHARED, &pfn, &nr, &own);
	if (!below(c, 8))
		nr = S2OWN_TRACE_MAX_PAGES + 1 + below(c, 4);
	else if (!below(c, 8))
		nr = 0;
	ok = !nr || (own && nr <= S2OWN_TRACE_MAX_PAGES &&
		     all_in(c, pfn, nr, PG_SHARED));
	ret = call(c, OP_TRACE_BUFFER, S2OWN_HC_TRACE_BUFFER, pfn, nr,
		   rnd(c), rnd(c), &res);
	if (ok && ret)
		unexpected(c, "trace_buffer(0x%llx, %llu) of shared pages: %s",
			   pfn, nr, s2own_errname(ret));
	else if (!ok && !ret)
		unexpected(c, "trace_buffer(0x%llx, %llu) succeeded", pfn, nr);
	else if (!ret && nr && res.out[0] !=
		 (nr * PAGE_SIZE - S2OWN_TRACE_HEADER_SIZE) /
			 sizeof(struct s2own_trace_record))
		unexpected(c, "trace_buffer(0x%llx, %llu): %llu records",
			   pfn, nr, res.out[0]);
}

/* Event classes: a valid mask, or bits that are none. */
static void fuzz_trace_enable(struct fuzz_cpu *c)
{
	struct s2own_hvc_res res;
	u64 mask = below(c, 2) ? rnd(c) & S2OWN_TRACE_ALL : rnd(c);
	long ret;

	if (!below(c, 4))
		mask = 0;
	ret = call(c, OP_TRACE_ENABLE, S2OWN_HC_TRACE_ENABLE, mask, rnd(c),
		   rnd(c), rnd(c), &res);
	if (!!ret != !!(mask & ~(u64)S2OWN_TRACE_ALL))
		unexpected(c, "trace_enable(0x%llx): %s", mask,
			   s2own_errname(ret));
}

/*
 * An id the hypervisor does not have, with random arguments; a quarter of
 * the time the retired host relinquish, at a range this thread donated:
 * its pages must stay the guest's (the model, queries and reads say so).
 */
static void fuzz_unknown_id(struct fuzz_cpu *c)
{
	struct s2own_hvc_res res;
	u64 a[4] = { rnd(c), rnd(c), rnd(c), rnd(c) };
	u32 id;
	long ret;

	if (!below(c, 4)) {
		typeof(c->donations[0]) *d =
			&c->donations[below(c, FUZZ_DONATIONS)];

		id = S2OWN_HC_RETIRED_RELINQUISH;
		a[0] = d->vm;
		a[1] = d->gfn + below(c, d->nr);
		a[2] = 1 + below(c, d->gfn + d->nr - a[1]);
		a[3] = 0;
	} else {
		do {
			/* Half next to ours, in the vendor-hyp range. */
			id = below(c, 2) ? (u32)rnd(c) :
					   (S2OWN_HC64(0) |
					    (u32)below(c, 0x100)) ^
						   (u32)(below(c, 2) << 30);
		} while (known_id(id));
	}
	ret = call(c, OP_UNKNOWN_ID, id, a[0], a[1], a[2], a[3], &res);
	if (ret != S2OWN_RET_NOT_SUPPORTED ||
	    res.regs.a0 != (unsigned long)S2OWN_RET_NOT_SUPPORTED)
		unexpected(c, "unknown id 0x%x returned %ld (x0 0x%lx)", id,
			   ret, res.regs.a0);
}

/*
 * Reads: a random page of the chunk must read as its model says, a page
 * of the carve-out must fault.
 */
static void fuzz_touch(struct fuzz_cpu *c)
{
	u64 idx = below(c, FUZZ_POOL_PAGES), pfn = c->base + idx, val;
	bool mine = c->state[idx] == PG_HOST || c->state[idx] == PG_SHARED;
	int ret = s2own_touch(pfn, &val);

	c->touches++;
	if (ret)
		c->touches_refused++;
	if (mine && ret)
		unexpected(c, "read of own pfn 0x%llx (state %u) refused: %d",
			   pfn, c->state[idx], ret);
	if (!mine && ret != -EFAULT)
		unexpected(c, "read of pfn 0x%llx (state %u, not the host's) returned %d, 0x%llx",
			   pfn, c->state[idx], ret, val);
	if (!fz.hyp_va || below(c, 8))
		return;
	idx = below(c, fz.hyp_end_pfn - fz.hyp_pfn);
	ret = copy_from_kernel_nofault(&val, fz.hyp_va + idx * PAGE_SIZE,
				       sizeof(val));
	c->touches++;
	if (ret)
		c->touches_refused++;
	if (ret != -EFAULT)
		unexpected(c, "read of the hypervisor's pfn 0x%llx returned %d, 0x%llx",
			   fz.hyp_pfn + idx, ret, val);
}

static enum fuzz_op pick_op(struct fuzz_cpu *c)
{
	unsigned int total = 0, i, r;

	for (i = 0; i < NR_OPS; i++)
		total += op_weight[i];
	r = below(c, total);
	for (i = 0; r >= op_weight[i]; i++)
		r -= op_weight[i];
	return i;
}

static void fuzz_one(struct fuzz_cpu *c)
{
	enum fuzz_op op = pick_op(c);

	if (atomic64_read(&fz.calls) / FUZZ_FLOOD_EVERY > c->floods) {
		c->floods++;
		fuzz_flood(c);
	}

	switch (op) {
	case OP_VM_CREATE:
	case OP_VM_DESTROY:
		fuzz_vm_op(c, op);
		break;
	case OP_DUMP:
		fuzz_dump(c);
		break;
	case OP_QUERY:
		fuzz_query(c);
		break;
	case OP_UNKNOWN_ID:
		fuzz_unknown_id(c);
		break;
	case OP_TRACE_BUFFER:
		fuzz_trace_buffer(c);
		break;
	case OP_TRACE_ENABLE:
		fuzz_trace_enable(c);
		break;
	case OP_VM_TOPUP:
		fuzz_vm_topup(c);
		break;
	default:
		fuzz_range_op(c, op);
		break;
	}
	fuzz_touch(c);
}

static void fuzz_fn(struct s2own_thread *t)
{
	struct fuzz_cpu *c = container_of(t, struct fuzz_cpu, thread);

	/* The last round of each thread may go a few calls over. */
	while (!READ_ONCE(fz.stop) && atomic64_read(&fz.calls) < fz.target) {
		fuzz_one(c);
		cond_resched();
	}
}

/* --- set-up and clean-up ------------------------------------------------- */

/* The first range of @np's reg, as pfns; drops the reference on @np. */
static int node_pfns(struct device_node *np, struct resource *r, u64 *pfn,
		     u64 *end_pfn)
{
	int ret;

	if (!np)
		return -ENODEV;
	ret = of_address_to_resource(np, 0, r);
	of_node_put(np);
	if (ret)
		return ret;
	*pfn = PHYS_PFN(r->start);
	*end_pfn = PHYS_PFN(r->end + 1);
	return 0;
}

static int find_ranges(void)
{
	struct resource r;
	int ret;

	ret = node_pfns(of_find_node_by_type(NULL, "memory"), &r, &fz.ram_pfn,
			&fz.ram_end_pfn);
	if (!ret)
		ret = node_pfns(s2own_hyp_dt_node(), &r, &fz.hyp_pfn,
				&fz.hyp_end_pfn);
	if (ret)
		return ret;
	/* A mapping the host's stage-2 refuses: reads must fault. */
	fz.hyp_va = memremap(r.start, resource_size(&r), MEMREMAP_WB);
	return 0;
}

static int cpu_setup(struct s2own_thread *t, unsigned int i)
{
	struct fuzz_cpu *c = container_of(t, struct fuzz_cpu, thread);

	c->rng = fz.seed ^ (0x9e3779b97f4a7c15ULL * (i + 1));
	s2own_vm_pages_init(&c->vm_pages);
	c->chunk = alloc_pages(GFP_KERNEL | __GFP_NOWARN, FUZZ_POOL_ORDER);
	if (!c->chunk)
		return -ENOMEM;
	c->base = page_to_pfn(c->chunk);
	memset(page_address(c->chunk), FUZZ_PATTERN,
	       PAGE_SIZE << FUZZ_POOL_ORDER);
	return 0;
}

/*
 * After the threads: destroy every VM the fuzz left, take every page of
 * each chunk back to the host, check the hypervisor agrees, and free the
 * chunks. A page that cannot be taken back is leaked, never freed.
 */
static void cleanup(void)
{
	struct s2own_hvc_res res;
	unsigned int i, h;
	struct fuzz_cpu *c;
	enum fuzz_op op;
	long ret;
	u64 p;

	/* Tracing off; the buffers go with the shares below. */
	s2own_hvc0(S2OWN_HC_TRACE_ENABLE, 0, 0, 0, 0);
	/*
	 * Every VM is the fuzz's (it starts only when the driver has none):
	 * destroy them all by handle, as no thread's books can say which live
	 * (a handle destroyed by one thread may be another's new VM already).
	 */
	for (h = 1; h <= S2OWN_MAX_VMS; h++) {
		ret = s2own_vm_destroy(h);
		if (ret && ret != -S2OWN_ENOENT) {
			pr_err("%s: fuzz: destroying VM %u: %s\n", S2OWN_NAME,
			       h, s2own_errname(ret));
			fz.cleanup_failures++;
		}
	}
	for (i = 0; i < fz.threads.nr; i++) {
		c = fuzz_cpu(i);
		ret = s2own_vm_pages_reclaim(&c->vm_pages);
		if (ret) {
			pr_err("%s: fuzz: cpu%u: leaking %llu pages of its VMs': %s\n",
			       S2OWN_NAME, c->thread.cpu,
			       s2own_vm_pages_held(&c->vm_pages),
			       s2own_errname(ret));
			fz.cleanup_failures++;
		}
		if (!c->chunk)
			continue;
		for (p = 0; p < FUZZ_POOL_PAGES; p++) {
			op = give_back[c->state[p]];
			if (op != NR_OPS &&
			    !s2own_hvc0(range_ops[op].id, c->base + p, 1, 0, 0))
				c->state[p] = PG_HOST;
			ret = s2own_hvc(S2OWN_HC_PAGE_QUERY, c->base + p, 0, 0,
					0, &res);
			if (ret || c->state[p] != PG_HOST ||
			    !query_agrees(PG_HOST, res.out[0])) {
				pr_err("%s: fuzz: cpu%u pfn 0x%llx not given back (model %u, query %ld 0x%llx)\n",
				       S2OWN_NAME, c->thread.cpu, c->base + p,
				       c->state[p], ret, res.out[0]);
				fz.cleanup_failures++;
			}
		}
		if (fz.cleanup_failures)
			pr_err("%s: fuzz: leaking cpu%u's chunk at pfn 0x%llx\n",
			       S2OWN_NAME, c->thread.cpu, c->base);
		else
			__free_pages(c->chunk, FUZZ_POOL_ORDER);
		c->chunk = NULL;
	}
	if (fz.hyp_va)
		memunmap(fz.hyp_va);
	fz.hyp_va = NULL;
}

/**
 * s2own_fuzz_run() - fuzz the hypervisor from every online CPU.
 * @calls: how many hypercalls in all, 1..S2OWN_FUZZ_MAX_CALLS
 * @seed: the seed of the threads' random streams; 0 picks one
 *
 * Returns when the run is over and cleaned up; s2own_fuzz_fmt() has the
 * verdict. Needs the driver idle: no VM of its own (random handles would
 * hit them), whose books it holds throughout; the caller keeps a storm
 * from running (main.c).
 *
 * Return: 0, -EBUSY (a fuzz or the driver's VMs), -ENOMEM, -ENODEV (no
 * memory or hypervisor node in the device tree).
 */
int s2own_fuzz_run(u64 calls, u64 seed)
{
	int ret = 0;

	if (!mutex_trylock(&fuzz_lock))
		return -EBUSY;
	atomic_set(&fuzz_active, 1);
	ret = s2own_vms_lock_idle();
	if (ret)
		goto out_active;
	s2own_threads_free(&fz.threads);
	memset(&fz, 0, sizeof(fz));
	fz.seed = seed ?: get_random_u64();
	fz.target = calls;
	ret = s2own_threads_alloc(&fz.threads, sizeof(struct fuzz_cpu));
	if (ret)
		goto out;
	ret = find_ranges();
	if (ret)
		goto out;
	pr_info("%s: fuzz: seed 0x%llx, %llu calls\n", S2OWN_NAME, fz.seed,
		calls);

	if (s2own_threads_start(&fz.threads, cpu_setup, fuzz_fn,
				"s2own-fuzz/%u"))
		fz.setup_failed = true;
	s2own_threads_wait(&fz.threads);
	if (!atomic64_read(&fz.check_failures))
		run_check("after the last call");
	cleanup();
	if (!atomic64_read(&fz.check_failures))
		run_check("after clean-up");
	fz.done = true;
	ret = fz.setup_failed ? -ENOMEM : 0;
out:
	s2own_vms_unlock();
out_active:
	atomic_set(&fuzz_active, 0);
	mutex_unlock(&fuzz_lock);
	return ret;
}

#define FUZZ_SUM(member) \
	S2OWN_THREADS_SUM(&fz.threads, struct fuzz_cpu, member)

/**
 * s2own_fuzz_fmt() - the last run's seed, counts and verdict
 * (docs/debugfs.md).
 * @buf: where to write
 * @size: its size
 *
 * Return: bytes written.
 */
size_t s2own_fuzz_fmt(char *buf, size_t size)
{
	u64 unexpected_calls, calls;
	bool idle_cpu = false;
	unsigned int i, r, op;
	const char *first;
	size_t len = 0;

	if (atomic_read(&fuzz_active))
		return scnprintf(buf, size, "state running\n");
	mutex_lock(&fuzz_lock);
	if (!fz.done) {
		len = scnprintf(buf, size, "state idle\n");
		goto out;
	}
	for (i = 0; i < fz.threads.nr; i++)
		idle_cpu |= !fuzz_cpu(i)->thread.calls;
	calls = FUZZ_SUM(thread.calls);
	unexpected_calls = FUZZ_SUM(thread.unexpected);
	first = s2own_threads_first(&fz.threads);
	len += scnprintf(buf + len, size - len,
			 "state done\nseed 0x%llx\ncpus %u\ncalls %llu\n"
			 "checks %lld\ncheck_failures %lld\ntouches %llu\n"
			 "touches_refused %llu\nunexpected %llu\n"
			 "cleanup_failures %llu\n",
			 fz.seed, fz.threads.nr, calls,
			 atomic64_read(&fz.checks),
			 atomic64_read(&fz.check_failures), FUZZ_SUM(touches),
			 FUZZ_SUM(touches_refused), unexpected_calls,
			 fz.cleanup_failures);
	len += scnprintf(buf + len, size - len, "results");
	for (r = 0; r < S2OWN_NR_RES; r++)
		len += scnprintf(buf + len, size - len, " %s %lld",
				 s2own_res_name(r),
				 atomic64_read(&fz.results[r]));
	len += scnprintf(buf + len, size - len, "\n");
	len += scnprintf(buf + len, size - len, "floods %llu\nfloods_dry %llu\n",
			 FUZZ_SUM(floods), FUZZ_SUM(floods_dry));
	for (op = 0; op < NR_OPS; op++) {
		len += scnprintf(buf + len, size - len, "call %s",
				 op_names[op]);
		for (r = 0; r < S2OWN_NR_RES; r++)
			if (atomic64_read(&fz.func_results[op][r]))
				len += scnprintf(buf + len, size - len,
						 " %s %lld", s2own_res_name(r),
						 atomic64_read(&fz.func_results[op][r]));
		len += scnprintf(buf + len, size - len, "\n");
	}
	if (first)
		len += scnprintf(buf + len, size - len, "first_unexpected %s\n",
				 first);
	if (atomic64_read(&fz.check_failures))
		len += scnprintf(buf + len, size - len, "first_check_failure %s\n",
				 fz.check_first);
	len += scnprintf(buf + len, size - len, "result %s\n",
			 unexpected_calls || idle_cpu || fz.setup_failed ||
			 fz.cleanup_failures || calls < fz.target ||
			 atomic64_read(&fz.check_failures) ? "FAIL" : "PASS");
out:
	mutex_unlock(&fuzz_lock);
	return len;
}

/**
 * s2own_fuzz_exit() - at unload: free the last run's books.
 */
void s2own_fuzz_exit(void)
{
	s2own_threads_free(&fz.threads);
}
