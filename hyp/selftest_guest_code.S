/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest the boot selftest runs (selftest_guest.c): copied into a page
 * donated to a VM at IPA S2OWN_GUEST_RAM_BASE-independent position
 * (PC-relative only), run at EL1 with its MMU off. Each step makes one
 * kind of exit, or is served at EL2 without one.
 */
	.section .rodata
	.balign	4
	.globl	selftest_guest, selftest_guest_end
selftest_guest:
	mov	x19, x0			/* boot argument */
	/* A VMM call: exit, and the host's answer comes back in x0. */
	movz	x0, #0x1001
	movk	x0, #0x8600, lsl #16
	add	x1, x19, #1
	hvc	#0
	mov	x20, x0
	/* PSCI_VERSION, answered at EL2. */
	movz	x0, #0
	movk	x0, #0x8400, lsl #16
	hvc	#0
	mov	x21, x0
	/* FP/AdvSIMD: enabled at EL1, its first use traps to EL2 once. */
	mov	x3, #(3 << 20)
	msr	cpacr_el1, x3
	isb
	fmov	d0, x20
	fmov	x22, d0
	/* The next page of RAM was not given: the host donates it. */
	adr	x4, selftest_guest
	add	x4, x4, #4096
	str	x22, [x4]
	ldr	x23, [x4]
	/* MMIO outside RAM: a store, then a 32-bit load. */
	movz	x5, #0x1000, lsl #16
	str	x23, [x5]
	ldr	w24, [x5, #8]
	/* Report what it saw. */
	movz	x0, #0x1001
	movk	x0, #0x8600, lsl #16
	mov	x1, x21
	mov	x2, x22
	mov	x3, x24
	hvc	#0
	/* PSCI SYSTEM_OFF. */
	movz	x0, #8
	movk	x0, #0x8400, lsl #16
	hvc	#0
	b	.
selftest_guest_end:
