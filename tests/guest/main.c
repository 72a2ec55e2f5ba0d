// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPU 0's C entry: check the state the hypervisor started the vCPU in,
 * then run the mode the VMM asked for in the boot arg.
 */
#include "guest.h"

/* SCTLR_EL1 at reset (docs/guests.md, "Boot"): MMU and caches off. */
#define SCTLR_EL1_RESET		0x30d00800UL
#define CURRENTEL_EL1		(1 << 2)
#define DAIF_ALL		(0xf << 6)
#define MPIDR_RES1		(1UL << 31)

/* guest_check_entry()'s bits: FAIL_BOOT's detail. */
#define BOOT_GPRS		(1 << 0)	/* x1..x30 not all zero */
#define BOOT_SCTLR		(1 << 1)
#define BOOT_DAIF		(1 << 2)	/* not all masked */
#define BOOT_EL			(1 << 3)	/* not EL1h */
#define BOOT_MPIDR		(1 << 4)	/* not bit 31 | the index */

/**
 * guest_check_entry() - check the state a vCPU came up in.
 * @vcpu: its index, MPIDR_EL1.Aff0
 * @leaked: x1 | ... | x30 at the entry (start.S)
 *
 * Return: 0, or the BOOT_* bits of what is wrong.
 */
u64 guest_check_entry(unsigned int vcpu, u64 leaked)
{
	u64 bad = 0;

	if (leaked)
		bad |= BOOT_GPRS;
	if (read_sysreg(sctlr_el1) != SCTLR_EL1_RESET)
		bad |= BOOT_SCTLR;
	if ((read_sysreg(daif) & DAIF_ALL) != DAIF_ALL)
		bad |= BOOT_DAIF;
	if (read_sysreg(currentel) != CURRENTEL_EL1 || read_sysreg(spsel) != 1)
		bad |= BOOT_EL;
	if (read_sysreg(mpidr_el1) != (MPIDR_RES1 | vcpu))
		bad |= BOOT_MPIDR;
	return bad;
}

static const struct {
	const char *name;
	void (*run)(u64 seed) __noreturn;
} modes[S2OWN_GUEST_NR_MODES] = {
	[S2OWN_GUEST_MODE_FULL] = { "full", guest_mode_full },
	[S2OWN_GUEST_MODE_SPIN] = { "spin", guest_mode_spin },
	[S2OWN_GUEST_MODE_HVC] = { "hvc", guest_mode_hvc },
	[S2OWN_GUEST_MODE_SYSREG] = { "sysreg", guest_mode_sysreg },
	[S2OWN_GUEST_MODE_MMIO] = { "mmio", guest_mode_mmio },
	[S2OWN_GUEST_MODE_WFI] = { "wfi", guest_mode_wfi },
	[S2OWN_GUEST_MODE_LOOP] = { "loop", guest_mode_loop },
	[S2OWN_GUEST_MODE_GARBAGE] = { "garbage", guest_mode_garbage },
	[S2OWN_GUEST_MODE_RANDOM] = { "random", guest_mode_random },
	[S2OWN_GUEST_MODE_EXEC_MMIO] = { "exec-mmio", guest_mode_exec_mmio },
	[S2OWN_GUEST_MODE_SHARE] = { "share", guest_mode_share },
	[S2OWN_GUEST_MODE_FUZZ] = { "fuzz", guest_mode_fuzz },
};

/*
 * Zero .bss before anything reads it; the VMM's pages may hold anything.
 * The stacks are not in it. Post-index stores: the first touch of pages
 * the VMM did not donate yet faults with no syndrome, in RAM.
 */
static void zero_bss(void)
{
	volatile u64 *p;

	for (p = (volatile u64 *)__bss_start; p < (volatile u64 *)__bss_end; p++)
		*p = 0;
}

/**
 * guest_main() - vCPU 0's C entry (start.S).
 * @arg: the boot arg, S2OWN_GUEST_ARG(mode, seed)
 * @leaked: x1 | ... | x30 at the entry
 */
void guest_main(u64 arg, u64 leaked)
{
	u64 mode = S2OWN_GUEST_ARG_MODE(arg), bad;

	zero_bss();
	bad = guest_check_entry(0, leaked);
	guest_printf("s2own-guest: vCPU 0 up, mode %lu (%s), image 0x%lx..0x%lx, MPIDR 0x%lx SCTLR 0x%lx\n",
		     mode, mode < ARRAY_SIZE(modes) ? modes[mode].name : "?",
		     (u64)_start, (u64)__image_end, read_sysreg(mpidr_el1),
		     read_sysreg(sctlr_el1));
	if (bad)
		guest_fail(S2OWN_GUEST_FAIL_BOOT, bad);
	if (mode >= ARRAY_SIZE(modes)) {
		guest_fail(S2OWN_GUEST_FAIL_MODE, mode);
		guest_finish(0, 0);
	}
	modes[mode].run(S2OWN_GUEST_ARG_SEED(arg));
}
