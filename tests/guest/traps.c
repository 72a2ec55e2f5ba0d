// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's own exceptions, and the two modes that provoke them or
 * call what a guest should not:
 *
 * - S2OWN_GUEST_MODE_HVC: SMCCC and PSCI calls with odd ids and odd
 *   arguments, each with the answer the ABI promises.
 * - S2OWN_GUEST_MODE_SYSREG: system registers and instructions a
 *   protected guest must not reach; each must be UNDEFINED in the guest
 *   (ESR_EL1.EC = 0), which the vectors count and skip.
 */
#include "guest.h"

/* The vector of a synchronous exception from EL1 on SP_EL1. */
#define VECTOR_SYNC_EL1H	4
#define TRAP_LOG		64

/* What the vectors saw while vCPU 0 ran armed probes. */
static struct {
	bool armed;
	unsigned int reporting;	/* exceptions being reported */
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
	/* A fault while reporting one: drop the console, then RESULT. */
	switch (__atomic_fetch_add(&trap.reporting, 1, __ATOMIC_RELAXED)) {
	case 0:
		guest_printf("vCPU %u: exception: vector %lu ESR 0x%lx ELR 0x%lx FAR 0x%lx\n",
			     this_vcpu(), vector, esr, elr,
			     read_sysreg(far_el1));
		fallthrough;
	case 1:
		guest_result(S2OWN_GUEST_FAIL_EXCEPTION, elr, esr);
		psci_system_off();
	default:
		for (;;)
			asm volatile("wfi");
	}
}

static void trap_arm(void)
{
	trap.nr = 0;
	trap.armed = true;
}

static void trap_disarm(void)
{
	trap.armed = false;
}

/* Return: whether the instruction at @elr trapped, its ESR in @esr. */
static bool trap_find(u64 elr, u64 *esr)
{
	unsigned int i;

	for (i = 0; i < trap.nr; i++) {
		if (trap.elr[i] == elr) {
			*esr = trap.esr[i];
			return true;
		}
	}
	return false;
}

/**
 * probes_report() - a probe mode's summary line and RESULT.
 * @mode: the mode's name
 * @nr: probes run: RESULT's x2
 * @failed: the mask of those that failed: RESULT's x3 (FAIL_PROBE)
 */
void probes_report(const char *mode, unsigned int nr, u64 failed)
{
	unsigned int bad = 0;
	u64 m;

	for (m = failed; m; m &= m - 1)
		bad++;
	guest_printf("%s: %u probes, %u as expected\n", mode, nr, nr - bad);
	if (failed)
		guest_fail(S2OWN_GUEST_FAIL_PROBE, failed);
	guest_report(nr, 0);
}

struct call_probe {
	const char *what;
	enum smccc_conduit conduit;
	u64 fn, a1, a2;
	s64 expect;
};

#define ENTRY		((u64)guest_secondary_entry)
#define HC_UNKNOWN	0xffffffffU

/* Most probes are HVC #0 calls; SMC #0 ones take no arguments. */
#define HVC(what, fn, a1, a2, expect)					\
	{ what, CONDUIT_HVC, fn, a1, a2, expect }
#define SMC(what, fn, expect)	{ what, CONDUIT_SMC, fn, 0, 0, expect }

