/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMSAv8-64 stage-2 descriptors, 4K granule, 48-bit IPA and OA.
 *
 * Valid descriptors follow the Arm ARM (D8.3, "Translation table descriptor
 * formats"). Invalid descriptors are ours to use: as in pKVM, an invalid
 * host entry carries the id of the page's owner in bits [9:2], so "invalid
 * with owner 0" means "host-owned, not mapped yet" and the fault path maps
 * it without consulting anything else. Bit 10 of an invalid descriptor marks
 * it locked by a CPU that is changing it (KVM's KVM_INVALID_PTE_LOCKED).
 */
#ifndef S2OWN_PTE_H
#define S2OWN_PTE_H

#include "types.h"

#define S2O_PTRS_PER_TABLE 512
#define S2O_LEAST_BLOCK_LEVEL 1	/* no level 0 blocks with a 4K granule */

#define S2O_PTE_VALID S2O_BIT(0)
#define S2O_PTE_TYPE S2O_BIT(1)		/* table (L0-2) or page (L3) */
#define S2O_PTE_ADDR_MASK S2O_GENMASK(47, 12)

/* Leaf attributes, stage-2 format. */
#define S2O_PTE_MEMATTR_SHIFT 2
#define S2O_PTE_MEMATTR_MASK S2O_GENMASK(5, 2)
#define S2O_MEMATTR_NORMAL_WB 0xfULL	/* Outer WB, Inner WB */
#define S2O_MEMATTR_DEVICE_nGnRE 0x1ULL
#define S2O_PTE_S2AP_R S2O_BIT(6)
#define S2O_PTE_S2AP_W S2O_BIT(7)
#define S2O_PTE_SH_INNER (3ULL << 8)
#define S2O_PTE_AF S2O_BIT(10)
#define S2O_PTE_XN S2O_BIT(54)		/* XN[1]: no execution at EL1/EL0 */
#define S2O_PTE_LEAF_ATTR_MASK (S2O_GENMASK(10, 2) | S2O_GENMASK(63, 51))

/* Invalid descriptors (bit 0 clear). */
#define S2O_PTE_OWNER_SHIFT 2
#define S2O_PTE_OWNER_MASK S2O_GENMASK(9, 2)
#define S2O_PTE_LOCKED S2O_BIT(10)

#define S2O_PTE_EMPTY 0ULL

/* Attributes of the host's identity mappings. */
#define S2O_PTE_HOST_RAM                                                     \
	((S2O_MEMATTR_NORMAL_WB << S2O_PTE_MEMATTR_SHIFT) | S2O_PTE_S2AP_R |   \
	 S2O_PTE_S2AP_W | S2O_PTE_SH_INNER | S2O_PTE_AF)
#define S2O_PTE_HOST_MMIO                                                    \
	((S2O_MEMATTR_DEVICE_nGnRE << S2O_PTE_MEMATTR_SHIFT) | S2O_PTE_S2AP_R | \
	 S2O_PTE_S2AP_W | S2O_PTE_SH_INNER | S2O_PTE_AF | S2O_PTE_XN)
/* A guest's view of a page it owns: normal memory, read-write. */
#define S2O_PTE_GUEST_RAM S2O_PTE_HOST_RAM

static inline u32 s2o_level_shift(u32 level)
{
	return S2O_PAGE_SHIFT + 9 * (3 - level);
}

static inline u64 s2o_granule(u32 level)
{
	return 1ULL << s2o_level_shift(level);
}

static inline u32 s2o_pte_index(u64 addr, u32 level)
{
	return (addr >> s2o_level_shift(level)) & (S2O_PTRS_PER_TABLE - 1);
}

static inline bool s2o_pte_valid(u64 pte)
{
	return pte & S2O_PTE_VALID;
}

static inline bool s2o_pte_is_table(u64 pte, u32 level)
{
	return level < 3 && (pte & (S2O_PTE_VALID | S2O_PTE_TYPE)) ==
				    (S2O_PTE_VALID | S2O_PTE_TYPE);
}

static inline bool s2o_pte_is_locked(u64 pte)
{
	return !s2o_pte_valid(pte) && (pte & S2O_PTE_LOCKED);
}

static inline u64 s2o_pte_addr(u64 pte)
{
	return pte & S2O_PTE_ADDR_MASK;
}

static inline u64 s2o_pte_table(u64 table_pa)
{
	return table_pa | S2O_PTE_VALID | S2O_PTE_TYPE;
}

/* A block (level 1, 2) or page (level 3) descriptor for @pa. */
static inline u64 s2o_pte_leaf(u64 pa, u64 attrs, u32 level)
{
	u64 pte = pa | attrs | S2O_PTE_VALID;

	return level == 3 ? pte | S2O_PTE_TYPE : pte;
}

static inline u64 s2o_pte_annotation(u32 owner)
{
	return ((u64)owner << S2O_PTE_OWNER_SHIFT) & S2O_PTE_OWNER_MASK;
}

/* Owner annotated in an invalid descriptor. */
static inline u32 s2o_pte_owner(u64 pte)
{
	return (pte & S2O_PTE_OWNER_MASK) >> S2O_PTE_OWNER_SHIFT;
}

static inline u64 s2o_pte_leaf_attrs(u64 pte)
{
	return pte & S2O_PTE_LEAF_ATTR_MASK;
}

#endif /* S2OWN_PTE_H */
