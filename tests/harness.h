/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Common set-up for the cmocka tests: one memory map, a fresh tracker per
 * test, and helpers to read the host stage-2 back.
 *
 * Layout (physical):
 *   [HYP_BASE, HYP_END)   hypervisor RAM (S2O_MEM_HYP), holds the pool
 *   [RAM_BASE, RAM_END)   host RAM, 4 GiB - 4 MiB, starting at 1G + 4M
 *   everything else       MMIO
 */
#ifndef S2OWN_TEST_HARNESS_H
#define S2OWN_TEST_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../ownership/s2own.h"
#include "fake_arch.h"

#define GIB (1ULL << 30)
#define MIB (1ULL << 20)
#define HYP_BASE (1 * GIB)
#define HYP_END (HYP_BASE + 4 * MIB)
#define RAM_BASE HYP_END
#define RAM_END (5 * GIB)
#define POOL_BASE (HYP_BASE + 2 * MIB)
#define POOL_PAGES 512ULL	/* 2 MiB of the hypervisor's RAM */

#define PFN(pa) ((u64)(pa) >> 12)
/* A 1G-aligned host RAM block used by most tests. */
#define BLOCK_1G (2 * GIB)

/* The tracker is told the fake machine's CPUs may all fault at once. */
#define HARNESS_NR_CPUS FAKE_NR_CPUS
/*
 * The pool's host reserve (s2o_host_reserve_pages()): two pages per CPU,
 * and one for the only level-0 entry with RAM, [0, 512G).
 */
#define HOST_RESERVE (2 * HARNESS_NR_CPUS + 1)

/* cmocka setup: reset the fake and init the tracker (pool of @pages). */
int harness_setup(void **state);
int harness_setup_pool(u64 pool_pages);
/*
 * The same with another memory map: it must span [HYP_BASE, RAM_END)
 * exactly, its first region holding the pool.
 */
int harness_setup_map(const struct s2o_mem_region *regions,
		      unsigned int nr_regions, u64 pool_pages);
int harness_teardown(void **state);

/* The host's leaf entry for @ipa: its raw value and level. */
void host_leaf(u64 ipa, u64 *pte, u32 *level);

/* Host fault on @ipa then a translation by CPU @cpu's fake MMU. */
int host_touch(unsigned int cpu, u64 ipa, struct fake_translation *tr);

/* Assert that the BBM checker saw nothing. */
void assert_no_violation(void);

/* Assert that s2o_check_invariants() finds everything consistent. */
void assert_invariants(void);

/* A stage-2 read back as runs (s2o_dump()). */
struct runs {
	struct s2o_run *r;
	size_t n, cap;
};

/* Replace @rs's runs by VM @vm's (0: the host); returns s2o_dump()'s. */
int runs_take(int vm, struct runs *rs);
void runs_free(struct runs *rs);

/*
 * Merge every host stage-2 run that leaves its pages to the host (a valid
 * identity leaf, or invalid with owner 0) into one kind, RUN_HOST_DEFAULT:
 * after a round trip a block the host had faulted in may come back
 * unmapped (an entry re-annotated in place) or an entry never faulted may
 * come back mapped (a table coalesced into the block a fault would map).
 * Both are the host's; levels, tables and every other owner must match.
 */
#define RUN_HOST_DEFAULT 99
void runs_normalize(struct runs *rs);

/* Table pages in use now. */
u64 tables_used(void);

#endif /* S2OWN_TEST_HARNESS_H */
