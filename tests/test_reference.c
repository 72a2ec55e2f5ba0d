// SPDX-License-Identifier: GPL-2.0-only
/*
 * The core against a reference model: plain arrays holding the state of
 * every page of a small window, each VM's life and its gfn -> pfn map,
 * driven by the same seeded random operations as the real tracker. After
 * every operation the return code and every page of the window must agree
 * with the model, and the fake MMUs may only translate what the model says
 * the host (or a guest) may access.
 *
 * The window is three runs of pages where the shape of the stage-2 is most
 * intricate: the end of the hypervisor's RAM and the start of host RAM (a
 * 2M boundary inside a 1G block of mixed memory), a 1G boundary, and the
 * end of RAM followed by MMIO. Ranges are 1..1100 pages, so they cross 2M
 * boundaries and, at the edges of the window's runs, regions.
 *
 * S2OWN_SEED=<n> replays a run; S2OWN_SEQS and S2OWN_OPS change its size.
 */
#include "harness.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../ownership/mem_protect.h"

#define PAGE 4096ULL
#define MAX_PFN (1ULL << 36)
#define HYP_FIRST PFN(HYP_BASE)
#define RAM_FIRST PFN(RAM_BASE)
#define RAM_END_PFN PFN(RAM_END)

#define DEFAULT_SEQS 20
#define DEFAULT_OPS 2000
#define CHECK_EVERY 50
#define MAX_RANGE 1100

/* ---- The window --------------------------------------------------------- */

struct seg {
	u64 first, end;	/* pfns [first, end) */
};

static const struct seg segs[] = {
	{ RAM_FIRST - 64, RAM_FIRST + 1400 },	/* hyp RAM | host RAM */
	{ PFN(2 * GIB) - 1400, PFN(2 * GIB) + 1400 },	/* 1G boundary */
	{ RAM_END_PFN - 1400, RAM_END_PFN + 64 },	/* host RAM | MMIO */
};

#define NR_SEGS ((int)S2O_ARRAY_SIZE(segs))
#define WIN (1464 + 2800 + 1464)

static int win_idx(u64 pfn)
{
	int s, base = 0;

	for (s = 0; s < NR_SEGS; s++) {
		if (pfn >= segs[s].first && pfn < segs[s].end)
			return base + (int)(pfn - segs[s].first);
		base += (int)(segs[s].end - segs[s].first);
	}
	return -1;
}

static u64 win_pfn(int idx)
{
	int s;

	for (s = 0; s < NR_SEGS; s++) {
		u64 len = segs[s].end - segs[s].first;

		if ((u64)idx < len)
			return segs[s].first + idx;
		idx -= (int)len;
	}
	abort();
}

static int seg_of(u64 pfn)
{
	int s;

	for (s = 0; s < NR_SEGS; s++)
		if (pfn >= segs[s].first && pfn < segs[s].end)
			return s;
	return -1;
}

/* Whether [pfn, pfn + nr) lies inside one run of the window. */
static bool range_in_window(u64 pfn, u64 nr)
{
	int s = seg_of(pfn);

	return s >= 0 && nr <= segs[s].end - pfn;
}

/* ---- The model ---------------------------------------------------------- */

enum mst { M_HOST, M_SHARED, M_HYP, M_GUEST, M_RELINQ, M_HYPRAM, M_MMIO };

static const char *const mst_name[] = {
	"HOST", "SHARED", "HYP", "GUEST", "RELINQUISHED", "hyp RAM", "MMIO",
};

enum { VM_FREE, VM_LIVE, VM_DYING };

/*
 * gfns the model tracks: the bottom of the guest IPA space, around a 1G
 * boundary, around a 512G boundary (a root entry) and the top.
 */
static const struct seg gregs[] = {
	{ 0, 4096 },
	{ PFN(GIB) - 1536, PFN(GIB) + 1536 },
	{ (1ULL << 27) - 1536, (1ULL << 27) + 1536 },
	{ MAX_PFN - 2048, MAX_PFN },
};

#define NR_GREGS ((int)S2O_ARRAY_SIZE(gregs))
#define GSLOTS (4096 + 3072 + 3072 + 2048)

static struct {
	u8 st[WIN];
	u8 vm[WIN];
	u64 marker[WIN];	/* word at the page's marker offset, 0: zero */
	int vstate[S2O_MAX_VMS + 1];
	u64 vpages[S2O_MAX_VMS + 1];
	u64 gmap[S2O_MAX_VMS + 1][GSLOTS];	/* pfn + 1, 0 unmapped */
} m;

static int gslot(u64 gfn)
{
	int r, base = 0;

	for (r = 0; r < NR_GREGS; r++) {
		if (gfn >= gregs[r].first && gfn < gregs[r].end)
			return base + (int)(gfn - gregs[r].first);
		base += (int)(gregs[r].end - gregs[r].first);
	}
	return -1;
}

static u64 gslot_gfn(int slot)
{
	int r;

	for (r = 0; r < NR_GREGS; r++) {
		u64 len = gregs[r].end - gregs[r].first;

		if ((u64)slot < len)
			return gregs[r].first + slot;
		slot -= (int)len;
	}
	abort();
}

static enum mst region_kind(u64 pfn)
{
	if (pfn >= HYP_FIRST && pfn < RAM_FIRST)
		return M_HYPRAM;
	if (pfn >= RAM_FIRST && pfn < RAM_END_PFN)
		return M_HOST;
	return M_MMIO;
}

/* Pages outside the window never change: they are what boot left. */
static enum mst mstate(u64 pfn)
{
	int i = win_idx(pfn);

	return i >= 0 ? m.st[i] : region_kind(pfn);
}

static bool vm_live(int h)
{
	return h >= 1 && h <= S2O_MAX_VMS && m.vstate[h] == VM_LIVE;
}

static u64 gmapped(int h, u64 gfn)
{
	int s = gslot(gfn);

	return s < 0 ? 0 : m.gmap[h][s];
}

static int m_range(u64 pfn, u64 nr)
{
	enum mst k;
	u64 end;

	if (!nr || pfn >= MAX_PFN || nr > MAX_PFN - pfn)
		return -S2O_EINVAL;
	k = region_kind(pfn);
	if (k == M_MMIO)
		return -S2O_EINVAL;
	end = k == M_HYPRAM ? RAM_FIRST : RAM_END_PFN;
	if (pfn + nr > end)
		return -S2O_EINVAL;
	return k == M_HYPRAM ? -S2O_EPERM : 0;
}

static int m_gfn_range(u64 gfn, u64 nr)
{
	if (!nr || gfn >= MAX_PFN || nr > MAX_PFN - gfn)
		return -S2O_EINVAL;
	return 0;
}

