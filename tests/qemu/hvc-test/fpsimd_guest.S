/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The FP/SIMD check's assembly (fpsimd.c):
 *
 * s2own_fp_guest .. s2own_fp_guest_end: a guest, copied into a page it
 * runs from at EL1 with the MMU off. It turns FP/AdvSIMD on
 * (CPACR_EL1.FPEN), writes every V register, FPCR and FPSR with values of
 * its own, and calls its VMM with x1 = d0, x2 = d31, x3 = FPCR: the host
 * sees that it ran, and must find its own registers as it left them.
 *
 * s2own_fp_load() and s2own_fp_save(): the host's q0..q31, FPSR and FPCR
 * from and to a struct s2own_fp_regs, between kernel_neon_begin() and
 * kernel_neon_end().
 */
#include <linux/linkage.h>

/* S2OWN_VMM_RESULT (abi/s2own_abi.h); fpsimd.c checks that it is. */
#define FP_GUEST_CALL	0x86001001

	.section .rodata, "a"
	.balign 8
SYM_DATA_START(s2own_fp_guest)
	mov	x0, #(3 << 20)
	msr	cpacr_el1, x0
	isb
	.irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, \
		16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	movi	v\n\().16b, #(0x80 + \n)
	.endr
	mov	x0, #(1 << 24 | 1 << 22)	/* FZ, round towards +inf */
	msr	fpcr, x0
	mov	x0, #0x9f			/* every cumulative flag */
	msr	fpsr, x0
	fmov	x1, d0
	fmov	x2, d31
	mrs	x3, fpcr
	movz	w0, #(FP_GUEST_CALL & 0xffff)
	movk	w0, #(FP_GUEST_CALL >> 16), lsl #16
	hvc	#0
1:	b	1b
SYM_DATA_END(s2own_fp_guest)
SYM_DATA(s2own_fp_guest_end, .quad 0)
SYM_DATA(s2own_fp_guest_call, .quad FP_GUEST_CALL)

/* op q<a>, q<b> at their place in struct s2own_fp_regs, for each pair. */
	.macro	qpairs op, a, b, rest:vararg
	\op	q\a, q\b, [x0, #(\a * 16)]
	.ifnb	\rest
	qpairs	\op, \rest
	.endif
	.endm

	.text
/* void s2own_fp_load(const struct s2own_fp_regs *regs) */
SYM_FUNC_START(s2own_fp_load)
	qpairs	ldp, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, \
		16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ldr	x1, [x0, #512]
	ldr	x2, [x0, #520]
	msr	fpsr, x1
	msr	fpcr, x2
	ret
SYM_FUNC_END(s2own_fp_load)

/* void s2own_fp_save(struct s2own_fp_regs *regs) */
SYM_FUNC_START(s2own_fp_save)
	qpairs	stp, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, \
		16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	mrs	x1, fpsr
	mrs	x2, fpcr
	str	x1, [x0, #512]
	str	x2, [x0, #520]
	ret
SYM_FUNC_END(s2own_fp_save)
