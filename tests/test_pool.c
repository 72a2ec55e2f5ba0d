// SPDX-License-Identifier: GPL-2.0-only
/*
 * The table pool, which only the host stage-2 draws on (a VM's tables come
 * from the cache its host tops up): running dry (every call that needs a
 * table page fails with -ENOMEM and changes nothing, every other error is
 * reported first, what needs no table from it still works), and the host
 * reserve: its size, the tables donations split never take it, the host's
 * faults do, freeing idle tables when it is used up, and everything
 * recovers once the host takes its pages back.
 */
#include "harness_cmocka.h"

#include <stdlib.h>
#include <string.h>

#include "../ownership/mem_protect.h"
#include "../ownership/pool.h"

/* ---- Table pool exhaustion ----------------------------------------------- */

/*
 * Use up every table page but the host reserve: a fault in a new 512G slot
 * of MMIO takes exactly one (its level-1 table), never from the reserve.
 * Returns the first slot that failed.
 */
static u64 fill_pool(void)
{
	struct s2own_stats st;
	u64 k;
	int ret;

	for (k = 1; k < 512; k++) {
		ret = host_read_fault(k << 39);
		if (ret == ENOMEM_)
			break;
		assert_int_equal(ret, 0);
	}
	assert_true(k < 512);
	s2o_get_stats(&st);
	assert_int_equal(st.table_pages_free, HOST_RESERVE);
	return k;
}

#define POOL 64ULL

