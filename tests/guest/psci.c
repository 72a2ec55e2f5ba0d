// SPDX-License-Identifier: GPL-2.0-only
/*
 * SMCCC calls and the PSCI the hypervisor implements for its guests:
 * CPU_ON, CPU_OFF, AFFINITY_INFO and SYSTEM_OFF never leave EL2, except
 * that CPU_OFF and SYSTEM_OFF end in an exit the host sees.
 */
#include "guest.h"

/**
 * smccc_call() - one SMCCC call with up to three arguments.
 * @conduit: HVC #0, SMC #0, or an odd immediate (enum smccc_conduit)
 * @fn: function id (x0)
 * @a1: x1
 * @a2: x2
 * @a3: x3
 *
 * Return: x0 as the call left it.
 */
s64 smccc_call(enum smccc_conduit conduit, u64 fn, u64 a1, u64 a2, u64 a3)
{
	static void (*const call[])(struct smccc *) = {
		[CONDUIT_HVC] = guest_hvc,
		[CONDUIT_SMC] = guest_smc,
		[CONDUIT_HVC1] = guest_hvc1,
		[CONDUIT_SMC1] = guest_smc1,
	};
	struct smccc r = { { fn, a1, a2, a3 } };

	call[conduit](&r);
	return (s64)r.x[0];
}

/**
 * this_vcpu() - the vCPU's index.
 *
 * Return: MPIDR_EL1.Aff0, which the hypervisor sets to the index.
 */
unsigned int this_vcpu(void)
{
	return read_sysreg(mpidr_el1) & 0xff;
}

/**
 * psci_cpu_on() - start another vCPU at guest_secondary_entry.
 * @vcpu: its index (MPIDR Aff0)
 * @ctx: its x0
 *
 * Return: the PSCI result: 0, or -2 no such vCPU, -4 already on, ...
 */
s64 psci_cpu_on(unsigned int vcpu, u64 ctx)
{
	return smccc_call(CONDUIT_HVC, PSCI_CPU_ON, vcpu,
			  (u64)guest_secondary_entry, ctx);
}

/**
 * psci_affinity_info() - is a vCPU on?
 * @vcpu: its index
 *
 * Return: 0 on, 1 off (AFFINITY_OFF), 2 on pending, or -2.
 */
s64 psci_affinity_info(unsigned int vcpu)
{
	return smccc_call(CONDUIT_HVC, PSCI_AFFINITY_INFO, vcpu, 0, 0);
}

static void __noreturn power_call(u64 fn, const char *what)
{
	s64 ret = smccc_call(CONDUIT_HVC, fn, 0, 0, 0);

	guest_printf("vCPU %u: %s returned %ld\n", this_vcpu(), what, ret);
	for (;;)
		asm volatile("wfi");
}

/**
 * psci_cpu_off() - power this vCPU off; the host sees VCPU_OFF.
 */
void psci_cpu_off(void)
{
	power_call(PSCI_CPU_OFF, "CPU_OFF");
}

/**
 * psci_system_off() - stop the VM; the host sees SYSTEM_EVENT (off).
 */
void psci_system_off(void)
{
	power_call(PSCI_SYSTEM_OFF, "SYSTEM_OFF");
}
