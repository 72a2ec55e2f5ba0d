// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mode SHARE's side in the VMM: the ring page the guest shares with it
 * (docs/guests.md, "Sharing with the VMM").
 *
 * While the guest shares the page, the host stage-2 maps it for the host
 * again, so the VMM reads and writes it through its own mapping of the
 * guest's memory, the same one it donated from. Once the guest unshares
 * it, those accesses are refused again: a SIGBUS, which every access here
 * survives (probe_refused()), since the guest could unshare at any time.
 * Nothing here hands the page to the kernel: a system call on it would be
 * a kernel access to a page the host may not have (docs/guests.md).
 */
#include <inttypes.h>
#include <string.h>

#include "vmm.h"

/* Copy @len bytes of guest page @page from @off, surviving a refusal. */
static bool ring_read(struct vmm *v, uint64_t page, uint64_t off,
		      uint8_t *buf, uint64_t len)
{
	volatile uint64_t *p = page_ptr(v, page);
	uint64_t i, w;

	for (i = 0; i < len; i += 8) {
		if (probe_refused(p + (off + i) / 8, false, &w))
			return false;
		memcpy(buf + i, &w, len - i < 8 ? len - i : 8);
	}
	return true;
}

static bool ring_write(struct vmm *v, uint64_t page, uint64_t off,
		       const uint8_t *buf, uint64_t len)
{
	volatile uint64_t *p = page_ptr(v, page);
	uint64_t i, w;

	for (i = 0; i < len; i += 8) {
		w = 0;
		memcpy(&w, buf + i, len - i < 8 ? len - i : 8);
		if (probe_refused(p + (off + i) / 8, true, &w))
			return false;
	}
	return true;
}

/**
 * share_ring() - S2OWN_VMM_RING: read the guest's message in the ring
 * page, check it, write the reply.
 * @v: the VMM
 * @x: the guest's x0..x5: x1 the page's IPA, x2 the message's number, x3
 *     its length
 * @answer: x0..x3 back: x1 the reply's length, x2 the checksum of the
 *          message as read
 */
void share_ring(struct vmm *v, const uint64_t *x, uint64_t *answer)
{
	uint8_t msg[S2OWN_RING_MAX], reply[S2OWN_RING_MAX];
	uint64_t ipa = x[1], seq = x[2], len = x[3], page, k;
	uint64_t h = S2OWN_GUEST_CSUM_INIT, rlen = S2OWN_RING_LEN(1, seq);

	if (!in_ram(v, ipa) || ipa % PAGE_SIZE || len > S2OWN_RING_MAX ||
	    rlen > S2OWN_RING_MAX) {
		vmm_error(v, "RING at 0x%" PRIx64 ", message %" PRIu64 " of %" PRIu64 " bytes",
			  ipa, seq, len);
		answer[0] = (uint64_t)(int64_t)S2OWN_RET_NOT_SUPPORTED;
		return;
	}
	page = (ipa - v->o.ram_base) / PAGE_SIZE;
	if (!probe_page_is(v, page, " host=shared_borrowed ") ||
	    !probe_page_is(v, page, " guest=shared_owned "))
		vmm_error(v, "ring page 0x%" PRIx64 " not shared", ipa);
	else
		atomic_fetch_add(&v->c.ring_queries_shared, 1);
	if (!ring_read(v, page, 0, msg, len)) {
		vmm_error(v, "ring page 0x%" PRIx64 ": the read faulted", ipa);
		return;
	}
	for (k = 0; k < len; k++) {
		h = (h ^ msg[k]) * S2OWN_GUEST_CSUM_PRIME;
		if (msg[k] != S2OWN_RING_BYTE(0, seq, k) ||
		    len != S2OWN_RING_LEN(0, seq)) {
			vmm_error(v, "ring message %" PRIu64 ": byte %" PRIu64 " is 0x%02x",
				  seq, k, msg[k]);
			break;
		}
	}
	for (k = 0; k < rlen; k++)
		reply[k] = S2OWN_RING_BYTE(1, seq, k);
	if (!ring_write(v, page, S2OWN_RING_REPLY, reply, rlen)) {
		vmm_error(v, "ring page 0x%" PRIx64 ": the write faulted", ipa);
		return;
	}
	atomic_fetch_add(&v->c.ring_messages, 1);
	say(v, "ring: message %" PRIu64 ", %" PRIu64 " bytes, checksum 0x%016" PRIx64 "; reply %" PRIu64 " bytes",
	    seq, len, h, rlen);
	answer[1] = rlen;
	answer[2] = h;
}

/**
 * share_left_read() - mode SHARE left a page shared at power-off: before
 * the VM goes, the VMM reads it, all S2OWN_GUEST_LEFT_WORD.
 * @v: the VMM
 *
 * Return: true if every word reads so.
 */
bool share_left_read(struct vmm *v)
{
	uint64_t page = (S2OWN_GUEST_LEFT - v->o.ram_base) / PAGE_SIZE;
	uint64_t i, w = 0;

	if (!in_ram(v, S2OWN_GUEST_LEFT))
		return false;
	for (i = 0; i < PAGE_SIZE / 8; i++)
		if (probe_refused(page_ptr(v, page) + i, false, &w) ||
		    w != S2OWN_GUEST_LEFT_WORD)
			return false;
	atomic_fetch_add(&v->c.left_shared_read, 1);
	return true;
}
