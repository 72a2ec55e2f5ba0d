// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host stage-2: the host's policy for it, the owner annotations, the
 * fault path, and the host <-> hypervisor transitions.
 */
#include "mem_protect.h"
#include "pool.h"
#include "stats.h"
#include "sync.h"
#include "trace.h"
#include "transition.h"

struct s2o_host_mmu s2o_host_mmu;

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
 * s2o_host_block_at() - the host block an entry may hold.
 * @addr: first IPA the entry translates.
 * @level: its level.
 * @block: set to the block descriptor.
 *
 * What a host table coalesces into: the block the host's next fault would
 * map there.
 *
 * Return: whether the entry's whole range is one kind of host memory (a
 * RAM region or an MMIO gap) so that one block can map it.
 */
bool s2o_host_block_at(u64 addr, u32 level, u64 *block)
{
	u64 gran = s2o_granule(level), start, end;
	const struct s2o_mem_region *r;

	if (level < S2O_LEAST_BLOCK_LEVEL)
		return false;
	r = s2o_memory_range(addr, &start, &end);
	if (r && r->type != S2O_MEM_RAM)
		return false;
	if (addr < start || addr + gran > end)
		return false;
	*block = s2o_pte_leaf(addr, r ? S2O_PTE_HOST_RAM : S2O_PTE_HOST_MMIO,
			      level);
	return true;
}

/*
 * A table a transition split, collapsed by another CPU before the walk got
 * into it, is split again from any unreserved page, the host reserve
 * included: the collapse gave a page back first, so the transition still
 * holds no more than it reserved, and keeping the reserve would have it
 * wait for the host to run its pool dry.
 */
static int host_reserve_resplit(void)
{
	return s2o_pool_reserve_host(1);
}

static u64 host_table_alloc(struct s2o_pgt *pgt)
{
	(void)pgt;
	return s2o_pool_alloc_reserved();
}

static const struct s2o_pgt_ops host_pgt_ops = {
	/*
	 * Host-default entries never keep a table: valid identity leaves and
	 * EMPTY (owner 0, "the host's, not mapped yet"). Other owners'
	 * annotations do.
	 */
	.owners_block = true,
	.collapse_to = s2o_host_block_at,
	.reserve_resplit = host_reserve_resplit,
	.table_alloc = host_table_alloc,
};

/*
 * The hypervisor's RAM says owner=hyp in the host stage-2, as pKVM's does:
 * a dump shows every page's owner, and the checker holds the annotation
 * to the page state. The tables stay: shrink only frees host-default ones.
 */
static int host_annotate_hyp_ram(void)
{
	for (unsigned int i = 0; i < s2o_memmap.nr_regions; i++) {
		const struct s2o_mem_region *r = &s2o_memmap.regions[i];
		u64 pfn = r->base >> S2O_PAGE_SHIFT;
		u64 nr = r->size >> S2O_PAGE_SHIFT, reserved;

		if (r->type != S2O_MEM_HYP)
			continue;
		reserved = s2o_host_owner_bound(pfn, nr, S2O_OWNER_HYP);
		if (s2o_pool_reserve(reserved))
			return -S2OWN_ENOMEM;
		s2o_host_set_owner(pfn, nr, S2O_OWNER_HYP, &reserved);
		s2o_pool_unreserve(reserved);
	}
	return 0;
}

/**
 * s2o_host_mmu_init() - the host stage-2 at boot: every entry EMPTY (the
 * host's, mapped on its first touch) but the hypervisor's RAM, owner=hyp.
 *
 * Its root may come out of the host reserve; the tables of the annotation
 * may not (they are never freed, and the reserve is what the host's faults
 * need on top of what stays). So the smallest pool that boots holds the
 * root, those tables and the reserve; only the host's faults then get
 * table pages.
 *
 * Return: 0, or -ENOMEM if the pool cannot hold the root and the tables
 * the annotation needs.
 */
