// SPDX-License-Identifier: GPL-2.0-only
/*
 * A guest's HVC and SMC calls (SMCCC 1.1): the standard queries, PSCI and
 * KVM's vendor hypervisor service (pKVM's memory calls: share, unshare,
 * relinquish) are answered at EL2, without a round trip to the host;
 * calls in the VMM's range (S2OWN_VMM_CALL) go to the host as an HVC
 * exit; anything else returns NOT_SUPPORTED (docs/guests.md, "Hypervisor
 * calls"). Only the registers of a call the guest addresses to its VMM
 * reach the host.
 *
 * PSCI CPU_ON and AFFINITY_INFO read and write another vCPU's power state
 * while that vCPU may be loaded on another CPU: see struct hyp_vcpu's
 * power word. CPU_ON claims the target (OFF -> CLAIMED), writes its entry
 * point, then publishes it (PENDING) with a release; the target's next
 * load (vcpu.c) reads PENDING with an acquire, then the entry point.
 */
#include "hyp.h"
#include "sysreg.h"
#include "vcpu.h"
#include "../ownership/s2own.h"

#define SMCCC_VERSION		0x80000000U
#define SMCCC_ARCH_FEATURES	0x80000001U
#define SMCCC_VERSION_1_1	0x10001U
#define SMCCC_NOT_SUPPORTED	(-1L)

#define PSCI_0_2_FN(n)		(0x84000000U | (n))
#define PSCI_0_2_FN64(n)	(0xc4000000U | (n))
#define PSCI_VERSION		0x00
#define PSCI_CPU_OFF		0x02
#define PSCI_CPU_ON		0x03
#define PSCI_AFFINITY_INFO	0x04
#define PSCI_MIGRATE_INFO_TYPE	0x06
#define PSCI_SYSTEM_OFF		0x08
#define PSCI_SYSTEM_RESET	0x09
#define PSCI_FEATURES		0x0a
#define PSCI_VERSION_1_1	0x10001U

#define PSCI_SUCCESS		0
#define PSCI_NOT_SUPPORTED	(-1L)
#define PSCI_INVALID_PARAMS	(-2L)
#define PSCI_ALREADY_ON		(-4L)
#define PSCI_ON_PENDING		(-5L)
#define PSCI_TOS_NOT_PRESENT	2	/* MIGRATE_INFO_TYPE */

#define MPIDR_AFF_MASK		0xff00ffffffUL

/* The PSCI calls a guest has (FEATURES answers 0 for these). */
static bool psci_implemented(u32 fn)
{
	switch (fn) {
	case PSCI_0_2_FN(PSCI_VERSION):
	case PSCI_0_2_FN(PSCI_CPU_OFF):
	case PSCI_0_2_FN(PSCI_CPU_ON):
	case PSCI_0_2_FN64(PSCI_CPU_ON):
	case PSCI_0_2_FN(PSCI_AFFINITY_INFO):
	case PSCI_0_2_FN64(PSCI_AFFINITY_INFO):
	case PSCI_0_2_FN(PSCI_MIGRATE_INFO_TYPE):
	case PSCI_0_2_FN(PSCI_SYSTEM_OFF):
	case PSCI_0_2_FN(PSCI_SYSTEM_RESET):
	case PSCI_0_2_FN(PSCI_FEATURES):
	case SMCCC_VERSION:
		return true;
	}
	return false;
}

/* The vCPU of the caller's VM an MPIDR names (Aff0), or NULL. */
static struct hyp_vcpu *target_vcpu(const struct hyp_vcpu *vcpu, u64 mpidr)
{
	u64 state;

	if ((mpidr & MPIDR_AFF_MASK) > 0xff)
		return NULL;
	state = s2o_vcpu_state(vcpu->vm, (unsigned int)(mpidr & 0xff));
	return state ? (struct hyp_vcpu *)state : NULL;
}

static s64 psci_cpu_on(const struct hyp_vcpu *vcpu, u64 mpidr, u64 entry,
		       u64 ctx)
{
	struct hyp_vcpu *t = target_vcpu(vcpu, mpidr);
	u32 power = VCPU_POWER_OFF;

	if (!t)
		return PSCI_INVALID_PARAMS;
	if (!__atomic_compare_exchange_n(&t->power, &power,
					 VCPU_POWER_CLAIMED, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE))
		return power == VCPU_POWER_ON ? PSCI_ALREADY_ON :
						PSCI_ON_PENDING;
	t->on_entry = entry;
	t->on_ctx = ctx;
	__atomic_store_n(&t->power, VCPU_POWER_PENDING, __ATOMIC_RELEASE);
	return PSCI_SUCCESS;
}