static int m_all_in(u64 pfn, u64 nr, enum mst from)
{
	u64 i;

	for (i = 0; i < nr; i++)
		if (mstate(pfn + i) != from)
			return -S2O_EPERM;
	return 0;
}

static void m_set(u64 pfn, u64 nr, enum mst to, int vm)
{
	u64 i;

	for (i = 0; i < nr; i++) {
		int w = win_idx(pfn + i);

		if (w < 0)
			abort();	/* the generator keeps ranges inside */
		m.st[w] = to;
		m.vm[w] = (u8)vm;
	}
}

static int m_host_hyp(u64 pfn, u64 nr, enum mst from, enum mst to,
		      bool apply)
{
	int ret = m_range(pfn, nr);

	if (!ret)
		ret = m_all_in(pfn, nr, from);
	if (!ret && apply)
		m_set(pfn, nr, to, 0);
	return ret;
}

static int m_donate_guest(int h, u64 pfn, u64 gfn, u64 nr, bool apply)
{
	u64 i;
	int ret;

	if (!vm_live(h))
		return -S2O_ENOENT;
	ret = m_range(pfn, nr);
	if (!ret)
		ret = m_gfn_range(gfn, nr);
	if (!ret)
		ret = m_all_in(pfn, nr, M_HOST);
	for (i = 0; !ret && i < nr; i++)
		if (gmapped(h, gfn + i))
			ret = -S2O_EBUSY;
	if (ret || !apply)
		return ret;
	m_set(pfn, nr, M_GUEST, h);
	for (i = 0; i < nr; i++) {
		int s = gslot(gfn + i);

		if (s < 0)
			abort();
		m.gmap[h][s] = pfn + i + 1;
	}
	m.vpages[h] += nr;
	return 0;
}

static int m_relinquish(int h, u64 gfn, u64 nr, bool apply)
{
	u64 i;
	int ret;

	if (!vm_live(h))
		return -S2O_ENOENT;
	ret = m_gfn_range(gfn, nr);
	for (i = 0; !ret && i < nr; i++)
		if (!gmapped(h, gfn + i))
			ret = -S2O_EPERM;
	if (ret || !apply)
		return ret;
	for (i = 0; i < nr; i++) {
		int s = gslot(gfn + i);

		m_set(m.gmap[h][s] - 1, 1, M_RELINQ, h);
		m.gmap[h][s] = 0;
	}
	return 0;
}

static void m_vm_put(int h)
{
	if (!--m.vpages[h] && m.vstate[h] == VM_DYING)
		m.vstate[h] = VM_FREE;
}

static int m_reclaim(u64 pfn, u64 nr, bool apply)
{
	u64 i;
	int ret = m_range(pfn, nr);

	for (i = 0; !ret && i < nr; i++) {
		enum mst s = mstate(pfn + i);

		if (s == M_GUEST && vm_live(m.vm[win_idx(pfn + i)]))
			ret = -S2O_EBUSY;
		else if (s != M_GUEST && s != M_RELINQ)
			ret = -S2O_EPERM;
	}
	if (ret || !apply)
		return ret;
	for (i = 0; i < nr; i++) {
		int w = win_idx(pfn + i);

		m_vm_put(m.vm[w]);
		m.st[w] = M_HOST;
		m.vm[w] = 0;
		m.marker[w] = 0;
	}
	return 0;
}

static int m_destroy(int h, bool apply)
{
	if (!vm_live(h))
		return -S2O_ENOENT;
	if (!apply)
		return 0;
	memset(m.gmap[h], 0, sizeof(m.gmap[h]));
	m.vstate[h] = m.vpages[h] ? VM_DYING : VM_FREE;
	return 0;
}

static int m_fault(u64 ipa)
{
	enum mst s;

	if (ipa >> 48)
		return -S2O_EINVAL;
	s = mstate(ipa >> 12);
	if (s == M_HYPRAM)
		return -S2O_EPERM;
	return s == M_HOST || s == M_SHARED || s == M_MMIO ? 0 : -S2O_EPERM;
}

static void model_reset(void)
{
	int i;

	memset(&m, 0, sizeof(m));
	for (i = 0; i < WIN; i++)
		m.st[i] = region_kind(win_pfn(i));
}

/* ---- The run ------------------------------------------------------------ */

struct run_ctx {
	u64 rng;
	unsigned long long seed;
	unsigned int seq;
	unsigned int opno;
	char desc[160];
	char history[8][160];	/* the last operations, for a failure */
	u64 *faults;		/* successful host faults, in order */
	size_t nr_faults, cap_faults;
};

static struct run_ctx rc;

