// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fake arch backend: a break-before-make checker in the spirit of Casemate.
 *
 * Each CPU's TLB model holds leaf translations and walk-cache records (a
 * table descriptor it read on the way). A descriptor may go
 *   valid -> invalid -> (TLB invalidation) -> valid
 * but never valid -> different valid, a valid descriptor may not be written
 * while some TLB still holds a translation for its range, and a table page
 * may not be freed while some TLB can still walk it.
 *
 * The checker serialises every descriptor write and invalidation behind one
 * mutex, which would dominate any measurement of the core: benchmarks turn
 * it off (fake_arch_set_checker()) and keep only what real hardware does.
 */
#define _GNU_SOURCE
#include "fake_arch.h"
#include "../ownership/mutant.h"
#include "../ownership/trace.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Encodings from the Arm ARM (VMSAv8-64, 4K granule), kept apart from
 * ownership/pte.h on purpose so that a wrong macro there shows up here. */
#define DESC_VALID 0x1ULL
#define DESC_TABLE_OR_PAGE 0x2ULL
#define DESC_AF (1ULL << 10)
#define DESC_OA_MASK 0x0000fffffffff000ULL

#define TLB_ENTRIES 4096

struct tlb_item {
	bool used;
	bool walk;	/* a cached table descriptor, not a leaf */
	u16 vmid;
	u32 level;
	u64 start, end;	/* IPA range the cached descriptor covers */
	u64 pa;		/* leaf: output of start; walk: the next table */
	u64 desc;
};

static struct {
	pthread_mutex_t lock;
	u8 *arena;
	u64 base, size;
	struct tlb_item tlb[FAKE_NR_CPUS][TLB_ENTRIES];
	unsigned int next[FAKE_NR_CPUS];
	unsigned int nr_slots[FAKE_NR_CPUS];	/* slots ever filled */
	unsigned int drop_tlbis;
	bool checker;
	bool keep_memory;
	char violation[256];
	struct fake_event log[FAKE_LOG_SIZE];
	u64 nr_events;
} fake = { .lock = PTHREAD_MUTEX_INITIALIZER, .checker = true };

struct fake_counters fake_counters;

static void violation(const char *fmt, unsigned long long a,
		      unsigned long long b, unsigned long long c);

#ifdef S2O_ARCH_SCHED
const struct fake_sched_ops *fake_sched;

/*
 * Table pages freed and not filled again since, a bit per page of the
 * arena: no access the core announces may touch one (a walker reading a
 * table after it was freed, the model's I1). Only this build sees the
 * core's loads, so only it checks.
 */
static u64 *freed_tables;

static bool freed_test(u64 pa, int set)
{
	u64 pg = (pa - fake.base) >> 12, bit = 1ULL << (pg % 64);
	bool was = freed_tables[pg / 64] & bit;

	if (set > 0)
		freed_tables[pg / 64] |= bit;
	else if (set == 0)
		freed_tables[pg / 64] &= ~bit;
	return was;
}

static void sched_point(const volatile void *addr, unsigned int size,
			unsigned int kind)
{
	const u8 *p = (const u8 *)addr;

	if (!fake_sched)
		return;
	if (kind <= FAKE_ACCESS_PTE && p >= fake.arena &&
	    p < fake.arena + fake.size &&
	    freed_test(fake.base + (u64)(p - fake.arena), -1))
		violation("use after free: access (kind %llu) to %#llx, in "
			  "a table page freed at %#llx", kind,
			  fake.base + (u64)(p - fake.arena),
			  (fake.base + (u64)(p - fake.arena)) & ~0xfffULL);
	fake_sched->access(addr, size, kind);
}

void s2o_arch_access(const volatile void *addr, unsigned int size,
		     enum s2o_access kind)
{
	sched_point(addr, size, kind);
}
#else
#define sched_point(addr, size, kind) ((void)0)
#define freed_test(pa, set) ((void)0)
#endif

/* What the TLB accesses announce themselves as: the TLBs, all of them. */
#define TLBS (&fake.tlb)

