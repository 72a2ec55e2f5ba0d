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

/* Assembly and linker scripts see the constants only. */
#ifndef __ASSEMBLER__
#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif
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
/* 0x08 was the host's GUEST_RELINQUISH (ABI 1.x): unknown since 2.0. */
#define S2OWN_HC_HOST_RECLAIM_GUEST	S2OWN_HC64(0x09)
/* Introspection. */
#define S2OWN_HC_DUMP			S2OWN_HC64(0x0a)
#define S2OWN_HC_PAGE_QUERY		S2OWN_HC64(0x0b)
/* Debug: run the invariant checker with the other CPUs held off. */
#define S2OWN_HC_CHECK			S2OWN_HC64(0x0c)
/* Protected guests that run (docs/guests.md). */
#define S2OWN_HC_VCPU_CREATE		S2OWN_HC64(0x0d)
#define S2OWN_HC_VCPU_RUN		S2OWN_HC64(0x0e)
/* Pages for a VM's stage-2 tables (docs/guests.md, "Who pays"). */
#define S2OWN_HC_VM_TOPUP		S2OWN_HC64(0x0f)
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
#define S2OWN_MAX_VMS			255	/* 8-bit VMIDs, one each */
#define S2OWN_MAX_VCPUS			8

/* S2OWN_HC_REVISION: x0 = major, x1 = minor. */
#define S2OWN_REVISION_MAJOR		2
#define S2OWN_REVISION_MINOR		0

/* x0 (status), then errors in x1 as negative values. */
#define S2OWN_RET_SUCCESS		0
#define S2OWN_RET_NOT_SUPPORTED		(-1)
/* Error numbers: the Linux values, so the driver can pass them on. */
#define S2OWN_EPERM			1
#define S2OWN_ENOENT			2
#define S2OWN_EAGAIN			11
#define S2OWN_ENOMEM			12
#define S2OWN_EFAULT			14	/* the guest's calls only */
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

#ifndef __ASSEMBLER__
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
#endif

/* Run kinds: enum s2o_run_kind in ownership/s2own.h takes these. */
#define S2OWN_RUN_INVALID		0
#define S2OWN_RUN_BLOCK			1
#define S2OWN_RUN_PAGE			2
#define S2OWN_RUN_LOCKED		3

#ifndef __ASSEMBLER__
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
#endif

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
#define S2OWN_EXIT_RELINQUISH		9	/* x3: gfn, x4: pages given up */
#define S2OWN_EXIT_TOPUP		10	/* x3: table pages the VM needs */

/*
 * Table pages one change of a VM's stage-2 takes at most, for a range in
 * one 1G block of gfns: a level-2 and a level-3 table, and a level-1 one
 * if the gfns are new. A host that keeps this many in the cache
 * (S2OWN_HC_VM_TOPUP) never sees a donation of up to 2M, or a
 * relinquish, fail for want of one.
 */
#define S2OWN_TOPUP_PAGES		4

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
 * A guest's memory calls: KVM's vendor hypervisor service, as pKVM's
 * protected guests speak it (Linux's Documentation/virt/kvm/arm/
 * hypercalls.rst; docs/guests.md). x0 comes back 0, or SMCCC's
 * NOT_SUPPORTED (-1) or INVALID_PARAMETER (-3).
 */
#define S2OWN_KVM_UID_W0		0xb66fb428U	/* 28b46fb6-2ec5-11e9- */
#define S2OWN_KVM_UID_W1		0xe911c52eU	/* a9ca-4b564d003a74 */
#define S2OWN_KVM_UID_W2		0x564bcaa9U
#define S2OWN_KVM_UID_W3		0x743a004dU
#define S2OWN_KVM_FEATURES		S2OWN_HC32(0x00)	/* 0x86000000 */
#define S2OWN_KVM_HYP_MEMINFO		S2OWN_HC64(0x02)	/* 0xc6000002 */
#define S2OWN_KVM_MEM_SHARE		S2OWN_HC64(0x03)	/* x1 IPA, x2 pages */
#define S2OWN_KVM_MEM_UNSHARE		S2OWN_HC64(0x04)
#define S2OWN_KVM_MEM_RELINQUISH	S2OWN_HC64(0x09)
#define S2OWN_SMCCC_INVALID_PARAMETER	(-3)