static u64 splitmix(u64 *x)
{
	u64 z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static u64 rnd(u64 n)
{
	return n ? splitmix(&rc.rng) % n : 0;
}

static bool chance(unsigned int percent)
{
	return rnd(100) < percent;
}

static void mismatch(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void mismatch(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	unsigned int i;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "MISMATCH seed %llu sequence %u op %u: %s\n  %s\n",
		rc.seed, rc.seq, rc.opno, rc.desc, msg);
	fprintf(stderr, "  previous operations, oldest first:\n");
	for (i = 1; i <= 8; i++) {
		const char *h = rc.history[(rc.opno + i) % 8];

		if (h[0] && (rc.opno + i) % 8 != rc.opno % 8)
			fprintf(stderr, "    %s\n", h);
	}
	fail_msg("seed %llu sequence %u op %u: %s: %s", rc.seed, rc.seq,
		 rc.opno, rc.desc, msg);
}

#define DESC(...) snprintf(rc.desc, sizeof(rc.desc), __VA_ARGS__)

/* How often each kind of operation returned what, over the whole run. */
enum op_kind { K_FAULT, K_SHARE, K_UNSHARE, K_DONATE_HYP, K_GIVE_BACK,
	       K_DONATE_GUEST, K_RELINQUISH, K_RECLAIM, K_CREATE, K_DESTROY,
	       NR_K };

static const char *const kind_name[NR_K] = {
	"host fault", "share_hyp", "unshare_hyp", "donate_hyp",
	"hyp_donate_host", "donate_guest", "relinquish", "reclaim",
	"vm_create", "vm_destroy",
};

/* Columns: 0, -EPERM, -ENOENT, -ENOMEM, -EBUSY, -EINVAL. */
static const int ret_col[] = { 0, -S2O_EPERM, -S2O_ENOENT, -S2O_ENOMEM,
			       -S2O_EBUSY, -S2O_EINVAL };
static unsigned long long coverage[NR_K][6];
static enum op_kind cur_kind;

static void count_ret(int ret)
{
	unsigned int i;

	for (i = 0; i < S2O_ARRAY_SIZE(ret_col); i++)
		if (ret == ret_col[i])
			coverage[cur_kind][i]++;
}

static void expect_ret(int got, int want)
{
	count_ret(got);
	if (got != want)
		mismatch("returned %d, the model says %d", got, want);
}

/*
 * A call the model says fails must change nothing: the backend saw no
 * descriptor write (every write goes through it, so no stage-2 changed),
 * no TLBI and no scrub; the table pages and every counter but the fault
 * statistics are the same. On every 8th operation the host's stage-2 and
 * that of the VM the call names are also compared run by run (hashed):
 * dumping them all for every failure would triple the run time.
 */
#define DUMP_EVERY 8

struct quiet {
	bool armed;
	bool dump;
	int vm;
	u64 host, vm_hash;
	u64 tables;
	struct s2o_stats st;
	struct fake_counters fc;
};

static struct quiet quiet;

static void hash_run(const struct s2o_run *r, void *arg)
{
	u64 *h = arg, f[6] = { r->start, r->end, r->level, r->kind, r->attrs,
			       r->owner };
	unsigned int i;

	for (i = 0; i < 6; i++)
		*h = (*h ^ f[i]) * 0x100000001b3ULL;
}

static void quiet_take(struct quiet *q)
{
	q->tables = tables_used();
	s2o_get_stats(&q->st);
	q->st.host_faults = q->st.host_faults_refused = 0;
	q->fc = fake_counters;
	if (!q->dump)
		return;
	q->host = 0xcbf29ce484222325ULL;
	assert_int_equal(s2o_dump(0, hash_run, &q->host), 0);
	q->vm_hash = 0xcbf29ce484222325ULL;
	if (q->vm < 1 || q->vm > S2O_MAX_VMS ||
	    s2o_dump(q->vm, hash_run, &q->vm_hash))
		q->vm_hash = 0;
}

static void quiet_begin(int want, int vm)
{
	quiet.armed = want != 0;
	quiet.dump = rc.opno % DUMP_EVERY == 0;
	quiet.vm = vm;
	if (quiet.armed)
		quiet_take(&quiet);
}

static void quiet_end(void)
{
	struct quiet now = { .vm = quiet.vm, .dump = quiet.dump };

	if (!quiet.armed)
		return;
	quiet.armed = false;
	quiet_take(&now);
	if (quiet.dump && now.host != quiet.host)
		mismatch("failed, yet the host stage-2 changed");
	if (quiet.dump && now.vm_hash != quiet.vm_hash)
		mismatch("failed, yet VM %d's stage-2 changed", quiet.vm);
	if (now.tables != quiet.tables)
		mismatch("failed, yet table pages went %llu -> %llu",
			 (unsigned long long)quiet.tables,
			 (unsigned long long)now.tables);
	if (memcmp(&now.st, &quiet.st, sizeof(now.st)))
		mismatch("failed, yet the statistics changed");
	if (memcmp(&now.fc, &quiet.fc, sizeof(now.fc)))
		mismatch("failed, yet the backend saw %llu descriptor writes, "
			 "%llu TLBIs, %llu zeroed pages",
			 (unsigned long long)(now.fc.pte_writes -
					      quiet.fc.pte_writes),
			 (unsigned long long)(now.fc.tlbi_ipa +
					      now.fc.tlbi_range +
					      now.fc.tlbi_vmid -
					      quiet.fc.tlbi_ipa -
					      quiet.fc.tlbi_range -
					      quiet.fc.tlbi_vmid),
			 (unsigned long long)(now.fc.zeroed_pages -
					      quiet.fc.zeroed_pages));
}

static u64 marker_value(u64 pfn)
{
	u64 x = rc.seed ^ (pfn * 0x2545f4914f6cdd1dULL) ^ rc.rng;

	return splitmix(&x) | 1;
}

static u64 *marker_ptr(u64 pfn)
{
	return (u64 *)fake_phys_va(pfn << 12) + (pfn & 511);
}

/* The host writes into a page it owns; the model remembers what. */
static void host_writes(u64 pfn)
{
	int w = win_idx(pfn);

	m.marker[w] = marker_value(pfn);
	*marker_ptr(pfn) = m.marker[w];
}

static void check_markers(void)
{
	int i;

	for (i = 0; i < WIN; i++) {
		u64 pfn = win_pfn(i);

		if (region_kind(pfn) != M_HOST)
			continue;
		if (*marker_ptr(pfn) != m.marker[i])
			mismatch("data of page %#llx is %#llx, the model says "
				 "%#llx", (unsigned long long)pfn,
				 (unsigned long long)*marker_ptr(pfn),
				 (unsigned long long)m.marker[i]);
	}
}

static void check_zeroed(u64 pfn, u64 nr)
{
	u64 i, j;

	for (i = 0; i < nr; i++) {
		const u64 *p = fake_phys_va((pfn + i) << 12);

		for (j = 0; j < PAGE / 8; j++)
			if (p[j])
				mismatch("reclaimed page %#llx not zeroed at "
					 "%#llx", (unsigned long long)(pfn + i),
					 (unsigned long long)j * 8);
	}
}

static struct s2o_page_info want_info(int w)
{
	const enum s2o_page_state O = S2O_PAGE_OWNED, N = S2O_PAGE_NOPAGE;
	int vm = m.vm[w];

	switch (m.st[w]) {
	case M_HOST:
		return (struct s2o_page_info){ S2O_OWNER_HOST, O, N, N, 0,
					       false };
	case M_SHARED:
		return (struct s2o_page_info){ S2O_OWNER_HOST,
					       S2O_PAGE_SHARED_OWNED,
					       S2O_PAGE_SHARED_BORROWED, N, 0,
					       false };
	case M_HYP:
	case M_HYPRAM:
		return (struct s2o_page_info){ S2O_OWNER_HYP, N, O, N, 0,
					       false };
	case M_GUEST:
		return (struct s2o_page_info){ S2O_OWNER_GUEST, N, N, O, vm,
					       !vm_live(vm) };
	case M_RELINQ:
		return (struct s2o_page_info){ S2O_OWNER_GUEST, N, N, N, vm,
					       true };
	default:
		abort();
	}
}

static void check_window(void)
{
	int i;

	for (i = 0; i < WIN; i++) {
		struct s2o_page_info got, want;
		u64 pfn = win_pfn(i);
		int ret = s2o_page_query(pfn, &got);

		if (m.st[i] == M_MMIO) {
			if (ret != -S2O_EINVAL)
				mismatch("query of MMIO page %#llx returned %d",
					 (unsigned long long)pfn, ret);
			continue;
		}
		if (ret)
			mismatch("query of page %#llx returned %d",
				 (unsigned long long)pfn, ret);
		want = want_info(i);
		if (got.owner != want.owner || got.host != want.host ||
		    got.hyp != want.hyp || got.guest != want.guest ||
		    got.vm != want.vm || got.reclaimable != want.reclaimable)
			mismatch("page %#llx: owner %d host %d hyp %d guest %d "
				 "vm %d reclaimable %d; the model says %s "
				 "(owner %d host %d hyp %d guest %d vm %d "
				 "reclaimable %d)", (unsigned long long)pfn,
				 got.owner, got.host, got.hyp, got.guest,
				 got.vm, got.reclaimable, mst_name[m.st[i]],
				 want.owner, want.host, want.hyp, want.guest,
				 want.vm, want.reclaimable);
	}
}

static u64 vm_vttbr(int h)
{
	return s2o_vms[h].pgt.root_pa | ((u64)h << 48);
}

/* Normal write-back memory for RAM; Device-nGnRE and XN for MMIO. */
static void check_host_desc(u64 ipa, const struct fake_translation *tr)
{
	bool mmio = region_kind(ipa >> 12) == M_MMIO;
	u64 memattr = (tr->desc >> 2) & 0xf;

	if (tr->pa != ipa)
		mismatch("host translates %#llx to %#llx",
			 (unsigned long long)ipa, (unsigned long long)tr->pa);
	if (memattr != (mmio ? 1 : 0xf) ||
	    !!(tr->desc & (1ULL << 54)) != mmio)
		mismatch("host maps %#llx with descriptor %#llx",
			 (unsigned long long)ipa,
			 (unsigned long long)tr->desc);
}

/*
 * A translation the host gets, from its TLB or the tables, must be of a
 * page the model says it may access: a stale TLB entry shows here.
 */
static void probe_host(unsigned int cpu, u64 ipa)
{
	struct fake_translation tr;
	enum mst s = mstate(ipa >> 12);

	if (fake_hw_translate(cpu, s2o_host_vttbr(), ipa, &tr))
		return;
	if (s != M_HOST && s != M_SHARED && s != M_MMIO)
		mismatch("cpu %u translates %#llx for the host (%s, level "
			 "%u%s)", cpu, (unsigned long long)ipa, mst_name[s],
			 tr.level, tr.from_tlb ? ", from its TLB" : "");
	check_host_desc(ipa, &tr);
}

static void probe_host_all_cpus(u64 pfn)
{
	unsigned int cpu;

	for (cpu = 0; cpu < FAKE_NR_CPUS; cpu++)
		probe_host(cpu, (pfn << 12) + 8 * rnd(512));
}

/* A guest translates exactly what the model maps for it. */
static void probe_guest(unsigned int cpu, int h, u64 gfn)
{
	struct fake_translation tr;
	u64 want = gmapped(h, gfn);
	int ret = fake_hw_translate(cpu, vm_vttbr(h), gfn << 12, &tr);

	if (!want && !ret)
		mismatch("cpu %u translates unmapped gfn %#llx of VM %d to "
			 "%#llx%s", cpu, (unsigned long long)gfn, h,
			 (unsigned long long)tr.pa,
			 tr.from_tlb ? " from its TLB" : "");
	if (want && ret)
		mismatch("VM %d does not map gfn %#llx (pfn %#llx)", h,
			 (unsigned long long)gfn,
			 (unsigned long long)(want - 1));
	if (want && tr.pa != (want - 1) << 12)
		mismatch("VM %d maps gfn %#llx to %#llx, the model says pfn "
			 "%#llx", h, (unsigned long long)gfn,
			 (unsigned long long)tr.pa,
			 (unsigned long long)(want - 1));
}

static int random_live_vm(void)
{
	int h, n = 0, live[S2O_MAX_VMS];

	for (h = 1; h <= S2O_MAX_VMS; h++)
		if (m.vstate[h] == VM_LIVE)
			live[n++] = h;
	return n ? live[rnd(n)] : 0;
}

static void random_probes(void)
{
	int i, h;

	for (i = 0; i < 3; i++)
		probe_host((unsigned int)rnd(FAKE_NR_CPUS),
			   (win_pfn((int)rnd(WIN)) << 12) + 8 * rnd(512));
	h = random_live_vm();
	if (h) {
		int s = (int)rnd(GSLOTS);

		probe_guest((unsigned int)rnd(FAKE_NR_CPUS), h, gslot_gfn(s));
	}
}

/* ---- Generating operations ---------------------------------------------- */

static u64 random_len(void)
{
	switch (rnd(10)) {
	case 0: case 1: case 2: case 3: case 4:
		return 1 + rnd(8);
	case 5: case 6:
		return 1 + rnd(64);
	case 7: case 8:
		return 1 + rnd(MAX_RANGE);
	default:
		return 512 * (1 + rnd(2));
	}
}

/* A range inside one run of the window, sometimes 2M aligned. */
static void random_range(u64 *pfn, u64 *nr)
{
	const struct seg *s = &segs[rnd(NR_SEGS)];
	u64 len = s->end - s->first, n = random_len();

	if (n > len)
		n = len;
	*nr = n;
	*pfn = s->first + rnd(len - n + 1);
	if (n >= 512 && chance(70)) {
		u64 a = S2O_ALIGN_UP(*pfn, 512);

		if (a + n <= s->end)
			*pfn = a;
	}
}

/*
 * A range starting at a page in one of the states of @mask, mostly made
 * only of such pages so that the operation has a chance to succeed.
 */
static void targeted_range(unsigned int mask, u64 *pfn, u64 *nr)
{
	int start = (int)rnd(WIN), i, w = -1;
	u64 n, want;
	int s;

	for (i = 0; i < WIN; i++) {
		int j = (start + i) % WIN;

		if (mask & (1u << m.st[j])) {
			w = j;
			break;
		}
	}
	if (w < 0) {
		random_range(pfn, nr);
		return;
	}
	*pfn = win_pfn(w);
	s = seg_of(*pfn);
	want = random_len();
	for (n = 1; n < want && *pfn + n < segs[s].end; n++)
		if (!(mask & (1u << mstate(*pfn + n))) && chance(90))
			break;
	*nr = n;
}

/* One or two whole 2M chunks of the window, 2M aligned. */
static void aligned_chunk(u64 *pfn, u64 *nr)
{
	const struct seg *s = &segs[rnd(NR_SEGS)];
	u64 first = S2O_ALIGN_UP(s->first, 512), n = 512 * (1 + rnd(2));
	u64 chunks;

	if (first + n > s->end)
		n = 512;
	chunks = (s->end - first - n) / 512 + 1;
	*pfn = first + 512 * rnd(chunks);
	*nr = n;
}

static const struct seg *random_greg(void)
{
	u64 r = rnd(100);

	return &gregs[r < 55 ? 0 : r < 70 ? 1 : r < 85 ? 2 : 3];
}

/* A gfn range of @nr (at most 2048) inside one tracked region. */
static u64 random_gfn(u64 pfn, u64 nr)
{
	const struct seg *g = random_greg();
	u64 base = g->first, len = g->end - g->first;

	if (chance(40)) {
		/* The same offset in a 2M chunk as the pfn: guest blocks. */
		u64 g = S2O_ALIGN_DOWN(base + rnd(len - nr + 1), 512) +
			(pfn & 511);

		if (g >= base && g + nr <= base + len)
			return g;
	}
	return base + rnd(len - nr + 1);
}

static int random_bad_handle(void)
{
	static const int bad[] = { -1, 0, S2O_MAX_VMS + 1, INT_MIN, INT_MAX };

	if (chance(50))
		return bad[rnd(S2O_ARRAY_SIZE(bad))];
	return 1 + (int)rnd(S2O_MAX_VMS);	/* maybe free or destroyed */
}

static int random_handle(void)
{
	int h = random_live_vm();

	return h && chance(90) ? h : random_bad_handle();
}

/* A pfn range the range check must refuse, or hyp RAM anywhere. */
static void bad_range(u64 *pfn, u64 *nr)
{
	switch (rnd(12)) {
	case 0:
		*pfn = ~0ULL, *nr = 1;
		break;
	case 1:
		*pfn = RAM_FIRST + rnd(1000), *nr = 0;
		break;
	case 2:
		*pfn = RAM_FIRST + rnd(1000), *nr = ~0ULL - rnd(4);
		break;
	case 3:
		*pfn = MAX_PFN + rnd(10), *nr = 1;
		break;
	case 4:
		*pfn = (1ULL << 52) | (RAM_FIRST + rnd(1000)), *nr = 1;
		break;
	case 5:
		*pfn = RAM_END_PFN - rnd(4), *nr = 1 + rnd(MAX_RANGE);
		break;
	case 6:
		*pfn = rnd(HYP_FIRST), *nr = 1 + rnd(MAX_RANGE);
		break;
	case 7:
		*pfn = HYP_FIRST + rnd(RAM_FIRST - HYP_FIRST);
		*nr = 1 + rnd(RAM_FIRST - *pfn + 2);
		break;
	case 8:
		*pfn = RAM_FIRST - 1 - rnd(4), *nr = 2 + rnd(MAX_RANGE);
		break;
	case 9:
		*pfn = MAX_PFN - 1 - rnd(4), *nr = 1 + rnd(8);
		break;
	case 10:
		*pfn = RAM_FIRST + rnd(1000), *nr = MAX_PFN - RAM_FIRST + 1;
		break;
	default:
		*pfn = splitmix(&rc.rng), *nr = splitmix(&rc.rng) >> rnd(64);
		break;
	}
}

static u64 bad_gfn(u64 nr, u64 *gfn)
{
	switch (rnd(4)) {
	case 0:
		/* Crosses the top of the IPA space. */
		*gfn = MAX_PFN - rnd(nr < 4 ? nr : 4);
		return nr < 2 ? 2 : nr;
	case 1:
		*gfn = ~0ULL - rnd(4);
		return nr;
	case 2:
		*gfn = (1ULL << 52) | rnd(4096);
		return nr;
	default:
		*gfn = MAX_PFN + rnd(100);
		return nr;
	}
}

/* ---- Operations ------------------------------------------------------- */

#define BIT(st) (1u << (st))

static void after_donation(u64 pfn, u64 nr)
{
	/* No CPU may still reach a page the host gave away. */
	probe_host_all_cpus(pfn);
	probe_host_all_cpus(pfn + nr - 1);
	probe_host_all_cpus(pfn + rnd(nr));
}

enum hh_op { HH_SHARE, HH_UNSHARE, HH_DONATE, HH_GIVE_BACK };

static void op_host_hyp(enum hh_op op, bool bad)
{
	static const struct {
		const char *name;
		int (*fn)(u64, u64);
		enum mst from, to;
	} t[] = {
		[HH_SHARE] = { "share_hyp", s2o_host_share_hyp, M_HOST,
			       M_SHARED },
		[HH_UNSHARE] = { "unshare_hyp", s2o_host_unshare_hyp,
				 M_SHARED, M_HOST },
		[HH_DONATE] = { "donate_hyp", s2o_host_donate_hyp, M_HOST,
				M_HYP },
		[HH_GIVE_BACK] = { "hyp_donate_host", s2o_hyp_donate_host,
				   M_HYP, M_HOST },
	};
	u64 pfn, nr;
	int want, got;

	if (bad) {
		do
			bad_range(&pfn, &nr);
		while (!m_range(pfn, nr) && !range_in_window(pfn, nr));
	} else if (chance(60)) {
		targeted_range(BIT(t[op].from), &pfn, &nr);
	} else {
		random_range(&pfn, &nr);
	}
	DESC("%s(pfn %#llx, nr %#llx)", t[op].name, (unsigned long long)pfn,
	     (unsigned long long)nr);
	cur_kind = K_SHARE + op;
	want = m_host_hyp(pfn, nr, t[op].from, t[op].to, false);
	quiet_begin(want, 0);
	got = t[op].fn(pfn, nr);
	expect_ret(got, want);
	quiet_end();
	if (got)
		return;
	m_host_hyp(pfn, nr, t[op].from, t[op].to, true);
	if (op == HH_DONATE)
		after_donation(pfn, nr);
}

/* A gfn range of VM @h, mostly of mapped gfns. */
static void mapped_gfns(int h, u64 *gfn, u64 *nr)
{
	int start = (int)rnd(GSLOTS), i, s = -1;
	u64 n, want;

	if (h >= 1 && h <= S2O_MAX_VMS) {
		for (i = 0; i < (int)GSLOTS; i++) {
			int j = (start + i) % GSLOTS;

			if (m.gmap[h][j]) {
				s = j;
				break;
			}
		}
	}
	if (s < 0) {
		*gfn = gslot_gfn(start);
		*nr = 1 + rnd(8);
		return;
	}
	if (chance(25)) {
		/* The whole 2M around it: a guest block, if it is one. */
		s = (int)S2O_ALIGN_DOWN((u64)s, 512);
		want = 512 * (1 + rnd(2));
	} else {
		want = random_len();
	}
	*gfn = gslot_gfn(s);
	for (n = 1; n < want && gslot(*gfn + n) == s + (int)n; n++)
		if (!m.gmap[h][s + n] && chance(90))
			break;
	*nr = n;
}

static void op_donate_guest(bool bad)
{
	u64 pfn, gfn, nr;
	int h = random_handle(), want, got;

	if (bad) {
		if (chance(50)) {
			do
				bad_range(&pfn, &nr);
			while (!m_range(pfn, nr) &&
			       !range_in_window(pfn, nr));
			gfn = random_gfn(pfn, nr > 2048 ? 1 : nr);
		} else {
			targeted_range(BIT(M_HOST), &pfn, &nr);
			nr = bad_gfn(nr, &gfn);
			if (!range_in_window(pfn, nr))
				nr = 1, gfn = MAX_PFN;
		}
	} else if (chance(15)) {
		/* Whole 2M chunks to a 2M-aligned gfn: guest blocks. */
		const struct seg *g = random_greg();
		u64 first;

		aligned_chunk(&pfn, &nr);
		first = S2O_ALIGN_UP(g->first, 512);
		gfn = first + 512 * rnd((g->end - first - nr) / 512 + 1);
	} else {
		if (chance(70))
			targeted_range(BIT(M_HOST), &pfn, &nr);
		else
			random_range(&pfn, &nr);
		gfn = random_gfn(pfn, nr);
		if (chance(10) && h >= 1 && h <= S2O_MAX_VMS) {
			/* Onto gfns the VM already maps, maybe partly. */
			u64 g, n;

			mapped_gfns(h, &g, &n);
			g -= S2O_MIN(g, rnd(nr));
			if (gslot(g) >= 0 && gslot(g + nr - 1) >= 0 &&
			    gslot(g + nr - 1) - gslot(g) == (int)nr - 1)
				gfn = g;
		}
	}
	DESC("donate_guest(vm %d, pfn %#llx, gfn %#llx, nr %#llx)", h,
	     (unsigned long long)pfn, (unsigned long long)gfn,
	     (unsigned long long)nr);
	cur_kind = K_DONATE_GUEST;
	want = m_donate_guest(h, pfn, gfn, nr, false);
	quiet_begin(want, h);
	got = s2o_host_donate_guest(h, pfn, gfn, nr);
	expect_ret(got, want);
	quiet_end();
	if (got)
		return;
	m_donate_guest(h, pfn, gfn, nr, true);
	after_donation(pfn, nr);
	probe_guest((unsigned int)rnd(FAKE_NR_CPUS), h, gfn);
	probe_guest((unsigned int)rnd(FAKE_NR_CPUS), h, gfn + nr - 1);
}

static void op_relinquish(bool bad)
{
	int h = random_handle(), want, got;
	u64 gfn, nr;

	if (bad) {
		mapped_gfns(h, &gfn, &nr);
		nr = bad_gfn(nr, &gfn);
	} else {
		mapped_gfns(h, &gfn, &nr);
	}
	DESC("relinquish(vm %d, gfn %#llx, nr %#llx)", h,
	     (unsigned long long)gfn, (unsigned long long)nr);
	cur_kind = K_RELINQUISH;
	want = m_relinquish(h, gfn, nr, false);
	quiet_begin(want, h);
	got = s2o_guest_relinquish(h, gfn, nr);
	expect_ret(got, want);
	quiet_end();
	if (got)
		return;
	m_relinquish(h, gfn, nr, true);
	/* Both ends must be gone from every CPU's view of the guest. */
	for (unsigned int cpu = 0; cpu < FAKE_NR_CPUS; cpu++) {
		probe_guest(cpu, h, gfn);
		probe_guest(cpu, h, gfn + nr - 1);
	}
}

static void op_reclaim(bool bad)
{
	u64 pfn, nr, i;
	int want, got;

	if (bad) {
		do
			bad_range(&pfn, &nr);
		while (!m_range(pfn, nr) && !range_in_window(pfn, nr));
	} else if (chance(75)) {
		targeted_range(BIT(M_GUEST) | BIT(M_RELINQ), &pfn, &nr);
	} else {
		random_range(&pfn, &nr);
	}
	DESC("reclaim(pfn %#llx, nr %#llx)", (unsigned long long)pfn,
	     (unsigned long long)nr);
	cur_kind = K_RECLAIM;
	want = m_reclaim(pfn, nr, false);
	quiet_begin(want, 0);
	got = s2o_host_reclaim_guest(pfn, nr);
	expect_ret(got, want);
	quiet_end();
	if (got)
		return;
	m_reclaim(pfn, nr, true);
	check_zeroed(pfn, nr);
	for (i = 0; i < nr; i++)
		host_writes(pfn + i);
}

static void op_vm_create(void)
{
	bool any_free = false;
	int h;

	for (h = 1; h <= S2O_MAX_VMS; h++)
		any_free |= m.vstate[h] == VM_FREE;
	DESC("vm_create()");
	quiet_begin(any_free ? 0 : -S2O_EBUSY, 0);
	h = s2o_vm_create();
	cur_kind = K_CREATE;
	if (!any_free) {
		expect_ret(h, -S2O_EBUSY);
		quiet_end();
		return;
	}
	count_ret(0);
	if (h < 1 || h > S2O_MAX_VMS || m.vstate[h] != VM_FREE)
		mismatch("returned %d, the model has a free slot", h);
	m.vstate[h] = VM_LIVE;
}

static void op_vm_destroy(void)
{
	int h = chance(85) ? random_live_vm() : random_bad_handle();
	int want, got;

	DESC("vm_destroy(%d)", h);
	cur_kind = K_DESTROY;
	want = m_destroy(h, false);
	quiet_begin(want, h);
	got = s2o_vm_destroy(h);
	expect_ret(got, want);
	quiet_end();
	if (!got)
		m_destroy(h, true);
}

static void record_fault(u64 ipa)
{
	if (rc.nr_faults == rc.cap_faults) {
		rc.cap_faults = rc.cap_faults ? 2 * rc.cap_faults : 256;
		rc.faults = realloc(rc.faults,
				    rc.cap_faults * sizeof(*rc.faults));
		if (!rc.faults)
			abort();
	}
	rc.faults[rc.nr_faults++] = ipa;
}

static void do_fault(u64 ipa)
{
	unsigned int cpu = (unsigned int)rnd(FAKE_NR_CPUS);
	struct fake_translation tr;
	int want = m_fault(ipa), got;

	DESC("host fault(%#llx) on cpu %u", (unsigned long long)ipa, cpu);
	cur_kind = K_FAULT;
	quiet_begin(want, 0);
	got = s2o_host_handle_fault(ipa);
	expect_ret(got, want);
	quiet_end();
	if (got) {
		if (!(ipa >> 48) &&
		    !fake_hw_translate(cpu, s2o_host_vttbr(), ipa, &tr))
			mismatch("refused, yet cpu %u translates it", cpu);
		return;
	}
	record_fault(ipa);
	/* The access the host retries; it fills this CPU's TLB. */
	if (fake_hw_translate(cpu, s2o_host_vttbr(), ipa, &tr))
		mismatch("mapped, yet cpu %u faults", cpu);
	check_host_desc(ipa, &tr);
}

static void op_fault(void)
{
	u64 ipa;

	switch (rnd(20)) {
	case 0: case 1: case 2:
		/* Anywhere in host RAM: outside the window all is HOST. */
		ipa = (RAM_FIRST + rnd(RAM_END_PFN - RAM_FIRST)) << 12;
		break;
	case 3:
		ipa = rnd(HYP_BASE);
		break;
	case 4:
		/* MMIO above RAM; rarely in another 512G (a level-1 table). */
		if (chance(80))
			ipa = RAM_END + rnd(8 * GIB);
		else
			ipa = RAM_END + rnd((1ULL << 48) - RAM_END);
		break;
	case 5:
		ipa = HYP_BASE + rnd(HYP_END - HYP_BASE);
		break;
	case 6:
		ipa = (1ULL << 48) + rnd(1ULL << 40);
		break;
	default:
		ipa = (win_pfn((int)rnd(WIN)) << 12) + rnd(PAGE);
		break;
	}
	do_fault(ipa);
}

static void one_op(void)
{
	bool bad = chance(8);
	u64 r = rnd(100);

	if (r < 18)
		op_fault();
	else if (r < 26)
		op_host_hyp(HH_SHARE, bad);
	else if (r < 33)
		op_host_hyp(HH_UNSHARE, bad);
	else if (r < 42)
		op_host_hyp(HH_DONATE, bad);
	else if (r < 50)
		op_host_hyp(HH_GIVE_BACK, bad);
	else if (r < 65)
		op_donate_guest(bad);
	else if (r < 75)
		op_relinquish(bad);
	else if (r < 88)
		op_reclaim(bad);
	else if (r < 94)
		op_vm_create();
	else
		op_vm_destroy();
}

/* ---- Giving everything back, and the tables that remain ---------------- */

struct runs {
	struct s2o_run *r;
	size_t n, cap;
};

static void runs_add(const struct s2o_run *run, void *arg)
{
	struct runs *rs = arg;

	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? 2 * rs->cap : 256;
		rs->r = realloc(rs->r, rs->cap * sizeof(*rs->r));
		if (!rs->r)
			abort();
	}
	rs->r[rs->n++] = *run;
}

