// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's side of ownership: initialisation, the host stage-2 fault
 * path, and the host <-> hypervisor transitions. Every transition checks
 * its whole range, reserves the table pages it may need, then applies: the
 * apply step cannot fail, so a failed call has changed nothing.
 */
#include "mem_protect.h"
#include "pool.h"
#include "stats.h"

struct s2o_host_mmu s2o_host_mmu;
struct s2own_stats s2o_counters;
struct s2o_spinlock s2o_big_lock;

/**
 * s2o_host_reserve_pages() - the size of the pool's host reserve.
 * @regions: the memory map, as for s2o_init().
 * @nr_regions: its number of regions.
 * @nr_cpus: CPUs that may fault at once.
 *
 * Once s2o_pgt_shrink() has freed every idle level-2 and level-3 table, a
 * fault needs at most a level-2 and a level-3 table, plus, the first time
 * under a level-0 entry, a level-1 table. Level-1 tables are never freed:
 * each level-0 entry covering RAM is counted once, and the fault path
 * takes no reserve page for a level-1 table anywhere else.
 *
 * Return: 2 * @nr_cpus + the number of level-0 entries covering RAM.
 */
u64 s2o_host_reserve_pages(const struct s2o_mem_region *regions,
			   unsigned int nr_regions, unsigned int nr_cpus)
{
	u64 gran = s2o_granule(S2O_START_LEVEL), n = 2 * (u64)nr_cpus, i;

	for (i = 0; i < S2O_PTRS_PER_TABLE; i++)
		n += s2o_regions_have_ram(regions, nr_regions, i * gran,
					  (i + 1) * gran);
	return n;
}

/**
 * s2o_init() - reset the tracker to its boot state.
 * @params: memory map, metadata array, table-page pool and CPU count.
 *
 * The host stage-2 root is the host's: it may come out of the host
 * reserve, so a pool smaller than the reserve still boots (and then only
 * the host's faults can get table pages).
 *
 * Return: 0, -EINVAL for a malformed map or no CPU, -ENOMEM for an empty
 * pool.
 */
int s2o_init(const struct s2o_init_params *params)
{
	int ret;

	if (!params->nr_cpus)
		return -S2OWN_EINVAL;
	s2o_big_lock = (struct s2o_spinlock){ 0 };
	s2o_counters = (struct s2own_stats){ 0 };
	ret = s2o_memmap_init(params);
	if (ret)
		return ret;
	ret = s2o_pool_init(params->pool_base, params->pool_pages,
			    s2o_host_reserve_pages(params->regions,
						   params->nr_regions,
						   params->nr_cpus));
	if (ret)
		return ret;
	s2o_vms_init();
	return s2o_pgt_init(&s2o_host_mmu.pgt, S2O_HOST_VMID);
}

/** s2o_host_vttbr() - VTTBR_EL2 for the host: root table and VMID 0. */
u64 s2o_host_vttbr(void)
{
	return s2o_host_mmu.pgt.root_pa | ((u64)S2O_HOST_VMID << 48);
}

/**
 * s2o_check_pfn_range() - the checks every pfn range goes through.
 * @pfn: first page frame.
 * @nr: number of pages.
 *
 * Return: 0; -EINVAL if @nr is 0, the range overflows, leaves RAM (MMIO,
 * holes) or crosses regions; -EPERM if it is the hypervisor's own RAM.
 */
int s2o_check_pfn_range(u64 pfn, u64 nr)
{
	const struct s2o_mem_region *r;
	u64 max_pfn = 1ULL << (S2O_IPA_BITS - S2O_PAGE_SHIFT);

	if (!nr || pfn >= max_pfn || nr > max_pfn - pfn)
		return -S2OWN_EINVAL;
	r = s2o_find_region(pfn << S2O_PAGE_SHIFT);
	if (!r || ((pfn + nr) << S2O_PAGE_SHIFT) - r->base > r->size)
		return -S2OWN_EINVAL;
	return r->type == S2O_MEM_RAM ? 0 : -S2OWN_EPERM;
}

/**
 * s2o_page_in_state() - a claim check: the page is in state *@want.
 * @state: the page's state.
 * @page: the page.
 * @want: pointer to the u8 state required.
 *
 * Return: 0 or -EPERM.
 */
