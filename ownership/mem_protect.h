/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals shared by the transitions: the host stage-2, its lock, the
 * VMs, and the checks every transition makes.
 */
#ifndef S2OWN_MEM_PROTECT_H
#define S2OWN_MEM_PROTECT_H

#include "atomic.h"
#include "pgtable.h"
#include "sync.h"

struct s2o_host_mmu {
	struct s2o_pgt pgt;
};

extern struct s2o_host_mmu s2o_host_mmu;

enum s2o_vm_state {
	S2O_VM_FREE,
	S2O_VM_LIVE,
	S2O_VM_DYING,	/* destroyed; pages wait to be reclaimed */
};

struct s2o_vm {
	struct s2o_spinlock lock;	/* VM lifecycle and its stage-2 */
	u32 state;			/* enum s2o_vm_state */
	struct s2o_pgt pgt;
	u64 nr_pages;	/* pages whose metadata names this VM */
};

extern struct s2o_vm s2o_vms[S2O_MAX_VMS + 1];

/* Returns 0 if a page in @state (and @page) may be claimed, or an errno. */
typedef int (*s2o_page_check_fn)(u8 state, const struct s2o_page *page,
				 const void *arg);

int s2o_check_pfn_range(u64 pfn, u64 nr);
int s2o_claim_pages(u64 pfn, u64 nr, s2o_page_check_fn check,
		    const void *arg);
int s2o_page_in_state(u8 state, const struct s2o_page *page,
		      const void *want);
int s2o_page_any_state(u8 state, const struct s2o_page *page,
		       const void *arg);
void s2o_release_pages(u64 pfn, u64 nr);
void s2o_set_pages(u64 pfn, u64 nr, enum s2o_pstate state, u8 vm);
int s2o_host_set_owner(u64 pfn, u64 nr, u32 owner, u64 *reserved);
u64 s2o_host_owner_bound(u64 pfn, u64 nr, u32 owner);
void s2o_vm_put_pages(struct s2o_vm *vm, u64 nr);
void s2o_vms_init(void);
struct s2o_vm *s2o_vm_lock_live(int handle);
void s2o_vm_unlock(struct s2o_vm *vm);

#endif /* S2OWN_MEM_PROTECT_H */
