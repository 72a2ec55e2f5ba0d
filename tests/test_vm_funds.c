// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the host gives for a VM (ownership/vm.h): the page pair VM_CREATE
 * takes and the table cache VM_TOPUP fills, refused with nothing changed
 * for pages not the host's alone; a donation or a relinquish with too
 * little in the cache refused with -ENOMEM, nothing changed, and made
 * once the host tops up; every page back to the host, scrubbed, after a
 * destroy that walks nothing.
 */
#include "harness_cmocka.h"

#include "../ownership/s2own.h"

/* The pair and cache pages of the tests, in a 2M block of their own. */
#define F PFN(3 * GIB + 8 * MIB)
/* Host pages the tests put in other states, in another. */
#define O PFN(3 * GIB + 16 * MIB)

/* ---- VM_CREATE ----------------------------------------------------------- */

/* VM_CREATE on @pfn must return @want, change nothing, take no slot. */
static void assert_create_refused(u64 pfn, int want, const char *ctx)
{
	const u64 pages[] = { pfn, pfn + 1 };
	int next = vm_next_handle();

	watch_pages(pages, 2);
	ASSERT_NOOP(want, s2o_vm_create(pfn, NULL, 0), "vm_create: %s", ctx);
	assert_int_equal(vm_next_handle(), next);
}

static void vm_create_refuses_pages(void **state)
{
	u64 dead;
	int vm, gone;

	(void)state;
	vm = vm_create_at(F, VM_TOPUP);
	assert_int_equal(vm, 1);
	assert_int_equal(s2o_host_donate_hyp(O, 1), 0);
	assert_int_equal(s2o_host_donate_hyp(O + 3, 1), 0);
	assert_int_equal(s2o_host_share_hyp(O + 4, 1), 0);
	assert_int_equal(s2o_host_donate_guest(vm, O + 6, 0, 2), 0);
	assert_guest_call(s2o_guest_share, vm, 1, 1, 0, 1);
	assert_int_equal(s2o_vcpu_create(vm, O + 9), 0);
	gone = vm_create_at(F + VM_OWN_PAGES, S2OWN_TOPUP_PAGES);
	assert_int_equal(s2o_host_donate_guest(gone, O + 11, 0, 1), 0);
	assert_int_equal(s2o_vm_destroy(gone), 0);
	dead = O + 11;

	assert_create_refused(O, EPERM_, "first page the hypervisor's");
	assert_create_refused(O + 2, EPERM_, "second page the hypervisor's");
	assert_create_refused(O + 4, EPERM_, "shared with the hypervisor");
	assert_create_refused(O + 6, EPERM_, "a guest's page");
	assert_create_refused(O + 7, EPERM_, "a page the guest shares");
	assert_create_refused(O + 9, EPERM_, "a vCPU's page");
	assert_create_refused(F, EPERM_, "another VM's pair");
	assert_create_refused(F + 1, EPERM_, "another VM's root");
	assert_create_refused(dead, EPERM_, "a destroyed VM's page");
	assert_create_refused(HYP_TARGET, EPERM_, "the hypervisor's RAM");
	assert_create_refused(PFN(0x09000000), EINVAL_, "MMIO");
	assert_create_refused(RAM_LAST, EINVAL_, "across the end of RAM");
	assert_create_refused(RAM_FIRST - 1, EINVAL_,
			      "across the hypervisor's RAM and the host's");
	assert_create_refused(~0ULL, EINVAL_, "an overflowing pair");
	/* Both pages are checked: the host's first page stays the host's. */
	assert_page(O + 2, ST_HOST, 0, "refused pair");
}

/* A pair across two RAM regions is refused, on the split map. */
static void vm_create_refuses_pair_across_regions(void **state)
{
	(void)state;
	assert_int_equal(harness_setup_ram(true, POOL_PAGES), 0);
	assert_create_refused(RAM_SPLIT - 1, EINVAL_, "across two regions");
	assert_int_equal(vm_create_at(RAM_SPLIT, 0), 1);
}

/* ---- VM_TOPUP ------------------------------------------------------------ */

static void vm_topup_refuses(void **state)
{
	const u64 pages[] = { O, O + 1, O + 2, O + 3 };
	int vm, dead;

	(void)state;
	vm = vm_create_at(F, 0);
	dead = vm_create_at(F + 2, 0);
	assert_int_equal(s2o_vm_destroy(dead), 0);
	assert_int_equal(s2o_host_donate_hyp(O + 2, 1), 0);
	watch_pages(pages, 4);
	/* The handle first, whatever the pages. */
	ASSERT_NOOP(ENOENT_, s2o_vm_topup(0, O, 2), "handle 0");
	ASSERT_NOOP(ENOENT_, s2o_vm_topup(-1, O, 2), "handle -1");
	ASSERT_NOOP(ENOENT_, s2o_vm_topup(S2O_MAX_VMS + 1, O, 2),
		    "handle past the last");
	ASSERT_NOOP(ENOENT_, s2o_vm_topup(vm + 2, O, 2), "a free slot");
	ASSERT_NOOP(ENOENT_, s2o_vm_topup(dead, O, 2), "a destroyed VM");
	ASSERT_NOOP(ENOENT_, s2o_vm_topup(dead, ~0ULL, 0),
		    "a destroyed VM, bad range");
	ASSERT_NOOP(EINVAL_, s2o_vm_topup(vm, O, 0), "no page");
	ASSERT_NOOP(EINVAL_, s2o_vm_topup(vm, RAM_LAST, 2),
		    "across the end of RAM");
	ASSERT_NOOP(EINVAL_, s2o_vm_topup(vm, O, ~0ULL), "too many pages");
	ASSERT_NOOP(EINVAL_, s2o_vm_topup(vm, PFN(0x09000000), 1), "MMIO");
	ASSERT_NOOP(EPERM_, s2o_vm_topup(vm, HYP_TARGET, 1),
		    "the hypervisor's RAM");
	ASSERT_NOOP(EPERM_, s2o_vm_topup(vm, O, 4),
		    "a page the hypervisor's");
	ASSERT_NOOP(EPERM_, s2o_vm_topup(vm, F, 1), "its own pair");
	assert_int_equal(vm_cache_left(vm), 0);
	assert_int_equal(s2o_vm_topup(vm, O, 2), 0);
	assert_int_equal(vm_cache_left(vm), 2);
	assert_page(O + 1, ST_VMSTATE, vm, "in the cache");
	ASSERT_NOOP(EPERM_, s2o_vm_topup(vm, O + 1, 1),
		    "a page in its cache");
}

/* ---- An empty cache ------------------------------------------------------ */

/*
 * A donation that needs more tables than the cache holds is refused and
 * takes none of them; once the host tops up it goes through, taking
 * exactly what it needs. A whole 2M block at a gfn whose level-2 table
 * exists needs none.
 */
static void donation_waits_for_topup(void **state)
{
	const u64 pages[] = { O, O + 1 };
	int vm;

	(void)state;
	vm = vm_create_at(F, 0);
	watch_pages(pages, 2);
	ASSERT_NOOP(ENOMEM_, s2o_host_donate_guest(vm, O, 0x10, 1),
		    "empty cache");
	assert_int_equal(s2o_vm_topup(vm, F + 2, 2), 0);
	ASSERT_NOOP(ENOMEM_, s2o_host_donate_guest(vm, O, 0x10, 1),
		    "two in the cache, three needed");
	assert_int_equal(vm_cache_left(vm), 2);
	assert_int_equal(s2o_vm_topup(vm, F + 4, 1), 0);
	assert_int_equal(s2o_host_donate_guest(vm, O, 0x10, 1), 0);
	assert_int_equal(vm_cache_left(vm), 0);
	assert_guest_maps(vm, 0x10, O, "after the topup");
	/* In its level-3 table, and a 2M block under its level-2: none. */
	assert_int_equal(s2o_host_donate_guest(vm, O + 1, 0x11, 1), 0);
	assert_int_equal(s2o_host_donate_guest(vm, PFN(3 * GIB + 64 * MIB),
					       0x400, 512), 0);
	assert_int_equal(vm_cache_left(vm), 0);
	/* A gfn in another 1G: a level-2 and a level-3. */
	ASSERT_NOOP(ENOMEM_, s2o_host_donate_guest(vm, O + 2, 0x40000, 1),
		    "another 1G, empty cache");
	assert_int_equal(s2o_vm_topup(vm, F + 5, S2OWN_TOPUP_PAGES), 0);
	assert_int_equal(s2o_host_donate_guest(vm, O + 2, 0x40000, 1), 0);
	assert_int_equal(vm_cache_left(vm), S2OWN_TOPUP_PAGES - 2);
}

/*
 * A guest that relinquishes a page of a 2M block its VM maps needs a
 * level-3 table: with none in the cache the call is refused (at EL2 the
 * VMM sees S2OWN_EXIT_TOPUP and the guest makes it again), nothing done.
 */
