/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry points, stacks, exception vectors and the few instructions C
 * cannot issue on its own.
 *
 * The image is linked at S2OWN_GUEST_RAM_BASE and its first byte is vCPU
 * 0's entry (x0 = the boot arg). The other vCPUs enter at
 * guest_secondary_entry with x0 = the context id vCPU 0 gave CPU_ON. Both
 * come in at EL1h with the MMU off and DAIF masked, every other general
 * register zero: vcpu_setup checks that before it uses one.
 */
#include "guest.h"

.macro	adr_l, reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
.endm

/*
 * Leaves x19 = x1 | x2 | ... | x30 as they came in (not zero: the
 * hypervisor let a value through), SP at the top of this vCPU's stack
 * (index = MPIDR_EL1.Aff0), the vectors installed and FP/SIMD untrapped
 * at EL1. x0 is kept.
 */
.macro	vcpu_setup
	.irp	n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, \
		18, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	orr	x19, x19, x\n
	.endr
	mrs	x1, mpidr_el1
	and	x1, x1, #0xff
	cmp	x1, #S2OWN_MAX_VCPUS
	b.hs	park
	adr_l	x2, guest_stacks
	add	x1, x1, #1
	mov	x3, #GUEST_STACK_SIZE
	madd	x2, x1, x3, x2
	mov	sp, x2
	adr_l	x1, guest_vectors
	msr	vbar_el1, x1
	mov	x1, #CPACR_EL1_FPEN
	msr	cpacr_el1, x1
	isb
	mov	x29, xzr
	mov	x30, xzr
.endm

	.section ".head.text", "ax"
	.globl	_start
_start:
	vcpu_setup
	mov	x1, x19
	bl	guest_main
	b	park

	.text
	.globl	guest_secondary_entry
guest_secondary_entry:
	vcpu_setup
	mov	x1, x19
	bl	guest_secondary_main
	/* Fall through: the C entries never return. */
park:
	wfi
	b	park

/*
 * Exception vectors. Each saves the registers C may clobber and calls
 * guest_exception(index); that returns only to resume a probe after the
 * instruction that trapped (it moves ELR_EL1 on), else it powers off.
 */
#define FRAME_SIZE	(16 * 11)

.macro	vector, idx
	.balign	128
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp]
	mov	x0, #\idx
	b	exception_entry
.endm

/* The rest of the frame, saved (op = stp) or restored (op = ldp). */
.macro	frame, op
	\op	x2, x3, [sp, #16 * 1]
	\op	x4, x5, [sp, #16 * 2]
	\op	x6, x7, [sp, #16 * 3]
	\op	x8, x9, [sp, #16 * 4]
	\op	x10, x11, [sp, #16 * 5]
	\op	x12, x13, [sp, #16 * 6]
	\op	x14, x15, [sp, #16 * 7]
	\op	x16, x17, [sp, #16 * 8]
	\op	x18, x29, [sp, #16 * 9]
	\op	x30, xzr, [sp, #16 * 10]
.endm

	.balign	2048
	.globl	guest_vectors
guest_vectors:
	.irp	idx, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	vector	\idx
	.endr

exception_entry:
	frame	stp
	bl	guest_exception
	frame	ldp
	ldp	x0, x1, [sp]
	add	sp, sp, #FRAME_SIZE
	eret

/*
 * guest_hvc(regs) and its kin: x0..x5 from @regs, the call, x0..x3 back
 * into @regs. The pointer waits on the stack, not in a register the call
 * might not keep.
 */
.macro	smccc_stub, name, insn
	.globl	\name
\name:
	str	x0, [sp, #-16]!
	mov	x6, x0
	ldp	x0, x1, [x6]
	ldp	x2, x3, [x6, #16]
	ldp	x4, x5, [x6, #32]
	\insn
	ldr	x6, [sp], #16
	stp	x0, x1, [x6]
	stp	x2, x3, [x6, #16]
	ret
.endm

	smccc_stub	guest_hvc, "hvc #0"
	smccc_stub	guest_smc, "smc #0"
	smccc_stub	guest_hvc1, "hvc #1"
	smccc_stub	guest_smc1, "smc #1"

/*
 * guest_hvc_keeps(fn) - HVC #0 with x0 = @fn, x1 = 0 and x2..x30 holding
 * 0x500 + their number. Return: the mask of x4..x30 that came back
 * different (SMCCC 1.1: the callee keeps them).
 */
#define KEEP_REGS	4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, \
			19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	.globl	guest_hvc_keeps
guest_hvc_keeps:
	stp	x29, x30, [sp, #-96]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	mov	x1, xzr
	mov	x2, #0x502
	mov	x3, #0x503
	.irp	n, KEEP_REGS
	mov	x\n, #(0x500 + \n)
	.endr
	hvc	#0
	mov	x0, xzr
	.irp	n, KEEP_REGS
	cmp	x\n, #(0x500 + \n)
	cset	x1, ne
	orr	x0, x0, x1, lsl #\n
	.endr
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	ret

/*
 * guest_fp_fill(seed) - V<n> = { seed + n, ~(seed + n) }, n = 0..31.
 * guest_fp_check(seed) - Return: the mask of V registers that differ.
 * C is built general-registers-only, so nothing else touches them.
 */
#define FP_REGS		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, \
			16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, \
			30, 31
	.globl	guest_fp_fill
guest_fp_fill:
	.irp	n, FP_REGS
	add	x1, x0, #\n
	mvn	x2, x1
	fmov	d\n, x1
	mov	v\n\().d[1], x2
	.endr
	ret

	.globl	guest_fp_check
guest_fp_check:
	mov	x5, xzr
	.irp	n, FP_REGS
	add	x1, x0, #\n
	mvn	x2, x1
	fmov	x3, d\n
	mov	x4, v\n\().d[1]
	cmp	x3, x1
	ccmp	x4, x2, #0, eq
	cset	x6, ne
	orr	x5, x5, x6, lsl #\n
	.endr
	mov	x0, x5
	ret

/* guest_jump(pc, vbar) - VBAR_EL1 = @vbar, then branch to @pc for good. */
	.globl	guest_jump
guest_jump:
	msr	vbar_el1, x1
	isb
	br	x0

/* Apart from .bss: guest_main() zeroes that on this stack. */
	.section ".stacks", "aw", %nobits
	.balign	16
guest_stacks:
	.skip	S2OWN_MAX_VCPUS * GUEST_STACK_SIZE
