// SPDX-License-Identifier: GPL-2.0-only
/*
 * s2own_measure.ko: instruction counts of s2own hypercalls, for
 * `make measure` (mk/measure.mk; docs/measurements.md).
 *
 * /demo.d/90-measure.sh loads it in a boot under QEMU with
 * -icount shift=0,align=off,sleep=off, where the PMU's INST_RETIRED event
 * counts executed instructions exactly. It opens pinned perf counters on
 * one CPU that differ only in their exception-level filter:
 *
 *   total   INST_RETIRED, EL0 + EL1 + EL2 (exclude_hv = 0: the armv8 PMU
 *           driver sets PMEVTYPER.NSH when the kernel runs at EL1)
 *   el2     INST_RETIRED, EL2 only (exclude_kernel = exclude_user = 1)
 *   el1     INST_RETIRED, EL1 only (exclude_hv = exclude_user = 1)
 *   cycles  CPU_CYCLES (PMCCNTR), EL0 + EL1 + EL2: under -icount shift=0
 *           one instruction is one virtual nanosecond, so one cycle
 *
 * and reads the hardware counters directly (mrs PMEVCNTR<n>_EL0 of the
 * counter perf gave the event) around each measured call with interrupts
 * off: perf_event_read_value() sleeps and perf_event_read_local() is not
 * exported. Each figure is the counter's delta minus that of an empty
 * measured section, so what the reads themselves cost cancels out.
 *
 * Measured, all on one CPU (the step script offlines the others, whose
 * instructions QEMU's icount-based counter would otherwise also see):
 *
 *   hvc-revision, hvc-unknown  one HVC round trip (the HVC instruction and
 *           everything EL2 runs up to its ERET): a loop of HVCs minus the
 *           same loop without them, divided by the number of HVCs
 *   hvc-stub   the same against Linux's own hyp stub (a bare boot with
 *           virtualization=on; stub=1)
 *   vm-create, donate-4k, vm-destroy-4k, reclaim-4k  one page of a 2M
 *           chunk the host maps as a 2M block: the donation splits the
 *           block, the reclaim (after the VM is destroyed) scrubs the page
 *           and coalesces the table back into the block
 *   donate-2m, vm-destroy-2m, reclaim-2m  the whole 2M chunk
 *   fault-4k, fault-2m  one host stage-2 fault (a read of the chunk) that
 *           maps a 4K page, a 2M block: the entry is made empty first (two
 *           pages donated, one reclaimed: its level-3 entry; the whole chunk
 *           donated and reclaimed: its level-2 entry)
 *   the same with "-traced": every trace class on, a buffer for this CPU
 *           (docs/tracing.md), read between the calls; "<name>.events"
 *           says how many records the call wrote. Skipped where the
 *           hypervisor has no tracing.
 *   guest-exit  VCPU_RUN of a guest whose next instruction is a VMM call:
 *           the world switch into the guest and back out (a round trip)
 *   guest-el2-call  one guest HVC the hypervisor serves itself (PSCI
 *           VERSION): a run making 100 of them, less guest-exit, / 100
 *   vcpu-run-off  VCPU_RUN of a powered-off vCPU: the path up to the
 *           switch, without it
 *   guest-demand  a demand donation: the run that faults on a page not
 *           given yet, HOST_DONATE_GUEST of it, and the run that goes on
 *   guest-share, guest-unshare  the guest's own MEM_SHARE, MEM_UNSHARE of
 *           one page (its code page, the host's to read in between): a
 *           run making the call, less guest-exit
 *
 * Every line it prints starts with "S2OWN-MEASURE: ": "<name>.<counter>
 * <instructions>" (the median of the runs), "info ..." for context,
 * "error ..." for a failure, and "done errors=N" last. Everything is
 * given back before it returns: the VM destroyed, the pages reclaimed and
 * freed, the dump buffer unshared and freed, the counters released. The
 * measurement runs in module init; the script unloads the module again.
 */
#include <linux/arm-smccc.h>
#include <linux/compiler.h>
#include <linux/gfp.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/perf_event.h>
#include <linux/sched/clock.h>
#include <linux/sizes.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <asm/sysreg.h>

#include "s2own_abi.h"
#include "s2own_dt.h"
#include "s2own_trace.h"

#define PFX		"S2OWN-MEASURE: "
#define MAX_ITERS	16
#define MAX_TRIES	16		/* 2M chunks tried before giving up */
#define CHUNK_ORDER	9		/* 2 MiB */
#define CHUNK_PAGES	(1UL << CHUNK_ORDER)
#define DUMP_ORDER	4		/* 64 KiB: ~1300 runs */
#define GUEST_GFN	0x80000UL	/* guest IPA 2 GiB, 2M aligned */
#define HC_UNKNOWN	S2OWN_HC64(0x7ff)	/* an id s2own does not know */

static char *mode = "full";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "el: only report the exception levels; full: measure");
static bool stub;
module_param(stub, bool, 0444);
MODULE_PARM_DESC(stub,
		 "Linux's hyp stub is at EL2 (bare boot, virtualization=on): time its HVC");
static unsigned int iters = 5;
module_param(iters, uint, 0444);
MODULE_PARM_DESC(iters, "runs of each measurement, median reported (1..16)");
static unsigned int hvc_calls = 1000;
module_param(hvc_calls, uint, 0444);
MODULE_PARM_DESC(hvc_calls, "HVCs per round-trip loop");
static unsigned int cpu;
module_param(cpu, uint, 0444);
MODULE_PARM_DESC(cpu, "CPU to measure on");

static int errors;

#define fail(fmt, ...) do {						\
	pr_err(PFX "error " fmt "\n", ##__VA_ARGS__);			\
	errors++;							\
} while (0)

/* ---- counters ---------------------------------------------------------- */

enum { C_TOTAL, C_EL2, C_EL1, C_CYCLES, NR_CTR };

static const struct {
	const char *name;
	u64 config;
	bool excl_user, excl_kernel, excl_hv;
} ctr_spec[NR_CTR] = {
	[C_TOTAL]  = { "total",  PERF_COUNT_HW_INSTRUCTIONS, false, false, false },
	[C_EL2]    = { "el2",    PERF_COUNT_HW_INSTRUCTIONS, true,  true,  false },
	[C_EL1]    = { "el1",    PERF_COUNT_HW_INSTRUCTIONS, true,  false, true  },
	[C_CYCLES] = { "cycles", PERF_COUNT_HW_CPU_CYCLES,   false, false, false },
};

static struct perf_event *ctr_ev[NR_CTR];