int s2o_host_mmu_init(void)
{
	int ret = s2o_pool_reserve_host(1);

	if (ret)
		return ret;
	s2o_pgt_init(&s2o_host_mmu.pgt, S2O_HOST_VMID, &host_pgt_ops,
		     s2o_pool_alloc_reserved());
	return host_annotate_hyp_ram();
}

/** s2o_host_vttbr() - VTTBR_EL2 for the host: root table and VMID 0. */
u64 s2o_host_vttbr(void)
{
	return s2o_host_mmu.pgt.root_pa | ((u64)S2O_HOST_VMID << 48);
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
 * Taking pages from the host, other CPUs may collapse tables over them
 * meanwhile: the worst case it is, whatever the tables look like now.
 * Giving them back, s2o_host_give_back_tables() has the exact count.
 *
 * Return: the number of table pages to reserve.
 */
u64 s2o_host_owner_bound(u64 pfn, u64 nr, u32 owner)
{
	struct s2o_leaf leaf = owner_leaf(owner);

	return s2o_pgt_tables_bound(pfn << S2O_PAGE_SHIFT, nr << S2O_PAGE_SHIFT,
				    &leaf);
}

/**
 * s2o_host_give_back_tables() - the exact count of tables giving a
 * transition's pages back to the host needs (its @tables_exact).
 * @t: the transition, its pages claimed.
 *
 * The pages are annotated another owner's now, so no table above them
 * can collapse under the caller: the count for the current tables holds
 * (often 0), and the host can take memory back even when the pool is too
 * dry for the bound.
 *
 * Return: the number of table pages to reserve.
 */
u64 s2o_host_give_back_tables(struct s2o_transition *t)
{
	struct s2o_leaf leaf = owner_leaf(S2O_OWNER_HOST);

	return s2o_pgt_tables_needed(&s2o_host_mmu.pgt,
				     t->pfn << S2O_PAGE_SHIFT,
				     t->nr << S2O_PAGE_SHIFT, &leaf);
}

/**
 * s2o_host_set_owner() - annotate a range's owner in the host stage-2.
 * @pfn: first page frame.
 * @nr: number of pages.
 * @owner: S2O_OWNER_HYP or S2O_OWNER_GUEST to take the range from the
 *         host, S2O_OWNER_HOST to give it back (tables coalesce).
 * @reserved: the caller's table-page reservation.
 */
void s2o_host_set_owner(u64 pfn, u64 nr, u32 owner, u64 *reserved)
{
	struct s2o_leaf leaf = owner_leaf(owner);

	s2o_pgt_set_range(&s2o_host_mmu.pgt, pfn << S2O_PAGE_SHIFT,
			  nr << S2O_PAGE_SHIFT, &leaf,
			  owner == S2O_OWNER_HOST ? S2O_COALESCE :
						    S2O_NO_COALESCE,
			  reserved);
}

static int shrink_visitor(struct s2o_walk_ctx *ctx)
{
	u64 *freed = ctx->arg;

	/* Level-1 tables are walked without references: never unlink them. */
	if (ctx->level < S2O_LEAST_BLOCK_LEVEL)
		return 0;
	if (!s2o_pte_collapse(ctx, S2O_PTE_EMPTY))
		(*freed)++;
	return 0;
}

/**
 * s2o_host_shrink() - free the host's idle tables.
 *
 * A level-2 or level-3 table holding only host-default entries (mappings
 * the host would fault back in, or nothing) is replaced by an empty entry,
 * which still says "host-owned": the host refaults it later. This is what
 * lets the fault path make progress when the pool runs dry, as pKVM unmaps
 * MMIO and retries.
 *
 * Return: the number of table pages freed.
 */
u64 s2o_host_shrink(void)
{
	u64 freed = 0;

	s2o_walk_all(&s2o_host_mmu.pgt, shrink_visitor, &freed,
		     S2O_VISIT_TABLE_POST);
	return freed;
}

struct fault_data {
	u64 attrs;
	u64 reserved;
	u64 start, end;		/* the kind of memory the fault is in */
	u32 level;	/* of the entry mapped, or found (tracing) */
	unsigned int access;	/* S2O_FAULT_* */
};

/*
 * The largest block around @ipa that the host may map: no larger than the
 * free entry found at @level, and inside one kind of memory.
 */
static u32 host_fault_level(const struct fault_data *d, u64 ipa, u32 level)
{
	for (level = S2O_MAX(level, S2O_LEAST_BLOCK_LEVEL); level < 3;
	     level++) {
		u64 gran = s2o_granule(level);
		u64 base = S2O_ALIGN_DOWN(ipa, gran);

		if (base >= d->start && base + gran <= d->end)
			break;
	}
	return level;
}

/*
 * Whether a host leaf with attributes @attrs lets the host make @access.
 * Stage 2 checks data accesses against S2AP and instruction fetches
 * against XN only.
 */
static bool host_leaf_allows(u64 attrs, unsigned int access)
{
	if (access & S2O_FAULT_EXEC)
		return !(attrs & S2O_PTE_XN);
	if (access & S2O_FAULT_WRITE)
		return attrs & S2O_PTE_S2AP_W;
	return attrs & S2O_PTE_S2AP_R;
}

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

	d->level = ctx->level;
	if (s2o_pte_is_locked(ctx->old))
		return -S2OWN_EAGAIN;
	/*
	 * Mapped: by another CPU first (or the fault came from a stale TLB
	 * entry), and the host retries; unless the mapping does not allow
	 * the access, which then faults forever.
	 */
	if (s2o_pte_valid(ctx->old))
		return host_leaf_allows(s2o_pte_leaf_attrs(ctx->old),
					d->access) ? 0 : -S2OWN_EPERM;
	if (s2o_pte_owner(ctx->old) != S2O_OWNER_HOST)
		return -S2OWN_EPERM;
	level = host_fault_level(d, ipa, ctx->level);
	if (level > ctx->level) {
		ret = host_fault_reserve(ctx, &d->reserved);
		return ret ? ret : s2o_pte_split(ctx, &d->reserved);
	}
	return s2o_pte_set_leaf(ctx, s2o_pte_leaf(ctx->addr, d->attrs, level));
}

