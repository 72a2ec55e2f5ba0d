/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * System register accessors and the bits of them the hypervisor uses.
 *
 * Registers that binutils may not know by name are written with their
 * s<op0>_<op1>_c<n>_c<m>_<op2> encoding. Values are from the Arm ARM
 * (DDI 0487); Linux's arch/arm64/include/asm/{sysreg,kvm_arm,esr}.h use
 * the same ones.
 */
#ifndef S2OWN_HYP_SYSREG_H
#define S2OWN_HYP_SYSREG_H

#ifndef __ASSEMBLER__
#include "../ownership/types.h"
#endif

#define _BITUL(n)		(1UL << (n))

/* Registers by encoding. */
#define SYS_ZCR_EL2		s3_4_c1_c2_0
#define SYS_HCRX_EL2		s3_4_c1_c2_2
#define SYS_SMCR_EL2		s3_4_c1_c2_6
#define SYS_HFGRTR_EL2		s3_4_c1_c1_4
#define SYS_HFGWTR_EL2		s3_4_c1_c1_5
#define SYS_HFGITR_EL2		s3_4_c1_c1_6
#define SYS_HDFGRTR_EL2		s3_4_c3_c1_4
#define SYS_HDFGWTR_EL2		s3_4_c3_c1_5
#define SYS_ICC_SRE_EL2		s3_4_c12_c9_5
#define SYS_ICH_HCR_EL2		s3_4_c12_c11_0
#define SYS_ID_AA64SMFR0_EL1	s3_0_c0_c4_5
#define SYS_ID_AA64MMFR2_EL1	s3_0_c0_c7_2
#define SYS_TPIDR2_EL0		s3_3_c13_c0_5
#define SYS_SVCR		s3_3_c4_c2_2
#define SYS_APIAKEYLO_EL1	s3_0_c2_c1_0
#define SYS_APIAKEYHI_EL1	s3_0_c2_c1_1
#define SYS_APIBKEYLO_EL1	s3_0_c2_c1_2
#define SYS_APIBKEYHI_EL1	s3_0_c2_c1_3
#define SYS_APDAKEYLO_EL1	s3_0_c2_c2_0
#define SYS_APDAKEYHI_EL1	s3_0_c2_c2_1
#define SYS_APDBKEYLO_EL1	s3_0_c2_c2_2
#define SYS_APDBKEYHI_EL1	s3_0_c2_c2_3
#define SYS_APGAKEYLO_EL1	s3_0_c2_c3_0
#define SYS_APGAKEYHI_EL1	s3_0_c2_c3_1

/* HCR_EL2 */
#define HCR_VM			_BITUL(0)
#define HCR_SWIO		_BITUL(1)
#define HCR_PTW			_BITUL(2)
#define HCR_FMO			_BITUL(3)
#define HCR_IMO			_BITUL(4)
#define HCR_AMO			_BITUL(5)
#define HCR_FB			_BITUL(9)
#define HCR_BSU_IS		(1UL << 10)
#define HCR_TWI			_BITUL(13)
#define HCR_TWE			_BITUL(14)
#define HCR_TID3		_BITUL(18)
#define HCR_TSC			_BITUL(19)
#define HCR_TIDCP		_BITUL(20)
#define HCR_TACR		_BITUL(21)
#define HCR_TSW			_BITUL(22)
#define HCR_RW			_BITUL(31)
#define HCR_TLOR		_BITUL(35)
#define HCR_TERR		_BITUL(36)
#define HCR_APK			_BITUL(40)
#define HCR_API			_BITUL(41)
#define HCR_FWB			_BITUL(46)
#define HCR_HOST_FLAGS		(HCR_RW | HCR_TSC | HCR_API | HCR_APK)
/*
 * A protected guest (docs/guests.md, "Features"): its own stage 2 with
 * forced write-back, host interrupts and SErrors to EL2, WFx, SMC, ID,
 * impdef, ACTLR, set/way, LORegion and RAS error-record accesses trapped,
 * TLBI broadcast.
 * Pointer authentication (API, APK) is added when the guest first uses it.
 */
