// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot flow of the EL2 image (docs/boot.md has the whole story):
 *
 * boot CPU: head.S -> hyp_boot_main(): console, EL2 MMU, DTB, carve-out
 * layout, ownership core, selftest, then drop to the host kernel at EL1.
 * other CPUs: the host's PSCI CPU_ON goes through psci.c, which starts them
 * at hyp_cpu_entry (head.S) -> hyp_secondary_main(): MMU, EL2 setup, then
 * the host's own entry point.
 */
#include "hyp.h"
#include "sysreg.h"
#include "vcpu.h"
#include "../ownership/arch.h"
#include "../ownership/s2own.h"

struct hyp_cpu hyp_cpus[HYP_MAX_CPUS];
unsigned int hyp_nr_cpus = 1;

_Static_assert(sizeof(struct hyp_cpu) == (1 << HYP_CPU_SHIFT),
	       "struct hyp_cpu size");
_Static_assert(__builtin_offsetof(struct hyp_cpu, emerg_sp) ==
	       HYP_CPU_EMERG_SP, "emerg_sp offset");
_Static_assert(__builtin_offsetof(struct hyp_cpu, fault_sp) ==
	       HYP_CPU_FAULT_SP, "fault_sp offset");
_Static_assert(__builtin_offsetof(struct hyp_cpu, scratch) ==
	       HYP_CPU_SCRATCH, "scratch offset");
_Static_assert(__builtin_offsetof(struct hyp_cpu, stack_top) ==
	       HYP_CPU_STACK_TOP, "stack_top offset");
_Static_assert(__builtin_offsetof(struct hyp_cpu, guest) == HYP_CPU_GUEST,
	       "guest offset");
_Static_assert(__builtin_offsetof(struct hyp_cpu, guest_host) ==
	       HYP_CPU_GUEST_HOST, "guest_host offset");
_Static_assert(sizeof(struct hyp_regs) == HYP_REGS_SIZE, "hyp_regs size");
_Static_assert(PSCI_ENTRY_CPU_ON == 0 && PSCI_ENTRY_RESUME == 1,
	       "head.S's entry points");
_Static_assert(HYP_LOW_USED <= SZ_2M, "low carve-out overflows");
_Static_assert(HYP_LOAD_ADDR == HYP_RAM_BASE + SZ_2M,
	       "QEMU loads an Image at RAM + 2 MiB");

/* Set once the core is initialised: CPUs then run the host with stage 2. */
static bool stage2_ready;

/* arm64 Image header fields we check before jumping to the host. */
#define IMAGE_MAGIC		0x644d5241	/* "ARM\x64" */
#define IMAGE_MAGIC_OFF		56
#define IMAGE_TEXT_OFFSET_OFF	8
#define IMAGE_SIZE_OFF		16

static u64 vtcr_value(void)
{
	return VTCR_EL2_RES1 | TCR_T0SZ(S2O_IPA_BITS) | VTCR_SL0_LVL0 |
	       TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER | TCR_TG0_4K |
	       hyp_pa_bits_field() << VTCR_PS_SHIFT;
}

/**
 * hyp_cpu_init_el2() - program this CPU's EL2 controls for running the host.
 *
 * What Documentation/arm64/booting.rst asks of a kernel entered at EL1,
 * plus our stage 2 and traps: HCR_EL2 = RW | TSC | API | APK (| VM once the
 * ownership core is up). Every CPU runs this before its first ERET to the
 * host, the boot CPU included, and again after a power-down suspend.
 */
