// SPDX-License-Identifier: GPL-2.0-only
/*
 * Running a vCPU (docs/guests.md): S2OWN_HC_VCPU_RUN until the vCPU exits
 * for a reason its VMM must serve.
 *
 * The hypervisor returns to the host for each of the host's interrupts
 * that arrives while the guest runs (S2OWN_EXIT_IRQ): the interrupt is
 * still pending when the HVC returns, so Linux takes it right there, and
 * the driver enters the guest again without going back to the VMM. Between
 * two entries it gives the CPU away if the scheduler wants it and stops
 * with -EINTR if a signal is pending: a guest that spins forever keeps
 * neither the CPU nor its VMM thread.
 *
 * The answer to the vCPU's last exit goes with every entry: the hypervisor
 * applies it to the exit it answers and ignores it after an IRQ exit.
 *
 * A RELINQUISH exit says the guest gave pages up: the books mark them
 * (vm.c) before the VMM hears of it, so its RECLAIM finds them
 * reclaimable, and no other way makes a live guest's page so. A TOPUP
 * exit asks for pages for the VM's tables: the driver gives them, as it
 * does for a donation, and enters the guest again, which makes its call
 * again; the VMM never sees it.
 *
 * One run of a vCPU at a time (bit 0 of vcpu->running, else -EBUSY); the
 * VM is held from the first entry to the last (s2own_vm_run_begin()), so
 * it cannot be destroyed while any of its vCPUs runs, and the handle the
 * run uses cannot change owner meanwhile.
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>

#include "drv.h"

/* Enter the vCPU until it exits for its VMM, an error, or a signal. */
static long run_loop(struct s2own_vcpu *vcpu, int handle,
		     struct s2own_run *run)
{
	struct arm_smccc_1_2_regs args = {
		.a0 = S2OWN_HC_VCPU_RUN, .a1 = handle, .a2 = vcpu->index,
		.a3 = run->answer[0], .a4 = run->answer[1],
		.a5 = run->answer[2], .a6 = run->answer[3],
	};
	struct s2own_vcpu_counts *c = &vcpu->counts;
	struct arm_smccc_1_2_regs res;
	unsigned long reason;
	long ret;

	for (;;) {
		if (signal_pending(current)) {
			c->interrupted++;
			return -EINTR;
		}
		ret = s2own_hvc_1_2(&args, &res);
		c->entries++;
		if (ret) {
			c->errors++;
			return res.a0 == S2OWN_RET_NOT_SUPPORTED ? -EOPNOTSUPP :
								   ret;
		}
		reason = res.a2;
		c->exits[reason < S2OWN_NR_EXITS ? reason : 0]++;
		if (reason == S2OWN_EXIT_RELINQUISH)
			s2own_vm_relinquished(vcpu->vm, res.a3, res.a4);
		if (reason == S2OWN_EXIT_TOPUP) {
			ret = s2own_vm_topped_up(vcpu->vm);
			if (ret)
				return ret;
		} else if (reason != S2OWN_EXIT_IRQ) {
			break;
		} else {
			run->irq_exits++;
		}
		cond_resched();
	}
	run->exit_reason = reason;
	run->exit[0] = res.a3;
	run->exit[1] = res.a4;
	run->exit[2] = res.a5;
	run->exit[3] = res.a6;
	run->exit[4] = res.a7;
	run->exit[5] = res.a8;
	return 0;
}

/**
 * s2own_vcpu_run() - run a vCPU until it exits for its VMM.
 * @vcpu: the vCPU
 * @run: in: the answer to its last exit; out: the exit (reason and
 *       registers) and the host interrupts served meanwhile. Out fields
 *       are zero on an error, but irq_exits.
 *
 * Return: 0; -EBUSY if the vCPU runs already; -ENOENT if its VM is
 * destroyed; -EINTR if a signal is pending; -EOPNOTSUPP if the hypervisor
 * lacks the call; or the hypervisor's errno.
 */
int s2own_vcpu_run(struct s2own_vcpu *vcpu, struct s2own_run *run)
{
	int handle;
	long ret;

	run->exit_reason = 0;
	memset(run->exit, 0, sizeof(run->exit));
	run->irq_exits = 0;
	if (test_and_set_bit_lock(0, &vcpu->running))
		return -EBUSY;
	handle = s2own_vm_run_begin(vcpu->vm);
	if (handle < 0) {
		ret = handle;
	} else {
		vcpu->counts.runs++;
		ret = run_loop(vcpu, handle, run);
		s2own_vm_run_end(vcpu->vm);
	}
	clear_bit_unlock(0, &vcpu->running);
	return ret;
}
