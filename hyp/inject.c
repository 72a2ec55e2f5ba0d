// SPDX-License-Identifier: GPL-2.0-only
/*
 * Making EL1 take a synchronous exception, as if the hardware had routed
 * it there: the host (an abort for an access the stage 2 refused) or a
 * guest (an undefined instruction, an external abort). The EL1 system
 * registers must be the target's own, live in the CPU.
 */
#include "hyp.h"
#include "inject.h"
#include "sysreg.h"

/**
 * hyp_inject_el1_sync() - enter EL1's vector for a synchronous exception.
 * @pc: the interrupted PC (ELR_EL2); set to the vector entry.
 * @pstate: the interrupted PSTATE (SPSR_EL2); set to EL1h's on entry.
 * @esr: ESR_EL1 to report.
 * @far: FAR_EL1 to report (ignored by EL1 for syndromes without one).
 *
 * What taking the exception to EL1 does (Arm ARM, "PSTATE" and "Exception
 * entry"), like KVM's enter_exception64(): ELR_EL1 and SPSR_EL1 keep where
 * it was, the vector is chosen by where it was, PSTATE becomes EL1h with
 * DAIF masked, PAN set if SCTLR_EL1.SPAN is clear, SSBS from SCTLR_EL1.
 */
void hyp_inject_el1_sync(u64 *pc, u64 *pstate, u64 esr, u64 far)
{
	u64 mode = *pstate & PSR_MODE_MASK, sctlr = read_sysreg(sctlr_el1);
	u64 off, new;

	if (*pstate & PSR_MODE32_BIT)
		off = 0x600;	/* lower EL, AArch32 */
	else if (mode == PSR_MODE_EL0t)
		off = 0x400;	/* lower EL, AArch64 */
	else if (mode == PSR_MODE_EL1t)
		off = 0x000;	/* current EL with SP_EL0 */
	else
		off = 0x200;	/* current EL with SP_EL1 */

	new = PSR_MODE_EL1h | PSR_DAIF_MASK |
	      (*pstate & (PSR_NZCV_MASK | PSR_DIT_BIT | PSR_PAN_BIT));
	if (!(sctlr & SCTLR_EL1_SPAN))
		new |= PSR_PAN_BIT;
	if (sctlr & SCTLR_EL1_DSSBS)
		new |= PSR_SSBS_BIT;

	write_sysreg(esr, esr_el1);
	write_sysreg(far, far_el1);
	write_sysreg(*pc, elr_el1);
	write_sysreg(*pstate, spsr_el1);
	*pc = read_sysreg(vbar_el1) + off;
	*pstate = new;
}

/**
 * hyp_inject_undef() - an undefined instruction at *@pc.
 * @pc: as hyp_inject_el1_sync().
 * @pstate: as hyp_inject_el1_sync().
 */
void hyp_inject_undef(u64 *pc, u64 *pstate)
{
	hyp_inject_el1_sync(pc, pstate,
			    ESR_EC_UNKNOWN << ESR_EC_SHIFT | ESR_IL, 0);
}
