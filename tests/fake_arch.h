/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fake arch backend for host-built tests: memory is an mmap()ed arena,
 * and instead of a TLB there is a model of one per CPU, filled by
 * fake_hw_translate(), which decodes descriptors by the Arm ARM's rules
 * (independently of ownership/pte.h). Every descriptor write is recorded
 * and checked for break-before-make.
 */
#ifndef S2OWN_FAKE_ARCH_H
#define S2OWN_FAKE_ARCH_H

#include "../ownership/arch.h"

#define FAKE_NR_CPUS 4

struct fake_translation {
	u64 pa;
	u64 desc;	/* the leaf descriptor */
	u32 level;
	bool from_tlb;	/* served by the CPU's TLB model */
};

#define FAKE_COUNTERS(X)						\
	X(pte_writes)		/* successful cmpxchg, filled entries */ \
	X(table_fills)		/* s2o_arch_table_fill() calls */	\
	X(tlbi_ipa)							\
	X(tlbi_range)							\
	X(tlbi_vmid)							\
	X(zeroed_pages)							\
	X(scrub_calls)		/* s2o_arch_scrub_pages() calls */	\
	X(cleaned_bytes)						\
	X(tables_freed)							\
	X(bbm_violations)

struct fake_counters {
#define FAKE_COUNTERS_FIELD(name) u64 name;
	FAKE_COUNTERS(FAKE_COUNTERS_FIELD)
#undef FAKE_COUNTERS_FIELD
};

extern struct fake_counters fake_counters;
/*
 * s2o_arch_table_va() calls: every table the core reads or writes goes
 * through it, so a call that walks no stage-2 leaves it as it was. Not a
 * FAKE_COUNTERS() one: a refused call may walk.
 */
extern u64 fake_table_va_calls;

/* Back physical [base, base + size) with zeroed host memory. */
void fake_arch_setup(u64 base, u64 size);
/* Forget TLBs, counters and violations; zero the arena (unless kept). */
void fake_arch_reset(void);
/*
 * Resets leave the arena's contents alone: for the explorer, which sets
 * the same machine up thousands of times and never reads memory it did
 * not write first (tables are filled before use, the pool's list is made
 * anew), and would otherwise spend its time refaulting the pages.
 */
void fake_arch_keep_memory(bool keep);
/* Host pointer to physical address @pa (must be inside the arena). */
void *fake_phys_va(u64 pa);

/*
 * Translate @ipa as CPU @cpu's MMU would with @vttbr, filling its TLB.
 * Returns 0 or -1 for a translation fault.
 */
int fake_hw_translate(unsigned int cpu, u64 vttbr, u64 ipa,
		      struct fake_translation *out);

/*
 * The checker (TLB model, write log, global mutex) is on unless turned off.
 * Off, descriptor updates are a plain sequentially consistent
 * compare-and-swap and invalidations only count: what is left is the core's
 * own cost, for benchmarks. Switch it only while no other thread uses the
 * backend. fake_hw_translate() then walks the tables with no TLB at all,
 * and may read a table another CPU is freeing: single-threaded use only.
 */
void fake_arch_set_checker(bool on);
bool fake_arch_checker_on(void);

/*
 * The event log (checker on): every write to a descriptor the walkers or
 * the MMU can reach (a successful compare-and-swap) and every TLB
 * invalidation, in order, since the last reset. Fills of tables not yet
 * published are only counted (fake_counters.pte_writes).
 */
enum fake_event_kind {
	FAKE_EV_WRITE,		/* site, old -> new */
	FAKE_EV_TLBI_IPA,	/* site.vmid, site.ipa, site.level */
	FAKE_EV_TLBI_RANGE,	/* site.vmid, site.ipa, size */
	FAKE_EV_TLBI_VMID,	/* site.vmid */
};

struct fake_event {
	enum fake_event_kind kind;
	struct s2o_pte_site site;
	u64 old, new;
	u64 size;
};

#define FAKE_LOG_SIZE 4096	/* the most recent events kept */

/* Events logged since the reset; event @i if it is still kept, or NULL. */
u64 fake_log_count(void);
const struct fake_event *fake_log_event(u64 i);

/* Mutation knob: the next N TLB invalidations are silently dropped. */
void fake_drop_tlbis(unsigned int n);

/* The first violation seen since the last reset, or NULL. */
const char *fake_first_violation(void);

/*
 * A controlled scheduler (the explorer, tests/explore/), in a build with
 * S2O_ARCH_SCHED: every access the core announces (s2o_arch_access(),
 * kinds enum s2o_access) and every access of this backend to what CPUs
 * share (kinds below) calls @access first; a spinning CPU calls @relax.
 * NULL (the default): none of that, as in every other build.
 */
enum fake_access {
	FAKE_ACCESS_PTE = S2O_ACCESS_RMW + 1,	/* descriptor CAS; reads TLBs */
	FAKE_ACCESS_TLBI,	/* an invalidation: writes the TLBs */
	FAKE_ACCESS_TLB_READ,	/* a table page freed: reads the TLBs */
	FAKE_ACCESS_MMU,	/* a hardware walk: reads tables, fills a TLB */
};

struct fake_sched_ops {
	void (*access)(const volatile void *addr, unsigned int size,
		       unsigned int kind);
	void (*relax)(void);
};

#ifdef S2O_ARCH_SCHED
extern const struct fake_sched_ops *fake_sched;
#endif

/*
 * The tracing backend (ownership/trace.h): events whose class is on in
 * s2o_trace_mask, in order, since fake_trace_reset() (which also switches
 * every class off). The first FAKE_TRACE_SIZE are kept; the count goes on.
 */
struct fake_trace_event {
	u8 ev, info, vm;
	s8 result;
	u32 nr;
	u64 addr, arg;
};

#define FAKE_TRACE_SIZE 65536

void fake_trace_reset(void);
u64 fake_trace_count(void);
const struct fake_trace_event *fake_trace_event(u64 i);

#endif /* S2OWN_FAKE_ARCH_H */
