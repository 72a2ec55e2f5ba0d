// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's own exceptions.
 */
#include "guest.h"

/* The vector of a synchronous exception from EL1 on SP_EL1. */
#define VECTOR_SYNC_EL1H	4
#define TRAP_LOG		64

/* What the vectors saw while vCPU 0 ran armed probes. */
static struct {
	bool armed;
	bool reporting;
	unsigned int nr;
	u64 elr[TRAP_LOG];
	u64 esr[TRAP_LOG];
} trap;

/**
 * guest_exception() - every exception the guest takes (start.S).
 * @vector: the vector's index, 0..15
 *
 * While probes are armed, a synchronous exception is logged and the
 * instruction skipped. Anything else is reported as a failure and the VM
 * powered off.
 */
void guest_exception(u64 vector)
{
	u64 esr = read_sysreg(esr_el1), elr = read_sysreg(elr_el1);

	if (trap.armed && vector == VECTOR_SYNC_EL1H && trap.nr < TRAP_LOG) {
		trap.elr[trap.nr] = elr;
		trap.esr[trap.nr++] = esr;
		write_sysreg(elr + 4, elr_el1);
		return;
	}
	/* A fault while reporting one: the console is no use then. */
	if (!trap.reporting) {
		trap.reporting = true;
		guest_printf("vCPU %u: exception: vector %lu ESR 0x%lx ELR 0x%lx FAR 0x%lx\n",
			     this_vcpu(), vector, esr, elr,
			     read_sysreg(far_el1));
	}
	guest_result(S2OWN_GUEST_FAIL_EXCEPTION, elr, esr);
	psci_system_off();
}
