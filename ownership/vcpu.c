// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPUs, as far as ownership goes: the page the host gives for a vCPU's
 * state (hypervisor-owned on the VM's behalf, reclaimable once the VM is
 * destroyed), which vCPUs exist, and which run. A running vCPU pins its VM:
 * s2o_vm_destroy() refuses while one runs, so the state pages and the
 * stage-2 a CPU is using cannot go away under it. What the state holds is
 * the hypervisor's business (hyp/vcpu.c).
 *
 * Lock order: vm.h. Loading takes the VM's lock, so a load and a destroy
 * are ordered; putting needs none: it only lets destroy proceed.
 */
#include "mem_protect.h"
#include "sync.h"
#include "trace.h"
#include "transition.h"
#include "vm.h"

struct vcpu_create {
	struct s2o_transition t;
	struct s2o_vm *vm;
	int index;		/* the new vCPU's */
};

static int vcpu_create_prepare(struct s2o_transition *t, u64 *tables)
{
	struct vcpu_create *c = s2o_container_of(t, struct vcpu_create, t);

	if (c->vm->nr_vcpus >= S2O_MAX_VCPUS)
		return -S2OWN_EBUSY;
	*tables = s2o_host_owner_bound(t->pfn, 1, S2O_OWNER_HYP);
	return 0;
}

static void vcpu_create_apply(struct s2o_transition *t, u64 *reserved)
{
	struct vcpu_create *c = s2o_container_of(t, struct vcpu_create, t);
	struct s2o_vm *vm = c->vm;

	s2o_host_set_owner(t->pfn, 1, S2O_OWNER_HYP, reserved);
	/* What the host left in it is nobody's business: start from zero. */
	s2o_arch_zero_page(t->pfn << S2O_PAGE_SHIFT);
	c->index = (int)vm->nr_vcpus;
	vm->vcpus[vm->nr_vcpus] = (struct s2o_vcpu){ .state_pfn = t->pfn };
	s2o_vm_get_pages(vm, 1);
	s2o_set_pages(t->pfn, 1, S2O_PS_VM_STATE, (u8)vm->pgt.vmid);
	/* Published last: a concurrent load sees the slot complete. */
	s2o_store_release(&vm->nr_vcpus, vm->nr_vcpus + 1);
}

/**
 * s2o_vcpu_create() - add a vCPU to a VM, its state in a page the host
 * gives up.
 * @handle: the VM.
 * @pfn: a host page; it becomes the hypervisor's (owner hyp in the host
 *       stage-2), zeroed, until the host reclaims it after the VM's end.
 *
 * Return: the vCPU's index (0 for the first), or -ENOENT for a VM that is
 * not live; -EINVAL/-EPERM for a bad pfn (s2o_check_pfn_range()); -EPERM
 * if the page is not the host's alone; -EBUSY if the VM has
 * S2O_MAX_VCPUS vCPUs; -ENOMEM if a table page cannot be reserved.
 */
int s2o_vcpu_create(int handle, u64 pfn)
{
	const u8 host = S2O_PS_HOST;
	struct vcpu_create c = {
		.t = {
			.pfn = pfn,
			.nr = 1,
			.check_page = s2o_page_in_state,
			.check_arg = &host,
			.prepare = vcpu_create_prepare,
			.apply = vcpu_create_apply,
		},
	};
	int ret = s2o_vm_transition_op(handle, &c.t, &c.vm,
				       S2OWN_TCALL_VCPU_CREATE,
				       S2OWN_TRACE_NONE);

	return ret ? ret : c.index;
}

/**
 * s2o_vcpu_load() - take a vCPU to run it on the calling CPU.
 * @handle: the VM, any value.
 * @idx: the vCPU, any value.
 * @state_pa: set to the vCPU's state page.
 *
 * Until s2o_vcpu_put(), no other CPU can load it and the VM cannot be
 * destroyed.
 *
 * Return: 0; -ENOENT for a VM that is not live; -EINVAL for a vCPU that
 * does not exist; -EBUSY if another CPU runs it; -EPERM if the VM has
 * stopped.
 */
int s2o_vcpu_load(int handle, unsigned int idx, u64 *state_pa)
{
	struct s2o_vm *vm;
	int ret;

	s2o_op_begin();
	vm = s2o_vm_lock_live(handle);
	if (!vm)
		ret = -S2OWN_ENOENT;
	else if (idx >= vm->nr_vcpus)
		ret = -S2OWN_EINVAL;
	else if (s2o_load_acquire(&vm->vcpus[idx].running))
		ret = -S2OWN_EBUSY;
	else if (s2o_load_acquire(&vm->stopped))
		ret = -S2OWN_EPERM;
	else {
		s2o_write_once(&vm->vcpus[idx].running, 1);
		s2o_add_return(&vm->nr_running, 1);
		*state_pa = vm->vcpus[idx].state_pfn << S2O_PAGE_SHIFT;
		ret = 0;
	}
	s2o_vm_unlock(vm);
	s2o_op_end();
	return ret;
}

/**
 * s2o_vcpu_put() - the calling CPU is done running a vCPU it loaded.
 * @handle: the VM.
 * @idx: the vCPU.
 */
void s2o_vcpu_put(int handle, unsigned int idx)
{
	struct s2o_vm *vm = s2o_vm_slots[handle].vm;

	/* Everything this CPU did with the vCPU's state comes before. */
	s2o_store_release(&vm->vcpus[idx].running, 0);
	s2o_sub_return(&vm->nr_running, 1);
}

/**
 * s2o_vcpu_state() - where another vCPU of a running VM keeps its state.
 * @handle: the VM, kept live by the caller running one of its vCPUs.
 * @idx: the vCPU, any value.
 *
 * Return: the state page's address, or 0 if there is no vCPU @idx.
 */
u64 s2o_vcpu_state(int handle, unsigned int idx)
{
	const struct s2o_vm *vm = s2o_vm_slots[handle].vm;

	if (idx >= s2o_load_acquire(&vm->nr_vcpus))
		return 0;
	return vm->vcpus[idx].state_pfn << S2O_PAGE_SHIFT;
}

/**
 * s2o_vm_vttbr() - VTTBR_EL2 for a VM: its stage-2 root, its VMID.
 * @handle: the VM, kept live by the caller running one of its vCPUs.
 *
 * Return: the register value.
 */
u64 s2o_vm_vttbr(int handle)
{
	const struct s2o_pgt *pgt = &s2o_vm_slots[handle].vm->pgt;

	return pgt->root_pa | (u64)pgt->vmid << 48;
}

/**
 * s2o_vm_stop() - a VM will never run again (powered off, or stopped by
 * the hypervisor); it can only be destroyed.
 * @handle: the VM, which the caller keeps live by running one of its vCPUs.
 */
void s2o_vm_stop(int handle)
{
	s2o_store_release(&s2o_vm_slots[handle].vm->stopped, 1);
}
