// SPDX-License-Identifier: GPL-2.0-only
/*
 * Protected vCPUs: the hypercalls that create and run them, and the world
 * switch around a run (docs/guests.md, "The world switch").
 *
 * A run loads the vCPU (ownership core: it may not run elsewhere, its VM
 * may not be destroyed), saves what the host has in the EL1 registers and
 * the EL2 controls, puts the guest's in, and enters it. Exits the
 * hypervisor can serve (PSCI, SMCCC, FP and pointer-authentication traps,
 * system-register traps) go straight back into the guest; the others end
 * the run: the guest's state is saved into its page, the host's put back,
 * and the exit handed to the host in registers. FP/AdvSIMD and the
 * pointer-authentication keys are switched only if the guest uses them
 * during the run (their first use traps).
 */
#include "hyp.h"
#include "inject.h"
#include "sysreg.h"
#include "vcpu.h"
#include "../ownership/s2own.h"
#include "../ownership/trace.h"

_Static_assert(sizeof(struct hyp_vm) <= S2O_VM_PRIVATE_BYTES,
	       "struct hyp_vm does not fit in its half of the VM's page");
static struct hyp_host_ctx host_ctxs[HYP_MAX_CPUS];

/* What this CPU model offers, read once at boot. */
static struct {
	bool guests;		/* stage-2 forced write-back: guests can run */
	bool sve, sme, ptrauth, gic_sysregs;
} cpu_has;

/** hyp_vcpus_init() - learn what the CPUs offer guests (boot CPU). */
void hyp_vcpus_init(void)
{
	u64 pfr0 = read_sysreg(id_aa64pfr0_el1);
	u64 pfr1 = read_sysreg(id_aa64pfr1_el1);

	cpu_has.guests = ID_AA64MMFR2_FWB(read_sysreg(SYS_ID_AA64MMFR2_EL1));
	cpu_has.sve = ID_AA64PFR0_SVE(pfr0);
	cpu_has.sme = ID_AA64PFR1_SME(pfr1);
	cpu_has.gic_sysregs = ID_AA64PFR0_GIC(pfr0);
	cpu_has.ptrauth = ID_AA64ISAR1_PAUTH(read_sysreg(id_aa64isar1_el1)) ||
			  ID_AA64ISAR2_PAUTH(read_sysreg(s3_0_c0_c6_2));
	hyp_info("guests: %s (stage-2 forced write-back %s), SVE %s, "
		 "pointer auth %s\n", cpu_has.guests ? "yes" : "no",
		 cpu_has.guests ? "present" : "missing",
		 cpu_has.sve ? "trapped" : "absent",
		 cpu_has.ptrauth ? "switched" : "absent");
}

/**
 * hyp_vm_create() - S2OWN_HC_VM_CREATE: x1 RAM gfn, x2 RAM pages (0: the
 * whole IPA space), x3 entry IPA, x4 vCPU 0's x0, x5 the pfn of two host
 * pages for the VM and its stage-2 root.
 * @x: the host's registers; x1 gets the handle or -errno.
 */
void hyp_vm_create(u64 *x)
{
	u64 gfn = x[1], nr = x[2], entry = x[3];
	u64 max_gfn = 1ULL << (S2O_IPA_BITS - S2O_PAGE_SHIFT);
	bool bad_ram = nr && (gfn >= max_gfn || nr > max_gfn - gfn);
	bool bad_entry = !S2O_ALIGNED(entry, 4) ||
			 entry >> S2O_IPA_BITS ||
			 (nr && (entry >> S2O_PAGE_SHIFT < gfn ||
				 entry >> S2O_PAGE_SHIFT >= gfn + nr));
	struct hyp_vm vm = {
		.ram_gfn = gfn, .ram_nr = nr, .entry = entry, .boot_arg = x[4],
	};
	int handle;

	if (bad_ram || bad_entry) {
		x[1] = (u64)-S2OWN_EINVAL;
		return;
	}
	for (unsigned int i = 0; i < HYP_MAX_CPUS; i++)
		vm.last_vcpu[i] = -1;
	hyp_core_enter();
	handle = s2o_vm_create(x[5], &vm, sizeof(vm));
	hyp_core_exit();
	x[1] = (u64)(s64)handle;
}