void hyp_cpu_init_el2(void)
{
	u64 mmfr0 = read_sysreg(id_aa64mmfr0_el1);
	u64 mmfr1 = read_sysreg(id_aa64mmfr1_el1);
	u64 pfr0 = read_sysreg(id_aa64pfr0_el1);
	u64 pfr1 = read_sysreg(id_aa64pfr1_el1);
	u64 dfr0 = read_sysreg(id_aa64dfr0_el1);
	u64 pmuver = (dfr0 >> 8) & 0xf;
	u64 hcr = HCR_HOST_FLAGS;

	write_sysreg(read_sysreg(midr_el1), vpidr_el2);
	write_sysreg(read_sysreg(mpidr_el1), vmpidr_el2);
	write_sysreg(CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN, cnthctl_el2);
	write_sysreg(0, cntvoff_el2);
	write_sysreg(0, cnthp_ctl_el2);
	write_sysreg(CPTR_EL2_NO_TRAPS, cptr_el2);
	write_sysreg(0, hstr_el2);
	/* Give the host every PMU counter; trap nothing debug-related. */
	if (pmuver && pmuver != 0xf)
		write_sysreg((read_sysreg(pmcr_el0) >> PMCR_EL0_N_SHIFT) &
			     PMCR_EL0_N_MASK, mdcr_el2);
	else
		write_sysreg(0, mdcr_el2);
	if (ID_AA64PFR0_GIC(pfr0)) {
		write_sysreg(ICC_SRE_EL2_SRE | ICC_SRE_EL2_ENABLE,
			     SYS_ICC_SRE_EL2);
		isb();
		write_sysreg(0, SYS_ICH_HCR_EL2);
	}
	if (ID_AA64PFR0_SVE(pfr0)) {
		isb();
		write_sysreg(ZCR_ELx_LEN_MASK, SYS_ZCR_EL2);
	}
	if (ID_AA64PFR1_SME(pfr1)) {
		u64 smcr = SMCR_ELx_LEN_MASK;

		if (read_sysreg(SYS_ID_AA64SMFR0_EL1) & ID_AA64SMFR0_FA64)
			smcr |= SMCR_ELx_FA64;
		isb();
		write_sysreg(smcr, SYS_SMCR_EL2);
	}
	if (ID_AA64MMFR1_HCX(mmfr1))
		write_sysreg(0, SYS_HCRX_EL2);
	if (ID_AA64MMFR0_FGT(mmfr0)) {
		u64 fgt = ID_AA64PFR1_SME(pfr1) ?
			  HFGxTR_nTPIDR2_EL0 | HFGxTR_nSMPRI_EL1 : 0;

		write_sysreg(fgt, SYS_HFGRTR_EL2);
		write_sysreg(fgt, SYS_HFGWTR_EL2);
		write_sysreg(0, SYS_HFGITR_EL2);
		write_sysreg(0, SYS_HDFGRTR_EL2);
		write_sysreg(0, SYS_HDFGWTR_EL2);
	}
	write_sysreg(SCTLR_EL1_MMU_OFF, sctlr_el1);

	write_sysreg(vtcr_value(), vtcr_el2);
	if (stage2_ready) {
		write_sysreg(s2o_host_vttbr(), vttbr_el2);
		hcr |= HCR_VM;
	} else {
		write_sysreg(hyp_zero_root_pa(), vttbr_el2);
	}
	isb();
	write_sysreg(hcr, hcr_el2);
	isb();
	/* Nothing this CPU cached for EL1&0 before now is valid. */
	asm volatile("tlbi alle1" : : : "memory");
	dsb(nsh);
	isb();
}

/**
 * hyp_enter_host() - ERET to the host at EL1h, MMU off, DAIF masked.
 * @entry: where the host starts
 * @x0: its first argument (DTB for the boot CPU, PSCI context id else)
 */
void hyp_enter_host(u64 entry, u64 x0)
{
	write_sysreg(PSR_MODE_EL1h | PSR_DAIF_MASK, spsr_el2);
	write_sysreg(entry, elr_el2);
	hyp_eret_to_host(x0);
}

static bool overlaps(u64 a, u64 a_end, u64 b, u64 b_end)
{
	return a < b_end && b < a_end;
}

/* Table pages for one stage 2 mapping [base, base + size) at 4K. */
static u64 tables_for(u64 size)
{
	return (size >> 21) + 1 + (size >> 30) + 1 + (size >> 39) + 1;
}

