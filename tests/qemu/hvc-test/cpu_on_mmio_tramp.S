/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The CPU_ON check's assembly (cpu_on_mmio.c):
 *
 * s2own_mmio_entry .. s2own_mmio_entry_end: code copied to the start of
 * a page, where a CPU that PSCI CPU_ON starts (EL1, MMU off) enters with
 * x0 = the context id, an address of MMIO. It points VBAR_EL1 at its own
 * vectors and branches there: the instruction fetch from device memory
 * (execute-never at stage 2) must come back to it as an instruction
 * abort. Its handler writes ESR_EL1, ELR_EL1 and FAR_EL1 and a done flag
 * into the mailbox at s2own_mmio_mailbox (offset from the start) and
 * powers the CPU off (PSCI CPU_OFF), so that Linux can start it again.
 */
#include <linux/linkage.h>

/* PSCI 0.2 CPU_OFF. */
#define PSCI_CPU_OFF	0x84000002

	.section .rodata, "a"
	.balign 2048
SYM_DATA_START(s2own_mmio_entry)
	adr	x1, 2f
	msr	vbar_el1, x1
	isb
	br	x0
	/* The vectors, 2K aligned (the page is): only one can be taken. */
	.balign 2048
2:	.skip	0x200
	/* Current EL with SP_ELx, synchronous: the abort. */
	mrs	x1, esr_el1
	mrs	x2, elr_el1
	mrs	x3, far_el1
	adr	x4, 3f
	stp	x1, x2, [x4]
	mov	x5, #1
	stp	x3, x5, [x4, #16]
	dsb	sy
	movz	w0, #(PSCI_CPU_OFF & 0xffff)
	movk	w0, #(PSCI_CPU_OFF >> 16), lsl #16
	smc	#0
1:	b	1b
	.balign	8
	/* The mailbox: ESR, ELR, FAR, done. */
3:	.quad	0, 0, 0, 0
SYM_DATA_END(s2own_mmio_entry)
SYM_DATA(s2own_mmio_entry_end, .quad 0)
SYM_DATA(s2own_mmio_mailbox, .quad 3b - s2own_mmio_entry)
