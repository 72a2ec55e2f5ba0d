// SPDX-License-Identifier: GPL-2.0-only
/*
 * S2OWN_GUEST_MODE_FUZZ: hostile guest calls, from every vCPU at once,
 * while the VMM donates and reclaims beside them (docs/guests.md, "The
 * fuzzing guest"). The VMM says how many calls in all and the seed
 * (S2OWN_VMM_FUZZ_START); every S2OWN_GUEST_FUZZ_CHECK_EVERY calls the vCPU
 * that made the last one has the VMM run the invariant checker and check
 * its slice page by page (S2OWN_VMM_FUZZ_CHECK).
 *
 * Each vCPU below S2OWN_GUEST_NR_VCPUS owns a slice of the fuzz pages that
 * only it names in a call, and keeps a model of it: each page OWNED,
 * SHARED, or GONE (given up; the host may have given a page there again,
 * which is then OWNED). A call on its slice must give the answer the
 * model allows: the run a call works on is up to the hypervisor (pages at
 * consecutive pfns), so a success may do fewer pages than asked, but every
 * page it did must have been in the call's source state, and a call whose
 * every page is in that state must succeed. All vCPUs also race on the
 * shared pages after the slices, where only the shape of an answer can be
 * checked; and every vCPU makes calls that must fail whatever the state:
 * unaligned, outside RAM, past the IPA space, overflowing, x3 set; and
 * discovery calls and ids the hypervisor does not have.
 *
 * Anything else is unexpected: counted, the first one printed. At the end
 * vCPU 0 has every slice checked once more, prints the counts by kind of
 * call and result, sends them (S2OWN_VMM_FUZZ_REPORT), then RESULT: x2 =
 * calls, x3 = checks; a FUZZ failure's detail is the unexpected count.
 */
#include "guest.h"

#define SLICE		S2OWN_GUEST_FUZZ_SLICE
#define NR_SLICES	S2OWN_GUEST_NR_VCPUS
#define RACE_BASE	(S2OWN_GUEST_FUZZ_BASE + \
			 (u64)NR_SLICES * SLICE * GUEST_PAGE_SIZE)
#define RACE_PAGES	S2OWN_GUEST_FUZZ_SHARED
#define RAM_BASE	((u64)S2OWN_GUEST_RAM_BASE)
#define RAM_END		(RAM_BASE + S2OWN_GUEST_RAM_SIZE)
#define IPA_PFNS	(1UL << 36)
#define CALL_MAX	512		/* pages one call does at most */

/* The fuzz pages end where RAM does: a run past them finds nothing. */
_Static_assert(RACE_BASE + RACE_PAGES * GUEST_PAGE_SIZE == RAM_END,
	       "the fuzz pages must end at the end of RAM");

enum page_model { GONE, OWNED, SHARED };

enum kind { SHARE, UNSHARE, RELINQUISH, MEMINFO, FEATURES, UID, UNKNOWN,
	    NR_KINDS };
enum res { RES_OK, RES_NOT_SUPPORTED, RES_INVALID, RES_OTHER, NR_RES };

static const char *const kind_names[NR_KINDS] = {
	"share", "unshare", "relinquish", "meminfo", "features", "uid",
	"unknown_id",
};

/* The memory calls' ids, and the state each leaves its pages in. */
static const u64 mem_fn[] = {
	[SHARE] = S2OWN_KVM_MEM_SHARE,
	[UNSHARE] = S2OWN_KVM_MEM_UNSHARE,
	[RELINQUISH] = S2OWN_KVM_MEM_RELINQUISH,
};

static const u8 mem_to[] = {
	[SHARE] = SHARED, [UNSHARE] = OWNED, [RELINQUISH] = GONE,
};

/* One call: what went in, what came out. */
struct call {
	enum kind kind;
	enum smccc_conduit conduit;
	struct smccc r;		/* x0..x3 in, then out */
	u64 in[4];
};

struct fuzz_vcpu {
	u64 rng;
	u8 page[SLICE];		/* enum page_model */
	u64 counts[NR_KINDS][NR_RES];
	u64 unexpected;
	u64 checks;
	bool done;		/* published with its model and counts */
};

static struct fuzz_vcpu vcpus[S2OWN_MAX_VCPUS];
static u64 target;		/* calls in all */
static u64 calls_made;		/* the last call number taken */
static u64 first_reported;	/* one vCPU prints the first unexpected */

/* A number in [0, n): a stream per vCPU from the VMM's seed. */
static u64 below(struct fuzz_vcpu *v, u64 n)
{
	u64 r = guest_xorshift(&v->rng);

	return n ? r % n : 0;
}