/*
 * Calls between the in-tree guest (tests/guest/) and s2own-vmm (vmm/):
 * HVCs the hypervisor hands to the host as S2OWN_EXIT_HVC. Vendor
 * hypervisor service range, numbers 0x1000.., clear of KVM's. The VMM
 * answers x0 = 0 (S2OWN_RET_SUCCESS) to these, and x0 = -1
 * (S2OWN_RET_NOT_SUPPORTED) to any HVC it does not know.
 */
#define S2OWN_VMM_CALL(n)		S2OWN_HC32(0x1000 + (n))
/* x1 = length (0..32), x2..x5 = the bytes, x2's low byte first. */
#define S2OWN_VMM_PUTS			S2OWN_VMM_CALL(0)
/* x1 = 0 pass / else a failure code, x2 = checksum, x3 = detail. */
#define S2OWN_VMM_RESULT		S2OWN_VMM_CALL(1)
/*
 * x1 = first IPA, x2 = bytes, x3 = the guest's checksum: the host tries
 * to read and write those guest pages now (each try must be refused).
 * Answer: x1 = tries, x2 = tries refused (the guest only prints them).
 */
#define S2OWN_VMM_CHECKPOINT		S2OWN_VMM_CALL(2)
/*
 * The ring page the guest shares with its VMM (mode SHARE): x1 = its IPA,
 * x2 = the message's sequence number, x3 = its length. The guest's
 * message is at offset 0 of the page, the VMM's reply at
 * S2OWN_RING_REPLY; byte k of message s is S2OWN_RING_BYTE(0, s, k), of
 * its reply S2OWN_RING_BYTE(1, s, k). Answer: x1 = the reply's length,
 * x2 = the FNV-1a checksum (bytewise, S2OWN_GUEST_CSUM_*) of the message
 * as the VMM read it.
 */
#define S2OWN_VMM_RING			S2OWN_VMM_CALL(3)
/*
 * x1 = first IPA, x2 = pages the guest relinquished there. Answer: x1 =
 * of those, the pages the VMM reclaimed, x2 = those that read zero.
 */
#define S2OWN_VMM_RECLAIMED		S2OWN_VMM_CALL(4)
/*
 * Mode FUZZ. Answer: x1 = guest calls to make in all, x2 = the seed, x3 =
 * 1 if the VMM gave every fuzz page before the first run.
 */
#define S2OWN_VMM_FUZZ_START		S2OWN_VMM_CALL(5)
/*
 * Mode FUZZ, after every S2OWN_GUEST_FUZZ_CHECK_EVERY guest calls: x1 =
 * calls so far, x2 = the IPA of the caller's slice, x3 = the mask of its
 * pages the guest shared, x4 = of those it owns alone (the rest: given
 * up, or given again by the host). The VMM runs the invariant checker,
 * then checks each page of the slice. Answer: x1 = the checker's result
 * (0 or -errno), x2 = pages whose state disagreed.
 */
#define S2OWN_VMM_FUZZ_CHECK		S2OWN_VMM_CALL(6)
/*
 * Mode FUZZ, at the end: x1 = calls, x2 = ok, x3 = NOT_SUPPORTED, x4 =
 * INVALID_PARAMETER, x5 = unexpected results.
 */
#define S2OWN_VMM_FUZZ_REPORT		S2OWN_VMM_CALL(7)
#define S2OWN_VMM_PUTS_MAX		32

/* The ring page's layout and contents (S2OWN_VMM_RING). */
#define S2OWN_RING_REPLY		0x800
#define S2OWN_RING_MAX			0x400	/* bytes of a message */
#define S2OWN_RING_MESSAGES		8
#define S2OWN_RING_LEN(dir, seq)	(96 + 64 * (seq) + 8 * (dir))
#define S2OWN_RING_BYTE(dir, seq, k)	((uint8_t)((seq) * 0x3b + (k) * 7 + \
						   (dir) * 0x80 + 1))

/*
 * The in-tree guest's machine (docs/guests.md, "The in-tree guest"). The
 * VMM gives it exactly S2OWN_GUEST_RAM_SIZE of RAM at S2OWN_GUEST_RAM_BASE,
 * loads s2own-guest.bin at the RAM base (its first byte is the entry),
 * creates S2OWN_GUEST_NR_VCPUS vCPUs and boots vCPU 0 with x0 =
 * S2OWN_GUEST_ARG(mode, seed). Every IPA outside RAM is MMIO.
 */
