// SPDX-License-Identifier: GPL-2.0-only
/*
 * The core's event points (ownership/trace.h), against the fake's log:
 * which events a host fault, a donation, a VM's end and a reclaim record,
 * in which order, with which fields, and that their counts are the
 * counters' deltas; a class switched off records nothing, and nothing at
 * all is recorded with every class off.
 */
#include "harness_cmocka.h"

#include "../ownership/trace.h"

static struct s2own_stats before;

static int trace_setup(void **state)
{
	int ret = harness_setup(state);

	fake_trace_reset();
	return ret;
}

static int trace_teardown(void **state)
{
	fake_trace_reset();
	return harness_teardown(state);
}

static void trace_all(void)
{
	fake_trace_reset();
	s2o_get_stats(&before);
	__atomic_store_n(&s2o_trace_mask, S2OWN_TRACE_ALL, __ATOMIC_SEQ_CST);
}

static const struct fake_trace_event *ev(u64 i)
{
	const struct fake_trace_event *e = fake_trace_event(i);

	assert_non_null(e);
	return e;
}

/*
 * Events of kind @kind logged so far; splits of an empty entry apart, and
 * tables from a VM's cache (vm set), which are not the pool's.
 */
static u64 count(u8 kind)
{
	u64 i, n = 0;

	for (i = 0; i < fake_trace_count(); i++)
		if (ev(i)->ev == kind &&
		    !(kind == S2OWN_TEV_SPLIT && ev(i)->arg == 0) &&
		    !(kind == S2OWN_TEV_TABLE_ALLOC && ev(i)->vm))
			n++;
	return n;
}

/* The index of the first event of @kind at or after @from; fails if none. */
static u64 find(u64 from, u8 kind)
{
	u64 i;

	for (i = from; i < fake_trace_count(); i++)
		if (ev(i)->ev == kind)
			return i;
	fail_msg("no event %u at or after %llu (of %llu)", kind,
		 (unsigned long long)from,
		 (unsigned long long)fake_trace_count());
	return 0;
}

/* Each event's count is the delta of the counter it goes with. */
static void assert_counts_match(void)
{
	struct s2own_stats now;
	u64 i, scrubbed = 0, tlbi[3] = { 0 };

	s2o_get_stats(&now);
	for (i = 0; i < fake_trace_count(); i++) {
		if (ev(i)->ev == S2OWN_TEV_SCRUB)
			scrubbed += ev(i)->nr;
		if (ev(i)->ev == S2OWN_TEV_TLBI)
			tlbi[ev(i)->info]++;
	}
	assert_int_equal(count(S2OWN_TEV_HOST_FAULT),
			 now.host_faults - before.host_faults);
	assert_int_equal(count(S2OWN_TEV_SPLIT), now.splits - before.splits);
	assert_int_equal(count(S2OWN_TEV_COALESCE),
			 now.coalesces - before.coalesces);
	assert_int_equal(tlbi[S2OWN_TLBI_IPA], now.tlbi_ipa - before.tlbi_ipa);
	assert_int_equal(tlbi[S2OWN_TLBI_RANGE],
			 now.tlbi_range - before.tlbi_range);
	assert_int_equal(tlbi[S2OWN_TLBI_VMID],
			 now.tlbi_vmid - before.tlbi_vmid);
	assert_int_equal(scrubbed, now.pages_scrubbed - before.pages_scrubbed);
	assert_int_equal((s64)count(S2OWN_TEV_TABLE_ALLOC) -
				 (s64)count(S2OWN_TEV_TABLE_FREE),
			 (s64)now.table_pages_used -
				 (s64)before.table_pages_used);
}

static void nothing_when_off(void **state)
{
	int vm;

	(void)state;
	assert_int_equal(host_touch(0, BLOCK_1G, NULL), 0);
	vm = vm_new();
	assert_int_equal(s2o_host_donate_guest(vm, PFN(BLOCK_1G + PAGE),
					       0x80000, 1), 0);
	assert_int_equal(s2o_vm_destroy(vm), 0);
	assert_int_equal(s2o_host_reclaim_guest(PFN(BLOCK_1G + PAGE), 1), 0);
	assert_int_equal(fake_trace_count(), 0);
}

/*
 * The demo's story: the host touches a 1G block (fault), one page of it
 * goes to a VM (split 1G -> 2M -> 4K, TLB invalidation, the donation),
 * the VM goes (its tables freed, TLBI by VMID), the page comes back
 * (scrub, coalesce, the reclaim).
 */
