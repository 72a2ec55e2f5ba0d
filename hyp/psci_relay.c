// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PSCI relay's per-CPU state machine (psci_relay.h), after pKVM's
 * psci-relay.c.
 *
 * CPU_ON: the caller takes the target's .on.pending (acquire), writes the
 * host's entry and context, and asks the firmware to start the target at
 * the hypervisor's CPU_ON entry. The target reads them and only then
 * releases .pending (release): the next CPU_ON's acquire of it cannot let
 * that caller overwrite them before they were read. A refused call
 * (ALREADY_ON, say) releases it at once. A CPU_ON aimed at a CPU that is
 * on, or suspended, which PSCI counts as on, gets ALREADY_ON from the
 * firmware and touches nothing of that CPU's resume.
 *
 * Power-down suspend: the CPU writes its own .suspend and asks the
 * firmware to resume it at the hypervisor's resume entry. No other CPU
 * writes .suspend, so nothing orders it against other CPUs; the cache
 * clean makes it visible to the CPU itself once it comes back with its
 * MMU and caches off. If the firmware returns instead, the CPU clears its
 * own .suspend.pending again.
 *
 * The entries and contexts are written and read once (relaxed atomics,
 * plain accesses at EL2) so that the explorer sees every access.
 */
#include "psci_relay.h"
#include "../ownership/atomic.h"

/**
 * psci_relay_cpu_on() - relay the host's CPU_ON.
 * @ops: the firmware and the entry points.
 * @target: the target CPU's relay state.
 * @target_id: its logical id: the context id the firmware gives back.
 * @fn: the function id the host used (CPU_ON, 32 or 64 bits).
 * @mpidr: the target's MPIDR, for the firmware.
 * @entry: where the host wants it to start.
 * @ctx: the context id the host wants it to get in x0.
 *
 * Return: the firmware's answer, or ON_PENDING while another CPU_ON of
 * the same target has not been read by it yet.
 */
s64 psci_relay_cpu_on(const struct psci_relay_ops *ops,
		      struct psci_relay_cpu *target, u64 target_id, u32 fn,
		      u64 mpidr, u64 entry, u64 ctx)
{
	u32 idle = 0;
	s64 ret;

	if (!s2o_try_cmpxchg_acquire(&target->on.pending, &idle, 1))
		return PSCI_RET_ON_PENDING;
	s2o_write_once(&target->on.entry, entry);
	s2o_write_once(&target->on.ctx, ctx);
	/* The target reads them with its MMU, and caches, still off. */
	ops->clean(&target->on, sizeof(target->on));
	ret = ops->call(fn, mpidr, ops->entry[PSCI_ENTRY_CPU_ON], target_id);
	if (ret != PSCI_RET_SUCCESS)
		s2o_store_release(&target->on.pending, 0);
	return ret;
}

/**
 * psci_relay_powerdown() - relay a power-down CPU_SUSPEND or a
 * SYSTEM_SUSPEND of the calling CPU.
 * @ops: the firmware and the entry points.
 * @self: the calling CPU's relay state.
 * @self_id: its logical id: the context id the firmware gives back.
 * @fn: the function id the host used.
 * @a1: CPU_SUSPEND's power state, if @a1_is_state.
 * @a1_is_state: CPU_SUSPEND (else SYSTEM_SUSPEND, which has none).
 * @entry: where the host wants the CPU to resume.
 * @ctx: the context id the host wants it to get in x0.
 *
 * Return: the firmware's answer if it returned (it did not power down);
 * after a power-down the CPU comes back through the resume entry instead.
 */
s64 psci_relay_powerdown(const struct psci_relay_ops *ops,
			 struct psci_relay_cpu *self, u64 self_id, u32 fn,
			 u64 a1, bool a1_is_state, u64 entry, u64 ctx)
{
	u64 resume = ops->entry[PSCI_ENTRY_RESUME];
	s64 ret;

	s2o_write_once(&self->suspend.entry, entry);
	s2o_write_once(&self->suspend.ctx, ctx);
	s2o_write_once(&self->suspend.pending, 1);
	ops->clean(&self->suspend, sizeof(self->suspend));
	if (a1_is_state)
		ret = ops->call(fn, a1, resume, self_id);
	else
		ret = ops->call(fn, resume, self_id, 0);
	/* Back here: the firmware did not power down (or refused). */
	s2o_write_once(&self->suspend.pending, 0);
	return ret;
}

/**
 * psci_relay_entered() - a CPU came back to EL2 through a relay's entry
 * point: where does the host want it?
 * @self: its relay state.
 * @how: the entry point it came through.
 * @entry: set to where it enters the host.
 * @ctx: set to the host's context id for x0.
 *
 * Return: 0, or -1 if nobody asked for this (a firmware that starts CPUs
 * on its own): the caller stops.
 */
int psci_relay_entered(struct psci_relay_cpu *self,
		       enum psci_relay_entry how, u64 *entry, u64 *ctx)
{
	struct psci_boot_args *args = how == PSCI_ENTRY_CPU_ON ? &self->on :
								 &self->suspend;

	if (!s2o_load_acquire(&args->pending))
		return -1;
	*entry = s2o_read_once(&args->entry);
	*ctx = s2o_read_once(&args->ctx);
	/* Read before released: the next CPU_ON may write them then. */
	s2o_store_release(&args->pending, 0);
	return 0;
}
