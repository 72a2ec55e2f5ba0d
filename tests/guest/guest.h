/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The in-tree protected guest: what its files share. It runs at EL1 in a
 * protected VM with the MMU off (stage 2's forced write-back makes its RAM
 * Normal cacheable all the same); docs/guests.md, "The in-tree guest".
 * Included by C and assembly.
 */
#ifndef S2OWN_GUEST_H
#define S2OWN_GUEST_H

#include "../../abi/s2own_abi.h"

#define GUEST_STACK_SIZE	0x2000		/* per vCPU */
#define GUEST_PAGE_SIZE		0x1000

/* CPACR_EL1.FPEN: FP/AdvSIMD at EL1 without a trap (start.S). */
#define CPACR_EL1_FPEN		(3 << 20)
#define CPACR_EL1_ZEN		(3 << 16)
#define CPACR_EL1_SMEN		(3 << 24)

#ifndef __ASSEMBLER__

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
/* A mode that takes the seed every mode gets, and has no use for it. */
#define __maybe_unused		__attribute__((unused))
#define __stringify_1(x)	#x
#define __stringify(x)		__stringify_1(x)
#define __noreturn		__attribute__((noreturn))
#define fallthrough		__attribute__((__fallthrough__))

#define read_sysreg(r) ({						\
	u64 __v;							\
	asm volatile("mrs %0, " __stringify(r) : "=r" (__v));		\
	__v;								\
})
#define write_sysreg(v, r)						\
	asm volatile("msr " __stringify(r) ", %x0" : : "rZ" ((u64)(v)))
#define isb()			asm volatile("isb" : : : "memory")

/* ESR_EL1 */
#define ESR_EC(esr)		(((esr) >> 26) & 0x3f)
#define ESR_EC_UNKNOWN		0x00

/* SMCCC and PSCI, as the hypervisor answers them (docs/guests.md). */
#define SMCCC_VERSION		0x80000000U
#define SMCCC_ARCH_FEATURES	0x80000001U
#define SMCCC_ARCH_WORKAROUND_1	0x80008000U
#define PSCI_0_2_FN(n)		(0x84000000U | (n))
#define PSCI_0_2_FN64(n)	(0xc4000000U | (n))
#define PSCI_VERSION		PSCI_0_2_FN(0x00)
#define PSCI_CPU_SUSPEND	PSCI_0_2_FN64(0x01)
#define PSCI_CPU_OFF		PSCI_0_2_FN(0x02)
#define PSCI_CPU_ON		PSCI_0_2_FN64(0x03)
#define PSCI_AFFINITY_INFO	PSCI_0_2_FN64(0x04)
#define PSCI_MIGRATE_INFO_TYPE	PSCI_0_2_FN(0x06)
#define PSCI_SYSTEM_OFF		PSCI_0_2_FN(0x08)
#define PSCI_FEATURES		PSCI_0_2_FN(0x0a)
#define PSCI_RET_INVALID	(-2)
#define PSCI_RET_ALREADY_ON	(-4)
#define AFFINITY_OFF		1

/*
 * One SMCCC call: x0..x5 in, x0..x3 out (start.S). Every caller-saved
 * register counts as clobbered, so nothing relies on the callee keeping
 * x4..x17.
 */
struct smccc {
	u64 x[6];
};

enum smccc_conduit {
	CONDUIT_HVC,		/* HVC #0 */
	CONDUIT_SMC,		/* SMC #0 */
	CONDUIT_HVC1,		/* HVC #1: not SMCCC */
	CONDUIT_SMC1,		/* SMC #1 */
};

/* The loads and stores of mmio_access(); loads first. */
enum mmio_op {
	MMIO_LDRB,
	MMIO_LDRH,
	MMIO_LDR32,
	MMIO_LDR64,
	MMIO_LDRSB64,
	MMIO_LDRSH32,
	MMIO_LDRSW,
	MMIO_STRB,
	MMIO_STRH,
	MMIO_STR32,
	MMIO_STR64,
};