static u64 rnd(struct fuzz_vcpu *v)
{
	return guest_xorshift(&v->rng);
}

static void issue(struct call *c)
{
	c->in[0] = c->r.x[0];
	c->in[1] = c->r.x[1];
	c->in[2] = c->r.x[2];
	c->in[3] = c->r.x[3];
	if (c->conduit == CONDUIT_SMC)
		guest_smc(&c->r);
	else
		guest_hvc(&c->r);
}

static void unexpected(struct fuzz_vcpu *v, const struct call *c,
		       const char *why)
{
	v->unexpected++;
	if (__atomic_fetch_add(&first_reported, 1, __ATOMIC_RELAXED))
		return;
	guest_printf("fuzz: vCPU %u UNEXPECTED %s: %s(0x%lx, 0x%lx, 0x%lx, 0x%lx) = 0x%lx 0x%lx 0x%lx 0x%lx\n",
		     (unsigned int)(v - vcpus), why, kind_names[c->kind],
		     c->in[0], c->in[1], c->in[2], c->in[3], c->r.x[0],
		     c->r.x[1], c->r.x[2], c->r.x[3]);
}

static enum res res_of(s64 x0)
{
	if (x0 == SMCCC_NOT_SUPPORTED)
		return RES_NOT_SUPPORTED;
	if (x0 == SMCCC_INVALID)
		return RES_INVALID;
	return x0 < 0 ? RES_OTHER : RES_OK;
}

/* --- the memory calls ---------------------------------------------------- */

/*
 * A call on pages [@i, @i + @n) of the caller's slice (@n already what x2
 * means: 0 is one page), checked against the model and applied to it.
 */
static void check_slice(struct fuzz_vcpu *v, const struct call *c,
			unsigned int i, u64 n)
{
	u64 x0 = c->r.x[0], done = c->r.x[1], w = n < CALL_MAX ? n : CALL_MAX;
	bool unshare = c->kind == UNSHARE, all_from = true;
	u8 *p = &v->page[i];
	u64 k;

	/* A page of a share or relinquish may be GONE: absent, or OWNED. */
	for (k = 0; k < w; k++)
		all_from &= unshare ? p[k] == SHARED : p[k] != SHARED;
	if (x0 == 0 && c->kind == RELINQUISH && !done) {
		/* Nothing at the IPA: only a page given up may be absent. */
		if (p[0] != GONE)
			unexpected(v, c, "nothing done, the page is there");
		return;
	}
	if (x0 == 0) {
		if (!done || done > w) {
			unexpected(v, c, "pages done out of range");
			return;
		}
		for (k = 0; k < done; k++) {
			if (unshare ? p[k] != SHARED : p[k] == SHARED) {
				unexpected(v, c, "done on a page in another state");
				return;
			}
		}
		for (k = 0; k < done; k++)
			p[k] = mem_to[c->kind];
		return;
	}
	if ((s64)x0 != SMCCC_INVALID || done) {
		unexpected(v, c, "neither success nor INVALID_PARAMETER");
		return;
	}
	/* Refused: some page in reach must have been in the wrong state. */
	if (all_from)
		unexpected(v, c, "refused with every page in its state");
}

/* Racing pages, or a range into the end of RAM: the answer's shape only. */
static void check_shape(struct fuzz_vcpu *v, const struct call *c, u64 n)
{
	u64 x0 = c->r.x[0], done = c->r.x[1];
	u64 left = (RAM_END - c->in[1]) / GUEST_PAGE_SIZE;
	u64 w = n < CALL_MAX ? n : CALL_MAX;

	w = w < left ? w : left;
	if (x0 == 0 && done <= w && (done || c->kind == RELINQUISH))
		return;
	if ((s64)x0 == SMCCC_INVALID && !done)
		return;
	unexpected(v, c, "an answer no call may give");
}

static u64 pages_of(u64 x2)
{
	return x2 ? x2 : 1;
}

/* A page of the racing ones, or of the caller's slice (*@slice set). */
static u64 pick_ipa(struct fuzz_vcpu *v, unsigned int *i, bool *slice)
{
	unsigned int me = (unsigned int)(v - vcpus);

	*slice = me < NR_SLICES && below(v, 100) < 65;
	if (*slice) {
		*i = (unsigned int)below(v, SLICE);
		return S2OWN_GUEST_FUZZ_BASE +
		       ((u64)me * SLICE + *i) * GUEST_PAGE_SIZE;
	}
	*i = (unsigned int)below(v, RACE_PAGES);
	return RACE_BASE + (u64)*i * GUEST_PAGE_SIZE;
}

