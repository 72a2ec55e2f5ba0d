/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The in-tree guest's part of abi/s2own_abi.h, as drafted on the guest's
 * branch, until that lands on main: only what is not defined yet. Goes
 * when the branch is merged.
 */
#ifndef S2OWN_ABI_PENDING_H
#define S2OWN_ABI_PENDING_H

#ifndef S2OWN_GUEST_RAM_BASE
#define S2OWN_VMM_CHECKPOINT		S2OWN_VMM_CALL(2)
#define S2OWN_GUEST_RAM_BASE		0x80000000
#define S2OWN_GUEST_RAM_SIZE		0x01000000
#define S2OWN_GUEST_IMAGE_MAX		0x00100000
#define S2OWN_GUEST_NR_VCPUS		4
#define S2OWN_GUEST_FRESH_BASE		0x80800000
#define S2OWN_GUEST_FRESH_STRIDE	0x00010000
#define S2OWN_GUEST_FRESH_PAGES		32
#define S2OWN_GUEST_DEV_BASE		0x10000000
#define S2OWN_GUEST_DEV_SIZE		0x1000
#define S2OWN_GUEST_DEV_ID		0x0
#define S2OWN_GUEST_DEV_SCRATCH		0x8
#define S2OWN_GUEST_DEV_MAGIC		0x73326f77
#define S2OWN_GUEST_ARG(mode, seed)	((uint64_t)(mode) | \
					 (uint64_t)(seed) << 8)
#define S2OWN_GUEST_MODE_FULL		0
#define S2OWN_GUEST_MODE_SPIN		1
#define S2OWN_GUEST_MODE_HVC		2
#define S2OWN_GUEST_MODE_SYSREG		3
#define S2OWN_GUEST_MODE_MMIO		4
#define S2OWN_GUEST_MODE_WFI		5
#define S2OWN_GUEST_MODE_LOOP		6
#define S2OWN_GUEST_MODE_GARBAGE	7
#define S2OWN_GUEST_MODE_RANDOM		8
#define S2OWN_GUEST_MODE_EXEC_MMIO	9
#define S2OWN_GUEST_NR_MODES		10
#endif

#endif /* S2OWN_ABI_PENDING_H */