/* perf's armv8 counter index: 0 is PMCCNTR, n + 1 is PMEVCNTR<n>. */
#define EVCNTR(n)	case (n) + 1: return read_sysreg(pmevcntr##n##_el0)
#define EVTYPER(n)	case (n) + 1: return read_sysreg(pmevtyper##n##_el0)

static __always_inline u64 read_hw_counter(int idx)
{
	switch (idx) {
	case 0: return read_sysreg(pmccntr_el0);
	EVCNTR(0);  EVCNTR(1);  EVCNTR(2);  EVCNTR(3);  EVCNTR(4);
	EVCNTR(5);  EVCNTR(6);  EVCNTR(7);  EVCNTR(8);  EVCNTR(9);
	EVCNTR(10); EVCNTR(11); EVCNTR(12); EVCNTR(13); EVCNTR(14);
	EVCNTR(15); EVCNTR(16); EVCNTR(17); EVCNTR(18); EVCNTR(19);
	EVCNTR(20); EVCNTR(21); EVCNTR(22); EVCNTR(23); EVCNTR(24);
	EVCNTR(25); EVCNTR(26); EVCNTR(27); EVCNTR(28); EVCNTR(29);
	EVCNTR(30);
	}
	return 0;
}

static u64 read_hw_filter(int idx)
{
	switch (idx) {
	case 0: return read_sysreg(pmccfiltr_el0);
	EVTYPER(0);  EVTYPER(1);  EVTYPER(2);  EVTYPER(3);  EVTYPER(4);
	EVTYPER(5);  EVTYPER(6);  EVTYPER(7);  EVTYPER(8);  EVTYPER(9);
	EVTYPER(10); EVTYPER(11); EVTYPER(12); EVTYPER(13); EVTYPER(14);
	EVTYPER(15); EVTYPER(16); EVTYPER(17); EVTYPER(18); EVTYPER(19);
	EVTYPER(20); EVTYPER(21); EVTYPER(22); EVTYPER(23); EVTYPER(24);
	EVTYPER(25); EVTYPER(26); EVTYPER(27); EVTYPER(28); EVTYPER(29);
	EVTYPER(30);
	}
	return 0;
}

/*
 * The counter index is read inside the interrupts-off section: perf may
 * move an event to another counter when it reschedules, never while
 * interrupts are off on its CPU.
 */
static __always_inline void snap(u64 *v)
{
	int i;

	isb();
	for (i = 0; i < NR_CTR; i++)
		v[i] = read_hw_counter(READ_ONCE(ctr_ev[i]->hw.idx));
	isb();
}

typedef void (*measured_fn)(void *arg);

/*
 * Counter deltas across fn(arg), interrupts off. Every measured section
 * runs exactly this code around its fn, so subtracting the deltas of an
 * empty fn leaves fn's own instructions. noinline + noclone: GCC must not
 * specialise a copy per fn. Deltas are taken modulo 2^32 (32-bit event
 * counters; nothing measured comes near 2^32).
 */
static noinline __noclone void measure_raw(measured_fn fn, void *arg,
					   u64 *delta)
{
	u64 a[NR_CTR], b[NR_CTR];
	unsigned long flags;
	int i;

	local_irq_save(flags);
	snap(a);
	fn(arg);
	snap(b);
	local_irq_restore(flags);
	for (i = 0; i < NR_CTR; i++)
		delta[i] = (u32)(b[i] - a[i]);
}

static noinline __noclone void do_nothing(void *arg)
{
	barrier();
}

static s64 baseline[NR_CTR];

/* Tracing on: this CPU's buffer, the suffix of the names, the records. */
static struct s2own_trace_header *thdr;
static const char *suffix = "";
static s64 last_events;

/* One measured call: its counts with the empty section's subtracted. */
static void measure_op(measured_fn fn, void *arg, s64 *out)
{
	u64 d[NR_CTR], head = 0;
	int i;

	if (thdr)
		head = READ_ONCE(thdr->head);
	measure_raw(fn, arg, d);
	for (i = 0; i < NR_CTR; i++)
		out[i] = (s64)d[i] - baseline[i];
	if (thdr) {
		last_events = READ_ONCE(thdr->head) - head;
		/* Read, as far as the hypervisor knows: room for the next. */
		smp_store_release(&thdr->tail, READ_ONCE(thdr->head));
	}
}

static int open_counters(void)
{
	int i;

	for (i = 0; i < NR_CTR; i++) {
		struct perf_event_attr attr = {
			.type = PERF_TYPE_HARDWARE,
			.size = sizeof(attr),
			.config = ctr_spec[i].config,
			.pinned = 1,
			.exclude_user = ctr_spec[i].excl_user,
			.exclude_kernel = ctr_spec[i].excl_kernel,
			.exclude_hv = ctr_spec[i].excl_hv,
		};
		struct perf_event *ev;

		ev = perf_event_create_kernel_counter(&attr, cpu, NULL, NULL,
						      NULL);
		if (IS_ERR(ev)) {
			fail("counter %s: perf_event_create_kernel_counter %ld%s",
			     ctr_spec[i].name, PTR_ERR(ev),
			     i != C_CYCLES ? " (INST_RETIRED needs QEMU -icount)" : "");
			return PTR_ERR(ev);
		}
		ctr_ev[i] = ev;
		if (ev->state != PERF_EVENT_STATE_ACTIVE) {
			fail("counter %s not active (state %d)",
			     ctr_spec[i].name, ev->state);
			return -EBUSY;
		}
	}
	return 0;
}

static void close_counters(void)
{
	int i;

	for (i = 0; i < NR_CTR; i++) {
		if (ctr_ev[i])
			perf_event_release_kernel(ctr_ev[i]);
		ctr_ev[i] = NULL;
	}
}

/* What perf programmed: event number and the P/U/NSK/NSU/NSH filter bits. */
static void show_counters(void)
{
	int i;

	for (i = 0; i < NR_CTR; i++) {
		int idx = READ_ONCE(ctr_ev[i]->hw.idx);
		u64 f = read_hw_filter(idx);

		pr_info(PFX "info counter %s idx %d %s filter 0x%08llx event 0x%llx P=%llu U=%llu NSH=%llu\n",
			ctr_spec[i].name, idx, idx ? "PMEVTYPER" : "PMCCFILTR",
			f, idx ? f & 0xffff : 0x11ULL, (f >> 31) & 1,
			(f >> 30) & 1, (f >> 27) & 1);
	}
}

/* ---- results ----------------------------------------------------------- */

static int cmp_s64(const void *a, const void *b)
{
	s64 x = *(const s64 *)a, y = *(const s64 *)b;

	return x < y ? -1 : x > y;
}