/*
 * An IPA and a count every memory call refuses; *@nothing if instead the
 * IPA is a valid one with no page (a relinquish then does nothing).
 */
static u64 hostile_ipa(struct fuzz_vcpu *v, u64 *n, bool *nothing)
{
	u64 ipa;

	*nothing = false;
	*n = 1 + below(v, 16);
	switch (below(v, 6)) {
	case 0:		/* unaligned, in RAM or not */
		return (RAM_BASE + below(v, S2OWN_GUEST_RAM_SIZE)) |
		       (1 + below(v, GUEST_PAGE_SIZE - 1));
	case 1:		/* below RAM: no page, nothing to give up */
		*nothing = true;
		return below(v, RAM_BASE / GUEST_PAGE_SIZE) * GUEST_PAGE_SIZE;
	case 2:		/* above RAM, inside the IPA space */
		*nothing = true;
		ipa = RAM_END + below(v, (IPA_PFNS - 32) * GUEST_PAGE_SIZE -
					     RAM_END);
		return ipa & ~(u64)(GUEST_PAGE_SIZE - 1);
	case 3:		/* past the IPA space */
		return (IPA_PFNS + below(v, 1UL << 40)) * GUEST_PAGE_SIZE;
	case 4:		/* the top of the address space */
		return ~0UL - (below(v, 16) + 1) * GUEST_PAGE_SIZE + 1;
	default:	/* a fuzz page, with a count that overflows */
		*n = (u64[]){ ~0UL, 1UL << 63, IPA_PFNS,
			      IPA_PFNS - (RAM_BASE >> 12) }[below(v, 4)];
		return S2OWN_GUEST_FUZZ_BASE +
		       below(v, SLICE * NR_SLICES + RACE_PAGES) *
			       GUEST_PAGE_SIZE;
	}
}

static void fuzz_mem(struct fuzz_vcpu *v, struct call *c)
{
	u64 r = below(v, 100), ipa, n, x3 = 0;
	bool slice, nothing = false;
	unsigned int i;

	c->kind = r < 40 ? SHARE : r < 80 ? UNSHARE : RELINQUISH;
	r = below(v, 100);
	if (r < 80) {
		ipa = pick_ipa(v, &i, &slice);
		n = below(v, 8) ? 1 + below(v, slice ? SLICE - i : 16) : 0;
		if (slice && !below(v, 16))
			n = SLICE - i;
		c->r = (struct smccc){ { mem_fn[c->kind], ipa, n } };
		issue(c);
		if (slice)
			check_slice(v, c, i, pages_of(n));
		else
			check_shape(v, c, pages_of(n));
		return;
	}
	if (r < 85) {
		/* Into the end of RAM from the racing pages. */
		n = 1 + below(v, 16);
		ipa = RAM_END - (1 + below(v, 8)) * GUEST_PAGE_SIZE;
		c->r = (struct smccc){ { mem_fn[c->kind], ipa, n } };
		issue(c);
		check_shape(v, c, n);
		return;
	}
	if (r < 90) {
		/* x3 must be zero: refused wherever it points. */
		ipa = pick_ipa(v, &i, &slice);
		n = 1;
		x3 = 1 + below(v, ~0UL - 1);
	} else {
		ipa = hostile_ipa(v, &n, &nothing);
	}
	c->r = (struct smccc){ { mem_fn[c->kind], ipa, n, x3 } };
	issue(c);
	/* Nothing to give up is not an error (pKVM's guests rely on it). */
	if (nothing && c->kind == RELINQUISH) {
		if (c->r.x[0] || c->r.x[1])
			unexpected(v, c, "relinquish of nothing: not 0, 0");
		return;
	}
	if ((s64)c->r.x[0] != SMCCC_INVALID || c->r.x[1])
		unexpected(v, c, "bad arguments not refused");
}

/* --- the other calls ----------------------------------------------------- */

