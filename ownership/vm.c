// SPDX-License-Identifier: GPL-2.0-only
/*
 * Protected VMs: their slots, their lifecycle and their stage-2. A VM slot
 * is reused only once every page naming it has been reclaimed, so a stale
 * handle can never alias a page. Lock order: vm.h.
 */
#include "pool.h"
#include "sync.h"
#include "trace.h"
#include "vm.h"

struct s2o_vm s2o_vms[S2O_MAX_VMS + 1];

/*
 * A VM's stage-2 never collapses a table (its pages go back to the host
 * by reclaim, not through it); tables are its only blocking entries, so
 * the count the invariant checker verifies is the same as the host's.
 */
static bool vm_pte_blocks_collapse(u64 pte, u32 level)
{
	return s2o_pte_is_table(pte, level);
}

static const struct s2o_pgt_ops vm_pgt_ops = {
	.pte_blocks_collapse = vm_pte_blocks_collapse,
};

/**
 * s2o_check_gfn_range() - a guest frame range: not empty, in the IPA space.
 * @gfn: first guest frame.
 * @nr: number of frames.
 *
 * Return: 0 or -EINVAL.
 */
int s2o_check_gfn_range(u64 gfn, u64 nr)
{
	u64 max_gfn = 1ULL << (S2O_IPA_BITS - S2O_PAGE_SHIFT);

	if (!nr || gfn >= max_gfn || nr > max_gfn - gfn)
		return -S2OWN_EINVAL;
	return 0;
}

/** s2o_vms_init() - forget every VM (boot, or a test's reset). */
void s2o_vms_init(void)
{
	int i;

	for (i = 0; i <= S2O_MAX_VMS; i++)
		s2o_vms[i] = (struct s2o_vm){ .state = S2O_VM_FREE };
}

static u32 vm_state(const struct s2o_vm *vm)
{
	return s2o_load(&vm->state);
}

/**
 * s2o_vm_is_live() - whether a VM is live (created, not destroyed).
 * @vm: the VM, locked or not: the answer may change right after.
 *
 * Return: true if live.
 */
bool s2o_vm_is_live(const struct s2o_vm *vm)
{
	return vm_state(vm) == S2O_VM_LIVE;
}

/*
 * VM locks are taken before any walk, holding no table: spin as a CPU
 * that holds nothing, so that an RCU grace period never waits for it.
 */
static void vm_lock(struct s2o_vm *vm)
{
	while (!s2o_spin_trylock(&vm->lock))
		s2o_relax_unheld();
}

/**
 * s2o_vm_lock_live() - lock a VM if it is live.
 * @handle: the VM's handle, any value.
 *
 * Return: the VM, locked, or NULL (nothing locked) if @handle is not live.
 */
struct s2o_vm *s2o_vm_lock_live(int handle)
{
	struct s2o_vm *vm;

	if (handle < 1 || handle > S2O_MAX_VMS)
		return NULL;
	vm = &s2o_vms[handle];
	vm_lock(vm);
	if (s2o_vm_is_live(vm))
		return vm;
	s2o_spin_unlock(&vm->lock);
	return NULL;
}

/**
 * s2o_vm_unlock() - unlock a VM s2o_vm_lock_live() returned.
 * @vm: the VM, or NULL.
 */
void s2o_vm_unlock(struct s2o_vm *vm)
{
	if (vm)
		s2o_spin_unlock(&vm->lock);
}

/* A destroyed VM's slot is free once no page names it. */
static void vm_try_free(struct s2o_vm *vm)
{
	u32 dying = S2O_VM_DYING;

	if (!s2o_load(&vm->nr_pages))
		s2o_try_cmpxchg(&vm->state, &dying, S2O_VM_FREE);
}

/**
 * s2o_vm_get_pages() - more pages name @vm.
 * @vm: the VM, locked and live.
 * @nr: number of pages.
 */
void s2o_vm_get_pages(struct s2o_vm *vm, u64 nr)
{
	s2o_add_return(&vm->nr_pages, nr);
}

/**
 * s2o_vm_put_pages() - pages naming @vm went back to the host.
 * @vm: the VM.
 * @nr: number of pages.
 *
 * The slot of a destroyed VM is freed with its last page.
 */
void s2o_vm_put_pages(struct s2o_vm *vm, u64 nr)
{
	s2o_sub_return(&vm->nr_pages, nr);
	vm_try_free(vm);
}

/**
 * s2o_vm_create() - a new protected VM with an empty stage-2.
 *
 * Return: its handle (1..S2O_MAX_VMS), -EBUSY when every slot is taken
 * (or held by a destroyed VM with pages not yet reclaimed), -ENOMEM when
 * no table page is left for its root.
 */
int s2o_vm_create(void)
{
	int handle, ret = -S2OWN_EBUSY;

	s2o_op_begin();
	for (handle = 1; handle <= S2O_MAX_VMS; handle++) {
		struct s2o_vm *vm = &s2o_vms[handle];
		u64 reserved = 1;

		vm_lock(vm);
		if (vm_state(vm) != S2O_VM_FREE) {
			s2o_spin_unlock(&vm->lock);
			continue;
		}
		ret = s2o_pool_reserve(reserved);
		if (!ret) {
			s2o_pgt_init(&vm->pgt, (u16)handle, &vm_pgt_ops,
				     &reserved);
			vm->stopped = 0;
			vm->nr_vcpus = 0;
			vm->nr_running = 0;
			s2o_store(&vm->state, S2O_VM_LIVE);
			ret = handle;
		}
		s2o_spin_unlock(&vm->lock);
		break;
	}
	s2o_op_end();
	s2o_trace(S2OWN_TEV_TRANSITION, S2OWN_TCALL_VM_CREATE,
		  ret > 0 ? (u8)ret : 0, ret > 0 ? 0 : ret, 0,
		  S2OWN_TRACE_NONE, S2OWN_TRACE_NONE);
	return ret;
}

/**
 * s2o_vm_destroy() - tear a VM's stage-2 down; its pages become
 * reclaimable by the host.
 * @handle: the VM.
 *
 * Return: 0, -ENOENT if @handle is not a live VM, -EBUSY while one of its
 * vCPUs runs (s2o_vcpu_load()).
 */
int s2o_vm_destroy(int handle)
{
	struct s2o_vm *vm;
	int ret = -S2OWN_ENOENT;

	s2o_op_begin();
	vm = s2o_vm_lock_live(handle);
	if (vm && s2o_load_acquire(&vm->nr_running)) {
		ret = -S2OWN_EBUSY;
	} else if (vm) {
		s2o_pgt_destroy(&vm->pgt);
		s2o_store(&vm->state, S2O_VM_DYING);
		vm_try_free(vm);
		ret = 0;
	}
	s2o_vm_unlock(vm);
	s2o_op_end();
	s2o_trace(S2OWN_TEV_TRANSITION, S2OWN_TCALL_VM_DESTROY,
		  s2o_trace_vm(handle), ret, 0, S2OWN_TRACE_NONE,
		  S2OWN_TRACE_NONE);
	return ret;
}