static void relinquish_waits_for_topup(void **state)
{
	const u64 chunk = PFN(3 * GIB + 64 * MIB);
	const u64 pages[] = { chunk, chunk + 5, chunk + 6 };
	int vm;

	(void)state;
	vm = vm_create_at(F, 0);
	assert_int_equal(s2o_vm_topup(vm, F + 2, 2), 0);
	assert_int_equal(s2o_host_donate_guest(vm, chunk, 0x200, 512), 0);
	assert_int_equal(vm_cache_left(vm), 0);
	watch_pages(pages, 3);
	ASSERT_NOOP(ENOMEM_, guest_call_ret(s2o_guest_relinquish, vm, 0x205,
					    1),
		    "relinquish splitting its 2M block, empty cache");
	/* Sharing needs no table of the VM's. */
	assert_guest_call(s2o_guest_share, vm, 0x206, 1, 0, 1);
	assert_int_equal(s2o_vm_topup(vm, F + 4, 1), 0);
	assert_guest_call(s2o_guest_relinquish, vm, 0x205, 1, 0, 1);
	assert_int_equal(vm_cache_left(vm), 0);
	assert_page(chunk + 5, ST_RELINQ, vm, "relinquished");
	assert_guest_faults_everywhere(vm, 0x205, "relinquished");
	assert_guest_maps(vm, 0x204, chunk + 4, "its neighbour");
}

/* ---- After the destroy --------------------------------------------------- */

/*
 * Every page the host gave a VM comes back one by one, in any order,
 * scrubbed, with the invariants holding after each; the slot is free with
 * the last one.
 */
static void own_pages_come_back(void **state)
{
	/* Root, a table, the VM, cache pages, a vCPU's, the guest's. */
	const u64 order[] = { F + 1, F + 2, F, F + 9, F + 5, O + 1, O };
	struct s2own_stats st0, st1;
	unsigned int i;
	int vm;

	(void)state;
	vm = vm_create_at(F, 8);
	assert_int_equal(s2o_host_donate_guest(vm, O, 0x10, 1), 0);
	assert_int_equal(s2o_vcpu_create(vm, O + 1), 0);
	/* Three cache pages are its tables now, holding descriptors. */
	assert_int_equal(vm_cache_left(vm), 5);
	ASSERT_NOOP(EBUSY_, s2o_host_reclaim_guest(F, 1), "a live VM's page");
	ASSERT_NOOP(EBUSY_, s2o_host_reclaim_guest(F + 1, 1),
		    "a live VM's root");
	assert_int_equal(s2o_vm_destroy(vm), 0);
	for (i = 0; i < 10; i++)
		assert_page(F + i, ST_VMSTATE_DEAD, vm, "destroyed");
	assert_false(page_is_zero(F));
	assert_false(page_is_zero(F + 1));
	s2o_get_stats(&st0);
	for (i = 0; i < S2O_ARRAY_SIZE(order); i++) {
		assert_int_equal(vm_next_handle(), vm + 1);
		assert_int_equal(s2o_host_reclaim_guest(order[i], 1), 0);
		assert_page(order[i], ST_HOST, 0, "reclaimed");
		assert_true(page_is_zero(order[i]));
		assert_invariants();
	}
	/* The rest of the cache, then the slot is free. */
	assert_int_equal(s2o_host_reclaim_guest(F + 3, 2), 0);
	assert_int_equal(vm_next_handle(), vm + 1);
	assert_int_equal(s2o_host_reclaim_guest(F + 6, 3), 0);
	assert_invariants();
	s2o_get_stats(&st1);
	assert_int_equal(st1.pages_scrubbed - st0.pages_scrubbed, 12);
	assert_int_equal(vm_next_handle(), vm);
	assert_int_equal(vm_create_at(F, 0), vm);
}

/*
 * VM_DESTROY does the same whatever the VM maps: one VMID invalidation,
 * no descriptor written, no table read.
 */
static void destroy_walks_nothing(void **state)
{
	struct fake_counters before;
	unsigned int i;
	int vm[2];
	u64 va;

	(void)state;
	vm[0] = vm_new();
	vm[1] = vm_new();
	/* Blocks, pages, tables in three 1G of its space. */
	assert_int_equal(s2o_host_donate_guest(vm[1], PFN(3 * GIB), 0, 1536),
			 0);
	assert_int_equal(s2o_host_donate_guest(vm[1], O, 0x40000, 8), 0);
	assert_int_equal(vm_topup_more(vm[1]), 0);
	assert_int_equal(s2o_host_donate_guest(vm[1], O + 8, 0x8000000, 1),
			 0);
	for (i = 0; i < 2; i++) {
		before = fake_counters;
		va = fake_table_va_calls;
		assert_int_equal(s2o_vm_destroy(vm[i]), 0);
		assert_int_equal(fake_table_va_calls, va);
		before.tlbi_vmid++;
		assert_memory_equal(&fake_counters, &before, sizeof(before));
	}
}

/* ---- Main ---------------------------------------------------------------- */

int main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(vm_create_refuses_pages),
		HARNESS_TEST(vm_create_refuses_pair_across_regions),
		HARNESS_TEST(vm_topup_refuses),
		HARNESS_TEST(donation_waits_for_topup),
		HARNESS_TEST(relinquish_waits_for_topup),
		HARNESS_TEST(own_pages_come_back),
		HARNESS_TEST(destroy_walks_nothing),
	};

	return cmocka_run_group_tests_name("VM funds", tests, NULL, NULL);
}