/* An id the hypervisor does not have, and that does not go to the VMM. */
static u64 unknown_id(struct fuzz_vcpu *v)
{
	static const u8 host_calls[] = { 0x01, 0x05, 0x06, 0x07, 0x08, 0x0a,
					 0x0b, 0x0c, 0x0d, 0x0e };
	u64 fn, owner;

	switch (below(v, 5)) {
	case 0:		/* 64-bit vendor hypervisor calls but KVM's own */
		do
			fn = S2OWN_HC64(below(v, 0x10000));
		while (fn == S2OWN_KVM_HYP_MEMINFO ||
		       fn == S2OWN_KVM_MEM_SHARE ||
		       fn == S2OWN_KVM_MEM_UNSHARE ||
		       fn == S2OWN_KVM_MEM_RELINQUISH);
		return fn;
	case 1:		/* 32-bit ones below the VMM's, the memory calls too */
		return S2OWN_HC32(1 + below(v, 0xfff));
	case 2:		/* the host's hypercalls, GUEST_RELINQUISH's id too */
		return S2OWN_HC64(host_calls[below(v, sizeof(host_calls))]);
	case 3:		/* not SMCCC at all: bits above 31 */
		return (1 + below(v, 0xffffffffUL)) << 32 | S2OWN_KVM_MEM_SHARE;
	default:	/* other owners: CPU, SiP, OEM, standard hyp, ... */
		do
			owner = below(v, 64);
		while (owner == 0 || owner == 4 || owner == 6);
		return 0x80000000UL | (below(v, 2) << 30) | owner << 24 |
		       below(v, 0x10000);
	}
}

static void fuzz_other(struct fuzz_vcpu *v, struct call *c)
{
	u64 r = below(v, 100), *x = c->r.x;
	bool junk = below(v, 2);

	/* Junk in x1..x3: only HYP_MEMINFO must refuse it. */
	c->r = (struct smccc){ { 0, junk ? rnd(v) : 0, junk ? rnd(v) : 0,
				 junk ? rnd(v) | 1 : 0 } };
	if (r < 30) {
		c->kind = FEATURES;
		x[0] = S2OWN_KVM_FEATURES;
		issue(c);
		if (x[0] != KVM_FEATURES_WANT || x[1] | x[2] | x[3])
			unexpected(v, c, "FEATURES");
	} else if (r < 55) {
		c->kind = MEMINFO;
		x[0] = S2OWN_KVM_HYP_MEMINFO;
		issue(c);
		if (junk ? (s64)x[0] != SMCCC_INVALID :
			   x[0] != GUEST_PAGE_SIZE || x[1] != 1 || x[2] | x[3])
			unexpected(v, c, "HYP_MEMINFO");
	} else if (r < 70) {
		c->kind = UID;
		x[0] = S2OWN_HC_CALL_UID;
		issue(c);
		if (x[0] != S2OWN_KVM_UID_W0 || x[1] != S2OWN_KVM_UID_W1 ||
		    x[2] != S2OWN_KVM_UID_W2 || x[3] != S2OWN_KVM_UID_W3)
			unexpected(v, c, "CALL_UID");
	} else {
		c->kind = UNKNOWN;
		x[0] = unknown_id(v);
		issue(c);
		if ((s64)x[0] != SMCCC_NOT_SUPPORTED)
			unexpected(v, c, "an unknown id answered");
	}
}

/* --- the run ------------------------------------------------------------- */

/* Its slice's pages as the VMM checks them: shared, and owned, masks. */
static void slice_masks(const struct fuzz_vcpu *v, u64 *shared, u64 *owned)
{
	unsigned int i;

	*shared = *owned = 0;
	for (i = 0; i < SLICE; i++) {
		*shared |= (u64)(v->page[i] == SHARED) << i;
		*owned |= (u64)(v->page[i] == OWNED) << i;
	}
}

/* The invariant checker, and slice @s page by page (none past them). */
static void fuzz_check(struct fuzz_vcpu *v, unsigned int s, u64 calls)
{
	struct smccc r = { { S2OWN_VMM_FUZZ_CHECK, calls } };

	if (s < NR_SLICES) {
		r.x[2] = S2OWN_GUEST_FUZZ_BASE +
			 (u64)s * SLICE * GUEST_PAGE_SIZE;
		slice_masks(&vcpus[s], &r.x[3], &r.x[4]);
	}
	guest_hvc(&r);
	v->checks++;
	if (!r.x[0] && !r.x[1] && !r.x[2])
		return;
	v->unexpected++;
	guest_printf("fuzz: UNEXPECTED check after call %lu, slice %u: answer %ld, checker %ld, %lu pages disagree\n",
		     calls, s, (s64)r.x[0], (s64)r.x[1], r.x[2]);
}