/**
 * s2o_host_handle_fault() - map what the host faulted on, if it owns it
 * and may access it so.
 * @ipa: the faulting address (an identity map: IPA == PA).
 * @access: what the access was, S2O_FAULT_* bits.
 *
 * Return: 0 when a mapping that allows @access is in place (or the host
 * should just retry); -EPERM if the host does not own @ipa, or its mapping
 * of @ipa does not allow @access (an instruction fetch from MMIO, which is
 * mapped execute-never): then nothing is mapped; -EINVAL beyond the IPA
 * space; -ENOMEM if no table page is left even after freeing idle tables
 * (the host reserve keeps that for level-0 entries without RAM, and races
 * with other CPUs' faults, which then made progress).
 */
int s2o_host_handle_fault(u64 ipa, unsigned int access)
{
	struct fault_data d = { .access = access };
	const struct s2o_mem_region *r = s2o_memory_range(ipa, &d.start,
							  &d.end);
	struct s2o_walker walker = {
		.cb = host_fault_visitor,
		.arg = &d,
		.flags = S2O_VISIT_LEAF,
	};
	int ret;

	d.attrs = r ? S2O_PTE_HOST_RAM : S2O_PTE_HOST_MMIO;
	if (ipa >> S2O_IPA_BITS)
		ret = -S2OWN_EINVAL;
	else if ((r && r->type != S2O_MEM_RAM) ||
		 !host_leaf_allows(d.attrs, access))
		ret = -S2OWN_EPERM;	/* the mapping would not allow it */
	else {
		s2o_op_begin();
		/*
		 * A transition was refused table pages: the host's idle tables
		 * may be what holds them. Free those first, or with the host
		 * reserve to fault from, nothing ever would.
		 */
		if (s2o_pool_test_and_clear_refused())
			s2o_host_shrink();
		ret = s2o_walk(&s2o_host_mmu.pgt,
			       S2O_ALIGN_DOWN(ipa, S2O_PAGE_SIZE),
			       S2O_PAGE_SIZE, &walker);
		/* Out of table pages: free idle tables, then try once more. */
		if (ret == -S2OWN_ENOMEM && s2o_host_shrink())
			ret = s2o_walk(&s2o_host_mmu.pgt,
				       S2O_ALIGN_DOWN(ipa, S2O_PAGE_SIZE),
				       S2O_PAGE_SIZE, &walker);
		s2o_pool_unreserve(d.reserved);
		s2o_op_end();
	}
	s2o_stat_inc(&s2o_counters.host_faults);
	if (ret)
		s2o_stat_inc(&s2o_counters.host_faults_refused);
	s2o_trace(S2OWN_TEV_HOST_FAULT, d.level, 0, ret, 0, ipa, 0);
	return ret;
}

