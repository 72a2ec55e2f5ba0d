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
 * instructions QEMU's icount-based counter would otherwise also see), under
 * s2own or under Debian's pKVM (el2=pkvm: kvm-arm.mode=protected), the
 * same code for both where both can:
 *
 *   hvc-unknown  one HVC round trip (the HVC instruction and everything EL2
 *           runs up to its ERET) with an id EL2 does not know: a loop of
 *           HVCs minus the same loop without them, / the number of HVCs
 *   hvc-revision (s2own), hvc-prot-finalize (pKVM: -EPERM once finalised)
 *           the same with a known id that does nothing
 *   hvc-stub   the same against Linux's own hyp stub (a bare boot with
 *           virtualization=on; el2=stub)
 *   host-fault  a host stage-2 fault: the first write to a fresh 2M chunk
 *           less a second write (needs init_on_alloc=0); under s2own, a
 *           chunk mapped already is emptied first when too few are fresh
 *   share-hyp, unshare-hyp  one page of that chunk shared with the
 *           hypervisor and unshared
 *   refaults  then a write to each page of the chunk: the faults taken
 *           (refaults.faults) and their cost
 *
 * and under s2own alone, on a 2M chunk the host maps as a 2M block
 * (rounds of steps, below; VM set-up in vm_create()):
 *
 *   vm-create, donate-4k, vm-destroy-4k, reclaim-4k  one page: the
 *           donation splits the block and gives the VM new tables, the
 *           reclaim (after the VM is destroyed) scrubs the page and
 *           coalesces the table back into the block
 *   donate-present, donate-64, vm-destroy-66, reclaim-64,
 *   reclaim-nocoalesce, reclaim-coalesce  the block split and the VM's
 *           tables present: one page more, 64 more; reclaims that do not
 *           coalesce, then the one that does
 *   vm-destroy-empty  a VM with nothing mapped
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
 * <instructions>" (the median of the runs; refaults.faults is a count),
 * "info ..." for context, "error ..." for a failure, and "done errors=N"
 * last. Everything is given back before it returns: the VM destroyed, the
 * pages reclaimed and freed, the dump and trace buffers unshared and freed,
 * the counters released. The measurement runs in module init; the script
 * unloads the module again.
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
#include <asm/kvm_asm.h>
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
static char *el2 = "";
module_param(el2, charp, 0444);
MODULE_PARM_DESC(el2,
		 "what is at EL2 when it is not s2own: stub (Linux's hyp stub: a bare boot with virtualization=on) or pkvm (kvm-arm.mode=protected, finalised)");
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

/*
 * perf's armv8 counter index: 0 is PMCCNTR, n + 1 is PMEVCNTR<n>, for
 * the n of EVCNTRS().
 */
#define EVCNTRS(X)							\
	X(0)  X(1)  X(2)  X(3)  X(4)  X(5)  X(6)  X(7)  X(8)  X(9)	\
	X(10) X(11) X(12) X(13) X(14) X(15) X(16) X(17) X(18) X(19)	\
	X(20) X(21) X(22) X(23) X(24) X(25) X(26) X(27) X(28) X(29)	\
	X(30)
#define EVCNTR(n)	case (n) + 1: return read_sysreg(pmevcntr##n##_el0);
#define EVTYPER(n)	case (n) + 1: return read_sysreg(pmevtyper##n##_el0);

static __always_inline u64 read_hw_counter(int idx)
{
	switch (idx) {
	case 0: return read_sysreg(pmccntr_el0);
	EVCNTRS(EVCNTR)
	}
	return 0;
}

