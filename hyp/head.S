/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry points of the EL2 image.
 *
 * The file starts with an arm64 Image header (Documentation/arm64/
 * booting.rst) so that QEMU's -kernel loads it at RAM + 2 MiB and enters
 * it at EL2 with x0 = DTB, as it would a Linux kernel. The image is linked
 * at that address and EL2 runs identity-mapped, so code behaves the same
 * before and after the MMU is turned on.
 */
#include "hyp.h"
#include "sysreg.h"

	.section ".head.text", "ax"
	.globl	_start
_start:
	b	primary_entry			/* code0 */
	.long	0				/* code1 */
	.quad	0				/* text_offset */
	.quad	__image_size			/* image_size, see hyp.lds.S */
	.quad	0x2				/* flags: LE, 4K pages */
	.quad	0				/* res2 */
	.quad	0				/* res3 */
	.quad	0				/* res4 */
	.ascii	"ARM\x64"			/* magic */
	.long	0				/* res5 */

.macro	mov_q, reg, val
	movz	\reg, #:abs_g3:\val
	movk	\reg, #:abs_g2_nc:\val
	movk	\reg, #:abs_g1_nc:\val
	movk	\reg, #:abs_g0_nc:\val
.endm

/*
 * Common start of every CPU: x0 = logical CPU id. Leaves x1 = &hyp_cpus[id]
 * in TPIDR_EL2, SP on the CPU's stack, vectors installed, FP/SIMD and SVE
 * untrapped, MMU still off. Clobbers x0-x3.
 */
.macro	cpu_early_setup
	msr	daifset, #0xf
	mov_q	x1, SCTLR_EL2_MMU_OFF
	msr	sctlr_el2, x1
	isb
	adr_l	x1, hyp_vectors
	msr	vbar_el2, x1
	mov_q	x1, CPTR_EL2_NO_TRAPS
	msr	cptr_el2, x1
	/* HCR_EL2 stays 0 (no stage 2, no traps) until the host is set up. */
	msr	hcr_el2, xzr
	isb
	adr_l	x1, hyp_cpus
	add	x1, x1, x0, lsl #HYP_CPU_SHIFT
	msr	tpidr_el2, x1
	/* Stacks live at fixed places in the low carve-out, see hyp.h. */
	mov_q	x2, HYP_RAM_BASE
	mov	x3, #HYP_CPU_SLOT
	madd	x2, x0, x3, x2
	add	x3, x2, #(HYP_EMERG_OFF + SZ_4K)
	str	x3, [x1, #HYP_CPU_EMERG_SP]
	add	x3, x2, #HYP_CPU_SLOT
	str	x3, [x1, #HYP_CPU_STACK_TOP]
	mov	sp, x3
	mov	x29, xzr
	mov	x30, xzr
.endm

	.text
primary_entry:
	mov	x19, x0				/* DTB, from QEMU */
	/* Zero .bss before anything (hyp_cpus lives there). */
	adr_l	x1, __bss_start
	adr_l	x2, __bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:	mov	x0, #0				/* the boot CPU is CPU 0 */
	cpu_early_setup
	mov	x0, x19
	bl	hyp_boot_main
	b	hyp_halt

/*
 * hyp_cpu_entry - where PSCI CPU_ON starts a CPU on behalf of the host,
 * hyp_cpu_resume_entry where CPU_SUSPEND (power-down) and SYSTEM_SUSPEND
 * resume one: EL2, MMU off, x0 = the context id we passed, which is the
 * logical CPU id. Which of the two tells psci_relay_entered() which of the
 * CPU's PSCI arguments are its own (PSCI_ENTRY_CPU_ON, _RESUME: 0, 1).
 */
	.globl	hyp_cpu_entry
hyp_cpu_entry:
	mov	x20, #0
	b	1f
	.globl	hyp_cpu_resume_entry
hyp_cpu_resume_entry:
	mov	x20, #1
1:	cmp	x0, #HYP_MAX_CPUS
	b.hs	hyp_halt
	mov	x19, x0
	cpu_early_setup
	bl	hyp_mmu_enable
	mov	x0, x19
	mov	x1, x20
	bl	hyp_secondary_main
	b	hyp_halt

/*
 * hyp_mmu_enable - turn on the EL2 stage-1 MMU with the tables and
 * controls the boot CPU published in hyp_mmu_cfg (cleaned to PoC, so a
 * CPU with its MMU and caches still off reads the right values).
 */
	.globl	hyp_mmu_enable
hyp_mmu_enable:
	adr_l	x0, hyp_mmu_cfg
	ldp	x1, x2, [x0]			/* MAIR, TCR */
	ldp	x3, x4, [x0, #16]		/* TTBR0, SCTLR */
	msr	mair_el2, x1
	msr	tcr_el2, x2
	msr	ttbr0_el2, x3
	isb
	tlbi	alle2
	dsb	nsh
	isb
	msr	sctlr_el2, x4
	isb
	ic	iallu
	dsb	nsh
	isb
	ret

/*
 * hyp_eret_to_host - drop to the host with ELR_EL2/SPSR_EL2 already set:
 * x0 as given, every other GPR zero, and this CPU's EL2 stack reset so that
 * each trap from the host starts on an empty stack.
 */
	.globl	hyp_eret_to_host
hyp_eret_to_host:
	mrs	x1, tpidr_el2
	ldr	x1, [x1, #HYP_CPU_STACK_TOP]
	mov	sp, x1
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	mov	x4, xzr
	mov	x5, xzr
	mov	x6, xzr
	mov	x7, xzr
	mov	x8, xzr
	mov	x9, xzr
	mov	x10, xzr
	mov	x11, xzr
	mov	x12, xzr
	mov	x13, xzr
	mov	x14, xzr
	mov	x15, xzr
	mov	x16, xzr
	mov	x17, xzr
	mov	x18, xzr
	mov	x19, xzr
	mov	x20, xzr
	mov	x21, xzr
	mov	x22, xzr
	mov	x23, xzr
	mov	x24, xzr
	mov	x25, xzr
	mov	x26, xzr
	mov	x27, xzr
	mov	x28, xzr
	mov	x29, xzr
	mov	x30, xzr
	eret
	dsb	nsh
	isb

/* hyp_smc(a0, a1, a2, a3, res): see hyp.h. */
	.globl	hyp_smc
hyp_smc:
	stp	x29, x30, [sp, #-32]!
	mov	x29, sp
	str	x4, [sp, #16]
	smc	#0
	ldr	x4, [sp, #16]
	stp	x0, x1, [x4]
	stp	x2, x3, [x4, #16]
	ldp	x29, x30, [sp], #32
	ret

/* hyp_halt - park this CPU for good, interrupts masked. */
	.globl	hyp_halt
hyp_halt:
	msr	daifset, #0xf
1:	wfi
	b	1b
