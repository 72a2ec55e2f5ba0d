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
	static const struct s2o_page_info by_state[] = {
		[S2O_PS_HOST] = { S2O_OWNER_HOST, S2O_PAGE_OWNED,
				  S2O_PAGE_NOPAGE, S2O_PAGE_NOPAGE },
		[S2O_PS_HOST_SHARED_HYP] = { S2O_OWNER_HOST,
					     S2O_PAGE_SHARED_OWNED,
					     S2O_PAGE_SHARED_BORROWED,
					     S2O_PAGE_NOPAGE },
		[S2O_PS_HYP] = { S2O_OWNER_HYP, S2O_PAGE_NOPAGE,
				 S2O_PAGE_OWNED, S2O_PAGE_NOPAGE },
		[S2O_PS_GUEST] = { S2O_OWNER_GUEST, S2O_PAGE_NOPAGE,
				   S2O_PAGE_NOPAGE, S2O_PAGE_OWNED },
		[S2O_PS_GUEST_SHARED] = { S2O_OWNER_GUEST,
					  S2O_PAGE_SHARED_BORROWED,
					  S2O_PAGE_NOPAGE,
					  S2O_PAGE_SHARED_OWNED },
		[S2O_PS_GUEST_RELINQUISHED] = { S2O_OWNER_GUEST,
						S2O_PAGE_NOPAGE,
						S2O_PAGE_NOPAGE,
						S2O_PAGE_NOPAGE },
		[S2O_PS_VM_STATE] = { S2O_OWNER_HYP, S2O_PAGE_NOPAGE,
				      S2O_PAGE_OWNED, S2O_PAGE_NOPAGE },
	};
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
	s2o_claim_pages(pfn, 1, s2o_page_any_state, NULL);
	state = s2o_read_once(&p->state) & ~S2O_PS_CLAIMED;
	vm = s2o_read_once(&p->vm);
	s2o_release_pages(pfn, 1);
	*info = by_state[state];
	if (vm) {
		/* A VM's page: a guest page, or one holding its vCPU state. */
		info->vm = vm;
		info->reclaimable = state == S2O_PS_GUEST_RELINQUISHED ||
				    !s2o_vm_is_live(&s2o_vms[vm]);
	}
	s2o_op_end();
	return 0;
}
