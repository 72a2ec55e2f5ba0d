// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypervisor's own stage-1 page tables (EL2 translation regime).
 *
 * EL2 runs identity-mapped (VA == PA) with a 48-bit VA space. What is
 * mapped, and how:
 *  - the image: .text read-only executable, .rodata read-only, .data/.bss
 *    read-write execute-never (SCTLR_EL2.WXN makes every writable page XN);
 *  - the low carve-out: per-CPU stacks with unmapped guard pages, the pages
 *    of these tables, the all-invalid stage-2 root;
 *  - the PL011 UART page as Device-nGnRnE;
 *  - all of RAM (from the DTB /memory nodes) as Normal write-back
 *    read-write execute-never, with the largest blocks that fit.
 * Mapping all of RAM is what lets the hypervisor scrub reclaimed pages,
 * patch the DTB and fill buffers the host shared; the ownership core, not
 * the MMU, decides which host pages the hypervisor may touch (a page is
 * only written after s2o_page_query() says the host shared it). MMIO other
 * than the UART is never mapped at EL2.
 *
 * The tables are built twice: before the DTB is parsed (the MMU must be on
 * first: libfdt is not safe on Device memory) only the image, the low
 * carve-out, the UART and the DTB are mapped; once /memory is known, the
 * rest of RAM is added. Adding entries to live tables only turns invalid
 * descriptors valid, which needs no break-before-make and no TLBI.
 */
#include "hyp.h"
#include "sysreg.h"

#define PTE_VALID		(1UL << 0)
#define PTE_TABLE		(1UL << 1)	/* table at L0-2, page at L3 */
#define PTE_ATTRINDX(i)		((u64)(i) << 2)
#define PTE_AP_RO		(1UL << 7)	/* AP[2] */
#define PTE_AP1_RES1		(1UL << 6)	/* AP[1], RES1 at EL2 */
#define PTE_SH_INNER		(3UL << 8)
#define PTE_AF			(1UL << 10)
#define PTE_XN			(1UL << 54)
#define PTE_ADDR_MASK		0x0000fffffffff000UL

#define PROT_NORMAL_RW	(PTE_ATTRINDX(MT_NORMAL) | PTE_AP1_RES1 | \
			 PTE_SH_INNER | PTE_AF | PTE_XN)
#define PROT_NORMAL_RO	(PROT_NORMAL_RW | PTE_AP_RO)
#define PROT_NORMAL_RX	(PTE_ATTRINDX(MT_NORMAL) | PTE_AP1_RES1 | \
			 PTE_AP_RO | PTE_SH_INNER | PTE_AF)
#define PROT_DEVICE_RW	(PTE_ATTRINDX(MT_DEVICE_nGnRnE) | PTE_AP1_RES1 | \
			 PTE_AF | PTE_XN)

#define VA_BITS		48

/* Read by hyp_mmu_enable (head.S) on every CPU, possibly with caches off. */
struct {
	u64 mair;
	u64 tcr;
	u64 ttbr0;
	u64 sctlr;
} hyp_mmu_cfg __attribute__((aligned(64)));

static u64 *pgt_root;
static unsigned int pgt_used;

static u64 *pgt_alloc(void)
{
	u64 *p;

	if (pgt_used >= HYP_PGT_PAGES)
		hyp_panic("EL2 stage-1: out of table pages");
	p = (u64 *)((u64)HYP_RAM_BASE + HYP_PGT_OFF + pgt_used++ * SZ_4K);
	for (int i = 0; i < 512; i++)
		p[i] = 0;
	return p;
}

/*
 * Map [start, end) identity at @level of @table with @prot. Entries that
 * are already valid are left alone: an earlier call mapped them more
 * precisely (the image, the guard pages' neighbours).
 */
static void map_level(u64 *table, unsigned int level, u64 start, u64 end,
		      u64 prot)
{
	unsigned int shift = 39 - 9 * level;
	u64 size = 1UL << shift;

	while (start < end) {
		unsigned int idx = (start >> shift) & 511;
		u64 next = S2O_ALIGN_DOWN(start, size) + size;
		u64 stop = S2O_MIN(end, next);
		u64 pte = table[idx];

		if (!(pte & PTE_VALID)) {
			if (level == 3) {
				table[idx] = start | prot | PTE_VALID |
					     PTE_TABLE;
			} else if (level >= 1 && S2O_ALIGNED(start, size) &&
				   stop == next) {
				table[idx] = start | prot | PTE_VALID;
			} else {
				u64 *t = pgt_alloc();

				map_level(t, level + 1, start, stop, prot);
				table[idx] = (u64)t | PTE_VALID | PTE_TABLE;
			}
		} else if (level < 3 && (pte & PTE_TABLE)) {
			map_level((u64 *)(pte & PTE_ADDR_MASK), level + 1,
				  start, stop, prot);
		}
		start = stop;
	}
}

static void map(u64 start, u64 end, u64 prot)
{
	map_level(pgt_root, 0, S2O_ALIGN_DOWN(start, SZ_4K),
		  S2O_ALIGN_UP(end, SZ_4K), prot);
}