/**
 * hyp_vcpu_create() - S2OWN_HC_VCPU_CREATE: x1 VM, x2 pfn of its state.
 * @x: the host's registers; x1 gets the vCPU index or -errno.
 */
void hyp_vcpu_create(u64 *x)
{
	int ret;

	hyp_core_enter();
	ret = s2o_vcpu_create(hyp_handle_arg(x[1]), x[2]);
	hyp_core_exit();
	x[1] = (u64)(s64)ret;
}

/**
 * hyp_vcpu_reset() - a vCPU's state at power-on (docs/guests.md, "Boot").
 * @vcpu: the vCPU, loaded on this CPU.
 * @entry: its first PC.
 * @x0: its x0.
 */
void hyp_vcpu_reset(struct hyp_vcpu *vcpu, u64 entry, u64 x0)
{
	vcpu->regs = (struct hyp_regs){ .x = { [0] = x0 } };
	vcpu->pc = entry;
	vcpu->pstate = PSR_MODE_EL1h | PSR_DAIF_MASK;
	vcpu->el1 = (struct hyp_el1_regs){ .sctlr = SCTLR_EL1_MMU_OFF };
	vcpu->fp = (struct hyp_fpsimd){ 0 };
	vcpu->keys = (struct hyp_ptrauth){ 0 };
	vcpu->answer = VCPU_ANSWER_NONE;
}

/*
 * The EL1 and EL0 registers a guest and the host each have their own of,
 * as (field of struct hyp_el1_regs, register), saved and loaded in this
 * order. ISB-free: the ERET into the guest, or the host, synchronises
 * them.
 */
#define EL1_REGS(X)							\
	X(sctlr, sctlr_el1)						\
	X(cpacr, cpacr_el1)						\
	X(ttbr0, ttbr0_el1)						\
	X(ttbr1, ttbr1_el1)						\
	X(tcr, tcr_el1)							\
	X(esr, esr_el1)							\
	X(afsr0, afsr0_el1)						\
	X(afsr1, afsr1_el1)						\
	X(far, far_el1)							\
	X(mair, mair_el1)						\
	X(vbar, vbar_el1)						\
	X(contextidr, contextidr_el1)					\
	X(amair, amair_el1)						\
	X(cntkctl, cntkctl_el1)						\
	X(par, par_el1)							\
	X(tpidr_el1, tpidr_el1)						\
	X(sp_el1, sp_el1)						\
	X(elr, elr_el1)							\
	X(spsr, spsr_el1)						\
	X(mdscr, mdscr_el1)						\
	X(tpidr_el0, tpidr_el0)						\
	X(tpidrro_el0, tpidrro_el0)					\
	X(sp_el0, sp_el0)						\
	X(csselr, csselr_el1)						\
	X(cntv_ctl, cntv_ctl_el0)					\
	X(cntv_cval, cntv_cval_el0)

/* The pointer-authentication keys, as (index in key[], register). */
#define PTRAUTH_KEYS(X)							\
	X(0, SYS_APIAKEYLO_EL1) X(1, SYS_APIAKEYHI_EL1)			\
	X(2, SYS_APIBKEYLO_EL1) X(3, SYS_APIBKEYHI_EL1)			\
	X(4, SYS_APDAKEYLO_EL1) X(5, SYS_APDAKEYHI_EL1)			\
	X(6, SYS_APDBKEYLO_EL1) X(7, SYS_APDBKEYHI_EL1)			\
	X(8, SYS_APGAKEYLO_EL1) X(9, SYS_APGAKEYHI_EL1)

#define EL1_SAVE(field, reg)	r->field = read_sysreg(reg);
#define EL1_LOAD(field, reg)	write_sysreg(r->field, reg);
#define KEY_SAVE(i, reg)	k->key[i] = read_sysreg(reg);
#define KEY_LOAD(i, reg)	write_sysreg(k->key[i], reg);

static void el1_save(struct hyp_el1_regs *r)
{
	EL1_REGS(EL1_SAVE)
	if (cpu_has.sme)
		r->tpidr2 = read_sysreg(SYS_TPIDR2_EL0);
}

