// SPDX-License-Identifier: GPL-2.0-only
/*
 * A guest's exceptions at EL2: which the hypervisor serves and re-enters
 * the guest for, which go to the host as an exit, and which stop the VM
 * (docs/guests.md, "Exits"). Nothing a guest does here can stop the
 * hypervisor or the host: what cannot be served is an undefined
 * instruction for the guest, or the end of its VM.
 */
#include "hyp.h"
#include "inject.h"
#include "sysreg.h"
#include "vcpu.h"
#include "../ownership/s2own.h"

/**
 * hyp_guest_stop() - stop a VM for good.
 * @vcpu: the running vCPU.
 * @out: the exit for the host: @reason, @a, @b.
 * @reason: S2OWN_EXIT_SYSTEM_EVENT or S2OWN_EXIT_STOPPED.
 * @a: x3 of the exit.
 * @b: x4 of the exit.
 *
 * The exit is recorded before the VM is marked stopped, so every later
 * run of any of its vCPUs reports the same (vcpu.c).
 */
void hyp_guest_stop(struct hyp_vcpu *vcpu, u64 *out, u64 reason, u64 a,
		    u64 b)
{
	u64 *stop = hyp_vm(vcpu->vm)->stop;

	out[0] = reason;
	out[1] = a;
	out[2] = b;
	if (__atomic_exchange_n(&stop[0], reason, __ATOMIC_RELAXED) == 0) {
		stop[1] = a;
		stop[2] = b;
	}
	s2o_vm_stop(vcpu->vm);
}

static void undef(struct hyp_vcpu *vcpu)
{
	hyp_inject_undef(&vcpu->pc, &vcpu->pstate);
}

/* The ID registers a guest reads (HCR_EL2.TID3), and what it is told. */
#define ID_READER(name, reg) \
	static u64 read_##name(void) { return read_sysreg(reg); }
ID_READER(pfr0, id_aa64pfr0_el1)
ID_READER(pfr1, id_aa64pfr1_el1)
ID_READER(dfr0, id_aa64dfr0_el1)
ID_READER(isar0, id_aa64isar0_el1)
ID_READER(isar1, id_aa64isar1_el1)
ID_READER(isar2, s3_0_c0_c6_2)
ID_READER(mmfr0, id_aa64mmfr0_el1)
ID_READER(mmfr1, id_aa64mmfr1_el1)
ID_READER(mmfr2, SYS_ID_AA64MMFR2_EL1)

static const struct {
	u64 enc;
	u64 (*read)(void);
	u64 keep;		/* fields the guest sees as they are */
	u64 set;		/* fields it sees with these values */
} id_regs[] = {
	/* EL0 and EL1 AArch64 only; FP, AdvSIMD, DIT, CSV2, CSV3 as they
	 * are; no EL2, EL3, GIC system registers, RAS, SVE, MPAM, AMU. */
	{ ESR_SYS_ENC(3, 0, 0, 4, 0), read_pfr0, 0xff0f000000ff0000UL, 0x11 },
	/* BTI, SSBS, CSV2_frac; no MTE, SME, MPAM, NMI. */
	{ ESR_SYS_ENC(3, 0, 0, 4, 1), read_pfr1, 0xf000000ffUL, 0 },
	/* Armv8 debug (its registers read as zero), no PMU, trace, SPE. */
	{ ESR_SYS_ENC(3, 0, 0, 5, 0), read_dfr0, 0, 0x6 },
	{ ESR_SYS_ENC(3, 0, 0, 6, 0), read_isar0, ~0UL, 0 },
	/* Pointer authentication included: its keys are switched. */
	{ ESR_SYS_ENC(3, 0, 0, 6, 1), read_isar1, ~0UL, 0 },
	{ ESR_SYS_ENC(3, 0, 0, 6, 2), read_isar2, ~0UL, 0 },
	/* Its IPA space is 48 bits. */
	{ ESR_SYS_ENC(3, 0, 0, 7, 0), read_mmfr0, ~0xfUL, PARANGE_48 },
	/* No LORegions (trapped), no EL2 features (VH, HCX). */
	{ ESR_SYS_ENC(3, 0, 0, 7, 1), read_mmfr1,
	  ~(0xfUL << 40 | 0xfUL << 16 | 0xfUL << 8), 0 },
	/* No nested virtualisation. */
	{ ESR_SYS_ENC(3, 0, 0, 7, 2), read_mmfr2, ~(0xfUL << 24), 0 },
};

