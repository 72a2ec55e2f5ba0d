// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fake machine every host test starts from, and what reads it back
 * (see harness.h).
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../ownership/mem_protect.h"
#include "../ownership/pgtable.h"
#include "../ownership/sync.h"	/* liburcu in RCU mode */
#include "../ownership/vm.h"

/* ---- Setting the machine up ---------------------------------------------- */

static const struct s2o_mem_region usual_regions[] = {
	{ HYP_BASE, HYP_END - HYP_BASE, S2O_MEM_HYP },
	{ RAM_BASE, RAM_END - RAM_BASE, S2O_MEM_RAM },
};

const struct harness_map harness_map =
	HARNESS_MAP(usual_regions, POOL_BASE, HYP_BASE, RAM_END);

static const struct s2o_mem_region split_regions[] = {
	{ HYP_BASE, HYP_END - HYP_BASE, S2O_MEM_HYP },
	{ RAM_BASE, 2 * GIB - RAM_BASE, S2O_MEM_RAM },
	{ 2 * GIB, RAM_END - 2 * GIB, S2O_MEM_RAM },
};

const struct harness_map harness_split_map =
	HARNESS_MAP(split_regions, POOL_BASE, HYP_BASE, RAM_END);

static struct {
	bool arena_ready;
	u64 mem_base, mem_end;
	void *metadata;
	size_t metadata_bytes;
} machine;

u64 harness_vm_fund_base = VM_FUND_BASE;

/* Pages vm_new() and vm_topup_more() gave each handle, from VM_FUND(). */
static u64 vm_own_nr[S2O_MAX_VMS + 1];

int harness_init(const struct harness_map *map, u64 pool_pages,
		 unsigned int nr_cpus)
{
	struct s2o_init_params p = {
		.regions = map->regions,
		.nr_regions = map->nr_regions,
		.pool_base = map->pool_base,
		.pool_pages = pool_pages,
		.nr_cpus = nr_cpus,
	};
	size_t bytes = s2o_metadata_bytes(map->regions, map->nr_regions);

	if (!machine.arena_ready) {
		fake_arch_setup(map->mem_base, map->mem_end - map->mem_base);
		machine.mem_base = map->mem_base;
		machine.mem_end = map->mem_end;
		machine.arena_ready = true;
	}
	if (map->mem_base < machine.mem_base || map->mem_end > machine.mem_end)
		return -1;
	harness_vm_fund_base = map->vm_fund_base;
	if (bytes > machine.metadata_bytes) {
		free(machine.metadata);
		machine.metadata = malloc(bytes);
		if (!machine.metadata)
			return -1;
		machine.metadata_bytes = bytes;
	}
	memset(machine.metadata, 0, bytes);	/* s2o_init() wants it zeroed */
	fake_arch_reset();
	memset(vm_own_nr, 0, sizeof(vm_own_nr));
	p.metadata = machine.metadata;
	return s2o_init(&p);
}

int harness_setup_pool(u64 pool_pages)
{
	return harness_setup_ram(false, pool_pages);
}

int harness_setup_ram(bool split, u64 pool_pages)
{
	return harness_init(split ? &harness_split_map : &harness_map,
			    pool_pages, HARNESS_NR_CPUS);
}

int harness_setup_map(const struct s2o_mem_region *regions,
		      unsigned int nr_regions, u64 pool_pages)
{
	struct harness_map map = harness_map;

	map.regions = regions;
	map.nr_regions = nr_regions;
	return harness_init(&map, pool_pages, HARNESS_NR_CPUS);
}

void harness_thread_enter(void)
{
#ifdef S2O_SYNC_RCU
	rcu_register_thread();
#endif
}

void harness_thread_leave(void)
{
#ifdef S2O_SYNC_RCU
	rcu_unregister_thread();
#endif
}

void harness_thread_idle(bool idle)
{
#ifdef S2O_SYNC_RCU
	if (idle)
		rcu_thread_offline();
	else
		rcu_thread_online();
#else
	(void)idle;
#endif
}

double harness_seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

double harness_now(void)
{
	return harness_seconds(CLOCK_MONOTONIC);
}

/* ---- Reading it back ----------------------------------------------------- */

void host_leaf(u64 ipa, u64 *pte, u32 *level)
{
	/* A walk as the core's: other threads may change the tables. */
	s2o_op_begin();
	s2o_pgt_get_leaf(&s2o_host_mmu.pgt, ipa, pte, level);
	s2o_op_end();
}

int host_translate(unsigned int cpu, u64 ipa, struct fake_translation *tr)
{
	struct fake_translation unused;

	return fake_hw_translate(cpu, s2o_host_vttbr(), ipa, tr ? tr : &unused);
}