int s2o_page_in_state(u8 state, const struct s2o_page *page,
		      const void *want)
{
	(void)page;
	return state == *(const u8 *)want ? 0 : -S2OWN_EPERM;
}

/**
 * s2o_page_any_state() - a claim check that accepts every state.
 * @state: the page's state.
 * @page: the page.
 * @arg: unused.
 *
 * Return: 0.
 */
int s2o_page_any_state(u8 state, const struct s2o_page *page,
		       const void *arg)
{
	(void)state;
	(void)page;
	(void)arg;
	return 0;
}

/**
 * s2o_release_pages() - give up claimed pages, unchanged.
 * @pfn: first page frame.
 * @nr: number of pages, all claimed by the caller.
 */
void s2o_release_pages(u64 pfn, u64 nr)
{
	u64 i;

	for (i = 0; i < nr; i++) {
		struct s2o_page *p = s2o_pfn_page(pfn + i);

		s2o_store_release(&p->state,
				  (u8)(s2o_read_once(&p->state) & ~S2O_PS_BUSY));
	}
}

/**
 * s2o_claim_pages() - take every page of a range for a transition.
 * @pfn: first page frame (range already checked).
 * @nr: number of pages.
 * @check: whether a page's state allows the transition.
 * @arg: passed to @check.
 *
 * Pages are claimed lowest first; a page another transition holds is
 * waited for, so the check sees a settled state. On failure the pages
 * claimed so far are released: nothing changed.
 *
 * Return: 0 with all pages claimed, or the first error @check returned.
 */
int s2o_claim_pages(u64 pfn, u64 nr, s2o_page_check_fn check,
		    const void *arg)
{
	u64 i;
	int ret;

	for (i = 0; i < nr; i++) {
		struct s2o_page *p = s2o_pfn_page(pfn + i);
		u8 state;

		do {
			state = s2o_load_acquire(&p->state);
			if (state & S2O_PS_BUSY) {
				s2o_relax_unheld();
				continue;
			}
			ret = check(state, p, arg);
			if (ret) {
				s2o_release_pages(pfn, i);
				return ret;
			}
		} while ((state & S2O_PS_BUSY) ||
			 !__atomic_compare_exchange_n(
				 &p->state, &state, state | S2O_PS_BUSY, false,
				 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED));
	}
	return 0;
}

/**
 * s2o_set_pages() - publish the new state of claimed pages, releasing them.
 * @pfn: first page frame.
 * @nr: number of pages.
 * @state: the new state.
 * @vm: the owning VM for guest states, else 0.
 */
void s2o_set_pages(u64 pfn, u64 nr, enum s2o_pstate state, u8 vm)
{
	u64 i;

	for (i = 0; i < nr; i++) {
		struct s2o_page *p = s2o_pfn_page(pfn + i);

		/* Read without a claim by s2o_page_query() and claim checks. */
		__atomic_store_n(&p->vm, vm, __ATOMIC_RELAXED);
		s2o_store_release(&p->state, (u8)state);
	}
}

static struct s2o_leaf owner_leaf(u32 owner)
{
	return (struct s2o_leaf){ .attrs = s2o_pte_annotation(owner) };
}

/**
 * s2o_host_owner_bound() - tables s2o_host_set_owner() may need.
 * @pfn: first page frame, of pages the caller has claimed.
 * @nr: number of pages.
 * @owner: the owner they will get.
 *
 * Giving pages back to the host, the pages are annotated now, so no table
 * above them can collapse under the caller: the count for the current
 * tables is exact (often 0), and the host can take memory back even when
 * the pool is dry. Taking pages from the host, other CPUs may collapse
 * tables over them meanwhile: the worst case it is.
 *
 * Return: the number of table pages to reserve.
 */
u64 s2o_host_owner_bound(u64 pfn, u64 nr, u32 owner)
{
	struct s2o_leaf leaf = owner_leaf(owner);
	u64 addr = pfn << S2O_PAGE_SHIFT, size = nr << S2O_PAGE_SHIFT;

	if (owner == S2O_OWNER_HOST)
		return s2o_pgt_tables_needed(&s2o_host_mmu.pgt, addr, size,
					     &leaf);
	return s2o_pgt_tables_bound(addr, size, &leaf);
}