static void pool_exhaustion(void **state)
{
	const u64 g3 = PFN(3 * GIB), fresh = PFN(4 * GIB) + 7;
	const u64 pages[] = { g3, g3 + 1, g3 + 1024, g3 + 1025, g3 + 2048,
			      g3 + 2049, TARGET, fresh };
	u64 slot;
	int a, b;

	(void)state;
	assert_int_equal(harness_setup_pool(POOL), 0);
	a = vm_new();
	b = vm_new();
	assert_true(a > 0 && b > 0);
	/* 2M chunks: VM a's two, VM b's (destroyed), the hypervisor's. */
	assert_int_equal(s2o_host_donate_guest(a, g3, 0, 1024), 0);
	assert_int_equal(s2o_host_donate_guest(b, g3 + 1024, 0, 512), 0);
	assert_int_equal(vm_destroy(b), 0);
	assert_int_equal(s2o_host_donate_hyp(g3 + 2048, 512), 0);
	assert_int_equal(s2o_host_donate_guest(a, TARGET, 0x800, 1), 0);
	/* Shared, the host maps it again: its tables coalesce. */
	assert_guest_call(s2o_guest_share, a, 0x800, 1, 0, 1);
	slot = fill_pool();
	watch_pages(pages, S2O_ARRAY_SIZE(pages));

	ASSERT_NOOP(ENOMEM_, host_read_fault(slot << 39),
		    "fault needing a table");
	ASSERT_NOOP(ENOMEM_, s2o_host_donate_hyp(fresh, 1),
		    "donate_hyp splitting an empty 1G entry");
	ASSERT_NOOP(ENOMEM_, s2o_host_donate_guest(a, fresh, 0x1000, 1),
		    "donate_guest");
	ASSERT_NOOP(ENOMEM_, vm_new(), "vm_create");
	ASSERT_NOOP(ENOMEM_, s2o_vm_topup(a, fresh, 1),
		    "vm_topup splitting an empty 1G entry");
	ASSERT_NOOP(ENOMEM_, guest_call_ret(s2o_guest_share, a, 1, 1),
		    "guest_share splitting the host's 2M annotation");
	ASSERT_NOOP(ENOMEM_, guest_call_ret(s2o_guest_unshare, a, 0x800, 1),
		    "guest_unshare splitting the host's block again");
	ASSERT_NOOP(ENOMEM_, s2o_host_reclaim_guest(g3 + 1025, 1),
		    "reclaim splitting the host's 2M annotation");
	ASSERT_NOOP(ENOMEM_, s2o_hyp_donate_host(g3 + 2049, 1),
		    "hyp_donate_host splitting the host's 2M annotation");
	/* Every other error is reported before -ENOMEM. */
	ASSERT_NOOP(EBUSY_, s2o_host_donate_guest(a, fresh, 5, 1),
		    "onto a mapped gfn, pool empty");
	ASSERT_NOOP(EPERM_, s2o_host_donate_guest(a, g3 + 2048, 0x1000, 1),
		    "hyp page, pool empty");
	ASSERT_NOOP(EBUSY_, s2o_host_reclaim_guest(g3, 1),
		    "live guest page, pool empty");
	ASSERT_NOOP(EFAULT_, guest_call_ret(s2o_guest_relinquish, a, 0x1000,
					    1),
		    "unmapped gfn, pool empty");
	ASSERT_NOOP(EPERM_, guest_call_ret(s2o_guest_relinquish, a, 0x800, 1),
		    "relinquish of a shared page, pool empty");
	/*
	 * A whole 2M of the guest's shares: back to the host, no split. Taking
	 * it back reserves the worst case, as every call taking pages from
	 * the host does: other CPUs may coalesce tables over them meanwhile.
	 */
	assert_guest_call(s2o_guest_share, a, 0, 512, 0, 512);
	ASSERT_NOOP(ENOMEM_, guest_call_ret(s2o_guest_unshare, a, 0, 512),
		    "guest_unshare of a whole 2M, pool at the reserve");
	/* What needs no table from the pool still works. */
	assert_int_equal(s2o_host_share_hyp(fresh, 1), 0);
	assert_int_equal(s2o_host_unshare_hyp(fresh, 1), 0);
	assert_int_equal(host_touch(0, pa_of(fresh), NULL), 0);
	/* Splitting the guest's 2M block: its cache pays. */
	assert_int_equal(vm_cache_left(a), VM_TOPUP - 3);
	assert_guest_call(s2o_guest_relinquish, a, 513, 1, 0, 1);
	assert_int_equal(vm_cache_left(a), VM_TOPUP - 4);
	assert_page(g3 + 513, ST_RELINQ, a, "relinquished, pool empty");

	/*
	 * Destroying VM a, and taking back its own pages and every page at
	 * 3G, coalesces the host tables that annotated them: the pool works
	 * again.
	 */
	assert_int_equal(vm_destroy(a), 0);
	assert_int_equal(tables_used(), POOL - HOST_RESERVE - 2);
	assert_int_equal(s2o_host_reclaim_guest(g3, 1536), 0);
	assert_int_equal(s2o_hyp_donate_host(g3 + 2048, 512), 0);
	assert_int_equal(tables_used(), POOL - HOST_RESERVE - 3);
	assert_int_equal(s2o_host_donate_hyp(fresh, 1), 0);
	assert_page(fresh, ST_HYP, 0, "after recovery");
	assert_host_faults_everywhere(pa_of(fresh), "after recovery");
}

/* ---- The host reserve ---------------------------------------------------- */

/*
 * What s2o_host_reserve_pages() counts, on maps the tracker never runs;
 * the smallest pool the tracker boots with.
 */