#define HCR_GUEST_FLAGS		(HCR_VM | HCR_SWIO | HCR_PTW | HCR_FMO | \
				 HCR_IMO | HCR_AMO | HCR_FB | HCR_BSU_IS | \
				 HCR_TWI | HCR_TWE | HCR_TID3 | \
				 HCR_TSC | HCR_TIDCP | HCR_TACR | HCR_TSW | \
				 HCR_RW | HCR_TLOR | HCR_TERR | HCR_FWB)

/*
 * SCTLR_EL2 (E2H == 0): RES1 bits, then the ones we set. WXN makes every
 * writable mapping execute-never, so only .text can ever run.
 */
#define SCTLR_EL2_RES1		(_BITUL(4) | _BITUL(5) | _BITUL(11) | \
				 _BITUL(16) | _BITUL(18) | _BITUL(22) | \
				 _BITUL(23) | _BITUL(28) | _BITUL(29))
#define SCTLR_ELx_M		_BITUL(0)
#define SCTLR_ELx_C		_BITUL(2)
#define SCTLR_ELx_SA		_BITUL(3)
#define SCTLR_ELx_I		_BITUL(12)
#define SCTLR_ELx_WXN		_BITUL(19)
#define SCTLR_EL2_MMU_OFF	(SCTLR_EL2_RES1 | SCTLR_ELx_I | SCTLR_ELx_SA)
#define SCTLR_EL2_MMU_ON	(SCTLR_EL2_MMU_OFF | SCTLR_ELx_M | \
				 SCTLR_ELx_C | SCTLR_ELx_WXN)

/* SCTLR_EL1 RES1 bits (Armv8.0), MMU and caches off: what Linux expects. */
#define SCTLR_EL1_MMU_OFF	(_BITUL(11) | _BITUL(20) | _BITUL(22) | \
				 _BITUL(23) | _BITUL(28) | _BITUL(29))
#define SCTLR_EL1_SPAN		_BITUL(23)
#define SCTLR_EL1_DSSBS		_BITUL(44)

/*
 * CPTR_EL2 (E2H == 0): RES1 bits 13, 9, 7:0; TZ (8), TFP (10), TSM (12),
 * TTA (20), TAM (30), TCPAC (31) left clear so nothing FP/SIMD/SVE/SME
 * traps, at EL2 (libfdt uses SIMD) or for the host.
 */
#define CPTR_EL2_NO_TRAPS	(_BITUL(13) | _BITUL(9) | 0xffUL)
#define CPTR_EL2_TZ		_BITUL(8)
#define CPTR_EL2_TFP		_BITUL(10)
#define CPTR_EL2_TSM		_BITUL(12)
#define CPTR_EL2_TTA		_BITUL(20)
#define CPTR_EL2_TAM		_BITUL(30)
/* A guest: SVE, SME, trace and AMU trap; FP traps until first used. */
#define CPTR_EL2_GUEST		(CPTR_EL2_NO_TRAPS | CPTR_EL2_TZ | \
				 CPTR_EL2_TSM | CPTR_EL2_TTA | CPTR_EL2_TAM)

/* CNTHCTL_EL2 (E2H == 0): EL1 may read the counter and use the timer. */
#define CNTHCTL_EL1PCTEN	_BITUL(0)
#define CNTHCTL_EL1PCEN		_BITUL(1)

/* ICH_HCR_EL2: a guest's every GIC system-register access traps. */
#define ICH_HCR_TC		_BITUL(10)
#define ICH_HCR_TALL0		_BITUL(11)
#define ICH_HCR_TALL1		_BITUL(12)
#define ICH_HCR_TDIR		_BITUL(14)
#define ICH_HCR_GUEST		(ICH_HCR_TC | ICH_HCR_TALL0 | ICH_HCR_TALL1 | \
				 ICH_HCR_TDIR)

/* ICC_SRE_EL2 */
#define ICC_SRE_EL2_SRE		_BITUL(0)
#define ICC_SRE_EL2_ENABLE	_BITUL(3)

