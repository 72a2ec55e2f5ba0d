// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hostile modes that end in a step with no way back: each reports its
 * RESULT first, then the VMM sees that step's exits (or none) until the
 * VM stops or the host kills it.
 *
 * - MMIO: loads and stores of every size outside RAM, and loads and
 *   stores without a syndrome in RAM; then a load pair from MMIO, which
 *   the hypervisor cannot decode: it must stop the VM.
 * - WFI: WFI forever. LOOP: a branch to itself.
 * - GARBAGE, RANDOM: run a page of 0xff words (or random ones) with
 *   VBAR_EL1 pointing at it too.
 * - EXEC_MMIO: branch into the device page.
 */
#include "guest.h"

#define RAM_END		((u64)S2OWN_GUEST_RAM_BASE + S2OWN_GUEST_RAM_SIZE)
#define DEV(off)	((u64)S2OWN_GUEST_DEV_BASE + (off))
#define SCRATCH		DEV(S2OWN_GUEST_DEV_SCRATCH)
#define SCRATCH_VALUE	0x0123456789abcdefUL
#define ALL_ONES	(~0UL)

/* The page the GARBAGE modes run, VBAR_EL1 included. */
static u32 garbage[GUEST_PAGE_SIZE / 4]
	__attribute__((aligned(GUEST_PAGE_SIZE)));

#define LOAD(op, insn)							\
	case op:							\
		asm volatile(insn ", [%1]" : "=r" (v) : "r" (ipa) : "memory"); \
		break
#define STORE(op, insn)							\
	case op:							\
		asm volatile(insn ", [%1]" : : "r" (val), "r" (ipa) : "memory"); \
		break

/**
 * mmio_access() - one load or store the syndrome describes (ISV = 1):
 * a single register, no writeback.
 * @op: the instruction
 * @ipa: the address
 * @val: what a store writes
 *
 * Return: what a load read; @val for a store.
 */
u64 mmio_access(enum mmio_op op, u64 ipa, u64 val)
{
	u64 v = val;

	switch (op) {
	LOAD(MMIO_LDRB, "ldrb	%w0");
	LOAD(MMIO_LDRH, "ldrh	%w0");
	LOAD(MMIO_LDR32, "ldr	%w0");
	LOAD(MMIO_LDR64, "ldr	%x0");
	LOAD(MMIO_LDRSB64, "ldrsb	%x0");
	LOAD(MMIO_LDRSH32, "ldrsh	%w0");
	LOAD(MMIO_LDRSW, "ldrsw	%x0");
	STORE(MMIO_STRB, "strb	%w0");
	STORE(MMIO_STRH, "strh	%w0");
	STORE(MMIO_STR32, "str	%w0");
	STORE(MMIO_STR64, "str	%x0");
	}
	return v;
}

struct mmio_probe {
	u64 ipa;
	enum mmio_op op;
	u64 val;	/* a store's data, or what a load must read */
};

/*
 * One MMIO exit each. The VMM answers all ones outside the device and
 * stores what a write hands it as is: the hypervisor must narrow (and
 * sign-extend) a read's answer to the access, and hand over only the
 * bytes a store writes (the STRB of a register with more in it).
 */
static const struct mmio_probe mmio_probes[] = {
	{ 0, MMIO_LDR64, ALL_ONES },
	{ 0, MMIO_STR32, 0x12345678 },
	{ S2OWN_GUEST_RAM_BASE - 1, MMIO_LDRB, 0xff },
	{ RAM_END, MMIO_LDRH, 0xffff },
	{ RAM_END + GUEST_PAGE_SIZE, MMIO_STR64, 0x5555aaaa5555aaaaUL },
	{ 0x100000000UL, MMIO_LDR32, 0xffffffff },
	{ 0xfffffffff8UL, MMIO_LDR64, ALL_ONES },
	{ 0xfffffffff8UL, MMIO_STRB, 0x5a },
	{ DEV(0x10), MMIO_LDRSH32, 0xffffffff },
	{ DEV(S2OWN_GUEST_DEV_ID), MMIO_LDR32, S2OWN_GUEST_DEV_MAGIC },
	{ DEV(S2OWN_GUEST_DEV_ID), MMIO_LDRB, S2OWN_GUEST_DEV_MAGIC & 0xff },
	{ SCRATCH, MMIO_STR64, SCRATCH_VALUE },
	{ SCRATCH, MMIO_LDR64, SCRATCH_VALUE },
	{ SCRATCH, MMIO_LDRH, 0xcdef },
	{ SCRATCH, MMIO_LDRSB64, 0xffffffffffffffefUL },
	{ SCRATCH, MMIO_LDRSH32, 0xffffcdef },
	{ SCRATCH, MMIO_LDRSW, 0xffffffff89abcdefUL },
	{ SCRATCH, MMIO_STRB, 0xfedcba9876543280UL },
	{ SCRATCH, MMIO_LDR64, 0x80 },
	{ SCRATCH, MMIO_LDRSB64, 0xffffffffffffff80UL },
};

static bool mmio_is_load(enum mmio_op op)
{
	return op < MMIO_STRB;
}

/*
 * Load and store pairs to RAM that holds no page yet: no syndrome, yet a
 * MEM_FAULT, not a stop. Return: whether the pair read back.
 */
