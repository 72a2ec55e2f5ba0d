// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host fault path: it maps the largest block that is aligned, inside
 * one memory region and inside the free entry the fault found (RAM as
 * normal memory, MMIO as device memory, XN), never the hypervisor's RAM,
 * nothing past the IPA space.
 */
#include "harness_cmocka.h"

#include "../ownership/pte.h"

/* ---- Host faults --------------------------------------------------------- */

/*
 * The largest block that is aligned, inside one memory region and inside
 * the free entry the fault found; RAM normal, MMIO device and XN.
 */
static void fault_block_sizes(void **state)
{
	struct fake_translation tr;
	struct s2own_stats st;

	(void)state;
	/* Host RAM starts 4M into a 1G block: 2M there. */
	assert_int_equal(host_touch(0, RAM_BASE + 0x123, &tr), 0);
	assert_int_equal(tr.pa, RAM_BASE + 0x123);
	assert_int_equal(tr.level, 2);
	assert_host_leaf(RAM_BASE, RAM_BASE | 0x7fd, 2);
	/* The hypervisor's RAM, as boot annotated it: 2M blocks owner=hyp. */
	assert_host_leaf(RAM_BASE - PAGE,
			 s2o_pte_annotation(S2O_OWNER_HYP), 2);
	/* The last page of RAM: [4G, 5G) is one 1G block. */
	assert_int_equal(host_touch(1, RAM_END - 8, &tr), 0);
	assert_int_equal(tr.level, 1);
	assert_int_equal(tr.pa, RAM_END - 8);
	assert_host_leaf(RAM_END - PAGE, (RAM_END - GIB) | 0x7fd, 1);
	/* The first page after RAM: a 1G device block. */
	assert_int_equal(host_touch(2, RAM_END, &tr), 0);
	assert_int_equal(tr.level, 1);
	assert_int_equal(tr.desc, RAM_END | MMIO_BLOCK);
	/* MMIO below the hypervisor's RAM. */
	assert_int_equal(host_touch(3, HYP_BASE - PAGE, &tr), 0);
	assert_int_equal(tr.desc, MMIO_BLOCK);
	/* The last page of the IPA space: level 0 has no blocks. */
	assert_int_equal(host_touch(0, (1ULL << 48) - PAGE, &tr), 0);
	assert_int_equal(tr.level, 1);
	assert_int_equal(tr.desc, ((1ULL << 48) - GIB) | MMIO_BLOCK);
	/* Root, L1 for [0, 512G), L2 for [1G, 2G), L1 for the top 512G. */
	assert_int_equal(tables_used(), 4);

	/* The hypervisor's RAM, first and last page, never. */
	assert_int_equal(s2o_host_handle_fault(HYP_BASE), EPERM_);
	assert_int_equal(s2o_host_handle_fault(RAM_BASE - 1), EPERM_);
	assert_int_not_equal(host_touch(1, RAM_BASE - PAGE, &tr), 0);
	/* Past the IPA space, also where the PA would alias RAM. */
	assert_int_equal(s2o_host_handle_fault(1ULL << 48), EINVAL_);
	assert_int_equal(s2o_host_handle_fault((1ULL << 48) | BLOCK_1G),
			 EINVAL_);
	assert_int_equal(s2o_host_handle_fault(~0ULL), EINVAL_);
	s2o_get_stats(&st);
	assert_int_equal(st.host_faults, 11);
	assert_int_equal(st.host_faults_refused, 6);
	assert_int_equal(tables_used(), 4);
}

/* A fault maps no more than the free entry it found. */
static void fault_stays_inside_free_entry(void **state)
{
	const u64 g3 = 3 * GIB, g4 = 4 * GIB;
	struct fake_translation tr;

	(void)state;
	/* Never faulted: the donation splits empty entries down to 4K. */
	assert_int_equal(s2o_host_donate_hyp(PFN(g3) + 5, 1), 0);
	assert_host_touch(0, g3 + 4 * PAGE, 3);
	assert_host_leaf(g3 + 4 * PAGE, (g3 + 4 * PAGE) | 0x7ff, 3);
	assert_host_touch(0, g3 + 6 * PAGE, 3);
	assert_host_touch(0, g3 + 2 * MIB, 2);
	assert_host_touch(0, g3 + GIB - PAGE, 2);
	assert_int_equal(s2o_host_handle_fault(g3 + 5 * PAGE), EPERM_);

	/* A 2M chunk annotated at level 2: 2M blocks on either side. */
	assert_int_equal(s2o_host_donate_hyp(PFN(g4 + 2 * MIB), 512), 0);
	assert_host_leaf(g4 + 2 * MIB, 0x4, 2);
	assert_int_equal(host_touch(1, g4 + 2 * MIB - PAGE, &tr), 0);
	assert_int_equal(tr.level, 2);
	assert_int_equal(tr.pa, g4 + 2 * MIB - PAGE);
	assert_host_touch(1, g4 + 4 * MIB, 2);
	assert_int_equal(s2o_host_handle_fault(g4 + 3 * MIB), EPERM_);
	assert_int_not_equal(host_touch(2, g4 + 4 * MIB - PAGE, &tr), 0);
}

/* ---- Main ---------------------------------------------------------------- */

int main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(fault_block_sizes),
		HARNESS_TEST(fault_stays_inside_free_entry),
	};

	return cmocka_run_group_tests_name("faults", tests, NULL, NULL);
}