/* MDCR_EL2.HPMN and PMCR_EL0.N; the traps a guest gets. */
#define MDCR_EL2_HPMN_MASK	0x1fUL
#define MDCR_EL2_TPMCR		_BITUL(5)
#define MDCR_EL2_TPM		_BITUL(6)
#define MDCR_EL2_TDA		_BITUL(9)
#define MDCR_EL2_TDOSA		_BITUL(10)
#define MDCR_EL2_TDRA		_BITUL(11)
#define MDCR_EL2_TPMS		_BITUL(14)
#define MDCR_EL2_TTRF		_BITUL(19)
#define MDCR_EL2_GUEST		(MDCR_EL2_TPMCR | MDCR_EL2_TPM | \
				 MDCR_EL2_TDA | MDCR_EL2_TDOSA | \
				 MDCR_EL2_TDRA | MDCR_EL2_TPMS | MDCR_EL2_TTRF)
#define PMCR_EL0_N_SHIFT	11
#define PMCR_EL0_N_MASK		0x1fUL

/* Fine-grained trap "n" bits that must be 1 for the host (booting.rst). */
#define HFGxTR_nTPIDR2_EL0	_BITUL(55)
#define HFGxTR_nSMPRI_EL1	_BITUL(54)

/* SMCR_EL2 */
#define SMCR_ELx_FA64		_BITUL(31)
#define SMCR_ELx_LEN_MASK	0xfUL
#define ZCR_ELx_LEN_MASK	0xfUL

/* ID register fields */
#define ID_AA64MMFR0_PARANGE(r)	((r) & 0xf)
#define ID_AA64MMFR0_FGT(r)	(((r) >> 56) & 0xf)
#define ID_AA64MMFR1_HCX(r)	(((r) >> 40) & 0xf)
#define ID_AA64PFR0_SVE(r)	(((r) >> 32) & 0xf)
#define ID_AA64PFR1_SME(r)	(((r) >> 24) & 0xf)
#define ID_AA64PFR0_GIC(r)	(((r) >> 24) & 0xf)
#define ID_AA64SMFR0_FA64	_BITUL(63)
#define ID_AA64MMFR2_FWB(r)	(((r) >> 40) & 0xf)
#define ID_AA64ISAR1_PAUTH(r)	((r) & 0xff000ff0UL)	/* APA API GPA GPI */
#define ID_AA64ISAR2_PAUTH(r)	((r) & 0xf0f0UL)	/* APA3 GPA3 */
#define PARANGE_48		5

/* TCR_EL2 (E2H == 0) and VTCR_EL2 share the low field layout. */
#define TCR_T0SZ(bits)		((64UL - (bits)) << 0)
#define TCR_IRGN0_WBWA		(1UL << 8)
#define TCR_ORGN0_WBWA		(1UL << 10)
#define TCR_SH0_INNER		(3UL << 12)
#define TCR_TG0_4K		(0UL << 14)
#define TCR_EL2_PS_SHIFT	16
#define TCR_EL2_RES1		(_BITUL(31) | _BITUL(23))
#define VTCR_SL0_LVL0		(2UL << 6)	/* 4K granule: start level 0 */
#define VTCR_PS_SHIFT		16
#define VTCR_EL2_RES1		_BITUL(31)

/* MAIR_EL2 indexes used by the EL2 stage-1 tables. */
#define MT_NORMAL		0	/* Normal, inner/outer WB RAWA */
#define MT_DEVICE_nGnRnE	1
#define MAIR_EL2_VALUE		(0xffUL << (8 * MT_NORMAL) | \
				 0x00UL << (8 * MT_DEVICE_nGnRnE))

/* VTTBR_EL2 */
#define VTTBR_VMID_SHIFT	48
#define VTTBR_VMID_MASK		(0xffUL << VTTBR_VMID_SHIFT)

/* SPSR / PSTATE */
#define PSR_MODE_EL0t		0x0UL
#define PSR_MODE_EL1t		0x4UL
#define PSR_MODE_EL1h		0x5UL
#define PSR_MODE_MASK		0xfUL
#define PSR_MODE32_BIT		_BITUL(4)
#define PSR_F_BIT		_BITUL(6)
#define PSR_I_BIT		_BITUL(7)
#define PSR_A_BIT		_BITUL(8)
#define PSR_D_BIT		_BITUL(9)
#define PSR_SSBS_BIT		_BITUL(12)
#define PSR_PAN_BIT		_BITUL(22)
#define PSR_DIT_BIT		_BITUL(24)
#define PSR_NZCV_MASK		(0xfUL << 28)
#define PSR_DAIF_MASK		(PSR_D_BIT | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT)

