// SPDX-License-Identifier: GPL-2.0-only
/*
 * S2OWN_GUEST_MODE_FULL, what the secondary vCPUs do (a FUZZ one goes to
 * fuzz.c), and S2OWN_GUEST_MODE_SPIN.
 *
 * FULL: vCPU 0 writes its secret pages and checksums them with the image,
 * touches pages no one donated yet, starts the other vCPUs (each writes
 * its own secret pages and adds to a shared counter, then powers off),
 * checks their work, uses the MMIO device, lets the host attack its
 * memory (CHECKPOINT), then checks that nothing changed.
 */
#include "guest.h"

#define ADD_ROUNDS	10000		/* each vCPU's adds to the counter */
#define WAIT_SECONDS	60		/* for the other vCPUs to go off */
#define FP_SEED(vcpu)	(0xf9f9000000000000UL + ((u64)(vcpu) << 16))
#define DEV_VALUE	0x0123456789abcdefUL
#define SECRET_BYTES	(S2OWN_GUEST_SECRET_PAGES * GUEST_PAGE_SIZE)

/*
 * CPU_ON's context id: a magic, the mode in bits [15:8], the vCPU's
 * index in [7:0].
 */
#define CTX_MAGIC		0xc7c0000000000000UL
#define CTX(mode, vcpu)		(CTX_MAGIC | (u64)(mode) << 8 | (vcpu))
#define CTX_MODE(ctx)		(((ctx) >> 8) & 0xff)

/* A secondary's status word: FAIL_VCPU's detail, (vCPU << 32) | status. */
#define VCPU_DONE		(1 << 0)
#define VCPU_BAD_CTX		(1 << 1)
#define VCPU_BAD_SECRET		(1 << 2)
#define VCPU_BAD_FPSIMD		(1 << 3)
#define VCPU_ENTRY_SHIFT	8	/* guest_check_entry()'s bits */

static u64 counter;
static u64 vcpu_status[S2OWN_MAX_VCPUS];
static u64 spins[S2OWN_MAX_VCPUS];

static u64 secret_base(unsigned int vcpu)
{
	return S2OWN_GUEST_SECRET_BASE + (u64)vcpu * S2OWN_GUEST_SECRET_STRIDE;
}

/*
 * Write @vcpu's secret pages (@fill), or check them. Return: the IPA of
 * the first word that is wrong, or 0.
 */
static u64 secret_pages(unsigned int vcpu, bool fill)
{
	u64 a, end = secret_base(vcpu) + SECRET_BYTES;

	for (a = secret_base(vcpu); a < end; a += 8) {
		volatile u64 *p = (volatile u64 *)a;

		if (fill)
			*p = S2OWN_GUEST_PATTERN(a, vcpu);
		else if (*p != S2OWN_GUEST_PATTERN(a, vcpu))
			return a;
	}
	return 0;
}

static u64 csum_words(u64 h, u64 start, u64 end)
{
	for (; start < end; start += 8) {
		h ^= *(const volatile u64 *)start;
		h *= S2OWN_GUEST_CSUM_PRIME;
	}
	return h;
}

/* FNV-1a of the image, then of vCPU 0's secret pages (abi). */
static u64 checksum(void)
{
	u64 h = csum_words(S2OWN_GUEST_CSUM_INIT, (u64)_start,
			   (u64)__image_end);

	return csum_words(h, secret_base(0), secret_base(0) + SECRET_BYTES);
}

/**
 * guest_ticks() - the virtual counter, after what came before.
 *
 * Return: CNTVCT_EL0.
 */