static void donation_story(void **state)
{
	u64 pfn = PFN(BLOCK_1G + 5 * PAGE), i, split, tlbi, don, vmd, scrub,
	    coal, rec;
	int vm;

	(void)state;
	trace_all();
	assert_int_equal(host_touch(0, BLOCK_1G, NULL), 0);
	/*
	 * The level-1 table of [0, 512G) holds the hypervisor's owner=hyp
	 * annotation since boot: the fault only writes the block.
	 */
	assert_int_equal(fake_trace_count(), 1);
	assert_int_equal(ev(0)->ev, S2OWN_TEV_HOST_FAULT);
	assert_int_equal(ev(0)->addr, BLOCK_1G);
	assert_int_equal(ev(0)->info, 1);	/* a 1G block */
	assert_int_equal(ev(0)->result, 0);

	vm = vm_new();
	assert_true(vm > 0);
	i = find(0, S2OWN_TEV_TRANSITION);
	assert_int_equal(ev(i)->info, S2OWN_TCALL_VM_CREATE);
	assert_int_equal(ev(i)->vm, vm);
	assert_int_equal(ev(i)->result, 0);
	/* Its page pair, annotated owner=hyp in new host tables. */
	assert_int_equal(ev(i)->addr, VM_FUND(vm));
	assert_int_equal(ev(i)->nr, 2);
	assert_true(find(0, S2OWN_TEV_TABLE_ALLOC) < i);
	/* The topup, then tables from its cache. */
	assert_int_equal(ev(i + 1)->info, S2OWN_TCALL_VM_TOPUP);
	assert_int_equal(ev(i + 1)->nr, VM_TOPUP);

	assert_int_equal(s2o_host_donate_guest(vm, pfn, 0x80000, 1), 0);
	split = find(i + 1, S2OWN_TEV_SPLIT);
	assert_int_equal(ev(split)->info, 1);
	assert_int_equal(ev(split)->vm, 0);
	assert_int_equal(ev(split)->addr, BLOCK_1G);
	assert_int_not_equal(ev(split)->arg, 0);	/* a block, not empty */
	tlbi = find(i + 1, S2OWN_TEV_TLBI);
	assert_int_equal(ev(tlbi)->info, S2OWN_TLBI_IPA);
	assert_int_equal(ev(tlbi)->addr, BLOCK_1G);
	assert_int_equal(ev(tlbi)->nr, 1);
	assert_true(tlbi < split);	/* break, then make */
	assert_int_equal(ev(find(split + 1, S2OWN_TEV_SPLIT))->info, 2);
	don = find(split, S2OWN_TEV_TRANSITION);
	assert_int_equal(don, fake_trace_count() - 1);	/* it closes */
	assert_int_equal(ev(don)->info, S2OWN_TCALL_DONATE_GUEST);
	assert_int_equal(ev(don)->addr, pfn);
	assert_int_equal(ev(don)->arg, 0x80000);
	assert_int_equal(ev(don)->nr, 1);
	assert_int_equal(ev(don)->vm, vm);
	assert_int_equal(ev(don)->result, 0);
	assert_counts_match();

	assert_int_equal(s2o_vm_destroy(vm), 0);
	tlbi = find(don + 1, S2OWN_TEV_TLBI);
	assert_int_equal(ev(tlbi)->info, S2OWN_TLBI_VMID);
	assert_int_equal(ev(tlbi)->vm, vm);
	vmd = find(don + 1, S2OWN_TEV_TRANSITION);
	assert_int_equal(ev(vmd)->info, S2OWN_TCALL_VM_DESTROY);
	/* O(1): its tables are the host's to reclaim, none is freed. */
	assert_int_equal(vmd, tlbi + 1);

	assert_int_equal(s2o_host_reclaim_guest(pfn, 1), 0);
	scrub = find(vmd + 1, S2OWN_TEV_SCRUB);
	assert_int_equal(ev(scrub)->addr, pfn);
	assert_int_equal(ev(scrub)->nr, 1);
	coal = find(scrub, S2OWN_TEV_COALESCE);
	assert_int_equal(ev(coal)->info, 2);	/* the 4K table first */
	assert_int_equal(ev(find(coal + 1, S2OWN_TEV_COALESCE))->info, 1);
	assert_true(find(coal, S2OWN_TEV_TABLE_FREE) > coal);
	rec = find(scrub, S2OWN_TEV_TRANSITION);
	assert_int_equal(rec, fake_trace_count() - 1);
	assert_int_equal(ev(rec)->info, S2OWN_TCALL_RECLAIM_GUEST);
	assert_int_equal(ev(rec)->result, 0);
	assert_counts_match();
}

