// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the input is a pool size, a memory map and a sequence
 * of host and guest operations, run on a fresh tracker next to the
 * reference model (tests/refmodel.c). After every operation the return
 * code and the state of every page of the model's window must be the
 * model's (and a guest call's count of pages done), the tracker's own
 * invariants must hold, the break-before-make checker must have seen
 * nothing, and every address the host (or a guest) touched earlier must
 * translate on no CPU once its owner changed: a stale TLB entry shows
 * there. At the end everything is given back and the tracker must be at
 * its boot state. Any disagreement prints the input and the operations
 * run so far, then aborts.
 *
 * Input format (all multi-byte fields little-endian; a field past the end
 * of the input reads as zero, an operation starting past it ends the run):
 *
 *   byte 0          pool size: pool_sizes[b & 15] table pages; the
 *                   small ones make transitions fail with -ENOMEM,
 *                   which must then have changed nothing, and the
 *                   smallest leave only the host reserve;
 *                   b & 0x10: the split map (harness.h: host RAM in two
 *                   regions that meet at 2G, inside the window)
 *   then per op     a kind byte K, then the kind's fields:
 *     K & 15        kind, modulo NR_FOP (enum fop)
 *     K >> 4 & 3    CPU, for touches and faults
 *     K & 0x40      "targeted": a range starting at the first page (or
 *                   mapped gfn) at or after the decoded one that is in
 *                   the state the call needs, extended while it stays so
 *                   (a guest call's length is left as decoded: the run
 *                   of its memory decides what it does)
 *     K & 0x80      "aligned": the pfn rounded up to 2M (whole blocks)
 *     K >> 6        for FAULT instead: the access, read, write, fetch, or
 *                   fetch as a permission fault (fault_access[])
 *
 *   FAULT, TOUCH    ipa:   mode byte M, then u16 V (see decode_ipa())
 *   SHARE..RECLAIM  pfn:   u16 (see decode_pfn()), nr: 1 byte (decode_nr())
 *   DONATE_GUEST    vm:    1 byte (decode_vm()), pfn, nr, gfn: u16
 *                   (decode_gfn())
 *   RELINQUISH,     vm, gfn, nr: the guest's calls
 *   GUEST_SHARE,
 *   GUEST_UNSHARE
 *   VM_CREATE       -
 *   VM_DESTROY      vm
 *   GUEST_TOUCH     vm, gfn
 *   VCPU_CREATE     vm, pfn
 *
 * tests/fuzz-corpus/README.md describes the seed files and how to write
 * more. S2OWN_FUZZ_TRACE=1 prints every operation as it runs.
 */
#include "harness.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refmodel.h"

#define MAX_OPS 256
#define TOUCH_RING 16	/* host addresses re-probed after every op */
#define GTOUCH_RING 8	/* guest addresses re-probed after every op */

enum fop {
	F_FAULT, F_TOUCH, F_SHARE, F_UNSHARE, F_DONATE_HYP, F_GIVE_BACK,
	F_DONATE_GUEST, F_RELINQUISH, F_RECLAIM, F_CREATE, F_DESTROY,
	F_GUEST_TOUCH, F_GUEST_SHARE, F_GUEST_UNSHARE, F_VCPU_CREATE,
	F_VM_TOPUP, NR_FOP
};

/*
 * Past 32, what transitions may have on top of boot's tables and the host
 * reserve (which they never get) is counted: 15, 11, 7, 5, 3, 2, 1 and 0
 * pages. The last pool is the smallest that boots: only the host's faults
 * get its pages.
 */
#define RSV (BOOT_TABLES + HOST_RESERVE)
static const u64 pool_sizes[16] = {
	512, 512, 512, 512, 256, 128, 64, 32,
	RSV + 15, RSV + 11, RSV + 7, RSV + 5, RSV + 3, RSV + 2, RSV + 1, RSV,
};

/* The input, read front to back. */
struct reader {
	const u8 *p;
	size_t left;
};

static u8 get8(struct reader *r)
{
	if (!r->left)
		return 0;
	r->left--;
	return *r->p++;
}

static u16 get16(struct reader *r)
{
	u16 lo = get8(r);

	return lo | (u16)get8(r) << 8;
}

/* ---- The run, and what is printed when it goes wrong --------------------- */

