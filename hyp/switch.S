/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The world switch's register part: into a guest and back out.
 *
 * __guest_enter(vcpu, host) keeps the host's callee-saved registers and
 * stack pointer in @host, marks this CPU as running @vcpu and installs
 * the guest's vectors (every exception from below is then its exit,
 * vectors.S), loads the
 * guest's x0..x30 and ERETs to ELR_EL2/SPSR_EL2, which the caller set. It
 * returns, as a C function would, when the guest takes an exception to
 * EL2: guest_exit saves the guest's x0..x30, puts the host's registers
 * back and returns GUEST_EXIT_*. Every other piece of state (EL1 system
 * registers, EL2 controls, FP) is switched in C (vcpu.c).
 */
#include "hyp.h"
#include "vcpu.h"

	.text
	.globl	__guest_enter
__guest_enter:
	stp	x18, x19, [x1, #HOST_CALLEE + 8 * 0]
	stp	x20, x21, [x1, #HOST_CALLEE + 8 * 2]
	stp	x22, x23, [x1, #HOST_CALLEE + 8 * 4]
	stp	x24, x25, [x1, #HOST_CALLEE + 8 * 6]
	stp	x26, x27, [x1, #HOST_CALLEE + 8 * 8]
	stp	x28, x29, [x1, #HOST_CALLEE + 8 * 10]
	mov	x2, sp
	stp	x30, x2, [x1, #HOST_CALLEE + 8 * 12]
	mrs	x2, tpidr_el2
	stp	x0, x1, [x2, #HYP_CPU_GUEST]
	adr_l	x2, hyp_guest_vectors
	msr	vbar_el2, x2
	ldp	x2, x3, [x0, #VCPU_GPRS + 8 * 2]
	ldp	x4, x5, [x0, #VCPU_GPRS + 8 * 4]
	ldp	x6, x7, [x0, #VCPU_GPRS + 8 * 6]
	ldp	x8, x9, [x0, #VCPU_GPRS + 8 * 8]
	ldp	x10, x11, [x0, #VCPU_GPRS + 8 * 10]
	ldp	x12, x13, [x0, #VCPU_GPRS + 8 * 12]
	ldp	x14, x15, [x0, #VCPU_GPRS + 8 * 14]
	ldp	x16, x17, [x0, #VCPU_GPRS + 8 * 16]
	ldp	x18, x19, [x0, #VCPU_GPRS + 8 * 18]
	ldp	x20, x21, [x0, #VCPU_GPRS + 8 * 20]
	ldp	x22, x23, [x0, #VCPU_GPRS + 8 * 22]
	ldp	x24, x25, [x0, #VCPU_GPRS + 8 * 24]
	ldp	x26, x27, [x0, #VCPU_GPRS + 8 * 26]
	ldp	x28, x29, [x0, #VCPU_GPRS + 8 * 28]
	ldr	x30, [x0, #VCPU_GPRS + 8 * 30]
	ldp	x0, x1, [x0, #VCPU_GPRS]
	eret
	dsb	nsh
	isb

/*
 * From the lower-EL vectors with x0 = the vCPU, x1 = GUEST_EXIT_*, the
 * guest's x0 and x1 pushed on the stack.
 */
	.globl	guest_exit
guest_exit:
	stp	x2, x3, [x0, #VCPU_GPRS + 8 * 2]
	stp	x4, x5, [x0, #VCPU_GPRS + 8 * 4]
	stp	x6, x7, [x0, #VCPU_GPRS + 8 * 6]
	stp	x8, x9, [x0, #VCPU_GPRS + 8 * 8]
	stp	x10, x11, [x0, #VCPU_GPRS + 8 * 10]
	stp	x12, x13, [x0, #VCPU_GPRS + 8 * 12]
	stp	x14, x15, [x0, #VCPU_GPRS + 8 * 14]
	stp	x16, x17, [x0, #VCPU_GPRS + 8 * 16]
	stp	x18, x19, [x0, #VCPU_GPRS + 8 * 18]
	stp	x20, x21, [x0, #VCPU_GPRS + 8 * 20]
	stp	x22, x23, [x0, #VCPU_GPRS + 8 * 22]
	stp	x24, x25, [x0, #VCPU_GPRS + 8 * 24]
	stp	x26, x27, [x0, #VCPU_GPRS + 8 * 26]
	stp	x28, x29, [x0, #VCPU_GPRS + 8 * 28]
	str	x30, [x0, #VCPU_GPRS + 8 * 30]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0, #VCPU_GPRS]
	adr_l	x2, hyp_vectors
	msr	vbar_el2, x2
	mrs	x2, tpidr_el2
	ldr	x3, [x2, #HYP_CPU_GUEST_HOST]
	str	xzr, [x2, #HYP_CPU_GUEST]
	ldp	x18, x19, [x3, #HOST_CALLEE + 8 * 0]
	ldp	x20, x21, [x3, #HOST_CALLEE + 8 * 2]
	ldp	x22, x23, [x3, #HOST_CALLEE + 8 * 4]
	ldp	x24, x25, [x3, #HOST_CALLEE + 8 * 6]
	ldp	x26, x27, [x3, #HOST_CALLEE + 8 * 8]
	ldp	x28, x29, [x3, #HOST_CALLEE + 8 * 10]
	ldp	x30, x2, [x3, #HOST_CALLEE + 8 * 12]
	mov	sp, x2
	mov	x0, x1
	ret
