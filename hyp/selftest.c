// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot-time ownership selftest at EL2, in the spirit of pKVM's
 * pkvm_ownership_selftest(): one host page is walked through every
 * transition, and after each step, legal or not, every component's state
 * is checked with s2o_page_query() and the host's fault path is asked
 * whether it would map the page.
 * Illegal steps must fail with the documented errno and change nothing
 * (docs/ownership.md). It runs before the host exists, on a page the host
 * has not been told about yet: the last page of the highest RAM range.
 */
#include "hyp.h"
#include "../ownership/s2own.h"

struct st {
	unsigned int checks;
	u64 pfn;		/* the page under test */
	u64 other;		/* a second host page, for -EBUSY on a gfn */
	u64 hyp_pfn;		/* a page of the hypervisor's own RAM */
	u64 mmio_pfn;		/* not RAM */
	u64 gfn;
	u64 done;		/* pages a guest call changed */
	u64 vm_pfn;		/* the VM's page pair */
	u64 cache_pfn;		/* its table cache, S2OWN_TOPUP_PAGES */
	int vm;
};

static void fail(const struct st *t, int line, const char *what, s64 want,
		 s64 got)
{
	hyp_panic("selftest failed at hyp/selftest.c:%d (check %u): %s: "
		  "expected %ld, got %ld", line, t->checks + 1, what, want,
		  got);
}

#define EXPECT(t, what, want, got) do {					\
	s64 __w = (want), __g = (got);					\
	if (__w != __g)							\
		fail((t), __LINE__, (what), __w, __g);			\
	(t)->checks++;							\
} while (0)

/* The call returns @ret; then the page must be in the state given. */
#define STEP(t, call, ret) EXPECT((t), #call, (ret), (call))

static void expect_state(struct st *t, int line, u32 owner, u32 host,
			 u32 hyp, u32 guest, int vm, bool reclaimable)
{
	/* The host may touch the page exactly when it (co-)owns or borrows it. */
	int fault = owner == S2O_OWNER_HOST ||
		    host == S2O_PAGE_SHARED_BORROWED ? 0 : -S2OWN_EPERM;
	struct s2o_page_info info;
	int ret = s2o_page_query(t->pfn, &info);

	if (ret)
		fail(t, line, "s2o_page_query", 0, ret);
	t->checks++;
	if (info.owner != owner)
		fail(t, line, "owner", owner, info.owner);
	if (info.host != host)
		fail(t, line, "host state", host, info.host);
	if (info.hyp != hyp)
		fail(t, line, "hyp state", hyp, info.hyp);
	if (info.guest != guest)
		fail(t, line, "guest state", guest, info.guest);
	if (info.vm != vm)
		fail(t, line, "owning VM", vm, info.vm);
	if (info.reclaimable != reclaimable)
		fail(t, line, "reclaimable", reclaimable, info.reclaimable);
	t->checks += 6;
	ret = s2o_host_handle_fault(t->pfn << S2O_PAGE_SHIFT, S2O_FAULT_READ);
	if (ret != fault)
		fail(t, line, "host fault on the page", fault, ret);
	t->checks++;
}

#define HOST(t) expect_state((t), __LINE__, S2O_OWNER_HOST, S2O_PAGE_OWNED, \
			     S2O_PAGE_NOPAGE, S2O_PAGE_NOPAGE, 0, false)
#define SHARED(t) expect_state((t), __LINE__, S2O_OWNER_HOST,		\
			       S2O_PAGE_SHARED_OWNED,			\
			       S2O_PAGE_SHARED_BORROWED, S2O_PAGE_NOPAGE, 0, \
			       false)
#define HYP(t) expect_state((t), __LINE__, S2O_OWNER_HYP, S2O_PAGE_NOPAGE, \
			    S2O_PAGE_OWNED, S2O_PAGE_NOPAGE, 0, false)
#define GUEST(t, g, recl) expect_state((t), __LINE__, S2O_OWNER_GUEST,	\
				       S2O_PAGE_NOPAGE, S2O_PAGE_NOPAGE, (g), \
				       (t)->vm, (recl))
#define GUEST_SHARED(t) expect_state((t), __LINE__, S2O_OWNER_GUEST,	\
				     S2O_PAGE_SHARED_BORROWED,		\
				     S2O_PAGE_NOPAGE, S2O_PAGE_SHARED_OWNED, \
				     (t)->vm, false)