static void host_reserve_size(void **state)
{
	const u64 block_pfn = PFN(BLOCK_1G);
	static const struct s2o_mem_region usual[] = {
		{ HYP_BASE, HYP_END - HYP_BASE, S2O_MEM_HYP },
		{ RAM_BASE, RAM_END - RAM_BASE, S2O_MEM_RAM },
	};
	/* RAM under level-0 entries 0 and 3; entry 1 holds only hyp RAM. */
	static const struct s2o_mem_region sparse[] = {
		{ GIB, GIB, S2O_MEM_RAM },
		{ 600 * GIB, GIB, S2O_MEM_HYP },
		{ 1536 * GIB + 4 * PAGE, PAGE, S2O_MEM_RAM },
	};
	/* One region across the boundary between entries 0 and 1. */
	static const struct s2o_mem_region straddle[] = {
		{ 511 * GIB, 2 * GIB, S2O_MEM_RAM },
	};
	struct s2o_init_params p = {
		.regions = usual,
		.nr_regions = 2,
		.pool_base = POOL_BASE,
		.pool_pages = POOL_PAGES,
	};
	void *metadata = malloc(s2o_metadata_bytes(usual, 2));
	struct s2own_stats st;

	(void)state;
	assert_non_null(metadata);
	assert_int_equal(s2o_host_reserve_pages(usual, 2, HARNESS_NR_CPUS),
			 HOST_RESERVE);
	assert_int_equal(s2o_host_reserve_pages(sparse, 3, 3), 2 * 3 + 2);
	assert_int_equal(s2o_host_reserve_pages(sparse + 1, 1, 3), 2 * 3);
	assert_int_equal(s2o_host_reserve_pages(straddle, 1, 1), 2 + 2);

	/* No CPU to size it for: refused before anything is reset. */
	p.metadata = metadata;
	assert_int_equal(host_touch(0, BLOCK_1G, NULL), 0);
	assert_int_equal(s2o_init(&p), EINVAL_);
	free(metadata);
	assert_int_equal(tables_used(), BOOT_TABLES);
	s2o_get_stats(&st);
	assert_int_equal(st.host_faults, 1);

	/*
	 * The root may come out of the reserve, the tables that annotate the
	 * hypervisor's RAM may not: they are never freed, and the reserve is
	 * what the host's faults need on top of what stays. The smallest pool
	 * that boots holds them and the reserve; its free pages are then the
	 * host's only.
	 */
	assert_int_equal(harness_setup_pool(BOOT_TABLES + HOST_RESERVE - 1),
			 ENOMEM_);
	assert_int_equal(harness_setup_pool(BOOT_TABLES + HOST_RESERVE), 0);
	s2o_get_stats(&st);
	assert_int_equal(st.table_pages_used, BOOT_TABLES);
	assert_int_equal(st.table_pages_free, HOST_RESERVE);
	watch_pages(&block_pfn, 1);
	ASSERT_NOOP(ENOMEM_, vm_new(), "vm_create, pool at the reserve");
	ASSERT_NOOP(ENOMEM_, s2o_host_donate_hyp(PFN(BLOCK_1G), 1),
		    "donate_hyp, pool at the reserve");
	assert_int_equal(host_touch(0, RAM_BASE + 2 * MIB, NULL), 0);
	assert_int_equal(host_touch(1, BLOCK_1G, NULL), 0);
	assert_int_equal(tables_used(), BOOT_TABLES);
}

/*
 * The map of the tests below: RAM with MMIO holes off the 2M grid, so that
 * a host fault next to one needs a level-2 and a level-3 table. A 2M hole
 * 1M into each 1G block at 2G, 3G and 4G (two mixed 2M blocks each), and a
 * 4K hole in the blocks at 1G and 3G (the level-2 table of the one at 1G
 * is boot's, for the hypervisor's RAM: a fault there needs a level-3).
 */
#define HOLE(g) ((u64)(g) * GIB + MIB)	/* [HOLE, HOLE + 2M) is MMIO */
#define PINHOLE (3 * GIB + 512 * MIB + 5 * PAGE)
#define PINHOLE1 (1 * GIB + 512 * MIB + 5 * PAGE)

static const struct s2o_mem_region holey_map[] = {
	{ HYP_BASE, HYP_END - HYP_BASE, S2O_MEM_HYP },
	{ RAM_BASE, PINHOLE1 - RAM_BASE, S2O_MEM_RAM },
	{ PINHOLE1 + PAGE, HOLE(2) - PINHOLE1 - PAGE, S2O_MEM_RAM },
	{ HOLE(2) + 2 * MIB, HOLE(3) - HOLE(2) - 2 * MIB, S2O_MEM_RAM },
	{ HOLE(3) + 2 * MIB, PINHOLE - HOLE(3) - 2 * MIB, S2O_MEM_RAM },
	{ PINHOLE + PAGE, HOLE(4) - PINHOLE - PAGE, S2O_MEM_RAM },
	{ HOLE(4) + 2 * MIB, RAM_END - HOLE(4) - 2 * MIB, S2O_MEM_RAM },
};