/* Counter c of n runs, sorted into out[]; returns the median. */
static s64 sort_runs(s64 (*v)[NR_CTR], unsigned int n, unsigned int c,
		     s64 *out)
{
	unsigned int k;

	for (k = 0; k < n; k++)
		out[k] = v[k][c];
	sort(out, n, sizeof(out[0]), cmp_s64, NULL);
	return out[n / 2];
}

/* Print the median over n runs of each counter, and the spread. */
static void report(const char *name, s64 (*v)[NR_CTR], unsigned int n)
{
	s64 med[NR_CTR], sorted[MAX_ITERS];
	unsigned int c;

	if (!n)
		return;
	for (c = 0; c < NR_CTR; c++) {
		med[c] = sort_runs(v, n, c, sorted);
		pr_info(PFX "%s.%s %lld\n", name, ctr_spec[c].name, med[c]);
		if (c == C_TOTAL)
			pr_info(PFX "info %s runs %u total min %lld max %lld\n",
				name, n, sorted[0], sorted[n - 1]);
	}
	if (med[C_TOTAL] != med[C_EL1] + med[C_EL2])
		pr_info(PFX "info %s total %lld != el1 %lld + el2 %lld\n",
			name, med[C_TOTAL], med[C_EL1], med[C_EL2]);
}

/* The median number of records a measured call wrote, when tracing. */
static void report_events(const char *name, const s64 *ev, unsigned int n)
{
	s64 sorted[MAX_ITERS];
	unsigned int k;

	if (!thdr || !n)
		return;
	for (k = 0; k < n; k++)
		sorted[k] = ev[k];
	sort(sorted, n, sizeof(sorted[0]), cmp_s64, NULL);
	pr_info(PFX "%s.events %lld\n", name, sorted[n / 2]);
}

/* ---- hypercalls -------------------------------------------------------- */

struct hcall {
	u32 id;
	unsigned long a1, a2, a3, a4;
	struct arm_smccc_res res;
};

static noinline __noclone void do_hcall(void *arg)
{
	struct hcall *c = arg;

	arm_smccc_1_1_hvc(c->id, c->a1, c->a2, c->a3, c->a4, &c->res);
}

/* x1 (0, a handle, -errno), or -EOPNOTSUPP if x0 says NOT_SUPPORTED. */
static long hc_result(const struct hcall *c)
{
	if (c->res.a0 != S2OWN_RET_SUCCESS)
		return -EOPNOTSUPP;
	return (long)c->res.a1;
}

static long hc(u32 id, unsigned long a1, unsigned long a2, unsigned long a3,
	       struct hcall *c)
{
	*c = (struct hcall){ .id = id, .a1 = a1, .a2 = a2, .a3 = a3 };
	do_hcall(c);
	return hc_result(c);
}

/* ---- HVC round trips ----------------------------------------------------- */

struct loop {
	unsigned long id, n;
};

/* n x { mov x0, id; hvc #0 }: the hypervisor may change x0..x3 only. */
static noinline __noclone void loop_hvc(void *arg)
{
	const struct loop *l = arg;
	unsigned long n = l->n, id = l->id;

	asm volatile("1:	mov	x0, %[id]\n"
		     "	hvc	#0\n"
		     "	subs	%[n], %[n], #1\n"
		     "	b.ne	1b\n"
		     : [n] "+r" (n)
		     : [id] "r" (id)
		     : "x0", "x1", "x2", "x3", "cc", "memory");
}

/* The same loop without the HVC. */
static noinline __noclone void loop_empty(void *arg)
{
	const struct loop *l = arg;
	unsigned long n = l->n, id = l->id;

	asm volatile("1:	mov	x0, %[id]\n"
		     "	subs	%[n], %[n], #1\n"
		     "	b.ne	1b\n"
		     : [n] "+r" (n)
		     : [id] "r" (id)
		     : "x0", "x1", "x2", "x3", "cc", "memory");
}

static s64 hvc_res[MAX_ITERS][NR_CTR];

static void measure_hvc(const char *name, unsigned long id)
{
	struct loop l = { .id = id, .n = hvc_calls };
	u64 with[NR_CTR], without[NR_CTR];
	unsigned int k, c;

	for (k = 0; k < iters; k++) {
		measure_raw(loop_hvc, &l, with);
		measure_raw(loop_empty, &l, without);
		for (c = 0; c < NR_CTR; c++)
			hvc_res[k][c] = DIV_ROUND_CLOSEST((s64)with[c] -
							  (s64)without[c],
							  (s64)hvc_calls);
		if (!k)
			pr_info(PFX "info %s loop of %u: total %llu, without the HVCs %llu\n",
				name, hvc_calls, with[C_TOTAL],
				without[C_TOTAL]);
	}
	report(name, hvc_res, iters);
}

/* ---- host stage-2 dumps (context for the donate/reclaim figures) ---------- */

static struct page *dump_pages;
static bool dump_shared;
#define DUMP_SIZE	(PAGE_SIZE << DUMP_ORDER)

static struct s2own_dump_header *dump_hdr(void)
{
	return page_address(dump_pages);
}

static int dump_init(void)
{
	struct hcall c;
	long ret;

	dump_pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, DUMP_ORDER);
	if (!dump_pages) {
		fail("no memory for the dump buffer");
		return -ENOMEM;
	}
	ret = hc(S2OWN_HC_HOST_SHARE_HYP, page_to_pfn(dump_pages),
		 1UL << DUMP_ORDER, 0, &c);
	if (ret) {
		fail("HOST_SHARE_HYP of the dump buffer: %ld", ret);
		__free_pages(dump_pages, DUMP_ORDER);
		dump_pages = NULL;
		return -EIO;
	}
	dump_shared = true;
	return 0;
}

static void dump_exit(void)
{
	struct hcall c;
	long ret;

	if (!dump_pages)
		return;
	if (dump_shared) {
		ret = hc(S2OWN_HC_HOST_UNSHARE_HYP, page_to_pfn(dump_pages),
			 1UL << DUMP_ORDER, 0, &c);
		if (ret) {
			/* Still shared: leak it rather than free it. */
			fail("HOST_UNSHARE_HYP of the dump buffer: %ld (leaked)",
			     ret);
			return;
		}
	}
	__free_pages(dump_pages, DUMP_ORDER);
	dump_pages = NULL;
}

/* Dump the host stage-2 into the buffer; 0 or -errno. */
static int dump_host(void)
{
	struct s2own_dump_header *h = dump_hdr();
	struct hcall c;
	long ret;

	ret = hc(S2OWN_HC_DUMP, page_to_phys(dump_pages), DUMP_SIZE, 0, &c);
	if (ret || h->magic != S2OWN_DUMP_MAGIC) {
		fail("DUMP: %ld, magic 0x%llx", ret, h->magic);
		return -EIO;
	}
	if (h->total_runs > h->nr_runs)
		pr_info(PFX "info dump truncated: %llu of %llu runs\n",
			h->nr_runs, h->total_runs);
	return 0;
}