static const struct call_probe call_probes[] = {
	/* Answered at EL2. */
	HVC("SMCCC_VERSION", SMCCC_VERSION, 0, 0, 0x10001),
	HVC("ARCH_FEATURES(VERSION)", SMCCC_ARCH_FEATURES, SMCCC_VERSION, 0,
	    0),
	HVC("ARCH_FEATURES(WORKAROUND_1)", SMCCC_ARCH_FEATURES,
	    SMCCC_ARCH_WORKAROUND_1, 0, -1),
	HVC("PSCI_VERSION", PSCI_VERSION, 0, 0, 0x10001),
	HVC("PSCI_FEATURES(CPU_ON)", PSCI_FEATURES, PSCI_CPU_ON, 0, 0),
	HVC("PSCI_FEATURES(CPU_SUSPEND)", PSCI_FEATURES, PSCI_CPU_SUSPEND, 0,
	    -1),
	HVC("MIGRATE_INFO_TYPE", PSCI_MIGRATE_INFO_TYPE, 0, 0, 2),
	HVC("CPU_ON(self)", PSCI_CPU_ON, 0, ENTRY, PSCI_RET_ALREADY_ON),
	HVC("CPU_ON(vCPU 8)", PSCI_CPU_ON, S2OWN_MAX_VCPUS, ENTRY,
	    PSCI_RET_INVALID),
	HVC("CPU_ON(Aff1 1)", PSCI_CPU_ON, 0x100, ENTRY, PSCI_RET_INVALID),
	HVC("AFFINITY_INFO(self)", PSCI_AFFINITY_INFO, 0, 0, 0),
	HVC("AFFINITY_INFO(level 1)", PSCI_AFFINITY_INFO, 0, 1,
	    PSCI_RET_INVALID),
	HVC("AFFINITY_INFO(vCPU 99)", PSCI_AFFINITY_INFO, 99, 0,
	    PSCI_RET_INVALID),
	/* KVM's vendor service, as pKVM's guests find it. */
	HVC("CALL_UID: KVM's", S2OWN_HC_CALL_UID, 0, 0, S2OWN_KVM_UID_W0),
	HVC("KVM FEATURES", S2OWN_KVM_FEATURES, 0, 0, KVM_FEATURES_WANT),
	HVC("HYP_MEMINFO", S2OWN_KVM_HYP_MEMINFO, 0, 0, GUEST_PAGE_SIZE),
	HVC("HYP_MEMINFO(x1 1)", S2OWN_KVM_HYP_MEMINFO, 1, 0, SMCCC_INVALID),
	HVC("MEM_SHARE outside RAM", S2OWN_KVM_MEM_SHARE,
	    S2OWN_GUEST_RAM_BASE >> 12, 1, SMCCC_INVALID),
	HVC("MEM_UNSHARE unaligned", S2OWN_KVM_MEM_UNSHARE,
	    S2OWN_GUEST_RAM_BASE + 8, 1, SMCCC_INVALID),
	HVC("MEM_RELINQUISH outside RAM", S2OWN_KVM_MEM_RELINQUISH, 0, 1, 0),
	/* Not the hypervisor's, nor the VMM's: -1 at EL2. */
	HVC("CPU_SUSPEND", PSCI_CPU_SUSPEND, 0, 0, -1),
	HVC("id 0", 0, 0, 0, -1),
	HVC("id 0xffffffff", HC_UNKNOWN, 0, 0, -1),
	HVC("host VM_CREATE", S2OWN_HC_VM_CREATE, 0, 0, -1),
	HVC("host GUEST_RELINQUISH (retired)", S2OWN_HC64(0x08), 1,
	    S2OWN_GUEST_RAM_BASE >> 12, -1),
	HVC("host VCPU_RUN", S2OWN_HC_VCPU_RUN, 1, 0, -1),
	/* The VMM's range: an HVC exit it answers with -1. */
	HVC("VMM call 0xfff", S2OWN_VMM_CALL(0xfff), 0, 0, -1),
	/* SMC: SMCCC and PSCI as over HVC, -1 for the rest, no exit. */
	SMC("SMC SMCCC_VERSION", SMCCC_VERSION, 0x10001),
	SMC("SMC PSCI_VERSION", PSCI_VERSION, 0x10001),
	SMC("SMC VMM PUTS", S2OWN_VMM_PUTS, -1),
	SMC("SMC host VM_CREATE", S2OWN_HC_VM_CREATE, -1),
	SMC("SMC id 0xffffffff", HC_UNKNOWN, -1),
	/* Not SMCCC at all: -1, or UNDEFINED. */
	{ "HVC #1", CONDUIT_HVC1, HC_UNKNOWN, 0, 0, -1 },
	{ "SMC #1", CONDUIT_SMC1, HC_UNKNOWN, 0, 0, -1 },
};

/* The registers an exit must keep, for two calls: one exit, one not. */
static const struct {
	const char *what;
	u64 fn;
} keep_probes[] = {
	{ "x4..x30 across a VMM exit", S2OWN_VMM_PUTS },
	{ "x4..x30 across SMCCC_VERSION", SMCCC_VERSION },
};

/**
 * guest_mode_hvc() - S2OWN_GUEST_MODE_HVC.
 * @seed: unused
 */
void guest_mode_hvc(u64 seed __maybe_unused)
{
	unsigned int i, nr = ARRAY_SIZE(call_probes);
	u64 failed = 0;

	for (i = 0; i < nr; i++) {
		const struct call_probe *p = &call_probes[i];
		s64 ret;

		trap_arm();
		ret = smccc_call(p->conduit, p->fn, p->a1, p->a2, 0);
		trap_disarm();
		if (trap.nr) {
			/* Only the odd immediates may be UNDEFINED. */
			if (p->conduit < CONDUIT_HVC1 ||
			    ESR_EC(trap.esr[0]) != ESR_EC_UNKNOWN)
				failed |= 1UL << i;
			guest_printf("hvc: %s: exception, ESR 0x%lx\n",
				     p->what, trap.esr[0]);
		} else if (ret != p->expect) {
			failed |= 1UL << i;
			guest_printf("hvc: %s: %ld, not %ld\n", p->what, ret,
				     p->expect);
		}
	}
	for (i = 0; i < ARRAY_SIZE(keep_probes); i++, nr++) {
		u64 changed = guest_hvc_keeps(keep_probes[i].fn);

		if (changed) {
			failed |= 1UL << nr;
			guest_printf("hvc: %s: changed mask 0x%lx\n",
				     keep_probes[i].what, changed);
		}
	}
	probes_report("hvc", nr, failed);
	psci_system_off();
}

