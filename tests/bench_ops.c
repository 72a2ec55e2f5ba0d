// SPDX-License-Identifier: GPL-2.0-only
/*
 * What one call of the ownership core costs, in instructions: the rows of
 * issue 12's table that the core decides (make measure has them at EL2),
 * measured here on the fake machine of the host tests, checker off.
 *
 *   bench-ops KIND N    N calls of one kind, each set up outside the count
 *                       and counted between CALLGRIND_TOGGLE_COLLECT
 *                       marks: run it under callgrind --collect-atstart=no
 *                       and divide the total by N. Every call must
 *                       succeed, or it exits 2: a refused call would be
 *                       measured as cheap.
 *   bench-ops -l        the kinds, a line each.
 *
 * x86 instructions of the host build, not EL2's: the same code, another
 * compiler target and the fake arch's stubs for TLBI, DC and the scrub.
 * Good for comparing variants and finding where the instructions go
 * (callgrind_annotate on the output), not for the EL2 figures.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <valgrind/callgrind.h>

#include "harness.h"

#include "../ownership/s2own.h"

/* Chunks of host RAM, 2M each, for the kinds that want fresh ones. */
#define CHUNK (2 * MIB)
#define FAULT_BASE (RAM_BASE)		/* [1G+4M, 2G): a level-2 table */
#define DONATE_BASE (2 * GIB)		/* [2G, 4G): split to 2M first */
#define TOPUP_BASE (4 * GIB)		/* [4G, 4G+512M): VMs' caches */
#define MAX_N 200ULL

static int bench_ret;

