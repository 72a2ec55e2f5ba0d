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
 * @site: NULL: this backend checks nothing (S2O_ARCH_UNCHECKED)
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
 * s2o_arch_table_fill() - fill a table page nobody can reach yet.
 * @table: its 512 descriptors
 * @first: the first one
 * @step: what each next one adds
 *
 * An empty table is DC ZVA; copies of one value are eight stores a step;
 * a run of leaves eight entries a step, each computed by one add. The DSB ISHST of
 * the compare-and-swap that publishes the table orders them before it.
 */
void s2o_arch_table_fill(u64 *table, u64 first, u64 step)
{
	u64 a = first, b = a + step, c = b + step, d = c + step;
	u64 e = d + step, f = e + step, g = f + step, h = g + step;
	u64 step8 = 8 * step, *p = table, *stop = table + 512;

	if (!first && !step) {
		s2o_arch_zero_page((u64)table);
		return;
	}
	if (!step) {
		for (; p < stop; p += 16)
			asm volatile("stp %1, %1, [%0]\n"
				     "stp %1, %1, [%0, #16]\n"
				     "stp %1, %1, [%0, #32]\n"
				     "stp %1, %1, [%0, #48]\n"
				     "stp %1, %1, [%0, #64]\n"
				     "stp %1, %1, [%0, #80]\n"
				     "stp %1, %1, [%0, #96]\n"
				     "stp %1, %1, [%0, #112]"
				     : : "r" (p), "r" (first) : "memory");
		return;
	}
	/* Each entry one store and one add: the compiler would recompute. */
	asm volatile("1:	stp	%[a], %[b], [%[p]]\n"
		     "	stp	%[c], %[d], [%[p], #16]\n"
		     "	stp	%[e], %[f], [%[p], #32]\n"
		     "	stp	%[g], %[h], [%[p], #48]\n"
		     "	add	%[a], %[a], %[s]\n"
		     "	add	%[b], %[b], %[s]\n"
		     "	add	%[c], %[c], %[s]\n"
		     "	add	%[d], %[d], %[s]\n"
		     "	add	%[e], %[e], %[s]\n"
		     "	add	%[f], %[f], %[s]\n"
		     "	add	%[g], %[g], %[s]\n"
		     "	add	%[h], %[h], %[s]\n"
		     "	add	%[p], %[p], #64\n"
		     "	cmp	%[p], %[stop]\n"
		     "	b.ne	1b"
		     : [p] "+r" (p), [a] "+r" (a), [b] "+r" (b), [c] "+r" (c),
		       [d] "+r" (d), [e] "+r" (e), [f] "+r" (f), [g] "+r" (g),
		       [h] "+r" (h)
		     : [s] "r" (step8), [stop] "r" (stop)
		     : "cc", "memory");
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

/* Without range TLBIs, above this many pages the whole VMID goes. */
#define TLBI_PAGES_MAX		64

/* TLBI RIPAS2E1IS operand: 4K granule, SCALE, NUM, base IPA. */
#define TLBI_RANGE_OP(ipa, scale, num)					\
	(1UL << 46 | (u64)(scale) << 44 | (u64)(num) << 39 |		\
	 ((ipa) >> 12 & ((1UL << 37) - 1)))

static bool has_tlbi_range(void)
{
	static int cached = -1;

	if (cached < 0)
		cached = ((read_sysreg(id_aa64isar0_el1) >> 56) & 0xf) >= 2;
	return cached;
}

/*
 * [ipa, ipa + pages) by FEAT_TLBIRANGE: chunks of (NUM + 1) * 2^(5 * SCALE
 * + 1) pages, the largest scale first, single pages for what is left (a 2M
 * or a 1G range is one instruction).
 */
static void tlbi_ipa_range(u64 ipa, u64 pages)
{
	for (int scale = 3; scale >= 0; scale--) {
		u64 unit = 1UL << (5 * scale + 1);

		while (pages >= unit) {
			u64 num = S2O_MIN(pages / unit, 32);

			asm volatile("sys #4, c8, c0, #2, %0" : :
				     "r" (TLBI_RANGE_OP(ipa, scale, num - 1)) :
				     "memory");
			ipa += (num * unit) << 12;
			pages -= num * unit;
		}
	}
	if (pages)
		asm volatile("tlbi ipas2e1is, %0" : : "r" (ipa >> 12) :
			     "memory");
}

/**
 * s2o_arch_tlbi_range() - invalidate [@ipa, @ipa + @size) of one VMID.
 * @vmid: the stage 2
 * @ipa: start, page aligned
 * @size: bytes; with range TLBIs any size is a few instructions, without
 *        them above TLBI_PAGES_MAX pages the whole VMID goes
 */
void s2o_arch_tlbi_range(u16 vmid, u64 ipa, u64 size)
{
	u64 saved, pages = size / SZ_4K;

	if (!has_tlbi_range() && pages > TLBI_PAGES_MAX) {
		s2o_arch_tlbi_vmid(vmid);
		return;
	}
	dsb(ishst);
	saved = switch_to_vmid(vmid);
	if (has_tlbi_range())
		tlbi_ipa_range(ipa, pages);
	else
		for (u64 a = ipa; a < ipa + size; a += SZ_4K)
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

static u64 dcache_line(void)
{
	return 4UL << ((read_sysreg(ctr_el0) >> 16) & 0xf);
}

/* DC ZVA's block in bytes, or 0 if it is prohibited (DCZID_EL0.DZP). */
static u64 zva_block(void)
{
	static u64 cached = ~0UL;

	if (cached == ~0UL) {
		u64 dczid = read_sysreg(dczid_el0);

		cached = (dczid & 0x10) ? 0 : 4UL << (dczid & 0xf);
	}
	return cached;
}

/*
 * DC ZVA and DC CVAC take no offset: each 64-byte line is an instruction
 * and an add of the address, a whole page (64 lines) a loop step, so the
 * loop adds two instructions a page to the 2 or 3 a line.
 */
#define ZERO_LINE	"dc zva, %0\n add %0, %0, #64\n"
#define SCRUB_LINE	"dc zva, %0\n dc cvac, %0\n add %0, %0, #64\n"
#define X4(s)		s s s s
#define ZERO_PAGE_LINES	X4(X4(X4(ZERO_LINE)))
#define SCRUB_PAGE_LINES X4(X4(X4(SCRUB_LINE)))

/**
 * s2o_arch_zero_page() - zero a 4K page (EL2 maps all RAM at VA == PA).
 * @pa: the page
 *
 * DC ZVA, a block at a time; 64-byte stores where it is prohibited.
 */
void s2o_arch_zero_page(u64 pa)
{
	u64 bs = zva_block();

	if (bs == 64) {
		asm volatile(ZERO_PAGE_LINES : "+r" (pa) : : "memory");
		return;
	}
	if (bs > 64 && bs <= SZ_4K) {
		for (u64 a = pa; a < pa + SZ_4K; a += bs)
			asm volatile("dc zva, %0" : : "r" (a) : "memory");
		return;
	}
	for (u64 a = pa; a < pa + SZ_4K; a += 64)
		asm volatile("stp xzr, xzr, [%0]\n"
			     "stp xzr, xzr, [%0, #16]\n"
			     "stp xzr, xzr, [%0, #32]\n"
			     "stp xzr, xzr, [%0, #48]"
			     : : "r" (a) : "memory");
}

/**
 * s2o_arch_scrub_pages() - zero pages and clean them to the PoC.
 * @pa: the first page
 * @nr: how many
 *
 * Where a DC ZVA block is a cache line (every CPU we know), each line is
 * zeroed and cleaned in one pass, two pages a step: three instructions a
 * line, one a page. Otherwise zero, then clean.
 */
void s2o_arch_scrub_pages(u64 pa, u64 nr)
{
	u64 line = dcache_line(), end = pa + nr * SZ_4K;

	if (zva_block() == line && line == 64) {
		u64 a = pa;

		/* An odd page first, then two a step: one loop test a page. */
		if (nr & 1)
			asm volatile(SCRUB_PAGE_LINES : "+r" (a) : : "memory");
		while (a < end)
			asm volatile(SCRUB_PAGE_LINES SCRUB_PAGE_LINES
				     : "+r" (a) : : "memory");
		dsb(sy);
		return;
	}
	for (u64 a = pa; a < end; a += SZ_4K)
		s2o_arch_zero_page(a);
	hyp_clean_dcache_poc(pa, end - pa);
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
