// SPDX-License-Identifier: GPL-2.0-only
/*
 * Protected VMs: their slots, their lifecycle and their stage-2. A VM slot
 * is reused only once every page naming it has been reclaimed, so a stale
 * handle can never alias a page. Lock order: vm.h.
 */
#include "mem_protect.h"
#include "stats.h"
#include "sync.h"
#include "trace.h"
#include "transition.h"
#include "vm.h"

struct s2o_vm_slot s2o_vm_slots[S2O_MAX_VMS + 1];

_Static_assert(sizeof(struct s2o_vm) <= S2O_VM_PRIVATE_OFFSET,
	       "struct s2o_vm runs into the hypervisor's half of its page");

/*
 * A table for the VM's stage-2, from the pages the host gave for them:
 * the caller checked there are enough (s2o_vm_cache_reserve()), and the
 * VM's lock keeps anyone else from taking them.
 */
static u64 vm_table_alloc(struct s2o_pgt *pgt)
{
	struct s2o_vm *vm = s2o_container_of(pgt, struct s2o_vm, pgt);
	u64 pa = vm->cache_head;

	S2O_BUG_ON(!vm->cache_nr);
	vm->cache_head = *(u64 *)s2o_arch_table_va(pa);
	vm->cache_nr--;
	s2o_trace(S2OWN_TEV_TABLE_ALLOC, 0, (u8)vm->handle, 0, 0, pa,
		  vm->cache_nr);
	return pa;
}

static const struct s2o_pgt_ops vm_pgt_ops = {
	/*
	 * A VM's stage-2 never collapses a table (its pages go back to the
	 * host by reclaim, not through it), but its tables are counted as
	 * blocking all the same: the invariant checker holds both stage-2s
	 * to one count.
	 */
	.owners_block = false,
	.table_alloc = vm_table_alloc,
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
		s2o_vm_slots[i] = (struct s2o_vm_slot){ .state = S2O_VM_FREE };
}

static u32 slot_state(const struct s2o_vm_slot *slot)
{
	return s2o_load(&slot->state);
}

/**
 * s2o_vm_live() - whether a handle names a live VM.
 * @handle: the handle, as a page's metadata names it.
 *
 * Return: true while the VM is neither free nor destroyed.
 */
bool s2o_vm_live(u8 handle)
{
	_Static_assert(S2O_MAX_VMS == 255, "a u8 handle is always a slot");
	return handle && slot_state(&s2o_vm_slots[handle]) == S2O_VM_LIVE;
}

/*
 * The slot locks spin with s2o_relax_unheld(): a transition never waits
 * for one while holding a table reference.
 */
static void slot_lock(struct s2o_vm_slot *slot)
{
	while (!s2o_spin_trylock(&slot->lock))
		s2o_relax_unheld();
}

/**
 * s2o_vm_lock_live() - lock a VM if it is live.
 * @handle: any value.
 *
 * Return: the VM, locked, or NULL (not a live VM; nothing held).
 */
struct s2o_vm *s2o_vm_lock_live(int handle)
{
	struct s2o_vm_slot *slot;

	if (handle < 1 || handle > S2O_MAX_VMS)
		return NULL;
	slot = &s2o_vm_slots[handle];
	slot_lock(slot);
	if (slot_state(slot) == S2O_VM_LIVE)
		return slot->vm;
	s2o_spin_unlock(&slot->lock);
	return NULL;
}

/**
 * s2o_vm_unlock() - unlock a VM s2o_vm_lock_live() returned.
 * @vm: the VM, or NULL.
 */
void s2o_vm_unlock(struct s2o_vm *vm)
{
	if (vm)
		s2o_spin_unlock(&s2o_vm_slots[vm->handle].lock);
}

/* A destroyed VM's slot is free once no page names it. */
static void slot_try_free(struct s2o_vm_slot *slot)
{
	u32 dying = S2O_VM_DYING;

	if (!s2o_load(&slot->nr_pages))
		s2o_try_cmpxchg(&slot->state, &dying, S2O_VM_FREE);
}

/**
 * s2o_vm_get_pages() - more pages name @vm.
 * @vm: the VM, locked and live.
 * @nr: number of pages.
 */
void s2o_vm_get_pages(struct s2o_vm *vm, u64 nr)
{
	s2o_add_return(&s2o_vm_slots[vm->handle].nr_pages, nr);
}

