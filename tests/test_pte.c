// SPDX-License-Identifier: GPL-2.0-only
/*
 * Descriptor encodings, checked against literal bit patterns worked out
 * from the Arm ARM (VMSAv8-64 stage-2, 4K granule), never against the
 * macros under test:
 *   [0] valid  [1] table/page  [5:2] MemAttr  [7:6] S2AP  [9:8] SH
 *   [10] AF  [47:12] address  [54] XN (stage-2 XN[1])
 * MemAttr 0b1111 = Normal Outer WB / Inner WB, 0b0001 = Device-nGnRE.
 */
#include "harness_cmocka.h"

#include "../ownership/pte.h"

static void leaf_encodings(void **state)
{
	(void)state;
	/* 4K page of RAM: 1|2|0x3c|0xc0|0x300|0x400 = 0x7ff. */
	assert_int_equal(s2o_pte_leaf(0x40001000, S2O_PTE_HOST_RAM, 3),
			 0x00000000400017ffULL);
	/* 2M block of RAM: bit 1 clear. */
	assert_int_equal(s2o_pte_leaf(0x40200000, S2O_PTE_HOST_RAM, 2),
			 0x00000000402007fdULL);
	/* 1G block of device memory: MemAttr 0b0001, XN bit 54. */
	assert_int_equal(s2o_pte_leaf(0x0, S2O_PTE_HOST_MMIO, 1),
			 0x00400000000007c5ULL);
	/* Highest 48-bit output address. */
	assert_int_equal(s2o_pte_leaf(0xfffffffff000ULL, S2O_PTE_HOST_RAM, 3),
			 0x0000fffffffff7ffULL);
}

static void table_and_invalid_encodings(void **state)
{
	(void)state;
	assert_int_equal(s2o_pte_table(0x40203000), 0x0000000040203003ULL);
	assert_true(s2o_pte_is_table(0x40203003ULL, 2));
	/* At level 3, 0b11 is a page, not a table. */
	assert_false(s2o_pte_is_table(0x40203003ULL, 3));
	assert_false(s2o_pte_is_table(0x402007fdULL, 2));
	/* Owner ids live in bits [9:2] of an invalid descriptor (pKVM). */
	assert_int_equal(s2o_pte_annotation(S2O_OWNER_HYP), 0x4ULL);
	assert_int_equal(s2o_pte_annotation(S2O_OWNER_GUEST), 0x8ULL);
	assert_int_equal(s2o_pte_owner(0x8ULL), S2O_OWNER_GUEST);
	assert_false(s2o_pte_valid(0x8ULL));
	/* Locked: invalid with bit 10. */
	assert_int_equal(S2O_PTE_LOCKED, 0x400ULL);
	assert_true(s2o_pte_is_locked(0x400ULL));
	assert_false(s2o_pte_is_locked(0x400ULL | 1));
}

static void geometry(void **state)
{
	(void)state;
	assert_int_equal(s2o_granule(1), 1ULL << 30);
	assert_int_equal(s2o_granule(2), 1ULL << 21);
	assert_int_equal(s2o_granule(3), 1ULL << 12);
	/* IPA (1 << 39) | (2 << 30) | (3 << 21) | (4 << 12). */
	assert_int_equal(s2o_pte_index(0x0000008080604000ULL, 0), 1);
	assert_int_equal(s2o_pte_index(0x0000008080604000ULL, 1), 2);
	assert_int_equal(s2o_pte_index(0x0000008080604000ULL, 2), 3);
	assert_int_equal(s2o_pte_index(0x0000008080604000ULL, 3), 4);
}

static void host_vttbr_layout(void **state)
{
	u64 vttbr = s2o_host_vttbr();

	(void)state;
	/* BADDR in [47:1], VMID in [63:48], CnP (bit 0) clear. */
	assert_int_equal(vttbr >> 48, 0);
	assert_int_equal(vttbr & 0xfff, 0);
	assert_true(vttbr >= POOL_BASE &&
		    vttbr < POOL_BASE + POOL_PAGES * 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(leaf_encodings),
		cmocka_unit_test(table_and_invalid_encodings),
		cmocka_unit_test(geometry),
		HARNESS_TEST(host_vttbr_layout),
	};

	return cmocka_run_group_tests_name("pte", tests, NULL, NULL);
}
