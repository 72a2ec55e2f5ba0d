// SPDX-License-Identifier: GPL-2.0-only
/*
 * Synchronous exceptions from the host, and the ones that must not happen.
 *
 * The host traps to EL2 for three reasons only: HVC (our hypercalls), SMC
 * (HCR_EL2.TSC: the PSCI relay) and stage-2 aborts. A stage-2 abort on a
 * page the host owns gets it mapped; one on a page it does not own is
 * reflected back to the host as an abort, so Linux's own fault handling
 * deals with it and the hypervisor carries on. Any other exception means
 * our configuration is wrong: panic.
 */
#include "hyp.h"
#include "inject.h"
#include "sysreg.h"
#include "../ownership/s2own.h"

static const char *const vector_names[16] = {
	"synchronous (EL2, SP_EL0)", "IRQ (EL2, SP_EL0)",
	"FIQ (EL2, SP_EL0)", "SError (EL2, SP_EL0)",
	"synchronous exception at EL2", "IRQ at EL2", "FIQ at EL2",
	"SError at EL2",
	"synchronous (host)", "IRQ from host", "FIQ from host",
	"SError from host",
	"synchronous (AArch32)", "IRQ (AArch32)", "FIQ (AArch32)",
	"SError (AArch32)",
};

static bool in_guard_page(u64 va)
{
	u64 off;

	if (va < HYP_RAM_BASE || va >= HYP_RAM_BASE + HYP_PGT_OFF)
		return false;
	off = (va - HYP_RAM_BASE) % HYP_CPU_SLOT;
	return off < HYP_EMERG_OFF ||
	       (off >= HYP_EMERG_OFF + SZ_4K && off < HYP_STACK_OFF);
}

/**
 * hyp_bad_exception() - an exception no code expects: report and stop.
 * @regs: registers at the exception (saved on the emergency stack)
 * @vector: index of the vector taken, 0..15
 */
void hyp_bad_exception(struct hyp_regs *regs, u64 vector)
{
	u64 far = read_sysreg(far_el2);
	char reason[96];

	if (vector == 4 && in_guard_page(far))
		hyp_snprintf(reason, sizeof(reason),
			     "EL2 stack overflow (access to %lx)", far);
	else
		hyp_snprintf(reason, sizeof(reason), "unexpected %s",
			     vector_names[vector & 15]);
	hyp_panic_regs(reason, regs, this_cpu()->fault_sp);
}

/*
 * The IPA of a stage-2 abort. HPFAR_EL2 is valid for translation and
 * access-flag faults and for faults on a stage-1 walk; for a permission
 * fault the architecture lets it be UNKNOWN, so translate FAR_EL2 with the
 * host's own stage 1 instead (as KVM's __translate_far_to_hpfar does).
 * PAR_EL1 is the host's register: preserve it.
 */
static bool fault_ipa(u64 esr, u64 far, u64 *ipa)
{
	u64 par, saved;

	if ((esr & ESR_S1PTW) || ESR_FSC_TYPE(esr) != ESR_FSC_PERM) {
		*ipa = (read_sysreg(hpfar_el2) & HPFAR_FIPA_MASK) <<
		       HPFAR_FIPA_SHIFT;
		*ipa |= far & (SZ_4K - 1);
		return true;
	}
	saved = read_sysreg(par_el1);
	asm volatile("at s1e1r, %0" : : "r" (far));
	isb();
	par = read_sysreg(par_el1);
	write_sysreg(saved, par_el1);
	if (par & PAR_F)
		return false;	/* host changed its tables: just retry */
	*ipa = (par & PAR_PA_MASK) | (far & (SZ_4K - 1));
	return true;
}

/*
 * Make the host take an abort for the access that faulted, like KVM's
 * inject_abt64(). What it sees depends on where it was, so that Debian's
 * 6.1 kernel reacts sanely (its do_sea() never runs exception fixups):
 *  - EL0, or EL1 at a TTBR0 (user) address, or a fault on a stage-1 walk:
 *    a synchronous external abort. EL0 gets SIGBUS; the kernel oopses
 *    rather than retrying forever.
 *  - EL1 at a TTBR1 (kernel) address: a level-3 permission fault, which
 *    goes through do_page_fault() -> __do_kernel_fault() ->
 *    fixup_exception(), so copy_from_kernel_nofault() and friends fail
 *    cleanly with -EFAULT, and anything else oopses with "Unable to handle
 *    kernel paging request". A translation fault would not do: Linux would
 *    find the stage-1 entry valid, call it spurious and retry forever.
 */
