/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * s2own public interface: the ownership tracker for the host stage-2.
 *
 * One instance per system (like pKVM's host_mmu). Every transition takes a
 * page-frame range, validates all of it, then applies it; a call that
 * returns a negative errno has changed nothing. docs/ownership.md has the
 * states, the transition table and the error codes.
 */
#ifndef S2OWN_H
#define S2OWN_H

#include "types.h"

#define S2O_MAX_MEM_REGIONS 16
#define S2O_MAX_VMS S2OWN_MAX_VMS	/* handles 1..S2O_MAX_VMS */
#define S2O_MAX_VCPUS S2OWN_MAX_VCPUS	/* a VM's vCPUs 0..S2O_MAX_VCPUS-1 */
#define S2O_HOST_VMID 0		/* a VM's VMID is its handle */

/* Stage-2 geometry the core builds: 4K granule, 48-bit IPA, root level 0. */
#define S2O_IPA_BITS 48
#define S2O_START_LEVEL 0

enum s2o_mem_type {
	S2O_MEM_RAM,	/* host RAM: normal memory, may change hands */
	S2O_MEM_HYP,	/* the hypervisor's own RAM: never the host's */
};

/* A physical RAM range; everything outside every region is MMIO. */
struct s2o_mem_region {
	u64 base;
	u64 size;
	enum s2o_mem_type type;
};

struct s2o_init_params {
	/* Sorted, non-overlapping, page-aligned; HYP ranges listed too. */
	const struct s2o_mem_region *regions;
	unsigned int nr_regions;
	/* s2o_metadata_bytes() bytes, 8-byte aligned, zeroed, private. */
	void *metadata;
	/* Table pages: [pool_base, pool_base + pool_pages * 4K), in HYP RAM. */
	u64 pool_base;
	u64 pool_pages;
	/* CPUs that may fault at once (sizes the host reserve); 0: -EINVAL. */
	unsigned int nr_cpus;
};

/*
 * Bytes of per-page metadata for @regions: 8 per 4K page they span, and a
 * lock byte per 2M of them.
 */
u64 s2o_metadata_bytes(const struct s2o_mem_region *regions,
		       unsigned int nr_regions);

/*
 * Table pages of the pool only the host's faults may use, for @regions and
 * @nr_cpus: 2 * @nr_cpus + the level-0 entries that cover RAM. A pool
 * sized for VMs needs this many pages on top (docs/ownership.md).
 */
u64 s2o_host_reserve_pages(const struct s2o_mem_region *regions,
			   unsigned int nr_regions, unsigned int nr_cpus);

/*
 * s2o_init() - reset the tracker: the host owns all RAM outside HYP
 * regions, the hypervisor owns HYP regions, no VM exists, the host
 * stage-2 is empty (everything faults in lazily) but for the HYP regions,
 * annotated owner=hyp. -ENOMEM if the pool cannot hold the root, the
 * annotation's tables and the host reserve (s2o_host_reserve_pages()).
 */
int s2o_init(const struct s2o_init_params *params);

/* VTTBR_EL2 value for the host stage-2 (root PA, VMID 0, CnP clear). */
u64 s2o_host_vttbr(void);

/* The access a host stage-2 fault was for: s2o_host_handle_fault(). */
#define S2O_FAULT_READ	0		/* a data read (no other bit) */
#define S2O_FAULT_WRITE	(1U << 0)	/* a data write */
#define S2O_FAULT_EXEC	(1U << 1)	/* an instruction fetch */
#define S2O_FAULT_PERM	(1U << 2)	/* a permission fault, not translation */

/*
 * s2o_host_handle_fault() - the host took a stage-2 fault at @ipa for an
 * access @access (S2O_FAULT_* bits).
 * Returns 0 when a mapping that allows the access is in place (or another
 * CPU raced us: the host just retries the access); -EPERM when the host
 * does not own @ipa, or the host's mapping of it does not allow the access
 * (an instruction fetch from MMIO, mapped execute-never): retrying could
 * only fault again, inject an abort; -EINVAL at or above 2^48; -ENOMEM when
 * no table page could be found even after freeing idle tables: the host
 * reserve makes that happen only under a level-0 entry without RAM, with
 * a pool smaller than the reserve, or when other CPUs' faults took the
 * pages freed first (docs/ownership.md, "The host reserve").
 */
int s2o_host_handle_fault(u64 ipa, unsigned int access);

/* Transitions, all on [pfn, pfn + nr). */
int s2o_host_share_hyp(u64 pfn, u64 nr);
int s2o_host_unshare_hyp(u64 pfn, u64 nr);
int s2o_host_donate_hyp(u64 pfn, u64 nr);
int s2o_hyp_donate_host(u64 pfn, u64 nr);

/*
 * VMs (vm.c), funded by the host: @pfn and @pfn + 1 hold the VM (and
 * @priv, the hypervisor's data for it) and its stage-2 root; topped-up
 * pages hold its tables. A handle in 1..S2O_MAX_VMS or a negative errno.
 */
int s2o_vm_create(u64 pfn, const void *priv, u64 priv_size);
int s2o_vm_topup(int handle, u64 pfn, u64 nr);
/* The hypervisor's own per-VM data: the second half of the VM's page. */
#define S2O_VM_PRIVATE_BYTES 2048
void *s2o_vm_private(int handle);
/* -ENOENT if @handle is not live, -EBUSY while one of its vCPUs runs. */
int s2o_vm_destroy(int handle);

/*
 * vCPUs (vcpu.c). The core keeps which exist, where their state lives and
 * which run; what the state holds is the hypervisor's (hyp/vcpu.c).
 */
/* The host gives page @pfn for a new vCPU's state: its index or -errno. */
int s2o_vcpu_create(int handle, u64 pfn);
/* Take vCPU @idx to run it on this CPU; *@state_pa: its (zeroed) page. */
int s2o_vcpu_load(int handle, unsigned int idx, u64 *state_pa);
void s2o_vcpu_put(int handle, unsigned int idx);
/* While one of the VM's vCPUs runs: a sibling's state, the VM's VTTBR. */
u64 s2o_vcpu_state(int handle, unsigned int idx);
u64 s2o_vm_vttbr(int handle);
/* A running vCPU stops its VM for good (power off, fatal exception). */
void s2o_vm_stop(int handle);
/* Map [pfn, pfn + nr) at [gfn, gfn + nr) in VM @handle's stage-2. */
int s2o_host_donate_guest(int handle, u64 pfn, u64 gfn, u64 nr);
/*
 * The guest's own calls (guest_mem.c), on the run of its memory from @gfn:
 * share with the host, take back, give up (unmapped, awaiting reclaim).
 * *@done: pages changed.
 */
int s2o_guest_share(int handle, u64 gfn, u64 nr, u64 *done);
int s2o_guest_unshare(int handle, u64 gfn, u64 nr, u64 *done);
int s2o_guest_relinquish(int handle, u64 gfn, u64 nr, u64 *done);
/* Scrub and return pages of a destroyed VM or relinquished pages. */
int s2o_host_reclaim_guest(u64 pfn, u64 nr);

/* Who a page belongs to, as reported by s2o_page_query(). */
enum s2o_owner {
	S2O_OWNER_HOST = S2OWN_OWNER_HOST,
	S2O_OWNER_HYP = S2OWN_OWNER_HYP,
	S2O_OWNER_GUEST = S2OWN_OWNER_GUEST,	/* annotated in the host stage-2 */
	S2O_OWNER_NONE = S2OWN_OWNER_NONE,	/* outside RAM */
};

/* Per-component page states, as in pKVM. */
enum s2o_page_state {
	S2O_PAGE_OWNED = S2OWN_PAGE_OWNED,
	S2O_PAGE_SHARED_OWNED = S2OWN_PAGE_SHARED_OWNED,
	S2O_PAGE_SHARED_BORROWED = S2OWN_PAGE_SHARED_BORROWED,
	S2O_PAGE_NOPAGE = S2OWN_PAGE_NOPAGE,
};

struct s2o_page_info {
	enum s2o_owner owner;
	enum s2o_page_state host;
	enum s2o_page_state hyp;
	enum s2o_page_state guest;	/* NOPAGE unless owner is a guest */
	int vm;				/* owning VM handle, 0 if none */
	bool reclaimable;		/* guest page the host may reclaim */
};

/* Read the tracked state of one page (-EINVAL outside RAM). */
int s2o_page_query(u64 pfn, struct s2o_page_info *info);

/* The counters (S2OWN_STATS() in the ABI header) and the pool's use. */
void s2o_get_stats(struct s2own_stats *stats);

/*
 * A run of consecutive entries of one stage-2 with the same level, kind,
 * attributes and owner, as visited by s2o_dump().
 */
enum s2o_run_kind {
	S2O_RUN_INVALID = S2OWN_RUN_INVALID,	/* not mapped; owner annotated */
	S2O_RUN_BLOCK = S2OWN_RUN_BLOCK,	/* level 1 or 2 leaf */
	S2O_RUN_PAGE = S2OWN_RUN_PAGE,		/* level 3 leaf */
	S2O_RUN_LOCKED = S2OWN_RUN_LOCKED,	/* being changed by another CPU */
};

struct s2o_run {
	u64 start;
	u64 end;		/* exclusive */
	u32 level;
	enum s2o_run_kind kind;
	u64 attrs;		/* leaf descriptor bits other than the OA */
	u32 owner;		/* for INVALID: annotated owner id */
	u64 nr_entries;
};

typedef void (*s2o_run_fn)(const struct s2o_run *run, void *arg);

/*
 * s2o_dump() - visit the runs of VM @handle's stage-2, or of the host's
 * with @handle 0, in IPA order. Empty (host-owned, unmapped) root entries
 * are reported too so that runs cover the walked space without gaps.
 */
int s2o_dump(int handle, s2o_run_fn fn, void *arg);

/* The first inconsistency s2o_check_invariants() found. */
struct s2o_violation {
	const char *what;	/* a fixed sentence naming the invariant */
	u64 addr;		/* the page or IPA concerned */
	u64 expected;
	u64 found;
	int vm;			/* 0 for the host stage-2 */
};

/*
 * s2o_check_invariants() - cross-check the metadata, the host stage-2, each
 * VM's stage-2 and the pool. Call it with no transition in flight.
 * Returns 0, or -EINVAL with @v describing the first inconsistency.
 */
int s2o_check_invariants(struct s2o_violation *v);

#endif /* S2OWN_H */