/**
 * s2o_vm_put_pages() - pages naming a VM went back to the host.
 * @handle: the VM's handle.
 * @nr: number of pages.
 *
 * The slot of a destroyed VM is freed with its last page.
 */
void s2o_vm_put_pages(u8 handle, u64 nr)
{
	struct s2o_vm_slot *slot = &s2o_vm_slots[handle];

	s2o_sub_return(&slot->nr_pages, nr);
	slot_try_free(slot);
}

/**
 * s2o_vm_private() - the hypervisor's own data for a VM: the last
 * S2O_VM_PRIVATE_BYTES of the page the host gave for it, zeroed at
 * creation.
 * @handle: a VM the caller keeps from being destroyed (it holds its lock,
 *          or runs one of its vCPUs).
 *
 * Return: the area.
 */
void *s2o_vm_private(int handle)
{
	return (u8 *)s2o_vm_slots[handle].vm + S2O_VM_PRIVATE_OFFSET;
}

/**
 * s2o_vm_cache_reserve() - check the VM's table cache holds @nr pages.
 * @vm: the VM, locked: only its calls take from the cache.
 * @nr: table pages a change of its stage-2 needs.
 *
 * Return: 0, or -ENOMEM: the host must top the cache up first.
 */
int s2o_vm_cache_reserve(struct s2o_vm *vm, u64 nr)
{
	return vm->cache_nr >= nr ? 0 : -S2OWN_ENOMEM;
}

/* Pages the host gives a VM: the hypervisor's, annotated in its stage-2. */
static int vm_pages_prepare(struct s2o_transition *t, u64 *tables)
{
	*tables = s2o_host_owner_bound(t->pfn, t->nr, S2O_OWNER_HYP);
	return 0;
}

struct vm_create {
	struct s2o_transition t;
	int handle;
	const void *priv;	/* the hypervisor's data for it */
	u64 priv_size;
};

/* The VM in the first page, its empty stage-2 root in the second. */
static void vm_create_apply(struct s2o_transition *t, u64 *reserved)
{
	struct vm_create *c = s2o_container_of(t, struct vm_create, t);
	struct s2o_vm_slot *slot = &s2o_vm_slots[c->handle];
	u64 pa = t->pfn << S2O_PAGE_SHIFT;
	struct s2o_vm *vm = s2o_arch_table_va(pa);

	s2o_host_set_owner(t->pfn, 2, S2O_OWNER_HYP, reserved);
	/* What the host left in the page is nobody's business. */
	s2o_arch_zero_page(pa);
	vm->handle = (u32)c->handle;
	s2o_pgt_init(&vm->pgt, (u16)c->handle, &vm_pgt_ops,
		     pa + S2O_PAGE_SIZE);
	if (c->priv_size)
		__builtin_memcpy((u8 *)vm + S2O_VM_PRIVATE_OFFSET, c->priv,
				 c->priv_size);
	s2o_set_pages(t->pfn, 2, S2O_PS_VM_STATE, (u8)c->handle);
	slot->vm = vm;
	slot->nr_pages = 2;
	s2o_store(&slot->state, S2O_VM_LIVE);
}

/**
 * s2o_vm_create() - a new protected VM with an empty stage-2.
 * @pfn: the first of two host pages: the VM's, then its stage-2 root's.
 * @priv: what the hypervisor keeps for the VM (s2o_vm_private()), in
 *        place before anyone can reach the VM.
 * @priv_size: its bytes, at most S2O_VM_PRIVATE_BYTES.
 *
 * Both become the hypervisor's (owner hyp, state VM_STATE) until the VM
 * is destroyed and the host reclaims them.
 *
 * Return: its handle (1..S2O_MAX_VMS); -EBUSY when every slot is taken
 * (or held by a destroyed VM with pages not yet reclaimed); as
 * s2o_check_pfn_range() for the pages; -EPERM if one is not the host's
 * alone; -ENOMEM if the host stage-2 cannot get a table page.
 */