static struct {
	const u8 *data;
	size_t size;
	u64 pool;
	unsigned int nr_ops;
	char trace[MAX_OPS][200];
	bool verbose;
	bool split;		/* on the split map */
	/* Recently touched addresses, for stale translations. */
	u64 touched[TOUCH_RING];
	unsigned int nr_touched;
	struct {
		int vm;
		u64 gfn;
	} gtouched[GTOUCH_RING];
	unsigned int nr_gtouched;
} run;

static void print_input(void)
{
	size_t i;

	fprintf(stderr, "input (%zu bytes):", run.size);
	for (i = 0; i < run.size; i++)
		fprintf(stderr, "%s%02x", i % 32 ? "" : "\n  ", run.data[i]);
	fprintf(stderr, "\n");
}

/* The model's rm_ctx.report, and the fuzzer's own checks: never returns. */
static void report(const char *msg)
{
	unsigned int i;

	fprintf(stderr, "\nMISMATCH at op %u: %s\n  %s\n", rm_ctx.opno,
		rm_ctx.desc, msg);
	print_input();
	fprintf(stderr, "pool %llu pages, %s map; operations, in order:\n",
		(unsigned long long)run.pool, run.split ? "split" : "usual");
	for (i = 0; i < run.nr_ops && i < MAX_OPS; i++)
		fprintf(stderr, "  %3u %s\n", i + 1, run.trace[i]);
	fprintf(stderr, "failed at op %u: %s\n", rm_ctx.opno, rm_ctx.desc);
	abort();
}

static void log_op(int ret)
{
	char *t = run.trace[run.nr_ops];

	snprintf(t, sizeof(run.trace[0]), "%s = %d", rm_ctx.desc, ret);
	if (run.verbose)
		fprintf(stderr, "  %3u %s\n", rm_ctx.opno, t);
	run.nr_ops++;
}

/* ---- Decoding ------------------------------------------------------------ */

/*
 * Page frames the range check must refuse, or that are the hypervisor's:
 * overflow, past 2^36, MMIO below and above RAM, the hypervisor's RAM,
 * high bits set on a host page.
 */
static u64 bad_pfn(u16 v)
{
	static const u64 bad[] = {
		~0ULL, MAX_PFN, MAX_PFN - 1, 0, HYP_FIRST - 1,
		HYP_FIRST, RAM_FIRST - 1, RAM_END_PFN,
		(1ULL << 52) | RAM_FIRST, RAM_FIRST | (1ULL << 63),
		HYP_FIRST + 512, PFN(HYP_BASE) + 1023,
	};

	return bad[(v & 0x3fff) % S2O_ARRAY_SIZE(bad)];
}

/*
 * u16 V: V >> 14 picks a run of the window (3: a bad pfn), the low 14
 * bits the page in it (modulo its length). The runs are the model's:
 * around the hyp RAM | host RAM edge, a 1G boundary, the end of RAM.
 */
static u64 decode_pfn(u16 v, bool aligned)
{
	const struct rm_seg *s;
	u64 len, pfn;

	if (v >> 14 == 3)
		return bad_pfn(v);
	s = &rm_segs[v >> 14];
	len = s->end - s->first;
	pfn = s->first + (v & 0x3fff) % len;
	if (aligned && S2O_ALIGN_UP(pfn, 512) < s->end)
		pfn = S2O_ALIGN_UP(pfn, 512);
	return pfn;
}

/*
 * One byte N: 1..64 pages; 1..1072 by 17; 2M (or 4M) give or take three
 * pages; one of the lengths the checks must refuse (some of them only past
 * frame 0); or up to the end of the address space from @pfn, the range's
 * first frame (a guest call's gfn), or one past it.
 */
static u64 decode_nr(u8 n, u64 pfn)
{
	static const u64 bad[] = {
		0, ~0ULL, ~0ULL - 1, MAX_PFN, 1ULL << 63, 1ULL << 32,
	};

	if (n < 0x40)
		return 1 + n;
	if (n < 0x80)
		return 1 + (u64)(n - 0x40) * 17;
	if (n < 0xc0)
		return 512 * (1 + ((n >> 3) & 1)) + (n & 7) - 3;
	if (n < 0xe0)
		return bad[(n & 0x1f) % S2O_ARRAY_SIZE(bad)];
	/* Up to the end of the address space: crosses every region. */
	return pfn < MAX_PFN ? MAX_PFN - pfn + (n & 1) : 1;
}

/*
 * A good range stays inside the window's run (the model follows nothing
 * else); a range the checks refuse is left alone. Anything in between
 * (valid, but leaving the window) becomes a refused one.
 */
