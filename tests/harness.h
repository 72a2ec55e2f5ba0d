/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fake machine every host test runs the core on: a memory map, the
 * tracker initialised on it against the fake arch backend, the stage-2s
 * read back, and the checks every test makes (the core's invariants, the
 * break-before-make checker), which return what they found. No cmocka
 * here: the cmocka tests wrap it (harness_cmocka.h), the stress test, the
 * fuzzer and the benchmark report their own way.
 *
 * The usual map (the cmocka tests, the reference model, the fuzzer):
 *   [HYP_BASE, HYP_END)   hypervisor RAM (S2O_MEM_HYP), holds the pool
 *   [RAM_BASE, RAM_END)   host RAM, 4 GiB - 4 MiB, starting at 1G + 4M
 *   everything else       MMIO
 * The stress test and the benchmark describe machines of their own
 * (struct harness_map).
 */
#ifndef S2OWN_TEST_HARNESS_H
#define S2OWN_TEST_HARNESS_H

#include <stddef.h>
#include <time.h>

#include "../ownership/s2own.h"
#include "fake_arch.h"

#define GIB (1ULL << 30)
#define MIB (1ULL << 20)
#define PAGE 4096ULL
#define PFN(pa) ((u64)(pa) >> 12)

static inline u64 pa_of(u64 pfn)
{
	return pfn << 12;
}

/* ---- The usual map ------------------------------------------------------- */

#define HYP_BASE (1 * GIB)
#define HYP_END (HYP_BASE + 4 * MIB)
#define RAM_BASE HYP_END
#define RAM_END (5 * GIB)
#define POOL_BASE (HYP_BASE + 2 * MIB)
#define POOL_PAGES 512ULL	/* 2 MiB of the hypervisor's RAM */
/* Where the usual map's VMs get their pages: host RAM no test uses. */
#define VM_FUND_BASE (4 * GIB + 512 * MIB)

#define MAX_PFN (1ULL << 36)	/* 48-bit PA */
#define HYP_FIRST PFN(HYP_BASE)
#define HYP_PAGES PFN(HYP_END - HYP_BASE)
#define RAM_FIRST PFN(RAM_BASE)
#define RAM_PAGES PFN(RAM_END - RAM_BASE)
#define RAM_END_PFN PFN(RAM_END)
#define RAM_LAST (RAM_END_PFN - 1)

/* A 1G-aligned host RAM block used by most tests. */
#define BLOCK_1G (2 * GIB)

/*
 * Table pages in use once s2o_init() returns on the usual map: the root,
 * and what annotating the hypervisor's RAM [1G, 1G + 4M) owner=hyp takes:
 * the level-1 table of [0, 512G) and the level-2 table of [1G, 2G), whose
 * first two entries then hold the annotation as 2M blocks. The tables
 * stay: they hold another owner's entries, which shrink never frees.
 */
#define BOOT_TABLES 3

/* The tracker is told the fake machine's CPUs may all fault at once. */
#define HARNESS_NR_CPUS FAKE_NR_CPUS
/*
 * The pool's host reserve (s2o_host_reserve_pages()): two pages per CPU,
 * and one for the only level-0 entry with RAM, [0, 512G).
 */
#define HOST_RESERVE (2 * HARNESS_NR_CPUS + 1)

/* ---- Setting the machine up ---------------------------------------------- */

/* A machine: the tracker's memory map, and what the fake backs with RAM. */
struct harness_map {
	const struct s2o_mem_region *regions;
	unsigned int nr_regions;
	u64 pool_base;			/* in the first region, S2O_MEM_HYP */
	u64 mem_base, mem_end;		/* the fake arch's arena */
	u64 vm_fund_base;		/* host RAM for VMs' pages: VM_FUND() */
};

/* A struct harness_map of the array @regs, VMs funded from @fund. */
#define HARNESS_MAP_FUNDED(regs, pool, base, end, fund) {		\
	.regions = (regs), .nr_regions = S2O_ARRAY_SIZE(regs),		\
	.pool_base = (pool), .mem_base = (base), .mem_end = (end),	\
	.vm_fund_base = (fund),						\
}
/* The same, VMs funded as on the usual map. */
#define HARNESS_MAP(regs, pool, base, end)				\
	HARNESS_MAP_FUNDED(regs, pool, base, end, VM_FUND_BASE)

