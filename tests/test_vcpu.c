// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPUs as the ownership core keeps them (ownership/vcpu.c): the page the
 * host gives for a vCPU's state becomes the hypervisor's on the VM's
 * behalf (zeroed, owner=hyp in the host stage-2), a VM has at most
 * S2O_MAX_VCPUS; a vCPU runs on one CPU at a time, a VM with a vCPU
 * loaded cannot be destroyed, a stopped VM runs no more; the state pages
 * come back to the host, scrubbed, only once the VM is destroyed.
 */
#include "harness_cmocka.h"

#include <limits.h>

#include "../ownership/pte.h"

/* The state pages of the tests' vCPUs: host RAM, not 2M aligned. */
#define VP (TARGET + 32)

/* Give VM @vm @n vCPUs, their state in VP.., checking each index. */
static void create_vcpus(int vm, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		fill_page(VP + i);
		assert_int_equal(s2o_vcpu_create(vm, VP + i), (int)i);
	}
}

/* ---- Creating them ------------------------------------------------------- */

static void vcpu_pages_are_the_hypervisors(void **state)
{
	const u64 pages[] = { VP + S2O_MAX_VCPUS, VP + S2O_MAX_VCPUS + 1 };
	struct s2own_stats st;
	unsigned int i;
	int vm;

	(void)state;
	assert_int_equal(host_touch(0, pa_of(VP), NULL), 0);
	assert_int_equal(host_touch(1, pa_of(VP + 7), NULL), 0);
	vm = vm_new();
	create_vcpus(vm, S2O_MAX_VCPUS);
	for (i = 0; i < S2O_MAX_VCPUS; i++) {
		assert_page(VP + i, ST_VMSTATE, vm, "vCPU page");
		/* Nothing of the host's is left in it. */
		assert_true(page_is_zero(VP + i));
		assert_host_leaf(pa_of(VP + i),
				 s2o_pte_annotation(S2O_OWNER_HYP), 3);
		assert_host_faults_everywhere(pa_of(VP + i), "vCPU page");
		assert_int_equal(host_read_fault(pa_of(VP + i)), EPERM_);
	}
	/* And the VM's own page, at its creation. */
	assert_int_equal(fake_counters.zeroed_pages, S2O_MAX_VCPUS + 1);
	s2o_get_stats(&st);
	assert_int_equal(st.pages_scrubbed, 0);
	/* The ninth: the page is checked first, then the count. */
	fill_page(pages[0]);
	watch_pages(pages, 2);
	ASSERT_NOOP(EBUSY_, s2o_vcpu_create(vm, pages[0]), "ninth vCPU");
	ASSERT_NOOP(EPERM_, s2o_vcpu_create(vm, VP), "ninth, on a vCPU page");
	assert_false(page_is_zero(pages[0]));
}