/* Called with fake.lock held. */
static void log_event(enum fake_event_kind kind,
		      const struct s2o_pte_site *site, u64 old, u64 new,
		      u64 size)
{
	struct fake_event *e = &fake.log[fake.nr_events++ % FAKE_LOG_SIZE];

	*e = (struct fake_event){ .kind = kind, .site = *site, .old = old,
				  .new = new, .size = size };
}

u64 fake_log_count(void)
{
	return fake.nr_events;
}

const struct fake_event *fake_log_event(u64 i)
{
	if (i >= fake.nr_events || fake.nr_events - i > FAKE_LOG_SIZE)
		return NULL;
	return &fake.log[i % FAKE_LOG_SIZE];
}

/*
 * Counters are bumped with and without fake.lock (descriptor inits and the
 * checker-off paths take none): relaxed atomics everywhere keep them exact
 * and keep ThreadSanitizer from flagging the fake instead of the core.
 */
static void count(u64 *counter, u64 n)
{
	__atomic_add_fetch(counter, n, __ATOMIC_RELAXED);
}

void fake_arch_keep_memory(bool keep)
{
	fake.keep_memory = keep;
}

void fake_arch_set_checker(bool on)
{
	fake.checker = on;
}

bool fake_arch_checker_on(void)
{
	return fake.checker;
}

static u64 level_size(u32 level)
{
	return 1ULL << (12 + 9 * (3 - level));
}