/*
 * The host stage-2's runs with every entry that leaves its pages to the
 * host (valid identity leaf, or invalid with owner 0) as one kind, merged:
 * see compare_with_faults_alone().
 */
#define RUN_HOST_DEFAULT 99

static void host_runs(struct runs *rs)
{
	size_t i, n = 0;

	rs->n = 0;
	assert_int_equal(s2o_dump(0, runs_add, rs), 0);
	for (i = 0; i < rs->n; i++) {
		struct s2o_run r = rs->r[i];

		if ((r.kind == S2O_RUN_INVALID && !r.owner) ||
		    r.kind == S2O_RUN_BLOCK || r.kind == S2O_RUN_PAGE) {
			r.kind = RUN_HOST_DEFAULT;
			r.attrs = 0;
			r.owner = 0;
		}
		if (n && rs->r[n - 1].kind == r.kind &&
		    rs->r[n - 1].level == r.level &&
		    rs->r[n - 1].owner == r.owner &&
		    rs->r[n - 1].end == r.start) {
			rs->r[n - 1].end = r.end;
			rs->r[n - 1].nr_entries += r.nr_entries;
			continue;
		}
		rs->r[n++] = r;
	}
	rs->n = n;
}

/* Maximal runs of window pages in a state of @mask, each handed to @fn. */
static void give_back_runs(unsigned int mask, enum op_kind kind,
			   int (*fn)(u64, u64),
			   int (*model)(u64, u64, bool))
{
	int i = 0;

	while (i < WIN) {
		u64 pfn = win_pfn(i), nr = 1;
		int got, want;

		if (!(mask & BIT(m.st[i]))) {
			i++;
			continue;
		}
		while (i + (int)nr < WIN && win_pfn(i + (int)nr) == pfn + nr &&
		       (mask & BIT(m.st[i + nr])))
			nr++;
		DESC("give back: %s(pfn %#llx, nr %#llx)", kind_name[kind],
		     (unsigned long long)pfn, (unsigned long long)nr);
		cur_kind = kind;
		want = model(pfn, nr, false);
		if (want)
			mismatch("the model refuses: %d", want);
		got = fn(pfn, nr);
		expect_ret(got, want);
		model(pfn, nr, true);
		i += (int)nr;
	}
}