static const struct s2own_dump_run *dump_find(u64 ipa)
{
	struct s2own_dump_header *h = dump_hdr();
	const struct s2own_dump_run *r = (const void *)(h + 1);
	u64 i;

	for (i = 0; i < h->nr_runs; i++)
		if (r[i].start <= ipa && ipa < r[i].end)
			return &r[i];
	return NULL;
}

static void describe(char *buf, size_t len, u64 ipa)
{
	static const char *const kinds[] = { "invalid", "block", "page", "locked" };
	static const char *const owners[] = { "host", "hyp", "guest", "none" };
	const struct s2own_dump_run *r = dump_find(ipa);

	if (!r) {
		snprintf(buf, len, "?");
		return;
	}
	snprintf(buf, len, "L%u %s%s%s", r->level,
		 r->kind < ARRAY_SIZE(kinds) ? kinds[r->kind] : "?",
		 r->kind == S2OWN_RUN_INVALID ? " owner " : "",
		 r->kind != S2OWN_RUN_INVALID ? "" :
		 r->owner < ARRAY_SIZE(owners) ? owners[r->owner] : "?");
}

static void stats_diff(const char *what, const struct s2own_stats *a,
		       const struct s2own_stats *b)
{
#define DIFF(f)	((s64)(b->f - a->f))
	pr_info(PFX "info %s: splits %+lld coalesces %+lld tlbi-ipa %+lld tlbi-range %+lld tlbi-vmid %+lld scrubbed %+lld table-pages %+lld\n",
		what, DIFF(splits), DIFF(coalesces), DIFF(tlbi_ipa),
		DIFF(tlbi_range), DIFF(tlbi_vmid), DIFF(pages_scrubbed),
		DIFF(table_pages_used));
#undef DIFF
}

/* ---- donate / reclaim rounds -------------------------------------------- */

enum { OP_CREATE, OP_DONATE, OP_DESTROY, OP_RECLAIM, NR_OPS };

static struct page *chunk;
static bool chunk_stuck;	/* not given back: never free it */
static s64 round_res[NR_OPS][MAX_ITERS][NR_CTR];
static s64 round_ev[NR_OPS][MAX_ITERS];

static void query(const char *what, unsigned long pfn)
{
	struct hcall c;
	long ret = hc(S2OWN_HC_PAGE_QUERY, pfn, 0, 0, &c);

	pr_info(PFX "info %s: page query %ld owner %u host %u guest %u reclaimable %u vm %lu\n",
		what, ret, S2OWN_QUERY_OWNER(c.res.a2),
		S2OWN_QUERY_HOST(c.res.a2), S2OWN_QUERY_GUEST(c.res.a2),
		S2OWN_QUERY_RECLAIMABLE(c.res.a2), c.res.a3);
}

/*
 * VM_CREATE, HOST_DONATE_GUEST of [pfn, pfn + nr) at GUEST_GFN,
 * VM_DESTROY, HOST_RECLAIM_GUEST, each measured into round_res[op][k].
 * With @verbose, dumps and page queries around them say what the calls
 * did (outside the measured sections).
 */
static int donate_round(const char *tag, unsigned long pfn, unsigned long nr,
			unsigned int k, bool verbose)
{
	void *va = page_address(pfn_to_page(pfn));
	size_t bytes = nr << PAGE_SHIFT;
	struct s2own_stats s0 = {}, s1 = {}, s2 = {};
	char before[40] = "", donated[40] = "", after[40] = "";
	char what[48];
	struct hcall c;
	long handle, ret;

	/*
	 * Host writes: the pages hold something to scrub, and the chunk's 2M
	 * block is mapped in the host stage-2 (the last reclaim coalesced it,
	 * or the host faults it in now).
	 */
	memset(va, 0xa5, bytes);
	WRITE_ONCE(*(u64 *)page_address(chunk), k);
	if (verbose && !dump_host()) {
		describe(before, sizeof(before), PFN_PHYS(pfn));
		s0 = dump_hdr()->stats;
	}

	c = (struct hcall){ .id = S2OWN_HC_VM_CREATE };
	measure_op(do_hcall, &c, round_res[OP_CREATE][k]);
	round_ev[OP_CREATE][k] = last_events;
	handle = hc_result(&c);
	if (handle <= 0) {
		fail("%s: VM_CREATE: %ld", tag, handle);
		return -EIO;
	}

	c = (struct hcall){ .id = S2OWN_HC_HOST_DONATE_GUEST, .a1 = handle,
			    .a2 = pfn, .a3 = GUEST_GFN, .a4 = nr };
	measure_op(do_hcall, &c, round_res[OP_DONATE][k]);
	round_ev[OP_DONATE][k] = last_events;
	ret = hc_result(&c);
	if (ret) {
		/* A failed call changed nothing: the pages are still ours. */
		fail("%s: HOST_DONATE_GUEST(%ld, 0x%lx, 0x%lx, %lu): %ld",
		     tag, handle, pfn, GUEST_GFN, nr, ret);
		ret = hc(S2OWN_HC_VM_DESTROY, handle, 0, 0, &c);
		if (ret)
			fail("%s: VM_DESTROY after a failed donation: %ld",
			     tag, ret);
		return -EIO;
	}
	if (verbose) {
		snprintf(what, sizeof(what), "%s after donate", tag);
		query(what, pfn);
		if (!dump_host()) {
			describe(donated, sizeof(donated), PFN_PHYS(pfn));
			s1 = dump_hdr()->stats;
		}
	}

	c = (struct hcall){ .id = S2OWN_HC_VM_DESTROY, .a1 = handle };
	measure_op(do_hcall, &c, round_res[OP_DESTROY][k]);
	round_ev[OP_DESTROY][k] = last_events;
	ret = hc_result(&c);
	if (ret) {
		chunk_stuck = true;
		fail("%s: VM_DESTROY(%ld): %ld", tag, handle, ret);
		return -EIO;
	}
	if (verbose) {
		snprintf(what, sizeof(what), "%s after vm destroy", tag);
		query(what, pfn);
	}

	c = (struct hcall){ .id = S2OWN_HC_HOST_RECLAIM_GUEST, .a1 = pfn,
			    .a2 = nr };
	measure_op(do_hcall, &c, round_res[OP_RECLAIM][k]);
	round_ev[OP_RECLAIM][k] = last_events;
	ret = hc_result(&c);
	if (ret) {
		chunk_stuck = true;
		fail("%s: HOST_RECLAIM_GUEST(0x%lx, %lu): %ld", tag, pfn, nr,
		     ret);
		return -EIO;
	}
	if (memchr_inv(va, 0, bytes)) {
		fail("%s: reclaimed pages not zeroed", tag);
		return -EIO;
	}
	if (verbose) {
		snprintf(what, sizeof(what), "%s after reclaim", tag);
		query(what, pfn);
		if (!dump_host()) {
			describe(after, sizeof(after), PFN_PHYS(pfn));
			s2 = dump_hdr()->stats;
		}
		pr_info(PFX "info %s: pfn 0x%lx nr %lu, host stage-2 at 0x%llx: before %s, donated %s, reclaimed %s; reclaimed pages read back as zeroes\n",
			tag, pfn, nr, (u64)PFN_PHYS(pfn), before, donated, after);
		snprintf(what, sizeof(what), "%s donate", tag);
		stats_diff(what, &s0, &s1);
		snprintf(what, sizeof(what), "%s destroy+reclaim", tag);
		stats_diff(what, &s1, &s2);
	}
	return 0;
}