/**
 * hyp_pa_bits_field() - the PS/IPS encoding for TCR_EL2 and VTCR_EL2.
 *
 * ID_AA64MMFR0_EL1.PARange, capped at 48 bits: with the 4K granule and
 * without FEAT_LPA2 descriptors a 52-bit output size is not usable.
 *
 * Return: the 3-bit field value.
 */
u64 hyp_pa_bits_field(void)
{
	u64 parange = ID_AA64MMFR0_PARANGE(read_sysreg(id_aa64mmfr0_el1));

	return parange > PARANGE_48 ? PARANGE_48 : parange;
}

/**
 * hyp_mmu_early() - build the first EL2 tables and turn the MMU on.
 * @fdt_pa: where QEMU put the DTB
 * @fdt_size: its totalsize
 *
 * Runs on the boot CPU with the MMU off.
 */
void hyp_mmu_early(u64 fdt_pa, u64 fdt_size)
{
	u64 low = (u64)HYP_RAM_BASE;
	u64 zero_root = low + HYP_ZERO_ROOT_OFF;

	pgt_root = pgt_alloc();
	for (int i = 0; i < 512; i++)
		((u64 *)zero_root)[i] = 0;

	map((u64)_start, (u64)__text_end, PROT_NORMAL_RX);
	map((u64)__text_end, (u64)__rodata_end, PROT_NORMAL_RO);
	map((u64)__rodata_end, (u64)__image_end, PROT_NORMAL_RW);
	for (int cpu = 0; cpu < HYP_MAX_CPUS; cpu++) {
		u64 slot = low + (u64)cpu * HYP_CPU_SLOT;

		map(slot + HYP_EMERG_OFF, slot + HYP_EMERG_OFF + SZ_4K,
		    PROT_NORMAL_RW);
		map(slot + HYP_STACK_OFF, slot + HYP_CPU_SLOT,
		    PROT_NORMAL_RW);
	}
	map(low + HYP_PGT_OFF, low + HYP_LOW_USED, PROT_NORMAL_RW);
	map(HYP_UART_BASE, HYP_UART_BASE + SZ_4K, PROT_DEVICE_RW);
	map(fdt_pa, fdt_pa + fdt_size, PROT_NORMAL_RW);

	hyp_mmu_cfg.mair = MAIR_EL2_VALUE;
	hyp_mmu_cfg.tcr = TCR_EL2_RES1 | TCR_T0SZ(VA_BITS) | TCR_IRGN0_WBWA |
			  TCR_ORGN0_WBWA | TCR_SH0_INNER | TCR_TG0_4K |
			  hyp_pa_bits_field() << TCR_EL2_PS_SHIFT;
	hyp_mmu_cfg.ttbr0 = (u64)pgt_root;
	hyp_mmu_cfg.sctlr = SCTLR_EL2_MMU_ON;

	/*
	 * The tables were written with the MMU (and so the D-cache) off:
	 * drop any stale line a cacheable walk could hit instead.
	 */
	for (u64 a = low + HYP_PGT_OFF; a < low + HYP_LOW_USED; a += 64)
		asm volatile("dc ivac, %0" : : "r" (a) : "memory");
	dsb(sy);
	hyp_mmu_enable();
	hyp_clean_dcache_poc((u64)&hyp_mmu_cfg, sizeof(hyp_mmu_cfg));
}

/**
 * hyp_mmu_map_ram() - map every RAM region of hyp_boot at EL2.
 *
 * The carve-out below the end of the image keeps the finer mapping
 * hyp_mmu_early() gave it (guard pages stay unmapped); everything else in
 * RAM, the metadata and table pool included, becomes read-write,
 * execute-never Normal memory.
 */
void hyp_mmu_map_ram(void)
{
	for (unsigned int i = 0; i < hyp_boot.nr_mem; i++) {
		u64 base = hyp_boot.mem[i].base;
		u64 end = base + hyp_boot.mem[i].size;

		if (base < (u64)__image_end && end > HYP_RAM_BASE) {
			if (base < HYP_RAM_BASE)
				map(base, HYP_RAM_BASE, PROT_NORMAL_RW);
			base = (u64)__image_end;
		}
		if (base < end)
			map(base, end, PROT_NORMAL_RW);
	}
	dsb(ishst);
	isb();
	/* Secondary CPUs walk these with their caches still cold. */
	hyp_clean_dcache_poc(HYP_RAM_BASE + HYP_PGT_OFF,
			     (u64)pgt_used * SZ_4K);
}

/**
 * hyp_zero_root_pa() - an all-invalid stage-2 root table.
 *
 * VTTBR_EL2 points here whenever only its VMID matters (TLB maintenance
 * for another VMID, before the host's stage 2 exists): a speculative walk
 * finds nothing to cache.
 *
 * Return: its physical address.
 */
u64 hyp_zero_root_pa(void)
{
	return HYP_RAM_BASE + HYP_ZERO_ROOT_OFF;
}
