/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The s2own ABI: what crosses a boundary between the hypervisor and its
 * users. The EL2 image, the ownership core, the host driver and the test
 * and measurement modules all include this one header; it holds only ids,
 * constants and packed formats, and builds in the kernel, at EL2 and in
 * host userspace alike.
 *
 * Hypercalls:
 *
 * All calls are SMCCC 1.1 fast calls issued with HVC #0 from the host's
 * EL1, in the vendor-specific hypervisor service range (owner 6). Function
 * id in x0, arguments in x1..x4. As in pKVM, x0 comes back as the SMCCC
 * status: S2OWN_RET_SUCCESS, or S2OWN_RET_NOT_SUPPORTED (-1) for an id the
 * hypervisor does not know; x1 is then the call's result (0, a VM handle,
 * or a negative Linux errno) and x2, x3 its outputs. The UID and revision
 * queries follow SMCCC instead (results in x0..x3). docs/hypercalls.md
 * documents every call.
 */
#ifndef S2OWN_ABI_H
#define S2OWN_ABI_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

/*
 * The hypervisor hides its memory from the host as the no-map node
 * /reserved-memory/s2own-hyp@<base> of the DTB it passes on.
 */
#define S2OWN_DT_NODE			"s2own-hyp"

/* SMCCC function ids: fast call, owner 6 (vendor hypervisor). */
#define S2OWN_SMCCC_FAST		0x80000000U
#define S2OWN_SMCCC_64			0x40000000U
#define S2OWN_SMCCC_OWNER_VENDOR_HYP	(6U << 24)
#define S2OWN_HC32(n)	(S2OWN_SMCCC_FAST | S2OWN_SMCCC_OWNER_VENDOR_HYP | (n))
#define S2OWN_HC64(n)	(S2OWN_HC32(n) | S2OWN_SMCCC_64)

/* Standard vendor-hyp queries (SMCCC 1.1, section 6). */
#define S2OWN_HC_CALL_UID		S2OWN_HC32(0xff01)	/* 0x8600ff01 */
#define S2OWN_HC_REVISION		S2OWN_HC32(0xff03)	/* 0x8600ff03 */

/* Ownership transitions on pfn ranges. */
#define S2OWN_HC_HOST_SHARE_HYP		S2OWN_HC64(0x01)	/* 0xc6000001 */
#define S2OWN_HC_HOST_UNSHARE_HYP	S2OWN_HC64(0x02)
#define S2OWN_HC_HOST_DONATE_HYP	S2OWN_HC64(0x03)
#define S2OWN_HC_HYP_DONATE_HOST	S2OWN_HC64(0x04)
#define S2OWN_HC_VM_CREATE		S2OWN_HC64(0x05)
#define S2OWN_HC_VM_DESTROY		S2OWN_HC64(0x06)
#define S2OWN_HC_HOST_DONATE_GUEST	S2OWN_HC64(0x07)
#define S2OWN_HC_GUEST_RELINQUISH	S2OWN_HC64(0x08)
#define S2OWN_HC_HOST_RECLAIM_GUEST	S2OWN_HC64(0x09)
/* Introspection. */
#define S2OWN_HC_DUMP			S2OWN_HC64(0x0a)
#define S2OWN_HC_PAGE_QUERY		S2OWN_HC64(0x0b)
/* Debug: run the invariant checker with the other CPUs held off. */
#define S2OWN_HC_CHECK			S2OWN_HC64(0x0c)
/* Protected guests that run (docs/guests.md). */
#define S2OWN_HC_VCPU_CREATE		S2OWN_HC64(0x0d)
#define S2OWN_HC_VCPU_RUN		S2OWN_HC64(0x0e)
/* Tracing (docs/tracing.md, the formats in s2own_trace.h). */
#define S2OWN_HC_TRACE_BUFFER		S2OWN_HC64(0x20)	/* 0xc6000020 */
#define S2OWN_HC_TRACE_ENABLE		S2OWN_HC64(0x21)

/*
 * S2OWN_HC_CALL_UID returns this UUID, 36634eeb-053a-490d-b02d-a00774552ba4,
 * as four 32-bit words, byte 0 of the UUID in bits [7:0] of x0 (the
 * encoding KVM uses for its own UUID).
 */
#define S2OWN_UID_W0			0xeb4e6336U
#define S2OWN_UID_W1			0x0d493a05U
#define S2OWN_UID_W2			0x07a02db0U
#define S2OWN_UID_W3			0xa42b5574U

/* VM handles are 1..S2OWN_MAX_VMS; a VM's vCPUs 0..S2OWN_MAX_VCPUS - 1. */
#define S2OWN_MAX_VMS			32
#define S2OWN_MAX_VCPUS			8

/* S2OWN_HC_REVISION: x0 = major, x1 = minor. */
#define S2OWN_REVISION_MAJOR		1
#define S2OWN_REVISION_MINOR		3