#define S2OWN_GUEST_RAM_BASE		0x80000000
#define S2OWN_GUEST_RAM_SIZE		0x01000000	/* 16 MiB */
#define S2OWN_GUEST_IMAGE_MAX		0x00100000	/* image and .bss */
#define S2OWN_GUEST_NR_VCPUS		4

/* vCPU n fills [SECRET_BASE + n * SECRET_STRIDE, + SECRET_PAGES pages). */
#define S2OWN_GUEST_SECRET_BASE		0x80100000
#define S2OWN_GUEST_SECRET_STRIDE	0x00010000
#define S2OWN_GUEST_SECRET_PAGES	16
/* The 64-bit word at IPA a of vCPU n's secret pages. */
#define S2OWN_GUEST_SECRET		0x5ec2e7d00dfeed00ULL
#define S2OWN_GUEST_PATTERN(a, n)	(((uint64_t)(a) * 0x9e3779b97f4a7c15ULL) \
					 ^ (S2OWN_GUEST_SECRET + (n)))
/*
 * RESULT's checksum in mode FULL: FNV-1a over little-endian 64-bit words
 * (h ^= w; h *= PRIME) of s2own-guest.bin, then of vCPU 0's secret pages.
 */
#define S2OWN_GUEST_CSUM_INIT		0xcbf29ce484222325ULL
#define S2OWN_GUEST_CSUM_PRIME		0x00000100000001b3ULL

/*
 * Pages the VMM must not donate in advance: each one's first touch is one
 * MEM_FAULT (even pages are first read, odd ones first written).
 */
#define S2OWN_GUEST_FRESH_BASE		0x80800000
#define S2OWN_GUEST_FRESH_STRIDE	0x00010000
#define S2OWN_GUEST_FRESH_PAGES		32

/*
 * Mode SHARE: the ring page it shares with its VMM, a page it leaves
 * shared at power-off (each word S2OWN_GUEST_LEFT_WORD), and the pages it
 * relinquishes (the VMM donates all of them up front).
 */
#define S2OWN_GUEST_RING		0x80c00000
#define S2OWN_GUEST_LEFT		0x80c01000
#define S2OWN_GUEST_LEFT_WORD		0x1ef75a7ed5a7ed00ULL
#define S2OWN_GUEST_GIVEUP_BASE		0x80c10000
#define S2OWN_GUEST_GIVEUP_PAGES	16

/*
 * Mode FUZZ: its pages, one slice of S2OWN_GUEST_FUZZ_SLICE pages per
 * vCPU, then S2OWN_GUEST_FUZZ_SHARED pages all vCPUs race on, up to the
 * end of RAM. The invariant checker every S2OWN_GUEST_FUZZ_CHECK_EVERY
 * guest calls.
 */
#define S2OWN_GUEST_FUZZ_BASE		0x80f00000
#define S2OWN_GUEST_FUZZ_SLICE		32
#define S2OWN_GUEST_FUZZ_SHARED		128
#define S2OWN_GUEST_FUZZ_CHECK_EVERY	1000

/*
 * The VMM's MMIO device: ID reads S2OWN_GUEST_DEV_MAGIC, SCRATCH reads the
 * data the last write handed over, as it came (0 at first), at any access
 * size. Every other MMIO read, device or not, answers all ones; every
 * other write is ignored.
 */
#define S2OWN_GUEST_DEV_BASE		0x10000000
#define S2OWN_GUEST_DEV_SIZE		0x1000
#define S2OWN_GUEST_DEV_ID		0x0
#define S2OWN_GUEST_DEV_SCRATCH		0x8
#define S2OWN_GUEST_DEV_MAGIC		0x73326f77	/* "s2ow" */

/* vCPU 0's x0: the mode in bits [7:0], a seed above them. */
#define S2OWN_GUEST_ARG(mode, seed)	((uint64_t)(mode) | \
					 (uint64_t)(seed) << 8)
