// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tracing at EL2: the backend of ownership/trace.h. Each CPU writes its
 * events into its own ring buffer, pages the host shared with the
 * hypervisor and named with S2OWN_HC_TRACE_BUFFER on that CPU; the host
 * reads them (docs/tracing.md has the protocol, abi/s2own_trace.h the
 * formats).
 *
 * The host owns those pages and may write anything into them at any time,
 * so nothing the hypervisor does depends on what it reads there but the
 * read index, @tail, and that is checked: the hypervisor keeps the buffer's
 * place, size, write index and losses to itself (struct trace_buf),
 * writes only inside the pages, and a @tail that makes no sense reads as a
 * full buffer: records are dropped and counted, never written elsewhere.
 * The writer never waits for the host; a full buffer drops the record.
 *
 * Each buffer has a lock, taken by its CPU around each record, and by the
 * two calls that change what the buffer is: S2OWN_HC_TRACE_BUFFER on that
 * CPU, and S2OWN_HC_HOST_UNSHARE_HYP on any CPU (hyp_trace_release()),
 * which detaches every buffer on a page it unshares before the page stops
 * being shared. Both run under hypercalls.c's shared_buf_lock, so a buffer
 * cannot be registered on a page between the release and the unshare. The
 * lock is only ever held for a few stores, by the hypervisor: a writer
 * spins on it at most that long. Lock order: shared_buf_lock, then a
 * buffer's lock; a writer holds nothing else of ours (it may hold the
 * core's claims and descriptor locks, which neither call takes).
 */
#include "hyp.h"
#include "sysreg.h"
#include "trace.h"
#include "../ownership/s2own.h"
#include "../ownership/trace.h"

#define RECORD_SIZE	sizeof(struct s2own_trace_record)

_Static_assert(sizeof(struct s2own_trace_header) == S2OWN_TRACE_HEADER_SIZE,
	       "the header is its size");
_Static_assert(sizeof(struct s2own_trace_record) == 32, "32-byte records");

/* One CPU's buffer, as the hypervisor knows it; the host never sees this. */
struct trace_buf {
	hyp_spinlock_t lock;
	u32 cpu;
	struct s2own_trace_header *hdr;	/* NULL: no buffer */
	u64 pfn, nr_pages;
	u64 nr_records;
	u64 head;		/* records written */
	u64 slot;		/* head % nr_records */
	u64 lost;		/* records dropped: buffer full */
	u64 missed;		/* events while there was no buffer */
} __attribute__((aligned(64)));

static struct trace_buf bufs[HYP_MAX_CPUS];

static struct trace_buf *this_buf(void)
{
	return &bufs[this_cpu()->id];
}

/**
 * s2o_arch_trace() - record one event in this CPU's buffer.
 * @ev: S2OWN_TEV_*
 * @info: the record's fields (abi/s2own_trace.h)
 * @vm: ...
 * @result: ...
 * @nr: ...
 * @addr: ...
 * @arg: ...
 *
 * The timestamp is CNTPCT_EL0, which equals the host's CNTVCT_EL0
 * (CNTVOFF_EL2 is 0 for the host and for guests alike).
 */
void s2o_arch_trace(u8 ev, u8 info, u8 vm, s8 result, u32 nr, u64 addr,
		    u64 arg)
{
	struct trace_buf *b = this_buf();
	struct s2own_trace_record *r;
	struct s2own_trace_header *hdr;
	u64 ts = read_sysreg(cntpct_el0), tail;

	hyp_spin_lock(&b->lock);
	hdr = b->hdr;
	if (!hdr) {
		b->missed++;
		goto out;
	}
	/*
	 * The host's read index: its reads of the slots before it are done
	 * (it stored it with release). Anything outside [head - nr_records,
	 * head] wraps to more than nr_records here: full.
	 */
	tail = __atomic_load_n(&hdr->tail, __ATOMIC_ACQUIRE);
	if (b->head - tail >= b->nr_records) {
		b->lost++;
		__atomic_store_n(&hdr->lost, b->lost, __ATOMIC_RELAXED);
		/* A head the host scribbled over comes back, full or not. */
		__atomic_store_n(&hdr->head, b->head, __ATOMIC_RELEASE);
		goto out;
	}
	r = (struct s2own_trace_record *)((u64)hdr + S2OWN_TRACE_HEADER_SIZE +
					  b->slot * RECORD_SIZE);
	r->ts = ts;
	r->event = ev;
	r->info = info;
	r->vm = vm;
	r->result = result;
	r->nr = nr;
	r->addr = addr;
	r->arg = arg;
	b->head++;
	if (++b->slot == b->nr_records)
		b->slot = 0;
	/* The record before the index that says it is there. */
	__atomic_store_n(&hdr->head, b->head, __ATOMIC_RELEASE);
out:
	hyp_spin_unlock(&b->lock);
}