static void el1_load(const struct hyp_el1_regs *r)
{
	EL1_REGS(EL1_LOAD)
	if (cpu_has.sme)
		write_sysreg(r->tpidr2, SYS_TPIDR2_EL0);
}

static void keys_save(struct hyp_ptrauth *k)
{
	PTRAUTH_KEYS(KEY_SAVE)
}

static void keys_load(const struct hyp_ptrauth *k)
{
	PTRAUTH_KEYS(KEY_LOAD)
}

static struct hyp_host_ctx *this_host(void)
{
	return &host_ctxs[this_cpu()->id];
}

/**
 * hyp_vcpu_fp_trap() - the guest's first FP/AdvSIMD use in this run:
 * keep the host's registers, give the guest its own.
 * @vcpu: the running vCPU.
 *
 * With SVE the host's whole Z registers are kept, at the largest vector
 * length: writing a V register may clear the bits above 128 of its Z, and
 * Linux may cache another task's SVE state in the registers.
 */
void hyp_vcpu_fp_trap(struct hyp_vcpu *vcpu)
{
	struct hyp_host_ctx *host = this_host();

	write_sysreg(vcpu->cptr & ~(CPTR_EL2_TFP | CPTR_EL2_TZ), cptr_el2);
	isb();
	if (cpu_has.sve)
		hyp_sve_save_z(host->fp);
	else
		hyp_fpsimd_save((struct hyp_fpsimd *)host->fp);
	host->fpsr = read_sysreg(fpsr);
	host->fpcr = read_sysreg(fpcr);
	hyp_fpsimd_load(&vcpu->fp);
	write_sysreg(vcpu->fp.fpsr, fpsr);
	write_sysreg(vcpu->fp.fpcr, fpcr);
	vcpu->cptr &= ~CPTR_EL2_TFP;
	write_sysreg(vcpu->cptr, cptr_el2);
	isb();
	vcpu->flags |= VCPU_FP_LOADED;
}

/* The guest's FP back into its page, the host's into the registers. */
static void fp_put(struct hyp_vcpu *vcpu, struct hyp_host_ctx *host)
{
	if (!(vcpu->flags & VCPU_FP_LOADED))
		return;
	hyp_fpsimd_save(&vcpu->fp);
	vcpu->fp.fpsr = read_sysreg(fpsr);
	vcpu->fp.fpcr = read_sysreg(fpcr);
	if (cpu_has.sve)
		hyp_sve_load_z(host->fp);
	else
		hyp_fpsimd_load((const struct hyp_fpsimd *)host->fp);
	write_sysreg(host->fpsr, fpsr);
	write_sysreg(host->fpcr, fpcr);
	vcpu->flags &= ~VCPU_FP_LOADED;
}

/**
 * hyp_vcpu_ptrauth_trap() - the guest's first pointer-authentication use
 * in this run: keep the host's keys, give the guest its own, stop trapping.
 * @vcpu: the running vCPU.
 *
 * Return: false if the CPU has no pointer authentication (the guest gets
 * an undefined instruction).
 */
bool hyp_vcpu_ptrauth_trap(struct hyp_vcpu *vcpu)
{
	if (!cpu_has.ptrauth)
		return false;
	keys_save(&this_host()->keys);
	keys_load(&vcpu->keys);
	vcpu->hcr |= HCR_API | HCR_APK;
	write_sysreg(vcpu->hcr, hcr_el2);
	isb();
	vcpu->flags |= VCPU_PTRAUTH_LOADED;
	return true;
}

static void ptrauth_put(struct hyp_vcpu *vcpu, struct hyp_host_ctx *host)
{
	if (!(vcpu->flags & VCPU_PTRAUTH_LOADED))
		return;
	keys_save(&vcpu->keys);
	keys_load(&host->keys);
	vcpu->flags &= ~VCPU_PTRAUTH_LOADED;
}