/*
 * Carve-out after the image: per-page metadata, then the table pool, up to
 * a 2 MiB boundary. The pool serves the host's stage 2 alone (a VM's
 * tables are pages the host gives it, vm.h): all of RAM mapped at 4K
 * granularity, plus MMIO blocks, plus the host reserve, which nothing but
 * the host's faults may use.
 */
static void layout_carveout(void)
{
	struct s2o_mem_region ram[HYP_MAX_MEM];
	u64 tables = 1;

	for (unsigned int i = 0; i < hyp_boot.nr_mem; i++) {
		ram[i].base = hyp_boot.mem[i].base;
		ram[i].size = hyp_boot.mem[i].size;
		ram[i].type = S2O_MEM_RAM;
		tables += tables_for(hyp_boot.mem[i].size);
	}
	hyp_boot.carve_base = HYP_RAM_BASE;
	hyp_boot.meta_base = S2O_ALIGN_UP((u64)__image_end, SZ_4K);
	hyp_boot.meta_size = s2o_metadata_bytes(ram, hyp_boot.nr_mem);
	hyp_boot.pool_base = S2O_ALIGN_UP(hyp_boot.meta_base +
					  hyp_boot.meta_size, SZ_4K);
	hyp_boot.pool_pages = tables + 64 +
			      s2o_host_reserve_pages(ram, hyp_boot.nr_mem,
						     hyp_nr_cpus);
	hyp_boot.carve_end = S2O_ALIGN_UP(hyp_boot.pool_base +
					  hyp_boot.pool_pages * SZ_4K, SZ_2M);
	/* Hand the rounding slack to the pool rather than waste it. */
	hyp_boot.pool_pages = (hyp_boot.carve_end - hyp_boot.pool_base) /
			      SZ_4K;
}

static void check_layout(u64 fdt_pa)
{
	u64 cb = hyp_boot.carve_base, ce = hyp_boot.carve_end;
	bool in_ram = false;

	for (unsigned int i = 0; i < hyp_boot.nr_mem; i++)
		if (cb >= hyp_boot.mem[i].base &&
		    ce <= hyp_boot.mem[i].base + hyp_boot.mem[i].size)
			in_ram = true;
	if (!in_ram)
		hyp_panic("carve-out %lx-%lx is not inside one RAM range",
			  cb, ce);
	if (overlaps(cb, ce, fdt_pa, fdt_pa + hyp_boot.fdt_size))
		hyp_panic("carve-out overlaps the DTB at %lx", fdt_pa);
	if (hyp_boot.initrd_start &&
	    overlaps(cb, ce, hyp_boot.initrd_start, hyp_boot.initrd_end))
		hyp_panic("carve-out overlaps the initrd at %lx",
			  hyp_boot.initrd_start);
	if (overlaps(cb, ce, HOST_IMAGE_ADDR, HOST_IMAGE_ADDR + SZ_2M))
		hyp_panic("carve-out overlaps the host image at %lx",
			  (u64)HOST_IMAGE_ADDR);
}

/* The host kernel must be an arm64 Image at a 2 MiB-aligned base. */
static void check_host_image(void)
{
	const u8 *img = (const u8 *)HOST_IMAGE_ADDR;
	bool ram = false;
	u32 magic;
	u64 text_offset;

	for (unsigned int i = 0; i < hyp_boot.nr_mem; i++)
		if (HOST_IMAGE_ADDR >= hyp_boot.mem[i].base &&
		    HOST_IMAGE_ADDR + 64 <=
		    hyp_boot.mem[i].base + hyp_boot.mem[i].size)
			ram = true;
	if (!ram)
		hyp_panic("host image address %lx is not in RAM",
			  (u64)HOST_IMAGE_ADDR);
	memcpy(&magic, img + IMAGE_MAGIC_OFF, sizeof(magic));
	memcpy(&text_offset, img + IMAGE_TEXT_OFFSET_OFF, sizeof(text_offset));
	if (magic != IMAGE_MAGIC)
		hyp_panic("no arm64 Image at %lx (magic %08x): load the host "
			  "kernel with -device loader,addr=%lx,force-raw=on",
			  (u64)HOST_IMAGE_ADDR, magic, (u64)HOST_IMAGE_ADDR);
	if (text_offset || !S2O_ALIGNED(HOST_IMAGE_ADDR, SZ_2M))
		hyp_panic("host Image needs text_offset 0 (%lx) and a 2 MiB "
			  "aligned address", text_offset);
}