void fake_arch_setup(u64 base, u64 size)
{
	fake.arena = mmap(NULL, size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (fake.arena == MAP_FAILED) {
		perror("fake_arch_setup: mmap");
		abort();
	}
	fake.base = base;
	fake.size = size;
#ifdef S2O_ARCH_SCHED
	freed_tables = calloc(size / 4096 / 64 + 1, sizeof(u64));
	if (!freed_tables)
		abort();
#endif
}

void fake_arch_reset(void)
{
	pthread_mutex_lock(&fake.lock);
	/* Slots past nr_slots are never looked at: no need to clear them. */
	memset(fake.next, 0, sizeof(fake.next));
	memset(fake.nr_slots, 0, sizeof(fake.nr_slots));
#ifdef S2O_ARCH_SCHED
	memset(freed_tables, 0, (fake.size / 4096 / 64 + 1) * sizeof(u64));
#endif
	fake.drop_tlbis = 0;
	fake.violation[0] = '\0';
	fake.nr_events = 0;
	fake_counters = (struct fake_counters){ 0 };
	/* Drop the arena's pages: they read as zero again, cheaply. */
	if (!fake.keep_memory)
		madvise(fake.arena, fake.size, MADV_DONTNEED);
	pthread_mutex_unlock(&fake.lock);
}

void *fake_phys_va(u64 pa)
{
	if (pa < fake.base || pa - fake.base >= fake.size) {
		fprintf(stderr, "fake: pa %#llx outside the arena\n",
			(unsigned long long)pa);
		abort();
	}
	return fake.arena + (pa - fake.base);
}

static void violation(const char *fmt, unsigned long long a,
		      unsigned long long b, unsigned long long c)
{
	count(&fake_counters.bbm_violations, 1);
	if (!fake.violation[0])
		snprintf(fake.violation, sizeof(fake.violation), fmt, a, b, c);
}

const char *fake_first_violation(void)
{
	return fake.violation[0] ? fake.violation : NULL;
}

void fake_drop_tlbis(unsigned int n)
{
	pthread_mutex_lock(&fake.lock);
	fake.drop_tlbis = n;
	pthread_mutex_unlock(&fake.lock);
}

/* Called with fake.lock held. */
static void check_make(const struct s2o_pte_site *site, u64 old, u64 new)
{
	u64 start = site->ipa, end = site->ipa + level_size(site->level);
	unsigned int cpu, i;

	if (!(new & DESC_VALID))
		return;
	if ((old & DESC_VALID) && old != new) {
		violation("valid -> valid at ipa %#llx: %#llx -> %#llx",
			  site->ipa, old, new);
		return;
	}
	if (old & DESC_VALID)
		return;
	/*
	 * An invalid descriptor becomes valid: nothing under it may still be
	 * cached, or the CPU could use the old translation.
	 */
	for (cpu = 0; cpu < FAKE_NR_CPUS; cpu++) {
		for (i = 0; i < fake.nr_slots[cpu]; i++) {
			struct tlb_item *t = &fake.tlb[cpu][i];

			if (!t->used || t->vmid != site->vmid ||
			    t->end <= start || t->start >= end)
				continue;
			if (t->walk && t->level < site->level)
				continue;	/* an ancestor: still right */
			violation("make without TLBI at ipa %#llx: cpu %llu "
				  "caches level %llu",
				  site->ipa, cpu, t->level);
			return;
		}
	}
}

u64 s2o_arch_pte_cmpxchg(u64 *ptep, u64 old, u64 new,
			 const struct s2o_pte_site *site)
{
	u64 found = old;

	sched_point(ptep, sizeof(*ptep), FAKE_ACCESS_PTE);
	if (!fake.checker) {
		/* What the hardware does: one LSE CAS, nothing logged. */
		__atomic_compare_exchange_n(ptep, &found, new, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
		return found;
	}
	pthread_mutex_lock(&fake.lock);
	if (__atomic_compare_exchange_n(ptep, &found, new, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
		count(&fake_counters.pte_writes, 1);
		log_event(FAKE_EV_WRITE, site, old, new, 0);
		check_make(site, old, new);
	}
	pthread_mutex_unlock(&fake.lock);
	return found;
}

void s2o_arch_table_fill(u64 *table, u64 first, u64 step)
{
	unsigned int i;

	freed_test(fake.base + (u64)((u8 *)table - fake.arena), 0);
	for (i = 0; i < 512; i++)
		__atomic_store_n(&table[i], first + i * step, __ATOMIC_RELAXED);
	count(&fake_counters.table_fills, 1);
	if (fake.checker)
		count(&fake_counters.pte_writes, 512);
}

/* Drop what the TLBs cache of [@start, @end): leaves, and walks if @walk. */
static void tlb_drop(u16 vmid, u64 start, u64 end, bool walk)
{
	unsigned int cpu, i;

	for (cpu = 0; cpu < FAKE_NR_CPUS; cpu++)
		for (i = 0; i < fake.nr_slots[cpu]; i++) {
			struct tlb_item *t = &fake.tlb[cpu][i];

			if (t->used && t->vmid == vmid && t->start < end &&
			    t->end > start && (walk || !t->walk))
				t->used = false;
		}
}

/* Returns true if this invalidation is to be dropped (mutation test). */
static bool tlbi_dropped(void)
{
	if (!fake.drop_tlbis)
		return false;
	fake.drop_tlbis--;
	return true;
}

void s2o_arch_tlbi_ipa(u16 vmid, u64 ipa, u32 level)
{
	(void)level;	/* a non-leaf TLBI IPAS2E1IS: every level */
	sched_point(TLBS, sizeof(fake.tlb), FAKE_ACCESS_TLBI);
	count(&fake_counters.tlbi_ipa, 1);
	if (!fake.checker)
		return;
	pthread_mutex_lock(&fake.lock);
	log_event(FAKE_EV_TLBI_IPA,
		  &(struct s2o_pte_site){ .vmid = vmid, .ipa = ipa,
					  .level = (u8)level },
		  0, 0, 0);
	if (!tlbi_dropped())
		tlb_drop(vmid, ipa & ~0xfffULL, (ipa & ~0xfffULL) + 0x1000,
			 true);
	pthread_mutex_unlock(&fake.lock);
}

void s2o_arch_tlbi_range(u16 vmid, u64 ipa, u64 size)
{
	sched_point(TLBS, sizeof(fake.tlb), FAKE_ACCESS_TLBI);
	count(&fake_counters.tlbi_range, 1);
	if (!fake.checker)
		return;
	pthread_mutex_lock(&fake.lock);
	log_event(FAKE_EV_TLBI_RANGE,
		  &(struct s2o_pte_site){ .vmid = vmid, .ipa = ipa }, 0, 0,
		  size);
	if (!tlbi_dropped())
		/* The mutant: a leaf-only invalidation, walk caches kept. */
		tlb_drop(vmid, ipa, ipa + size,
			 !s2o_mutant(NO_WALKCACHE_TLBI));
	pthread_mutex_unlock(&fake.lock);
}

void s2o_arch_tlbi_vmid(u16 vmid)
{
	sched_point(TLBS, sizeof(fake.tlb), FAKE_ACCESS_TLBI);
	count(&fake_counters.tlbi_vmid, 1);
	if (!fake.checker)
		return;
	pthread_mutex_lock(&fake.lock);
	log_event(FAKE_EV_TLBI_VMID, &(struct s2o_pte_site){ .vmid = vmid }, 0,
		  0, 0);
	if (!tlbi_dropped())
		tlb_drop(vmid, 0, ~0ULL, true);
	pthread_mutex_unlock(&fake.lock);
}

void s2o_arch_zero_page(u64 pa)
{
	memset(fake_phys_va(pa), 0, 4096);
	count(&fake_counters.zeroed_pages, 1);
}

void s2o_arch_scrub_pages(u64 pa, u64 nr)
{
	for (u64 i = 0; i < nr; i++)
		s2o_arch_zero_page(pa + i * 4096);
	count(&fake_counters.scrub_calls, 1);
	count(&fake_counters.cleaned_bytes, nr * 4096);
}

u64 fake_table_va_calls;

void *s2o_arch_table_va(u64 pa)
{
	__atomic_add_fetch(&fake_table_va_calls, 1, __ATOMIC_RELAXED);
	return fake_phys_va(pa);
}

void s2o_arch_table_freed(u64 pa)
{
	unsigned int cpu, i;

	sched_point(TLBS, sizeof(fake.tlb), FAKE_ACCESS_TLB_READ);
	freed_test(pa, 1);
	if (!fake.checker)
		return;
	pthread_mutex_lock(&fake.lock);
	count(&fake_counters.tables_freed, 1);
	for (cpu = 0; cpu < FAKE_NR_CPUS; cpu++)
		for (i = 0; i < fake.nr_slots[cpu]; i++) {
			struct tlb_item *t = &fake.tlb[cpu][i];

			if (t->used && t->walk && t->pa == pa) {
				violation("table %#llx freed while cpu %llu "
					  "can walk it (level %llu)",
					  pa, cpu, t->level);
				goto out;
			}
		}
out:
	pthread_mutex_unlock(&fake.lock);
}

/*
 * With the checker on, a spinning CPU yields so that the CPU it waits for
 * (maybe holding fake.lock) runs. Off, it is the pause hint EL2 code would
 * use: a system call per spin would measure the host kernel, not the core.
 * Under a controlled scheduler, the scheduler decides.
 */
void s2o_arch_cpu_relax(void)
{
#ifdef S2O_ARCH_SCHED
	if (fake_sched) {
		fake_sched->relax();
		return;
	}
#endif
	if (fake.checker) {
		sched_yield();
		return;
	}
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

static void tlb_insert(unsigned int cpu, const struct tlb_item *item)
{
	unsigned int slot = fake.next[cpu]++ % TLB_ENTRIES;

	if (fake.nr_slots[cpu] <= slot)
		fake.nr_slots[cpu] = slot + 1;

	fake.tlb[cpu][slot] = *item;
	fake.tlb[cpu][slot].used = true;
}

static bool tlb_lookup(unsigned int cpu, u16 vmid, u64 ipa,
		       struct fake_translation *out)
{
	unsigned int i;

	for (i = 0; i < fake.nr_slots[cpu]; i++) {
		struct tlb_item *t = &fake.tlb[cpu][i];

		if (t->used && !t->walk && t->vmid == vmid &&
		    ipa >= t->start && ipa < t->end) {
			out->pa = t->pa + (ipa - t->start);
			out->desc = t->desc;
			out->level = t->level;
			out->from_tlb = true;
			return true;
		}
	}
	return false;
}

int fake_hw_translate(unsigned int cpu, u64 vttbr, u64 ipa,
		      struct fake_translation *out)
{
	u16 vmid = (u16)(vttbr >> 48);
	u64 table = vttbr & DESC_OA_MASK;
	struct tlb_item walked[3];
	unsigned int nr_walked = 0, i;
	u32 level;
	int ret = -1;
	bool checker = fake.checker;

	/* A 48-bit IPA space: anything above faults, as on the hardware. */
	if (ipa >> 48)
		return -1;
	sched_point(TLBS, sizeof(fake.tlb), FAKE_ACCESS_MMU);
	if (checker)
		pthread_mutex_lock(&fake.lock);
	if (checker && tlb_lookup(cpu, vmid, ipa, out)) {
		ret = 0;
		goto out;
	}
	for (level = 0; level <= 3; level++) {
		u64 size = level_size(level);
		u64 idx = (ipa / size) & 511;
		u64 desc = __atomic_load_n((u64 *)fake_phys_va(table) + idx,
					   __ATOMIC_ACQUIRE);
		u64 start = ipa & ~(size - 1);
		bool table_or_page = desc & DESC_TABLE_OR_PAGE;

		if (!(desc & DESC_VALID))
			goto out;
		if (level < 3 && table_or_page) {
			walked[nr_walked++] = (struct tlb_item){
				.walk = true, .vmid = vmid, .level = level,
				.start = start, .end = start + size,
				.pa = desc & DESC_OA_MASK, .desc = desc,
			};
			table = desc & DESC_OA_MASK;
			continue;
		}
		/* Level 0 blocks and level 3 "blocks" are reserved: fault. */
		if (level == 0 || (level == 3 && !table_or_page) ||
		    !(desc & DESC_AF))
			goto out;
		out->pa = (desc & DESC_OA_MASK & ~(size - 1)) + (ipa - start);
		out->desc = desc;
		out->level = level;
		out->from_tlb = false;
		ret = 0;
		if (!checker)
			break;
		for (i = 0; i < nr_walked; i++)
			tlb_insert(cpu, &walked[i]);
		tlb_insert(cpu, &(struct tlb_item){
					.vmid = vmid, .level = level,
					.start = start, .end = start + size,
					.pa = out->pa - (ipa - start),
					.desc = desc });
		break;
	}
out:
	if (checker)
		pthread_mutex_unlock(&fake.lock);
	return ret;
}

void s2o_arch_bug(const char *file, int line)
{
	fprintf(stderr, "s2o_arch_bug: a step that cannot fail failed, %s:%d\n",
		file, line);
	abort();
}

/* The tracing backend: a log for tests of the core's event points. */
static struct fake_trace_event trace_log[FAKE_TRACE_SIZE];
static u64 trace_count;

void fake_trace_reset(void)
{
	__atomic_store_n(&s2o_trace_mask, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&trace_count, 0, __ATOMIC_SEQ_CST);
}

u64 fake_trace_count(void)
{
	return __atomic_load_n(&trace_count, __ATOMIC_SEQ_CST);
}

const struct fake_trace_event *fake_trace_event(u64 i)
{
	return i < FAKE_TRACE_SIZE && i < fake_trace_count() ? &trace_log[i] :
							      NULL;
}

void s2o_arch_trace(u8 ev, u8 info, u8 vm, s8 result, u32 nr, u64 addr,
		    u64 arg)
{
	u64 i = __atomic_fetch_add(&trace_count, 1, __ATOMIC_SEQ_CST);

	if (i < FAKE_TRACE_SIZE)
		trace_log[i] = (struct fake_trace_event){
			.ev = ev, .info = info, .vm = vm, .result = result,
			.nr = nr, .addr = addr, .arg = arg,
		};
}