/* The host's EL2 controls and EL1 registers out, the guest's in. */
static void switch_to_guest(struct hyp_vcpu *vcpu, struct hyp_host_ctx *host)
{
	struct hyp_vm *vm = hyp_vm(vcpu->vm);
	unsigned int cpu = this_cpu()->id;

	host->elr = read_sysreg(elr_el2);
	host->spsr = read_sysreg(spsr_el2);
	host->hcr = read_sysreg(hcr_el2);
	host->vttbr = read_sysreg(vttbr_el2);
	host->cptr = read_sysreg(cptr_el2);
	host->mdcr = read_sysreg(mdcr_el2);
	host->cnthctl = read_sysreg(cnthctl_el2);
	host->vmpidr = read_sysreg(vmpidr_el2);
	if (cpu_has.gic_sysregs)
		host->ich_hcr = read_sysreg(SYS_ICH_HCR_EL2);
	el1_save(&host->el1);

	el1_load(&vcpu->el1);
	vcpu->hcr = HCR_GUEST_FLAGS;
	vcpu->cptr = CPTR_EL2_GUEST | CPTR_EL2_TFP;
	write_sysreg(vcpu->cptr, cptr_el2);
	/* The host's PMU counters stay its own; debug, PMU, trace trap. */
	write_sysreg((host->mdcr & MDCR_EL2_HPMN_MASK) | MDCR_EL2_GUEST,
		     mdcr_el2);
	/* The physical timer and counter are the host's. */
	write_sysreg(0, cnthctl_el2);
	write_sysreg(_BITUL(31) | vcpu->idx, vmpidr_el2);
	if (cpu_has.gic_sysregs)
		write_sysreg(ICH_HCR_GUEST, SYS_ICH_HCR_EL2);
	write_sysreg(s2o_vm_vttbr(vcpu->vm), vttbr_el2);
	isb();
	/*
	 * Another vCPU of this VM ran here last: the guest may have used
	 * local TLB maintenance expecting one CPU per vCPU (KVM's
	 * last_vcpu_ran), so drop what this CPU holds for the VMID.
	 */
	if (vm->last_vcpu[cpu] != (s8)vcpu->idx) {
		if (vm->last_vcpu[cpu] >= 0) {
			asm volatile("tlbi vmalle1" : : : "memory");
			dsb(nsh);
		}
		vm->last_vcpu[cpu] = (s8)vcpu->idx;
	}
	write_sysreg(vcpu->hcr, hcr_el2);
	isb();
}

static void switch_to_host(struct hyp_vcpu *vcpu, struct hyp_host_ctx *host)
{
	el1_save(&vcpu->el1);
	el1_load(&host->el1);
	write_sysreg(host->hcr, hcr_el2);
	write_sysreg(host->vttbr, vttbr_el2);
	write_sysreg(host->cptr, cptr_el2);
	write_sysreg(host->mdcr, mdcr_el2);
	write_sysreg(host->cnthctl, cnthctl_el2);
	write_sysreg(host->vmpidr, vmpidr_el2);
	if (cpu_has.gic_sysregs)
		write_sysreg(host->ich_hcr, SYS_ICH_HCR_EL2);
	isb();
	fp_put(vcpu, host);
	ptrauth_put(vcpu, host);
	write_sysreg(host->elr, elr_el2);
	write_sysreg(host->spsr, spsr_el2);
}

/* The host's answer (x3..x6) to the exit the vCPU left with. */
static void take_answer(struct hyp_vcpu *vcpu, const u64 *answer)
{
	u64 val, bits;

	switch (vcpu->answer) {
	case VCPU_ANSWER_HVC:
		for (unsigned int i = 0; i < 4; i++)
			vcpu->regs.x[i] = answer[i];
		break;
	case VCPU_ANSWER_MMIO_READ:
		bits = 8 * vcpu->mmio_bytes;
		val = bits < 64 ? answer[0] & ((1ULL << bits) - 1) : answer[0];
		if (vcpu->mmio_sign && bits < 64 && (val >> (bits - 1)) & 1)
			val |= ~0ULL << bits;
		if (!vcpu->mmio_sf)
			val &= 0xffffffffULL;
		if (vcpu->mmio_srt != 31)
			vcpu->regs.x[vcpu->mmio_srt] = val;
		break;
	}
	vcpu->answer = VCPU_ANSWER_NONE;
}

/*
 * Power it on if it is the VM's first run of vCPU 0, or a CPU_ON is
 * pending. Return whether it is on.
 */