static void fit_range(u64 *pfn, u64 *nr)
{
	int s = rm_seg_of(*pfn);

	if (s >= 0 && *nr >= 1 && *nr <= RM_MAX_RANGE * 4 &&
	    *nr > rm_segs[s].end - *pfn)
		*nr = rm_segs[s].end - *pfn;
	if (!rm_check_range(*pfn, *nr) && !rm_range_in_window(*pfn, *nr))
		*pfn = ~0ULL;
}

/* From *@pfn on (wrapping), the first run of pages in a state of @mask. */
static void target_range(unsigned int mask, u64 *pfn, u64 *nr)
{
	int start = rm_win_idx(*pfn), w;

	if (start < 0 || !*nr || *nr > RM_MAX_RANGE * 4)
		return;
	w = rm_find_page(mask, start);
	if (w >= 0)
		*pfn = rm_win_pfn(w);
	*nr = rm_run_len(mask, *pfn, *nr, 0);
}

/*
 * One byte: below 0xc0 the (B mod n)-th live VM, or a slot if none is
 * live; below 0xe0 slot 1 + (B & 31) whatever its state; else a handle
 * that never names a VM.
 */
static int decode_vm(u8 b)
{
	static const int bad[] = { 0, -1, S2O_MAX_VMS + 1, INT_MIN, INT_MAX,
				   256 };
	int live[S2O_MAX_VMS], n;

	if (b >= 0xe0)
		return bad[(b & 0x1f) % S2O_ARRAY_SIZE(bad)];
	if (b < 0xc0) {
		n = rm_live_vms(live);
		if (n)
			return live[b % n];
	}
	return 1 + (b & 31);
}

/* gfns past the IPA space, or crossing its top, for @nr pages. */
static u64 bad_gfn(u16 v, u64 nr)
{
	switch (v & 3) {
	case 0:
		return MAX_PFN - S2O_MIN(nr - 1, (u64)(v >> 2 & 3));
	case 1:
		return ~0ULL - (v >> 2 & 3);
	case 2:
		return (1ULL << 52) | (v >> 2 & 0xfff);
	default:
		return MAX_PFN + (v >> 2 & 0xff);
	}
}

/*
 * u16 V: V >> 14 picks a tracked gfn region (the bottom, a 1G boundary, a
 * 512G boundary, the top of the IPA space); V >> 12 & 3 a mode: 0 the
 * offset V & 0xfff, 1 the same with the pfn's offset in its 2M (guest
 * blocks possible), 2 the first gfn VM @h maps at or after it (-EBUSY,
 * or a relinquish that works), 3 a gfn past the IPA space.
 */
static u64 decode_gfn(u16 v, u64 pfn, u64 nr, int h)
{
	const struct rm_seg *g = &rm_gregs[v >> 14];
	u64 len = g->end - g->first, gfn;
	unsigned int mode = v >> 12 & 3;
	int slot;

	if (mode == 3)
		return nr ? bad_gfn(v, nr) : MAX_PFN;
	gfn = g->first + (nr <= len ? (v & 0xfff) % (len - nr + 1) : 0);
	if (mode == 1) {
		u64 b = S2O_ALIGN_DOWN(gfn, 512) + (pfn & 511);

		if (b + nr <= g->end)
			gfn = b;
	} else if (mode == 2 && h >= 1 && h <= S2O_MAX_VMS) {
		slot = rm_find_mapped(h, rm_gslot(gfn));
		if (slot >= 0)
			gfn = rm_gslot_gfn(slot);
	}
	return gfn;
}

/* Whether [gfn, gfn + nr) is a run the model tracks, if it is valid. */
static bool gfns_tracked(u64 gfn, u64 nr)
{
	int a = rm_gslot(gfn), b;

	if (rm_check_gfn_range(gfn, nr))
		return true;	/* refused by the checks: fine */
	b = rm_gslot(gfn + nr - 1);
	return a >= 0 && b >= 0 && b - a == (int)nr - 1;
}

/*
 * Mode byte M and u16 V: M & 7 chooses where, M >> 3 the offset in the
 * page (by 128 bytes). 0-3: a page of the window (V as decode_pfn()); 4:
 * any page of host RAM; 5: the hypervisor's RAM; 6: MMIO below or above
 * RAM, up to the top of the IPA space; 7: around and past 2^48.
 */
