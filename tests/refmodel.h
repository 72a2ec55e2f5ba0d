/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A reference model of page ownership, the one oracle of the host tests.
 *
 * The oracle: the rules of docs/ownership.md page by page, independent of
 * any memory map. Which states a transition takes a page from and to
 * (rm_transitions[]), what it returns for one page (rm_page_ret()), what
 * a host fault on it returns (rm_host_may_access(), rm_host_allows()),
 * which call gives it
 * back (rm_give_back_kind()), what s2o_page_query() reports for it
 * (rm_want_info(), rm_info_is()). Every host test asks these; the stress
 * test, which has a machine of its own, asks nothing else.
 *
 * The model: plain arrays holding the state of every page of a small
 * window of the harness's usual map (or its split map, rm_ctx.split),
 * each VM's life, its vCPU count and its gfn -> pfn map. rm_expect() says
 * what the core must return for an operation and rm_expect_done() how
 * many pages it changes, rm_commit() applies one the core made; rm_apply()
 * does all three around the real call and compares: the return code, the
 * pages a guest's call did (the run rm_guest_run() finds), that a failed
 * call changed nothing, and what the fake MMUs translate afterwards.
 *
 * Three drivers run the model: tests/test_reference.c (seeded random
 * operations), tests/fuzz_core.c (operations decoded from libFuzzer's
 * input) and tests/test_matrix.c (every state against every operation).
 * The driver chooses the operations; the model decides what the tracker
 * must answer. Operations on pages must stay inside the window
 * (rm_range_in_window()) unless the model says they fail: the model only
 * tracks the window, and everything outside it keeps its boot state.
 *
 * The window is three runs of pages where the shape of the stage-2 is most
 * intricate: the end of the hypervisor's RAM and the start of host RAM (a
 * 2M boundary inside a 1G block of mixed memory), a 1G boundary, and the
 * end of RAM followed by MMIO.
 */
#ifndef S2OWN_TEST_REFMODEL_H
#define S2OWN_TEST_REFMODEL_H

#include "harness.h"

#define RM_MAX_RANGE 1100	/* longest range the drivers make */

/* A run of page (or guest) frames: [first, end). */
struct rm_seg {
	u64 first, end;
};

#define RM_NR_SEGS 3
#define RM_WIN (1464 + 2800 + 1464)
extern const struct rm_seg rm_segs[RM_NR_SEGS];

/*
 * gfns the model tracks: the bottom of the guest IPA space, around a 1G
 * boundary, around a 512G boundary (a root entry) and the top.
 */
#define RM_NR_GREGS 4
#define RM_GSLOTS (4096 + 3072 + 3072 + 2048)
extern const struct rm_seg rm_gregs[RM_NR_GREGS];

/*
 * A page's state in the model; hyp RAM and MMIO never change. RM_SHARED
 * is the host's page shared with the hypervisor, RM_GSHARED a guest's
 * page shared with the host, RM_VMSTATE a page holding a vCPU's state.
 */
enum rm_state {
	RM_HOST, RM_SHARED, RM_HYP, RM_GUEST, RM_RELINQ, RM_GSHARED,
	RM_VMSTATE, RM_HYPRAM, RM_MMIO, RM_NR_STATES
};

#define RM_BIT(st) (1u << (st))

enum rm_vm_state { RM_VM_FREE, RM_VM_LIVE, RM_VM_DYING };

struct rm_model {
	u8 st[RM_WIN];		/* enum rm_state, by rm_win_idx() */
	u8 vm[RM_WIN];		/* owning VM of a guest page */
	u64 marker[RM_WIN];	/* word at the page's marker offset, 0: zero */
	int vstate[S2O_MAX_VMS + 1];
	u64 vpages[S2O_MAX_VMS + 1];	/* pages naming the VM */
	u8 nvcpus[S2O_MAX_VMS + 1];	/* vCPUs the VM has */
	bool gdirty[S2O_MAX_VMS + 1];	/* gmap[h] may hold entries */
	u64 gmap[S2O_MAX_VMS + 1][RM_GSLOTS];	/* pfn + 1, 0 unmapped */
};

/* The model's state: drivers read it to aim their operations. */
extern struct rm_model rm;

/*
 * The operations, as counted in the coverage table. RM_SHARE and
 * RM_UNSHARE are the host's, with the hypervisor; RM_GUEST_SHARE,
 * RM_GUEST_UNSHARE and RM_RELINQUISH the guest's own calls (rm_guest_call()).
 */
enum rm_kind {
	RM_FAULT, RM_SHARE, RM_UNSHARE, RM_DONATE_HYP, RM_GIVE_BACK,
	RM_DONATE_GUEST, RM_GUEST_SHARE, RM_GUEST_UNSHARE, RM_RELINQUISH,
	RM_RECLAIM, RM_VCPU_CREATE, RM_TOPUP, RM_CREATE, RM_DESTROY,
	RM_NR_KINDS
};

/* Pages one guest call changes at most (docs/guests.md). */
#define RM_GUEST_CALL_MAX 512

extern const char *const rm_kind_name[RM_NR_KINDS];
extern const char *const rm_state_name[];

struct rm_op {
	enum rm_kind kind;
	int vm;			/* the VM of every call that names one */
	u64 pfn, nr;		/* transitions on pages; vcpu_create: pfn */
	u64 gfn;		/* donate_guest, guest calls */
	u64 ipa;		/* host fault */
	unsigned int access;	/* host fault: S2O_FAULT_* bits */
	unsigned int cpu;	/* host fault: the CPU that retries */
};

