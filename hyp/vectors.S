/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * EL2 exception vectors: two tables, so that neither world's entry asks
 * which world it came from.
 *
 * hyp_vectors, while the host runs: its synchronous traps (HVC, trapped
 * SMC, stage-2 aborts, from its AArch64 EL1 or its AArch32 or AArch64
 * EL0). The host's interrupts and SErrors are routed to EL1
 * (HCR_EL2.{IMO,FMO,AMO} = 0 while it runs), so those vectors, and every
 * vector taken from EL2 itself, report a panic.
 *
 * hyp_guest_vectors, while a vCPU runs (switch.S installs it before the
 * ERET into the guest and puts hyp_vectors back in guest_exit): every
 * exception from below is the guest's exit. The ERET into either world
 * is the context synchronization that makes the switch of VBAR_EL2 take
 * effect; an exception at EL2 in between panics through either table.
 */
#include "hyp.h"
#include "sysreg.h"
#include "vcpu.h"

/*
 * Save x2..x30 into a struct hyp_regs at sp (x0/x1 are there already): the
 * registers a C call may change, then the ones it preserves.
 */
.macro	save_caller_saved
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	str	x18, [sp, #8 * 18]
	stp	x29, x30, [sp, #8 * 29]
.endm

.macro	save_callee_saved
	stp	x19, x20, [sp, #8 * 19]
	stp	x21, x22, [sp, #8 * 21]
	stp	x23, x24, [sp, #8 * 23]
	stp	x25, x26, [sp, #8 * 25]
	stp	x27, x28, [sp, #8 * 27]
.endm

/*
 * An exception we never expect. It may be a stack overflow into a guard
 * page, so switch to this CPU's emergency stack first, using SP_EL0 (host
 * state, but we are about to stop) and the per-CPU scratch slot to free two
 * registers without losing them.
 */
.macro	bad_vector idx
	.align	7
	bad_vector_body \idx
.endm

.macro	bad_vector_body idx
	msr	sp_el0, x0
	mrs	x0, tpidr_el2
	str	x1, [x0, #HYP_CPU_SCRATCH]
	mov	x1, sp
	str	x1, [x0, #HYP_CPU_FAULT_SP]
	ldr	x1, [x0, #HYP_CPU_EMERG_SP]
	mov	sp, x1
	ldr	x1, [x0, #HYP_CPU_SCRATCH]
	mrs	x0, sp_el0
	sub	sp, sp, #HYP_REGS_SIZE
	stp	x0, x1, [sp]
	mov	x0, #\idx
	b	bad_vector_common
.endm

/* From the host (a lower EL while no vCPU runs): its synchronous trap. */
.macro	host_sync_vector
	.align	7
	b	host_sync_entry
.endm

/*
 * From a lower EL while this CPU runs a vCPU (VBAR_EL2 is
 * hyp_guest_vectors from __guest_enter to guest_exit): its exit of kind
 * \kind.
 */
.macro	guest_vector kind
	.align	7
	stp	x0, x1, [sp, #-16]!
	mrs	x1, tpidr_el2
	ldr	x0, [x1, #HYP_CPU_GUEST]
	mov	x1, #\kind
	b	guest_exit
.endm

/* Taken from EL2 itself: a bug in the hypervisor, whatever runs below. */
.macro	current_el_vectors
	/* With SP_EL0: we never run on SP_EL0. */
	bad_vector 0
	bad_vector 1
	bad_vector 2
	bad_vector 3
	/* With SP_EL2. */
	bad_vector 4
	bad_vector 5
	bad_vector 6
	bad_vector 7
.endm

	.text
	.align	11
	.globl	hyp_vectors
hyp_vectors:
	current_el_vectors
	/*
	 * The host's EL1 or EL0 (AArch64, or AArch32 at EL0). Its
	 * interrupts and SErrors go to EL1: one here is a bug.
	 */
	host_sync_vector
	bad_vector 9
	bad_vector 10
	bad_vector 11
	host_sync_vector
	bad_vector 13
	bad_vector 14
	bad_vector 15

	.align	11
	.globl	hyp_guest_vectors
hyp_guest_vectors:
	current_el_vectors
	/* A guest's EL1 or EL0: AArch64, or AArch32 at EL0. */
	guest_vector GUEST_EXIT_SYNC
	guest_vector GUEST_EXIT_IRQ
	guest_vector GUEST_EXIT_FIQ
	guest_vector GUEST_EXIT_SERROR
	guest_vector GUEST_EXIT_SYNC
	guest_vector GUEST_EXIT_IRQ
	guest_vector GUEST_EXIT_FIQ
	guest_vector GUEST_EXIT_SERROR

/*
 * The host's synchronous trap. An HVC, the common case, saves only what
 * the C call may change (x0..x18, x29, x30: AAPCS64 preserves x19..x28)
 * and goes straight to the hypercall; anything else saves everything,
 * so that a panic report shows the host's registers.
 */
host_sync_entry:
	sub	sp, sp, #HYP_REGS_SIZE
	stp	x0, x1, [sp]
	save_caller_saved
	mrs	x1, esr_el2
	ubfx	x1, x1, #ESR_EC_SHIFT, #6
	mov	x0, sp
	cmp	x1, #ESR_EC_HVC64
	b.ne	1f
	bl	hyp_hvc_handle
	b	2f
1:	save_callee_saved
	bl	hyp_host_sync
2:	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldr	x18, [sp, #8 * 18]
	ldp	x29, x30, [sp, #8 * 29]
	add	sp, sp, #HYP_REGS_SIZE
	eret
	dsb	nsh
	isb

bad_vector_common:
	save_caller_saved
	save_callee_saved
	mov	x1, x0
	mov	x0, sp
	bl	hyp_bad_exception
	b	hyp_halt