static void fill(u64 pfn, u64 pattern)
{
	u64 *p = (u64 *)(pfn << S2O_PAGE_SHIFT);

	for (int i = 0; i < 512; i++)
		p[i] = pattern ^ (u64)i;
}

static void expect_zero(struct st *t, int line)
{
	const u64 *p = (const u64 *)(t->pfn << S2O_PAGE_SHIFT);
	u64 acc = 0;

	for (int i = 0; i < 512; i++)
		acc |= p[i];
	if (acc)
		fail(t, line, "reclaimed page scrubbed", 0, (s64)acc);
	t->checks++;
}

/* Range and handle errors, which never depend on page states. */
static void check_args(struct st *t)
{
	STEP(t, s2o_host_share_hyp(t->pfn, 0), -S2OWN_EINVAL);
	STEP(t, s2o_host_share_hyp(~0UL, 2), -S2OWN_EINVAL);
	STEP(t, s2o_host_share_hyp(t->mmio_pfn, 1), -S2OWN_EINVAL);
	STEP(t, s2o_host_donate_hyp(t->mmio_pfn, 1), -S2OWN_EINVAL);
	STEP(t, s2o_host_share_hyp(t->hyp_pfn, 1), -S2OWN_EPERM);
	STEP(t, s2o_host_donate_hyp(t->hyp_pfn, 1), -S2OWN_EPERM);
	STEP(t, s2o_hyp_donate_host(t->hyp_pfn, 1), -S2OWN_EPERM);
	/* The page at the top of RAM: a range running past it. */
	STEP(t, s2o_host_share_hyp(t->pfn, 2), -S2OWN_EINVAL);
	STEP(t, s2o_host_handle_fault(t->hyp_pfn << S2O_PAGE_SHIFT,
				      S2O_FAULT_READ),
	     -S2OWN_EPERM);
	STEP(t, s2o_host_handle_fault(t->mmio_pfn << S2O_PAGE_SHIFT,
				      S2O_FAULT_READ), 0);
	/* A fetch from MMIO (execute-never) would fault forever: refused. */
	STEP(t, s2o_host_handle_fault(t->mmio_pfn << S2O_PAGE_SHIFT,
				      S2O_FAULT_EXEC | S2O_FAULT_PERM),
	     -S2OWN_EPERM);
	STEP(t, s2o_vm_destroy(0), -S2OWN_ENOENT);
	STEP(t, s2o_vm_destroy(S2O_MAX_VMS + 1), -S2OWN_ENOENT);
	STEP(t, s2o_host_donate_guest(-1, t->pfn, t->gfn, 1), -S2OWN_ENOENT);
	STEP(t, s2o_guest_relinquish(S2O_MAX_VMS, t->gfn, 1, &t->done),
	     -S2OWN_ENOENT);
	{
		struct s2o_page_info info;

		STEP(t, s2o_page_query(t->mmio_pfn, &info), -S2OWN_EINVAL);
		STEP(t, s2o_page_query(t->hyp_pfn, &info), 0);
		EXPECT(t, "hyp RAM owner", S2O_OWNER_HYP, info.owner);
	}
}

/* From HOST, nothing but share, donate (to hyp or a guest) is legal. */
static void host_illegal(struct st *t)
{
	STEP(t, s2o_host_unshare_hyp(t->pfn, 1), -S2OWN_EPERM);
	STEP(t, s2o_hyp_donate_host(t->pfn, 1), -S2OWN_EPERM);
	STEP(t, s2o_host_reclaim_guest(t->pfn, 1), -S2OWN_EPERM);
	HOST(t);
}

/**
 * hyp_selftest_pages() - host pages the selftests may use before the host
 * runs: the last @nr pages of the highest RAM range.
 * @pfns: filled in, highest first.
 * @nr: how many.
 */
void hyp_selftest_pages(u64 *pfns, unsigned int nr)
{
	const struct hyp_mem *top = &hyp_boot.mem[hyp_boot.nr_mem - 1];
	u64 end = top->base + top->size, start = end - nr * SZ_4K;

	if (start < hyp_boot.carve_end ||
	    (hyp_boot.initrd_end > start && hyp_boot.initrd_start < end) ||
	    (u64)hyp_boot.fdt + hyp_boot.fdt_size > start)
		hyp_panic("selftest: no free host page at the top of RAM");
	for (unsigned int i = 0; i < nr; i++)
		pfns[i] = (end >> S2O_PAGE_SHIFT) - 1 - i;
}

