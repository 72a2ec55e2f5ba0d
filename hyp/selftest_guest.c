// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot-time selftest of running a guest: a VM with one vCPU runs the
 * program in selftest_guest_code.S through the host's own hypercall entry,
 * hyp_hvc_handle(), and every exit is checked: a VMM call and its answer, a stage-2
 * fault served by a donation, an MMIO store and load, PSCI and FP served
 * at EL2 on the way, power-off, and that a stopped VM never runs again.
 * Then the VM is destroyed and its three pages come back zeroed.
 */
#include "hyp.h"
#include "vcpu.h"
#include "../ownership/s2own.h"

extern const char selftest_guest[], selftest_guest_end[];

#define GFN		0x80000UL	/* where the guest runs */
#define MMIO		0x10000000UL

static void fail(const char *what, u64 want, u64 got)
{
	hyp_panic("guest selftest: %s: expected %lx, got %lx", what, want,
		  got);
}

static void expect(const char *what, u64 want, u64 got)
{
	if (want != got)
		fail(what, want, got);
}

/* A hypercall as the host makes it: @r's x0..x5 in; x1 is returned. */
static s64 call(struct hyp_regs *r, u64 fn, u64 a1, u64 a2, u64 a3, u64 a4,
		u64 a5)
{
	*r = (struct hyp_regs){ .x = { fn, a1, a2, a3, a4, a5 } };
	hyp_hvc_handle(r);
	expect("SMCCC status", S2OWN_RET_SUCCESS, r->x[0]);
	return (s64)r->x[1];
}

/* Run the vCPU with @answer; check the exit's reason and first words. */
static void run(int vm, u64 answer, u64 reason, u64 a, u64 b)
{
	struct hyp_regs r;

	expect("VCPU_RUN", 0,
	       (u64)call(&r, S2OWN_HC_VCPU_RUN, (u64)vm, 0, answer, 0, 0));
	expect("exit reason", reason, r.x[2]);
	expect("exit x3", a, r.x[3]);
	expect("exit x4", b, r.x[4]);
}

static void expect_zero(u64 pfn)
{
	const u64 *p = (const u64 *)(pfn << S2O_PAGE_SHIFT);

	for (int i = 0; i < 512; i++)
		expect("reclaimed page", 0, p[i]);
}

/**
 * hyp_selftest_guest() - run the selftest guest; panics on a failure.
 *
 * On the boot CPU, its EL2 set up for the host, before the host runs.
 */
void hyp_selftest_guest(void)
{
	u64 pages[5 + S2OWN_TOPUP_PAGES], code, state, demand, vm_pfn, cache;
	struct hyp_regs r;
	int vm;

	/* Highest first: pages[i + 1] is the page before pages[i]. */
	hyp_selftest_pages(pages, 5 + S2OWN_TOPUP_PAGES);
	code = pages[0];
	state = pages[1];
	demand = pages[2];
	vm_pfn = pages[4];
	cache = pages[4 + S2OWN_TOPUP_PAGES];
	expect("VM_CREATE, entry outside RAM", (u64)-S2OWN_EINVAL,
	       (u64)call(&r, S2OWN_HC_VM_CREATE, GFN, 16, 0, 0, 0));
	vm = (int)call(&r, S2OWN_HC_VM_CREATE, GFN, 16, GFN << S2O_PAGE_SHIFT,
		       41, vm_pfn);
	expect("VM handle", 1, vm >= 1 && vm <= S2O_MAX_VMS);
	expect("VM_TOPUP", 0, (u64)call(&r, S2OWN_HC_VM_TOPUP, (u64)vm, cache,
					 S2OWN_TOPUP_PAGES, 0, 0));
	memcpy((void *)(code << S2O_PAGE_SHIFT), selftest_guest,
	       (size_t)(selftest_guest_end - selftest_guest));
	expect("donate code", 0, (u64)s2o_host_donate_guest(vm, code, GFN, 1));
	expect("VCPU_CREATE", 0,
	       (u64)call(&r, S2OWN_HC_VCPU_CREATE, (u64)vm, state, 0, 0, 0));
	expect("VCPU_CREATE on a used page", (u64)-S2OWN_EPERM,
	       (u64)call(&r, S2OWN_HC_VCPU_CREATE, (u64)vm, state, 0, 0, 0));
	expect("VCPU_RUN, no such vCPU", (u64)-S2OWN_EINVAL,
	       (u64)call(&r, S2OWN_HC_VCPU_RUN, (u64)vm, 1, 0, 0, 0));

	run(vm, 0, S2OWN_EXIT_HVC, S2OWN_VMM_RESULT, 42);
	/* PSCI and FP at EL2, then the write to the page not given yet. */
	run(vm, 0x1234, S2OWN_EXIT_MEM_FAULT, GFN + 1, S2OWN_FAULT_WRITE);
	expect("donate on demand", 0,
	       (u64)s2o_host_donate_guest(vm, demand, GFN + 1, 1));
	run(vm, 0, S2OWN_EXIT_MMIO, MMIO, 8);
	run(vm, 0, S2OWN_EXIT_MMIO, MMIO + 8, 4);
	/* The load's answer is cut to 32 bits; the guest reports. */
	expect("VCPU_RUN", 0, (u64)call(&r, S2OWN_HC_VCPU_RUN, (u64)vm, 0,
					 0xfeedfacedeadbeefUL, 0, 0));
	expect("report", S2OWN_EXIT_HVC, r.x[2]);
	expect("PSCI version", 0x10001, r.x[4]);
	expect("FP round trip", 0x1234, r.x[5]);
	expect("MMIO load, 32 bits", 0xdeadbeef, r.x[6]);
	run(vm, 0, S2OWN_EXIT_SYSTEM_EVENT, S2OWN_SYSTEM_OFF, 0);
	/* Stopped for good: the same exit, the guest does not run. */
	run(vm, 0, S2OWN_EXIT_SYSTEM_EVENT, S2OWN_SYSTEM_OFF, 0);

	expect("VM_DESTROY", 0, (u64)s2o_vm_destroy(vm));
	expect("VCPU_RUN after destroy", (u64)-S2OWN_ENOENT,
	       (u64)call(&r, S2OWN_HC_VCPU_RUN, (u64)vm, 0, 0, 0, 0));
	expect("reclaim code", 0, (u64)s2o_host_reclaim_guest(code, 1));
	expect("reclaim vCPU state", 0, (u64)s2o_host_reclaim_guest(state, 1));
	expect("reclaim demand page", 0,
	       (u64)s2o_host_reclaim_guest(demand, 1));
	expect("reclaim the VM's pages", 0,
	       (u64)s2o_host_reclaim_guest(vm_pfn, 2));
	expect("reclaim its tables", 0,
	       (u64)s2o_host_reclaim_guest(cache, S2OWN_TOPUP_PAGES));
	expect_zero(code);
	expect_zero(state);
	expect_zero(demand);
	hyp_info("guest selftest passed: hvc, psci, fp, demand fault, mmio, "
		 "power-off\n");
}