/*
 * A 2M chunk of host memory that the host stage-2 maps with a level-2
 * block (not part of a 1G block), so that donating one page splits exactly
 * one block.
 */
static int pick_chunk(void)
{
	struct page *tried[MAX_TRIES];
	const struct s2own_dump_run *r;
	char where[40];
	int n, i;

	for (n = 0; n < MAX_TRIES; n++) {
		struct page *pg = alloc_pages(GFP_KERNEL | __GFP_NOWARN,
					      CHUNK_ORDER);

		if (!pg)
			break;
		WRITE_ONCE(*(u64 *)page_address(pg), 0);
		if (dump_host()) {
			__free_pages(pg, CHUNK_ORDER);
			break;
		}
		r = dump_find(page_to_phys(pg));
		describe(where, sizeof(where), page_to_phys(pg));
		if (r && r->level == 2 && r->kind == S2OWN_RUN_BLOCK) {
			chunk = pg;
			pr_info(PFX "info chunk 0x%llx-0x%llx, host stage-2 %s\n",
				(u64)page_to_phys(pg),
				(u64)page_to_phys(pg) + SZ_2M, where);
			break;
		}
		pr_info(PFX "info chunk 0x%llx is mapped %s, not a 2M block: next\n",
			(u64)page_to_phys(pg), where);
		tried[n] = pg;
	}
	for (i = 0; i < n; i++)
		__free_pages(tried[i], CHUNK_ORDER);
	if (!chunk) {
		fail("no 2M chunk mapped by a level-2 block");
		return -ENOMEM;
	}
	return 0;
}

static void donate_series(const char *size, unsigned long pfn,
			  unsigned long nr)
{
	static const char *const names[NR_OPS] = {
		"vm-create", "donate", "vm-destroy", "reclaim",
	};
	char name[32];
	unsigned int k, op, done = 0;

	for (k = 0; k < iters; k++) {
		snprintf(name, sizeof(name), "donate-%s%s", size, suffix);
		if (donate_round(name, pfn, nr, k, k == 0 && !thdr))
			break;
		done++;
	}
	for (op = 0; op < NR_OPS; op++) {
		/* VM_CREATE does not depend on the size: report it once. */
		if (op == OP_CREATE && strcmp(size, "4k"))
			continue;
		if (op == OP_CREATE)
			snprintf(name, sizeof(name), "%s%s", names[op], suffix);
		else
			snprintf(name, sizeof(name), "%s-%s%s", names[op], size,
				 suffix);
		report(name, round_res[op], done);
		report_events(name, round_ev[op], done);
	}
}

/* ---- host stage-2 faults ------------------------------------------------ */

static noinline __noclone void do_read(void *arg)
{
	READ_ONCE(*(u64 *)arg);
}

static s64 fault_res[2][MAX_ITERS][NR_CTR];
static s64 fault_ev[2][MAX_ITERS];

/* Give @nr pages at @pfn to a new VM, destroy it: they are reclaimable. */
static int donate_and_destroy(unsigned long pfn, unsigned long nr,
			      unsigned long gfn)
{
	struct hcall c;
	long handle = hc(S2OWN_HC_VM_CREATE, 0, 0, 0, &c), ret;

	if (handle <= 0) {
		fail("fault: VM_CREATE: %ld", handle);
		return -EIO;
	}
	c = (struct hcall){ .id = S2OWN_HC_HOST_DONATE_GUEST, .a1 = handle,
			    .a2 = pfn, .a3 = gfn, .a4 = nr };
	do_hcall(&c);
	ret = hc_result(&c);
	if (ret)
		fail("fault: HOST_DONATE_GUEST(0x%lx, %lu): %ld", pfn, nr, ret);
	if (hc(S2OWN_HC_VM_DESTROY, handle, 0, 0, &c)) {
		fail("fault: VM_DESTROY");
		chunk_stuck = true;
		return -EIO;
	}
	return ret ? -EIO : 0;
}

static int reclaim(unsigned long pfn, unsigned long nr)
{
	struct hcall c;
	long ret = hc(S2OWN_HC_HOST_RECLAIM_GUEST, pfn, nr, 0, &c);

	if (ret) {
		fail("fault: HOST_RECLAIM_GUEST(0x%lx, %lu): %ld", pfn, nr, ret);
		chunk_stuck = true;
	}
	return ret ? -EIO : 0;
}

/* The host stage-2 entry of @pa, which must be empty: "" or what it is. */
static bool empty_entry(u64 pa, u32 level, char *where, size_t len)
{
	const struct s2own_dump_run *r;

	if (dump_host())
		return false;
	r = dump_find(pa);
	describe(where, len, pa);
	return r && r->kind == S2OWN_RUN_INVALID && !r->owner &&
	       r->level == level;
}

/*
 * A read of a page whose host stage-2 entry is empty: the fault maps a 4K
 * page (its level-3 table stays: another page of it is a guest's) or a 2M
 * block (the chunk's level-2 entry, emptied by a whole-chunk reclaim; its
 * 1G table stays if it held anything else, as a chunk that pick_chunk()
 * found mapped by a 2M block does).
 */
