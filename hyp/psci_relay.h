/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PSCI relay's per-CPU state machine (psci_relay.c): where a CPU that
 * the host starts (CPU_ON) or powers down (CPU_SUSPEND, SYSTEM_SUSPEND)
 * enters the host when it comes back through the hypervisor. Portable: the
 * hypervisor (psci.c) and the host explorer (tests/explore/) build the
 * same file, the firmware call being a hook.
 *
 * Two sets of arguments per CPU, as pKVM keeps them: those of a CPU_ON,
 * which any CPU may write and a lock serialises, and those of a power-down
 * suspend, which only the CPU itself writes. Which one a CPU reads on its
 * way back is told by where the firmware starts it (two entry points), not
 * by state another CPU could change.
 */
#ifndef S2OWN_HYP_PSCI_RELAY_H
#define S2OWN_HYP_PSCI_RELAY_H

#include "../ownership/types.h"

#define PSCI_RET_SUCCESS	0
#define PSCI_RET_NOT_SUPPORTED	(-1)
#define PSCI_RET_INVALID_PARAMS	(-2)
#define PSCI_RET_ALREADY_ON	(-4)
#define PSCI_RET_ON_PENDING	(-5)

/* Where the host wants a CPU to start, and whether someone does. */
struct psci_boot_args {
	u32 pending;	/* CPU_ON: held from the call until the CPU reads */
	u32 pad;
	u64 entry;
	u64 ctx;
};

struct psci_relay_cpu {
	struct psci_boot_args on;	/* CPU_ON: by any CPU, under .pending */
	struct psci_boot_args suspend;	/* power-down suspend: by itself */
};

/* How a CPU came back to EL2: the firmware's entry point it started at. */
enum psci_relay_entry {
	PSCI_ENTRY_CPU_ON,
	PSCI_ENTRY_RESUME,
};

/* What the relay needs from the machine. */
struct psci_relay_ops {
	/* An SMC to the firmware: x0..x3 in, x0 out. */
	s64 (*call)(u64 fn, u64 a1, u64 a2, u64 a3);
	/* Make @size bytes at @p visible to a CPU with its MMU off. */
	void (*clean)(const void *p, u64 size);
	/* The firmware entry points of each kind, and the context id. */
	u64 entry[2];
};

s64 psci_relay_cpu_on(const struct psci_relay_ops *ops,
		      struct psci_relay_cpu *target, u64 target_id, u32 fn,
		      u64 mpidr, u64 entry, u64 ctx);
s64 psci_relay_powerdown(const struct psci_relay_ops *ops,
			 struct psci_relay_cpu *self, u64 self_id, u32 fn,
			 u64 a1, bool a1_is_state, u64 entry, u64 ctx);
int psci_relay_entered(struct psci_relay_cpu *self,
		       enum psci_relay_entry how, u64 *entry, u64 *ctx);

#endif /* S2OWN_HYP_PSCI_RELAY_H */
