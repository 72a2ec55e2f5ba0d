// SPDX-License-Identifier: GPL-2.0-only
/*
 * The aarch64 EL2 backend of ownership/arch.h.
 *
 * TLB maintenance follows KVM's nVHE __kvm_tlb_flush_vmid_ipa() and
 * __tlb_switch_to_guest(): the stage-2 TLBIs act on the VMID in VTTBR_EL2,
 * so when the target VMID is not the one loaded, VTTBR_EL2 is switched for
 * the duration. The switch points BADDR at an all-invalid root, so nothing
 * a speculative walk could find there gets cached under that VMID.
 */
#include "hyp.h"
#include "sysreg.h"
#include "../ownership/arch.h"

/**
 * s2o_arch_pte_cmpxchg() - replace a descriptor if it still holds @old.
 * @ptep: the descriptor
 * @old: expected value
 * @new: replacement
 * @site: unused on aarch64
 *
 * LL/SC compare-and-swap with DSB ISHST before (the contents of a table
 * being linked are complete first) and DSB ISH after a success (the new
 * descriptor is visible to every walker, and the whole is a full barrier).
 *
 * Return: the value found at @ptep.
 */
u64 s2o_arch_pte_cmpxchg(u64 *ptep, u64 old, u64 new,
			 const struct s2o_pte_site *site)
{
	u64 cur = old;
	bool ok;

	(void)site;
	/* A new table's entries must be complete before it is linked. */
	dsb(ishst);
	ok = __atomic_compare_exchange_n(ptep, &cur, new, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	if (ok)
		dsb(ish);	/* visible to every walker, and full barrier */
	else
		dmb(ish);
	return cur;
}

/**
 * s2o_arch_pte_init() - write a descriptor nobody can reach yet.
 * @ptep: the descriptor
 * @new: its value
 * @site: unused on aarch64
 */
void s2o_arch_pte_init(u64 *ptep, u64 new, const struct s2o_pte_site *site)
{
	(void)site;
	__atomic_store_n(ptep, new, __ATOMIC_RELAXED);
}

static u64 switch_to_vmid(u16 vmid)
{
	u64 vttbr = read_sysreg(vttbr_el2);

	if (((vttbr & VTTBR_VMID_MASK) >> VTTBR_VMID_SHIFT) == vmid)
		return ~0UL;
	write_sysreg((u64)vmid << VTTBR_VMID_SHIFT | hyp_zero_root_pa(),
		     vttbr_el2);
	isb();
	return vttbr;
}

static void switch_back(u64 saved)
{
	if (saved == ~0UL)
		return;
	write_sysreg(saved, vttbr_el2);
	isb();
}

/* Drop stage-1 and combined entries of the current VMID, then sync. */
static void tlbi_finish(void)
{
	dsb(ish);
	asm volatile("tlbi vmalle1is" : : : "memory");
	dsb(ish);
	isb();
}

/**
 * s2o_arch_tlbi_ipa() - invalidate one IPA of one VMID, all levels.
 * @vmid: the stage 2 (0: host)
 * @ipa: address the descriptor translated
 * @level: its level (no TTL hint is used)
 *
 * TLBI IPAS2E1IS, DSB ISH, TLBI VMALLE1IS, DSB ISH, ISB, as KVM's
 * __kvm_tlb_flush_vmid_ipa(): the stage-1 pass drops combined entries.
 */
void s2o_arch_tlbi_ipa(u16 vmid, u64 ipa, u32 level)
{
	u64 saved;

	(void)level;
	dsb(ishst);
	saved = switch_to_vmid(vmid);
	asm volatile("tlbi ipas2e1is, %0" : : "r" (ipa >> 12) : "memory");
	tlbi_finish();
	switch_back(saved);
}

/* Above this many pages one VMID-wide invalidation is cheaper. */
#define TLBI_RANGE_MAX_PAGES	512

/**
 * s2o_arch_tlbi_range() - invalidate [@ipa, @ipa + @size) of one VMID.
 * @vmid: the stage 2
 * @ipa: start
 * @size: bytes; above TLBI_RANGE_MAX_PAGES pages the whole VMID goes
 */
void s2o_arch_tlbi_range(u16 vmid, u64 ipa, u64 size)
{
	u64 saved;

	if (size / SZ_4K > TLBI_RANGE_MAX_PAGES) {
		s2o_arch_tlbi_vmid(vmid);
		return;
	}
	dsb(ishst);
	saved = switch_to_vmid(vmid);
	for (u64 a = S2O_ALIGN_DOWN(ipa, SZ_4K); a < ipa + size; a += SZ_4K)
		asm volatile("tlbi ipas2e1is, %0" : : "r" (a >> 12) :
			     "memory");
	tlbi_finish();
	switch_back(saved);
}

/**
 * s2o_arch_tlbi_vmid() - invalidate every stage-1 and stage-2 entry of a
 * VMID (TLBI VMALLS12E1IS).
 * @vmid: the stage 2
 */
void s2o_arch_tlbi_vmid(u16 vmid)
{
	u64 saved;

	dsb(ishst);
	saved = switch_to_vmid(vmid);
	asm volatile("tlbi vmalls12e1is" : : : "memory");
	dsb(ish);
	isb();
	switch_back(saved);
}

/**
 * s2o_arch_zero_page() - zero a 4K page (EL2 maps all RAM at VA == PA).
 * @pa: the page
 */
void s2o_arch_zero_page(u64 pa)
{
	u64 *p = (u64 *)pa;

	for (int i = 0; i < 512; i += 8)
		asm volatile("stp xzr, xzr, [%0]\n"
			     "stp xzr, xzr, [%0, #16]\n"
			     "stp xzr, xzr, [%0, #32]\n"
			     "stp xzr, xzr, [%0, #48]"
			     : : "r" (p + i) : "memory");
}

static u64 dcache_line(void)
{
	return 4UL << ((read_sysreg(ctr_el0) >> 16) & 0xf);
}

/**
 * hyp_clean_dcache_poc() - clean [@va, @va + @size) to the PoC.
 * @va: start (EL2 VA == PA)
 * @size: bytes
 *
 * For data a CPU with its MMU off, or the host before its MMU is on, will
 * read, and for scrubbed pages.
 */
void hyp_clean_dcache_poc(u64 va, u64 size)
{
	u64 line = dcache_line();

	for (u64 a = S2O_ALIGN_DOWN(va, line); a < va + size; a += line)
		asm volatile("dc cvac, %0" : : "r" (a) : "memory");
	dsb(sy);
}

/**
 * s2o_arch_clean_dcache_poc() - DC CVAC over a range, then DSB SY.
 * @pa: start
 * @size: bytes
 */
void s2o_arch_clean_dcache_poc(u64 pa, u64 size)
{
	hyp_clean_dcache_poc(pa, size);
}

/**
 * s2o_arch_table_va() - where EL2 sees a table page: at its PA.
 * @pa: the page
 *
 * Return: @pa as a pointer.
 */
void *s2o_arch_table_va(u64 pa)
{
	return (void *)pa;	/* EL2 maps all RAM at VA == PA */
}

/**
 * s2o_arch_table_freed() - a table page returns to the pool.
 * @pa: the page
 */
void s2o_arch_table_freed(u64 pa)
{
	/*
	 * Nothing to do: the core invalidated the TLBs for the range the
	 * table translated before unlinking it, so no walk can reach it.
	 */
	(void)pa;
}

/**
 * s2o_arch_cpu_relax() - YIELD, for spin loops.
 */
void s2o_arch_cpu_relax(void)
{
	asm volatile("yield" : : : "memory");
}

/**
 * s2o_arch_bug() - the core failed a step that cannot fail: panic.
 * @file: where
 * @line: and the line
 */
void s2o_arch_bug(const char *file, int line)
{
	hyp_panic("ownership core bug at %s:%d", file, line);
}