static u64 read_hw_filter(int idx)
{
	switch (idx) {
	case 0: return read_sysreg(pmccfiltr_el0);
	EVCNTRS(EVTYPER)
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
	unsigned long a1, a2, a3, a4, a5;
	struct arm_smccc_res res;
};

static noinline __noclone void do_hcall(void *arg)
{
	struct hcall *c = arg;

	arm_smccc_1_1_hvc(c->id, c->a1, c->a2, c->a3, c->a4, c->a5, &c->res);
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

/*
 * n x { mov x0, id; @insn }: the hypervisor may change x0..x3 only. One
 * body for both loops, so the empty one, which is subtracted, is the HVC
 * loop without the HVC and nothing else.
 */
#define LOOP(name, insn)						\
static noinline __noclone void name(void *arg)				\
{									\
	const struct loop *l = arg;					\
	unsigned long n = l->n, id = l->id;				\
									\
	asm volatile("1:	mov	x0, %[id]\n"			\
		     insn						\
		     "	subs	%[n], %[n], #1\n"			\
		     "	b.ne	1b\n"					\
		     : [n] "+r" (n)					\
		     : [id] "r" (id)					\
		     : "x0", "x1", "x2", "x3", "cc", "memory");		\
}

LOOP(loop_hvc, "	hvc	#0\n")
LOOP(loop_empty, "")

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

/* ---- VMs: the one place that creates and destroys them ------------------- */

/*
 * What the host gives a VM (docs/hypercalls.md, "Who pays for a VM"): its
 * page pair, then S2OWN_TOPUP_PAGES for its tables, FUND_VM pages of a 2M
 * block kept for VMs, a slot of them per VM. The block's last page is the
 * hypervisor's while the module measures, so its host stage-2 table stays:
 * a VM_CREATE splits nothing, as for a host that keeps memory for its VMs.
 */
#define FUND_VM		(2 + S2OWN_TOPUP_PAGES)
#define FUND_SLOTS	4
#define FUND_LAST	(CHUNK_PAGES - 1)

static struct page *fund;
static long fund_vm[FUND_SLOTS];	/* the VM each slot funds, or 0 */
static bool fund_stuck;			/* pages not given back: keep them */

static unsigned long fund_pfn(unsigned int slot)
{
	return page_to_pfn(fund) + slot * FUND_VM;
}

static int fund_init(void)
{
	struct hcall c;

	fund = alloc_pages(GFP_KERNEL | __GFP_NOWARN, CHUNK_ORDER);
	if (!fund) {
		fail("no 2M block for the VMs' own pages");
		return -ENOMEM;
	}
	if (hc(S2OWN_HC_HOST_DONATE_HYP, page_to_pfn(fund) + FUND_LAST, 1, 0,
	       &c)) {
		fail("HOST_DONATE_HYP of the VMs' block's last page");
		__free_pages(fund, CHUNK_ORDER);
		fund = NULL;
		return -EIO;
	}
	return 0;
}

static void fund_exit(void)
{
	struct hcall c;

	if (!fund)
		return;
	if (hc(S2OWN_HC_HYP_DONATE_HOST, page_to_pfn(fund) + FUND_LAST, 1, 0,
	       &c))
		fund_stuck = true;
	if (fund_stuck)
		fail("the VMs' block 0x%llx not given back: leaked",
		     (u64)page_to_phys(fund));
	else
		__free_pages(fund, CHUNK_ORDER);
	fund = NULL;
}

/*
 * VM_DESTROY(@vm), measured into @out if given, then the reclaim of its
 * slot's pages; 0 or -errno.
 */
static long vm_destroy(long vm, s64 *out)
{
	struct hcall c = { .id = S2OWN_HC_VM_DESTROY, .a1 = vm };
	unsigned int slot;
	long ret;

	if (out)
		measure_op(do_hcall, &c, out);
	else
		do_hcall(&c);
	ret = hc_result(&c);
	if (ret)
		return ret;
	for (slot = 0; slot < FUND_SLOTS && fund_vm[slot] != vm; slot++)
		;
	if (slot == FUND_SLOTS)
		return 0;
	fund_vm[slot] = 0;
	ret = hc(S2OWN_HC_HOST_RECLAIM_GUEST, fund_pfn(slot), FUND_VM, 0, &c);
	if (ret) {
		fund_stuck = true;
		fail("reclaim of VM %ld's own pages: %ld", vm, ret);
	}
	return ret;
}

/*
 * VM_CREATE(@ram_gfn, @ram_pages, @entry) on a free slot's page pair: the
 * VM's RAM range (0 pages: the whole IPA space) and its vCPU 0 entry,
 * measured into @out if given; then VM_TOPUP of the slot's other pages.
 * The handle (> 0), or -errno.
 */
static long vm_create(u64 ram_gfn, u64 ram_pages, u64 entry, s64 *out)
{
	struct hcall c;
	unsigned int slot;
	long vm;

	for (slot = 0; slot < FUND_SLOTS && fund_vm[slot]; slot++)
		;
	if (!fund || slot == FUND_SLOTS)
		return -ENOMEM;
	c = (struct hcall){ .id = S2OWN_HC_VM_CREATE, .a1 = ram_gfn,
			    .a2 = ram_pages, .a3 = entry,
			    .a5 = fund_pfn(slot) };
	if (out)
		measure_op(do_hcall, &c, out);
	else
		do_hcall(&c);
	vm = hc_result(&c);
	if (vm <= 0)
		return vm;
	fund_vm[slot] = vm;
	if (hc(S2OWN_HC_VM_TOPUP, vm, fund_pfn(slot) + 2, S2OWN_TOPUP_PAGES,
	       &c)) {
		fail("VM_TOPUP(%ld): %ld", vm, hc_result(&c));
		vm_destroy(vm, NULL);
		return -EIO;
	}
	return vm;
}


/* ---- donate / reclaim rounds -------------------------------------------- */

/*
 * A round is a list of steps on one VM and the pages of one 2M chunk the
 * host stage-2 maps with a level-2 block. Pages are given as offsets in
 * the chunk; page i goes to gfn GUEST_GFN + i. A step with a name is
 * measured (its name is the measurement's); the others set the state up.
 */
enum step_op { S_CREATE, S_DONATE, S_DESTROY, S_RECLAIM };

struct step {
	enum step_op op;
	unsigned int first, nr;		/* S_DONATE, S_RECLAIM: pages */
	const char *name;		/* measured as this, or NULL */
};

/* One page: the block splits, the VM's tables are new; coalesced back. */
static const struct step round_4k[] = {
	{ S_CREATE,  0, 0, "vm-create" },
	{ S_DONATE,  1, 1, "donate-4k" },
	{ S_DESTROY, 0, 0, "vm-destroy-4k" },
	{ S_RECLAIM, 1, 1, "reclaim-4k" },
};

/*
 * The block split and the VM's tables present already: one more page,
 * then 64. Reclaims that leave pages of the chunk with the guest do not
 * coalesce; the last one does. The 64-page reclaim less the 1-page one,
 * / 63, is what one more page costs a reclaim: its scrub and its state.
 */
static const struct step round_split[] = {
	{ S_CREATE,  0, 0, NULL },
	{ S_DONATE,  1, 1, NULL },
	{ S_DONATE,  2, 1, "donate-present" },
	{ S_DONATE,  3, 64, "donate-64" },
	{ S_DESTROY, 0, 0, "vm-destroy-66" },
	{ S_RECLAIM, 3, 64, "reclaim-64" },
	{ S_RECLAIM, 2, 1, "reclaim-nocoalesce" },
	{ S_RECLAIM, 1, 1, "reclaim-coalesce" },
};

static const struct step round_empty[] = {
	{ S_CREATE,  0, 0, NULL },
	{ S_DESTROY, 0, 0, "vm-destroy-empty" },
};

/* The whole chunk, at a 2M-aligned gfn. */
static const struct step round_2m[] = {
	{ S_CREATE,  0, 0, NULL },
	{ S_DONATE,  0, CHUNK_PAGES, "donate-2m" },
	{ S_DESTROY, 0, 0, "vm-destroy-2m" },
	{ S_RECLAIM, 0, CHUNK_PAGES, "reclaim-2m" },
};

#define MAX_STEPS	8

static struct page *chunk;
static bool chunk_stuck;	/* not given back: never free it */
static s64 step_res[MAX_STEPS][MAX_ITERS][NR_CTR];
static s64 step_ev[MAX_STEPS][MAX_ITERS];

static const char *const step_ops[] = {
	[S_CREATE] = "VM_CREATE", [S_DONATE] = "HOST_DONATE_GUEST",
	[S_DESTROY] = "VM_DESTROY", [S_RECLAIM] = "HOST_RECLAIM_GUEST",
};

/*
 * What a step did (first round only, outside the measured calls): the
 * host stage-2 at its first page (or the chunk's) and the hypervisor's
 * counters since the step before.
 */
static void step_note(const char *round, const struct step *s,
		      struct s2own_stats *prev)
{
	struct s2own_stats *now = &dump_hdr()->stats;
	char where[40], pages[24] = "";

	if (dump_host())
		return;
	describe(where, sizeof(where), page_to_phys(chunk) +
		 ((u64)s->first << PAGE_SHIFT));
	if (s->nr)
		snprintf(pages, sizeof(pages), " pages %u+%u", s->first, s->nr);
#define DIFF(f)	((s64)(now->f - prev->f))
	pr_info(PFX "info round %s: %s %s%s: host stage-2 at +%u: %s; splits %+lld coalesces %+lld tlbi-ipa %+lld tlbi-range %+lld tlbi-vmid %+lld scrubbed %+lld table-pages %+lld\n",
		round, s->name ? s->name : "(set-up)", step_ops[s->op], pages,
		s->first, where, DIFF(splits), DIFF(coalesces),
		DIFF(tlbi_ipa), DIFF(tlbi_range), DIFF(tlbi_vmid),
		DIFF(pages_scrubbed), DIFF(table_pages_used));
#undef DIFF
	*prev = *now;
}

/*
 * Give back what a failed round left with the guest: destroy the VM if it
 * lives, reclaim every page of the chunk that is not the host's.
 */
static void round_cleanup(const char *round, long vm)
{
	unsigned long pfn = page_to_pfn(chunk), i;
	struct hcall c;
	long ret;

	if (vm > 0 && vm_destroy(vm, NULL))
		pr_info(PFX "info round %s: cleanup: VM %ld not destroyed\n",
			round, vm);
	for (i = 0; i < CHUNK_PAGES; i++) {
		ret = hc(S2OWN_HC_PAGE_QUERY, pfn + i, 0, 0, &c);
		if (ret || S2OWN_QUERY_OWNER(c.res.a2) == 0)
			continue;
		if (hc(S2OWN_HC_HOST_RECLAIM_GUEST, pfn + i, 1, 0, &c)) {
			chunk_stuck = true;
			fail("round %s: cleanup: page 0x%lx not reclaimed",
			     round, pfn + i);
		}
	}
}

/* Run @steps once (the k-th time); 0, or -EIO after a failed step. */
static int run_round(const char *round, const struct step *steps,
		     unsigned int nr_steps, unsigned int k, bool verbose)
{
	unsigned long pfn = page_to_pfn(chunk);
	void *va = page_address(chunk);
	struct s2own_stats prev = {};
	char where[40];
	unsigned int i;
	long vm = 0, ret = 0;

	/*
	 * Host writes: the pages hold something to scrub, and the chunk's 2M
	 * block is mapped in the host stage-2 (the last reclaim coalesced it,
	 * or the host faults it in now).
	 */
	memset(va, 0xa5, SZ_2M);
	if (verbose && !dump_host()) {
		prev = dump_hdr()->stats;
		describe(where, sizeof(where), page_to_phys(chunk));
		pr_info(PFX "info round %s: before: host stage-2 at +0: %s\n",
			round, where);
	}
	for (i = 0; i < nr_steps; i++) {
		const struct step *s = &steps[i];
		s64 *out = s->name ? step_res[i][k] : NULL;
		struct hcall c = {};

		switch (s->op) {
		case S_CREATE:
			vm = vm_create(0, 0, 0, out);
			ret = vm > 0 ? 0 : vm;
			break;
		case S_DESTROY:
			ret = vm_destroy(vm, out);
			if (!ret)
				vm = 0;
			break;
		case S_DONATE:
			c = (struct hcall){ .id = S2OWN_HC_HOST_DONATE_GUEST,
					    .a1 = vm, .a2 = pfn + s->first,
					    .a3 = GUEST_GFN + s->first,
					    .a4 = s->nr };
			break;
		case S_RECLAIM:
			c = (struct hcall){ .id = S2OWN_HC_HOST_RECLAIM_GUEST,
					    .a1 = pfn + s->first, .a2 = s->nr };
			break;
		}
		if (c.id) {
			if (out)
				measure_op(do_hcall, &c, out);
			else
				do_hcall(&c);
			ret = hc_result(&c);
		}
		if (out)
			step_ev[i][k] = last_events;
		if (ret) {
			fail("round %s: %s pages %u+%u: %ld", round,
			     step_ops[s->op], s->first, s->nr, ret);
			round_cleanup(round, vm);
			return -EIO;
		}
		if (s->op == S_RECLAIM &&
		    memchr_inv(va + ((size_t)s->first << PAGE_SHIFT), 0,
			       (size_t)s->nr << PAGE_SHIFT)) {
			fail("round %s: reclaimed pages not zeroed", round);
			return -EIO;
		}
		if (verbose)
			step_note(round, s, &prev);
	}
	return 0;
}

/*
 * @iters rounds, the first with notes (not when tracing); the medians of
 * the named steps, and the records they wrote when tracing.
 */
static void round_series(const char *round, const struct step *steps,
			 unsigned int nr_steps)
{
	unsigned int k, i, done = 0;
	char name[32];

	for (k = 0; k < iters && !errors; k++) {
		if (run_round(round, steps, nr_steps, k, k == 0 && !thdr))
			break;
		done++;
	}
	for (i = 0; i < nr_steps; i++) {
		if (!steps[i].name)
			continue;
		snprintf(name, sizeof(name), "%s%s", steps[i].name, suffix);
		report(name, step_res[i], done);
		report_events(name, step_ev[i], done);
	}
}
#define ROUND(r)	round_series(#r + 6, r, ARRAY_SIZE(r))	/* less "round_" */

/*
 * With more RAM, the chunks the allocator hands out first sit in 1G blocks
 * of the host stage-2. Then one page of a neighbour chunk in the same 1G
 * goes to the hypervisor (HOST_DONATE_HYP) for as long as the chunks there
 * are used: the 1G block splits into 2M blocks and stays split, so that a
 * chunk is a 2M block again after every reclaim (and its level-2 entry
 * stays empty after a reclaim that leaves it so). Given back by
 * anchor_exit().
 */
static struct page *anchor;

/* Make page 0 of @pg, a chunk of ours, the anchor; 0 or -EIO. */
static int anchor_set(struct page *pg)
{
	struct hcall c;
	long ret = hc(S2OWN_HC_HOST_DONATE_HYP, page_to_pfn(pg), 1, 0, &c);

	if (ret) {
		fail("HOST_DONATE_HYP of the anchor 0x%lx: %ld",
		     page_to_pfn(pg), ret);
		return -EIO;
	}
	anchor = pg;
	pr_info(PFX "info anchor: page 0x%lx given to the hypervisor\n",
		page_to_pfn(pg));
	return 0;
}

static void anchor_exit(void)
{
	struct hcall c;
	long ret;

	if (!anchor)
		return;
	ret = hc(S2OWN_HC_HYP_DONATE_HOST, page_to_pfn(anchor), 1, 0, &c);
	if (ret)
		fail("HYP_DONATE_HOST of the anchor 0x%lx: %ld (leaked)",
		     page_to_pfn(anchor), ret);
	else
		__free_pages(anchor, CHUNK_ORDER);
	anchor = NULL;
}

static bool same_1g(struct page *a, struct page *b)
{
	return page_to_phys(a) >> 30 == page_to_phys(b) >> 30;
}

/* Whether the host stage-2 maps @pg's chunk with a level-2 block. */
static bool chunk_is_2m_block(struct page *pg)
{
	const struct s2own_dump_run *r;
	char where[40];

	WRITE_ONCE(*(u64 *)page_address(pg), 0);
	if (dump_host())
		return false;
	r = dump_find(page_to_phys(pg));
	describe(where, sizeof(where), page_to_phys(pg));
	if (r && r->level == 2 && r->kind == S2OWN_RUN_BLOCK) {
		pr_info(PFX "info chunk 0x%llx-0x%llx, host stage-2 %s%s\n",
			(u64)page_to_phys(pg), (u64)page_to_phys(pg) + SZ_2M,
			where, anchor ? " (1G block split by the anchor)" : "");
		return true;
	}
	pr_info(PFX "info chunk 0x%llx is mapped %s, not a 2M block: next\n",
		(u64)page_to_phys(pg), where);
	return false;
}

/*
 * A 2M chunk of host memory that the host stage-2 maps with a level-2
 * block (not part of a 1G block), so that donating one page splits exactly
 * one block.
 */
static int pick_chunk(void)
{
	struct page *tried[MAX_TRIES];
	int n, i;

	for (n = 0; n < MAX_TRIES && !chunk && !errors; n++) {
		struct page *pg = alloc_pages(GFP_KERNEL | __GFP_NOWARN,
					      CHUNK_ORDER);

		if (!pg)
			break;
		tried[n] = pg;
		if (chunk_is_2m_block(pg)) {
			chunk = pg;
			tried[n] = NULL;
		} else if (!anchor && n > 0 && same_1g(pg, tried[n - 1])) {
			/* Two chunks in one 1G: the one before anchors. */
			if (anchor_set(tried[n - 1]))
				continue;
			tried[n - 1] = NULL;
			if (chunk_is_2m_block(pg)) {
				chunk = pg;
				tried[n] = NULL;
			}
		}
	}
	for (i = 0; i < n; i++)
		if (tried[i])
			__free_pages(tried[i], CHUNK_ORDER);
	if (!chunk) {
		fail("no 2M chunk mapped by a level-2 block");
		anchor_exit();
		return -ENOMEM;
	}
	return 0;
}

/* ---- host stage-2 faults ------------------------------------------------ */

static noinline __noclone void do_read(void *arg)
{
	READ_ONCE(*(u64 *)arg);
}

static s64 empty_res[2][MAX_ITERS][NR_CTR];
static s64 empty_ev[2][MAX_ITERS];

/*
 * Give @nr pages at @pfn to a new VM, destroy it: they are reclaimable.
 * Here and in reclaim(), *@stuck is set when the pages may not be the
 * host's any more: never free them.
 */
static int donate_and_destroy(unsigned long pfn, unsigned long nr,
			      bool *stuck)
{
	struct hcall c;
	long handle = vm_create(0, 0, 0, NULL), ret;

	if (handle <= 0) {
		fail("fault: VM_CREATE: %ld", handle);
		return -EIO;
	}
	c = (struct hcall){ .id = S2OWN_HC_HOST_DONATE_GUEST, .a1 = handle,
			    .a2 = pfn, .a3 = GUEST_GFN, .a4 = nr };
	do_hcall(&c);
	ret = hc_result(&c);
	if (ret)
		fail("fault: HOST_DONATE_GUEST(0x%lx, %lu): %ld", pfn, nr, ret);
	if (vm_destroy(handle, NULL)) {
		fail("fault: VM_DESTROY");
		*stuck = true;
		return -EIO;
	}
	return ret ? -EIO : 0;
}

static int reclaim(unsigned long pfn, unsigned long nr, bool *stuck)
{
	struct hcall c;
	long ret = hc(S2OWN_HC_HOST_RECLAIM_GUEST, pfn, nr, 0, &c);

	if (ret) {
		fail("fault: HOST_RECLAIM_GUEST(0x%lx, %lu): %ld", pfn, nr, ret);
		*stuck = true;
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
static void empty_fault_series(void)
{
	unsigned long pfn = page_to_pfn(chunk);
	char where[40], name[32];
	unsigned int k, done4 = 0, done2 = 0;

	for (k = 0; k < iters && !errors; k++) {
		if (donate_and_destroy(pfn + 1, 1, &chunk_stuck) ||
		    donate_and_destroy(pfn + 2, 1, &chunk_stuck) ||
		    reclaim(pfn + 1, 1, &chunk_stuck))
			break;
		if (!empty_entry(PFN_PHYS(pfn + 1), 3, where, sizeof(where))) {
			fail("fault-4k: entry of 0x%lx is %s, not an empty L3",
			     pfn + 1, where);
			reclaim(pfn + 2, 1, &chunk_stuck);
			break;
		}
		measure_op(do_read, page_address(chunk + 1), empty_res[0][k]);
		empty_ev[0][k] = last_events;
		done4++;
		if (reclaim(pfn + 2, 1, &chunk_stuck))
			break;

		if (donate_and_destroy(pfn, CHUNK_PAGES, &chunk_stuck) ||
		    reclaim(pfn, CHUNK_PAGES, &chunk_stuck))
			break;
		if (!empty_entry(PFN_PHYS(pfn), 2, where, sizeof(where))) {
			pr_info(PFX "info fault-2m: entry of 0x%lx is %s after the chunk's reclaim, not an empty L2: not measured\n",
				pfn, where);
			continue;
		}
		measure_op(do_read, page_address(chunk), empty_res[1][k]);
		empty_ev[1][k] = last_events;
		done2++;
	}
	snprintf(name, sizeof(name), "fault-4k%s", suffix);
	report(name, empty_res[0], done4);
	report_events(name, empty_ev[0], done4);
	snprintf(name, sizeof(name), "fault-2m%s", suffix);
	report(name, empty_res[1], done2);
	report_events(name, empty_ev[1], done2);
}

/* ---- host stage-2 faults, sharing with the hypervisor, refaults ---------- */

/*
 * The same measurements under s2own and under pKVM: what differs is only
 * the calls. A host page shared with the hypervisor and unshared again:
 * s2own HOST_SHARE_HYP(pfn, 1) / HOST_UNSHARE_HYP(pfn, 1); pKVM
 * __pkvm_host_share_hyp(pfn) / __pkvm_host_unshare_hyp(pfn), what
 * kvm_share_hyp() / kvm_unshare_hyp() call (not exported to modules,
 * so the module makes the same HVC). Both return x0 = SMCCC success,
 * x1 = 0 or -errno.
 */
struct el2_calls {
	const char *name;
	unsigned long share, unshare;
	bool s2own;		/* dumps; chunks mapped already emptied */
};

#define FAULT_TRIES	256	/* 2M chunks allocated at most: 512 MiB */

static struct page *fault_chunks[FAULT_TRIES];
static bool fault_mapped[FAULT_TRIES];
static s64 fault_res[4][MAX_ITERS][NR_CTR];
static s64 refault_nr[MAX_ITERS][NR_CTR];

static noinline __noclone void touch(void *p)
{
	WRITE_ONCE(*(u64 *)p, 1);
}

static long share_call(unsigned long id, unsigned long pfn, s64 *out)
{
	struct hcall c = { .id = id, .a1 = pfn, .a2 = 1 };

	measure_op(do_hcall, &c, out);
	return hc_result(&c);
}

enum { FAULT_MEASURED, FAULT_MAPPED, FAULT_PARTIAL, FAULT_FAILED };

/*
 * Chunk @n of fault_chunks[], measured as run @k if its first write
 * faults and maps it whole:
 *
 *   host-fault   the first write less a second one to the same word: the
 *                stage-2 fault and its return. Kept only if a write to the
 *                chunk's last page then takes no fault (the fault mapped
 *                the whole chunk: a 2M block or larger)
 *   share-hyp, unshare-hyp  page 1 of the chunk
 *   refaults     then a write to every page of the chunk: how many fault
 *                (refaults.faults) and what they cost beyond a write that
 *                does not fault (the sum)
 */
static int fault_chunk(const struct el2_calls *e, unsigned int n,
		       unsigned int k)
{
	struct page *pg = fault_chunks[n];
	s64 first[NR_CTR], second[NR_CTR], last[NR_CTR], d[NR_CTR];
	void *va = page_address(pg);
	unsigned int i, c;
	char where[40];
	long ret;

	measure_op(touch, va, first);
	if (first[C_EL2] <= 0)
		return FAULT_MAPPED;
	measure_op(touch, va, second);
	measure_op(touch, va + SZ_2M - PAGE_SIZE, last);
	if (last[C_EL2] > 0)
		return FAULT_PARTIAL;
	for (c = 0; c < NR_CTR; c++)
		fault_res[0][k][c] = first[c] - second[c];
	if (e->s2own && !dump_host()) {
		describe(where, sizeof(where), page_to_phys(pg));
		pr_info(PFX "info fault chunk 0x%llx: host stage-2 %s after the fault\n",
			(u64)page_to_phys(pg), where);
	}

	ret = share_call(e->share, page_to_pfn(pg) + 1, fault_res[1][k]);
	if (ret) {
		fail("%s: share pfn 0x%lx: %ld", e->name, page_to_pfn(pg) + 1,
		     ret);
		return FAULT_FAILED;
	}
	ret = share_call(e->unshare, page_to_pfn(pg) + 1, fault_res[2][k]);
	if (ret) {
		fail("%s: unshare pfn 0x%lx: %ld (chunk leaked)", e->name,
		     page_to_pfn(pg) + 1, ret);
		fault_chunks[n] = NULL;
		return FAULT_FAILED;
	}
	if (e->s2own && !k && !dump_host()) {
		describe(where, sizeof(where), page_to_phys(pg) + PAGE_SIZE);
		pr_info(PFX "info fault chunk 0x%llx: host stage-2 at +1 %s after share and unshare\n",
			(u64)page_to_phys(pg), where);
	}

	memset(refault_nr[k], 0, sizeof(refault_nr[k]));
	memset(fault_res[3][k], 0, sizeof(fault_res[3][k]));
	for (i = 0; i < CHUNK_PAGES; i++) {
		measure_op(touch, va + i * PAGE_SIZE, d);
		if (d[C_EL2] <= 0)
			continue;
		for (c = 0; c < NR_CTR; c++) {
			refault_nr[k][c]++;
			fault_res[3][k][c] += d[c] - second[c];
		}
	}
	return FAULT_MEASURED;
}

/*
 * Under s2own, make chunk @n, which the host stage-2 maps already, what a
 * fresh chunk is: its level-2 entry empty in a level-2 table, its pages
 * the host's. The anchor splits its 1G and keeps the table from coalescing
 * back; the chunk, given whole to a VM and reclaimed, leaves its entry
 * empty (as empty_fault_series() finds for fault-2m). Whether it did.
 */
static bool empty_chunk(unsigned int n)
{
	struct page *pg = fault_chunks[n];
	unsigned long pfn = page_to_pfn(pg);
	bool stuck = false;
	char where[40];
	unsigned int i;

	if (!anchor || !same_1g(anchor, pg)) {
		/* Another chunk of ours in its 1G anchors. */
		for (i = 0; i < FAULT_TRIES; i++)
			if (i != n && fault_chunks[i] &&
			    same_1g(fault_chunks[i], pg))
				break;
		if (i == FAULT_TRIES)
			return false;
		anchor_exit();
		if (anchor_set(fault_chunks[i]))
			return false;
		fault_chunks[i] = NULL;
	}
	if (donate_and_destroy(pfn, CHUNK_PAGES, &stuck) ||
	    reclaim(pfn, CHUNK_PAGES, &stuck)) {
		if (stuck)
			fault_chunks[n] = NULL;		/* leaked */
		return false;
	}
	if (empty_entry(PFN_PHYS(pfn), 2, where, sizeof(where)))
		return true;
	pr_info(PFX "info fault chunk 0x%llx: host stage-2 %s after its reclaim, not an empty L2: not measured\n",
		(u64)page_to_phys(pg), where);
	return false;
}

/*
 * Fresh 2M-aligned chunks (init_on_alloc=0: allocating them does not
 * touch them), as many as it takes to find @iters that the host stage-2
 * does not map yet, each measured by fault_chunk(). Up to FAULT_TRIES
 * chunks are tried. Under s2own with more RAM, what the allocator hands out
 * first all sits in 1G blocks mapped already: then chunks mapped already
 * are emptied (empty_chunk()) and measured, until @iters are.
 */
static void fault_series(const struct el2_calls *e)
{
	unsigned int n, i, k = 0, nr[FAULT_FAILED + 1] = { 0 }, emptied = 0;
	int r;

	for (n = 0; n < FAULT_TRIES && k < iters && !errors; n++) {
		fault_chunks[n] = alloc_pages(GFP_KERNEL | __GFP_NOWARN,
					      CHUNK_ORDER);
		if (!fault_chunks[n])
			break;
		r = fault_chunk(e, n, k);
		nr[r]++;
		fault_mapped[n] = r == FAULT_MAPPED;
		k += r == FAULT_MEASURED;
	}
	for (i = 0; e->s2own && i < n && k < iters && !errors; i++) {
		if (!fault_mapped[i] || !fault_chunks[i] || !empty_chunk(i))
			continue;
		emptied++;
		r = fault_chunk(e, i, k);
		if (r != FAULT_MEASURED && !errors)
			fail("%s: emptied chunk 0x%llx: no fault that maps it whole",
			     e->name, (u64)page_to_phys(fault_chunks[i]));
		k += r == FAULT_MEASURED;
	}
	pr_info(PFX "info fault %s: %u chunks allocated: %u faulted in whole, %u mapped already, %u faulted in part; measured %u, %u of them emptied first\n",
		e->name, n, nr[FAULT_MEASURED], nr[FAULT_MAPPED],
		nr[FAULT_PARTIAL], k, emptied);
	anchor_exit();
	for (i = 0; i < FAULT_TRIES; i++) {
		if (fault_chunks[i])
			__free_pages(fault_chunks[i], CHUNK_ORDER);
		fault_chunks[i] = NULL;
	}
	if (k < iters)
		fail("%s: %u chunks measured, %u wanted", e->name, k, iters);
	report("host-fault", fault_res[0], k);
	report("share-hyp", fault_res[1], k);
	report("unshare-hyp", fault_res[2], k);
	report("refaults", fault_res[3], k);
	if (k) {
		s64 sorted[MAX_ITERS];

		pr_info(PFX "refaults.faults %lld\n",
			sort_runs(refault_nr, k, C_TOTAL, sorted));
	}
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

	g->vm = vm_create(GUEST_GFN, 1 + MAX_ITERS, GUEST_GFN << PAGE_SHIFT,
			  NULL);
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
		ret = vm_destroy(g->vm, NULL);
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
static unsigned int guest_irq_exits;

#define GUEST_TRIES	8

/*
 * VCPU_RUN with @answer until the exit @want, measured into @out. A host
 * interrupt that comes due while the guest runs (the measured section
 * masks it at EL1, which does not mask it for a guest) ends the run early
 * with S2OWN_EXIT_IRQ. The guest is then run on, unmeasured, to @want;
 * with @redo (the guest is back where it started) the measurement is
 * made again, else *@dirty is set: the caller drops the sample.
 */
static int guest_measure(struct guest *g, unsigned int vcpu, u64 answer,
			 s64 *out, long want, const char *what, bool redo,
			 bool *dirty)
{
	unsigned int t, n;
	long r;

	for (t = 0; t < GUEST_TRIES; t++) {
		r = guest_run(g, vcpu, answer, out);
		if (r != S2OWN_EXIT_IRQ)
			return guest_expect(what, r, want);
		guest_irq_exits++;
		for (n = 0; n < GUEST_TRIES && r == S2OWN_EXIT_IRQ; n++)
			r = guest_run(g, vcpu, 0, NULL);
		if (guest_expect(what, r, want))
			return -EIO;
		if (!redo) {
			*dirty = true;
			return 0;
		}
	}
	fail("guest: %s: interrupted %u times", what, GUEST_TRIES);
	return -EIO;
}

/*
 * A run in which the guest makes one memory call on its code page, less
 * the round trip of run @k: the call at EL2, trap to return. It is sample
 * *@n of @res, unless a host interrupt ended the run early.
 */
static int guest_mem_call(struct guest *g, unsigned int k, u64 call,
			  unsigned int res, unsigned int *n)
{
	s64 run[NR_CTR];
	unsigned int c;
	bool dirty = false;

	if (guest_measure(g, 0, call, run, S2OWN_EXIT_HVC, "memory call",
			  false, &dirty) ||
	    guest_expect("its result", (long)g->exit_x1, 0))
		return -EIO;
	if (dirty)
		return 0;
	for (c = 0; c < NR_CTR; c++)
		guest_res[res][*n][c] = run[c] - guest_res[G_EXIT][k][c];
	(*n)++;
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
	s64 el2[NR_CTR], a[NR_CTR], b[NR_CTR], d[NR_CTR];
	unsigned int k, c, nd = 0, ns = 0, nu = 0;
	bool dirty;

	if (guest_setup(&g))
		goto out;
	for (k = 0; k < iters; k++) {
		if (guest_measure(&g, 0, 0, guest_res[G_EXIT][k],
				  S2OWN_EXIT_HVC, "round trip", true, NULL) ||
		    guest_measure(&g, 0, GUEST_EL2_CALLS, el2, S2OWN_EXIT_HVC,
				  "EL2 calls", true, NULL) ||
		    guest_measure(&g, 1, 0, guest_res[G_RUN_OFF][k],
				  S2OWN_EXIT_VCPU_OFF, "vCPU off", true, NULL))
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
		dirty = false;
		if (guest_measure(&g, 0, 1, a, S2OWN_EXIT_MEM_FAULT,
				  "demand fault", false, &dirty))
			goto out;
		{
			struct hcall h = {
				.id = S2OWN_HC_HOST_DONATE_GUEST, .a1 = g.vm,
				.a2 = page_to_pfn(g.demand[k]),
				.a3 = GUEST_GFN + 1 + k, .a4 = 1,
			};

			measure_op(do_hcall, &h, b);
			if (guest_expect("demand donation", hc_result(&h), 0))
				goto out;
		}
		if (guest_measure(&g, 0, 0, d, S2OWN_EXIT_HVC,
				  "after the demand donation", false, &dirty))
			goto out;
		if (!dirty) {
			for (c = 0; c < NR_CTR; c++)
				guest_res[G_DEMAND][nd][c] = a[c] + b[c] + d[c];
			nd++;
		}

		if (guest_mem_call(&g, k, GUEST_SHARE, G_SHARE, &ns) ||
		    guest_expect("host state of a shared page",
				 guest_code_host_state(&g),
				 S2OWN_PAGE_SHARED_BORROWED) ||
		    guest_mem_call(&g, k, GUEST_UNSHARE, G_UNSHARE, &nu) ||
		    guest_expect("host state of an unshared page",
				 guest_code_host_state(&g),
				 S2OWN_PAGE_NOPAGE))
			goto out;
	}
	if (guest_irq_exits)
		pr_info(PFX "info guest: %u runs ended by a host interrupt, measured again or dropped\n",
			guest_irq_exits);
	report("guest-exit", guest_res[G_EXIT], iters);
	report("guest-el2-call", guest_res[G_EL2_CALL], iters);
	report("vcpu-run-off", guest_res[G_RUN_OFF], iters);
	report("guest-demand", guest_res[G_DEMAND], nd);
	report("guest-share", guest_res[G_SHARE], ns);
	report("guest-unshare", guest_res[G_UNSHARE], nu);
out:
	guest_teardown(&g);
}

/* ---- main ---------------------------------------------------------------- */

/* On the chunk pick_chunk() found: every round, then the faults. */
static void chunk_series(void)
{
	ROUND(round_4k);
	ROUND(round_split);
	ROUND(round_empty);
	ROUND(round_2m);
	if (!errors)
		empty_fault_series();
}

static void measure_s2own(void)
{
	static const struct el2_calls s2own = {
		.name = "s2own",
		.share = S2OWN_HC_HOST_SHARE_HYP,
		.unshare = S2OWN_HC_HOST_UNSHARE_HYP,
		.s2own = true,
	};
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
	if (fund_init()) {
		dump_exit();
		return;
	}
	/* First, while fresh chunks are easy to find. */
	fault_series(&s2own);
	if (!errors && !pick_chunk()) {
		chunk_series();
		/* The same, every trace class on. */
		if (!errors && trace_on()) {
			chunk_series();
			trace_off();
		}
		if (!chunk_stuck)
			__free_pages(chunk, CHUNK_ORDER);
		else
			fail("chunk 0x%llx not given back: leaked",
			     (u64)page_to_phys(chunk));
		chunk = NULL;
		anchor_exit();
	}
	dump_exit();
	if (!errors)
		measure_guest_switch();
	fund_exit();
}

/*
 * Debian 6.1's pKVM (kvm-arm.mode=protected), finalised: the host calls
 * KVM_HOST_SMCCC_FUNC(__pkvm_prot_finalize) and above, numbered by
 * enum __kvm_host_smccc_func in the running kernel's own asm/kvm_asm.h.
 * Any other id (an unknown one) gets SMCCC_RET_NOT_SUPPORTED in x0; a
 * second __pkvm_prot_finalize gets success in x0 and -EPERM in x1.
 */
#define PKVM_UNKNOWN	KVM_HOST_SMCCC_ID(0x7ff)
#define PKVM_FINALIZE	KVM_HOST_SMCCC_FUNC(__pkvm_prot_finalize)

static void measure_pkvm(void)
{
	static const struct el2_calls pkvm = {
		.name = "pkvm",
		.share = KVM_HOST_SMCCC_FUNC(__pkvm_host_share_hyp),
		.unshare = KVM_HOST_SMCCC_FUNC(__pkvm_host_unshare_hyp),
	};
	struct hcall c;

	pr_info(PFX "info pkvm ids: unknown 0x%lx, __pkvm_prot_finalize 0x%lx, __pkvm_host_share_hyp 0x%lx, __pkvm_host_unshare_hyp 0x%lx\n",
		(unsigned long)PKVM_UNKNOWN, (unsigned long)PKVM_FINALIZE,
		pkvm.share, pkvm.unshare);
	hc(PKVM_UNKNOWN, 0, 0, 0, &c);
	if (c.res.a0 != SMCCC_RET_NOT_SUPPORTED) {
		fail("pkvm: unknown id: x0 0x%lx, not NOT_SUPPORTED",
		     c.res.a0);
		return;
	}
	if (hc(PKVM_FINALIZE, 0, 0, 0, &c) != -EPERM) {
		fail("pkvm: __pkvm_prot_finalize: x0 0x%lx x1 0x%lx, not -EPERM (not finalised?)",
		     c.res.a0, c.res.a1);
		return;
	}
	measure_hvc("hvc-prot-finalize", PKVM_FINALIZE);
	measure_hvc("hvc-unknown", PKVM_UNKNOWN);
	fault_series(&pkvm);
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
	else if (!strcmp(el2, "pkvm"))
		measure_pkvm();
	else if (!strcmp(el2, "stub"))
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
		!strcmp(el2, "pkvm") ? "pkvm" :
		!strcmp(el2, "stub") ? "linux-stub" : "unknown");
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