static int m_unshare(u64 pfn, u64 nr, bool apply)
{
	return m_host_hyp(pfn, nr, M_SHARED, M_HOST, apply);
}

static int m_give_back(u64 pfn, u64 nr, bool apply)
{
	return m_host_hyp(pfn, nr, M_HYP, M_HOST, apply);
}

static void give_everything_back(void)
{
	int h, i;

	for (h = 1; h <= S2O_MAX_VMS; h++) {
		if (m.vstate[h] != VM_LIVE)
			continue;
		DESC("give back: vm_destroy(%d)", h);
		cur_kind = K_DESTROY;
		expect_ret(s2o_vm_destroy(h), 0);
		m_destroy(h, true);
	}
	give_back_runs(BIT(M_GUEST) | BIT(M_RELINQ), K_RECLAIM,
		       s2o_host_reclaim_guest, m_reclaim);
	give_back_runs(BIT(M_HYP), K_GIVE_BACK, s2o_hyp_donate_host,
		       m_give_back);
	give_back_runs(BIT(M_SHARED), K_UNSHARE, s2o_host_unshare_hyp,
		       m_unshare);
	DESC("after giving everything back");
	for (i = 0; i < WIN; i++)
		if (m.st[i] != region_kind(win_pfn(i)))
			mismatch("model page %#llx still %s",
				 (unsigned long long)win_pfn(i),
				 mst_name[m.st[i]]);
	for (h = 1; h <= S2O_MAX_VMS; h++)
		if (m.vstate[h] != VM_FREE)
			mismatch("model VM %d not free", h);
	check_window();
	/* Every slot is free again. */
	for (h = 1; h <= S2O_MAX_VMS; h++)
		if (s2o_vms[h].state != S2O_VM_FREE)
			mismatch("VM slot %d still taken (state %u, %llu "
				 "pages)", h, s2o_vms[h].state,
				 (unsigned long long)s2o_vms[h].nr_pages);
}