/*
 * One instruction each, in the order they run, and whether the hypervisor
 * must make it UNDEFINED (1) or let it run (0: debug registers read as
 * zero and ignore writes, docs/guests.md). Reads go to x0, writes take
 * xzr, except ICC_SGI1R_EL1's: x1 = IRM (every other CPU), SGI 0.
 */
#define SYSREG_PROBES(X)						\
	X("ICC_PMR_EL1 read",		"mrs	x0, s3_0_c4_c6_0", 1)	\
	X("ICC_IAR1_EL1 read",		"mrs	x0, s3_0_c12_c12_0", 1)	\
	X("ICC_SGI1R_EL1 write",	"msr	s3_0_c12_c11_5, x1", 1)	\
	X("PMCR_EL0 read",		"mrs	x0, s3_3_c9_c12_0", 1)	\
	X("PMCR_EL0 write",		"msr	s3_3_c9_c12_0, xzr", 1)	\
	X("PMCCNTR_EL0 read",		"mrs	x0, s3_3_c9_c13_0", 1)	\
	X("MDSCR_EL1 read",		"mrs	x0, s2_0_c0_c2_2", 0)	\
	X("DBGBVR0_EL1 write",		"msr	s2_0_c0_c0_4, xzr", 0)	\
	X("DBGBCR0_EL1 write",		"msr	s2_0_c0_c0_5, xzr", 0)	\
	X("OSLAR_EL1 write",		"msr	s2_0_c1_c0_4, xzr", 0)	\
	X("CNTP_CTL_EL0 read",		"mrs	x0, s3_3_c14_c2_1", 1)	\
	X("CNTP_CVAL_EL0 write",	"msr	s3_3_c14_c2_2, xzr", 1)	\
	X("CNTPCT_EL0 read",		"mrs	x0, s3_3_c14_c0_1", 1)	\
	X("ACTLR_EL1 read",		"mrs	x0, s3_0_c1_c0_1", 1)	\
	X("LORC_EL1 read",		"mrs	x0, s3_0_c10_c4_3", 1)	\
	X("ZCR_EL1 read",		"mrs	x0, s3_0_c1_c2_0", 1)	\
	X("SVE RDVL",			".inst	0x04bf5020", 1)		\
	X("SME RDSVL",			".inst	0x04bf5820", 1)		\
	X("impdef S3_0_C15_C0_0 read",	"mrs	x0, s3_0_c15_c0_0", 1)	\
	X("HCR_EL2 read",		"mrs	x0, s3_4_c1_c1_0", 1)

#define PROBE_NAME(name, insn, undef)	name,
#define PROBE_INSN(name, insn, undef)	insn "\n"
#define PROBE_UNDEF(name, insn, undef)	undef,

/**
 * guest_mode_sysreg() - S2OWN_GUEST_MODE_SYSREG.
 * @seed: unused
 *
 * SVE and SME are enabled at EL1 first (CPACR_EL1), so that only the
 * hypervisor can make RDVL and RDSVL UNDEFINED.
 */
void guest_mode_sysreg(u64 seed __maybe_unused)
{
	static const char *const names[] = { SYSREG_PROBES(PROBE_NAME) };
	static const bool undef[] = { SYSREG_PROBES(PROBE_UNDEF) };
	unsigned int i;
	u64 start, esr, failed = 0;

	write_sysreg(CPACR_EL1_FPEN | CPACR_EL1_ZEN | CPACR_EL1_SMEN,
		     cpacr_el1);
	isb();
	trap_arm();
	asm volatile("	mov	x1, #(1 << 40)\n"
		     "	adr	%0, 1f\n"
		     "1:\n"
		     SYSREG_PROBES(PROBE_INSN)
		     : "=&r" (start) : : "x0", "x1", "memory");
	trap_disarm();
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		bool trapped = trap_find(start + 4 * i, &esr);

		if (trapped != undef[i]) {
			failed |= 1UL << i;
			guest_printf("sysreg: %s: %s\n", names[i],
				     trapped ? "trapped" : "not trapped");
		} else if (trapped && ESR_EC(esr) != ESR_EC_UNKNOWN) {
			failed |= 1UL << i;
			guest_printf("sysreg: %s: ESR 0x%lx, not UNDEFINED\n",
				     names[i], esr);
		}
	}
	probes_report("sysreg", ARRAY_SIZE(names), failed);
	psci_system_off();
}