static u64 decode_ipa(u8 m, u16 v)
{
	u64 off = (u64)(m >> 3) * 128;

	switch (m & 7) {
	case 4:
		return ((RAM_FIRST + (u64)v * 15733 %
			 (RAM_END_PFN - RAM_FIRST)) << 12) + off;
	case 5:
		return HYP_BASE + ((u64)v * 4096 + off) % (HYP_END - HYP_BASE);
	case 6:
		if (v & 1)
			return ((u64)v << 14) % HYP_BASE + off;
		return RAM_END + ((u64)v << (v & 2 ? 33 : 18)) % (1ULL << 47);
	case 7: {
		static const u64 far[] = { 1ULL << 48, (1ULL << 48) - 1, ~0ULL,
					   1ULL << 63, 0 };

		return far[v % S2O_ARRAY_SIZE(far)] + off * (v & 1);
	}
	default:
		/* A run of the window: never a bad pfn here. */
		v = (v & 0x3fff) | (u16)((v >> 14) % 3) << 14;
		return (decode_pfn(v, false) << 12) + off;
	}
}

/* ---- Checks after every operation ---------------------------------------- */

static void remember_touch(u64 ipa)
{
	run.touched[run.nr_touched++ % TOUCH_RING] = ipa;
}

static void remember_gtouch(int vm, u64 gfn)
{
	unsigned int i = run.nr_gtouched++ % GTOUCH_RING;

	run.gtouched[i].vm = vm;
	run.gtouched[i].gfn = gfn;
}

/*
 * Everything the model says must hold between operations. Addresses the
 * host touched (its TLBs may still hold them) must now fault on every CPU
 * unless the host may still access them; guest addresses touched must
 * translate exactly as the VM's current map says.
 */
static void check_all(void)
{
	char msg[CHECK_MSG_LEN];
	unsigned int i, n, cpu;
	const char *bbm;

	/* First: a claim left behind would make the page queries spin. */
	if (!harness_invariants_hold(msg))
		rm_mismatch("%s", msg);
	bbm = fake_first_violation();
	if (bbm)
		rm_mismatch("break-before-make checker: %s", bbm);
	rm_check_window();
	n = S2O_MIN(run.nr_touched, TOUCH_RING);
	for (i = 0; i < n; i++) {
		u64 ipa = run.touched[i];
		enum rm_state s = rm_mstate(ipa >> 12);

		if (ipa >> 48 || rm_host_may_access(s))
			continue;
		for (cpu = 0; cpu < FAKE_NR_CPUS; cpu++)
			rm_probe_host(cpu, ipa);
	}
	n = S2O_MIN(run.nr_gtouched, GTOUCH_RING);
	for (i = 0; i < n; i++) {
		int vm = run.gtouched[i].vm;

		if (!rm_vm_live(vm))
			continue;	/* no root to walk */
		for (cpu = 0; cpu < FAKE_NR_CPUS; cpu++)
			rm_probe_guest(cpu, vm, run.gtouched[i].gfn);
	}
}

/* ---- Operations ---------------------------------------------------------- */

/* The new owner of donated pages writes into them: a reclaim must scrub. */
static void owner_writes(u64 pfn, u64 nr)
{
	u64 i;

	for (i = 0; i < nr; i++)
		rm_page_write(pfn + i);
}

/* What a FAULT op's access is, by the kind byte's top two bits. */
static const unsigned int fault_access[4] = {
	S2O_FAULT_READ, S2O_FAULT_WRITE, S2O_FAULT_EXEC,
	S2O_FAULT_EXEC | S2O_FAULT_PERM,
};

/*
 * The host reads or writes @ipa on @cpu: its MMU translates (TLB first);
 * on a fault the hypervisor's fault path runs and the host retries.
 */
static int host_touch_op(unsigned int cpu, u64 ipa)
{
	struct rm_op op = { .kind = RM_FAULT, .cpu = cpu, .ipa = ipa };
	struct fake_translation tr;
	enum rm_state s;
	int ret = 0;

	remember_touch(ipa);
	if (ipa >> 48 ||
	    fake_hw_translate(cpu, s2o_host_vttbr(), ipa, &tr)) {
		ret = rm_apply(&op);
	} else {
		snprintf(rm_ctx.desc, sizeof(rm_ctx.desc),
			 "host touch(%#llx) on cpu %u, mapped",
			 (unsigned long long)ipa, cpu);
		rm_probe_host(cpu, ipa);
	}
	s = rm_mstate(ipa >> 12);
	if (!ret && !(ipa >> 48) && rm_host_may_access(s) && s != RM_MMIO &&
	    rm_win_idx(ipa >> 12) >= 0)
		rm_page_write(ipa >> 12);
	return ret;
}