/* Refusals are recorded too, each with its error. */
static void refusals(void **state)
{
	u64 done;

	(void)state;
	trace_all();
	assert_int_equal(host_read_fault(HYP_BASE), -S2OWN_EPERM);
	assert_int_equal(ev(0)->ev, S2OWN_TEV_HOST_FAULT);
	assert_int_equal(ev(0)->result, -S2OWN_EPERM);
	assert_int_equal(s2o_host_donate_guest(99, PFN(BLOCK_1G), 0, 1),
			 -S2OWN_ENOENT);
	assert_int_equal(ev(1)->ev, S2OWN_TEV_TRANSITION);
	assert_int_equal(ev(1)->vm, 0xff);
	assert_int_equal(ev(1)->result, -S2OWN_ENOENT);
	assert_int_equal(s2o_host_share_hyp(PFN(HYP_BASE), 1), -S2OWN_EPERM);
	assert_int_equal(ev(2)->info, S2OWN_TCALL_SHARE_HYP);
	assert_int_equal(ev(2)->addr, PFN(HYP_BASE));
	assert_int_equal(ev(2)->arg, S2OWN_TRACE_NONE);
	assert_int_equal(s2o_host_reclaim_guest(PFN(BLOCK_1G), 1ULL << 40),
			 -S2OWN_EINVAL);
	assert_int_equal(ev(3)->nr, 0xffffffffU);	/* saturated */
	assert_int_equal(s2o_guest_relinquish(1, 0x80000, 1, &done),
			 -S2OWN_ENOENT);
	assert_int_equal(ev(4)->info, S2OWN_TCALL_RELINQUISH);
	/* A guest's call names its own VM, live or not. */
	assert_int_equal(ev(4)->vm, 1);
	assert_int_equal(ev(4)->nr, 0);
	assert_int_equal(ev(4)->arg, 0x80000);
	assert_int_equal(fake_trace_count(), 5);
	assert_counts_match();
}

/* Each class on its own: only its events. */
static void one_class(void **state)
{
	u64 i, pfn = PFN(BLOCK_1G + 3 * PAGE);
	int vm;

	(void)state;
	assert_int_equal(host_touch(0, BLOCK_1G, NULL), 0);
	fake_trace_reset();
	__atomic_store_n(&s2o_trace_mask, S2OWN_TRACE_CLASS(S2OWN_TEV_SPLIT),
			 __ATOMIC_SEQ_CST);
	vm = vm_new();
	assert_int_equal(s2o_host_share_hyp(pfn + 1, 1), 0);
	assert_int_equal(s2o_host_donate_guest(vm, pfn, 0, 1), 0);
	assert_int_equal(s2o_host_unshare_hyp(pfn + 1, 1), 0);
	assert_true(fake_trace_count() >= 2);
	for (i = 0; i < fake_trace_count(); i++)
		assert_int_equal(ev(i)->ev, S2OWN_TEV_SPLIT);
	fake_trace_reset();
	assert_int_equal(s2o_vm_destroy(vm), 0);
	assert_int_equal(s2o_host_reclaim_guest(pfn, 1), 0);
	assert_int_equal(fake_trace_count(), 0);
}

/* A host <-> hyp round trip names each of its four calls. */
static void host_hyp_calls(void **state)
{
	u64 pfn = PFN(BLOCK_1G + 7 * PAGE);
	static const u8 want[] = {
		S2OWN_TCALL_SHARE_HYP, S2OWN_TCALL_UNSHARE_HYP,
		S2OWN_TCALL_DONATE_HYP, S2OWN_TCALL_HYP_DONATE_HOST,
	};
	u64 i, n = 0;

	(void)state;
	trace_all();
	assert_int_equal(s2o_host_share_hyp(pfn, 1), 0);
	assert_int_equal(s2o_host_unshare_hyp(pfn, 1), 0);
	assert_int_equal(s2o_host_donate_hyp(pfn, 1), 0);
	assert_int_equal(s2o_hyp_donate_host(pfn, 1), 0);
	for (i = 0; i < fake_trace_count(); i++) {
		if (ev(i)->ev != S2OWN_TEV_TRANSITION)
			continue;
		assert_true(n < 4);
		assert_int_equal(ev(i)->info, want[n]);
		assert_int_equal(ev(i)->addr, pfn);
		assert_int_equal(ev(i)->result, 0);
		n++;
	}
	assert_int_equal(n, 4);
	assert_counts_match();
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, trace_setup, trace_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(nothing_when_off),
		T(donation_story),
		T(refusals),
		T(one_class),
		T(host_hyp_calls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
