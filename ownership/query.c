// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the host may ask about a page: its owner and each component's
 * state, as pKVM names them.
 */
#include "sync.h"
#include "vm.h"

/**
 * s2o_page_query() - the tracked state of one page.
 * @pfn: the page frame.
 * @info: filled in.
 *
 * Return: 0, or -EINVAL if @pfn is not RAM.
 */
int s2o_page_query(u64 pfn, struct s2o_page_info *info)
{
	/* owner, host, hyp, guest: pKVM's per-component states. */
#define PAGE_INFO(o, h, y, g)						\
	{ .owner = S2O_OWNER_##o, .host = S2O_PAGE_##h,			\
	  .hyp = S2O_PAGE_##y, .guest = S2O_PAGE_##g }
	static const struct s2o_page_info by_state[] = {
		[S2O_PS_HOST] = PAGE_INFO(HOST, OWNED, NOPAGE, NOPAGE),
		[S2O_PS_HOST_SHARED_HYP] = PAGE_INFO(HOST, SHARED_OWNED,
						     SHARED_BORROWED, NOPAGE),
		[S2O_PS_HYP] = PAGE_INFO(HYP, NOPAGE, OWNED, NOPAGE),
		[S2O_PS_GUEST] = PAGE_INFO(GUEST, NOPAGE, NOPAGE, OWNED),
		[S2O_PS_GUEST_SHARED] = PAGE_INFO(GUEST, SHARED_BORROWED,
						  NOPAGE, SHARED_OWNED),
		[S2O_PS_GUEST_RELINQUISHED] = PAGE_INFO(GUEST, NOPAGE, NOPAGE,
							NOPAGE),
		[S2O_PS_VM_STATE] = PAGE_INFO(HYP, NOPAGE, OWNED, NOPAGE),
	};
#undef PAGE_INFO
	const struct s2o_page *p;
	u8 state, vm;

	if (s2o_check_pfn_range(pfn, 1) == -S2OWN_EINVAL)
		return -S2OWN_EINVAL;
	s2o_op_begin();
	p = s2o_pfn_page(pfn);
	/*
	 * Claim the page, so its state and VM are read as one (two reads of
	 * the state could straddle a reclaim and a new donation), and a page
	 * in transition is reported once it has settled.
	 */
	s2o_claim_pages(pfn, 1, s2o_page_any_state, NULL, NULL);
	state = s2o_read_once(&p->state);
	vm = s2o_read_once(&p->vm);
	s2o_release_pages(pfn, 1);
	*info = by_state[state];
	if (vm) {
		/* A VM's page: a guest page, or one holding its vCPU state. */
		info->vm = vm;
		info->reclaimable = state == S2O_PS_GUEST_RELINQUISHED ||
				    !s2o_vm_live(vm);
	}
	s2o_op_end();
	return 0;
}