static int range_op(u8 k, enum rm_kind kind, struct reader *r)
{
	struct rm_op op = { .kind = kind };
	int ret;

	op.pfn = decode_pfn(get16(r), k & 0x80);
	op.nr = decode_nr(get8(r), op.pfn);
	if (k & 0x40)
		target_range(rm_transitions[kind].from, &op.pfn, &op.nr);
	fit_range(&op.pfn, &op.nr);
	ret = rm_apply(&op);
	if (!ret && kind == RM_DONATE_HYP)
		owner_writes(op.pfn, op.nr);
	return ret;
}

static int donate_guest_op(u8 k, struct reader *r)
{
	struct rm_op op = { .kind = RM_DONATE_GUEST };
	int ret;

	op.vm = decode_vm(get8(r));
	op.pfn = decode_pfn(get16(r), k & 0x80);
	op.nr = decode_nr(get8(r), op.pfn);
	if (k & 0x40)
		target_range(rm_transitions[RM_DONATE_GUEST].from, &op.pfn,
			     &op.nr);
	fit_range(&op.pfn, &op.nr);
	op.gfn = decode_gfn(get16(r), op.pfn, op.nr, op.vm);
	if (!gfns_tracked(op.gfn, op.nr))
		op.gfn = MAX_PFN;
	ret = rm_apply(&op);
	if (!ret) {
		owner_writes(op.pfn, op.nr);
		remember_gtouch(op.vm, op.gfn + op.nr / 2);
	}
	return ret;
}

/*
 * The first gfn VM @h maps at or after *@gfn (wrapping) whose page is in
 * a state of @mask, if there is one.
 */
static void target_gfn(int h, unsigned int mask, u64 *gfn)
{
	int start = rm_gslot(*gfn), i;

	if (start < 0 || h < 1 || h > S2O_MAX_VMS)
		return;
	for (i = 0; i < RM_GSLOTS; i++) {
		int s = (start + i) % RM_GSLOTS;
		u64 m = rm.gmap[h][s];

		if (m && (mask & RM_BIT(rm_mstate(m - 1)))) {
			*gfn = rm_gslot_gfn(s);
			return;
		}
	}
}

/*
 * The guest's call @kind from VM vm at gfn, for nr pages: any gfn range
 * (the checks refuse what they must), any VM. The call acts on the run of
 * the guest's memory at the gfn, the model says which.
 */
static int guest_call_op(u8 k, enum rm_kind kind, struct reader *r)
{
	struct rm_op op = { .kind = kind };
	int ret;

	op.vm = decode_vm(get8(r));
	op.gfn = decode_gfn(get16(r), 0, 1, op.vm);
	op.nr = decode_nr(get8(r), op.gfn);
	if (k & 0x40)
		target_gfn(op.vm, rm_transitions[kind].from, &op.gfn);
	ret = rm_apply(&op);
	if (!ret)
		remember_gtouch(op.vm, op.gfn);
	return ret;
}

/* A vCPU's state in page pfn, for VM vm. */
static int vcpu_create_op(u8 k, struct reader *r)
{
	struct rm_op op = { .kind = RM_VCPU_CREATE, .nr = 1 };

	op.vm = decode_vm(get8(r));
	op.pfn = decode_pfn(get16(r), k & 0x80);
	if (k & 0x40)
		target_range(rm_transitions[RM_VCPU_CREATE].from, &op.pfn,
			     &op.nr);
	op.nr = 1;
	fit_range(&op.pfn, &op.nr);
	return rm_apply(&op);
}

/* Pages [pfn, pfn + nr) for VM vm's table cache. */
static int vm_topup_op(u8 k, struct reader *r)
{
	struct rm_op op = { .kind = RM_TOPUP };

	op.vm = decode_vm(get8(r));
	op.pfn = decode_pfn(get16(r), k & 0x80);
	op.nr = decode_nr(get8(r), op.pfn);
	if (k & 0x40)
		target_range(rm_transitions[RM_TOPUP].from, &op.pfn, &op.nr);
	fit_range(&op.pfn, &op.nr);
	return rm_apply(&op);
}

static int guest_touch_op(u8 k, struct reader *r)
{
	int vm = decode_vm(get8(r));
	u64 gfn = decode_gfn(get16(r), 0, 1, vm);
	unsigned int cpu = k >> 4 & 3;

	snprintf(rm_ctx.desc, sizeof(rm_ctx.desc),
		 "guest touch(vm %d, gfn %#llx) on cpu %u", vm,
		 (unsigned long long)gfn, cpu);
	if (!rm_vm_live(vm))
		return -S2OWN_ENOENT;
	/* The fake MMU ignores IPA bits above 47; the real one faults. */
	if (gfn >= MAX_PFN)
		return -S2OWN_EINVAL;
	remember_gtouch(vm, gfn);
	rm_probe_guest(cpu, vm, gfn);
	return 0;
}