#define HOLEY_POOL 64ULL
/*
 * The fills donate FILL_PAGE(i) at gfn i: a 2M block of the host's each,
 * consecutive in the VM. The VM's own pages are in the first block; the
 * hypervisor's 2M chunks the fills give pages back from at FILL_HYP.
 */
#define FILL_PFN PFN(2 * GIB + 512 * MIB)
#define FILL_PAGE(i) (FILL_PFN + 512 * (u64)(i))
#define FILL_OWN (FILL_PFN + 1)
#define FILL_HYP PFN(2 * GIB + 128 * MIB)
#define FILL_HYP_CHUNKS 3

static int setup_holey(void **state)
{
	(void)state;
	return harness_setup_map(holey_map, S2O_ARRAY_SIZE(holey_map),
				 HOLEY_POOL);
}

struct fill {
	int vm;			/* it got the pages */
	u64 nr_pages;		/* donated, FILL_PAGE(0) on */
	u64 nr_back;		/* FILL_HYP chunks split by a give-back */
};

/*
 * Fill the pool with host tables the way a host's calls do: single pages
 * donated to a VM 2M apart (a level-3 table each; the VM's own tables
 * come from its cache), until -ENOMEM; then, as a donation reserves the
 * worst case, a page the hypervisor gives back out of each of its 2M
 * chunks (exactly one table each), until -ENOMEM. Each refused call must
 * change nothing. The pool is then exactly at the host reserve.
 */
static void fill_with_host_tables(struct fill *f)
{
	struct s2own_stats st;
	u64 pfn, used;
	int ret;

	memset(f, 0, sizeof(*f));
	f->vm = vm_create_at(FILL_OWN, VM_TOPUP);
	assert_true(f->vm > 0);
	assert_int_equal(s2o_host_donate_hyp(FILL_HYP,
					     512 * FILL_HYP_CHUNKS), 0);
	for (;;) {
		const u64 pages[] = { FILL_PFN - 1, FILL_PAGE(f->nr_pages) };

		pfn = pages[1];
		used = tables_used();
		watch_pages(pages, 2);
		noop_begin();
		ret = s2o_host_donate_guest(f->vm, pfn, f->nr_pages, 1);
		if (ret)
			break;
		noop_cancel();
		assert_guest_maps(f->vm, f->nr_pages, pfn, "filling the pool");
		/* The host's level-3 table; the first block had one. */
		assert_int_equal(tables_used(), used + !!f->nr_pages);
		f->nr_pages++;
	}
	noop_end(ret, ENOMEM_, "donation of a fresh 2M block, pool full");
	assert_true(f->nr_pages >= 8);
	assert_page(pfn, ST_HOST, 0, "refused donation");
	/* The VM's level-1 to level-3 tables came from its cache. */
	assert_int_equal(vm_cache_left(f->vm), VM_TOPUP - 3);
	for (;;) {
		const u64 pages[] = { FILL_HYP + 512 * f->nr_back + 1 };

		assert_true(f->nr_back < FILL_HYP_CHUNKS);
		watch_pages(pages, 1);
		noop_begin();
		ret = s2o_hyp_donate_host(pages[0], 1);
		if (ret)
			break;
		noop_cancel();
		f->nr_back++;
	}
	noop_end(ret, ENOMEM_, "hyp_donate_host splitting a chunk, pool full");
	s2o_get_stats(&st);
	assert_int_equal(st.table_pages_free, HOST_RESERVE);
	assert_int_equal(st.table_pages_used + st.table_pages_free,
			 HOLEY_POOL);
}