/* x0 (status), then errors in x1 as negative values. */
#define S2OWN_RET_SUCCESS		0
#define S2OWN_RET_NOT_SUPPORTED		(-1)
/* Error numbers: the Linux values, so the driver can pass them on. */
#define S2OWN_EPERM			1
#define S2OWN_ENOENT			2
#define S2OWN_EAGAIN			11
#define S2OWN_ENOMEM			12
#define S2OWN_EBUSY			16
#define S2OWN_ENODEV			19
#define S2OWN_EINVAL			22

/*
 * S2OWN_HC_PAGE_QUERY packs a page's state into x2 (x3 = owning VM):
 * owner in bits [7:0], host state [15:8], hyp state [23:16], guest state
 * [31:24], bit 32 set if the host may reclaim it.
 */
#define S2OWN_OWNER_HOST		0
#define S2OWN_OWNER_HYP			1
#define S2OWN_OWNER_GUEST		2
#define S2OWN_OWNER_NONE		3
#define S2OWN_PAGE_OWNED		0
#define S2OWN_PAGE_SHARED_OWNED		1
#define S2OWN_PAGE_SHARED_BORROWED	2
#define S2OWN_PAGE_NOPAGE		3
#define S2OWN_QUERY_OWNER(x)		((unsigned int)((x) & 0xff))
#define S2OWN_QUERY_HOST(x)		((unsigned int)(((x) >> 8) & 0xff))
#define S2OWN_QUERY_HYP(x)		((unsigned int)(((x) >> 16) & 0xff))
#define S2OWN_QUERY_GUEST(x)		((unsigned int)(((x) >> 24) & 0xff))
#define S2OWN_QUERY_RECLAIMABLE(x)	((unsigned int)(((x) >> 32) & 1))

/*
 * S2OWN_HC_DUMP writes, at the start of a buffer the host shared with the
 * hypervisor, a header followed by nr_runs run records. All fields
 * little-endian, naturally aligned.
 */
#define S2OWN_DUMP_MAGIC		0x504d55444e574f32ULL	/* "2OWNDUMP" */
#define S2OWN_DUMP_VERSION		1

/*
 * The hypervisor's counters, in the order they are reported: one list
 * that the struct, the dump and the driver's text all follow.
 */
#define S2OWN_STATS(X)							\
	X(table_pages_used)						\
	X(table_pages_free)						\
	X(splits)		/* block -> table */			\
	X(coalesces)		/* table -> block or empty */		\
	X(host_faults)							\
	X(host_faults_refused)						\
	X(tlbi_ipa)							\
	X(tlbi_range)							\
	X(tlbi_vmid)							\
	X(pages_scrubbed)

struct s2own_stats {
#define S2OWN_STATS_FIELD(name) uint64_t name;
	S2OWN_STATS(S2OWN_STATS_FIELD)
#undef S2OWN_STATS_FIELD
};

struct s2own_dump_header {
	uint64_t magic;		/* S2OWN_DUMP_MAGIC */
	uint32_t version;	/* S2OWN_DUMP_VERSION */
	uint32_t header_size;	/* sizeof(struct s2own_dump_header) */
	uint32_t run_size;	/* sizeof(struct s2own_dump_run) */
	int32_t handle;		/* 0: host stage 2, else the VM's handle */
	uint64_t nr_runs;	/* records that follow the header */
	uint64_t total_runs;	/* records the walk produced (> nr_runs:
				 * the buffer was too small) */
	struct s2own_stats stats;
};

/* Run kinds: enum s2o_run_kind in ownership/s2own.h takes these. */
#define S2OWN_RUN_INVALID		0
#define S2OWN_RUN_BLOCK			1
#define S2OWN_RUN_PAGE			2
#define S2OWN_RUN_LOCKED		3

struct s2own_dump_run {
	uint64_t start;		/* first IPA */
	uint64_t end;		/* exclusive */
	uint64_t attrs;		/* leaf descriptor bits other than the OA */
	uint64_t nr_entries;
	uint32_t level;
	uint32_t kind;		/* S2OWN_RUN_* */
	uint32_t owner;		/* for S2OWN_RUN_INVALID: annotated owner */
	uint32_t reserved;
};

/*
 * S2OWN_HC_VCPU_RUN: x1 = VM, x2 = vCPU, x3..x6 = the answer to the
 * vCPU's previous exit (below). It returns when the vCPU exits: x1 = 0 or
 * -errno, x2 = why (S2OWN_EXIT_*), x3..x8 = what the exit hands over, all
 * in registers (SMCCC 1.2): nothing is written to host memory.
 */