/**
 * hyp_trace_buffer() - S2OWN_HC_TRACE_BUFFER: this CPU's trace buffer.
 * @pfn: its first page
 * @nr: its pages, 1..S2OWN_TRACE_MAX_PAGES, each shared with the
 *      hypervisor; 0: no buffer (stop writing to the one there was)
 * @nr_records: set to the records it holds
 * @cpu: set to this CPU's id, the header's cpu
 *
 * Replaces the CPU's buffer, if it had one. The hypervisor writes the
 * whole header, tail included, then records from index 0. Called with
 * shared_buf_lock held: no page can stop being shared meanwhile.
 *
 * Return: 0; -EINVAL for too many pages or a range past the IPA space;
 * -EPERM if a page is not shared with the hypervisor (nothing changed).
 */
int hyp_trace_buffer(u64 pfn, u64 nr, u64 *nr_records, u64 *cpu)
{
	struct trace_buf *b = this_buf();
	struct s2own_trace_header *hdr = NULL;
	u64 i;

	*cpu = this_cpu()->id;
	*nr_records = 0;
	if (nr > S2OWN_TRACE_MAX_PAGES ||
	    (nr && (pfn >= (1ULL << (S2O_IPA_BITS - S2O_PAGE_SHIFT)) ||
		    nr > (1ULL << (S2O_IPA_BITS - S2O_PAGE_SHIFT)) - pfn)))
		return -S2OWN_EINVAL;
	for (i = 0; i < nr; i++)
		if (!hyp_host_shared_with_hyp(pfn + i))
			return -S2OWN_EPERM;
	if (nr)
		hdr = (struct s2own_trace_header *)(pfn << S2O_PAGE_SHIFT);

	hyp_spin_lock(&b->lock);
	b->cpu = this_cpu()->id;
	b->hdr = hdr;
	b->pfn = pfn;
	b->nr_pages = nr;
	b->nr_records = (nr * SZ_4K - S2OWN_TRACE_HEADER_SIZE) / RECORD_SIZE;
	b->head = 0;
	b->slot = 0;
	b->lost = 0;
	if (hdr) {
		*hdr = (struct s2own_trace_header){
			.magic = S2OWN_TRACE_MAGIC,
			.version = S2OWN_TRACE_VERSION,
			.header_size = S2OWN_TRACE_HEADER_SIZE,
			.record_size = RECORD_SIZE,
			.cpu = b->cpu,
			.nr_records = b->nr_records,
		};
		*nr_records = b->nr_records;
	} else {
		b->nr_pages = 0;
		b->nr_records = 0;
	}
	hyp_spin_unlock(&b->lock);
	return 0;
}

/**
 * hyp_trace_enable() - S2OWN_HC_TRACE_ENABLE: the event classes recorded.
 * @mask: S2OWN_TRACE_CLASS() bits; 0 stops tracing
 * @old: set to the mask before
 *
 * Every CPU sees the new mask at its next event point; one without a
 * buffer only counts what it misses.
 *
 * Return: 0, or -EINVAL for a bit that is no class (nothing changed).
 */
int hyp_trace_enable(u64 mask, u64 *old)
{
	if (mask & ~(u64)S2OWN_TRACE_ALL)
		return -S2OWN_EINVAL;
	*old = __atomic_exchange_n(&s2o_trace_mask, (u32)mask,
				   __ATOMIC_SEQ_CST);
	return 0;
}

/**
 * hyp_trace_release() - before [@pfn, @pfn + @nr) stops being shared:
 * detach every buffer that has a page in it.
 * @pfn: first page
 * @nr: pages; any value (the unshare checks them after)
 *
 * Called with shared_buf_lock held, so no buffer changes but under it.
 * Taking a buffer's lock waits for a record being written to be done;
 * after, its CPU writes nothing more there. A release for an unshare
 * that then fails has still detached the buffers: the host asked to
 * take those pages back.
 */
void hyp_trace_release(u64 pfn, u64 nr)
{
	u64 end = pfn + nr < pfn ? ~0ULL : pfn + nr;
	unsigned int i;

	for (i = 0; i < HYP_MAX_CPUS; i++) {
		struct trace_buf *b = &bufs[i];

		if (!b->hdr || !nr || pfn >= b->pfn + b->nr_pages ||
		    b->pfn >= end)
			continue;
		hyp_spin_lock(&b->lock);
		b->hdr = NULL;
		b->nr_pages = 0;
		hyp_spin_unlock(&b->lock);
	}
}