/* The operations on a range of pages, and their transitions. */
static const enum rm_kind range_kind[NR_FOP] = {
	[F_SHARE] = RM_SHARE, [F_UNSHARE] = RM_UNSHARE,
	[F_DONATE_HYP] = RM_DONATE_HYP, [F_GIVE_BACK] = RM_GIVE_BACK,
	[F_RECLAIM] = RM_RECLAIM,
};

static void one_op(u8 k, struct reader *r)
{
	enum fop f = (k & 15) % NR_FOP;
	struct rm_op op = { 0 };
	int ret;

	switch (f) {
	case F_FAULT: {
		u8 m = get8(r);

		op.kind = RM_FAULT;
		op.cpu = k >> 4 & 3;
		op.access = fault_access[k >> 6];
		op.ipa = decode_ipa(m, get16(r));
		ret = rm_apply(&op);
		if (!ret)
			remember_touch(op.ipa);
		break;
	}
	case F_TOUCH: {
		u8 m = get8(r);

		ret = host_touch_op(k >> 4 & 3, decode_ipa(m, get16(r)));
		break;
	}
	case F_SHARE:
	case F_UNSHARE:
	case F_DONATE_HYP:
	case F_GIVE_BACK:
	case F_RECLAIM:
		ret = range_op(k, range_kind[f], r);
		break;
	case F_DONATE_GUEST:
		ret = donate_guest_op(k, r);
		break;
	case F_RELINQUISH:
		ret = guest_call_op(k, RM_RELINQUISH, r);
		break;
	case F_GUEST_SHARE:
		ret = guest_call_op(k, RM_GUEST_SHARE, r);
		break;
	case F_GUEST_UNSHARE:
		ret = guest_call_op(k, RM_GUEST_UNSHARE, r);
		break;
	case F_VCPU_CREATE:
		ret = vcpu_create_op(k, r);
		break;
	case F_VM_TOPUP:
		ret = vm_topup_op(k, r);
		break;
	case F_CREATE:
		op.kind = RM_CREATE;
		ret = rm_apply(&op);
		break;
	case F_DESTROY:
		op.kind = RM_DESTROY;
		op.vm = decode_vm(get8(r));
		ret = rm_apply(&op);
		break;
	case F_GUEST_TOUCH:
	default:
		ret = guest_touch_op(k, r);
		break;
	}
	log_op(ret);
}

/* ---- libFuzzer ----------------------------------------------------------- */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *v = getenv("S2OWN_FUZZ_TRACE");

	(void)argc;
	(void)argv;
	run.verbose = v && *v && *v != '0';
	/* Every input is checked against a snapshot around failed calls. */
	rm_ctx.dump_every = 1;
	rm_ctx.allow_enomem = true;
	/* Every pool that boots holds the reserve (RSV). */
	rm_ctx.host_reserve = true;
	rm_ctx.report = report;
	return 0;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct reader r = { data, size };
	u8 b0 = get8(&r);

	run.data = data;
	run.size = size;
	run.nr_ops = 0;
	run.nr_touched = 0;
	run.nr_gtouched = 0;
	run.pool = pool_sizes[b0 & 15];
	run.split = b0 & 0x10;
	rm_ctx.split = run.split;
	rm_ctx.opno = 0;
	rm_ctx.rng = 0x5eed0000ULL | b0;
	rm_ctx.salt = 0xf022ULL;
	snprintf(rm_ctx.desc, sizeof(rm_ctx.desc), "init, pool %llu",
		 (unsigned long long)run.pool);
	if (harness_setup_ram(run.split, run.pool))
		report("s2o_init() failed");
	rm_reset();
	if (run.verbose)
		fprintf(stderr, "pool %llu pages, %s map\n",
			(unsigned long long)run.pool,
			run.split ? "split" : "usual");
	while (r.left && run.nr_ops < MAX_OPS) {
		rm_ctx.opno = run.nr_ops + 1;
		one_op(get8(&r), &r);
		check_all();
	}
	rm_ctx.opno = run.nr_ops + 1;
	if (!rm_give_everything_back()) {
		check_all();
		rm_check_markers();
	}
	return 0;
}
