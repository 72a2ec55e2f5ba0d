/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Protected VMs: a slot per handle, its lifecycle and its stage-2.
 *
 * Lock order: a VM's lock, then page claims, then descriptor locks.
 * Reclaim takes no VM lock: a destroyed VM stays destroyed until its last
 * page is back.
 */
#ifndef S2OWN_VM_H
#define S2OWN_VM_H

#include "atomic.h"
#include "pgtable.h"

enum s2o_vm_state {
	S2O_VM_FREE,
	S2O_VM_LIVE,
	S2O_VM_DYING,	/* destroyed; pages wait to be reclaimed */
};

/* A vCPU slot: its state page, and whether a CPU runs it now. */
struct s2o_vcpu {
	u64 state_pfn;		/* hypervisor page holding its registers */
	u32 running;		/* a CPU has it loaded (s2o_vcpu_load()) */
};

struct s2o_vm {
	struct s2o_spinlock lock;	/* VM lifecycle and its stage-2 */
	u32 state;			/* enum s2o_vm_state */
	u32 stopped;		/* powered off or stopped: never runs again */
	struct s2o_pgt pgt;
	u64 nr_pages;	/* pages whose metadata names this VM */
	u32 nr_vcpus;	/* slots 0..nr_vcpus - 1 are created */
	u32 nr_running;	/* vCPUs loaded on a CPU: destroy waits for 0 */
	struct s2o_vcpu vcpus[S2O_MAX_VCPUS];
};

extern struct s2o_vm s2o_vms[S2O_MAX_VMS + 1];

void s2o_vms_init(void);
int s2o_check_gfn_range(u64 gfn, u64 nr);
struct s2o_vm *s2o_vm_lock_live(int handle);
void s2o_vm_unlock(struct s2o_vm *vm);
bool s2o_vm_is_live(const struct s2o_vm *vm);
void s2o_vm_get_pages(struct s2o_vm *vm, u64 nr);
void s2o_vm_put_pages(struct s2o_vm *vm, u64 nr);

#endif /* S2OWN_VM_H */
