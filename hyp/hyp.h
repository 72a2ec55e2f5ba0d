/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internal interface of the EL2 image: memory layout, per-CPU state and the
 * functions the hyp/ files share. Included by C and assembly.
 *
 * docs/boot.md describes the boot flow and the memory layout.
 */
#ifndef S2OWN_HYP_H
#define S2OWN_HYP_H

#ifndef HYP_RAM_BASE
#define HYP_RAM_BASE		0x40000000
#endif
#ifndef HYP_LOAD_ADDR
#define HYP_LOAD_ADDR		0x40200000
#endif
#ifndef HOST_IMAGE_ADDR
#define HOST_IMAGE_ADDR		0x50000000
#endif
#ifndef HYP_UART_BASE
#define HYP_UART_BASE		0x09000000
#endif

#define HYP_MAX_CPUS		8
#define SZ_4K			0x1000
#define SZ_2M			0x200000

/*
 * The low 2 MiB of the carve-out, below the image (QEMU always loads an
 * Image at RAM + 2 MiB, so this space is ours but not part of the file):
 *
 *   +0            per-CPU slots, HYP_CPU_SLOT each:
 *                   guard page | emergency stack | guard page | stack
 *   +HYP_PGT_OFF  pages for the EL2 stage-1 tables
 *   +HYP_ZERO_ROOT_OFF  an all-invalid stage-2 root, for VMID switches
 *
 * Guard pages stay unmapped, so a stack overflow faults instead of
 * silently corrupting the neighbour; the fault handler moves to the
 * emergency stack to report it.
 */
#define HYP_CPU_SLOT		0x8000
#define HYP_EMERG_OFF		0x1000	/* emergency stack page in a slot */
#define HYP_STACK_OFF		0x3000	/* first byte of the main stack */
#define HYP_PGT_OFF		(HYP_MAX_CPUS * HYP_CPU_SLOT)
#define HYP_PGT_PAGES		64
#define HYP_ZERO_ROOT_OFF	(HYP_PGT_OFF + HYP_PGT_PAGES * SZ_4K)
#define HYP_LOW_USED		(HYP_ZERO_ROOT_OFF + SZ_4K)

/* struct hyp_cpu: size and the offsets assembly uses. */
#define HYP_CPU_SHIFT		7	/* 128 bytes each */
#define HYP_CPU_EMERG_SP	0
#define HYP_CPU_FAULT_SP	8
#define HYP_CPU_SCRATCH		16
#define HYP_CPU_STACK_TOP	24
#define HYP_CPU_GUEST		32	/* the vCPU running, or 0 */
#define HYP_CPU_GUEST_HOST	40	/* where __guest_enter saved the host */

/* Saved host (or EL2) general-purpose registers on exception entry. */
#define HYP_REGS_SIZE		256	/* x0..x30 + one pad slot */

#if defined(__ASSEMBLER__) && !defined(LINKER_SCRIPT)
/* \reg = the address of \sym, within 4 GiB of the code. */
.macro	adr_l, reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
.endm
#endif

#ifndef __ASSEMBLER__

#include <stdarg.h>
#include "../ownership/types.h"
#include "libfdt_env.h"
#include "psci_relay.h"

struct hyp_regs {
	u64 x[31];
	u64 pad;
};

struct hyp_vcpu;
struct hyp_host_ctx;

struct hyp_cpu {
	u64 emerg_sp;		/* HYP_CPU_EMERG_SP */
	u64 fault_sp;		/* HYP_CPU_FAULT_SP: SP when a panic hit */
	u64 scratch;		/* HYP_CPU_SCRATCH */
	u64 stack_top;		/* HYP_CPU_STACK_TOP */
	struct hyp_vcpu *guest;	/* HYP_CPU_GUEST */
	struct hyp_host_ctx *guest_host; /* HYP_CPU_GUEST_HOST */
	u64 mpidr;		/* affinity, as in the DTB and MPIDR_EL1 */
	u32 id;			/* logical id: boot CPU 0, then DTB order */
	u32 present;
	/* PSCI relay: where the host wants this CPU to start. */
	struct psci_relay_cpu psci;
	u32 panic_depth;
	u32 online;
	u32 in_core;		/* quiesce.c: inside the ownership core */
	u32 pad32;
};

extern struct hyp_cpu hyp_cpus[HYP_MAX_CPUS];
extern unsigned int hyp_nr_cpus;

static inline struct hyp_cpu *this_cpu(void)
{
	struct hyp_cpu *c;

	asm volatile("mrs %0, tpidr_el2" : "=r" (c));
	return c;
}

