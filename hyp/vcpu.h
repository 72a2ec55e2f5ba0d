/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Protected vCPUs at EL2: the state a vCPU keeps in the page the host gave
 * for it, the per-CPU save area of the host while a guest runs, and the
 * functions the world switch is made of. docs/guests.md has the model.
 *
 * Included by C and assembly (switch.S uses the offsets).
 */
#ifndef S2OWN_HYP_VCPU_H
#define S2OWN_HYP_VCPU_H

/* struct hyp_vcpu: its GPRs first, in struct hyp_regs layout. */
#define VCPU_GPRS		0
/* struct hyp_host_ctx: the callee-saved registers __guest_enter keeps. */
#define HOST_CALLEE		0

/* Largest SVE vector: 2048 bits. */
#define SVE_VL_MAX_BYTES	256

/* What __guest_enter returns: how the guest left (switch.S, vectors.S). */
#define GUEST_EXIT_SYNC		0
#define GUEST_EXIT_IRQ		1
#define GUEST_EXIT_FIQ		2
#define GUEST_EXIT_SERROR	3

#ifndef __ASSEMBLER__

#include "hyp.h"
#include "../ownership/s2own.h"

/* EL1 and EL0 registers a guest and the host each have their own of. */
struct hyp_el1_regs {
	u64 sctlr, cpacr, ttbr0, ttbr1, tcr, esr, afsr0, afsr1, far, mair;
	u64 vbar, contextidr, amair, cntkctl, par, tpidr_el1, sp_el1, elr;
	u64 spsr, mdscr, tpidr_el0, tpidrro_el0, sp_el0, csselr;
	u64 cntv_ctl, cntv_cval;
	u64 tpidr2;		/* with SME only */
};

/* FP/AdvSIMD registers: what a guest gets. */
struct hyp_fpsimd {
	__uint128_t v[32];
	u64 fpsr, fpcr;
};

/* Pointer authentication keys, lo/hi each: IA, IB, DA, DB, GA. */
struct hyp_ptrauth {
	u64 key[10];
};

/* vCPU power state, for PSCI: CPU_ON moves OFF -> CLAIMED -> PENDING. */
enum hyp_vcpu_power {
	VCPU_POWER_OFF,
	VCPU_POWER_CLAIMED,	/* a CPU_ON is writing the entry point */
	VCPU_POWER_PENDING,	/* on at entry/ctx when it next loads */
	VCPU_POWER_ON,
};

/* What the next VCPU_RUN's answer (x3..x6) goes to. */
enum hyp_vcpu_answer {
	VCPU_ANSWER_NONE,
	VCPU_ANSWER_HVC,	/* guest x0..x3 */
	VCPU_ANSWER_MMIO_READ,	/* the register of a decoded load */
};

/* struct hyp_vcpu flags */
#define VCPU_FP_LOADED		(1U << 0)	/* guest FP in the registers */
#define VCPU_PTRAUTH_LOADED	(1U << 1)	/* guest keys in the registers */
#define VCPU_BOOTED		(1U << 2)	/* vCPU 0 took the VM's entry */

/*
 * A vCPU's state, in the page the host gave up for it (ownership core:
 * S2O_PS_VM_STATE). The core hands it over zeroed: power OFF, not yet
 * reset. Only the CPU that has the vCPU loaded touches it, but for the
 * power word and the CPU_ON entry, which its VM's other vCPUs write.
 */
struct hyp_vcpu {
	struct hyp_regs regs;		/* VCPU_GPRS: x0..x30 */
	u64 pc;				/* ELR_EL2 at the exit */
	u64 pstate;			/* SPSR_EL2 at the exit */
	struct hyp_el1_regs el1;
	struct hyp_fpsimd fp;
	struct hyp_ptrauth keys;
	u32 power;			/* enum hyp_vcpu_power */
	u32 flags;
	u64 on_entry, on_ctx;		/* CPU_ON's, valid once PENDING */
	u32 answer;			/* enum hyp_vcpu_answer */
	u32 mmio_srt, mmio_bytes, mmio_sign, mmio_sf;
	/* This run: */
	u16 vm;
	u16 idx;
	u64 hcr, cptr;			/* the guest's traps */
};

_Static_assert(sizeof(struct hyp_vcpu) <= 4096, "a vCPU fits its page");

/* Per CPU: the host, while one of its CPUs runs a guest. */
struct hyp_host_ctx {
	u64 callee[14];			/* HOST_CALLEE: x18..x30, sp */
	u64 elr, spsr;			/* the host's HVC return */
	u64 hcr, vttbr, cptr, mdcr, cnthctl, vmpidr, ich_hcr;
	struct hyp_el1_regs el1;
	struct hyp_ptrauth keys;
	u64 fpsr, fpcr;
	/* Z0..Z31 at the largest vector length, or V0..V31 without SVE. */
	u8 fp[32 * SVE_VL_MAX_BYTES] __attribute__((aligned(16)));
};

/* The guest's memory, entry and stop record, per VM (vcpu.c). */
struct hyp_vm {
	u64 ram_gfn, ram_nr;		/* ram_nr 0: all of the IPA space */
	u64 entry, boot_arg;
	u64 stop[3];			/* the exit a stopped VM reports */
	s8 last_vcpu[HYP_MAX_CPUS];	/* vCPU that ran last on each CPU */
};

/* switch.S: run the guest until it takes an exception to EL2. */
u64 __guest_enter(struct hyp_vcpu *vcpu, struct hyp_host_ctx *host);

/* fpsimd.S */
void hyp_fpsimd_save(struct hyp_fpsimd *st);
void hyp_fpsimd_load(const struct hyp_fpsimd *st);
void hyp_sve_save_z(u8 *z);
void hyp_sve_load_z(const u8 *z);

/* vcpu.c: the hypercalls, and the traps that switch state lazily */
void hyp_vm_create(u64 *x);
void hyp_vcpu_create(u64 *x);
void hyp_vcpu_run(u64 *x);
void hyp_vcpus_init(void);
void hyp_vcpu_fp_trap(struct hyp_vcpu *vcpu);
bool hyp_vcpu_ptrauth_trap(struct hyp_vcpu *vcpu);

void hyp_vcpu_reset(struct hyp_vcpu *vcpu, u64 entry, u64 x0);
/* A VM's hypervisor data, in its page: the caller keeps the VM alive. */
static inline struct hyp_vm *hyp_vm(int handle)
{
	return s2o_vm_private(handle);
}

/*
 * guest_exit.c: serve an exit at EL2 and return true to go back into the
 * guest, or fill @out (exit reason, then x3..x8) and return false.
 */
bool hyp_guest_handle_exit(struct hyp_vcpu *vcpu, u64 kind, u64 *out);
/* Stop the VM for good; @out gets the exit every later run reports. */
void hyp_guest_stop(struct hyp_vcpu *vcpu, u64 *out, u64 reason, u64 a,
		    u64 b);

/* guest_smccc.c: a guest's HVC or SMC; as hyp_guest_handle_exit(). */
bool hyp_guest_smccc(struct hyp_vcpu *vcpu, bool smc, u64 *out);

#endif /* __ASSEMBLER__ */

#endif /* S2OWN_HYP_VCPU_H */