/* An ID register read: the filtered value, 0 for those not listed. */
static bool id_reg_read(u64 enc, u64 *val)
{
	/* Op0 3, Op1 0, CRn 0, CRm 1..7: the ID register space. */
	if ((enc & ~ESR_SYS_ENC(0, 0, 0, 7, 7)) != ESR_SYS_ENC(3, 0, 0, 0, 0) ||
	    !(enc & ESR_SYS_ENC(0, 0, 0, 7, 0)))
		return false;
	*val = 0;
	for (unsigned int i = 0; i < S2O_ARRAY_SIZE(id_regs); i++)
		if (id_regs[i].enc == enc)
			*val = (id_regs[i].read() & id_regs[i].keep) |
			       id_regs[i].set;
	return true;
}

/* DC ISW, CSW, CISW: with forced write-back nothing needs cleaning. */
static bool is_set_way_op(u64 enc)
{
	return enc == ESR_SYS_ENC(1, 0, 7, 6, 2) ||
	       enc == ESR_SYS_ENC(1, 0, 7, 10, 2) ||
	       enc == ESR_SYS_ENC(1, 0, 7, 14, 2);
}

/* AP{IA,IB,DA,DB,GA}KEY{LO,HI}_EL1: Op0 3, Op1 0, CRn 2, CRm 1..3. */
static bool is_ptrauth_key(u64 enc)
{
	u64 crm = (enc >> 1) & 0xf;

	return (enc & ~ESR_SYS_ENC(0, 0, 0, 15, 7)) ==
		       ESR_SYS_ENC(3, 0, 2, 0, 0) && crm >= 1 && crm <= 3;
}

static bool handle_sysreg(struct hyp_vcpu *vcpu, u64 esr)
{
	u64 enc = esr & ESR_SYS_ENC_MASK, val;
	unsigned int rt = ESR_SYS_RT(esr);

	if (is_ptrauth_key(enc) && hyp_vcpu_ptrauth_trap(vcpu))
		return true;	/* the access runs again, untrapped */
	if ((esr & ESR_SYS_READ) && id_reg_read(enc, &val)) {
		if (rt != 31)
			vcpu->regs.x[rt] = val;
	} else if ((enc >> 20) == 2) {
		/* Debug registers (Op0 2, MDCR_EL2.TDA): read as zero. */
		if ((esr & ESR_SYS_READ) && rt != 31)
			vcpu->regs.x[rt] = 0;
	} else if (!(esr & ESR_SYS_READ) && is_set_way_op(enc)) {
		/* Nothing to do. */
	} else {
		undef(vcpu);
		return true;
	}
	vcpu->pc += 4;
	return true;
}

static bool ipa_in_ram(const struct hyp_vm *vm, u64 ipa)
{
	u64 gfn = ipa >> S2O_PAGE_SHIFT;

	return !vm->ram_nr || (gfn >= vm->ram_gfn &&
			       gfn - vm->ram_gfn < vm->ram_nr);
}

/* A load or store outside RAM that the syndrome describes: MMIO. */
static void mmio_exit(struct hyp_vcpu *vcpu, u64 esr, u64 ipa, u64 *out)
{
	unsigned int bytes = 1U << ESR_SAS(esr), srt = ESR_SRT(esr);
	bool write = esr & ESR_WNR;
	u64 data = 0;

	if (write && srt != 31)
		data = bytes < 8 ? vcpu->regs.x[srt] &
					   ((1ULL << (8 * bytes)) - 1) :
				   vcpu->regs.x[srt];
	if (!write) {
		vcpu->answer = VCPU_ANSWER_MMIO_READ;
		vcpu->mmio_srt = srt;
		vcpu->mmio_bytes = bytes;
		vcpu->mmio_sign = !!(esr & ESR_SSE);
		vcpu->mmio_sf = !!(esr & ESR_SF);
	}
	vcpu->pc += 4;	/* ISV: a 32-bit load or store */
	out[0] = S2OWN_EXIT_MMIO;
	out[1] = ipa;
	out[2] = bytes;
	out[3] = write;
	out[4] = data;
}

/* An external abort for the guest: it asked for what does not exist. */
static void inject_abort(struct hyp_vcpu *vcpu, u64 esr)
{
	bool iabt = ESR_EC(esr) == ESR_EC_IABT_LOW;
	bool el0 = (vcpu->pstate & PSR_MODE_MASK) == PSR_MODE_EL0t;
	u64 ec = iabt ? (el0 ? ESR_EC_IABT_LOW : ESR_EC_IABT_CUR) :
			(el0 ? ESR_EC_DABT_LOW : ESR_EC_DABT_CUR);

	hyp_inject_el1_sync(&vcpu->pc, &vcpu->pstate,
			    ec << ESR_EC_SHIFT | ESR_IL | ESR_FSC_EXTABT |
				    (iabt ? 0 : esr & ESR_WNR),
			    read_sysreg(far_el2));
}

