// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host fault path: it maps the largest block that is aligned, inside
 * one memory region and inside the free entry the fault found (RAM as
 * normal memory, MMIO as device memory, XN), never the hypervisor's RAM,
 * nothing past the IPA space; and it refuses every access the host's
 * mapping does not allow (an instruction fetch from MMIO).
 */
#include "harness_cmocka.h"

#include <stdio.h>

#include "../ownership/pte.h"
#include "refmodel.h"

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
	assert_int_equal(host_read_fault(HYP_BASE), EPERM_);
	assert_int_equal(host_read_fault(RAM_BASE - 1), EPERM_);
	assert_int_not_equal(host_touch(1, RAM_BASE - PAGE, &tr), 0);
	/* Past the IPA space, also where the PA would alias RAM. */
	assert_int_equal(host_read_fault(1ULL << 48), EINVAL_);
	assert_int_equal(host_read_fault((1ULL << 48) | BLOCK_1G), EINVAL_);
	assert_int_equal(host_read_fault(~0ULL), EINVAL_);
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
	assert_int_equal(host_read_fault(g3 + 5 * PAGE), EPERM_);

	/* A 2M chunk annotated at level 2: 2M blocks on either side. */
	assert_int_equal(s2o_host_donate_hyp(PFN(g4 + 2 * MIB), 512), 0);
	assert_host_leaf(g4 + 2 * MIB, 0x4, 2);
	assert_int_equal(host_touch(1, g4 + 2 * MIB - PAGE, &tr), 0);
	assert_int_equal(tr.level, 2);
	assert_int_equal(tr.pa, g4 + 2 * MIB - PAGE);
	assert_host_touch(1, g4 + 4 * MIB, 2);
	assert_int_equal(host_read_fault(g4 + 3 * MIB), EPERM_);
	assert_int_not_equal(host_touch(2, g4 + 4 * MIB - PAGE, &tr), 0);
}

/* ---- What the access was ------------------------------------------------- */

static const char *access_str(unsigned int access, char buf[32])
{
	snprintf(buf, 32, "%s%s",
		 access & S2O_FAULT_EXEC ? "fetch" :
		 access & S2O_FAULT_WRITE ? "write" : "read",
		 access & S2O_FAULT_PERM ? " (permission)" : "");
	return buf;
}

/*
 * Every access a fault can be for, as a translation fault on the entry as
 * it is, then (where a data read maps it) as a permission fault on the
 * mapping: the fault path resolves exactly what the oracle says the host
 * may do (rm_host_allows()), and a refused fault maps nothing and changes
 * nothing. An instruction fetch from MMIO is refused: device memory is
 * mapped execute-never, and a fault path that returned 0 for it (as it
 * did) had the CPU retry the fetch forever.
 */
static void fault_access_kinds(void **state)
{
	static const unsigned int kinds[] = {
		S2O_FAULT_READ, S2O_FAULT_WRITE, S2O_FAULT_EXEC,
	};
	static const struct {
		const char *what;
		u64 ipa;
		enum rm_state st;
	} where[] = {
		{ "host RAM", BLOCK_1G + 5 * PAGE, RM_HOST },
		{ "MMIO after RAM", RAM_END + 7 * PAGE, RM_MMIO },
		{ "MMIO below the hypervisor", HYP_BASE - 3 * PAGE, RM_MMIO },
		{ "the hypervisor's RAM", HYP_BASE + PAGE, RM_HYPRAM },
		{ "a page donated to the hypervisor", TARGET << 12, RM_HYP },
		{ "a guest's page", (TARGET + 1) << 12, RM_GUEST },
	};
	unsigned int w, k, perm;
	int vm;

	(void)state;
	watch_pages((const u64[]){ TARGET, TARGET + 1 }, 2);
	assert_int_equal(s2o_host_donate_hyp(TARGET, 1), 0);
	vm = vm_new();
	assert_int_equal(s2o_host_donate_guest(vm, TARGET + 1, GFN_MAPPED, 1),
			 0);
	for (w = 0; w < S2O_ARRAY_SIZE(where); w++) {
		for (perm = 0; perm <= S2O_FAULT_PERM; perm += S2O_FAULT_PERM) {
			/* A permission fault needs a mapping: a read maps it. */
			if (perm && rm_host_allows(where[w].st, S2O_FAULT_READ))
				assert_int_equal(host_read_fault(where[w].ipa),
						 0);
			for (k = 0; k < S2O_ARRAY_SIZE(kinds); k++) {
				unsigned int access = kinds[k] | perm;
				u64 ipa = where[w].ipa;
				char a[32];

				if (rm_host_allows(where[w].st, access)) {
					assert_int_equal(
						s2o_host_handle_fault(ipa,
								      access),
						0);
					assert_int_equal(
						host_translate(k, ipa, NULL), 0);
					continue;
				}
				ASSERT_NOOP(EPERM_,
					    s2o_host_handle_fault(ipa, access),
					    "%s of %s", access_str(access, a),
					    where[w].what);
			}
		}
	}
}

/* ---- Main ---------------------------------------------------------------- */

int main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(fault_block_sizes),
		HARNESS_TEST(fault_stays_inside_free_entry),
		HARNESS_TEST(fault_access_kinds),
	};

	return cmocka_run_group_tests_name("faults", tests, NULL, NULL);
}
