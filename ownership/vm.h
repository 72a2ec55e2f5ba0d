/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Protected VMs: a slot per handle, the VM itself in memory the host gave
 * for it, its lifecycle and its stage-2.
 *
 * The host funds each VM, as pKVM's host does: a page pair at creation
 * (the VM, then its stage-2 root) and, whenever the VM's stage-2 needs
 * tables, pages for its table cache (s2o_vm_topup()). All of them are the
 * hypervisor's while the VM lives and come back to the host, scrubbed,
 * once it is destroyed, so the hypervisor's own pool serves only the host
 * stage-2 and nothing in the hypervisor is sized by the number of VMs
 * but the slots.
 *
 * Lock order: a VM's lock, then page claims, then descriptor locks.
 * Reclaim takes no VM lock: a destroyed VM stays destroyed until its last
 * page is back.
 */
#ifndef S2OWN_VM_H
#define S2OWN_VM_H

#include "atomic.h"
#include "pgtable.h"
#include "transition.h"

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

/*
 * A VM, at the start of the page the host gave for it; the rest of the
 * page is the hypervisor's own per-VM data (s2o_vm_private()).
 */
struct s2o_vm {
	u32 handle;
	u32 stopped;		/* powered off or stopped: never runs again */
	struct s2o_pgt pgt;
	u32 nr_vcpus;		/* slots 0..nr_vcpus - 1 are created */
	u32 nr_running;		/* vCPUs loaded on a CPU: destroy waits for 0 */
	struct s2o_vcpu vcpus[S2O_MAX_VCPUS];
	u64 cache_head;		/* free pages for its tables, chained */
	u64 cache_nr;
};

#define S2O_VM_PRIVATE_OFFSET	(S2O_PAGE_SIZE - S2O_VM_PRIVATE_BYTES)

/* What must outlive a VM's own pages: the handle's slot. */
struct s2o_vm_slot {
	struct s2o_spinlock lock;	/* the VM's lifecycle and stage-2 */
	u32 state;			/* enum s2o_vm_state */
	u64 nr_pages;			/* pages whose metadata names it */
	struct s2o_vm *vm;		/* while not FREE */
};

extern struct s2o_vm_slot s2o_vm_slots[S2O_MAX_VMS + 1];

void s2o_vms_init(void);
int s2o_check_gfn_range(u64 gfn, u64 nr);
struct s2o_vm *s2o_vm_lock_live(int handle);
void s2o_vm_unlock(struct s2o_vm *vm);
bool s2o_vm_live(u8 handle);
void s2o_vm_get_pages(struct s2o_vm *vm, u64 nr);
void s2o_vm_put_pages(u8 handle, u64 nr);
int s2o_vm_cache_reserve(struct s2o_vm *vm, u64 nr);

/**
 * s2o_vm_transition_op() - a transition on a live VM as one operation:
 * inside the operation bracket, the VM locked while it runs, then traced.
 * @handle: the VM, any value.
 * @t: the transition; its callbacks find the VM in *@vm.
 * @vm: set to the VM, locked while @t runs; NULL if @handle is not live.
 * @call: S2OWN_TCALL_*, for the trace.
 * @gfn: the guest frame it names, for the trace, or S2OWN_TRACE_NONE.
 *
 * Inline, as s2o_transition_op(): @call and the trace's VM are worked
 * out only when tracing is on.
 *
 * Return: -ENOENT if @handle is not a live VM, else as
 * s2o_transition_run().
 */
static inline int s2o_vm_transition_op(int handle, struct s2o_transition *t,
					struct s2o_vm **vm, u8 call,
					u64 gfn)
{
	int ret = -S2OWN_ENOENT;

	s2o_op_begin();
	*vm = s2o_vm_lock_live(handle);
	if (*vm)
		ret = s2o_transition_run(t);
	s2o_vm_unlock(*vm);
	s2o_op_end();
	S2O_TRACE_TRANSITION(t, call, *vm ? (u8)handle : 0xff, ret, gfn);
	return ret;
}

#endif /* S2OWN_VM_H */