/**
 * hyp_selftest() - run the ownership selftest; panics on the first failure.
 */
void hyp_selftest(void)
{
	struct st t = { 0 };
	struct s2own_stats before, after;
	u64 pages[4 + S2OWN_TOPUP_PAGES];

	/* Highest first: pages[i + 1] is the page before pages[i]. */
	hyp_selftest_pages(pages, 4 + S2OWN_TOPUP_PAGES);
	t.pfn = pages[0];
	t.other = pages[1];
	t.vm_pfn = pages[3];
	t.cache_pfn = pages[3 + S2OWN_TOPUP_PAGES];
	t.hyp_pfn = (u64)_start >> S2O_PAGE_SHIFT;
	t.mmio_pfn = HYP_UART_BASE >> S2O_PAGE_SHIFT;
	t.gfn = 0x80000;

	HOST(&t);
	check_args(&t);
	host_illegal(&t);
	/* The host faults above built the tables a block mapping needs. */
	s2o_get_stats(&before);

	/* host -> shared with hyp -> host */
	STEP(&t, s2o_host_share_hyp(t.pfn, 1), 0);
	SHARED(&t);
	STEP(&t, s2o_host_share_hyp(t.pfn, 1), -S2OWN_EPERM);
	STEP(&t, s2o_host_donate_hyp(t.pfn, 1), -S2OWN_EPERM);
	STEP(&t, s2o_hyp_donate_host(t.pfn, 1), -S2OWN_EPERM);
	STEP(&t, s2o_host_reclaim_guest(t.pfn, 1), -S2OWN_EPERM);
	SHARED(&t);
	STEP(&t, s2o_host_unshare_hyp(t.pfn, 1), 0);
	HOST(&t);
	STEP(&t, s2o_host_unshare_hyp(t.pfn, 1), -S2OWN_EPERM);

	/* host -> hyp -> host */
	STEP(&t, s2o_host_donate_hyp(t.pfn, 1), 0);
	HYP(&t);
	STEP(&t, s2o_host_share_hyp(t.pfn, 1), -S2OWN_EPERM);
	STEP(&t, s2o_host_unshare_hyp(t.pfn, 1), -S2OWN_EPERM);
	STEP(&t, s2o_host_donate_hyp(t.pfn, 1), -S2OWN_EPERM);
	STEP(&t, s2o_host_reclaim_guest(t.pfn, 1), -S2OWN_EPERM);
	HYP(&t);
	STEP(&t, s2o_hyp_donate_host(t.pfn, 1), 0);
	HOST(&t);
	STEP(&t, s2o_hyp_donate_host(t.pfn, 1), -S2OWN_EPERM);

	/*
	 * host -> guest -> shared with the host -> taken back ->
	 * relinquished -> reclaimed (scrubbed)
	 */
	t.vm = s2o_vm_create(t.vm_pfn, NULL, 0);
	EXPECT(&t, "s2o_vm_create() handle in range", 1,
	       t.vm >= 1 && t.vm <= S2O_MAX_VMS);
	STEP(&t, s2o_vm_create(t.vm_pfn, NULL, 0), -S2OWN_EPERM);
	STEP(&t, s2o_host_donate_guest(t.vm, t.pfn, t.gfn, 1), -S2OWN_ENOMEM);
	HOST(&t);
	STEP(&t, s2o_vm_topup(t.vm, t.cache_pfn, S2OWN_TOPUP_PAGES), 0);
	STEP(&t, s2o_guest_relinquish(t.vm, t.gfn, 1, &t.done), -S2OWN_EFAULT);
	fill(t.pfn, 0x5a5a5a5a00000000UL);
	STEP(&t, s2o_host_donate_guest(t.vm, t.pfn, t.gfn, 1), 0);
	GUEST(&t, S2O_PAGE_OWNED, false);
	STEP(&t, s2o_host_share_hyp(t.pfn, 1), -S2OWN_EPERM);
	STEP(&t, s2o_host_donate_hyp(t.pfn, 1), -S2OWN_EPERM);
	STEP(&t, s2o_hyp_donate_host(t.pfn, 1), -S2OWN_EPERM);
	STEP(&t, s2o_host_donate_guest(t.vm, t.pfn, t.gfn + 1, 1), -S2OWN_EPERM);
	STEP(&t, s2o_host_donate_guest(t.vm, t.other, t.gfn, 1), -S2OWN_EBUSY);
	STEP(&t, s2o_host_reclaim_guest(t.pfn, 1), -S2OWN_EBUSY);
	STEP(&t, s2o_guest_relinquish(t.vm, t.gfn + 1, 1, &t.done),
	     -S2OWN_EFAULT);
	STEP(&t, s2o_guest_unshare(t.vm, t.gfn, 1, &t.done), -S2OWN_EPERM);
	GUEST(&t, S2O_PAGE_OWNED, false);
	STEP(&t, s2o_guest_share(t.vm, t.gfn, 2, &t.done), 0);
	EXPECT(&t, "pages shared", 1, t.done);
	GUEST_SHARED(&t);
	STEP(&t, s2o_guest_share(t.vm, t.gfn, 1, &t.done), -S2OWN_EPERM);
	STEP(&t, s2o_guest_relinquish(t.vm, t.gfn, 1, &t.done), -S2OWN_EPERM);
	STEP(&t, s2o_host_unshare_hyp(t.pfn, 1), -S2OWN_EPERM);
	STEP(&t, s2o_host_share_hyp(t.pfn, 1), -S2OWN_EPERM);
	STEP(&t, s2o_host_donate_hyp(t.pfn, 1), -S2OWN_EPERM);
	STEP(&t, s2o_host_reclaim_guest(t.pfn, 1), -S2OWN_EBUSY);
	GUEST_SHARED(&t);
	STEP(&t, s2o_guest_unshare(t.vm, t.gfn, 1, &t.done), 0);
	GUEST(&t, S2O_PAGE_OWNED, false);
	STEP(&t, s2o_guest_relinquish(t.vm, t.gfn, 1, &t.done), 0);
	EXPECT(&t, "pages relinquished", 1, t.done);
	GUEST(&t, S2O_PAGE_NOPAGE, true);
	STEP(&t, s2o_guest_relinquish(t.vm, t.gfn, 1, &t.done), -S2OWN_EFAULT);
	STEP(&t, s2o_host_share_hyp(t.pfn, 1), -S2OWN_EPERM);
	STEP(&t, s2o_host_reclaim_guest(t.pfn, 1), 0);
	HOST(&t);
	expect_zero(&t, __LINE__);
	host_illegal(&t);

	/* host -> guest, VM destroyed -> reclaimable -> reclaimed */
	fill(t.pfn, 0xa5a5a5a500000000UL);
	STEP(&t, s2o_host_donate_guest(t.vm, t.pfn, t.gfn, 1), 0);
	GUEST(&t, S2O_PAGE_OWNED, false);
	STEP(&t, s2o_vm_destroy(t.vm), 0);
	STEP(&t, s2o_vm_destroy(t.vm), -S2OWN_ENOENT);
	STEP(&t, s2o_host_donate_guest(t.vm, t.other, t.gfn, 1), -S2OWN_ENOENT);
	STEP(&t, s2o_host_share_hyp(t.pfn, 1), -S2OWN_EPERM);
	{
		struct s2o_page_info info;

		STEP(&t, s2o_page_query(t.pfn, &info), 0);
		EXPECT(&t, "owner after vm_destroy", S2O_OWNER_GUEST,
		       info.owner);
		EXPECT(&t, "reclaimable after vm_destroy", 1,
		       info.reclaimable);
	}
	STEP(&t, s2o_host_reclaim_guest(t.pfn, 1), 0);
	HOST(&t);
	expect_zero(&t, __LINE__);
	STEP(&t, s2o_host_reclaim_guest(t.pfn, 1), -S2OWN_EPERM);
	/* The VM's own pages and its tables come back too. */
	STEP(&t, s2o_host_reclaim_guest(t.vm_pfn, 2), 0);
	STEP(&t, s2o_host_reclaim_guest(t.cache_pfn, S2OWN_TOPUP_PAGES), 0);

	s2o_get_stats(&after);
	EXPECT(&t, "pages scrubbed", before.pages_scrubbed + 4 +
	       S2OWN_TOPUP_PAGES, after.pages_scrubbed);
	EXPECT(&t, "table pages leaked", before.table_pages_used,
	       after.table_pages_used);
	hyp_info("selftest passed (%u checks)\n", t.checks);
}
