// SPDX-License-Identifier: GPL-2.0-only
/*
 * S2OWN_GUEST_MODE_SHARE: the guest's own memory calls, end to end with
 * its VMM (docs/guests.md, "Sharing with the VMM"), on vCPU 0:
 *
 * 1. discovery: KVM's UID, FEATURES, HYP_MEMINFO (kvm.c);
 * 2. the ring page, still private: the VMM's tries at it must fail
 *    (CHECKPOINT), and calls with bad arguments change nothing;
 * 3. MEM_SHARE it, and S2OWN_RING_MESSAGES messages through it, each with
 *    a doorbell (S2OWN_VMM_RING): the VMM reads what the guest wrote and
 *    writes its reply; the guest checks the reply, and the VMM's checksum
 *    of what it read;
 * 4. MEM_UNSHARE it: the VMM's tries fail again, and the page still holds
 *    what the guest last wrote there;
 * 5. MEM_SHARE of a page the VMM has not given yet: faulted in first;
 * 6. MEM_RELINQUISH S2OWN_GUEST_GIVEUP_PAGES pages, filled first: the VMM
 *    reclaims each run at its RELINQUISH exit and must find it zeroed
 *    (S2OWN_VMM_RECLAIMED says how many); touched again, a page comes
 *    back from the VMM zeroed;
 * 7. the LEFT page, filled and shared, stays shared at power-off: the VMM
 *    reads the pattern, then zeroes after the reclaim.
 *
 * A call whose answer is wrong is a SHARE failure (detail: its step), a
 * wrong reply a RING one (the message), pages not back a GIVEUP one.
 * RESULT: x2 = messages that came back right, x3 = pages relinquished.
 */
#include "guest.h"

#define PAGE_WORDS	(GUEST_PAGE_SIZE / 8)
#define GIVEUP_BYTES	(S2OWN_GUEST_GIVEUP_PAGES * GUEST_PAGE_SIZE)
#define GIVEUP_WORD(a)	((a) ^ 0x6769766575700000UL)	/* "giveup" */

static unsigned int step;

/* One memory call whose answer is known: x0 and the pages done. */
static void expect(const char *what, u64 fn, u64 ipa, u64 nr, u64 x3,
		   s64 want, u64 want_done)
{
	u64 done;
	s64 ret = kvm_mem_call(CONDUIT_HVC, fn, ipa, nr, x3, &done);

	step++;
	guest_printf("share: %u %s: %ld, %lu pages\n", step, what, ret, done);
	if (ret != want || done != want_done) {
		guest_printf("share: %u: wanted %ld, %lu pages\n", step, want,
			     want_done);
		guest_fail(S2OWN_GUEST_FAIL_SHARE, step);
	}
}

/* The host tries the page at @ipa: every try must be refused. */
static void host_tries(const char *when, u64 ipa)
{
	struct smccc r = { { S2OWN_VMM_CHECKPOINT, ipa, GUEST_PAGE_SIZE } };

	guest_hvc(&r);
	step++;
	guest_printf("share: %u the host tries the ring %s: %lu tries, %lu refused\n",
		     step, when, r.x[1], r.x[2]);
	if (r.x[0] || !r.x[1] || r.x[1] != r.x[2])
		guest_fail(S2OWN_GUEST_FAIL_SHARE, step);
}

static void fill(u64 ipa, u64 bytes, u64 (*word)(u64 a))
{
	u64 a;

	for (a = ipa; a < ipa + bytes; a += 8)
		*(volatile u64 *)a = word(a);
}

/* Return: the IPA of the first word that is not @word(a), or 0. */
static u64 differs(u64 ipa, u64 bytes, u64 (*word)(u64 a))
{
	u64 a;

	for (a = ipa; a < ipa + bytes; a += 8)
		if (*(volatile u64 *)a != word(a))
			return a;
	return 0;
}

static u64 giveup_word(u64 a)
{
	return GIVEUP_WORD(a);
}

static u64 zero_word(u64 a __maybe_unused)
{
	return 0;
}

static u64 left_word(u64 a __maybe_unused)
{
	return S2OWN_GUEST_LEFT_WORD;
}

/* Message @seq into the ring; Return: its FNV-1a checksum. */
static u64 ring_write(volatile u8 *ring, unsigned int seq)
{
	u64 h = S2OWN_GUEST_CSUM_INIT, k;

	for (k = 0; k < S2OWN_RING_LEN(0, seq); k++) {
		ring[k] = S2OWN_RING_BYTE(0, seq, k);
		h = (h ^ ring[k]) * S2OWN_GUEST_CSUM_PRIME;
	}
	return h;
}

/* Whether the ring holds message @seq and its reply. */
static bool ring_holds(volatile u8 *ring, unsigned int seq)
{
	u64 k;

	for (k = 0; k < S2OWN_RING_LEN(0, seq); k++)
		if (ring[k] != S2OWN_RING_BYTE(0, seq, k))
			return false;
	for (k = 0; k < S2OWN_RING_LEN(1, seq); k++)
		if (ring[S2OWN_RING_REPLY + k] != S2OWN_RING_BYTE(1, seq, k))
			return false;
	return true;
}

