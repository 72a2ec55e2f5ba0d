// SPDX-License-Identifier: GPL-2.0-only
/*
 * PSCI relay (after pKVM's psci-relay.c).
 *
 * HCR_EL2.TSC traps every SMC the host makes. PSCI calls that would start a
 * CPU somewhere (CPU_ON, and the power-down forms of CPU_SUSPEND and
 * SYSTEM_SUSPEND) are re-issued with the hypervisor's own entry points,
 * hyp_cpu_entry and hyp_cpu_resume_entry, and the logical CPU id as
 * context: firmware starts the CPU at EL2, it redoes its EL2 setup (stack,
 * MMU, vectors, stage 2) and only then enters the host at the address the
 * host asked for, with the host's context id in x0. The per-CPU state of
 * that is psci_relay.c's, which the host explorer checks too. Calls that
 * cannot take a CPU out of our hands are forwarded unchanged; everything
 * else gets NOT_SUPPORTED.
 */
#include "hyp.h"
#include "sysreg.h"

#define PSCI_FN(n)		(0x84000000U | (n))
#define PSCI_FN64(n)		(0xc4000000U | (n))
#define PSCI_VERSION		0x00
#define PSCI_CPU_SUSPEND	0x01
#define PSCI_CPU_OFF		0x02
#define PSCI_CPU_ON		0x03
#define PSCI_AFFINITY_INFO	0x04
#define PSCI_MIGRATE		0x05
#define PSCI_MIGRATE_INFO_TYPE	0x06
#define PSCI_MIGRATE_INFO_UP_CPU 0x07
#define PSCI_SYSTEM_OFF		0x08
#define PSCI_SYSTEM_RESET	0x09
#define PSCI_FEATURES		0x0a
#define PSCI_CPU_FREEZE		0x0b
#define PSCI_CPU_DEFAULT_SUSPEND 0x0c
#define PSCI_NODE_HW_STATE	0x0d
#define PSCI_SYSTEM_SUSPEND	0x0e
#define PSCI_SET_SUSPEND_MODE	0x0f
#define PSCI_STAT_RESIDENCY	0x10
#define PSCI_STAT_COUNT		0x11
#define PSCI_SYSTEM_RESET2	0x12

#define SMCCC_RET_NOT_SUPPORTED	(-1)

#define MPIDR_HWID_MASK		0xff00ffffffUL

/* CPU_SUSPEND power_state: which bit says "power down" (PSCI 1.0 5.4). */
#define PSCI_PSTATE_TYPE_ORIG	(1U << 16)
#define PSCI_PSTATE_TYPE_EXT	(1U << 30)
#define PSCI_FEAT_PSTATE_EXT	(1U << 1)

static u32 pstate_powerdown_bit = PSCI_PSTATE_TYPE_ORIG;

static s64 psci_call(u64 fn, u64 a1, u64 a2, u64 a3)
{
	struct smccc_res res;

	hyp_smc(fn, a1, a2, a3, &res);
	return (s64)res.a0;
}

/**
 * hyp_psci_init() - learn the firmware's PSCI version and power_state
 * format, once on the boot CPU.
 */
void hyp_psci_init(void)
{
	s64 ver = psci_call(PSCI_FN(PSCI_VERSION), 0, 0, 0);
	s64 feat;

	feat = psci_call(PSCI_FN(PSCI_FEATURES), PSCI_FN64(PSCI_CPU_SUSPEND),
			 0, 0);
	if (feat >= 0 && (feat & PSCI_FEAT_PSTATE_EXT))
		pstate_powerdown_bit = PSCI_PSTATE_TYPE_EXT;
	hyp_info("PSCI %lu.%lu, %s power_state format\n",
		 (u64)(ver >> 16) & 0xffff, (u64)ver & 0xffff,
		 pstate_powerdown_bit == PSCI_PSTATE_TYPE_EXT ?
		 "extended" : "original");
}

static struct hyp_cpu *cpu_by_mpidr(u64 mpidr)
{
	mpidr &= MPIDR_HWID_MASK;
	for (unsigned int i = 0; i < hyp_nr_cpus; i++)
		if (hyp_cpus[i].present && hyp_cpus[i].mpidr == mpidr)
			return &hyp_cpus[i];
	return NULL;
}

static void clean_poc(const void *p, u64 size)
{
	hyp_clean_dcache_poc((u64)p, size);
}

