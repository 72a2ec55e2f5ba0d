/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypervisor tracing: the events, their classes and the per-CPU ring
 * buffer the hypervisor writes them into (docs/tracing.md).
 *
 * The host gives each CPU a buffer of pages it shared with the hypervisor
 * (S2OWN_HC_HOST_SHARE_HYP, then S2OWN_HC_TRACE_BUFFER on that CPU) and
 * switches event classes on and off (S2OWN_HC_TRACE_ENABLE). The first
 * page starts with struct s2own_trace_header; fixed-size records follow
 * it, S2OWN_TRACE_HEADER_SIZE bytes in, to the end of the last page. The
 * hypervisor is the only writer of every field but @tail, which the host
 * writes; it keeps its own copy of everything and rewrites the header's,
 * so what the host scribbles there changes nothing but what it reads back.
 * All fields little-endian, naturally aligned.
 */
#ifndef S2OWN_TRACE_ABI_H
#define S2OWN_TRACE_ABI_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

/*
 * Event ids; each is also its own class: S2OWN_TRACE_CLASS(id) is its bit
 * in the mask S2OWN_HC_TRACE_ENABLE takes. The record fields each uses:
 *
 *  id  event        info          vm     result  nr        addr     arg
 *   1  host_fault   level mapped  -      0/-err  -         IPA      -
 *   2  transition   call (HC nr)  VM     result  pages     pfn      gfn
 *   3  split        level         VMID   -       -         IPA      old entry
 *   4  coalesce     level         VMID   -       -         IPA      new entry
 *   5  table_alloc  -             -      -       -         table PA pages free
 *   6  table_free   -             -      -       -         table PA pages free
 *   7  tlbi         kind          VMID   -       level     IPA      size
 *   8  scrub        -             -      -       pages     pfn      -
 *   9  vcpu_enter   vCPU          VM     -       -         guest PC -
 *  10  vcpu_exit    vCPU          VM     exc.    exit      guest PC ESR_EL2
 *
 * "-" fields are 0. addr and arg are S2OWN_TRACE_NONE where a call has no
 * pfn (relinquish, VM calls) or no gfn (every call but donate_guest and
 * relinquish). nr saturates at 0xffffffff. vm is 0xff for a handle
 * outside 0..S2OWN_MAX_VMS.
 */
#define S2OWN_TEV_HOST_FAULT		1
#define S2OWN_TEV_TRANSITION		2
#define S2OWN_TEV_SPLIT			3
#define S2OWN_TEV_COALESCE		4
#define S2OWN_TEV_TABLE_ALLOC		5
#define S2OWN_TEV_TABLE_FREE		6
#define S2OWN_TEV_TLBI			7
#define S2OWN_TEV_SCRUB			8
#define S2OWN_TEV_VCPU_ENTER		9
#define S2OWN_TEV_VCPU_EXIT		10
#define S2OWN_TEV_MAX			10

#define S2OWN_TRACE_CLASS(ev)		(1U << (ev))
#define S2OWN_TRACE_ALL							\
	(((1U << (S2OWN_TEV_MAX + 1)) - 1) & ~1U)	/* 0x7fe */

/* transition: info is the call, the number of its hypercall (its id's low byte). */
#define S2OWN_TCALL_SHARE_HYP		0x01
#define S2OWN_TCALL_UNSHARE_HYP		0x02
#define S2OWN_TCALL_DONATE_HYP		0x03
#define S2OWN_TCALL_HYP_DONATE_HOST	0x04
#define S2OWN_TCALL_VM_CREATE		0x05	/* vm: the new handle */
#define S2OWN_TCALL_VM_DESTROY		0x06
#define S2OWN_TCALL_DONATE_GUEST	0x07
#define S2OWN_TCALL_RELINQUISH		0x08	/* the guest's MEM_RELINQUISH */
#define S2OWN_TCALL_RECLAIM_GUEST	0x09
#define S2OWN_TCALL_VCPU_CREATE		0x0d	/* result: the vCPU index */
#define S2OWN_TCALL_VM_TOPUP		0x0f
#define S2OWN_TCALL_GUEST_SHARE		0x10	/* the guest's MEM_SHARE */
#define S2OWN_TCALL_GUEST_UNSHARE	0x11	/* the guest's MEM_UNSHARE */

/* tlbi: info is the kind. */
#define S2OWN_TLBI_IPA			0	/* one entry: addr, level in nr */
#define S2OWN_TLBI_RANGE		1	/* a table's range: addr, size */
#define S2OWN_TLBI_VMID			2	/* a whole stage-2 */

/*
 * vcpu_exit: result is the exception that ended the guest's run (ESR_EL2
 * says more of a synchronous one), nr the exit the host gets
 * (S2OWN_EXIT_*), or 0 when the hypervisor served it and the guest runs
 * on.
 */
#define S2OWN_TEXC_SYNC			0
#define S2OWN_TEXC_IRQ			1
#define S2OWN_TEXC_FIQ			2
#define S2OWN_TEXC_SERROR		3

#define S2OWN_TRACE_NONE		(~0ULL)

struct s2own_trace_record {
	uint64_t ts;		/* CNTPCT_EL0 (= the host's CNTVCT_EL0) */
	uint8_t event;		/* S2OWN_TEV_* */
	uint8_t info;
	uint8_t vm;
	int8_t result;
	uint32_t nr;
	uint64_t addr;
	uint64_t arg;
};

#define S2OWN_TRACE_MAGIC		0x454352544e574f32ULL	/* "2OWNTRCE" */
#define S2OWN_TRACE_VERSION		1
#define S2OWN_TRACE_HEADER_SIZE		128
/* Pages of one CPU's buffer: 1 .. S2OWN_TRACE_MAX_PAGES (2 MiB). */
#define S2OWN_TRACE_MAX_PAGES		512

/*
 * Record i (counting from 0 since the buffer was registered) is in slot
 * i % nr_records, at S2OWN_TRACE_HEADER_SIZE + slot * record_size. Records
 * [tail, head) are there to read; the hypervisor drops a record, counting
 * it in @lost, rather than write into [tail, tail + nr_records) past head.
 */
struct s2own_trace_header {
	uint64_t magic;		/* S2OWN_TRACE_MAGIC */
	uint32_t version;	/* S2OWN_TRACE_VERSION */
	uint32_t header_size;	/* S2OWN_TRACE_HEADER_SIZE */
	uint32_t record_size;	/* sizeof(struct s2own_trace_record) */
	uint32_t cpu;		/* the hypervisor's id of the CPU */
	uint64_t nr_records;	/* slots */
	uint64_t head;		/* hypervisor: records written */
	uint64_t lost;		/* hypervisor: records dropped, buffer full */
	uint64_t pad0[2];
	/* Its own cache line: the host writes it, the hypervisor reads it. */
	uint64_t tail;		/* host: records consumed */
	uint64_t pad1[7];
};

#endif /* S2OWN_TRACE_ABI_H */