/* Everything fill_with_host_tables() took goes back to the host. */
static void fill_undo(const struct fill *f)
{
	u64 i, chunk;

	assert_int_equal(s2o_vm_destroy(f->vm), 0);
	for (i = 0; i < f->nr_pages; i++)
		assert_int_equal(s2o_host_reclaim_guest(FILL_PAGE(i), 1), 0);
	assert_int_equal(s2o_host_reclaim_guest(FILL_OWN, 2 + VM_TOPUP), 0);
	assert_int_equal(vm_next_handle(), f->vm);
	for (i = 0; i < FILL_HYP_CHUNKS; i++) {
		chunk = FILL_HYP + 512 * i;
		if (i >= f->nr_back) {
			assert_int_equal(s2o_hyp_donate_host(chunk, 512), 0);
			continue;
		}
		assert_int_equal(s2o_hyp_donate_host(chunk, 1), 0);
		assert_int_equal(s2o_hyp_donate_host(chunk + 2, 510), 0);
	}
}

/* A host fault, the leaf it must map, and the table pages it takes. */
struct reserve_fault {
	u64 ipa;
	u32 level;
	bool mmio;
	u64 tables;
};

/*
 * After fill_with_host_tables(): the level-0 entry's level-1 table, the
 * level-2 table at 1G (boot's, for the hypervisor's RAM) and the one at
 * 2G (the donations') exist. The faults take as many table pages as the
 * reserve holds, HOST_RESERVE.
 */
static const struct reserve_fault reserve_faults[] = {
	{ HOLE(3) - PAGE, 3, false, 2 },	/* level-2 and level-3 */
	{ HOLE(3), 3, true, 0 },		/* MMIO, same level-3 table */
	{ HOLE(3) + 2 * MIB, 3, false, 1 },	/* the other mixed 2M */
	{ HOLE(3) + 2 * MIB - PAGE, 3, true, 0 },
	{ PINHOLE + PAGE, 3, false, 1 },
	{ PINHOLE, 3, true, 0 },
	{ HOLE(4) + MIB, 3, true, 2 },		/* MMIO first, new 1G */
	{ HOLE(4) - PAGE, 3, false, 1 },
	{ 4 * GIB + 8 * MIB, 2, false, 0 },	/* a whole 2M of RAM */
	{ HOLE(2) - PAGE, 3, false, 1 },	/* under the donations' L2 */
	{ RAM_BASE, 2, false, 0 },		/* under boot's L2 */
	{ PINHOLE1 - PAGE, 3, false, 1 },	/* and a level-3 there */
	{ PINHOLE1, 3, true, 0 },
	{ 0x09000000, 1, true, 0 },		/* MMIO below RAM */
	{ RAM_END + PAGE, 1, true, 0 },		/* and above */
};

static void fault_and_check(unsigned int cpu, const struct reserve_fault *f)
{
	u64 gran = 1ULL << (39 - 9 * f->level), used = tables_used(), desc;
	struct fake_translation tr;

	if (host_touch(cpu, f->ipa + 8, &tr))
		fail_msg("host fault on %#llx refused",
			 (unsigned long long)f->ipa);
	desc = S2O_ALIGN_DOWN(f->ipa, gran);
	if (f->mmio)
		desc |= f->level == 3 ? MMIO_PAGE : MMIO_BLOCK;
	else
		desc |= f->level == 3 ? RAM_PAGE_ATTRS : RAM_BLOCK_ATTRS;
	if (tr.pa != f->ipa + 8 || tr.level != f->level || tr.desc != desc)
		fail_msg("%#llx maps to %#llx by %#llx at L%u, want %#llx at "
			 "L%u", (unsigned long long)f->ipa,
			 (unsigned long long)tr.pa,
			 (unsigned long long)tr.desc, tr.level,
			 (unsigned long long)desc, f->level);
	if (tables_used() != used + f->tables)
		fail_msg("fault on %#llx took %llu table pages, want %llu",
			 (unsigned long long)f->ipa,
			 (unsigned long long)(tables_used() - used),
			 (unsigned long long)f->tables);
	if (!f->mmio)
		assert_page(PFN(f->ipa), ST_HOST, 0, "faulted in");
}