int host_read_fault(u64 ipa)
{
	return s2o_host_handle_fault(ipa, S2O_FAULT_READ);
}

int host_touch(unsigned int cpu, u64 ipa, struct fake_translation *tr)
{
	if (!host_translate(cpu, ipa, tr))
		return 0;
	if (host_read_fault(ipa))
		return -1;
	return host_translate(cpu, ipa, tr);
}

u64 vm_vttbr(int h)
{
	return s2o_vm_slots[h].vm->pgt.root_pa | ((u64)h << 48);
}

int vm_next_handle(void)
{
	int h;

	for (h = 1; h <= S2O_MAX_VMS; h++)
		if (__atomic_load_n(&s2o_vm_slots[h].state,
				    __ATOMIC_SEQ_CST) == S2O_VM_FREE)
			return h;
	return 0;
}

int vm_create_at(u64 pfn, u64 topup)
{
	int h = s2o_vm_create(pfn, NULL, 0), ret;

	if (h < 0 || !topup)
		return h;
	ret = s2o_vm_topup(h, pfn + 2, topup);
	return ret ? ret : h;
}

int vm_new(void)
{
	int h = vm_next_handle();
	/* A refused create must still be refused for the slots, not pages. */
	u64 pfn = VM_FUND(h ? h : 1);

	h = s2o_vm_create(pfn, NULL, 0);
	if (h < 0)
		return h;
	vm_own_nr[h] = 2;
	if (!s2o_vm_topup(h, pfn + 2, VM_TOPUP))
		vm_own_nr[h] += VM_TOPUP;
	return h;
}

int vm_topup_more(int h)
{
	int ret;

	if (h < 1 || h > S2O_MAX_VMS || !vm_own_nr[h] ||
	    vm_own_nr[h] + S2OWN_TOPUP_PAGES > VM_FUND_PAGES)
		return -S2OWN_ENOMEM;
	ret = s2o_vm_topup(h, VM_FUND(h) + vm_own_nr[h], S2OWN_TOPUP_PAGES);
	if (!ret)
		vm_own_nr[h] += S2OWN_TOPUP_PAGES;
	return ret;
}

u64 vm_own_pages(int h)
{
	return h >= 1 && h <= S2O_MAX_VMS ? vm_own_nr[h] : 0;
}

int vm_reclaim_own(int h)
{
	int ret = s2o_host_reclaim_guest(VM_FUND(h), vm_own_nr[h]);

	if (!ret)
		vm_own_nr[h] = 0;
	return ret;
}

int vm_destroy(int h)
{
	int ret = s2o_vm_destroy(h);

	if (!ret && h >= 1 && h <= S2O_MAX_VMS && vm_own_nr[h] &&
	    vm_reclaim_own(h))
		abort();
	return ret;
}

u64 vm_cache_left(int h)
{
	return s2o_vm_live((u8)h) ? s2o_vm_slots[h].vm->cache_nr : 0;
}

u64 tables_used(void)
{
	struct s2own_stats st;

	s2o_get_stats(&st);
	return st.table_pages_used;
}

int guest_call_all(guest_call_fn fn, int handle, u64 gfn, u64 nr,
		   unsigned int *calls)
{
	return guest_call_all_topup(fn, handle, gfn, nr, calls, NULL, NULL);
}

int guest_call_all_topup(guest_call_fn fn, int handle, u64 gfn, u64 nr,
			 unsigned int *calls, int (*topup)(void *arg),
			 void *arg)
{
	unsigned int n = 0;
	int ret = 0;

	while (nr && !ret) {
		u64 done = 0;

		ret = fn(handle, gfn, nr, &done);
		n++;
		if (ret == -S2OWN_ENOMEM && topup) {
			ret = topup(arg);
			continue;
		}
		/* A success that did nothing would loop for ever. */
		if (!ret && (!done || done > nr))
			ret = -1;
		gfn += done;
		nr -= S2O_MIN(done, nr);
	}
	if (calls)
		*calls = n;
	return ret;
}

static void runs_add(const struct s2o_run *run, void *arg)
{
	struct runs *rs = arg;

	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? 2 * rs->cap : 64;
		rs->r = realloc(rs->r, rs->cap * sizeof(*rs->r));
		if (!rs->r)
			abort();
	}
	rs->r[rs->n++] = *run;
}

int runs_take(int vm, struct runs *rs)
{
	rs->n = 0;
	return s2o_dump(vm, runs_add, rs);
}

void runs_free(struct runs *rs)
{
	free(rs->r);
	*rs = (struct runs){ 0 };
}

static bool run_equal(const struct s2o_run *a, const struct s2o_run *b)
{
	return a->start == b->start && a->end == b->end &&
	       a->level == b->level && a->kind == b->kind &&
	       a->attrs == b->attrs && a->owner == b->owner &&
	       a->nr_entries == b->nr_entries;
}