/* The usual map. */
extern const struct harness_map harness_map;

/*
 * The usual map with its host RAM in two regions that meet at 2G:
 * [RAM_BASE, 2G) and [2G, RAM_END). 2G is 1G aligned, so the host
 * stage-2 takes the same shapes as on the usual map; only a pfn range
 * crossing 2G is refused, and a guest's run of consecutive pages ends
 * there (s2o_guest_share() and its siblings).
 */
#define RAM_SPLIT PFN(2 * GIB)
extern const struct harness_map harness_split_map;

/*
 * Reset the fake machine (TLBs, counters, checker, memory) and initialise
 * the tracker on @map with a pool of @pool_pages table pages and @nr_cpus
 * CPUs. The first call of a process sets up the arena; every later map
 * must lie inside it. Returns s2o_init()'s result, or -1.
 */
int harness_init(const struct harness_map *map, u64 pool_pages,
		 unsigned int nr_cpus);
/* The usual map with a pool of @pool_pages. */
int harness_setup_pool(u64 pool_pages);
/* The split map (@split) or the usual one, with a pool of @pool_pages. */
int harness_setup_ram(bool split, u64 pool_pages);
/*
 * The usual machine with other regions: they must lie in [HYP_BASE,
 * RAM_END), the first one holding the pool.
 */
int harness_setup_map(const struct s2o_mem_region *regions,
		      unsigned int nr_regions, u64 pool_pages);

/*
 * A thread that calls into the core: in the RCU build it registers with
 * liburcu, and goes offline while it waits outside the core (else every
 * grace period, and a collapser waiting for one, waits for it). No-ops in
 * the other sync modes.
 */
void harness_thread_enter(void);
void harness_thread_leave(void);
void harness_thread_idle(bool idle);

/* @clock (CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID ...) in seconds. */
double harness_seconds(clockid_t clock);
/* The monotonic clock in seconds. */
double harness_now(void);

/* ---- Reading it back ----------------------------------------------------- */

/* What a check found, for its caller to report. */
#define CHECK_MSG_LEN 256

/*
 * The host's leaf entry for @ipa: its raw value and level, read by the
 * core's walker, so while other threads change the tables too.
 */
void host_leaf(u64 ipa, u64 *pte, u32 *level);

/*
 * CPU @cpu's fake MMU translates @ipa for the host, from its TLB or the
 * tables (@tr may be NULL); 0, or -1 for a translation fault.
 */
int host_translate(unsigned int cpu, u64 ipa, struct fake_translation *tr);

/* The host's fault path for a data read at @ipa: what it returns. */
int host_read_fault(u64 ipa);

/* Host fault on @ipa then a translation by CPU @cpu's fake MMU. */
int host_touch(unsigned int cpu, u64 ipa, struct fake_translation *tr);

/* VTTBR_EL2 of live VM @h: its root and VMID. */
u64 vm_vttbr(int h);

/*
 * VMs the host funds (ownership/vm.h): the VM that gets handle h lives in
 * the pages from VM_FUND(h): its page pair, then what topped up its table
 * cache. A handle is reused only once all of its pages are reclaimed, so
 * no two live VMs share them. The machine says where they start
 * (struct harness_map's vm_fund_base): on the usual map, VM_FUND_BASE.
 */
extern u64 harness_vm_fund_base;
#define VM_FUND_PAGES 64ULL
#define VM_FUND(h) (PFN(harness_vm_fund_base) + (u64)(h) * VM_FUND_PAGES)
/* Table pages vm_new() tops a VM up with: a few donations' worth. */
#define VM_TOPUP 8ULL
/* The pages vm_new() gives a VM: its pair, and VM_TOPUP. */
#define VM_OWN_PAGES (2 + VM_TOPUP)

/* The handle s2o_vm_create() would give now, or 0 if none is free. */
int vm_next_handle(void);
/*
 * s2o_vm_create() on the pair at @pfn, then s2o_vm_topup() of @topup
 * pages after it; the handle or the first error.
 */
