// SPDX-License-Identifier: GPL-2.0-only
/*
 * The stage-2 walker and the operations built on it: set a range (splitting
 * blocks with break-before-make, collapsing tables the stage-2's ops allow),
 * find a leaf, tear a stage-2 down.
 *
 * Every descriptor change goes through s2o_arch_pte_cmpxchg(); walkers hold
 * a reference on each table page they are inside. The protocol is in
 * docs/walker-refcounts.md.
 */
#include "pgtable.h"
#include "atomic.h"
#include "pool.h"
#include "stats.h"
#include "sync.h"
#include "trace.h"

static u64 *table_va(u64 pa)
{
	return s2o_arch_table_va(pa);
}

/* The entry's site, for checking backends (arch.h: S2O_SITE()). */
#define SITE_OF(ctx) S2O_SITE((ctx)->pgt->vmid, (ctx)->level, (ctx)->addr)

struct walk_data {
	const struct s2o_walker *walker;
	struct s2o_pgt *pgt;
	u64 start, end;
	u64 addr;	/* next IPA to visit */
};

static int walk_table(struct walk_data *d, u64 *table, struct s2o_page *meta,
		      u32 level);

/*
 * Whether the table entry @pte, which the walk has left, gets its
 * post-order visit: it is still a table (another CPU may have collapsed
 * it meanwhile), and unblocked if the walker wants only those.
 */
static inline __attribute__((always_inline)) bool
post_wanted(unsigned int flags, u64 pte, u32 level)
{
	return s2o_pte_is_table(pte, level) &&
	       (!(flags & S2O_VISIT_POST_UNBLOCKED) ||
		!s2o_read_once(&s2o_pa_page(s2o_pte_addr(pte))->nr_blockers));
}

static int visit(struct walk_data *d, struct s2o_walk_ctx *ctx,
		 enum s2o_visit what)
{
	if (!(d->walker->flags & what))
		return 0;
	ctx->visit = what;
	return d->walker->cb(ctx);
}

static int walk_entry(struct walk_data *d, u64 *ptep, struct s2o_page *meta,
		      u32 level)
{
	u64 gran = s2o_granule(level);
	struct s2o_walk_ctx ctx = {
		.pgt = d->pgt,
		.ptep = ptep,
		.addr = S2O_ALIGN_DOWN(d->addr, gran),
		.start = d->start,
		.end = d->end,
		.level = level,
		.table = meta,
		.arg = d->walker->arg,
	};
	struct s2o_page *child;
	bool was_table;
	int ret;

retry:
	ctx.split = false;
	ctx.old = s2o_load_acquire(ptep);
	was_table = s2o_pte_is_table(ctx.old, level);
	if (was_table)
		ret = visit(d, &ctx, S2O_VISIT_TABLE_PRE);
	else
		ret = visit(d, &ctx, S2O_VISIT_LEAF);
	if (ret)
		return ret;

	ctx.old = s2o_load_acquire(ptep);
	if (!s2o_mutant(SKIP_REVISIT) && !s2o_pte_is_table(ctx.old, level) &&
	    (was_table || ctx.split)) {
		/*
		 * The entry was a table when read (or the leaf visitor just
		 * split it), but another CPU has locked or collapsed that
		 * table since: its range was never visited as a leaf. Going
		 * on would skip it, and a transition would return with part
		 * of its range unchanged. Visit the entry again.
		 */
		goto retry;
	}
	if (s2o_pte_is_table(ctx.old, level)) {
		/*
		 * Only tables that can coalesce (levels 2 and 3) are ever
		 * unlinked under a walker: the others need no reference, which
		 * keeps the hot upper tables' metadata out of every walk.
		 */
		bool counted = level >= S2O_LEAST_BLOCK_LEVEL;

		child = s2o_pa_page(s2o_pte_addr(ctx.old));
		if (counted && !s2o_walk_get_table(ptep, ctx.old, child))
			goto retry;
		ret = walk_table(d, table_va(s2o_pte_addr(ctx.old)), child,
				 level + 1);
		if (counted && !s2o_mutant(COLLAPSE_HOLDING_REF))
			s2o_walk_put_table(child);
		if (ret)
			return ret;
		/* A post-order visitor that loses a race leaves it. */
		ctx.old = s2o_load_acquire(ptep);
		if (post_wanted(d->walker->flags, ctx.old, level)) {
			ret = visit(d, &ctx, S2O_VISIT_TABLE_POST);
			if (ret && ret != -S2OWN_EAGAIN)
				return ret;
		}
		if (counted && s2o_mutant(COLLAPSE_HOLDING_REF))
			s2o_walk_put_table(child);
	}
	d->addr = ctx.addr + gran;
	return 0;
}