void runs_normalize(struct runs *rs)
{
	size_t i, n = 0;

	for (i = 0; i < rs->n; i++) {
		struct s2o_run r = rs->r[i];
		struct s2o_run *last = n ? &rs->r[n - 1] : NULL;

		if ((r.kind == S2O_RUN_INVALID && !r.owner) ||
		    r.kind == S2O_RUN_BLOCK || r.kind == S2O_RUN_PAGE) {
			r.kind = RUN_HOST_DEFAULT;
			r.attrs = 0;
			r.owner = 0;
		}
		if (last && last->kind == r.kind && last->level == r.level &&
		    last->owner == r.owner && last->attrs == r.attrs &&
		    last->end == r.start) {
			last->end = r.end;
			last->nr_entries += r.nr_entries;
			continue;
		}
		rs->r[n++] = r;
	}
	rs->n = n;
}

long runs_diff(const struct runs *a, const struct runs *b)
{
	size_t i, n = S2O_MIN(a->n, b->n);

	for (i = 0; i < n; i++)
		if (!run_equal(&a->r[i], &b->r[i]))
			return (long)i;
	return a->n == b->n ? -1 : (long)n;
}

const char *run_str(const struct s2o_run *r, char buf[RUN_STR_LEN])
{
	snprintf(buf, RUN_STR_LEN, "[%#llx, %#llx) L%u kind %d owner %u x%llu",
		 (unsigned long long)r->start, (unsigned long long)r->end,
		 r->level, r->kind, r->owner,
		 (unsigned long long)r->nr_entries);
	return buf;
}

void harness_counters_take(struct harness_counters *c)
{
	int h;

	c->tables = tables_used();
	c->vm_cache = 0;
	for (h = 1; h <= S2O_MAX_VMS; h++)
		c->vm_cache += vm_cache_left(h);
	s2o_get_stats(&c->st);
	c->fc = fake_counters;
}

/* "name a -> b" after what @msg holds (@n characters). */
static void add_change(char msg[CHECK_MSG_LEN], size_t *n, const char *name,
		       u64 a, u64 b)
{
	if (*n < CHECK_MSG_LEN)
		*n += snprintf(msg + *n, CHECK_MSG_LEN - *n,
			       "%s%s %llu -> %llu", *n ? ", " : "", name,
			       (unsigned long long)a, (unsigned long long)b);
}

bool harness_counters_same(const struct harness_counters *a,
			   const struct harness_counters *b,
			   char msg[CHECK_MSG_LEN])
{
	struct s2own_stats sa = a->st, sb = b->st;
	size_t n = 0;

	sa.host_faults = sb.host_faults = 0;
	sa.host_faults_refused = sb.host_faults_refused = 0;
	msg[0] = '\0';
	if (a->tables != b->tables)
		add_change(msg, &n, "table pages in use", a->tables, b->tables);
	if (a->vm_cache != b->vm_cache)
		add_change(msg, &n, "VM cache pages", a->vm_cache,
			   b->vm_cache);
#define STAT_CHANGE(name)						\
	if (sa.name != sb.name)						\
		add_change(msg, &n, #name, sa.name, sb.name);
	S2OWN_STATS(STAT_CHANGE)
#undef STAT_CHANGE
#define FAKE_CHANGE(name)						\
	if (a->fc.name != b->fc.name)					\
		add_change(msg, &n, "fake " #name, a->fc.name, b->fc.name);
	FAKE_COUNTERS(FAKE_CHANGE)
#undef FAKE_CHANGE
	return !n;
}

u64 page_hash(u64 pfn)
{
	const u8 *p = fake_phys_va(pa_of(pfn));
	u64 h = 0xcbf29ce484222325ULL;
	unsigned int i;

	for (i = 0; i < PAGE; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

long page_first_nonzero(u64 pfn)
{
	const u64 *p = fake_phys_va(pa_of(pfn));
	unsigned int i;

	for (i = 0; i < PAGE / 8; i++)
		if (p[i])
			return 8 * i + __builtin_ctzll(p[i]) / 8;
	return -1;
}

/* ---- Checks -------------------------------------------------------------- */

bool harness_invariants_hold(char msg[CHECK_MSG_LEN])
{
	struct s2o_violation v;

	if (!s2o_check_invariants(&v))
		return true;
	snprintf(msg, CHECK_MSG_LEN, "invariant: %s at %#llx (vm %d): "
		 "expected %#llx, found %#llx", v.what,
		 (unsigned long long)v.addr, v.vm,
		 (unsigned long long)v.expected, (unsigned long long)v.found);
	return false;
}