static void zero_range(u64 base, u64 size)
{
	for (u64 pa = base; pa < base + size; pa += SZ_4K)
		s2o_arch_zero_page(pa);
}

static void init_core(void)
{
	struct s2o_mem_region regions[HYP_MAX_MEM + 2];
	struct s2o_init_params params;
	unsigned int n = 0;
	int err;

	/* RAM ranges in order, the one holding the carve-out split. */
	for (unsigned int i = 0; i < hyp_boot.nr_mem; i++) {
		u64 base = hyp_boot.mem[i].base;
		u64 end = base + hyp_boot.mem[i].size;
		u64 cb = hyp_boot.carve_base, ce = hyp_boot.carve_end;

		if (cb >= base && ce <= end) {
			if (cb > base)
				regions[n++] = (struct s2o_mem_region){
					base, cb - base, S2O_MEM_RAM };
			regions[n++] = (struct s2o_mem_region){
				cb, ce - cb, S2O_MEM_HYP };
			if (end > ce)
				regions[n++] = (struct s2o_mem_region){
					ce, end - ce, S2O_MEM_RAM };
		} else {
			regions[n++] = (struct s2o_mem_region){
				base, end - base, S2O_MEM_RAM };
		}
	}
	if (n > S2O_MAX_MEM_REGIONS)
		hyp_panic("too many memory regions (%u)", n);
	/*
	 * The metadata starts zeroed (every page the host's); the pool's
	 * pages need nothing: a table is filled when it is taken.
	 */
	zero_range(hyp_boot.meta_base, S2O_ALIGN_UP(hyp_boot.meta_size,
						    SZ_4K));
	params.regions = regions;
	params.nr_regions = n;
	params.metadata = (void *)hyp_boot.meta_base;
	params.pool_base = hyp_boot.pool_base;
	params.pool_pages = hyp_boot.pool_pages;
	params.nr_cpus = hyp_nr_cpus;
	err = s2o_init(&params);
	if (err)
		hyp_panic("s2o_init failed: %d", err);
}

static void print_layout(u64 fdt_pa)
{
	hyp_info("RAM:");
	for (unsigned int i = 0; i < hyp_boot.nr_mem; i++)
		hyp_printf(" %lx-%lx", hyp_boot.mem[i].base,
			   hyp_boot.mem[i].base + hyp_boot.mem[i].size);
	hyp_printf(", %u CPUs, DTB %lx, initrd %lx-%lx\n", hyp_nr_cpus,
		   fdt_pa, hyp_boot.initrd_start, hyp_boot.initrd_end);
	if (hyp_boot.bootargs)
		hyp_info("bootargs: %s\n", hyp_boot.bootargs);
	hyp_info("carve-out %lx-%lx: image %lx-%lx, metadata %lx (+%lx), "
		 "pool %lx (%lu pages)\n", hyp_boot.carve_base,
		 hyp_boot.carve_end, (u64)_start, (u64)__image_end,
		 hyp_boot.meta_base, hyp_boot.meta_size, hyp_boot.pool_base,
		 hyp_boot.pool_pages);
}

static void __attribute__((noreturn)) enter_host_cpu(u64 entry, u64 x0,
						     const char *how)
{
	struct hyp_cpu *c = this_cpu();

	hyp_cpu_init_el2();
	c->online = 1;
	hyp_info("cpu %u %s\n", c->id, how);
	hyp_enter_host(entry, x0);
}