#define S2OWN_GUEST_ARG_MODE(arg)	((arg) & 0xff)
#define S2OWN_GUEST_ARG_SEED(arg)	((arg) >> 8)
#define S2OWN_GUEST_MODE_FULL		0	/* RESULT, SYSTEM_OFF */
#define S2OWN_GUEST_MODE_SPIN		1	/* every vCPU spins */
#define S2OWN_GUEST_MODE_HVC		2	/* RESULT, SYSTEM_OFF */
#define S2OWN_GUEST_MODE_SYSREG		3	/* RESULT, SYSTEM_OFF */
#define S2OWN_GUEST_MODE_MMIO		4	/* RESULT, then STOPPED */
#define S2OWN_GUEST_MODE_WFI		5	/* RESULT, then WFX forever */
#define S2OWN_GUEST_MODE_LOOP		6	/* RESULT, then a branch to self */
#define S2OWN_GUEST_MODE_GARBAGE	7	/* RESULT, then runs 0xff words */
#define S2OWN_GUEST_MODE_RANDOM		8	/* RESULT, then random words */
#define S2OWN_GUEST_MODE_EXEC_MMIO	9	/* RESULT, then STOPPED */
#define S2OWN_GUEST_MODE_SHARE		10	/* RESULT, SYSTEM_OFF */
#define S2OWN_GUEST_MODE_FUZZ		11	/* RESULT, SYSTEM_OFF */
#define S2OWN_GUEST_NR_MODES		12

/* RESULT x1: 0 pass, else the first failure; x3 its detail (docs). */
#define S2OWN_GUEST_FAIL_BOOT		1	/* entry state */
#define S2OWN_GUEST_FAIL_SECRET		2	/* a secret page's word */
#define S2OWN_GUEST_FAIL_CHECKSUM	3	/* changed across CHECKPOINT */
#define S2OWN_GUEST_FAIL_FRESH		4	/* a fresh page lost a write */
#define S2OWN_GUEST_FAIL_PSCI		5	/* an unexpected PSCI answer */
#define S2OWN_GUEST_FAIL_VCPU		6	/* a secondary vCPU's checks */
#define S2OWN_GUEST_FAIL_TIMEOUT	7	/* vCPUs that never went off */
#define S2OWN_GUEST_FAIL_COUNTER	8	/* the shared atomic counter */
#define S2OWN_GUEST_FAIL_MMIO		9	/* the device's answers */
#define S2OWN_GUEST_FAIL_FPSIMD		10	/* V registers lost */
#define S2OWN_GUEST_FAIL_EXCEPTION	11	/* unexpected; x2 = ELR_EL1 */
#define S2OWN_GUEST_FAIL_PROBE		12	/* hostile probes: their mask */
#define S2OWN_GUEST_FAIL_MODE		13	/* no such mode */
#define S2OWN_GUEST_FAIL_DISCOVER	14	/* UID, FEATURES, MEMINFO */
#define S2OWN_GUEST_FAIL_SHARE		15	/* a memory call's answer */
#define S2OWN_GUEST_FAIL_RING		16	/* the VMM's reply */
#define S2OWN_GUEST_FAIL_GIVEUP		17	/* pages not back, not zero */
#define S2OWN_GUEST_FAIL_FUZZ		18	/* unexpected results */

/*
 * /dev/s2own, the VMM's interface (KVM style): CREATE_VM on the device
 * gives a VM fd; on it CREATE_VCPU gives vCPU fds, DONATE gives the VM a
 * range of the VMM's own memory, RECLAIM takes back what the guest
 * relinquished (all of it once DESTROY_VM has run); RUN on a vCPU fd
 * runs it to its next exit that the VMM must serve (docs/guests.md).
 */
#if (defined(__KERNEL__) || __STDC_HOSTED__) && !defined(__ASSEMBLER__)
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
	uint64_t donated;	/* out: pages now the guest's, from the first:
				 * nr, or on an error what stays donated */
};

struct s2own_reclaim {
	uint64_t gfn;		/* the guest's range, [gfn, gfn + nr); */
	uint64_t nr;		/* nr 0 (and gfn 0): all of the VM */
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
#define S2OWN_DONATE		_IOWR(S2OWN_IOCTL, 0x02, struct s2own_donation)
#define S2OWN_DESTROY_VM	_IO(S2OWN_IOCTL, 0x03)
#define S2OWN_RECLAIM		_IOWR(S2OWN_IOCTL, 0x04, struct s2own_reclaim)
#define S2OWN_RUN		_IOWR(S2OWN_IOCTL, 0x05, struct s2own_run)
#endif

#endif /* S2OWN_ABI_H */