/* Every fault of reserve_faults[], on CPUs in turn. */
static void fault_through_reserve(void)
{
	struct s2own_stats st0, st1;
	unsigned int i;

	s2o_get_stats(&st0);
	for (i = 0; i < S2O_ARRAY_SIZE(reserve_faults); i++)
		fault_and_check(i % FAKE_NR_CPUS, &reserve_faults[i]);
	s2o_get_stats(&st1);
	assert_int_equal(st0.table_pages_free - st1.table_pages_free,
			 HOST_RESERVE);
	assert_int_equal(st1.host_faults_refused, st0.host_faults_refused);
}

/*
 * The tables donations split fill the pool up to the host reserve and no
 * further; the host's faults still map RAM and MMIO next to region
 * boundaries (level-2 and level-3 tables), and nothing else gets a page
 * meanwhile.
 */
static void donations_leave_the_host_reserve(void **state)
{
	const u64 pages[] = { FILL_PFN, PFN(3 * GIB) };
	struct fill f;

	(void)state;
	fill_with_host_tables(&f);
	/* Boot's, the level-2 at 2G, a level-3 per 2M block split. */
	assert_int_equal(tables_used(),
			 BOOT_TABLES + 1 + f.nr_pages + f.nr_back);
	watch_pages(pages, 2);
	ASSERT_NOOP(ENOMEM_, s2o_host_donate_hyp(PFN(3 * GIB), 1),
		    "donate_hyp, pool at the reserve");
	ASSERT_NOOP(ENOMEM_, host_read_fault(512 * GIB + PAGE),
		    "MMIO under a level-0 entry without RAM");

	fault_through_reserve();
	assert_int_equal(tables_used(), HOLEY_POOL);
	ASSERT_NOOP(ENOMEM_, s2o_host_donate_hyp(PFN(3 * GIB), 1),
		    "donate_hyp, reserve used");
	ASSERT_NOOP(ENOMEM_, vm_new(), "vm_create, reserve used");
}

/* Host table entries the walk sees that one block could replace. */
static int count_block_tables(struct s2o_walk_ctx *ctx)
{
	u64 *n = ctx->arg, block;

	*n += s2o_host_block_at(ctx->addr, ctx->level, &block);
	return 0;
}

/*
 * With the reserve used up by tables the host's faults left, the next
 * fault that needs one frees every idle table first.
 */