/**
 * s2o_host_set_owner() - annotate a range's owner in the host stage-2.
 * @pfn: first page frame.
 * @nr: number of pages.
 * @owner: S2O_OWNER_HYP or S2O_OWNER_GUEST to take the range from the
 *         host, S2O_OWNER_HOST to give it back (tables coalesce).
 * @reserved: the caller's table-page reservation.
 *
 * Return: 0.
 */
int s2o_host_set_owner(u64 pfn, u64 nr, u32 owner, u64 *reserved)
{
	struct s2o_leaf leaf = owner_leaf(owner);

	return s2o_pgt_set_range(&s2o_host_mmu.pgt, pfn << S2O_PAGE_SHIFT,
				 nr << S2O_PAGE_SHIFT, &leaf,
				 owner == S2O_OWNER_HOST ? S2O_COALESCE :
							   S2O_NO_COALESCE,
				 reserved);
}

/*
 * The largest block around @ipa that the host may map: no larger than the
 * free entry found at @level, and inside one kind of memory.
 */
static u32 host_fault_level(u64 ipa, u32 level)
{
	u64 start, end;

	s2o_memory_range(ipa, &start, &end);
	for (level = S2O_MAX(level, S2O_LEAST_BLOCK_LEVEL); level < 3;
	     level++) {
		u64 gran = s2o_granule(level);
		u64 base = S2O_ALIGN_DOWN(ipa, gran);

		if (base >= start && base + gran <= end)
			break;
	}
	return level;
}

struct fault_data {
	u64 attrs;
	u64 reserved;
};

/*
 * The table a fault's split creates may come out of the host reserve if
 * the reserve counts it: a level-2 or level-3 table (shrink frees it once
 * idle), or the level-1 table of a level-0 entry covering RAM. A level-1
 * table anywhere else would stay for good: taken from the reserve, touches
 * 512G apart would use it up.
 */
static int host_fault_reserve(const struct s2o_walk_ctx *ctx, u64 *reserved)
{
	u64 end = ctx->addr + s2o_granule(ctx->level);
	int ret;

	if (*reserved)
		return 0;
	if (ctx->level == S2O_START_LEVEL &&
	    !s2o_regions_have_ram(s2o_memmap.regions, s2o_memmap.nr_regions,
				  ctx->addr, end))
		ret = s2o_pool_reserve(1);
	else
		ret = s2o_pool_reserve_host(1);
	if (!ret)
		*reserved = 1;
	return ret;
}

/*
 * One walk down to @ipa decides and maps: the entry it stops at is the one
 * it changes, so a racing transition either changed it first (the
 * compare-and-swap fails and the walk goes again) or comes after.
 */
static int host_fault_visitor(struct s2o_walk_ctx *ctx)
{
	struct fault_data *d = ctx->arg;
	u64 ipa = ctx->start;
	u32 level;
	int ret;

	if (s2o_pte_is_locked(ctx->old))
		return -S2OWN_EAGAIN;
	if (s2o_pte_valid(ctx->old))
		return 0;	/* another CPU mapped it first */
	if (s2o_pte_owner(ctx->old) != S2O_OWNER_HOST)
		return -S2OWN_EPERM;
	level = host_fault_level(ipa, ctx->level);
	if (level > ctx->level) {
		ret = host_fault_reserve(ctx, &d->reserved);
		return ret ? ret : s2o_pte_split(ctx, &d->reserved);
	}
	return s2o_pte_set_leaf(ctx, s2o_pte_leaf(ctx->addr, d->attrs, level));
}

/**
 * s2o_host_handle_fault() - map what the host faulted on, if it owns it.
 * @ipa: the faulting address (an identity map: IPA == PA).
 *
 * Return: 0 when a mapping is in place (or the host should just retry),
 * -EPERM if the host does not own @ipa, -EINVAL beyond the IPA space,
 * -ENOMEM if no table page is left even after freeing idle tables (the
 * host reserve keeps that for level-0 entries without RAM, and races with
 * other CPUs' faults, which then made progress).
 */