u64 guest_ticks(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

static u64 ticks_to_us(u64 t)
{
	return t * 1000000 / read_sysreg(cntfrq_el0);
}

/*
 * Touch each fresh page: even ones read first, odd ones written first,
 * then written and read back. Prints the cost of a first touch (a
 * MEM_FAULT round trip) next to a second one.
 */
static void touch_fresh(void)
{
	u64 first = 0, again = 0, t;
	unsigned int i;

	for (i = 0; i < S2OWN_GUEST_FRESH_PAGES; i++) {
		u64 a = S2OWN_GUEST_FRESH_BASE + i * S2OWN_GUEST_FRESH_STRIDE;
		volatile u64 *p = (volatile u64 *)a;

		t = guest_ticks();
		if (i & 1)
			p[0] = a;
		else
			(void)p[0];
		first += guest_ticks() - t;
		t = guest_ticks();
		p[1] = ~a;
		again += guest_ticks() - t;
		if (p[1] != ~a)
			guest_fail(S2OWN_GUEST_FAIL_FRESH, a);
	}
	guest_printf("full: %u fresh pages at 0x%lx: first touches %lu us, second %lu us\n",
		     S2OWN_GUEST_FRESH_PAGES, (u64)S2OWN_GUEST_FRESH_BASE,
		     ticks_to_us(first), ticks_to_us(again));
}

static void add_rounds(void)
{
	unsigned int i;

	for (i = 0; i < ADD_ROUNDS; i++)
		__atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
}

static void __noreturn spin(unsigned int vcpu)
{
	volatile u64 *n = &spins[vcpu];

	for (;;)
		(*n)++;
}

/**
 * guest_start_vcpus() - CPU_ON vCPUs 1, 2, ... until one does not exist
 * (-2); each enters guest_secondary_main() for @mode.
 * @mode: S2OWN_GUEST_MODE_*, in the context id
 *
 * Return: how many vCPUs run, vCPU 0 included.
 */
unsigned int guest_start_vcpus(unsigned int mode)
{
	unsigned int vcpu;

	for (vcpu = 1; vcpu < S2OWN_MAX_VCPUS; vcpu++) {
		s64 ret = psci_cpu_on(vcpu, CTX(mode, vcpu));

		if (ret == PSCI_RET_INVALID)
			break;
		if (ret) {
			guest_fail(S2OWN_GUEST_FAIL_PSCI,
				   (u64)vcpu << 32 | (u32)ret);
			break;
		}
	}
	return vcpu;
}

/**
 * guest_wait_vcpus() - poll AFFINITY_INFO until vCPUs 1..@nr - 1 are off,
 * 60 s at most (a TIMEOUT failure then).
 * @nr: vCPUs that run, vCPU 0 included
 */
void guest_wait_vcpus(unsigned int nr)
{
	u64 deadline = guest_ticks() + WAIT_SECONDS * read_sysreg(cntfrq_el0);
	u64 on;

	do {
		unsigned int vcpu;

		on = 0;
		for (vcpu = 1; vcpu < nr; vcpu++)
			if (psci_affinity_info(vcpu) != AFFINITY_OFF)
				on |= 1UL << vcpu;
	} while (on && guest_ticks() < deadline);
	if (on)
		guest_fail(S2OWN_GUEST_FAIL_TIMEOUT, on);
}

/* What the secondaries did: their status, their pages, the counter. */
static void check_vcpus(unsigned int nr)
{
	unsigned int vcpu;
	u64 bad, total;

	for (vcpu = 1; vcpu < nr; vcpu++) {
		u64 st = __atomic_load_n(&vcpu_status[vcpu], __ATOMIC_ACQUIRE);

		if (st != VCPU_DONE)
			guest_fail(S2OWN_GUEST_FAIL_VCPU, (u64)vcpu << 32 | st);
		bad = secret_pages(vcpu, false);
		if (bad)
			guest_fail(S2OWN_GUEST_FAIL_SECRET, bad);
	}
	total = __atomic_load_n(&counter, __ATOMIC_RELAXED);
	if (total != (u64)nr * ADD_ROUNDS)
		guest_fail(S2OWN_GUEST_FAIL_COUNTER, total);
	guest_printf("full: %u vCPUs ran, counter %lu (expected %lu)\n", nr,
		     total, (u64)nr * ADD_ROUNDS);
}

/* Three MMIO exits: read ID, write SCRATCH, read it back. */
static void check_device(void)
{
	u64 dev = S2OWN_GUEST_DEV_BASE, id, back;

	id = mmio_access(MMIO_LDR32, dev + S2OWN_GUEST_DEV_ID, 0);
	mmio_access(MMIO_STR64, dev + S2OWN_GUEST_DEV_SCRATCH, DEV_VALUE);
	back = mmio_access(MMIO_LDR64, dev + S2OWN_GUEST_DEV_SCRATCH, 0);
	if (id != S2OWN_GUEST_DEV_MAGIC)
		guest_fail(S2OWN_GUEST_FAIL_MMIO, id);
	if (back != DEV_VALUE)
		guest_fail(S2OWN_GUEST_FAIL_MMIO, back);
	guest_printf("full: device id 0x%lx, scratch wrote 0x%lx read 0x%lx\n",
		     id, DEV_VALUE, back);
}

/* Let the host try our secret pages, then check that they held. */
static void checkpoint(unsigned int nr, u64 sum)
{
	struct smccc r = { { S2OWN_VMM_CHECKPOINT, S2OWN_GUEST_SECRET_BASE,
			     (u64)nr * S2OWN_GUEST_SECRET_STRIDE, sum } };
	unsigned int vcpu, changed = 0;
	u64 bad, now;

	guest_hvc(&r);
	guest_printf("checkpoint: VMM answered %ld: host tried %lu accesses, %lu refused\n",
		     (s64)r.x[0], r.x[1], r.x[2]);
	for (vcpu = 0; vcpu < nr; vcpu++) {
		bad = secret_pages(vcpu, false);
		if (bad) {
			guest_fail(S2OWN_GUEST_FAIL_SECRET, bad);
			changed++;
		}
	}
	now = checksum();
	if (now != sum)
		guest_fail(S2OWN_GUEST_FAIL_CHECKSUM, now);
	guest_printf("checkpoint: secret pages changed on %u of %u vCPUs, checksum 0x%016lx %s\n",
		     changed, nr, now, now == sum ? "unchanged" : "CHANGED");
}

/**
 * guest_mode_full() - S2OWN_GUEST_MODE_FULL, on vCPU 0.
 * @seed: unused
 *
 * RESULT: x2 = the checksum, x3 = how many vCPUs ran.
 */
void guest_mode_full(u64 seed __maybe_unused)
{
	unsigned int nr;
	u64 sum, lost;

	guest_fp_fill(FP_SEED(0));
	secret_pages(0, true);
	sum = checksum();
	guest_printf("full: %u secret pages at 0x%lx, checksum 0x%016lx\n",
		     S2OWN_GUEST_SECRET_PAGES, secret_base(0), sum);
	touch_fresh();
	nr = guest_start_vcpus(S2OWN_GUEST_MODE_FULL);
	add_rounds();
	guest_wait_vcpus(nr);
	check_vcpus(nr);
	check_device();
	lost = guest_fp_check(FP_SEED(0));
	if (lost)
		guest_fail(S2OWN_GUEST_FAIL_FPSIMD, lost);
	guest_printf("full: V0..V31 %s across the exits\n",
		     lost ? "CHANGED" : "intact");
	checkpoint(nr, sum);
	guest_finish(sum, nr);
}

/**
 * guest_mode_spin() - S2OWN_GUEST_MODE_SPIN: every vCPU spins for good.
 * @seed: unused
 */
void guest_mode_spin(u64 seed __maybe_unused)
{
	unsigned int nr = guest_start_vcpus(S2OWN_GUEST_MODE_SPIN);

	guest_printf("spin: %u vCPUs spin from now on\n", nr);
	spin(0);
}

/**
 * guest_secondary_main() - vCPUs 1.. after CPU_ON (start.S).
 * @ctx: CPU_ON's context id, CTX(mode, vcpu)
 * @leaked: x1 | ... | x30 at entry
 */
void guest_secondary_main(u64 ctx, u64 leaked)
{
	unsigned int vcpu = this_vcpu();
	u64 st = guest_check_entry(vcpu, leaked) << VCPU_ENTRY_SHIFT;

	if ((ctx & ~(0xffUL << 8)) != CTX(0, vcpu))
		st |= VCPU_BAD_CTX;
	if (CTX_MODE(ctx) == S2OWN_GUEST_MODE_SPIN) {
		guest_printf("vCPU %u: spinning\n", vcpu);
		spin(vcpu);
	}
	if (CTX_MODE(ctx) == S2OWN_GUEST_MODE_FUZZ) {
		if (st)
			guest_fail(S2OWN_GUEST_FAIL_VCPU, (u64)vcpu << 32 | st);
		guest_fuzz_secondary(vcpu);
	}
	guest_fp_fill(FP_SEED(vcpu));
	secret_pages(vcpu, true);
	add_rounds();
	guest_printf("vCPU %u: ctx 0x%lx, %u secret pages at 0x%lx, %u adds\n",
		     vcpu, ctx, S2OWN_GUEST_SECRET_PAGES, secret_base(vcpu),
		     ADD_ROUNDS);
	if (secret_pages(vcpu, false))
		st |= VCPU_BAD_SECRET;
	if (guest_fp_check(FP_SEED(vcpu)))
		st |= VCPU_BAD_FPSIMD;
	__atomic_store_n(&vcpu_status[vcpu], st | VCPU_DONE, __ATOMIC_RELEASE);
	psci_cpu_off();
}