/*
 * Once everything is back, the host stage-2 must hold no table page that
 * the successful host faults would not have made by themselves: replay
 * only those faults on a fresh tracker and compare, run by run.
 *
 * Two differences are legitimate and normalised away (host_runs()): a
 * table the host got back coalesces into the block a fault *would* map,
 * valid although never faulted; and a leaf annotated in place (no split)
 * comes back as an unmapped owner-0 entry although a fault had mapped it.
 * Both are the host's at the same level. Everything else must match: the
 * levels, hence every table page, which tables_used() confirms.
 *
 * Tables that cover mixed memory never coalesce (and need not: a fault
 * there makes the same table). The only such table the window can reach is
 * the level-2 table of [1G, 2G), hyp RAM and host RAM; every sequence
 * starts with a fault at RAM_BASE, replayed too, so that both trackers
 * hold it.
 */
static void compare_with_faults_alone(u64 *tables_workload_done,
				      u64 *tables_replay)
{
	struct runs real = { 0 }, replay = { 0 };
	u64 tables_real, i;
	size_t k;

	host_runs(&real);
	tables_real = tables_used();
	assert_int_equal(harness_setup_pool(POOL_PAGES), 0);
	for (i = 0; i < rc.nr_faults; i++) {
		int ret = s2o_host_handle_fault(rc.faults[i]);

		if (ret)
			mismatch("replaying fault %llu at %#llx: %d",
				 (unsigned long long)i,
				 (unsigned long long)rc.faults[i], ret);
	}
	host_runs(&replay);
	*tables_replay = tables_used();
	*tables_workload_done = tables_real;
	DESC("host stage-2 after giving everything back vs. faults alone");
	for (k = 0; k < real.n && k < replay.n; k++) {
		const struct s2o_run *a = &real.r[k], *b = &replay.r[k];

		if (a->start != b->start || a->end != b->end ||
		    a->level != b->level || a->kind != b->kind ||
		    a->owner != b->owner)
			mismatch("run %zu: [%#llx, %#llx) L%u kind %d owner "
				 "%u, faults alone: [%#llx, %#llx) L%u kind "
				 "%d owner %u", k,
				 (unsigned long long)a->start,
				 (unsigned long long)a->end, a->level, a->kind,
				 a->owner, (unsigned long long)b->start,
				 (unsigned long long)b->end, b->level, b->kind,
				 b->owner);
	}
	if (real.n != replay.n)
		mismatch("%zu runs, faults alone %zu", real.n, replay.n);
	if (tables_real != *tables_replay)
		mismatch("%llu table pages, faults alone %llu",
			 (unsigned long long)tables_real,
			 (unsigned long long)*tables_replay);
	free(real.r);
	free(replay.r);
}