int s2o_vm_create(u64 pfn, const void *priv, u64 priv_size)
{
	const u8 host = S2O_PS_HOST;
	struct vm_create c = {
		.priv = priv,
		.priv_size = S2O_MIN(priv_size, S2O_VM_PRIVATE_BYTES),
		.t = {
			.pfn = pfn,
			.nr = 2,
			.check_page = s2o_page_in_state,
			.check_arg = &host,
			.prepare = vm_pages_prepare,
			.apply = vm_create_apply,
		},
	};
	int ret = -S2OWN_EBUSY;

	s2o_op_begin();
	for (c.handle = 1; c.handle <= S2O_MAX_VMS; c.handle++) {
		struct s2o_vm_slot *slot = &s2o_vm_slots[c.handle];

		if (slot_state(slot) != S2O_VM_FREE)
			continue;
		slot_lock(slot);
		if (slot_state(slot) != S2O_VM_FREE) {
			s2o_spin_unlock(&slot->lock);
			continue;
		}
		ret = s2o_transition_run(&c.t);
		s2o_spin_unlock(&slot->lock);
		if (!ret)
			ret = c.handle;
		break;
	}
	s2o_op_end();
	S2O_TRACE_TRANSITION(&c.t, S2OWN_TCALL_VM_CREATE, ret > 0 ? (u8)ret : 0,
			     ret > 0 ? 0 : ret, S2OWN_TRACE_NONE);
	return ret;
}

struct vm_topup {
	struct s2o_transition t;
	struct s2o_vm *vm;
};

static void vm_topup_apply(struct s2o_transition *t, u64 *reserved)
{
	struct vm_topup *c = s2o_container_of(t, struct vm_topup, t);
	struct s2o_vm *vm = c->vm;

	s2o_host_set_owner(t->pfn, t->nr, S2O_OWNER_HYP, reserved);
	for (u64 i = 0; i < t->nr; i++) {
		u64 pa = (t->pfn + i) << S2O_PAGE_SHIFT;

		*(u64 *)s2o_arch_table_va(pa) = vm->cache_head;
		vm->cache_head = pa;
	}
	vm->cache_nr += t->nr;
	s2o_vm_get_pages(vm, t->nr);
	s2o_set_pages(t->pfn, t->nr, S2O_PS_VM_STATE, (u8)vm->handle);
}

/**
 * s2o_vm_topup() - the host gives pages for a VM's stage-2 tables.
 * @handle: the VM.
 * @pfn: first page frame.
 * @nr: number of pages.
 *
 * A change of the VM's stage-2 that needs more table pages than its cache
 * holds fails with -ENOMEM; the host tops the cache up and tries again,
 * as pKVM's host fills a VM's memcache. The pages are the hypervisor's
 * (VM_STATE) until the VM is destroyed and the host reclaims them.
 *
 * Return: 0; -ENOENT for a VM that is not live; as s2o_check_pfn_range();
 * -EPERM if a page is not the host's alone; -ENOMEM if the host stage-2
 * cannot get a table page.
 */
int s2o_vm_topup(int handle, u64 pfn, u64 nr)
{
	const u8 host = S2O_PS_HOST;
	struct vm_topup c = {
		.t = {
			.pfn = pfn,
			.nr = nr,
			.check_page = s2o_page_in_state,
			.check_arg = &host,
			.prepare = vm_pages_prepare,
			.apply = vm_topup_apply,
		},
	};

	return s2o_vm_transition_op(handle, &c.t, &c.vm, S2OWN_TCALL_VM_TOPUP,
				    S2OWN_TRACE_NONE);
}

/**
 * s2o_vm_destroy() - a VM stops existing; every page it holds (its memory,
 * its vCPUs', its own and its tables) becomes reclaimable by the host.
 * @handle: the VM.
 *
 * Its stage-2 is not walked: no CPU can use it once the VMID is
 * invalidated, and its tables are pages the host reclaims like the rest.
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
		s2o_arch_tlbi_vmid(vm->pgt.vmid);
		s2o_stat_inc(&s2o_counters.tlbi_vmid);
		s2o_trace(S2OWN_TEV_TLBI, S2OWN_TLBI_VMID, (u8)handle, 0, 0, 0,
			  0);
		s2o_store(&s2o_vm_slots[handle].state, S2O_VM_DYING);
		ret = 0;
	}
	s2o_vm_unlock(vm);
	s2o_op_end();
	s2o_trace(S2OWN_TEV_TRANSITION, S2OWN_TCALL_VM_DESTROY,
		  s2o_trace_vm(handle), ret, 0, S2OWN_TRACE_NONE,
		  S2OWN_TRACE_NONE);
	return ret;
}