/**
 * hyp_boot_main() - boot CPU, from head.S with the MMU off.
 * @fdt_pa: the DTB QEMU passed in x0
 */
void __attribute__((noreturn)) hyp_boot_main(u64 fdt_pa)
{
	u32 magic, size;

	hyp_console_init();
	hyp_info("s2own EL2 hypervisor, at EL%lu, DTB at %lx\n",
		 (read_sysreg(CurrentEL) >> 2) & 3, fdt_pa);
	if (((read_sysreg(CurrentEL) >> 2) & 3) != 2)
		hyp_panic("not entered at EL2");
	/*
	 * The core's stage 2 takes 48-bit IPAs; an IPA space wider than the
	 * PA space is CONSTRAINED UNPREDICTABLE (QEMU faults every access).
	 */
	if (hyp_pa_bits_field() < PARANGE_48)
		hyp_panic("CPU has fewer than 48 PA bits (ID_AA64MMFR0_EL1 "
			  "%lx): use -cpu max", read_sysreg(id_aa64mmfr0_el1));
	if (!fdt_pa || !S2O_ALIGNED(fdt_pa, 8))
		hyp_panic("no DTB in x0 (boot with -kernel and an Image)");
	/* Aligned 32-bit loads are fine on Device memory (MMU off). */
	magic = __builtin_bswap32(*(volatile u32 *)fdt_pa);
	size = __builtin_bswap32(*(volatile u32 *)(fdt_pa + 4));
	if (magic != 0xd00dfeed || size < 64 || size > SZ_2M)
		hyp_panic("no DTB at %lx (magic %x, size %x)", fdt_pa, magic,
			  size);
	write_sysreg(hyp_zero_root_pa(), vttbr_el2);
	hyp_mmu_early(fdt_pa, size);
	hyp_info("EL2 MMU on\n");

	hyp_fdt_parse((void *)fdt_pa);
	hyp_psci_init();
	hyp_mmu_map_ram();
	layout_carveout();
	check_layout(fdt_pa);
	print_layout(fdt_pa);
	hyp_fdt_patch_for_host();
	check_host_image();

	for (unsigned int i = 0; i < HYP_MAX_CPUS; i++)
		hyp_cpus[i].id = i;
	init_core();
	hyp_vcpus_init();
	stage2_ready = true;
	hyp_info("ownership core up, host stage-2 root %lx\n",
		 s2o_host_vttbr() & ~VTTBR_VMID_MASK);
	hyp_selftest();
	/* CPUs started later read these with their MMU still off. */
	hyp_clean_dcache_poc((u64)hyp_cpus, sizeof(hyp_cpus));

	hyp_cpu_init_el2();
	hyp_selftest_guest();
	this_cpu()->online = 1;
	hyp_info("cpu 0 up\n");
	hyp_info("entering host at EL1: Image %lx, DTB %lx\n",
		 (u64)HOST_IMAGE_ADDR, fdt_pa);
	hyp_enter_host(HOST_IMAGE_ADDR, fdt_pa);
}

/**
 * hyp_secondary_main() - a CPU the host started or resumed through PSCI.
 * @id: logical CPU id (the context id psci.c gave the firmware)
 * @how: enum psci_relay_entry: the entry point it came through (head.S)
 *
 * MMU already on (head.S). Picks up the host's entry point and context id
 * that psci.c left for this CPU, CPU_ON's or its own suspend's, and enters
 * the host there.
 */
void __attribute__((noreturn)) hyp_secondary_main(u64 id, u64 how)
{
	struct hyp_cpu *c = this_cpu();
	u64 entry, ctx;

	if (!c->present || psci_relay_entered(&c->psci, how, &entry, &ctx))
		hyp_panic("cpu %lu entered EL2 without a PSCI request", id);
	enter_host_cpu(entry, ctx, how == PSCI_ENTRY_RESUME ? "resumed" :
			      "up");
}