static void full_reserve_fault_shrinks_idle_tables(void **state)
{
	const struct reserve_fault next = { HOLE(2) + 2 * MIB, 3, false, 1 };
	const struct reserve_fault again = reserve_faults[0];
	struct s2own_stats st0, st1;
	struct fill f;
	u64 used, freed0, pte;
	u32 level;

	(void)state;
	fill_with_host_tables(&f);
	fault_through_reserve();
	used = tables_used();
	s2o_get_stats(&st0);
	freed0 = fake_counters.tables_freed;

	/* Every table the faults made is idle: all go, one comes back. */
	assert_int_equal(tables_used(), HOLEY_POOL);
	assert_host_touch(1, next.ipa, 3);
	assert_int_equal(tables_used(), used - HOST_RESERVE + 1);
	assert_int_equal(fake_counters.tables_freed - freed0, HOST_RESERVE);
	s2o_get_stats(&st1);
	assert_int_equal(st1.tlbi_range - st0.tlbi_range, HOST_RESERVE);
	assert_int_equal(st1.coalesces, st0.coalesces);
	assert_int_equal(st1.host_faults_refused, 0);
	assert_int_equal(st1.table_pages_free, HOST_RESERVE - 1);

	/*
	 * Gone down to the level-1 entries, or the busy level-2 tables: at
	 * 2G the donations', at 1G boot's, which keeps the host's 2M block.
	 */
	host_leaf(HOLE(3) - PAGE, &pte, &level);
	assert_int_equal(pte, S2O_PTE_EMPTY);
	assert_int_equal(level, 1);
	host_leaf(PINHOLE1 - PAGE, &pte, &level);
	assert_int_equal(pte, S2O_PTE_EMPTY);
	assert_int_equal(level, 2);
	assert_host_leaf(RAM_BASE, RAM_BASE | RAM_BLOCK_ATTRS, 2);
	host_leaf(HOLE(2) - PAGE, &pte, &level);
	assert_int_equal(pte, S2O_PTE_EMPTY);
	assert_int_equal(level, 2);
	/* The CPUs that cached them walk again, and fault. */
	assert_host_faults_everywhere(HOLE(3) - PAGE + 8, "after shrink");
	assert_host_faults_everywhere(PINHOLE1 - PAGE + 8, "after shrink");
	assert_host_faults_everywhere(HOLE(2) - PAGE + 8, "after shrink");
	/* The donations' tables hold guest pages: still there. */
	assert_host_leaf(pa_of(FILL_PFN), s2o_pte_annotation(S2O_OWNER_GUEST),
			 3);
	assert_guest_maps(f.vm, 1, FILL_PAGE(1), "after shrink");

	/* And the host faults back in what it lost. */
	fault_and_check(2, &again);
}

/*
 * A level-1 table under a level-0 entry without RAM would never be freed:
 * the host reserve does not give it. The fault gets one once the host
 * takes a page back and its table goes.
 */
static void mmio_without_ram_waits_for_freed_pages(void **state)
{
	const struct reserve_fault far = { 512 * GIB + 3 * GIB, 1, true, 1 };
	const u64 pages[] = { FILL_PFN };
	struct fill f;

	(void)state;
	fill_with_host_tables(&f);
	watch_pages(pages, 1);
	ASSERT_NOOP(ENOMEM_, host_read_fault(far.ipa),
		    "MMIO under a level-0 entry without RAM, pool full");
	assert_guest_call(s2o_guest_relinquish, f.vm, 1, 1, 0, 1);
	assert_int_equal(s2o_host_reclaim_guest(FILL_PAGE(1), 1), 0);
	assert_int_equal(tables_used(), HOLEY_POOL - HOST_RESERVE - 1);
	fault_and_check(3, &far);
	/* RAM is what the reserve was for: still all of it. */
	fault_through_reserve();
}

/*
 * Idle tables the host's faults made earlier hold pages VMs could use: a
 * give-back refused for want of one has the host's next fault free them
 * (before the reserve, a fault with no page left did; now the host's
 * faults have the reserve to go on with).
 */
static void refused_give_back_frees_idle_tables(void **state)
{
	const u64 chunk = PFN(2 * GIB + 256 * MIB);
	const u64 pages[] = { chunk, chunk + 1, chunk + 2 };
	struct fill f;
	u64 freed0;

	(void)state;
	/* The level-1 and level-2 tables reserve_faults[] expects. */
	assert_int_equal(s2o_host_donate_hyp(chunk, 512), 0);
	fault_through_reserve();
	fill_with_host_tables(&f);
	watch_pages(pages, 3);
	ASSERT_NOOP(ENOMEM_, s2o_hyp_donate_host(chunk + 1, 1),
		    "hyp_donate_host splitting the 2M annotation");

	/* A fault needing no table frees every idle one. */
	freed0 = fake_counters.tables_freed;
	assert_int_equal(host_read_fault(reserve_faults[0].ipa), 0);
	assert_int_equal(fake_counters.tables_freed - freed0, HOST_RESERVE);
	assert_int_equal(s2o_hyp_donate_host(chunk + 1, 1), 0);
	assert_page(chunk + 1, ST_HOST, 0, "given back");
	assert_page(chunk + 2, ST_HYP, 0, "given back");
	assert_host_touch(0, pa_of(chunk + 1), 3);
}