int vm_create_at(u64 pfn, u64 topup);
/*
 * s2o_vm_create() on VM_FUND() of the next handle, then s2o_vm_topup() of
 * VM_TOPUP pages after the pair: the handle, or the create's error. A
 * topup refused (the pool dry) leaves the VM with an empty cache, as a
 * host has it: vm_topup_more() fills it later.
 */
int vm_new(void);
/*
 * S2OWN_TOPUP_PAGES more for VM @h's cache, after what vm_new() gave it:
 * as a host does when a call says -ENOMEM. s2o_vm_topup()'s result, or
 * -ENOMEM once VM_FUND_PAGES are given.
 */
int vm_topup_more(int h);
/* Pages of VM @h's own at VM_FUND(@h), from vm_new() and vm_topup_more(). */
u64 vm_own_pages(int h);
/*
 * After s2o_vm_destroy(): reclaim VM @h's own pages (its pair, its
 * cache) as vm_new() and vm_topup_more() gave them;
 * s2o_host_reclaim_guest()'s result.
 */
int vm_reclaim_own(int h);
/*
 * s2o_vm_destroy(), then, if it succeeded, vm_reclaim_own(), which must:
 * the VM's slot is then held only by the pages it had from others.
 */
int vm_destroy(int h);

/*
 * Pages left in live VM @h's table cache (those it has not made tables
 * of yet); 0 if @h is not live.
 */
u64 vm_cache_left(int h);

/* Table pages of the hypervisor's pool in use now: the host stage-2's. */
u64 tables_used(void);

/* s2o_guest_share(), s2o_guest_unshare() or s2o_guest_relinquish(). */
typedef int (*guest_call_fn)(int handle, u64 gfn, u64 nr, u64 *done);

/*
 * What a guest does for a range longer than one call takes: call again
 * from where the last call stopped, until all [@gfn, @gfn + @nr) is done.
 * Returns 0, or the first error (the calls before it stay made); *@calls,
 * if not NULL, is set to the number of calls.
 */
int guest_call_all(guest_call_fn fn, int handle, u64 gfn, u64 nr,
		   unsigned int *calls);
/*
 * The same, and on -ENOMEM (the VM's table cache short) @topup(@arg) as
 * the VMM does at a TOPUP exit, then the call again; its error ends it.
 */
int guest_call_all_topup(guest_call_fn fn, int handle, u64 gfn, u64 nr,
			 unsigned int *calls, int (*topup)(void *arg),
			 void *arg);

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

/* Where @b first differs from @a, run by run: an index, or -1 if nowhere. */
long runs_diff(const struct runs *a, const struct runs *b);

/* Run @r as "[start, end) Llevel kind K owner O xN", into @buf. */
#define RUN_STR_LEN 96
const char *run_str(const struct s2o_run *r, char buf[RUN_STR_LEN]);

/*
 * Every counter a call could move: the table pages in use, the pages
 * left in the live VMs' table caches, the core's statistics but the host
 * fault ones (a refused fault counts itself), the fake backend's
 * (descriptor writes, TLBIs, scrubbing, tables freed).
 */
struct harness_counters {
	u64 tables;
	u64 vm_cache;
	struct s2own_stats st;
	struct fake_counters fc;
};

void harness_counters_take(struct harness_counters *c);
/* Whether @b is @a; if not, what moved, in @msg. */
bool harness_counters_same(const struct harness_counters *a,
			   const struct harness_counters *b,
			   char msg[CHECK_MSG_LEN]);

/* Data in pages (the fake's arena): FNV-1a of page @pfn. */
u64 page_hash(u64 pfn);
/* The offset of the first non-zero byte of page @pfn, or -1. */
long page_first_nonzero(u64 pfn);

/* ---- Checks -------------------------------------------------------------- */

/*
 * s2o_check_invariants(): true if everything is consistent, else false and
 * what is not in @msg.
 */
bool harness_invariants_hold(char msg[CHECK_MSG_LEN]);

#endif /* S2OWN_TEST_HARNESS_H */