static void fault_series(void)
{
	unsigned long pfn = page_to_pfn(chunk);
	char where[40], name[32];
	unsigned int k, done4 = 0, done2 = 0;

	for (k = 0; k < iters && !errors; k++) {
		if (donate_and_destroy(pfn + 1, 1, GUEST_GFN) ||
		    donate_and_destroy(pfn + 2, 1, GUEST_GFN) ||
		    reclaim(pfn + 1, 1))
			break;
		if (!empty_entry(PFN_PHYS(pfn + 1), 3, where, sizeof(where))) {
			fail("fault-4k: entry of 0x%lx is %s, not an empty L3",
			     pfn + 1, where);
			reclaim(pfn + 2, 1);
			break;
		}
		measure_op(do_read, page_address(chunk + 1), fault_res[0][k]);
		fault_ev[0][k] = last_events;
		done4++;
		if (reclaim(pfn + 2, 1))
			break;

		if (donate_and_destroy(pfn, CHUNK_PAGES, GUEST_GFN) ||
		    reclaim(pfn, CHUNK_PAGES))
			break;
		if (!empty_entry(PFN_PHYS(pfn), 2, where, sizeof(where))) {
			pr_info(PFX "info fault-2m: entry of 0x%lx is %s after the chunk's reclaim, not an empty L2: not measured\n",
				pfn, where);
			continue;
		}
		measure_op(do_read, page_address(chunk), fault_res[1][k]);
		fault_ev[1][k] = last_events;
		done2++;
	}
	snprintf(name, sizeof(name), "fault-4k%s", suffix);
	report(name, fault_res[0], done4);
	report_events(name, fault_ev[0], done4);
	snprintf(name, sizeof(name), "fault-2m%s", suffix);
	report(name, fault_res[1], done2);
	report_events(name, fault_ev[1], done2);
}

/* ---- tracing on ------------------------------------------------------------ */

#define TRACE_PAGES	16
static struct page *trace_pages;

/* Share a buffer, name it for this CPU, every class on; false if none. */
static bool trace_on(void)
{
	unsigned long pfn;
	struct hcall c;
	long ret;

	trace_pages = alloc_pages(GFP_KERNEL | __GFP_ZERO,
				  get_order(TRACE_PAGES * PAGE_SIZE));
	if (!trace_pages) {
		fail("no memory for the trace buffer");
		return false;
	}
	pfn = page_to_pfn(trace_pages);
	ret = hc(S2OWN_HC_HOST_SHARE_HYP, pfn, TRACE_PAGES, 0, &c);
	if (ret) {
		fail("HOST_SHARE_HYP of the trace buffer: %ld", ret);
		goto free;
	}
	ret = hc(S2OWN_HC_TRACE_BUFFER, pfn, TRACE_PAGES, 0, &c);
	if (ret == -EOPNOTSUPP) {
		pr_info(PFX "info tracing: not in this hypervisor\n");
		goto unshare;
	}
	if (!ret)
		ret = hc(S2OWN_HC_TRACE_ENABLE, S2OWN_TRACE_ALL, 0, 0, &c);
	if (ret) {
		fail("tracing on: %ld", ret);
		goto unshare;
	}
	thdr = page_address(trace_pages);
	suffix = "-traced";
	pr_info(PFX "info tracing: every class on, %llu records on cpu %u\n",
		thdr->nr_records, cpu);
	return true;
unshare:
	if (hc(S2OWN_HC_HOST_UNSHARE_HYP, pfn, TRACE_PAGES, 0, &c)) {
		fail("unsharing the trace buffer (leaked)");
		return false;
	}
free:
	__free_pages(trace_pages, get_order(TRACE_PAGES * PAGE_SIZE));
	trace_pages = NULL;
	return false;
}

static void trace_off(void)
{
	struct hcall c;

	if (!trace_pages)
		return;
	if (thdr && hc(S2OWN_HC_TRACE_ENABLE, 0, 0, 0, &c))
		fail("tracing off");
	if (thdr)
		pr_info(PFX "info tracing: %llu records written, %llu lost\n",
			READ_ONCE(thdr->head), READ_ONCE(thdr->lost));
	thdr = NULL;
	suffix = "";
	/* The unshare detaches the buffer. */
	if (hc(S2OWN_HC_HOST_UNSHARE_HYP, page_to_pfn(trace_pages),
	       TRACE_PAGES, 0, &c)) {
		fail("unsharing the trace buffer (leaked)");
		return;
	}
	__free_pages(trace_pages, get_order(TRACE_PAGES * PAGE_SIZE));
	trace_pages = NULL;
}

/* ---- a running guest ------------------------------------------------------- */

/*
 * The guest, at EL1 with its MMU off, position-independent: each VMM call
 * exits; the host's answer says what to do before the next one: 0
 * nothing, 1 touch the next page of RAM (a page not given yet: a demand
 * fault), n > 1 make n PSCI_VERSION calls, which EL2 serves itself,
 * GUEST_SHARE or GUEST_UNSHARE that call of its first page, where this
 * code was copied (the next VMM call's x1 is the call's x0).
 */
#define GUEST_SHARE	((u64)-2)
#define GUEST_UNSHARE	((u64)-3)

asm(".pushsection .rodata\n"
    "	.balign	4\n"
    "measure_guest:\n"
    "	adr	x20, measure_guest\n"
    "	add	x20, x20, #4096\n"
    "1:	movz	x0, #0x1001\n"		/* S2OWN_VMM_RESULT */
    "	movk	x0, #0x8600, lsl #16\n"
    "	hvc	#0\n"
    "	cbz	x0, 1b\n"
    "	cmn	x0, #2\n"
    "	b.eq	4f\n"
    "	cmn	x0, #3\n"
    "	b.eq	5f\n"
    "	cmp	x0, #1\n"
    "	b.eq	3f\n"
    "	mov	x1, x0\n"
    "2:	movz	x0, #0\n"			/* PSCI_VERSION */
    "	movk	x0, #0x8400, lsl #16\n"
    "	hvc	#0\n"
    "	subs	x1, x1, #1\n"
    "	b.ne	2b\n"
    "	b	1b\n"
    "3:	str	xzr, [x20]\n"
    "	add	x20, x20, #4096\n"
    "	b	1b\n"
    "4:	movz	x0, #3\n"			/* KVM's MEM_SHARE */
    "	b	6f\n"
    "5:	movz	x0, #4\n"			/* KVM's MEM_UNSHARE */
    "6:	movk	x0, #0xc600, lsl #16\n"
    "	adr	x1, measure_guest\n"
    "	mov	x2, #1\n"
    "	mov	x3, xzr\n"
    "	hvc	#0\n"
    "	mov	x1, x0\n"
    "	b	1b\n"
    "measure_guest_end:\n"
    "	.popsection");
extern const char measure_guest[], measure_guest_end[];

#define GUEST_EL2_CALLS	100

struct guest {
	long vm;
	struct page *code, *vcpu[2], *demand[MAX_ITERS];
	unsigned int nr_demand;
	u64 exit_x1;		/* the guest's x1 at its last VMM call */
	bool stuck;		/* a page not given back: never free it */
};