/* What the boot CPU learned from the DTB. */
#define HYP_MAX_MEM		16
struct hyp_mem {
	u64 base;
	u64 size;
};

struct hyp_boot_info {
	void *fdt;
	u64 fdt_size;
	struct hyp_mem mem[HYP_MAX_MEM];
	unsigned int nr_mem;
	u64 initrd_start, initrd_end;	/* 0, 0 if none */
	const char *bootargs;
	/* The carve-out and what is in it, see docs/boot.md. */
	u64 carve_base, carve_end;
	u64 meta_base, meta_size;
	u64 pool_base, pool_pages;
};

extern struct hyp_boot_info hyp_boot;

/* Linker-script symbols. */
extern char _start[], __text_end[], __rodata_end[], __image_end[];
extern char hyp_vectors[];

/* head.S: PSCI starts CPUs at the first, resumes them at the second. */
void hyp_mmu_enable(void);
void hyp_cpu_entry(u64 cpu_id);
void hyp_cpu_resume_entry(u64 cpu_id);
void __attribute__((noreturn)) hyp_eret_to_host(u64 x0);

/*
 * One SMC from EL2 with x0..x3 (every PSCI call fits), results x0..x3 into
 * @res. Treated as clobbering every caller-saved register, so firmware
 * that only follows SMCCC 1.0 (x4..x17 not preserved) is fine too.
 */
struct smccc_res {
	u64 a0, a1, a2, a3;
};
void hyp_smc(u64 a0, u64 a1, u64 a2, u64 a3, struct smccc_res *res);

/* console.c */
void hyp_console_init(void);
int hyp_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int hyp_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void hyp_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void __attribute__((noreturn, format(printf, 1, 2)))
hyp_panic(const char *fmt, ...);
void __attribute__((noreturn))
hyp_panic_regs(const char *reason, const struct hyp_regs *regs, u64 sp);
void __attribute__((noreturn)) hyp_halt(void);

/* Every console line the image prints starts with this. */
#define HYP_PFX "S2OWN-HYP: "
#define hyp_info(fmt, ...) hyp_printf(HYP_PFX fmt, ##__VA_ARGS__)

/* Spinlock for the few hyp-side critical sections (console, dump). */
typedef struct {
	u32 locked;
} hyp_spinlock_t;

static inline void hyp_spin_lock(hyp_spinlock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			asm volatile("yield");
}

static inline bool hyp_spin_trylock(hyp_spinlock_t *l)
{
	return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void hyp_spin_unlock(hyp_spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

/* mmu.c */
void hyp_mmu_early(u64 fdt_pa, u64 fdt_size);
void hyp_mmu_map_ram(void);
u64 hyp_zero_root_pa(void);
u64 hyp_pa_bits_field(void);

/* fdt.c */
void hyp_fdt_parse(void *fdt);
void hyp_fdt_patch_for_host(void);

/* main.c */
void __attribute__((noreturn)) hyp_boot_main(u64 fdt_pa);
void __attribute__((noreturn)) hyp_secondary_main(u64 id, u64 how);
void __attribute__((noreturn)) hyp_enter_host(u64 entry, u64 x0);
void hyp_cpu_init_el2(void);

/* traps.c */
void hyp_host_sync(struct hyp_regs *regs);
void hyp_bad_exception(struct hyp_regs *regs, u64 vector);

/* quiesce.c */
void hyp_core_enter(void);
void hyp_core_exit(void);
void hyp_quiesce_begin(void);
void hyp_quiesce_end(void);

/* psci.c */
void hyp_psci_init(void);
void hyp_psci_handle(struct hyp_regs *regs);
void __attribute__((noreturn)) hyp_psci_system_off(void);

/* hypercalls.c */
void hyp_hvc_handle(struct hyp_regs *regs);
int hyp_handle_arg(u64 x);
bool hyp_host_shared_with_hyp(u64 pfn);

/* selftest.c, selftest_guest.c */
void hyp_selftest(void);
void hyp_selftest_pages(u64 *pfns, unsigned int nr);
void hyp_selftest_guest(void);

/* arch.c */
void hyp_clean_dcache_poc(u64 va, u64 size);

/* lib.c: the C library subset, declared in libfdt_env.h */
extern unsigned long __stack_chk_guard;
void __attribute__((noreturn)) __stack_chk_fail(void);

#endif /* __ASSEMBLER__ */

#endif /* S2OWN_HYP_H */