int s2o_host_handle_fault(u64 ipa)
{
	const struct s2o_mem_region *r = s2o_find_region(ipa);
	struct fault_data d = {
		.attrs = r ? S2O_PTE_HOST_RAM : S2O_PTE_HOST_MMIO,
	};
	struct s2o_walker walker = {
		.cb = host_fault_visitor,
		.arg = &d,
		.flags = S2O_VISIT_LEAF,
	};
	int ret;

	if (ipa >> S2O_IPA_BITS)
		ret = -S2OWN_EINVAL;
	else if (r && r->type != S2O_MEM_RAM)
		ret = -S2OWN_EPERM;
	else {
		s2o_op_begin();
		/*
		 * A transition was refused table pages: the host's idle tables
		 * may be what holds them. Free those first, or with the host
		 * reserve to fault from, nothing ever would.
		 */
		if (s2o_pool_test_and_clear_refused())
			s2o_pgt_shrink(&s2o_host_mmu.pgt);
		ret = s2o_walk(&s2o_host_mmu.pgt,
			       S2O_ALIGN_DOWN(ipa, S2O_PAGE_SIZE),
			       S2O_PAGE_SIZE, &walker);
		/* Out of table pages: free idle tables, then try once more. */
		if (ret == -S2OWN_ENOMEM && s2o_pgt_shrink(&s2o_host_mmu.pgt))
			ret = s2o_walk(&s2o_host_mmu.pgt,
				       S2O_ALIGN_DOWN(ipa, S2O_PAGE_SIZE),
				       S2O_PAGE_SIZE, &walker);
		s2o_pool_unreserve(d.reserved);
		s2o_op_end();
	}
	s2o_stat_inc(&s2o_counters.host_faults);
	if (ret)
		s2o_stat_inc(&s2o_counters.host_faults_refused);
	return ret;
}

/*
 * A host <-> hyp transition: pages in state @from become @to, and the host
 * stage-2 annotates them with @owner. Sharing changes no mapping: the host
 * keeps its access, the state lives in the metadata only.
 */
static int host_hyp_transition(u64 pfn, u64 nr, u8 from, u8 to, int owner)
{
	u64 reserved = 0;
	int ret;

	s2o_op_begin();
	ret = s2o_check_pfn_range(pfn, nr);
	if (!ret)
		ret = s2o_claim_pages(pfn, nr, s2o_page_in_state, &from);
	if (!ret && owner >= 0) {
		reserved = s2o_host_owner_bound(pfn, nr, owner);
		ret = s2o_pool_reserve(reserved);
		if (ret) {
			reserved = 0;
			s2o_release_pages(pfn, nr);
		}
	}
	if (!ret) {
		if (owner >= 0)
			s2o_host_set_owner(pfn, nr, owner, &reserved);
		s2o_set_pages(pfn, nr, to, 0);
	}
	s2o_pool_unreserve(reserved);
	s2o_op_end();
	return ret;
}

/** s2o_host_share_hyp() - the host lets the hypervisor access its pages. */
int s2o_host_share_hyp(u64 pfn, u64 nr)
{
	return host_hyp_transition(pfn, nr, S2O_PS_HOST,
				   S2O_PS_HOST_SHARED_HYP, -1);
}

/** s2o_host_unshare_hyp() - end a share; the host still owns the pages. */
int s2o_host_unshare_hyp(u64 pfn, u64 nr)
{
	return host_hyp_transition(pfn, nr, S2O_PS_HOST_SHARED_HYP,
				   S2O_PS_HOST, -1);
}

/** s2o_host_donate_hyp() - the hypervisor becomes the pages' owner. */
int s2o_host_donate_hyp(u64 pfn, u64 nr)
{
	return host_hyp_transition(pfn, nr, S2O_PS_HOST, S2O_PS_HYP,
				   S2O_OWNER_HYP);
}

/**
 * s2o_hyp_donate_host() - give pages the host donated back to it.
 * @pfn: first page frame; the hypervisor's own RAM is refused (-EPERM).
 * @nr: number of pages.
 *
 * Return: 0 or a negative errno, as the other transitions.
 */
int s2o_hyp_donate_host(u64 pfn, u64 nr)
{
	return host_hyp_transition(pfn, nr, S2O_PS_HYP, S2O_PS_HOST,
				   S2O_OWNER_HOST);
}

/**
 * s2o_get_stats() - a snapshot of the counters and the pool.
 * @stats: filled in.
 */
void s2o_get_stats(struct s2own_stats *stats)
{
#define READ_COUNTER(name) stats->name = s2o_read_once(&s2o_counters.name);
	S2OWN_STATS(READ_COUNTER)
#undef READ_COUNTER
	stats->table_pages_used = s2o_pool_nr_used();
	stats->table_pages_free = s2o_pool_nr_free();
}
