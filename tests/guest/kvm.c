// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM's vendor hypervisor service, as a protected guest of pKVM's finds and
 * calls it (abi/s2own_abi.h, docs/guests.md): the UID that says "KVM", the
 * FEATURES bitmap, HYP_MEMINFO, and the memory calls MEM_SHARE, MEM_UNSHARE
 * and MEM_RELINQUISH, each on a run of pages that may stop short.
 */
#include "guest.h"

/**
 * kvm_mem_call() - one memory call, as the guest's kernel would make it.
 * @conduit: HVC #0 or SMC #0
 * @fn: S2OWN_KVM_MEM_SHARE, _UNSHARE, _RELINQUISH (or any id)
 * @ipa: x1
 * @nr: x2, pages (0 means one)
 * @x3: x3, which must be 0
 * @done: set to x1 as it came back: the pages done
 *
 * Return: x0: 0, or SMCCC's INVALID_PARAMETER (-3), NOT_SUPPORTED (-1).
 */
s64 kvm_mem_call(enum smccc_conduit conduit, u64 fn, u64 ipa, u64 nr, u64 x3,
		 u64 *done)
{
	struct smccc r = { { fn, ipa, nr, x3 } };

	if (conduit == CONDUIT_SMC)
		guest_smc(&r);
	else
		guest_hvc(&r);
	*done = r.x[1];
	return (s64)r.x[0];
}

/**
 * kvm_mem_range() - a memory call on @nr pages from @ipa, called again
 * for the rest after each run, as pKVM's ranged ABI asks.
 * @fn: the call
 * @ipa: first page
 * @nr: pages
 * @calls: set to the calls it took
 *
 * Return: the pages done, or the first call's error (-3) that did none.
 */
s64 kvm_mem_range(u64 fn, u64 ipa, u64 nr, unsigned int *calls)
{
	u64 left = nr, done;
	s64 ret;

	for (*calls = 0; left; left -= done, ipa += done * GUEST_PAGE_SIZE) {
		ret = kvm_mem_call(CONDUIT_HVC, fn, ipa, left, 0, &done);
		(*calls)++;
		if (ret)
			return ret;
		if (!done || done > left)
			break;
	}
	return (s64)(nr - left);
}

/**
 * kvm_discover() - what a pKVM guest asks first: the UID (KVM's), the
 * FEATURES bitmap, HYP_MEMINFO (with and without junk arguments).
 *
 * Return: 0, or the KVM_DISCOVER_* bits of the answers that are wrong.
 */
u64 kvm_discover(void)
{
	struct smccc uid = { { S2OWN_HC_CALL_UID } };
	struct smccc feat = { { S2OWN_KVM_FEATURES } };
	struct smccc mem = { { S2OWN_KVM_HYP_MEMINFO } };
	struct smccc junk = { { S2OWN_KVM_HYP_MEMINFO, 1 } };
	u64 bad = 0;

	guest_hvc(&uid);
	guest_hvc(&feat);
	guest_hvc(&mem);
	guest_hvc(&junk);
	guest_printf("share: UID %08lx %08lx %08lx %08lx, FEATURES 0x%lx %lx %lx %lx, MEMINFO %ld %ld\n",
		     uid.x[0], uid.x[1], uid.x[2], uid.x[3], feat.x[0],
		     feat.x[1], feat.x[2], feat.x[3], (s64)mem.x[0],
		     (s64)mem.x[1]);
	if (uid.x[0] != S2OWN_KVM_UID_W0 || uid.x[1] != S2OWN_KVM_UID_W1 ||
	    uid.x[2] != S2OWN_KVM_UID_W2 || uid.x[3] != S2OWN_KVM_UID_W3)
		bad |= KVM_DISCOVER_UID;
	if (feat.x[0] != KVM_FEATURES_WANT || feat.x[1] | feat.x[2] | feat.x[3])
		bad |= KVM_DISCOVER_FEATURES;
	if (mem.x[0] != GUEST_PAGE_SIZE || mem.x[1] != 1)
		bad |= KVM_DISCOVER_MEMINFO;
	if ((s64)junk.x[0] != S2OWN_SMCCC_INVALID_PARAMETER)
		bad |= KVM_DISCOVER_MEMINFO_ARGS;
	return bad;
}