/* ESR_ELx */
#define ESR_EC_SHIFT		26
#define ESR_EC(esr)		(((esr) >> ESR_EC_SHIFT) & 0x3f)
#define ESR_IL			_BITUL(25)
#define ESR_ISS_MASK		0x1ffffffUL
#define ESR_EC_UNKNOWN		0x00
#define ESR_EC_WFX		0x01
#define ESR_EC_FP		0x07
#define ESR_EC_PAC		0x09
#define ESR_EC_HVC64		0x16
#define ESR_EC_SMC64		0x17
#define ESR_EC_SYS64		0x18
#define ESR_EC_SVE		0x19
#define ESR_EC_SME		0x1d
#define ESR_EC_IABT_LOW		0x20
#define ESR_EC_IABT_CUR		0x21
#define ESR_EC_DABT_LOW		0x24
#define ESR_EC_DABT_CUR		0x25
#define ESR_FSC_MASK		0x3fUL
#define ESR_FSC_TYPE(esr)	((esr) & 0x3c)
#define ESR_FSC_ADDRSZ		0x00
#define ESR_FSC_TRANS		0x04
#define ESR_FSC_ACCESS		0x08
#define ESR_FSC_PERM		0x0c
#define ESR_FSC_PERM_L3		0x0f
#define ESR_FSC_EXTABT		0x10
#define ESR_WNR			_BITUL(6)
#define ESR_S1PTW		_BITUL(7)
#define ESR_CM			_BITUL(8)
/* Data abort syndrome, valid when ISV: size, sign, register, 64-bit. */
#define ESR_ISV			_BITUL(24)
#define ESR_SAS(esr)		(((esr) >> 22) & 3)
#define ESR_SSE			_BITUL(21)
#define ESR_SRT(esr)		(((esr) >> 16) & 0x1f)
#define ESR_SF			_BITUL(15)
#define ESR_WFX_TI		_BITUL(0)	/* WFE rather than WFI */
/* Trapped MSR/MRS (EC 0x18): Op0 Op2 Op1 CRn Rt CRm, direction (read). */
#define ESR_SYS_READ		_BITUL(0)
#define ESR_SYS_RT(esr)		(((esr) >> 5) & 0x1f)
#define ESR_SYS_ENC_MASK	0x3ffc1eUL	/* Op0 Op2 Op1 CRn CRm */
#define ESR_SYS_ENC(op0, op1, crn, crm, op2)				\
	(((u64)(op0) << 20) | ((u64)(op2) << 17) | ((u64)(op1) << 14) | \
	 ((u64)(crn) << 10) | ((u64)(crm) << 1))

/* HPFAR_EL2.FIPA holds IPA[51:12] in bits [43:4]. */
#define HPFAR_FIPA_MASK		0xffffffffff0UL
#define HPFAR_FIPA_SHIFT	8

/* PAR_EL1 after AT */
#define PAR_F			_BITUL(0)
#define PAR_PA_MASK		0xfffffffff000UL

#ifndef __ASSEMBLER__

#define __stringify_1(x)	#x
#define __stringify(x)		__stringify_1(x)

#define read_sysreg(r) ({					\
	u64 __rval;						\
	asm volatile("mrs %0, " __stringify(r) : "=r" (__rval));	\
	__rval;							\
})

#define write_sysreg(v, r) do {					\
	u64 __wval = (u64)(v);					\
	asm volatile("msr " __stringify(r) ", %x0" : : "rZ" (__wval)); \
} while (0)

#define isb()		asm volatile("isb" : : : "memory")
#define dsb(opt)	asm volatile("dsb " #opt : : : "memory")
#define dmb(opt)	asm volatile("dmb " #opt : : : "memory")
#define wfe()		asm volatile("wfe" : : : "memory")
#define sev()		asm volatile("sev" : : : "memory")

#endif /* __ASSEMBLER__ */

#endif /* S2OWN_HYP_SYSREG_H */