static int walk_table(struct walk_data *d, u64 *table, struct s2o_page *meta,
		      u32 level)
{
	u32 idx;
	int ret;

	for (idx = s2o_pte_index(d->addr, level);
	     idx < S2O_PTRS_PER_TABLE && d->addr < d->end; idx++) {
		ret = walk_entry(d, &table[idx], meta, level);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The depth (counted from the root) of the first table entry whose table
 * a walk holds: tables below level S2O_LEAST_BLOCK_LEVEL are never
 * unlinked, so a walk holds none of them.
 */
#define FIRST_HELD (S2O_LEAST_BLOCK_LEVEL - S2O_START_LEVEL)

/*
 * Let go of the tables a walk of one page holds, the lowest first, and
 * post-visit the entries it went in by, each after the table below is let
 * go and where post_wanted(), as walk_entry() does.
 */
static int walk_page_out(const struct s2o_walker *walker,
			 struct s2o_walk_ctx *ctx, u64 **path,
			 const u64 *tables, struct s2o_page **held, u32 depth,
			 int ret)
{
	u32 nr_held = depth;

	ctx->visit = S2O_VISIT_TABLE_POST;
	while (depth--) {
		u32 level = S2O_START_LEVEL + depth;
		int post;

		if (depth >= FIRST_HELD && !s2o_mutant(COLLAPSE_HOLDING_REF))
			s2o_walk_put_table(held[depth]);
		if (ret)
			continue;
		ctx->ptep = path[depth];
		ctx->old = s2o_load_acquire(ctx->ptep);
		if (!post_wanted(walker->flags, ctx->old, level))
			continue;
		ctx->addr = S2O_ALIGN_DOWN(ctx->start, s2o_granule(level));
		ctx->level = level;
		ctx->table = s2o_pa_page(tables[depth]);
		ctx->split = false;
		post = walker->cb(ctx);
		if (post && post != -S2OWN_EAGAIN)
			ret = post;
	}
	while (s2o_mutant(COLLAPSE_HOLDING_REF) && nr_held-- > FIRST_HELD)
		s2o_walk_put_table(held[nr_held]);
	return ret;
}

/*
 * A walk of one page that wants no pre-order visit (a fault, a lookup, a
 * one-page change): down the tables with nothing but the table's address
 * and the level, the leaf visited as walk_entry() visits any entry (if it
 * turned into a table, by the visitor's split or another CPU's, the walk
 * goes on into it; if the visitor split it but it is a leaf again,
 * collapsed by another CPU, it is visited again), then out of the tables.
 * Without post-order visits the way out is letting go of at most two.
 */
static int walk_page_once(struct s2o_pgt *pgt, u64 start, u64 end,
			  const struct s2o_walker *walker)
{
	u64 *path[4];			/* entries the walk went in by */
	u64 tables[4];			/* the tables holding them */
	struct s2o_page *held[4];	/* the tables they point to */
	struct s2o_walk_ctx ctx;
	u64 pa = pgt->root_pa;
	u32 depth = 0;
	int ret = 0;	/* a page skipped (the mutant) says it went well */

	for (;;) {
		u32 level = S2O_START_LEVEL + depth;
		u64 *ptep = (u64 *)table_va(pa) + s2o_pte_index(start, level);
		u64 old = s2o_load_acquire(ptep);

		if (!s2o_pte_is_table(old, level)) {
			ctx = (struct s2o_walk_ctx){
				.pgt = pgt,
				.ptep = ptep,
				.old = old,
				.addr = S2O_ALIGN_DOWN(start,
						       s2o_granule(level)),
				.start = start,
				.end = end,
				.level = level,
				.table = s2o_pa_page(pa),
				.visit = S2O_VISIT_LEAF,
				.arg = walker->arg,
			};
			ret = walker->cb(&ctx);
			if (ret)
				break;
			old = s2o_load_acquire(ptep);
			if (!s2o_pte_is_table(old, level)) {
				if (ctx.split && !s2o_mutant(SKIP_REVISIT))
					continue;	/* collapsed: again */
				break;
			}
		}
		if (depth >= FIRST_HELD) {
			struct s2o_page *child = s2o_pa_page(s2o_pte_addr(old));

			if (!s2o_walk_get_table(ptep, old, child)) {
				if (s2o_mutant(SKIP_REVISIT))
					goto skip;	/* the bug */
				continue;	/* changed: read it again */
			}
			held[depth] = child;
		}
		path[depth] = ptep;
		tables[depth++] = pa;
		pa = s2o_pte_addr(old);
	}
	if (walker->flags & S2O_VISIT_TABLE_POST)
		return walk_page_out(walker, &ctx, path, tables, held, depth,
				     ret);
skip:
	while (depth-- > FIRST_HELD)
		s2o_walk_put_table(held[depth]);
	return ret;
}

/* walk_page_once() until no visitor says -EAGAIN, as s2o_walk() does. */
static int __attribute__((noinline)) walk_page(struct s2o_pgt *pgt, u64 start,
					       u64 end,
					       const struct s2o_walker *walker)
{
	int ret;

	while ((ret = walk_page_once(pgt, start, end, walker)) == -S2OWN_EAGAIN)
		s2o_relax_unheld();
	return ret;
}

/**
 * s2o_walk() - visit every entry of a stage-2 that translates a range.
 * @pgt: the stage-2.
 * @addr: first IPA.
 * @size: bytes; the range must lie below 2^48.
 * @walker: the visitor and which kinds of entries it wants to see.
 *
 * A visitor that meets an entry another CPU has locked returns -EAGAIN:
 * the walker then leaves every table, holding nothing, and walks down
 * again from the root to the entry it had reached. Waiting in place could
 * deadlock against a collapser waiting for this walker to leave.
 *
 * Return: 0, or the first error a visitor returned.
 */
int s2o_walk(struct s2o_pgt *pgt, u64 addr, u64 size,
	     const struct s2o_walker *walker)
{
	struct walk_data d = {
		.walker = walker,
		.pgt = pgt,
		.start = addr,
		.end = addr + size,
		.addr = addr,
	};
	int ret;

	if (size <= S2O_PAGE_SIZE && (walker->flags & S2O_VISIT_LEAF) &&
	    !(walker->flags & S2O_VISIT_TABLE_PRE))
		return walk_page(pgt, addr, addr + size, walker);
	for (;;) {
		ret = walk_table(&d, table_va(pgt->root_pa),
				 s2o_pa_page(pgt->root_pa), S2O_START_LEVEL);
		if (ret != -S2OWN_EAGAIN)
			return ret;
		s2o_relax_unheld();
	}
}

/**
 * s2o_walk_all() - visit a whole stage-2, every entry the walker asks for.
 * @pgt: the stage-2.
 * @cb: the visitor.
 * @arg: passed to @cb in its context.
 * @flags: enum s2o_visit bits.
 *
 * Return: as s2o_walk().
 */
int s2o_walk_all(struct s2o_pgt *pgt, s2o_visitor_fn cb, void *arg,
		 unsigned int flags)
{
	struct s2o_walker walker = { .cb = cb, .arg = arg, .flags = flags };

	return s2o_walk(pgt, 0, 1ULL << S2O_IPA_BITS, &walker);
}

/**
 * s2o_pgt_init() - set up an empty stage-2.
 * @pgt: the stage-2.
 * @vmid: its VMID.
 * @ops: its owner's policy.
 * @root_pa: the page for its root table, nobody else's.
 */
void s2o_pgt_init(struct s2o_pgt *pgt, u16 vmid,
		  const struct s2o_pgt_ops *ops, u64 root_pa)
{
	pgt->root_pa = root_pa;
	pgt->vmid = vmid;
	pgt->ops = ops;
	s2o_arch_table_fill(table_va(root_pa), S2O_PTE_EMPTY, 0);
	/*
	 * Not refs: stale walkers may still hold the reused page briefly.
	 * Atomic: a stale collapser may read nr_blockers too (and then fail
	 * to lock its entry).
	 */
	s2o_write_once(&s2o_pa_page(root_pa)->nr_blockers, 0);
}

/*
 * Tables a range change can need, at most: at each level, one per entry the
 * range touches without covering it, plus one per touched entry that cannot
 * hold the leaf (level 0, or an output address misaligned for the level).
 */
static u64 tables_at_level(u64 addr, u64 end, u32 level, bool leaf_ok)
{
	u64 g = s2o_granule(level);
	u64 first = S2O_ALIGN_DOWN(addr, g), last = S2O_ALIGN_DOWN(end - 1, g);
	bool head = !S2O_ALIGNED(addr, g), tail = !S2O_ALIGNED(end, g);

	if (!leaf_ok)
		return (last - first) / g + 1;
	if (first == last)
		return head || tail;
	return head + tail;
}

/**
 * s2o_pgt_tables_bound() - table pages s2o_pgt_set_range() may allocate.
 * @addr: first IPA of the range.
 * @size: bytes, non-zero.
 * @leaf: what the range will hold.
 *
 * Return: an upper bound that holds whatever the current tables look like,
 * so a reservation of that many pages cannot run out part-way.
 */
u64 s2o_pgt_tables_bound(u64 addr, u64 size, const struct s2o_leaf *leaf)
{
	u64 delta = leaf->valid ? leaf->oa - addr : 0;
	u64 n = 0;
	u32 level;

	/*
	 * Less than a level-3 table's span, inside one (one page, a VM's
	 * page pair: the usual calls): a table at every level above it.
	 */
	if (size < s2o_granule(2) &&
	    S2O_ALIGN_DOWN(addr, s2o_granule(2)) ==
		    S2O_ALIGN_DOWN(addr + size - 1, s2o_granule(2)))
		return 3 - S2O_START_LEVEL;
	for (level = S2O_START_LEVEL; level < 3; level++) {
		bool leaf_ok = level >= S2O_LEAST_BLOCK_LEVEL &&
			       S2O_ALIGNED(delta, s2o_granule(level));

		n += tables_at_level(addr, addr + size, level, leaf_ok);
	}
	return n;
}

struct needed_data {
	const struct s2o_leaf *leaf;
	u64 tables;
	bool empty_only;	/* a valid leaf in the range stops the walk */
	struct s2o_pgt_plan *plan;	/* or NULL */
};

/* Whether @leaf over [@addr, @addr + granule) fits in one entry at @level. */
static bool leaf_fits(const struct s2o_leaf *leaf, u64 addr, u64 start,
		      u32 level)
{
	u64 delta = leaf->valid ? leaf->oa - start : 0;

	return level >= S2O_LEAST_BLOCK_LEVEL &&
	       S2O_ALIGNED(addr + delta, s2o_granule(level));
}

static int needed_visitor(struct s2o_walk_ctx *ctx)
{
	struct needed_data *d = ctx->arg;
	u64 gran = s2o_granule(ctx->level);
	u64 start = S2O_MAX(ctx->addr, ctx->start);
	u64 end = S2O_MIN(ctx->addr + gran, ctx->end);
	u64 delta = d->leaf->valid ? d->leaf->oa - ctx->start : 0;
	u32 level;

	if (d->empty_only && s2o_pte_valid(ctx->old))
		return -S2OWN_EBUSY;
	/* The range is this one entry, and it can hold the leaf: write it. */
	if (d->plan && ctx->addr == ctx->start &&
	    ctx->addr + gran == ctx->end &&
	    leaf_fits(d->leaf, ctx->addr, ctx->start, ctx->level)) {
		*d->plan = (struct s2o_pgt_plan){
			.ptep = ctx->ptep,
			.old = ctx->old,
			.level = ctx->level,
			.table = ctx->table,
		};
		return 0;
	}
	/* What splitting this leaf could need, as in the geometric bound. */
	for (level = ctx->level; level < 3; level++) {
		bool leaf_ok = level >= S2O_LEAST_BLOCK_LEVEL &&
			       S2O_ALIGNED(delta, s2o_granule(level));

		d->tables += tables_at_level(start, end, level, leaf_ok);
	}
	return 0;
}

static int walk_needed(struct s2o_pgt *pgt, u64 addr, u64 size,
		       struct needed_data *d)
{
	struct s2o_walker walker = {
		.cb = needed_visitor,
		.arg = d,
		.flags = S2O_VISIT_LEAF,
	};

	return s2o_walk(pgt, addr, size, &walker);
}

/**
 * s2o_pgt_tables_needed() - table pages s2o_pgt_set_range() needs given the
 * tables as they are now.
 * @pgt: the stage-2.
 * @addr: first IPA of the range.
 * @size: bytes, non-zero.
 * @leaf: what the range will hold.
 *
 * Exact for the current tables, so only usable where no other CPU can
 * collapse a table over the range before the change: a VM's stage-2 under
 * its lock, or a host range whose pages the caller has claimed and which
 * are all annotated (busy), so no table above them can collapse. Never
 * more than s2o_pgt_tables_bound().
 *
 * Return: the number of table pages.
 */
u64 s2o_pgt_tables_needed(struct s2o_pgt *pgt, u64 addr, u64 size,
			  const struct s2o_leaf *leaf)
{
	struct needed_data d = { .leaf = leaf };

	walk_needed(pgt, addr, size, &d);
	return d.tables;
}

/**
 * s2o_pgt_plan() - plan a range change of a stage-2 nothing else changes
 * until s2o_pgt_apply_plan() (a VM's, under its lock; its tables never
 * collapse).
 * @pgt: the stage-2.
 * @addr: first IPA of the range.
 * @size: bytes, non-zero.
 * @leaf: what the range will hold.
 * @over: what the range may hold now.
 * @plan: set to the plan: its table pages (as s2o_pgt_tables_needed())
 *        and, where the range is one entry that can hold @leaf, that entry.
 *
 * Return: 0, or -EBUSY if @over is S2O_PLAN_OVER_UNMAPPED and an entry in
 * the range is valid.
 */
int s2o_pgt_plan(struct s2o_pgt *pgt, u64 addr, u64 size,
		 const struct s2o_leaf *leaf, enum s2o_plan_over over,
		 struct s2o_pgt_plan *plan)
{
	struct needed_data d = {
		.leaf = leaf,
		.empty_only = over == S2O_PLAN_OVER_UNMAPPED,
		.plan = plan,
	};
	int ret;

	plan->ptep = NULL;
	ret = walk_needed(pgt, addr, size, &d);
	plan->tables = d.tables;
	return ret;
}

struct set_range_data {
	const struct s2o_leaf *leaf;
	u64 *reserved;
};

static void account_blockers(struct s2o_walk_ctx *ctx, u64 old, u64 new)
{
	int delta = (int)s2o_pte_blocks_collapse(ctx->pgt, new, ctx->level) -
		    (int)s2o_pte_blocks_collapse(ctx->pgt, old, ctx->level);

	if (delta > 0)
		s2o_add_return(&ctx->table->nr_blockers, 1);
	else if (delta < 0)
		s2o_sub_return(&ctx->table->nr_blockers, 1);
}

/*
 * Lock the entry for a change: a valid entry becomes LOCKED (invalid) and
 * its translations are invalidated, so whatever comes next is break-before-
 * make. An invalid entry is locked too, so no other CPU fills it meanwhile.
 */
static int pte_lock(struct s2o_walk_ctx *ctx)
{
	if (s2o_pte_is_locked(ctx->old))
		return -S2OWN_EAGAIN;
	if (s2o_arch_pte_cmpxchg(ctx->ptep, ctx->old, S2O_PTE_LOCKED,
				 SITE_OF(ctx)) != ctx->old)
		return -S2OWN_EAGAIN;
	if (s2o_pte_is_table(ctx->old, ctx->level)) {
		s2o_arch_tlbi_range(ctx->pgt->vmid, ctx->addr,
				    s2o_granule(ctx->level));
		s2o_stat_inc(&s2o_counters.tlbi_range);
		s2o_trace(S2OWN_TEV_TLBI, S2OWN_TLBI_RANGE, ctx->pgt->vmid, 0,
			  0, ctx->addr, s2o_granule(ctx->level));
	} else if (s2o_pte_valid(ctx->old) && !s2o_mutant(NO_LEAF_TLBI)) {
		s2o_arch_tlbi_ipa(ctx->pgt->vmid, ctx->addr, ctx->level);
		s2o_stat_inc(&s2o_counters.tlbi_ipa);
		s2o_trace(S2OWN_TEV_TLBI, S2OWN_TLBI_IPA, ctx->pgt->vmid, 0,
			  ctx->level, ctx->addr, 0);
	}
	return 0;
}

static void pte_unlock(struct s2o_walk_ctx *ctx, u64 new)
{
	s2o_arch_pte_cmpxchg(ctx->ptep, S2O_PTE_LOCKED, new, SITE_OF(ctx));
}

static u64 leaf_pte(const struct s2o_leaf *leaf, u64 addr, u64 start,
		    u32 level)
{
	if (!leaf->valid)
		return leaf->attrs;
	return s2o_pte_leaf(leaf->oa + (addr - start), leaf->attrs, level);
}

/**
 * s2o_pte_split() - replace a leaf by a table of 512 entries that translate
 * the same, break-before-make.
 * @ctx: the walker's context at the leaf.
 * @reserved: the caller's reservation, at least one page.
 *
 * Return: 0, or -EAGAIN if another CPU changed the entry.
 */
int s2o_pte_split(struct s2o_walk_ctx *ctx, u64 *reserved)
{
	u64 old = ctx->old, child_gran = s2o_granule(ctx->level + 1);
	struct s2o_page *meta;
	u64 pa;
	int ret;

	S2O_BUG_ON(!*reserved);
	ret = pte_lock(ctx);
	if (ret)
		return ret;

	pa = ctx->pgt->ops->table_alloc(ctx->pgt);
	(*reserved)--;
	/* The same translation: smaller leaves of the block, or its copies. */
	if (s2o_pte_valid(old))
		s2o_arch_table_fill(table_va(pa),
				    s2o_pte_leaf(s2o_pte_addr(old),
						 s2o_pte_leaf_attrs(old),
						 ctx->level + 1),
				    child_gran);
	else
		s2o_arch_table_fill(table_va(pa), old, 0);
	meta = s2o_pa_page(pa);
	if (s2o_mutant(ALLOC_RESETS_REFS))
		s2o_write_once(&meta->refs, 0);
	/* Atomic: a collapser with a stale entry may read it meanwhile. */
	s2o_write_once(&meta->nr_blockers,
		       s2o_pte_blocks_collapse(ctx->pgt, old, ctx->level + 1) ?
			       S2O_PTRS_PER_TABLE : 0);

	account_blockers(ctx, old, s2o_pte_table(pa));
	pte_unlock(ctx, s2o_pte_table(pa));
	ctx->split = true;	/* the walker must get into it */
	if (old != S2O_PTE_EMPTY)
		s2o_stat_inc(&s2o_counters.splits);
	/* Every split, an empty entry's too: arg says which it was. */
	s2o_trace(S2OWN_TEV_SPLIT, ctx->level, ctx->pgt->vmid, 0, 0, ctx->addr,
		  old);
	return 0;
}

/**
 * s2o_pte_set_leaf() - replace a leaf by another, break-before-make.
 * @ctx: the walker's context at the leaf.
 * @new: the new leaf value (valid, or an invalid annotation).
 *
 * The table's busy count is updated before the walker leaves the table,
 * which is what a collapser relies on (docs/walker-refcounts.md).
 *
 * Return: 0, or -EAGAIN if another CPU changed the entry.
 */
int s2o_pte_set_leaf(struct s2o_walk_ctx *ctx, u64 new)
{
	int ret;

	if (ctx->old == new)
		return 0;
	if (!s2o_pte_valid(ctx->old) && !s2o_pte_is_locked(ctx->old)) {
		/* Nothing to invalidate: one compare-and-swap does it. */
		if (s2o_arch_pte_cmpxchg(ctx->ptep, ctx->old, new,
					 SITE_OF(ctx)) != ctx->old)
			return -S2OWN_EAGAIN;
		account_blockers(ctx, ctx->old, new);
		return 0;
	}
	ret = pte_lock(ctx);
	if (ret)
		return ret;
	account_blockers(ctx, ctx->old, new);
	pte_unlock(ctx, new);
	return 0;
}

/**
 * s2o_pte_collapse() - replace a table entry by a leaf, freeing the table.
 * @ctx: the walker's context at a table entry, post-order (the walker
 *       holds no reference on the table any more).
 * @new: the leaf.
 *
 * Lock the entry, let walkers inside the table drain, re-check that no
 * entry blocks the collapse (a racing transition may have made one
 * meanwhile: then put the table back), and only then install @new and
 * free the page. pte_lock() invalidated the range, so no TLB can walk the
 * page once it is freed. docs/walker-refcounts.md, "Collapser".
 *
 * Return: 0 once collapsed, -EBUSY if an entry blocks it, -EAGAIN if
 * another CPU changed the entry first.
 */
int s2o_pte_collapse(struct s2o_walk_ctx *ctx, u64 new)
{
	struct s2o_page *child = s2o_pa_page(s2o_pte_addr(ctx->old));
	bool idle;
	int ret;

	if (s2o_read_once(&child->nr_blockers))
		return -S2OWN_EBUSY;
	idle = s2o_mutant(RELAXED_LOCK) && !s2o_load(&child->refs);
	ret = pte_lock(ctx);
	if (ret)
		return ret;
	if (!idle)
		s2o_wait_table_idle(child);
	if (!s2o_mutant(NO_RECHECK) && s2o_load_acquire(&child->nr_blockers)) {
		pte_unlock(ctx, ctx->old);
		return -S2OWN_EBUSY;
	}
	account_blockers(ctx, ctx->old, new);
	pte_unlock(ctx, new);
	s2o_pool_free(s2o_pte_addr(ctx->old));
	return 0;
}

/*
 * Counted and traced out of line: inlined, what the trace point keeps
 * live cost the set-range visitor a register save on every entry.
 */
static void __attribute__((noinline)) coalesced(struct s2o_walk_ctx *ctx,
						u64 leaf)
{
	s2o_stat_inc(&s2o_counters.coalesces);
	s2o_trace(S2OWN_TEV_COALESCE, ctx->level, ctx->pgt->vmid, 0, 0,
		  ctx->addr, leaf);
}

/*
 * A table no entry blocks any more (S2O_VISIT_POST_UNBLOCKED: the walker
 * visits no other) becomes what its owner allows.
 */
static int try_coalesce(struct s2o_walk_ctx *ctx)
{
	const struct s2o_pgt_ops *ops = ctx->pgt->ops;
	u64 leaf;

	if (ops->collapse_to && ops->collapse_to(ctx->addr, ctx->level, &leaf) &&
	    !s2o_pte_collapse(ctx, leaf))
		coalesced(ctx, leaf);
	return 0;
}

static int set_range_visitor(struct s2o_walk_ctx *ctx)
{
	const struct set_range_data *d = ctx->arg;
	u64 gran = s2o_granule(ctx->level);
	bool covered = ctx->addr >= ctx->start && ctx->addr + gran <= ctx->end;
	u64 new;

	if (ctx->visit == S2O_VISIT_TABLE_POST)
		return try_coalesce(ctx);
	if (s2o_pte_is_locked(ctx->old))
		return -S2OWN_EAGAIN;

	new = leaf_pte(d->leaf, ctx->addr, ctx->start, ctx->level);
	if (covered && ctx->level >= S2O_LEAST_BLOCK_LEVEL &&
	    (!d->leaf->valid || S2O_ALIGNED(s2o_pte_addr(new), gran)))
		return s2o_pte_set_leaf(ctx, new);
	/*
	 * The reservation covers each split once. A table this walk split is
	 * split again only if another CPU collapsed it meanwhile, freeing a
	 * page: take one back as the owner says, and wait for one rather
	 * than fail half-way through the range.
	 */
	if (!*d->reserved) {
		S2O_BUG_ON(!ctx->pgt->ops->reserve_resplit);
		if (ctx->pgt->ops->reserve_resplit())
			return -S2OWN_EAGAIN;
		*d->reserved = 1;
	}
	return s2o_pte_split(ctx, d->reserved);
}

/**
 * s2o_pgt_set_range() - make every entry translating a range hold a leaf.
 * @pgt: the stage-2.
 * @addr: first IPA, page aligned.
 * @size: bytes, page aligned, non-zero.
 * @leaf: what to install; valid leaves map @leaf->oa + (IPA - @addr).
 * @coalesce: whether tables no entry blocks afterwards collapse (into
 *            what the stage-2's ops say).
 * @reserved: pages the caller reserved (at least s2o_pgt_tables_needed()
 *            where nothing else can change the tables, else
 *            s2o_pgt_tables_bound()); decremented for each page taken.
 *
 * Leaves go at the largest level the range and the output address allow;
 * blocks partly covered are split first. It cannot fail: the reservation
 * holds every table page it may take.
 */
void s2o_pgt_set_range(struct s2o_pgt *pgt, u64 addr, u64 size,
		       const struct s2o_leaf *leaf, enum s2o_coalesce coalesce,
		       u64 *reserved)
{
	struct set_range_data d = {
		.leaf = leaf,
		.reserved = reserved,
	};
	/* Post-order visits only coalesce: without, the walk skips them. */
	const unsigned int post = S2O_VISIT_TABLE_POST |
				  S2O_VISIT_POST_UNBLOCKED;
	struct s2o_walker walker = {
		.cb = set_range_visitor,
		.arg = &d,
		.flags = S2O_VISIT_LEAF | (coalesce == S2O_COALESCE ? post : 0),
	};

	S2O_BUG_ON(s2o_walk(pgt, addr, size, &walker));
}

/**
 * s2o_pgt_apply_plan() - make the change s2o_pgt_plan() planned.
 * @pgt: the stage-2, unchanged since the plan.
 * @addr: first IPA, as planned.
 * @size: bytes, as planned.
 * @leaf: what to install, as planned.
 * @plan: the plan; its tables are the reservation, taken from as used.
 *
 * The entry the plan found is written in place; without one, the range
 * is set as s2o_pgt_set_range() does, tables never coalescing.
 */
void s2o_pgt_apply_plan(struct s2o_pgt *pgt, u64 addr, u64 size,
			const struct s2o_leaf *leaf, struct s2o_pgt_plan *plan)
{
	struct s2o_walk_ctx ctx = {
		.pgt = pgt,
		.ptep = plan->ptep,
		.old = plan->old,
		.addr = addr,
		.start = addr,
		.end = addr + size,
		.level = plan->level,
		.table = plan->table,
	};

	if (!plan->ptep) {
		s2o_pgt_set_range(pgt, addr, size, leaf, S2O_NO_COALESCE,
				  &plan->tables);
		return;
	}
	S2O_BUG_ON(s2o_pte_set_leaf(&ctx, leaf_pte(leaf, addr, addr,
						   plan->level)));
}

struct leaf_data {
	u64 pte;
	u32 level;
};

static int get_leaf_visitor(struct s2o_walk_ctx *ctx)
{
	struct leaf_data *d = ctx->arg;

	d->pte = ctx->old;
	d->level = ctx->level;
	return 0;
}

/**
 * s2o_pgt_get_leaf() - the leaf entry translating an address.
 * @pgt: the stage-2.
 * @addr: the IPA.
 * @pte: set to the entry's value (possibly invalid or locked).
 * @level: set to its level.
 */
void s2o_pgt_get_leaf(struct s2o_pgt *pgt, u64 addr, u64 *pte, u32 *level)
{
	struct leaf_data d = { 0 };
	struct s2o_walker walker = {
		.cb = get_leaf_visitor,
		.arg = &d,
		.flags = S2O_VISIT_LEAF,
	};

	s2o_walk(pgt, S2O_ALIGN_DOWN(addr, S2O_PAGE_SIZE), S2O_PAGE_SIZE,
		 &walker);
	*pte = d.pte;
	*level = d.level;
}