static bool handle_abort(struct hyp_vcpu *vcpu, u64 esr, u64 *out)
{
	const struct hyp_vm *vm = hyp_vm(vcpu->vm);
	bool iabt = ESR_EC(esr) == ESR_EC_IABT_LOW;
	u64 ipa;

	switch (ESR_FSC_TYPE(esr)) {
	case ESR_FSC_TRANS:
		break;
	case ESR_FSC_ADDRSZ:
		/* Beyond its 48-bit IPA space. */
		inject_abort(vcpu, esr);
		return true;
	default:
		/* Its pages are mapped read-write-execute: nothing else. */
		hyp_guest_stop(vcpu, out, S2OWN_EXIT_STOPPED, esr,
			       S2OWN_STOP_ABORT);
		return false;
	}
	ipa = (read_sysreg(hpfar_el2) & HPFAR_FIPA_MASK) << HPFAR_FIPA_SHIFT;
	ipa |= read_sysreg(far_el2) & (S2O_PAGE_SIZE - 1);
	if (ipa_in_ram(vm, ipa)) {
		/* A page it has not been given yet: the host donates one. */
		out[0] = S2OWN_EXIT_MEM_FAULT;
		out[1] = ipa >> S2O_PAGE_SHIFT;
		out[2] = (iabt ? S2OWN_FAULT_EXEC : 0) |
			 (esr & ESR_S1PTW ? S2OWN_FAULT_S1PTW : 0) |
			 (!iabt && (esr & ESR_WNR) ? S2OWN_FAULT_WRITE : 0);
		return false;
	}
	if (iabt)
		hyp_guest_stop(vcpu, out, S2OWN_EXIT_STOPPED, esr,
			       S2OWN_STOP_EXEC_OUTSIDE_RAM);
	else if (!(esr & ESR_ISV) || (esr & ESR_S1PTW))
		hyp_guest_stop(vcpu, out, S2OWN_EXIT_STOPPED, esr,
			       S2OWN_STOP_MMIO_UNDECODED);
	else
		mmio_exit(vcpu, esr, ipa, out);
	return false;
}

/**
 * hyp_guest_handle_exit() - the guest took an exception to EL2.
 * @vcpu: the running vCPU; its pc and pstate are ELR_EL2 and SPSR_EL2.
 * @kind: GUEST_EXIT_* from the vector.
 * @out: the exit for the host, when this returns false.
 *
 * Return: true to enter the guest again, false to return to the host.
 */
bool hyp_guest_handle_exit(struct hyp_vcpu *vcpu, u64 kind, u64 *out)
{
	u64 esr = read_sysreg(esr_el2);

	switch (kind) {
	case GUEST_EXIT_IRQ:
	case GUEST_EXIT_FIQ:
		/* The host's: it takes it once it runs again. */
		out[0] = S2OWN_EXIT_IRQ;
		return false;
	case GUEST_EXIT_SERROR:
		hyp_guest_stop(vcpu, out, S2OWN_EXIT_STOPPED, esr,
			       S2OWN_STOP_SERROR);
		return false;
	}
	switch (ESR_EC(esr)) {
	case ESR_EC_WFX:
		vcpu->pc += 4;
		out[0] = S2OWN_EXIT_WFX;
		out[1] = esr & ESR_WFX_TI;
		return false;
	case ESR_EC_HVC64:
		return hyp_guest_smccc(vcpu, false, out);
	case ESR_EC_SMC64:
		vcpu->pc += 4;	/* a trapped SMC reports the SMC itself */
		return hyp_guest_smccc(vcpu, true, out);
	case ESR_EC_SYS64:
		return handle_sysreg(vcpu, esr);
	case ESR_EC_FP:
		hyp_vcpu_fp_trap(vcpu);
		return true;
	case ESR_EC_PAC:
		if (!hyp_vcpu_ptrauth_trap(vcpu))
			undef(vcpu);
		return true;
	case ESR_EC_IABT_LOW:
	case ESR_EC_DABT_LOW:
		return handle_abort(vcpu, esr, out);
	default:
		/* SVE, SME, and whatever else traps: not for a guest. */
		undef(vcpu);
		return true;
	}
}