static s64 psci_affinity_info(const struct hyp_vcpu *vcpu, u64 mpidr,
			      u64 level)
{
	struct hyp_vcpu *t = target_vcpu(vcpu, mpidr);

	if (!t || level)
		return PSCI_INVALID_PARAMS;
	switch (__atomic_load_n(&t->power, __ATOMIC_ACQUIRE)) {
	case VCPU_POWER_ON:
		return 0;
	case VCPU_POWER_OFF:
		return 1;
	default:
		return 2;	/* ON_PENDING */
	}
}

/*
 * PSCI. Return false with @out filled when the call ends the run (CPU_OFF,
 * SYSTEM_OFF/RESET); else *@ret is the guest's x0.
 */
static bool psci(struct hyp_vcpu *vcpu, u32 fn, s64 *ret, u64 *out)
{
	u64 *x = vcpu->regs.x;
	bool is64 = fn & (1U << 30);
	u64 a1 = is64 ? x[1] : (u32)x[1], a2 = is64 ? x[2] : (u32)x[2];
	u64 a3 = is64 ? x[3] : (u32)x[3];

	switch (fn & ~(1U << 30)) {
	case PSCI_0_2_FN(PSCI_VERSION):
		*ret = PSCI_VERSION_1_1;
		return true;
	case PSCI_0_2_FN(PSCI_CPU_ON):
		*ret = psci_cpu_on(vcpu, a1, a2, a3);
		return true;
	case PSCI_0_2_FN(PSCI_AFFINITY_INFO):
		*ret = psci_affinity_info(vcpu, a1, a2);
		return true;
	case PSCI_0_2_FN(PSCI_MIGRATE_INFO_TYPE):
		*ret = PSCI_TOS_NOT_PRESENT;
		return true;
	case PSCI_0_2_FN(PSCI_FEATURES):
		*ret = psci_implemented((u32)a1) ? 0 : PSCI_NOT_SUPPORTED;
		return true;
	case PSCI_0_2_FN(PSCI_CPU_OFF):
		__atomic_store_n(&vcpu->power, VCPU_POWER_OFF,
				 __ATOMIC_RELEASE);
		out[0] = S2OWN_EXIT_VCPU_OFF;
		return false;
	case PSCI_0_2_FN(PSCI_SYSTEM_OFF):
		hyp_guest_stop(vcpu, out, S2OWN_EXIT_SYSTEM_EVENT,
			       S2OWN_SYSTEM_OFF, 0);
		return false;
	case PSCI_0_2_FN(PSCI_SYSTEM_RESET):
		hyp_guest_stop(vcpu, out, S2OWN_EXIT_SYSTEM_EVENT,
			       S2OWN_SYSTEM_RESET, 0);
		return false;
	}
	*ret = PSCI_NOT_SUPPORTED;
	return true;
}

static bool is_psci(u32 fn)
{
	return (fn & ~((1U << 30) | 0x1fU)) == 0x84000000U;
}

static bool is_vmm_call(u32 fn)
{
	return fn >= S2OWN_VMM_CALL(0) && fn <= S2OWN_VMM_CALL(0xefff);
}

/* KVM_FEATURES: bit n says call n of the service exists. */
#define KVM_FEATURES_BITS						\
	((1U << (S2OWN_KVM_FEATURES & 0xffff)) |			\
	 (1U << (S2OWN_KVM_HYP_MEMINFO & 0xffff)) |			\
	 (1U << (S2OWN_KVM_MEM_SHARE & 0xffff)) |			\
	 (1U << (S2OWN_KVM_MEM_UNSHARE & 0xffff)) |			\
	 (1U << (S2OWN_KVM_MEM_RELINQUISH & 0xffff)))

static int (*const mem_call_fn[])(int, u64, u64, u64 *) = {
	[S2OWN_KVM_MEM_SHARE & 0xf] = s2o_guest_share,
	[S2OWN_KVM_MEM_UNSHARE & 0xf] = s2o_guest_unshare,
	[S2OWN_KVM_MEM_RELINQUISH & 0xf] = s2o_guest_relinquish,
};

static bool ipa_in_ram(const struct hyp_vcpu *vcpu, u64 gfn)
{
	const struct hyp_vm *vm = hyp_vm(vcpu->vm);

	return !vm->ram_nr ||
	       (gfn >= vm->ram_gfn && gfn - vm->ram_gfn < vm->ram_nr);
}

/*
 * MEM_SHARE, MEM_UNSHARE, MEM_RELINQUISH: x1 the IPA (page aligned), x2
 * the pages (0: one), x3 zero. x0 = 0 and x1 = pages done, or -3 and
 * x1 = 0. A page to share that the guest has not been given yet is
 * faulted in first, as pKVM does: a MEM_FAULT exit, and the call runs
 * again once the host has donated. A relinquish tells the host (an exit)
 * so that it can reclaim; one that must split a guest block while the
 * VM's table cache is short asks the host to top it up first, and runs
 * again.
 */