/*
 * VCPU_RUN with @answer. Its results are x1..x8: SMCCC 1.2 registers, as
 * the driver makes the call (arm_smccc_1_1_hvc() with four arguments
 * does not return x2 and x3).
 */
struct run_call {
	struct arm_smccc_1_2_regs in, out;
};

static noinline __noclone void do_run(void *arg)
{
	struct run_call *r = arg;

	arm_smccc_1_2_hvc(&r->in, &r->out);
}

/* VCPU_RUN with @answer; the exit reason, or a negative errno. */
static long guest_run(struct guest *g, unsigned int vcpu, u64 answer,
		      s64 *out)
{
	struct run_call r = {
		.in = { .a0 = S2OWN_HC_VCPU_RUN, .a1 = g->vm, .a2 = vcpu,
			.a3 = answer },
	};

	if (out)
		measure_op(do_run, &r, out);
	else
		do_run(&r);
	if (r.out.a0 != S2OWN_RET_SUCCESS)
		return -EOPNOTSUPP;
	g->exit_x1 = r.out.a4;
	return r.out.a1 ? (long)r.out.a1 : (long)r.out.a2;
}

static int guest_expect(const char *what, long got, long want)
{
	if (got == want)
		return 0;
	fail("guest: %s: %ld, expected %ld", what, got, want);
	return -EIO;
}

static int guest_setup(struct guest *g)
{
	struct hcall c;
	int i;

	g->vm = hc(S2OWN_HC_VM_CREATE, GUEST_GFN, 1 + MAX_ITERS,
		   GUEST_GFN << PAGE_SHIFT, &c);
	if (g->vm <= 0) {
		fail("guest: VM_CREATE: %ld", g->vm);
		return -EIO;
	}
	g->code = alloc_page(GFP_KERNEL | __GFP_ZERO);
	for (i = 0; i < 2; i++)
		g->vcpu[i] = alloc_page(GFP_KERNEL);
	if (!g->code || !g->vcpu[0] || !g->vcpu[1])
		return -ENOMEM;
	memcpy(page_address(g->code), measure_guest,
	       measure_guest_end - measure_guest);
	c = (struct hcall){ .id = S2OWN_HC_HOST_DONATE_GUEST, .a1 = g->vm,
			    .a2 = page_to_pfn(g->code), .a3 = GUEST_GFN,
			    .a4 = 1 };
	do_hcall(&c);
	if (guest_expect("donate code", hc_result(&c), 0))
		return -EIO;
	for (i = 0; i < 2; i++) {
		c = (struct hcall){ .id = S2OWN_HC_VCPU_CREATE, .a1 = g->vm,
				    .a2 = page_to_pfn(g->vcpu[i]) };
		do_hcall(&c);
		if (guest_expect("VCPU_CREATE", hc_result(&c), i))
			return -EIO;
	}
	/* vCPU 0 boots and stops at its first VMM call. */
	return guest_expect("first run", guest_run(g, 0, 0, NULL),
			    S2OWN_EXIT_HVC);
}

static void guest_teardown(struct guest *g)
{
	struct page *pages[3 + MAX_ITERS] = { g->code, g->vcpu[0], g->vcpu[1] };
	unsigned int i, n = 3;
	struct hcall c;
	long ret;

	for (i = 0; i < g->nr_demand; i++)
		pages[n++] = g->demand[i];
	if (g->vm > 0) {
		ret = hc(S2OWN_HC_VM_DESTROY, g->vm, 0, 0, &c);
		if (ret) {
			fail("guest: VM_DESTROY: %ld", ret);
			g->stuck = true;
		}
	}
	for (i = 0; i < n; i++) {
		if (!pages[i])
			continue;
		ret = hc(S2OWN_HC_HOST_RECLAIM_GUEST, page_to_pfn(pages[i]), 1,
			 0, &c);
		/* Pages never given back with -EPERM: they are the host's. */
		if (ret && ret != -S2OWN_EPERM) {
			fail("guest: reclaim 0x%lx: %ld", page_to_pfn(pages[i]),
			     ret);
			g->stuck = true;
		}
		if (!g->stuck)
			__free_page(pages[i]);
	}
}

enum { G_EXIT, G_EL2_CALL, G_RUN_OFF, G_DEMAND, G_SHARE, G_UNSHARE, G_NR };

static s64 guest_res[G_NR][MAX_ITERS][NR_CTR];

/*
 * A run in which the guest makes one memory call on its code page, less
 * the round trip of run @k: the call at EL2, trap to return.
 */
static int guest_mem_call(struct guest *g, unsigned int k, u64 call,
			  unsigned int res)
{
	s64 run[NR_CTR];
	unsigned int c;

	if (guest_expect("memory call", guest_run(g, 0, call, run),
			 S2OWN_EXIT_HVC) ||
	    guest_expect("its result", (long)g->exit_x1, 0))
		return -EIO;
	for (c = 0; c < NR_CTR; c++)
		guest_res[res][k][c] = run[c] - guest_res[G_EXIT][k][c];
	return 0;
}

/* What the host may do with the guest's code page: S2OWN_PAGE_*. */
static int guest_code_host_state(const struct guest *g)
{
	struct hcall c;

	if (hc(S2OWN_HC_PAGE_QUERY, page_to_pfn(g->code), 0, 0, &c))
		return -1;
	return S2OWN_QUERY_HOST(c.res.a2);
}