/* Count @call's instructions; remember a failure. */
#define COUNTED(call)							\
	do {								\
		int ret_;						\
		CALLGRIND_TOGGLE_COLLECT;				\
		ret_ = (call);						\
		CALLGRIND_TOGGLE_COLLECT;				\
		if (ret_ < 0) {						\
			fprintf(stderr, "bench-ops: %s: %d\n", #call, ret_); \
			bench_ret = 2;					\
		}							\
	} while (0)

static void must(int ret, const char *what)
{
	if (ret < 0) {
		fprintf(stderr, "bench-ops: setting up: %s: %d\n", what, ret);
		exit(2);
	}
}

static u64 chunk_pfn(u64 base, u64 i)
{
	return PFN(base + i * CHUNK);
}

/* Host RAM [2G, 4G) as 2M blocks: the 1G blocks split by a first donation. */
static void donate_area_in_2m_blocks(void)
{
	u64 g;

	for (g = DONATE_BASE; g < DONATE_BASE + 2 * GIB; g += GIB) {
		must(s2o_host_donate_hyp(PFN(g), 1), "split 1G");
		must(s2o_hyp_donate_host(PFN(g), 1), "coalesce to 2M");
	}
}

static u64 topup_next = PFN(TOPUP_BASE);

/* A VM with @cache table pages in its cache. */
static int vm_with_cache(u64 cache)
{
	int h = vm_new();

	must(h, "vm_new");
	if (cache) {
		must(s2o_vm_topup(h, topup_next, cache), "topup");
		topup_next += cache;
	}
	return h;
}

/* A first touch of a fresh 2M chunk under a level-2 table: a 2M block. */
static void kind_fault_2m(u64 n)
{
	for (u64 i = 1; i <= n; i++)
		COUNTED(host_read_fault(pa_of(chunk_pfn(FAULT_BASE, i))));
}

/* One page into a block split already, the VM's tables there. */
static void kind_donate_1(u64 n)
{
	int h = vm_with_cache(4);
	u64 pfn = chunk_pfn(DONATE_BASE, 1);

	must(s2o_host_donate_guest(h, pfn, 0, 1), "first donation");
	for (u64 i = 1; i <= n; i++)
		COUNTED(s2o_host_donate_guest(h, pfn + i, i, 1));
}

/* One page out of a 2M block, at a gfn under no VM table yet. */
static void kind_donate_split(u64 n)
{
	int h = vm_with_cache(3 * n);

	donate_area_in_2m_blocks();
	for (u64 i = 1; i <= n; i++)
		COUNTED(s2o_host_donate_guest(h, chunk_pfn(DONATE_BASE, i),
					      i << 27, 1));
}

/* 64 pages of a block split already, the VM's tables there. */
static void kind_donate_64(u64 n)
{
	int h = vm_with_cache(n + 4);

	donate_area_in_2m_blocks();
	for (u64 i = 1; i <= n; i++) {
		u64 pfn = chunk_pfn(DONATE_BASE, i);

		must(s2o_host_donate_guest(h, pfn + 511, (i << 9) + 511, 1),
		     "a first page");
		COUNTED(s2o_host_donate_guest(h, pfn, i << 9, 64));
	}
}

/* A 2M block, whole, to a 2M-aligned gfn. */
static void kind_donate_2m(u64 n)
{
	int h = vm_with_cache(4);

	donate_area_in_2m_blocks();
	for (u64 i = 1; i <= n; i++)
		COUNTED(s2o_host_donate_guest(h, chunk_pfn(DONATE_BASE, i),
					      i << 9, 512));
}

/* A destroyed VM's pages, one by one; the chunk keeps others. */
static void kind_reclaim_1(u64 n)
{
	int h = vm_with_cache(4);
	u64 pfn = chunk_pfn(DONATE_BASE, 1);

	must(s2o_host_donate_guest(h, pfn, 0, n + 1), "donation");
	must(s2o_vm_destroy(h), "destroy");
	for (u64 i = 0; i < n; i++)
		COUNTED(s2o_host_reclaim_guest(pfn + i, 1));
}

/*
 * The first @nr pages of chunks 1..@n, each at gfn i << @gfn_shift, to a
 * VM then destroyed: reclaimable, counted one chunk a call.
 */
static void reclaim_chunks(u64 n, unsigned int gfn_shift, u64 nr)
{
	int h = vm_with_cache(3 * n);

	donate_area_in_2m_blocks();
	for (u64 i = 1; i <= n; i++)
		must(s2o_host_donate_guest(h, chunk_pfn(DONATE_BASE, i),
					   i << gfn_shift, nr), "donation");
	must(s2o_vm_destroy(h), "destroy");
	for (u64 i = 1; i <= n; i++)
		COUNTED(s2o_host_reclaim_guest(chunk_pfn(DONATE_BASE, i), nr));
}

/* The last page of a chunk: its table coalesces back into a 2M block. */
static void kind_reclaim_coalesce(u64 n)
{
	reclaim_chunks(n, 27, 1);
}

/* A destroyed VM's 2M blocks. */
static void kind_reclaim_2m(u64 n)
{
	reclaim_chunks(n, 9, 512);
}

/* VM_CREATE on a page pair of host memory mapped as 2M blocks. */
static void kind_vm_create(u64 n)
{
	donate_area_in_2m_blocks();
	for (u64 i = 1; i <= n; i++)
		COUNTED(s2o_vm_create(chunk_pfn(DONATE_BASE, i), NULL, 0));
}

static void kind_vm_destroy(u64 n)
{
	int h[MAX_N];

	for (u64 i = 0; i < n; i++)
		h[i] = vm_with_cache(0);
	for (u64 i = 0; i < n; i++)
		COUNTED(s2o_vm_destroy(h[i]));
}

/* Share a page of a split block with the hypervisor, then unshare it. */
static void kind_share_hyp(u64 n)
{
	u64 pfn = chunk_pfn(DONATE_BASE, 1);

	donate_area_in_2m_blocks();
	must(s2o_host_donate_hyp(pfn, 1), "split the chunk");
	for (u64 i = 1; i <= n; i++)
		COUNTED(s2o_host_share_hyp(pfn + i, 1));
}

static const struct kind {
	const char *name;
	void (*run)(u64 n);
} kinds[] = {
	{ "fault_2m", kind_fault_2m },
	{ "donate_1", kind_donate_1 },
	{ "donate_split", kind_donate_split },
	{ "donate_64", kind_donate_64 },
	{ "donate_2m", kind_donate_2m },
	{ "reclaim_1", kind_reclaim_1 },
	{ "reclaim_coalesce", kind_reclaim_coalesce },
	{ "reclaim_2m", kind_reclaim_2m },
	{ "vm_create", kind_vm_create },
	{ "vm_destroy", kind_vm_destroy },
	{ "share_hyp", kind_share_hyp },
};

int main(int argc, char **argv)
{
	u64 n;

	if (argc == 2 && !strcmp(argv[1], "-l")) {
		for (size_t i = 0; i < S2O_ARRAY_SIZE(kinds); i++)
			printf("%s\n", kinds[i].name);
		return 0;
	}
	n = argc == 3 ? strtoull(argv[2], NULL, 0) : 0;
	if (!n || n > MAX_N) {
		fprintf(stderr, "usage: bench-ops KIND N (N <= %llu) | -l\n",
			MAX_N);
		return 2;
	}
	for (size_t i = 0; i < S2O_ARRAY_SIZE(kinds); i++) {
		if (strcmp(argv[1], kinds[i].name))
			continue;
		harness_thread_enter();
		fake_arch_set_checker(false);
		must(harness_setup_pool(POOL_PAGES), "harness");
		kinds[i].run(n);
		harness_thread_leave();
		printf("%s: %" PRIu64 " calls, %s\n", kinds[i].name, n,
		       bench_ret ? "FAILED" : "ok");
		return bench_ret;
	}
	fprintf(stderr, "bench-ops: no kind %s (-l lists them)\n", argv[1]);
	return 2;
}