/*
 * Return codes counted: 0, -EPERM, -ENOENT, -ENOMEM, -EBUSY, -EINVAL,
 * -EFAULT.
 */
#define RM_NR_RETS 7

/* Where a guest call's run ended (rm_guest_run()). */
enum rm_end {
	RM_END_ASKED,	/* at the length asked for */
	RM_END_MAX,	/* after RM_GUEST_CALL_MAX pages */
	RM_END_REGION,	/* at the end of a RAM region */
	RM_END_HOLE,	/* at a gfn holding no page */
	RM_END_JUMP,	/* at a gfn holding a page, not the next one */
	RM_NR_ENDS
};

/* What the driver sets, and what the model keeps about the run. */
struct rm_ctx {
	u64 rng;		/* the run's stream (rng.h): rm_rnd() */
	u64 salt;		/* mixed into the words pages are written */
	unsigned int opno;	/* the driver's operation number */
	/* Hash both stage-2s around a failed call every Nth op (0: never). */
	unsigned int dump_every;
	/*
	 * The pool may run dry: a call the model says succeeds may return
	 * -ENOMEM instead, provided it changed nothing; the model then skips
	 * it. Off, -ENOMEM is a mismatch.
	 */
	bool allow_enomem;
	/*
	 * The pool holds the root and the host reserve: even so, a host
	 * fault under the level-0 entry with the harness's RAM, [0, 512G),
	 * must never get -ENOMEM.
	 */
	bool host_reserve;
	/*
	 * The tracker runs on harness_split_map: a pfn range crossing
	 * RAM_SPLIT is refused, a guest's run ends there.
	 */
	bool split;
	unsigned long long nr_enomem;	/* calls that hit -ENOMEM */
	/* Successful guest calls by where their run ended (enum rm_end). */
	unsigned long long run_ends[RM_NR_ENDS];
	char desc[160];			/* the operation being checked */
	/* Report a mismatch; must not return. */
	void (*report)(const char *msg);
	unsigned long long coverage[RM_NR_KINDS][RM_NR_RETS];
};

extern struct rm_ctx rm_ctx;

/* ---- The oracle ---------------------------------------------------------- */

/*
 * A transition of pages: the states every page must start in (RM_BIT()s;
 * 0 for the operations that are not transitions of pages) and the state
 * it ends in.
 */
struct rm_transition {
	unsigned int from;
	enum rm_state to;
};

extern const struct rm_transition rm_transitions[RM_NR_KINDS];

int rm_page_ret(enum rm_kind kind, enum rm_state st, bool live);
bool rm_host_may_access(enum rm_state st);
bool rm_host_allows(enum rm_state st, unsigned int access);
enum rm_kind rm_give_back_kind(enum rm_state st, bool live);
struct s2o_page_info rm_want_info(enum rm_state st, int vm, bool live);
bool rm_info_is(const struct s2o_page_info *got, enum rm_state st, int vm,
		bool live);
#define RM_INFO_LEN 96
const char *rm_info_str(const struct s2o_page_info *info,
			char buf[RM_INFO_LEN]);
bool rm_guest_call(enum rm_kind kind);
guest_call_fn rm_guest_fn(enum rm_kind kind);
int rm_core_call(const struct rm_op *op, u64 *done);

/* ---- The model ----------------------------------------------------------- */

u64 rm_rnd(u64 n);

int rm_win_idx(u64 pfn);
u64 rm_win_pfn(int idx);
int rm_seg_of(u64 pfn);
bool rm_range_in_window(u64 pfn, u64 nr);
int rm_gslot(u64 gfn);
u64 rm_gslot_gfn(int slot);

enum rm_state rm_region_kind(u64 pfn);
enum rm_state rm_mstate(u64 pfn);
bool rm_vm_live(int h);
u64 rm_gmapped(int h, u64 gfn);
int rm_check_range(u64 pfn, u64 nr);
int rm_check_gfn_range(u64 gfn, u64 nr);
u64 rm_guest_run(int h, u64 gfn, u64 nr, u64 *pfn);

int rm_find_page(unsigned int mask, int start);
u64 rm_run_len(unsigned int mask, u64 pfn, u64 want, unsigned int stray);
int rm_find_mapped(int h, int start);
u64 rm_mapped_len(int h, u64 gfn, u64 want, unsigned int stray);
int rm_live_vms(int live[S2O_MAX_VMS]);

void rm_reset(void);
void rm_mismatch(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int rm_expect(const struct rm_op *op);
u64 rm_expect_done(const struct rm_op *op, u64 *pfn);
void rm_commit(const struct rm_op *op, int ret);
int rm_apply(const struct rm_op *op);
void rm_describe(const struct rm_op *op, char *buf, size_t size);

void rm_page_write(u64 pfn);
void rm_check_markers(void);
void rm_check_page(u64 pfn);
void rm_check_window(void);
void rm_probe_host(unsigned int cpu, u64 ipa);
void rm_probe_guest(unsigned int cpu, int h, u64 gfn);
int rm_give_everything_back(void);
void rm_print_coverage(void);
void rm_print_run_ends(void);

#endif /* S2OWN_TEST_REFMODEL_H */