static bool mem_call(struct hyp_vcpu *vcpu, u32 fn, u64 *out)
{
	u64 *x = vcpu->regs.x, gfn = x[1] >> S2O_PAGE_SHIFT, done = 0;
	bool relinquish = fn == S2OWN_KVM_MEM_RELINQUISH;
	int ret;

	if (!S2O_ALIGNED(x[1], S2O_PAGE_SIZE) || x[3]) {
		ret = -S2OWN_EINVAL;
	} else {
		hyp_core_enter();
		ret = mem_call_fn[fn & 0xf](vcpu->vm, gfn, x[2] ? x[2] : 1,
					    &done);
		hyp_core_exit();
	}
	if (ret == -S2OWN_EFAULT && fn == S2OWN_KVM_MEM_SHARE &&
	    ipa_in_ram(vcpu, gfn)) {
		vcpu->pc -= 4;
		out[0] = S2OWN_EXIT_MEM_FAULT;
		out[1] = gfn;
		out[2] = S2OWN_FAULT_WRITE;
		return false;
	}
	if (ret == -S2OWN_ENOMEM && relinquish) {
		/* A guest block to split, the VM's table cache short. */
		vcpu->pc -= 4;
		out[0] = S2OWN_EXIT_TOPUP;
		out[1] = S2OWN_TOPUP_PAGES;
		return false;
	}
	if (ret == -S2OWN_EFAULT && relinquish)
		ret = 0;	/* nothing there: nothing to give up */
	x[0] = ret ? (u64)(s64)S2OWN_SMCCC_INVALID_PARAMETER : 0;
	x[1] = done;
	if (!relinquish || !done)
		return true;
	out[0] = S2OWN_EXIT_RELINQUISH;
	out[1] = gfn;
	out[2] = done;
	return false;
}

/* KVM's vendor hypervisor service; false if @fn is none of its calls. */
static bool kvm_call(struct hyp_vcpu *vcpu, u32 fn, bool *reenter, u64 *out)
{
	u64 *x = vcpu->regs.x;

	*reenter = true;
	switch (fn) {
	case S2OWN_HC_CALL_UID:
		x[0] = S2OWN_KVM_UID_W0;
		x[1] = S2OWN_KVM_UID_W1;
		x[2] = S2OWN_KVM_UID_W2;
		x[3] = S2OWN_KVM_UID_W3;
		return true;
	case S2OWN_KVM_FEATURES:
		x[0] = KVM_FEATURES_BITS;
		x[1] = x[2] = x[3] = 0;
		return true;
	case S2OWN_KVM_HYP_MEMINFO:
		if (x[1] | x[2] | x[3]) {
			x[0] = (u64)(s64)S2OWN_SMCCC_INVALID_PARAMETER;
			return true;
		}
		x[0] = S2O_PAGE_SIZE;
		x[1] = 1;	/* the memory calls take a page count */
		x[2] = x[3] = 0;
		return true;
	case S2OWN_KVM_MEM_SHARE:
	case S2OWN_KVM_MEM_UNSHARE:
	case S2OWN_KVM_MEM_RELINQUISH:
		*reenter = mem_call(vcpu, fn, out);
		return true;
	}
	return false;
}

/**
 * hyp_guest_smccc() - a guest's HVC #0 or SMC #0.
 * @vcpu: the running vCPU; x0 is the function id, its pc is past the call.
 * @smc: the call was an SMC, which never goes to the VMM.
 * @out: the exit, when this returns false.
 *
 * Return: true to go back into the guest with its results in x0..x3,
 * false to return to the host (@out).
 */
bool hyp_guest_smccc(struct hyp_vcpu *vcpu, bool smc, u64 *out)
{
	u64 *x = vcpu->regs.x;
	u32 fn = (u32)x[0];
	s64 ret = SMCCC_NOT_SUPPORTED;
	bool reenter;

	if (!(x[0] >> 32) && kvm_call(vcpu, fn, &reenter, out))
		return reenter;
	if (x[0] >> 32) {
		/* Not an SMCCC id at all. */
	} else if (fn == SMCCC_VERSION) {
		ret = SMCCC_VERSION_1_1;
	} else if (fn == SMCCC_ARCH_FEATURES) {
		ret = (u32)x[1] == SMCCC_VERSION ||
		      (u32)x[1] == SMCCC_ARCH_FEATURES ? 0 :
		      SMCCC_NOT_SUPPORTED;
	} else if (is_psci(fn)) {
		if (!psci(vcpu, fn, &ret, out))
			return false;
	} else if (!smc && is_vmm_call(fn)) {
		out[0] = S2OWN_EXIT_HVC;
		for (unsigned int i = 0; i < 6; i++)
			out[1 + i] = x[i];
		vcpu->answer = VCPU_ANSWER_HVC;
		return false;
	}
	x[0] = (u64)ret;
	return true;
}
