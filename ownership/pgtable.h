/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Stage-2 page tables: one generic walker with visitors (like KVM's
 * pgtable.c) and the few operations every transition is made of. It knows
 * descriptors, levels, walking, splitting, collapsing and the walker
 * refcount protocol; what an owner of a stage-2 wants (which entries keep
 * a table, what a table collapses into, where a late table page comes
 * from) it asks the stage-2's ops, as KVM asks its pte_ops.
 */
#ifndef S2OWN_PGTABLE_H
#define S2OWN_PGTABLE_H

#include "page.h"
#include "pte.h"

struct s2o_pgt;

struct s2o_pgt_ops {
	/*
	 * Which entries keep the table holding them from collapsing: tables
	 * always; with @owners_block, invalid entries naming an owner too
	 * (the host's annotations). Data, not a call: every leaf change
	 * counts them.
	 */
	bool owners_block;
	/*
	 * Whether the table whose entry translates [@addr, @addr + granule of
	 * @level) may collapse once no entry blocks it, and into what (@pte).
	 * NULL: tables of this stage-2 never collapse.
	 */
	bool (*collapse_to)(u64 addr, u32 level, u64 *pte);
	/*
	 * Reserve one table page for a split the caller could not plan: a
	 * table its walk split was collapsed by another CPU before the walk
	 * got into it. Needed only where tables collapse.
	 */
	int (*reserve_resplit)(void);
	/* A table page the caller reserved (host: the pool; VM: its cache). */
	u64 (*table_alloc)(struct s2o_pgt *pgt);
};

struct s2o_pgt {
	u64 root_pa;
	u16 vmid;
	const struct s2o_pgt_ops *ops;
};

enum s2o_visit {
	S2O_VISIT_LEAF = 1 << 0,	/* a block, page or invalid entry */
	S2O_VISIT_TABLE_PRE = 1 << 1,	/* a table entry, before its children */
	S2O_VISIT_TABLE_POST = 1 << 2,	/* a table entry, after its children */
	/*
	 * With TABLE_POST: only a table no entry blocks (nr_blockers 0 when
	 * read, just before the visit), what a coalescing walk can act on;
	 * the walker skips the others for the cost of a load.
	 */
	S2O_VISIT_POST_UNBLOCKED = 1 << 3,
};

struct s2o_walk_ctx {
	struct s2o_pgt *pgt;
	u64 *ptep;
	u64 old;		/* *ptep as read before the visit */
	u64 addr;		/* first IPA translated by *ptep */
	u64 start, end;		/* the range being walked */
	u32 level;
	struct s2o_page *table;	/* metadata of the table holding *ptep */
	enum s2o_visit visit;
	bool split;		/* s2o_pte_split() made *ptep a table */
	void *arg;
};

/*
 * A visitor returns 0 to go on, -EAGAIN to have the entry read and visited
 * again (it lost a race for it), or another negative errno to stop the walk.
 * A leaf visitor that turns its entry into a table makes the walker descend
 * into the new table.
 */
typedef int (*s2o_visitor_fn)(struct s2o_walk_ctx *ctx);

struct s2o_walker {
	s2o_visitor_fn cb;
	void *arg;
	unsigned int flags;	/* enum s2o_visit bits */
};

int s2o_walk(struct s2o_pgt *pgt, u64 addr, u64 size,
	     const struct s2o_walker *walker);
int s2o_walk_all(struct s2o_pgt *pgt, s2o_visitor_fn cb, void *arg,
		 unsigned int flags);

/* What s2o_pgt_set_range() installs over a range. */
struct s2o_leaf {
	bool valid;
	u64 attrs;	/* valid: leaf attributes; invalid: the whole value */
	u64 oa;		/* valid: output address of the range's first IPA */
};

/*
 * Whether a range change may coalesce tables that end up holding only
 * host-default entries (the host stage-2 after a page comes back to it).
 */
enum s2o_coalesce {
	S2O_NO_COALESCE,
	S2O_COALESCE,
};

/*
 * A range change of a stage-2 that nothing else can change meanwhile (a
 * VM's, under its lock), planned in one walk and made by
 * s2o_pgt_apply_plan(), which walks again only where the plan did not
 * find the one entry to write.
 */
struct s2o_pgt_plan {
	u64 tables;		/* table pages the change needs */
	u64 *ptep;		/* the entry to write, or NULL: walk */
	u64 old;		/* *ptep as the plan read it */
	u32 level;
	struct s2o_page *table;	/* of the table holding *ptep */
};

/* What a planned range may hold now. */
enum s2o_plan_over {
	S2O_PLAN_OVER_ANY,
	S2O_PLAN_OVER_UNMAPPED,	/* a valid entry in the range: -EBUSY */
};

u64 s2o_pgt_tables_bound(u64 addr, u64 size, const struct s2o_leaf *leaf);
u64 s2o_pgt_tables_needed(struct s2o_pgt *pgt, u64 addr, u64 size,
			  const struct s2o_leaf *leaf);
int s2o_pgt_plan(struct s2o_pgt *pgt, u64 addr, u64 size,
		 const struct s2o_leaf *leaf, enum s2o_plan_over over,
		 struct s2o_pgt_plan *plan);
void s2o_pgt_apply_plan(struct s2o_pgt *pgt, u64 addr, u64 size,
			const struct s2o_leaf *leaf, struct s2o_pgt_plan *plan);
void s2o_pgt_init(struct s2o_pgt *pgt, u16 vmid,
		  const struct s2o_pgt_ops *ops, u64 root_pa);
void s2o_pgt_set_range(struct s2o_pgt *pgt, u64 addr, u64 size,
		       const struct s2o_leaf *leaf, enum s2o_coalesce coalesce,
		       u64 *reserved);
void s2o_pgt_get_leaf(struct s2o_pgt *pgt, u64 addr, u64 *pte, u32 *level);

/* For visitors: change the entry at @ctx (see their kernel-doc). */
int s2o_pte_set_leaf(struct s2o_walk_ctx *ctx, u64 new);
int s2o_pte_split(struct s2o_walk_ctx *ctx, u64 *reserved);
int s2o_pte_collapse(struct s2o_walk_ctx *ctx, u64 new);

static inline bool s2o_pte_blocks_collapse(const struct s2o_pgt *pgt,
					   u64 pte, u32 level)
{
	return s2o_pte_is_table(pte, level) ||
	       (pgt->ops->owners_block && !s2o_pte_valid(pte) &&
		s2o_pte_owner(pte));
}

#endif /* S2OWN_PGTABLE_H */
