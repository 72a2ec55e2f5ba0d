/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The cmocka side of the harness (harness.h): what every tests/test_*.c
 * starts from (harness_setup()), ends in (harness_teardown()) and fails
 * through. A page's expected state comes from the reference model's
 * oracle (refmodel.h); "changed nothing" is checked against a snapshot of
 * everything a call could change.
 */
#ifndef S2OWN_TEST_HARNESS_CMOCKA_H
#define S2OWN_TEST_HARNESS_CMOCKA_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "harness.h"

#define EPERM_ (-S2OWN_EPERM)
#define ENOENT_ (-S2OWN_ENOENT)
#define ENOMEM_ (-S2OWN_ENOMEM)
#define EBUSY_ (-S2OWN_EBUSY)
#define EINVAL_ (-S2OWN_EINVAL)
#define EFAULT_ (-S2OWN_EFAULT)

/*
 * The page most tests move: host RAM inside a 1G block, not 2M aligned,
 * inside the reference model's window.
 */
#define TARGET PFN(BLOCK_1G + 4 * MIB + 5 * PAGE)
/* A page of the hypervisor's own RAM, below the table pool. */
#define HYP_TARGET (HYP_FIRST + 16)
#define GFN_MAPPED 0x100ULL
#define GFN_FREE 0x200ULL

/* Leaf descriptors as the host's faults map them (docs/ownership.md). */
#define RAM_ATTRS 0x7fcULL	/* MemAttr WB, S2AP RW, SH inner, AF */
#define RAM_PAGE_ATTRS (RAM_ATTRS | 0x3)
#define RAM_BLOCK_ATTRS (RAM_ATTRS | 0x1)
#define MMIO_BLOCK 0x00400000000007c5ULL
#define MMIO_PAGE (MMIO_BLOCK | 0x2)

/* cmocka setup: the usual map, a pool of POOL_PAGES. */
int harness_setup(void **state);
/* cmocka teardown: no break-before-make violation, the invariants hold. */
int harness_teardown(void **state);

/* A test on the usual machine, checked after it (harness_teardown()). */
#define HARNESS_TEST(fn) \
	cmocka_unit_test_setup_teardown(fn, harness_setup, harness_teardown)

/* Assert that the BBM checker saw nothing. */
void assert_no_violation(void);

/* Assert that s2o_check_invariants() finds everything consistent. */
void assert_invariants(void);

/* The model's rm_ctx.report in a cmocka test: fail, naming the op. */
void model_fail(const char *msg);

/*
 * A page's state as the tests name it: one of the oracle's; for a page
 * that names a VM, whether the VM is the one a test's guest calls come
 * from, another live VM, or a destroyed one.
 */
enum st {
	ST_HOST,
	ST_SHARED,		/* the host's, shared with the hypervisor */
	ST_HYP,			/* donated by the host */
	ST_GUEST,		/* of a live VM */
	ST_GUEST_OTHER,		/* of another live VM */
	ST_GUEST_DEAD,		/* of a destroyed VM */
	ST_GSHARED,		/* a live VM's, shared with the host */
	ST_GSHARED_OTHER,	/* another live VM's, shared with the host */
	ST_GSHARED_DEAD,	/* a destroyed VM's, shared with the host */
	ST_RELINQ,		/* relinquished by a live VM */
	ST_RELINQ_DEAD,		/* relinquished by a destroyed VM */
	ST_VMSTATE,		/* a live VM's vCPU state */
	ST_VMSTATE_DEAD,	/* a destroyed VM's vCPU state */
	ST_HYPRAM,		/* the hypervisor's own RAM */
	NR_ST
};

extern const char *const st_name[NR_ST];

/* Page @pfn, as queried (@got), is as @want says. */
void assert_info_equal(u64 pfn, const struct s2o_page_info *got,
		       const struct s2o_page_info *want, const char *ctx);
/* Page @pfn, as s2o_page_query() reports it, is in @st (of VM @vm). */
void assert_page(u64 pfn, enum st st, int vm, const char *ctx);

/* No CPU may still translate @pa for the host: a stale TLB entry shows. */
void assert_host_faults_everywhere(u64 pa, const char *ctx);
/* No CPU may still translate @gfn for VM @vm. */
void assert_guest_faults_everywhere(int vm, u64 gfn, const char *ctx);
/* VM @vm maps @gfn to @pfn. */
void assert_guest_maps(int vm, u64 gfn, u64 pfn, const char *ctx);
/* The host's leaf entry for @ipa is @want_pte at level @want_level. */
void assert_host_leaf(u64 ipa, u64 want_pte, u32 want_level);
/* Stage-2 @b is @a run by run; fails naming @ctx and the first run. */
void runs_assert_equal(const struct runs *a, const struct runs *b,
		       const char *ctx, const char *which);

/*
 * The guest's call @fn (s2o_guest_share() ...) from VM @vm on [@gfn, @gfn
 * + @nr) must return @want and have done @want_done pages (0 for a
 * failure).
 */
void assert_guest_call(guest_call_fn fn, int vm, u64 gfn, u64 nr, int want,
		       u64 want_done);
/* What @fn returns, for ASSERT_NOOP(); a failure must say it did nothing. */
int guest_call_ret(guest_call_fn fn, int vm, u64 gfn, u64 nr);

bool page_is_zero(u64 pfn);
/* Data the host (or a guest) left in a page: never all zero. */
void fill_page(u64 pfn);

/* ---- Everything a call that fails must leave untouched ------------------- */

#define SNAP_MAX 8

struct snap {
	unsigned int nr;
	u64 pfn[SNAP_MAX];
	int qret[SNAP_MAX];
	struct s2o_page_info info[SNAP_MAX];
	u64 hash[SNAP_MAX];
	struct runs host;
	int vm_ret[S2O_MAX_VMS + 1];
	struct runs vm[S2O_MAX_VMS + 1];
	struct harness_counters c;
};

/* Pages @pfns (their states and data), every stage-2, pool, counters. */
void snap_take(struct snap *s, const u64 *pfns, unsigned int nr);
void snap_free(struct snap *s);
/*
 * @b must equal @a, except the state of page @skip (~0 for none) and the
 * fault statistics. The data of @skip is compared too: only a reclaim
 * changes data.
 */
void snap_assert_same(const struct snap *a, const struct snap *b, u64 skip,
		      const char *ctx);

/* The pages ASSERT_NOOP() watches, besides the stage-2s and counters. */
void watch_pages(const u64 *pfns, unsigned int nr);
/* Snapshot before a call; then noop_end(), or noop_cancel() on success. */
void noop_begin(void);
void noop_end(int ret, int want, const char *ctx);
void noop_cancel(void);

/* @call must return @want and leave the watched world as it was. */
#define ASSERT_NOOP(want, call, ...)                                 \
	do {                                                         \
		char ctx_[192];                                      \
		int ret_;                                            \
                                                                     \
		snprintf(ctx_, sizeof(ctx_), __VA_ARGS__);           \
		noop_begin();                                        \
		ret_ = (call);                                       \
		noop_end(ret_, (want), ctx_);                        \
	} while (0)

#endif /* S2OWN_TEST_HARNESS_CMOCKA_H */