static void vcpu_create_refuses(void **state)
{
	const u64 pages[] = { VP, VP + 1, VP + 2, VP + 3 };
	int vm, other, dead;

	(void)state;
	vm = vm_new();
	other = vm_new();
	dead = vm_new();
	assert_int_equal(s2o_vcpu_create(dead, VP + 3), 0);
	assert_int_equal(vm_destroy(dead), 0);
	assert_int_equal(s2o_host_donate_guest(other, VP, GFN_MAPPED, 1), 0);
	assert_int_equal(s2o_host_donate_guest(vm, VP + 1, GFN_MAPPED, 1), 0);
	assert_guest_call(s2o_guest_share, vm, GFN_MAPPED, 1, 0, 1);
	assert_int_equal(s2o_host_donate_hyp(VP + 2, 1), 0);
	watch_pages(pages, S2O_ARRAY_SIZE(pages));
	ASSERT_NOOP(ENOENT_, s2o_vcpu_create(dead, VP + 4), "destroyed VM");
	ASSERT_NOOP(ENOENT_, s2o_vcpu_create(0, VP + 4), "handle 0");
	ASSERT_NOOP(ENOENT_, s2o_vcpu_create(INT_MIN, ~0ULL), "INT_MIN");
	ASSERT_NOOP(ENOENT_, s2o_vcpu_create(S2O_MAX_VMS + 1, VP + 4),
		    "handle past the last");
	ASSERT_NOOP(EINVAL_, s2o_vcpu_create(vm, RAM_END_PFN), "MMIO");
	ASSERT_NOOP(EINVAL_, s2o_vcpu_create(vm, MAX_PFN), "pfn 2^36");
	ASSERT_NOOP(EINVAL_, s2o_vcpu_create(vm, ~0ULL), "pfn ~0");
	ASSERT_NOOP(EPERM_, s2o_vcpu_create(vm, HYP_TARGET), "hyp RAM");
	ASSERT_NOOP(EPERM_, s2o_vcpu_create(vm, PFN(POOL_BASE)), "the pool");
	ASSERT_NOOP(EPERM_, s2o_vcpu_create(vm, VP), "another VM's page");
	ASSERT_NOOP(EPERM_, s2o_vcpu_create(vm, VP + 1), "its shared page");
	ASSERT_NOOP(EPERM_, s2o_vcpu_create(vm, VP + 2), "a HYP page");
	ASSERT_NOOP(EPERM_, s2o_vcpu_create(vm, VP + 3),
		    "a dead VM's vCPU page");
	assert_int_equal(s2o_hyp_donate_host(VP + 2, 1), 0);
	assert_int_equal(s2o_vcpu_create(vm, VP + 2), 0);
}

/* ---- Running them -------------------------------------------------------- */

static void load_put_destroy(void **state)
{
	const u64 pages[] = { VP, VP + 1 };
	u64 pa = 0, none = 0x1234;
	int vm;

	(void)state;
	vm = vm_new();
	create_vcpus(vm, 2);
	watch_pages(pages, 2);
	ASSERT_NOOP(EINVAL_, s2o_vcpu_load(vm, 2, &none), "no vCPU 2");
	ASSERT_NOOP(EINVAL_, s2o_vcpu_load(vm, ~0U, &none), "vCPU ~0");
	ASSERT_NOOP(ENOENT_, s2o_vcpu_load(0, 0, &none), "handle 0");
	ASSERT_NOOP(ENOENT_, s2o_vcpu_load(vm + 1, 0, &none), "no such VM");
	assert_int_equal(none, 0x1234);
	assert_int_equal(s2o_vcpu_load(vm, 1, &pa), 0);
	assert_int_equal(pa, pa_of(VP + 1));
	/* One CPU at a time; its sibling loads on another. */
	ASSERT_NOOP(EBUSY_, s2o_vcpu_load(vm, 1, &none), "loaded twice");
	assert_int_equal(s2o_vcpu_load(vm, 0, &pa), 0);
	assert_int_equal(pa, pa_of(VP));
	assert_int_equal(s2o_vcpu_state(vm, 1), pa_of(VP + 1));
	assert_int_equal(s2o_vcpu_state(vm, 2), 0);
	assert_int_equal(s2o_vm_vttbr(vm), vm_vttbr(vm));
	/* Not destroyed under a running vCPU, not even with one left. */
	ASSERT_NOOP(EBUSY_, vm_destroy(vm), "two vCPUs loaded");
	s2o_vcpu_put(vm, 1);
	ASSERT_NOOP(EBUSY_, vm_destroy(vm), "one vCPU loaded");
	assert_int_equal(s2o_vcpu_load(vm, 1, &pa), 0);
	s2o_vcpu_put(vm, 1);
	s2o_vcpu_put(vm, 0);
	assert_int_equal(vm_destroy(vm), 0);
	assert_int_equal(s2o_vcpu_load(vm, 0, &pa), ENOENT_);
	assert_page(VP, ST_VMSTATE_DEAD, vm, "destroyed");
}