static void measure_guest_switch(void)
{
	struct guest g = { 0 };
	s64 el2[NR_CTR], a[NR_CTR], b[NR_CTR];
	unsigned int k, c;

	if (guest_setup(&g))
		goto out;
	for (k = 0; k < iters; k++) {
		if (guest_expect("round trip",
				 guest_run(&g, 0, 0, guest_res[G_EXIT][k]),
				 S2OWN_EXIT_HVC) ||
		    guest_expect("EL2 calls",
				 guest_run(&g, 0, GUEST_EL2_CALLS, el2),
				 S2OWN_EXIT_HVC) ||
		    guest_expect("vCPU off", guest_run(&g, 1, 0,
						       guest_res[G_RUN_OFF][k]),
				 S2OWN_EXIT_VCPU_OFF))
			goto out;
		for (c = 0; c < NR_CTR; c++)
			guest_res[G_EL2_CALL][k][c] = DIV_ROUND_CLOSEST(
				el2[c] - guest_res[G_EXIT][k][c],
				GUEST_EL2_CALLS);

		/* Fault, donate, go on: three measured calls. */
		g.demand[k] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!g.demand[k])
			goto out;
		g.nr_demand++;
		if (guest_expect("demand fault", guest_run(&g, 0, 1, a),
				 S2OWN_EXIT_MEM_FAULT))
			goto out;
		{
			struct hcall d = {
				.id = S2OWN_HC_HOST_DONATE_GUEST, .a1 = g.vm,
				.a2 = page_to_pfn(g.demand[k]),
				.a3 = GUEST_GFN + 1 + k, .a4 = 1,
			};

			measure_op(do_hcall, &d, b);
			if (guest_expect("demand donation", hc_result(&d), 0))
				goto out;
		}
		for (c = 0; c < NR_CTR; c++)
			guest_res[G_DEMAND][k][c] = a[c] + b[c];
		if (guest_expect("after the demand donation",
				 guest_run(&g, 0, 0, a), S2OWN_EXIT_HVC))
			goto out;
		for (c = 0; c < NR_CTR; c++)
			guest_res[G_DEMAND][k][c] += a[c];

		if (guest_mem_call(&g, k, GUEST_SHARE, G_SHARE) ||
		    guest_expect("host state of a shared page",
				 guest_code_host_state(&g),
				 S2OWN_PAGE_SHARED_BORROWED) ||
		    guest_mem_call(&g, k, GUEST_UNSHARE, G_UNSHARE) ||
		    guest_expect("host state of an unshared page",
				 guest_code_host_state(&g),
				 S2OWN_PAGE_NOPAGE))
			goto out;
	}
	report("guest-exit", guest_res[G_EXIT], iters);
	report("guest-el2-call", guest_res[G_EL2_CALL], iters);
	report("vcpu-run-off", guest_res[G_RUN_OFF], iters);
	report("guest-demand", guest_res[G_DEMAND], iters);
	report("guest-share", guest_res[G_SHARE], iters);
	report("guest-unshare", guest_res[G_UNSHARE], iters);
out:
	guest_teardown(&g);
}

/* ---- main ---------------------------------------------------------------- */

static void measure_s2own(void)
{
	struct hcall c;

	hc(S2OWN_HC_CALL_UID, 0, 0, 0, &c);
	if (c.res.a0 != S2OWN_UID_W0 || c.res.a1 != S2OWN_UID_W1 ||
	    c.res.a2 != S2OWN_UID_W2 || c.res.a3 != S2OWN_UID_W3) {
		fail("CALL_UID: not s2own (0x%lx 0x%lx 0x%lx 0x%lx)",
		     c.res.a0, c.res.a1, c.res.a2, c.res.a3);
		return;
	}
	hc(S2OWN_HC_REVISION, 0, 0, 0, &c);
	pr_info(PFX "info s2own ABI %lu.%lu\n", c.res.a0, c.res.a1);

	measure_hvc("hvc-revision", S2OWN_HC_REVISION);
	measure_hvc("hvc-unknown", HC_UNKNOWN);

	if (dump_init())
		return;
	if (!pick_chunk()) {
		donate_series("4k", page_to_pfn(chunk) + 1, 1);
		if (!errors)
			donate_series("2m", page_to_pfn(chunk), CHUNK_PAGES);
		if (!errors)
			fault_series();
		/* The same, every trace class on. */
		if (!errors && trace_on()) {
			donate_series("4k", page_to_pfn(chunk) + 1, 1);
			if (!errors)
				donate_series("2m", page_to_pfn(chunk),
					      CHUNK_PAGES);
			if (!errors)
				fault_series();
			trace_off();
		}
		if (!chunk_stuck)
			__free_pages(chunk, CHUNK_ORDER);
		else
			fail("chunk 0x%llx not given back: leaked",
			     (u64)page_to_phys(chunk));
		chunk = NULL;
	}
	dump_exit();
	if (!errors)
		measure_guest_switch();
}

static long measure_on_cpu(void *unused)
{
	u64 d[NR_CTR];
	s64 base[MAX_ITERS][NR_CTR], sorted[MAX_ITERS];
	unsigned int k, c;

	show_counters();
	/* The empty section, several times: it must not vary. */
	for (k = 0; k < iters; k++) {
		measure_raw(do_nothing, NULL, d);
		for (c = 0; c < NR_CTR; c++)
			base[k][c] = d[c];
	}
	report("baseline", base, iters);
	for (c = 0; c < NR_CTR; c++)
		baseline[c] = sort_runs(base, iters, c, sorted);

	if (s2own_hyp_in_dt())
		measure_s2own();
	else if (stub)
		measure_hvc("hvc-stub", S2OWN_HC_REVISION);
	return 0;
}

/*
 * The virtual counter (CNTVOFF_EL2 is 0 under s2own and under Linux's own
 * stub) counts from QEMU's start, printk's local_clock() from when Linux
 * registered sched_clock: their difference turns a printk timestamp into
 * time since QEMU started, the hypervisor's boot included. Under -icount
 * shift=0 that is one nanosecond per instruction, plus idle time skipped.
 */
static void show_clocks(void)
{
	unsigned long flags;
	u64 cnt, frq, local, rem;

	local_irq_save(flags);
	isb();
	cnt = read_sysreg(cntvct_el0);
	local = local_clock();
	local_irq_restore(flags);
	frq = read_sysreg(cntfrq_el0) & 0xffffffff;
	if (!frq)
		return;
	rem = do_div(cnt, frq);		/* cnt becomes seconds */
	pr_info(PFX "info clock cntvct-ns %llu local-clock-ns %llu\n",
		cnt * NSEC_PER_SEC + div64_u64(rem * NSEC_PER_SEC, frq),
		local);
}

static int __init s2own_measure_init(void)
{
	show_clocks();
	pr_info(PFX "info kernel-el %llu\n", read_sysreg(CurrentEL) >> 2);
	pr_info(PFX "info el2 %s\n", s2own_hyp_in_dt() ? "s2own" :
		stub ? "linux-stub" : "unknown");
	if (!strcmp(mode, "full")) {
		iters = clamp(iters, 1U, (unsigned int)MAX_ITERS);
		hvc_calls = max(hvc_calls, 1U);
		pr_info(PFX "info cpu %u, %u cpus online, %u runs each\n",
			cpu, num_online_cpus(), iters);
		if (cpu >= nr_cpu_ids || !cpu_online(cpu))
			fail("cpu %u offline", cpu);
		else if (!open_counters())
			work_on_cpu(cpu, measure_on_cpu, NULL);
		close_counters();
	} else if (strcmp(mode, "el")) {
		fail("unknown mode %s", mode);
	}
	pr_info(PFX "done errors=%d\n", errors);
	return errors ? -EIO : 0;
}

static void __exit s2own_measure_exit(void)
{
}

module_init(s2own_measure_init);
module_exit(s2own_measure_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("s2own: instruction counts of hypercalls (make measure)");