/* The messages through the shared ring. Return: those answered right. */
static unsigned int ring_exchange(void)
{
	volatile u8 *ring = (volatile u8 *)S2OWN_GUEST_RING;
	unsigned int seq, ok = 0;

	for (seq = 0; seq < S2OWN_RING_MESSAGES; seq++) {
		struct smccc r = { { S2OWN_VMM_RING, S2OWN_GUEST_RING, seq,
				     S2OWN_RING_LEN(0, seq) } };
		u64 sum = ring_write(ring, seq);

		guest_hvc(&r);
		if (r.x[0] || r.x[1] != S2OWN_RING_LEN(1, seq) ||
		    r.x[2] != sum || !ring_holds(ring, seq)) {
			guest_printf("ring: message %u: answer %ld, reply %lu bytes, checksum 0x%lx (mine 0x%lx)\n",
				     seq, (s64)r.x[0], r.x[1], r.x[2], sum);
			guest_fail(S2OWN_GUEST_FAIL_RING, seq);
			continue;
		}
		ok++;
	}
	guest_printf("ring: %u of %u messages answered right, checksum of the last 0x%lx\n",
		     ok, S2OWN_RING_MESSAGES,
		     ring_write(ring, S2OWN_RING_MESSAGES - 1));
	return ok;
}

/* Fill, relinquish, have the VMM confirm, touch again. */
static u64 give_up(void)
{
	u64 base = S2OWN_GUEST_GIVEUP_BASE, bad;
	struct smccc r = { { S2OWN_VMM_RECLAIMED, base,
			     S2OWN_GUEST_GIVEUP_PAGES } };
	unsigned int calls;
	s64 n;

	fill(base, GIVEUP_BYTES, giveup_word);
	n = kvm_mem_range(S2OWN_KVM_MEM_RELINQUISH, base,
			  S2OWN_GUEST_GIVEUP_PAGES, &calls);
	step++;
	guest_printf("share: %u relinquished %ld of %u pages in %u calls\n",
		     step, n, S2OWN_GUEST_GIVEUP_PAGES, calls);
	if (n != S2OWN_GUEST_GIVEUP_PAGES)
		guest_fail(S2OWN_GUEST_FAIL_SHARE, step);
	guest_hvc(&r);
	guest_printf("share: the VMM reclaimed %lu of them, %lu read zero\n",
		     r.x[1], r.x[2]);
	if (r.x[0] || r.x[1] != S2OWN_GUEST_GIVEUP_PAGES ||
	    r.x[2] != S2OWN_GUEST_GIVEUP_PAGES)
		guest_fail(S2OWN_GUEST_FAIL_GIVEUP, r.x[1] << 32 | r.x[2]);
	expect("relinquish again: nothing there", S2OWN_KVM_MEM_RELINQUISH,
	       base, S2OWN_GUEST_GIVEUP_PAGES, 0, 0, 0);
	/* A fault: the VMM gives a page again, which must hold nothing. */
	bad = differs(base, GUEST_PAGE_SIZE, zero_word);
	fill(base, GUEST_PAGE_SIZE, giveup_word);
	bad = bad ?: differs(base, GUEST_PAGE_SIZE, giveup_word);
	guest_printf("share: page 0x%lx touched again: %s\n", base,
		     bad ? "NOT ZERO" : "zero, and writable");
	if (bad)
		guest_fail(S2OWN_GUEST_FAIL_GIVEUP, bad);
	return n > 0 ? (u64)n : 0;
}

/**
 * guest_mode_share() - S2OWN_GUEST_MODE_SHARE.
 * @seed: unused
 *
 * RESULT: x2 = messages answered right, x3 = pages relinquished.
 */
void guest_mode_share(u64 seed __maybe_unused)
{
	volatile u8 *ring = (volatile u8 *)S2OWN_GUEST_RING;
	u64 ipa = S2OWN_GUEST_RING, fresh = S2OWN_GUEST_FRESH_BASE, bad;
	unsigned int ok;
	u64 pages;

	bad = kvm_discover();
	if (bad)
		guest_fail(S2OWN_GUEST_FAIL_DISCOVER, bad);
	ring_write(ring, 0);
	host_tries("before the share", ipa);
	expect("share with x3 set", S2OWN_KVM_MEM_SHARE, ipa, 1, 1,
	       SMCCC_INVALID, 0);
	expect("share of an unaligned IPA", S2OWN_KVM_MEM_SHARE, ipa + 8, 1,
	       0, SMCCC_INVALID, 0);
	expect("unshare of a page not shared", S2OWN_KVM_MEM_UNSHARE, ipa, 1,
	       0, SMCCC_INVALID, 0);
	expect("share of the ring, x2 0 (one page)", S2OWN_KVM_MEM_SHARE,
	       ipa, 0, 0, 0, 1);
	expect("share of it again", S2OWN_KVM_MEM_SHARE, ipa, 1, 0,
	       SMCCC_INVALID, 0);
	expect("relinquish of a shared page", S2OWN_KVM_MEM_RELINQUISH, ipa,
	       1, 0, SMCCC_INVALID, 0);
	ok = ring_exchange();
	expect("unshare of the ring", S2OWN_KVM_MEM_UNSHARE, ipa, 1, 0, 0, 1);
	expect("unshare of it again", S2OWN_KVM_MEM_UNSHARE, ipa, 1, 0,
	       SMCCC_INVALID, 0);
	host_tries("after the unshare", ipa);
	if (!ring_holds(ring, S2OWN_RING_MESSAGES - 1))
		guest_fail(S2OWN_GUEST_FAIL_SHARE, ++step);
	expect("share of a page not given yet", S2OWN_KVM_MEM_SHARE, fresh, 1,
	       0, 0, 1);
	expect("unshare of it", S2OWN_KVM_MEM_UNSHARE, fresh, 1, 0, 0, 1);
	pages = give_up();
	fill(S2OWN_GUEST_LEFT, GUEST_PAGE_SIZE, left_word);
	expect("share of the page left shared", S2OWN_KVM_MEM_SHARE,
	       S2OWN_GUEST_LEFT, 1, 0, 0, 1);
	guest_finish(ok, pages);
}