/* ---- Sequences --------------------------------------------------------- */

struct totals {
	unsigned long long ops;
	u64 max_tables_workload;
	u64 sum_tables_workload;
	u64 max_tables_back;
};

static void run_sequence(unsigned long long seed, unsigned int seq,
			 unsigned int nops, struct totals *t)
{
	u64 tables_workload, tables_back, tables_replay;
	unsigned int i;
	int w;

	rc.seed = seed;
	rc.seq = seq;
	rc.rng = seed ^ ((u64)seq * 0xd1b54a32d192ed03ULL);
	rc.nr_faults = 0;
	memset(rc.history, 0, sizeof(rc.history));
	assert_int_equal(harness_setup_pool(POOL_PAGES), 0);
	model_reset();
	for (w = 0; w < WIN; w++)
		if (m.st[w] == M_HOST)
			host_writes(win_pfn(w));

	rc.opno = 0;
	do_fault(RAM_BASE);	/* see compare_with_faults_alone() */
	for (i = 1; i <= nops; i++) {
		rc.opno = i;
		one_op();
		memcpy(rc.history[i % 8], rc.desc, sizeof(rc.desc));
		check_window();
		random_probes();
		if (i % CHECK_EVERY == 0) {
			assert_invariants();
			assert_no_violation();
			check_markers();
		}
	}
	tables_workload = tables_used();
	rc.opno = nops + 1;
	give_everything_back();
	check_markers();
	assert_invariants();
	assert_no_violation();
	compare_with_faults_alone(&tables_back, &tables_replay);
	printf("seq %2u: %u ops, %zu faults replayed; table pages: %llu "
	       "after the workload, %llu after full reclaim, %llu from the "
	       "faults alone\n", seq, nops + 1, rc.nr_faults,
	       (unsigned long long)tables_workload,
	       (unsigned long long)tables_back,
	       (unsigned long long)tables_replay);
	t->ops += nops + 1;
	t->sum_tables_workload += tables_workload;
	if (tables_workload > t->max_tables_workload)
		t->max_tables_workload = tables_workload;
	if (tables_back > t->max_tables_back)
		t->max_tables_back = tables_back;
}