#define S2OWN_EXIT_HVC			1	/* x3..x8: guest x0..x5 */
#define S2OWN_EXIT_MEM_FAULT		2	/* x3: gfn, x4: S2OWN_FAULT_* */
#define S2OWN_EXIT_MMIO			3	/* x3: IPA, x4: size, x5: write,
						 * x6: data written */
#define S2OWN_EXIT_WFX			4	/* x3: 0 WFI, 1 WFE */
#define S2OWN_EXIT_IRQ			5	/* a host interrupt: nothing */
#define S2OWN_EXIT_SYSTEM_EVENT		6	/* x3: S2OWN_SYSTEM_* */
#define S2OWN_EXIT_VCPU_OFF		7	/* powered off: run it later */
#define S2OWN_EXIT_STOPPED		8	/* x3: ESR_EL2, x4: S2OWN_STOP_* */

/* S2OWN_EXIT_MEM_FAULT access kinds (bits of x4). */
#define S2OWN_FAULT_WRITE		(1U << 0)
#define S2OWN_FAULT_EXEC		(1U << 1)
#define S2OWN_FAULT_S1PTW		(1U << 2)	/* the guest's table walk */

/* S2OWN_EXIT_SYSTEM_EVENT: the guest's PSCI call. The VM is stopped. */
#define S2OWN_SYSTEM_OFF		0
#define S2OWN_SYSTEM_RESET		1

/* S2OWN_EXIT_STOPPED: why the hypervisor stopped the VM. */
#define S2OWN_STOP_MMIO_UNDECODED	1	/* outside RAM, no syndrome */
#define S2OWN_STOP_EXEC_OUTSIDE_RAM	2	/* instruction fetch from MMIO */
#define S2OWN_STOP_ABORT		3	/* a stage-2 abort s2own can't serve */
#define S2OWN_STOP_SERROR		4
#define S2OWN_STOP_BAD_STATE		5	/* e.g. an ERET to EL2 attempted */

/*
 * Calls between the in-tree guest (tests/guest/) and s2own-vmm (vmm/):
 * HVCs the hypervisor hands to the host as S2OWN_EXIT_HVC. Vendor
 * hypervisor service range, numbers 0x1000.., clear of KVM's.
 */
#define S2OWN_VMM_CALL(n)		S2OWN_HC32(0x1000 + (n))
/* x1 = length (0..32), x2..x5 = the bytes, x2's low byte first. */
#define S2OWN_VMM_PUTS			S2OWN_VMM_CALL(0)
/* x1 = 0 pass / else a failure code, x2 = checksum, x3 = detail. */
#define S2OWN_VMM_RESULT		S2OWN_VMM_CALL(1)
#define S2OWN_VMM_PUTS_MAX		32

/*
 * /dev/s2own, the VMM's interface (KVM style): CREATE_VM on the device
 * gives a VM fd; on it CREATE_VCPU gives vCPU fds, DONATE gives the VM a
 * range of the VMM's own memory, DESTROY_VM and RECLAIM take it down;
 * RUN on a vCPU fd runs it to its next exit that the VMM must serve.
 */
#if defined(__KERNEL__) || __STDC_HOSTED__
#include <linux/ioctl.h>

struct s2own_vm_params {
	uint64_t ram_gfn;	/* the guest's RAM: [ram_gfn, + ram_nr) */
	uint64_t ram_nr;	/* 0: every gfn is RAM (no MMIO exits) */
	uint64_t entry;		/* IPA where vCPU 0 starts */
	uint64_t boot_arg;	/* vCPU 0's x0 */
};

struct s2own_donation {
	uint64_t uaddr;		/* page-aligned VMM memory */
	uint64_t gfn;		/* where the VM sees its first page */
	uint64_t nr;		/* pages */
};

struct s2own_reclaim {
	uint64_t pages;		/* out: pages given back, zeroed */
};

struct s2own_run {
	uint32_t exit_reason;	/* out: S2OWN_EXIT_* */
	uint32_t pad;
	uint64_t exit[6];	/* out: x3..x8 of the exit */
	uint64_t answer[4];	/* in: x3..x6, the answer to the last exit */
	uint64_t irq_exits;	/* out: host interrupts served meanwhile */
};

#define S2OWN_IOCTL			0xb2
#define S2OWN_CREATE_VM		_IOW(S2OWN_IOCTL, 0x00, struct s2own_vm_params)
#define S2OWN_CREATE_VCPU	_IO(S2OWN_IOCTL, 0x01)
#define S2OWN_DONATE		_IOW(S2OWN_IOCTL, 0x02, struct s2own_donation)
#define S2OWN_DESTROY_VM	_IO(S2OWN_IOCTL, 0x03)
#define S2OWN_RECLAIM		_IOR(S2OWN_IOCTL, 0x04, struct s2own_reclaim)
#define S2OWN_RUN		_IOWR(S2OWN_IOCTL, 0x05, struct s2own_run)
#endif

#endif /* S2OWN_ABI_H */