/*
 * Destroying the VM, reclaiming its pages and taking the hypervisor's
 * back coalesces every table they split, with the pool at the reserve
 * (they need none): the pool holds what it did after boot. The host's
 * faults take the reserve, and donations fill the pool up to it again.
 */
static void reserve_recovers_after_reclaim(void **state)
{
	struct s2own_stats st0, st1;
	u64 n = 0, freed0;
	struct fill f;

	(void)state;
	fill_with_host_tables(&f);
	/*
	 * The refusals that ended the fill have the host's next fault look
	 * for idle tables: there are none, each holds pages not the host's.
	 */
	freed0 = fake_counters.tables_freed;
	assert_int_equal(host_touch(0, RAM_BASE, NULL), 0);
	assert_int_equal(fake_counters.tables_freed, freed0);
	s2o_get_stats(&st0);
	fill_undo(&f);
	assert_page(FILL_PFN, ST_HOST, 0, "reclaimed");
	/* Every level-3 table became a 2M block again. */
	s2o_get_stats(&st1);
	assert_int_equal(st1.coalesces - st0.coalesces,
			 f.nr_pages + f.nr_back);
	assert_host_leaf(pa_of(FILL_PFN), pa_of(FILL_PFN) | RAM_BLOCK_ATTRS,
			 2);
	/* Boot's, and the level-2 at 2G (a hole in its 1G). */
	assert_int_equal(tables_used(), BOOT_TABLES + 1);
	fault_through_reserve();
	s2o_walk_all(&s2o_host_mmu.pgt, count_block_tables, &n,
		     S2O_VISIT_TABLE_PRE);
	assert_int_equal(n, 0);

	/* Donations work again, and fill the pool to the reserve again. */
	fill_with_host_tables(&f);
	assert_true(f.nr_pages >= 8);
}

/*
 * A give-back first reserves the worst case without a walk, and only when
 * the pool cannot cover it walks for the exact count: with the pool at the
 * reserve, a page whose tables are all there (the rest of a chunk a
 * give-back split) still goes back, none taken, and that first try is no
 * refusal (no fault frees idle tables for it).
 */
static void give_back_beyond_the_bound(void **state)
{
	const u64 page = FILL_HYP + 2;
	struct fill f;
	u64 used;

	(void)state;
	fill_with_host_tables(&f);
	assert_true(f.nr_back >= 1);
	(void)s2o_pool_test_and_clear_refused();	/* the fill's */
	used = tables_used();
	assert_int_equal(s2o_hyp_donate_host(page, 1), 0);
	assert_page(page, ST_HOST, 0, "given back, pool at the reserve");
	assert_int_equal(tables_used(), used);
	assert_false(s2o_pool_test_and_clear_refused());
	/* One that needs a table is refused, and that is a refusal. */
	ASSERT_NOOP(ENOMEM_, s2o_hyp_donate_host(FILL_HYP + 512 * f.nr_back + 1,
						 1),
		    "hyp_donate_host splitting a chunk, pool at the reserve");
	assert_true(s2o_pool_test_and_clear_refused());
}

/* ---- Main ---------------------------------------------------------------- */

#define HOLEY_TEST(fn) \
	cmocka_unit_test_setup_teardown(fn, setup_holey, harness_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(pool_exhaustion),
		HARNESS_TEST(host_reserve_size),
		HOLEY_TEST(donations_leave_the_host_reserve),
		HOLEY_TEST(full_reserve_fault_shrinks_idle_tables),
		HOLEY_TEST(mmio_without_ram_waits_for_freed_pages),
		HOLEY_TEST(refused_give_back_frees_idle_tables),
		HOLEY_TEST(reserve_recovers_after_reclaim),
		HOLEY_TEST(give_back_beyond_the_bound),
	};

	return cmocka_run_group_tests_name("pool", tests, NULL, NULL);
}