static unsigned long long env_ull(const char *name, unsigned long long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : def;
}

static void reference_random_sequences(void **state)
{
	unsigned long long seed;
	unsigned int seqs, nops, s;
	struct totals t = { 0 };

	(void)state;
	seed = env_ull("S2OWN_SEED", 0);
	if (!getenv("S2OWN_SEED") || !*getenv("S2OWN_SEED")) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (unsigned long long)ts.tv_sec * 1000000007ULL ^
		       (unsigned long long)ts.tv_nsec ^
		       ((unsigned long long)getpid() << 32);
	}
	seqs = (unsigned int)env_ull("S2OWN_SEQS", DEFAULT_SEQS);
	nops = (unsigned int)env_ull("S2OWN_OPS", DEFAULT_OPS);
	printf("seed %llu\n", seed);
	fflush(stdout);
	for (s = 0; s < seqs; s++)
		run_sequence(seed, s, nops, &t);
	printf("reference: %u sequences, %llu ops; table pages after the "
	       "workload: max %llu, mean %llu; after full reclaim: max %llu\n",
	       seqs, t.ops, (unsigned long long)t.max_tables_workload,
	       (unsigned long long)(seqs ? t.sum_tables_workload / seqs : 0),
	       (unsigned long long)t.max_tables_back);
	printf("%-16s %8s %8s %8s %8s %8s %8s\n", "returned", "0",
	       "-EPERM", "-ENOENT", "-ENOMEM", "-EBUSY", "-EINVAL");
	for (s = 0; s < NR_K; s++)
		printf("%-16s %8llu %8llu %8llu %8llu %8llu %8llu\n",
		       kind_name[s], coverage[s][0], coverage[s][1],
		       coverage[s][2], coverage[s][3], coverage[s][4],
		       coverage[s][5]);
	free(rc.faults);
	rc.faults = NULL;
	rc.cap_faults = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(reference_random_sequences,
						harness_setup,
						harness_teardown),
	};

	return cmocka_run_group_tests_name("reference", tests, NULL, NULL);
}