static bool pairs_in_ram(void)
{
	u64 a = S2OWN_GUEST_FRESH_BASE, b = a + S2OWN_GUEST_FRESH_STRIDE;
	u64 lo, hi;

	asm volatile("ldp	%0, %1, [%2]"
		     : "=r" (lo), "=r" (hi) : "r" (a) : "memory");
	asm volatile("stp	%1, %2, [%0]"
		     : : "r" (b), "r" (a), "r" (~a) : "memory");
	asm volatile("ldp	%0, %1, [%2]"
		     : "=r" (lo), "=r" (hi) : "r" (b) : "memory");
	return lo == a && hi == ~a;
}

/**
 * guest_mode_mmio() - S2OWN_GUEST_MODE_MMIO.
 * @seed: unused
 *
 * RESULT: x2 = probes, x3 = 0; then the load pair from MMIO.
 */
void guest_mode_mmio(u64 seed __maybe_unused)
{
	unsigned int i, nr = ARRAY_SIZE(mmio_probes);
	u64 failed = 0, lo, hi;

	for (i = 0; i < nr; i++) {
		const struct mmio_probe *p = &mmio_probes[i];
		u64 v = mmio_access(p->op, p->ipa, p->val);

		if (mmio_is_load(p->op) && v != p->val) {
			failed |= 1UL << i;
			guest_printf("mmio: probe %u at 0x%lx read 0x%lx, not 0x%lx\n",
				     i, p->ipa, v, p->val);
		}
	}
	if (!pairs_in_ram()) {
		failed |= 1UL << nr;
		guest_printf("mmio: STP/LDP in fresh RAM did not read back\n");
	}
	probes_report("mmio", ++nr, failed);
	guest_printf("mmio: now LDP from MMIO: the VM must stop\n");
	asm volatile("ldp	%0, %1, [%2]"
		     : "=r" (lo), "=r" (hi) : "r" (DEV(S2OWN_GUEST_DEV_ID))
		     : "memory");
	guest_printf("mmio: LDP from MMIO came back (0x%lx, 0x%lx)\n", lo, hi);
	guest_fail(S2OWN_GUEST_FAIL_PROBE, 1UL << nr);
	guest_finish(nr, 0);
}

/* Say what comes, send RESULT: the last words of a mode with no return. */
static void last_words(const char *what)
{
	guest_printf("%s\n", what);
	guest_report(0, 0);
}

/**
 * guest_mode_wfi() - S2OWN_GUEST_MODE_WFI: WFI, interrupts masked, forever.
 * @seed: unused
 */
void guest_mode_wfi(u64 seed __maybe_unused)
{
	last_words("wfi: WFI forever, interrupts masked");
	for (;;)
		asm volatile("wfi");
}

/**
 * guest_mode_loop() - S2OWN_GUEST_MODE_LOOP: a branch to itself.
 * @seed: unused
 */
void guest_mode_loop(u64 seed __maybe_unused)
{
	last_words("loop: a branch to itself, forever");
	for (;;)
		asm volatile("1:	b	1b");
}

/* Make the words just written visible to instruction fetch, then run them. */
static void __noreturn run_garbage(const char *what)
{
	u64 line = 4UL << ((read_sysreg(ctr_el0) >> 16) & 0xf);
	u64 a, start = (u64)garbage;

	for (a = start; a < start + sizeof(garbage); a += line)
		asm volatile("dc	cvau, %0" : : "r" (a) : "memory");
	asm volatile("dsb ish\n\tic iallu\n\tdsb ish\n\tisb" : : : "memory");
	last_words(what);
	guest_jump(start, start);
}

/**
 * guest_mode_garbage() - S2OWN_GUEST_MODE_GARBAGE: run 0xffffffff words.
 * @seed: unused
 *
 * Each is UNDEFINED, and its vector is one more of them: the guest takes
 * exceptions at EL1 for good, without an exit.
 */
void guest_mode_garbage(u64 seed __maybe_unused)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(garbage); i++)
		garbage[i] = 0xffffffff;
	run_garbage("garbage: running a page of 0xffffffff, VBAR_EL1 on it");
}

/**
 * guest_xorshift() - the next of a xorshift64 stream.
 * @x: its state, never 0
 *
 * Return: the new state, the next number.
 */
u64 guest_xorshift(u64 *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/**
 * guest_mode_random() - S2OWN_GUEST_MODE_RANDOM: run random words.
 * @seed: the boot arg's seed (xorshift64; 0 picks a fixed one)
 *
 * Whatever they do (calls, loads, stores, traps, loops) is the test.
 */
void guest_mode_random(u64 seed)
{
	u64 x = seed ? seed : 0x2545f4914f6cdd1dUL;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(garbage); i++)
		garbage[i] = (u32)(guest_xorshift(&x) >> 16);
	guest_printf("random: seed 0x%lx\n", seed);
	run_garbage("random: running a page of random words, VBAR_EL1 on it");
}

/**
 * guest_mode_exec_mmio() - S2OWN_GUEST_MODE_EXEC_MMIO: branch into the
 * device page; the hypervisor must stop the VM.
 * @seed: unused
 */
void guest_mode_exec_mmio(u64 seed __maybe_unused)
{
	last_words("exec-mmio: branching to the device page: the VM must stop");
	guest_jump(S2OWN_GUEST_DEV_BASE, (u64)guest_vectors);
}