static void inject_host_abort(u64 esr, u64 far)
{
	u64 pc = read_sysreg(elr_el2), pstate = read_sysreg(spsr_el2);
	bool iabt = ESR_EC(esr) == ESR_EC_IABT_LOW;
	bool from_el0 = (pstate & PSR_MODE_MASK) == PSR_MODE_EL0t;
	u64 ec, fsc, esr1;

	if (from_el0)
		ec = iabt ? ESR_EC_IABT_LOW : ESR_EC_DABT_LOW;
	else
		ec = iabt ? ESR_EC_IABT_CUR : ESR_EC_DABT_CUR;
	if (!from_el0 && ((far >> 55) & 1) && !(esr & ESR_S1PTW))
		fsc = ESR_FSC_PERM_L3;
	else
		fsc = ESR_FSC_EXTABT;
	esr1 = ec << ESR_EC_SHIFT | (esr & ESR_IL) | fsc;
	if (!iabt)
		esr1 |= esr & ESR_WNR;
	hyp_inject_el1_sync(&pc, &pstate, esr1, far);
	write_sysreg(pc, elr_el2);
	write_sysreg(pstate, spsr_el2);
}

/*
 * What the access that faulted was, for the core: an instruction fetch, a
 * write or a read; a permission fault (the entry was valid) or not. A walk
 * of the host's stage 1 is a read (a write if the walker was updating a
 * descriptor's flags), whatever the access it was for; cache maintenance
 * reports WnR but writes nothing.
 */
static unsigned int fault_access(u64 esr)
{
	unsigned int access = 0;

	if (ESR_FSC_TYPE(esr) == ESR_FSC_PERM)
		access |= S2O_FAULT_PERM;
	if (ESR_EC(esr) == ESR_EC_IABT_LOW && !(esr & ESR_S1PTW))
		return access | S2O_FAULT_EXEC;
	if ((esr & ESR_WNR) && !(esr & ESR_CM))
		access |= S2O_FAULT_WRITE;
	return access;
}

static void handle_host_abort(u64 esr)
{
	u64 far = read_sysreg(far_el2);
	u64 ipa;
	int ret;

	switch (ESR_FSC_TYPE(esr)) {
	case ESR_FSC_TRANS:
	case ESR_FSC_ACCESS:
	case ESR_FSC_PERM:
		break;
	default:
		/* Address size or external aborts: the host's doing. */
		inject_host_abort(esr, far);
		return;
	}
	if (!fault_ipa(esr, far, &ipa))
		return;
	hyp_core_enter();
	ret = s2o_host_handle_fault(ipa, fault_access(esr));
	hyp_core_exit();
	/*
	 * -ENOMEM: no table page even after freeing idle ones (the host
	 * filled the pool with its VMs' tables); it retries the access, and
	 * its next VM teardown makes room. -EPERM: not the host's page, or an
	 * access its mapping forbids (an instruction fetch from MMIO, mapped
	 * execute-never), which would fault again forever if the host
	 * retried it: the host gets the abort (an instruction abort for a
	 * fetch). -EINVAL: an IPA beyond the stage-2's 48 bits, which a host
	 * with 52-bit stage-1 output can produce; like -EPERM, the host's own
	 * doing. Never a reason to stop EL2.
	 */
	switch (ret) {
	case 0:
	case -S2OWN_EAGAIN:
	case -S2OWN_ENOMEM:
		return;
	case -S2OWN_EPERM:
	case -S2OWN_EINVAL:
		inject_host_abort(esr, far);
		return;
	}
	hyp_panic("host stage-2 fault at IPA %lx (ESR %lx): error %d", ipa,
		  esr, ret);
}

/**
 * hyp_host_sync() - a synchronous exception from the host other than an
 * HVC (vectors.S takes those to hyp_hvc_handle() directly).
 * @regs: the host's general-purpose registers, written back on return
 */
void hyp_host_sync(struct hyp_regs *regs)
{
	u64 esr = read_sysreg(esr_el2);

	switch (ESR_EC(esr)) {
	case ESR_EC_SMC64:
		/* A trapped SMC reports the SMC itself: step over it. */
		write_sysreg(read_sysreg(elr_el2) + 4, elr_el2);
		hyp_psci_handle(regs);
		break;
	case ESR_EC_IABT_LOW:
	case ESR_EC_DABT_LOW:
		handle_host_abort(esr);
		break;
	default:
		hyp_panic_regs("unexpected trap from host", regs, 0);
	}
}