static void fuzz_loop(struct fuzz_vcpu *v)
{
	unsigned int me = (unsigned int)(v - vcpus);
	struct call c;
	u64 n;

	for (;;) {
		n = __atomic_add_fetch(&calls_made, 1, __ATOMIC_RELAXED);
		if (n > target)
			break;
		c.conduit = below(v, 8) ? CONDUIT_HVC : CONDUIT_SMC;
		if (below(v, 100) < 70)
			fuzz_mem(v, &c);
		else
			fuzz_other(v, &c);
		v->counts[c.kind][res_of((s64)c.r.x[0])]++;
		if (!(n % S2OWN_GUEST_FUZZ_CHECK_EVERY))
			fuzz_check(v, me, n);
	}
}

static void fuzz_init(struct fuzz_vcpu *v, u64 seed, bool given)
{
	unsigned int i;

	/* Distinct per vCPU, and never 0 (xorshift would stay there). */
	v->rng = (seed ^ (0x9e3779b97f4a7c15UL * (u64)(v - vcpus + 1))) | 1;
	for (i = 0; i < SLICE; i++)
		v->page[i] = given ? OWNED : GONE;
}

/**
 * guest_fuzz_secondary() - a secondary vCPU's part of mode FUZZ.
 * @vcpu: its index
 */
void guest_fuzz_secondary(unsigned int vcpu)
{
	struct fuzz_vcpu *v = &vcpus[vcpu];

	fuzz_loop(v);
	__atomic_store_n(&v->done, true, __ATOMIC_RELEASE);
	psci_cpu_off();
}

/**
 * guest_mode_fuzz() - S2OWN_GUEST_MODE_FUZZ, on vCPU 0.
 * @seed: unused: the VMM gives the seed
 *
 * RESULT: x2 = calls made, x3 = checks run.
 */
void guest_mode_fuzz(u64 seed __maybe_unused)
{
	struct smccc start = { { S2OWN_VMM_FUZZ_START } };
	u64 sum[NR_RES] = { 0 }, unexp = 0, checks = 0, t0;
	unsigned int nr, i, k, r;

	guest_hvc(&start);
	target = start.x[1];
	for (i = 0; i < S2OWN_MAX_VCPUS; i++)
		fuzz_init(&vcpus[i], start.x[2], start.x[3]);
	guest_printf("fuzz: %lu calls, seed 0x%lx, a check every %u\n",
		     target, start.x[2], S2OWN_GUEST_FUZZ_CHECK_EVERY);
	t0 = guest_ticks();
	nr = guest_start_vcpus(S2OWN_GUEST_MODE_FUZZ);
	fuzz_loop(&vcpus[0]);
	guest_wait_vcpus(nr);
	for (i = 1; i < nr; i++)
		if (!__atomic_load_n(&vcpus[i].done, __ATOMIC_ACQUIRE))
			guest_fail(S2OWN_GUEST_FAIL_VCPU, (u64)i << 32);
	for (i = 0; i < nr && i < NR_SLICES; i++)
		fuzz_check(&vcpus[0], i, target);
	for (k = 0; k < NR_KINDS; k++) {
		u64 row[NR_RES] = { 0 };

		for (i = 0; i < nr; i++)
			for (r = 0; r < NR_RES; r++)
				row[r] += vcpus[i].counts[k][r];
		for (r = 0; r < NR_RES; r++)
			sum[r] += row[r];
		guest_printf("fuzz: %s ok %lu not_supported %lu invalid %lu other %lu\n",
			     kind_names[k], row[RES_OK],
			     row[RES_NOT_SUPPORTED], row[RES_INVALID],
			     row[RES_OTHER]);
	}
	for (i = 0; i < nr; i++) {
		unexp += vcpus[i].unexpected;
		checks += vcpus[i].checks;
	}
	guest_printf("fuzz: %u vCPUs, calls %lu ok %lu not_supported %lu invalid %lu other %lu unexpected %lu checks %lu, %lu ms\n",
		     nr, sum[RES_OK] + sum[RES_NOT_SUPPORTED] +
		     sum[RES_INVALID] + sum[RES_OTHER], sum[RES_OK],
		     sum[RES_NOT_SUPPORTED], sum[RES_INVALID], sum[RES_OTHER],
		     unexp, checks,
		     (guest_ticks() - t0) * 1000 / read_sysreg(cntfrq_el0));
	{
		struct smccc rep = { { S2OWN_VMM_FUZZ_REPORT,
				       sum[RES_OK] + sum[RES_NOT_SUPPORTED] +
				       sum[RES_INVALID] + sum[RES_OTHER],
				       sum[RES_OK], sum[RES_NOT_SUPPORTED],
				       sum[RES_INVALID], unexp } };

		guest_hvc(&rep);
	}
	if (unexp)
		guest_fail(S2OWN_GUEST_FAIL_FUZZ, unexp);
	guest_finish(target, checks);
}