/* A stopped VM runs no more, and can only be destroyed. */
static void stopped_vm(void **state)
{
	const u64 pages[] = { VP, VP + 1 };
	u64 pa;
	int vm;

	(void)state;
	vm = vm_new();
	create_vcpus(vm, 2);
	assert_int_equal(s2o_vcpu_load(vm, 0, &pa), 0);
	s2o_vm_stop(vm);
	watch_pages(pages, 2);
	ASSERT_NOOP(EPERM_, s2o_vcpu_load(vm, 1, &pa), "sibling, stopped");
	ASSERT_NOOP(EBUSY_, vm_destroy(vm), "stopped, one loaded");
	s2o_vcpu_put(vm, 0);
	ASSERT_NOOP(EPERM_, s2o_vcpu_load(vm, 0, &pa), "stopped");
	/* Its memory is still its own: the host waits for the destroy. */
	assert_int_equal(s2o_host_donate_guest(vm, VP + 2, 0, 1), 0);
	assert_int_equal(s2o_host_reclaim_guest(VP + 2, 1), EBUSY_);
	assert_int_equal(vm_destroy(vm), 0);
	/* A new VM in the slot runs again. */
	assert_int_equal(s2o_host_reclaim_guest(VP, 3), 0);
	assert_int_equal(vm_new(), vm);
	assert_int_equal(s2o_vcpu_create(vm, VP), 0);
	assert_int_equal(s2o_vcpu_load(vm, 0, &pa), 0);
	s2o_vcpu_put(vm, 0);
}

/* ---- Getting the pages back ---------------------------------------------- */

static void reclaim_state_pages(void **state)
{
	const u64 pages[] = { VP, VP + 1, VP + 2 };
	struct runs before = { 0 };
	struct s2own_stats st;
	u64 tables;
	int vm;

	(void)state;
	assert_int_equal(host_touch(0, pa_of(VP), NULL), 0);
	assert_int_equal(runs_take(0, &before), 0);
	tables = tables_used();
	vm = vm_new();
	create_vcpus(vm, 3);
	/* The hypervisor keeps a vCPU's registers there. */
	fill_page(VP);
	fill_page(VP + 2);
	watch_pages(pages, 3);
	ASSERT_NOOP(EBUSY_, s2o_host_reclaim_guest(VP, 3), "VM live");
	ASSERT_NOOP(EPERM_, s2o_host_reclaim_guest(VP - 1, 2),
		    "a host page, then a vCPU page");
	assert_int_equal(vm_destroy(vm), 0);
	assert_page(VP + 1, ST_VMSTATE_DEAD, vm, "destroyed");
	/* Its slot is held by its pages. */
	assert_int_equal(vm_new(), vm + 1);
	assert_int_equal(vm_destroy(vm + 1), 0);
	assert_int_equal(s2o_host_reclaim_guest(VP, 2), 0);
	assert_int_equal(vm_new(), vm + 1);
	assert_int_equal(vm_destroy(vm + 1), 0);
	assert_int_equal(s2o_host_reclaim_guest(VP + 2, 1), 0);
	assert_true(page_is_zero(VP));
	assert_true(page_is_zero(VP + 2));
	/* And the own pages of the three VMs destroyed. */
	s2o_get_stats(&st);
	assert_int_equal(st.pages_scrubbed, 3 + 3 * VM_OWN_PAGES);
	/*
	 * The host has the block it had, and its VM slot is free; where the
	 * VMs' own pages were, the host's 1G comes back mapped.
	 */
	runs_assert_back(0, &before, true, "all back");
	assert_int_equal(tables_used(), tables);
	assert_host_touch(1, pa_of(VP + 1), 1);
	assert_int_equal(vm_new(), vm);
	runs_free(&before);
}

/* ---- Main ---------------------------------------------------------------- */

int main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(vcpu_pages_are_the_hypervisors),
		HARNESS_TEST(vcpu_create_refuses),
		HARNESS_TEST(load_put_destroy),
		HARNESS_TEST(stopped_vm),
		HARNESS_TEST(reclaim_state_pages),
	};

	return cmocka_run_group_tests_name("vcpus", tests, NULL, NULL);
}