/*
 * A host <-> hyp transition: pages in state @from become @to, and the host
 * stage-2 annotates them with @owner. Sharing changes no mapping: the host
 * keeps its access, the state lives in the metadata only.
 */
struct host_hyp {
	struct s2o_transition t;
	u8 from, to;
	bool annotate;
	u32 owner;
};

static int host_hyp_prepare(struct s2o_transition *t, u64 *tables)
{
	struct host_hyp *h = s2o_container_of(t, struct host_hyp, t);

	*tables = s2o_host_owner_bound(t->pfn, t->nr, h->owner);
	return 0;
}

static void host_hyp_apply(struct s2o_transition *t, u64 *reserved)
{
	struct host_hyp *h = s2o_container_of(t, struct host_hyp, t);

	if (h->annotate)
		s2o_host_set_owner(t->pfn, t->nr, h->owner, reserved);
	s2o_set_pages(t->pfn, t->nr, h->to, 0);
}

/* The call a host <-> hyp transition is, for its trace record. */
static u8 host_hyp_call(u8 from, u8 to)
{
	if (from == S2O_PS_HOST)
		return to == S2O_PS_HYP ? S2OWN_TCALL_DONATE_HYP :
					  S2OWN_TCALL_SHARE_HYP;
	return from == S2O_PS_HYP ? S2OWN_TCALL_HYP_DONATE_HOST :
				    S2OWN_TCALL_UNSHARE_HYP;
}

static int host_hyp_transition(u64 pfn, u64 nr, u8 from, u8 to,
			       bool annotate, u32 owner)
{
	struct host_hyp h = {
		.t = {
			.pfn = pfn,
			.nr = nr,
			.check_page = s2o_page_in_state,
			.check_arg = &h.from,
			.prepare = annotate ? host_hyp_prepare : NULL,
			.tables_exact = owner == S2O_OWNER_HOST ?
						s2o_host_give_back_tables : NULL,
			.apply = host_hyp_apply,
		},
		.from = from,
		.to = to,
		.annotate = annotate,
		.owner = owner,
	};

	return s2o_transition_op(&h.t, host_hyp_call(from, to));
}

/** s2o_host_share_hyp() - the host lets the hypervisor access its pages. */
int s2o_host_share_hyp(u64 pfn, u64 nr)
{
	return host_hyp_transition(pfn, nr, S2O_PS_HOST,
				   S2O_PS_HOST_SHARED_HYP, false, 0);
}

/** s2o_host_unshare_hyp() - end a share; the host still owns the pages. */
int s2o_host_unshare_hyp(u64 pfn, u64 nr)
{
	return host_hyp_transition(pfn, nr, S2O_PS_HOST_SHARED_HYP,
				   S2O_PS_HOST, false, 0);
}

/** s2o_host_donate_hyp() - the hypervisor becomes the pages' owner. */
int s2o_host_donate_hyp(u64 pfn, u64 nr)
{
	return host_hyp_transition(pfn, nr, S2O_PS_HOST, S2O_PS_HYP, true,
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
	return host_hyp_transition(pfn, nr, S2O_PS_HYP, S2O_PS_HOST, true,
				   S2O_OWNER_HOST);
}