/* start.S and the linker script */
extern char _start[], __image_end[], __bss_start[], __bss_end[];
extern char guest_vectors[];
void guest_secondary_entry(u64 ctx);
void guest_hvc(struct smccc *regs);
void guest_smc(struct smccc *regs);
void guest_hvc1(struct smccc *regs);
void guest_smc1(struct smccc *regs);
u64 guest_hvc_keeps(u64 fn);
void guest_fp_fill(u64 seed);
u64 guest_fp_check(u64 seed);
void __noreturn guest_jump(u64 pc, u64 vbar);

/* console.c */
void guest_printf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
void guest_fail(u64 code, u64 detail);
void guest_result(u64 code, u64 sum, u64 detail);
void guest_report(u64 sum, u64 detail);
void __noreturn guest_finish(u64 sum, u64 detail);

/* psci.c */
s64 smccc_call(enum smccc_conduit conduit, u64 fn, u64 a1, u64 a2, u64 a3);
unsigned int this_vcpu(void);
s64 psci_cpu_on(unsigned int vcpu, u64 ctx);
s64 psci_affinity_info(unsigned int vcpu);
void __noreturn psci_cpu_off(void);
void __noreturn psci_system_off(void);

/* main.c */
void __noreturn guest_main(u64 arg, u64 leaked);
u64 guest_check_entry(unsigned int vcpu, u64 leaked);

/* traps.c */
void guest_exception(u64 vector);
void probes_report(const char *mode, unsigned int nr, u64 failed);

/* hostile.c */
u64 mmio_access(enum mmio_op op, u64 ipa, u64 val);
u64 guest_xorshift(u64 *x);

/* kvm.c: KVM's vendor hypervisor service (pKVM's guest ABI) */
#define KVM_FN_BIT(id)		(1UL << ((id) & 0xffff))
#define KVM_FEATURES_WANT						\
	(KVM_FN_BIT(S2OWN_KVM_FEATURES) | KVM_FN_BIT(S2OWN_KVM_HYP_MEMINFO) | \
	 KVM_FN_BIT(S2OWN_KVM_MEM_SHARE) |				\
	 KVM_FN_BIT(S2OWN_KVM_MEM_UNSHARE) |				\
	 KVM_FN_BIT(S2OWN_KVM_MEM_RELINQUISH))
/* kvm_discover()'s bits: FAIL_DISCOVER's detail. */
#define KVM_DISCOVER_UID		(1 << 0)
#define KVM_DISCOVER_FEATURES		(1 << 1)
#define KVM_DISCOVER_MEMINFO		(1 << 2)
#define KVM_DISCOVER_MEMINFO_ARGS	(1 << 3)	/* junk not refused */
#define SMCCC_INVALID		((s64)S2OWN_SMCCC_INVALID_PARAMETER)
#define SMCCC_NOT_SUPPORTED	((s64)S2OWN_RET_NOT_SUPPORTED)

s64 kvm_mem_call(enum smccc_conduit conduit, u64 fn, u64 ipa, u64 nr, u64 x3,
		 u64 *done);
s64 kvm_mem_range(u64 fn, u64 ipa, u64 nr, unsigned int *calls);
u64 kvm_discover(void);

/* The modes: main.c's table, S2OWN_GUEST_MODE_* order. */
void __noreturn guest_mode_full(u64 seed);
void __noreturn guest_mode_spin(u64 seed);
void __noreturn guest_mode_hvc(u64 seed);
void __noreturn guest_mode_sysreg(u64 seed);
void __noreturn guest_mode_mmio(u64 seed);
void __noreturn guest_mode_wfi(u64 seed);
void __noreturn guest_mode_loop(u64 seed);
void __noreturn guest_mode_garbage(u64 seed);
void __noreturn guest_mode_random(u64 seed);
void __noreturn guest_mode_exec_mmio(u64 seed);
void __noreturn guest_mode_share(u64 seed);
void __noreturn guest_mode_fuzz(u64 seed);

/* full.c */
void __noreturn guest_secondary_main(u64 ctx, u64 leaked);
u64 guest_ticks(void);
unsigned int guest_start_vcpus(unsigned int mode);
void guest_wait_vcpus(unsigned int nr);

/* fuzz.c */
void __noreturn guest_fuzz_secondary(unsigned int vcpu);

#endif /* __ASSEMBLER__ */

#endif /* S2OWN_GUEST_H */
