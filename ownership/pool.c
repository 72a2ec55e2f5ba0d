// SPDX-License-Identifier: GPL-2.0-only
/*
 * Table-page pool: a free list threaded through the free pages, and a count
 * of pages nobody has reserved yet. Allocation only ever takes a page some
 * earlier s2o_pool_reserve() set aside, so it cannot fail.
 */
#include "pool.h"
#include "atomic.h"
#include "trace.h"

static struct {
	struct s2o_spinlock lock;
	u64 base;
	u64 nr_pages;
	u64 free_head;		/* physical address, 0 when empty */
	u64 nr_free;		/* pages on the free list */
	u64 nr_unreserved;	/* free pages nobody has reserved */
	u64 host_reserve;	/* of those, what only the host may reserve */
	u32 refused;		/* s2o_pool_reserve() failed since asked */
} pool;

/**
 * s2o_pool_init() - hand the pool its pages, all free.
 * @base: physical address of the first page.
 * @nr_pages: number of pages.
 * @host_reserve: pages s2o_pool_reserve() leaves for s2o_pool_reserve_host()
 *                (s2o_host_reserve_pages()); may exceed @nr_pages.
 *
 * Return: 0, or -EINVAL if @base is not page aligned.
 */
int s2o_pool_init(u64 base, u64 nr_pages, u64 host_reserve)
{
	u64 i;

	if (!S2O_ALIGNED(base, S2O_PAGE_SIZE) || !base)
		return -S2OWN_EINVAL;
	pool.lock = (struct s2o_spinlock){ 0 };
	pool.base = base;
	pool.nr_pages = nr_pages;
	pool.free_head = 0;
	for (i = nr_pages; i-- > 0;) {
		u64 pa = base + i * S2O_PAGE_SIZE;

		*(u64 *)s2o_arch_table_va(pa) = pool.free_head;
		pool.free_head = pa;
	}
	pool.nr_free = nr_pages;
	pool.nr_unreserved = nr_pages;
	pool.host_reserve = host_reserve;
	pool.refused = 0;
	return 0;
}

/* Take @nr unreserved pages if at least @keep are left over after. */
static int pool_reserve(u64 nr, u64 keep)
{
	u64 avail = s2o_read_once(&pool.nr_unreserved);

	do {
		if (avail < nr || avail - nr < keep)
			return -S2OWN_ENOMEM;
	} while (!s2o_try_cmpxchg_relaxed(&pool.nr_unreserved, &avail,
					  avail - nr));
	return 0;
}

/**
 * s2o_pool_reserve() - set aside table pages for a transition.
 * @nr: number of pages.
 *
 * Return: 0, or -ENOMEM if that would leave fewer unreserved pages than
 * the host reserve.
 */
int s2o_pool_reserve(u64 nr)
{
	int ret = pool_reserve(nr, pool.host_reserve);

	if (ret)
		s2o_write_once(&pool.refused, 1);
	return ret;
}

/**
 * s2o_pool_try_reserve() - s2o_pool_reserve() for a first try with a
 * bound, before the exact count: failing is not a refusal.
 * @nr: pages.
 *
 * Return: 0, or -ENOMEM; s2o_pool_test_and_clear_refused() does not see it.
 */
int s2o_pool_try_reserve(u64 nr)
{
	return pool_reserve(nr, pool.host_reserve);
}

/**
 * s2o_pool_test_and_clear_refused() - whether s2o_pool_reserve() has
 * failed since the last call.
 *
 * Return: true once per run of failures.
 */
bool s2o_pool_test_and_clear_refused(void)
{
	/* Read first: the fault path asks every time, keep it a load. */
	return s2o_read_once(&pool.refused) &&
	       s2o_xchg_relaxed(&pool.refused, 0);
}

/**
 * s2o_pool_reserve_host() - set aside table pages, the host reserve
 * included: for what the reserve was sized for (docs/ownership.md).
 * @nr: number of pages.
 *
 * Return: 0, or -ENOMEM if fewer than @nr pages are unreserved.
 */
int s2o_pool_reserve_host(u64 nr)
{
	return pool_reserve(nr, 0);
}

/**
 * s2o_pool_unreserve() - return the unused part of a reservation.
 * @nr: number of pages reserved and not allocated.
 */
void s2o_pool_unreserve(u64 nr)
{
	/* The fault path's usual case: keep it off the pool's cache line. */
	if (!nr)
		return;
	s2o_add_return_relaxed(&pool.nr_unreserved, nr);
}

/**
 * s2o_pool_alloc_reserved() - take a page out of the caller's reservation.
 *
 * Return: the page's physical address; its contents are undefined.
 */
u64 s2o_pool_alloc_reserved(void)
{
	u64 pa;

	s2o_spin_lock(&pool.lock);
	pa = pool.free_head;
	pool.free_head = *(u64 *)s2o_arch_table_va(pa);
	pool.nr_free--;
	s2o_spin_unlock(&pool.lock);
	s2o_trace(S2OWN_TEV_TABLE_ALLOC, 0, 0, 0, 0, pa,
		  s2o_read_once(&pool.nr_free));
	return pa;
}

/**
 * s2o_pool_free() - put a table page back.
 * @pa: physical address of the page; nothing may reach or hold it.
 */
void s2o_pool_free(u64 pa)
{
	s2o_arch_table_freed(pa);
	s2o_spin_lock(&pool.lock);
	*(u64 *)s2o_arch_table_va(pa) = pool.free_head;
	pool.free_head = pa;
	pool.nr_free++;
	s2o_spin_unlock(&pool.lock);
	s2o_add_return_relaxed(&pool.nr_unreserved, 1);
	s2o_trace(S2OWN_TEV_TABLE_FREE, 0, 0, 0, 0, pa,
		  s2o_read_once(&pool.nr_free));
}

/** s2o_pool_nr_free() - pages currently free (reserved or not). */
u64 s2o_pool_nr_free(void)
{
	return s2o_read_once(&pool.nr_free);
}

/** s2o_pool_nr_used() - pages currently holding tables. */
u64 s2o_pool_nr_used(void)
{
	return pool.nr_pages - s2o_read_once(&pool.nr_free);
}

/** s2o_pool_contains() - whether @pa is one of the pool's pages. */
bool s2o_pool_contains(u64 pa)
{
	return pa >= pool.base &&
	       pa - pool.base < pool.nr_pages * S2O_PAGE_SIZE;
}
