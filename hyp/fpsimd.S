/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * FP/AdvSIMD and SVE register files, saved and loaded for the world
 * switch (vcpu.c). The C code of EL2 never touches these registers
 * (-mgeneral-regs-only); only these routines do, with CPTR_EL2 letting
 * them (TFP clear, and TZ clear for the SVE ones).
 */
	.arch	armv8.2-a+sve

	.text
/* hyp_fpsimd_save(struct hyp_fpsimd *st): V0..V31, FPSR, FPCR. */
	.globl	hyp_fpsimd_save
hyp_fpsimd_save:
	stp	q0, q1, [x0, #32 * 0]
	stp	q2, q3, [x0, #32 * 1]
	stp	q4, q5, [x0, #32 * 2]
	stp	q6, q7, [x0, #32 * 3]
	stp	q8, q9, [x0, #32 * 4]
	stp	q10, q11, [x0, #32 * 5]
	stp	q12, q13, [x0, #32 * 6]
	stp	q14, q15, [x0, #32 * 7]
	stp	q16, q17, [x0, #32 * 8]
	stp	q18, q19, [x0, #32 * 9]
	stp	q20, q21, [x0, #32 * 10]
	stp	q22, q23, [x0, #32 * 11]
	stp	q24, q25, [x0, #32 * 12]
	stp	q26, q27, [x0, #32 * 13]
	stp	q28, q29, [x0, #32 * 14]
	stp	q30, q31, [x0, #32 * 15]
	mrs	x1, fpsr
	mrs	x2, fpcr
	add	x0, x0, #32 * 16
	stp	x1, x2, [x0]
	ret

/* hyp_fpsimd_load(const struct hyp_fpsimd *st) */
	.globl	hyp_fpsimd_load
hyp_fpsimd_load:
	ldp	q0, q1, [x0, #32 * 0]
	ldp	q2, q3, [x0, #32 * 1]
	ldp	q4, q5, [x0, #32 * 2]
	ldp	q6, q7, [x0, #32 * 3]
	ldp	q8, q9, [x0, #32 * 4]
	ldp	q10, q11, [x0, #32 * 5]
	ldp	q12, q13, [x0, #32 * 6]
	ldp	q14, q15, [x0, #32 * 7]
	ldp	q16, q17, [x0, #32 * 8]
	ldp	q18, q19, [x0, #32 * 9]
	ldp	q20, q21, [x0, #32 * 10]
	ldp	q22, q23, [x0, #32 * 11]
	ldp	q24, q25, [x0, #32 * 12]
	ldp	q26, q27, [x0, #32 * 13]
	ldp	q28, q29, [x0, #32 * 14]
	ldp	q30, q31, [x0, #32 * 15]
	add	x0, x0, #32 * 16
	ldp	x1, x2, [x0]
	msr	fpsr, x1
	msr	fpcr, x2
	ret

/*
 * hyp_sve_save_z(u8 *z) / hyp_sve_load_z(const u8 *z): Z0..Z31 at EL2's
 * vector length (ZCR_EL2.LEN is the largest), 32 x VL bytes. The V
 * registers are their low 128 bits.
 */
	.globl	hyp_sve_save_z
hyp_sve_save_z:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	str	z\n, [x0, #\n, mul vl]
	.endr
	ret

	.globl	hyp_sve_load_z
hyp_sve_load_z:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ldr	z\n, [x0, #\n, mul vl]
	.endr
	ret