static bool power_up(struct hyp_vcpu *vcpu)
{
	u32 power = __atomic_load_n(&vcpu->power, __ATOMIC_ACQUIRE);
	const struct hyp_vm *vm = hyp_vm(vcpu->vm);

	if (power == VCPU_POWER_PENDING) {
		hyp_vcpu_reset(vcpu, vcpu->on_entry, vcpu->on_ctx);
		__atomic_store_n(&vcpu->power, VCPU_POWER_ON,
				 __ATOMIC_RELAXED);
		return true;
	}
	if (!(vcpu->flags & VCPU_BOOTED) && vcpu->idx == 0) {
		/* Its first load (the page came zeroed): it boots the VM. */
		vcpu->flags |= VCPU_BOOTED;
		hyp_vcpu_reset(vcpu, vm->entry, vm->boot_arg);
		__atomic_store_n(&vcpu->power, VCPU_POWER_ON,
				 __ATOMIC_RELAXED);
		return true;
	}
	return power == VCPU_POWER_ON;
}

static void put_exit(u64 *x, const u64 *out)
{
	x[0] = S2OWN_RET_SUCCESS;
	x[1] = 0;
	for (unsigned int i = 0; i < 7; i++)
		x[2 + i] = out[i];
}

/**
 * hyp_vcpu_run() - S2OWN_HC_VCPU_RUN: x1 VM, x2 vCPU, x3..x6 the answer
 * to its last exit.
 * @x: the host's registers: x1 gets 0 or -errno, x2 the exit reason,
 *     x3..x8 what the exit hands over (docs/guests.md, "Exits").
 */
void hyp_vcpu_run(u64 *x)
{
	int handle = hyp_handle_arg(x[1]);
	struct hyp_host_ctx *host = this_host();
	u64 out[7] = { 0 }, state;
	struct hyp_vcpu *vcpu;
	int ret;

	if (!cpu_has.guests) {
		x[1] = (u64)-S2OWN_ENODEV;
		return;
	}
	/* Nothing ever puts a host CPU in streaming mode: refuse it. */
	if (cpu_has.sme && read_sysreg(SYS_SVCR)) {
		x[1] = (u64)-S2OWN_EBUSY;
		return;
	}
	hyp_core_enter();
	ret = s2o_vcpu_load(handle, x[2] > 0xffffffffUL ? ~0U : (u32)x[2],
			    &state);
	hyp_core_exit();
	if (ret == -S2OWN_EPERM) {
		/* Stopped: it says so again, and never runs. */
		for (unsigned int i = 0; i < 3; i++)
			out[i] = hyp_vm(handle)->stop[i];
		put_exit(x, out);
		return;
	}
	if (ret) {
		x[1] = (u64)(s64)ret;
		return;
	}
	vcpu = (struct hyp_vcpu *)state;
	vcpu->vm = (u16)handle;
	vcpu->idx = (u16)x[2];
	take_answer(vcpu, &x[3]);
	if (!power_up(vcpu)) {
		out[0] = S2OWN_EXIT_VCPU_OFF;
	} else {
		switch_to_guest(vcpu, host);
		do {
			u64 kind, pc;
			bool more;

			write_sysreg(vcpu->pc, elr_el2);
			write_sysreg(vcpu->pstate, spsr_el2);
			s2o_trace(S2OWN_TEV_VCPU_ENTER, vcpu->idx, vcpu->vm, 0,
				  0, vcpu->pc, 0);
			kind = __guest_enter(vcpu, host);
			vcpu->pc = pc = read_sysreg(elr_el2);
			vcpu->pstate = read_sysreg(spsr_el2);
			more = hyp_guest_handle_exit(vcpu, kind, out);
			s2o_trace(S2OWN_TEV_VCPU_EXIT, vcpu->idx, vcpu->vm,
				  (s8)kind, more ? 0 : out[0], pc,
				  read_sysreg(esr_el2));
			if (!more)
				break;
		} while (true);
		switch_to_host(vcpu, host);
	}
	hyp_core_enter();
	s2o_vcpu_put(handle, vcpu->idx);
	hyp_core_exit();
	put_exit(x, out);
}