static const struct psci_relay_ops relay_ops = {
	.call = psci_call,
	.clean = clean_poc,
	.entry = {
		[PSCI_ENTRY_CPU_ON] = (u64)hyp_cpu_entry,
		[PSCI_ENTRY_RESUME] = (u64)hyp_cpu_resume_entry,
	},
};

static s64 relay_cpu_on(u32 fn, u64 mpidr, u64 entry, u64 ctx)
{
	struct hyp_cpu *c = cpu_by_mpidr(mpidr);

	if (!c)
		return PSCI_RET_INVALID_PARAMS;
	return psci_relay_cpu_on(&relay_ops, &c->psci, c->id, fn, mpidr,
				 entry, ctx);
}

/* Power down this CPU, to come back through hyp_cpu_resume_entry. */
static s64 relay_powerdown(u32 fn, u64 a1, bool a1_is_state, u64 entry,
			   u64 ctx)
{
	struct hyp_cpu *c = this_cpu();

	return psci_relay_powerdown(&relay_ops, &c->psci, c->id, fn, a1,
				    a1_is_state, entry, ctx);
}

static void forward(struct hyp_regs *regs)
{
	struct smccc_res res;

	hyp_smc(regs->x[0], regs->x[1], regs->x[2], regs->x[3], &res);
	regs->x[0] = res.a0;
	regs->x[1] = res.a1;
	regs->x[2] = res.a2;
	regs->x[3] = res.a3;
}

/**
 * hyp_psci_handle() - the host executed SMC; ELR_EL2 already points past it.
 * @regs: the host's registers, x0 = SMCCC function id
 */
void hyp_psci_handle(struct hyp_regs *regs)
{
	u32 fn = (u32)regs->x[0];
	bool is64 = fn & (1U << 30);
	u64 a1 = regs->x[1], a2 = regs->x[2], a3 = regs->x[3];
	s64 ret;

	/* PSCI is SMCCC owner 4 (standard secure), functions 0x00-0x1f. */
	if ((fn & ~((1U << 30) | 0x1fU)) != 0x84000000U) {
		regs->x[0] = (u64)SMCCC_RET_NOT_SUPPORTED;
		return;
	}
	if (!is64) {
		a1 = (u32)a1;
		a2 = (u32)a2;
		a3 = (u32)a3;
	}
	switch (fn & 0x1f) {
	case PSCI_CPU_ON:
		ret = relay_cpu_on(fn, a1, a2, a3);
		break;
	case PSCI_CPU_SUSPEND:
		if (!((u32)a1 & pstate_powerdown_bit)) {
			/* Standby: returns in place, no entry point used. */
			ret = psci_call(fn, a1, 0, 0);
			break;
		}
		ret = relay_powerdown(fn, a1, true, a2, a3);
		break;
	case PSCI_SYSTEM_SUSPEND:
		ret = relay_powerdown(fn, 0, false, a1, a2);
		break;
	case PSCI_CPU_OFF:
		this_cpu()->online = 0;
		forward(regs);
		this_cpu()->online = 1;	/* CPU_OFF came back: denied */
		return;
	case PSCI_FEATURES:
		if ((a1 & ~((1U << 30) | 0x1fU)) == 0x84000000U &&
		    ((a1 & 0x1f) == PSCI_CPU_DEFAULT_SUSPEND ||
		     (a1 & 0x1f) > PSCI_SYSTEM_RESET2)) {
			ret = PSCI_RET_NOT_SUPPORTED;
			break;
		}
		forward(regs);
		return;
	case PSCI_VERSION:
	case PSCI_AFFINITY_INFO:
	case PSCI_MIGRATE:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_MIGRATE_INFO_UP_CPU:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_SYSTEM_RESET2:
	case PSCI_CPU_FREEZE:
	case PSCI_NODE_HW_STATE:
	case PSCI_SET_SUSPEND_MODE:
	case PSCI_STAT_RESIDENCY:
	case PSCI_STAT_COUNT:
		forward(regs);
		return;
	default:
		/* CPU_DEFAULT_SUSPEND, MEM_PROTECT...: not relayed. */
		ret = PSCI_RET_NOT_SUPPORTED;
		break;
	}
	regs->x[0] = (u64)ret;
}

/**
 * hyp_psci_system_off() - power the machine off (the end of every panic).
 */
void hyp_psci_system_off(void)
{
	psci_call(PSCI_FN(PSCI_SYSTEM_OFF), 0, 0, 0);
	hyp_halt();
}
