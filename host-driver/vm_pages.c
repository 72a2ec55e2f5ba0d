// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pages VMs are made of, which the host gives them (docs/guests.md,
 * "Who pays"): a pair at VM_CREATE (the VM, then its stage-2 root) and
 * blocks of S2OWN_TOPUP_PAGES for its table cache, given whenever a
 * donation returns -ENOMEM or a vCPU exits with S2OWN_EXIT_TOPUP. They
 * are the hypervisor's while the VM lives; once it is destroyed
 * s2own_vm_pages_reclaim() takes them back, scrubbed, and frees them.
 *
 * One set of books may hold the pages of one VM (the driver's VMs) or of
 * many (a test thread's): reclaim takes back what it can. Each block is
 * chained through its first page's lru, which is the allocating owner's
 * to use: the books take no memory of their own. The caller serialises
 * the calls on one struct s2own_vm_pages.
 */
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>

#include "drv.h"

#define TOPUP_ORDER	2
static_assert(1 << TOPUP_ORDER == S2OWN_TOPUP_PAGES);

/**
 * s2own_vm_pages_init() - empty books.
 * @p: the books
 */
void s2own_vm_pages_init(struct s2own_vm_pages *p)
{
	INIT_LIST_HEAD(&p->pairs);
	INIT_LIST_HEAD(&p->topups);
}
EXPORT_SYMBOL_GPL(s2own_vm_pages_init);

/**
 * s2own_vm_pages_empty() - whether the books hold no page.
 * @p: the books
 *
 * Return: true once every page is back with Linux.
 */
bool s2own_vm_pages_empty(const struct s2own_vm_pages *p)
{
	return list_empty(&p->pairs) && list_empty(&p->topups);
}
EXPORT_SYMBOL_GPL(s2own_vm_pages_empty);

/**
 * s2own_vm_pages_create() - create a VM on a page pair of the host's.
 * @p: the books the pair goes in
 * @gfn: S2OWN_HC_VM_CREATE's x1 (RAM's first gfn)
 * @nr: x2 (RAM's pages, 0 for the whole IPA space)
 * @entry: x3 (vCPU 0's entry IPA)
 * @arg: x4 (vCPU 0's x0)
 *
 * Return: the handle, or a negative status (s2own_hvc()); on failure the
 * pair is freed.
 */
long s2own_vm_pages_create(struct s2own_vm_pages *p, u64 gfn, u64 nr,
			   u64 entry, u64 arg)
{
	struct arm_smccc_1_2_regs args = {
		.a0 = S2OWN_HC_VM_CREATE, .a1 = gfn, .a2 = nr, .a3 = entry,
		.a4 = arg,
	};
	struct arm_smccc_1_2_regs res;
	struct page *pair = alloc_pages(GFP_KERNEL, 1);
	long ret;

	if (!pair)
		return -ENOMEM;
	args.a5 = page_to_pfn(pair);
	ret = s2own_hvc_1_2(&args, &res);
	if (ret <= 0)
		__free_pages(pair, 1);
	else
		list_add(&pair->lru, &p->pairs);
	return ret;
}
EXPORT_SYMBOL_GPL(s2own_vm_pages_create);

/**
 * s2own_vm_pages_topup() - give a VM S2OWN_TOPUP_PAGES more table pages.
 * @p: the books they go in
 * @handle: the VM
 *
 * Return: 0, -ENOMEM if Linux has no pages, or the hypervisor's status.
 */
long s2own_vm_pages_topup(struct s2own_vm_pages *p, int handle)
{
	struct page *page = alloc_pages(GFP_KERNEL, TOPUP_ORDER);
	long ret;

	if (!page)
		return -ENOMEM;
	ret = s2own_hvc0(S2OWN_HC_VM_TOPUP, handle, page_to_pfn(page),
			 S2OWN_TOPUP_PAGES, 0);
	if (ret)
		__free_pages(page, TOPUP_ORDER);
	else
		list_add(&page->lru, &p->topups);
	return ret;
}
EXPORT_SYMBOL_GPL(s2own_vm_pages_topup);

/**
 * s2own_vm_pages_donate() - donate to a VM, topping its table cache up
 * as often as the hypervisor asks.
 * @p: the books the topups go in
 * @handle: the VM
 * @pfn: first page
 * @gfn: where the guest gets it
 * @nr: pages
 *
 * A failed donation changes nothing, so it is simply made again.
 *
 * Return: S2OWN_HC_HOST_DONATE_GUEST's status, or the topup's.
 */
long s2own_vm_pages_donate(struct s2own_vm_pages *p, int handle, u64 pfn,
			   u64 gfn, u64 nr)
{
	long ret;

	for (;;) {
		ret = s2own_donate_guest(handle, pfn, gfn, nr);
		if (ret != -S2OWN_ENOMEM)
			return ret;
		ret = s2own_vm_pages_topup(p, handle);
		if (ret)
			return ret;
	}
}
EXPORT_SYMBOL_GPL(s2own_vm_pages_donate);

/* Reclaim and free each block of @list that comes back. */
static long reclaim_list(struct list_head *list, unsigned int order)
{
	struct page *page, *next;
	long ret, err = 0;

	list_for_each_entry_safe(page, next, list, lru) {
		ret = s2own_reclaim_guest(page_to_pfn(page), 1UL << order);
		if (ret) {
			err = err ?: ret;
			continue;
		}
		list_del(&page->lru);
		__free_pages(page, order);
	}
	return err;
}

/**
 * s2own_vm_pages_reclaim() - take the pages of destroyed VMs back.
 * @p: the books; what comes back leaves them and is freed
 *
 * Return: 0 once @p is empty, or the first reclaim's error (-EBUSY for a
 * live VM's): the pages refused stay in @p, as freeing them would hand
 * Linux a page it cannot use.
 */
long s2own_vm_pages_reclaim(struct s2own_vm_pages *p)
{
	long err = reclaim_list(&p->topups, TOPUP_ORDER);

	return reclaim_list(&p->pairs, 1) ?: err;
}
EXPORT_SYMBOL_GPL(s2own_vm_pages_reclaim);

/**
 * s2own_vm_pages_held() - pages the books hold.
 * @p: the books
 *
 * Return: how many pages the hypervisor has not given back yet.
 */
u64 s2own_vm_pages_held(struct s2own_vm_pages *p)
{
	return list_count_nodes(&p->pairs) * 2 +
	       list_count_nodes(&p->topups) * S2OWN_TOPUP_PAGES;
}
EXPORT_SYMBOL_GPL(s2own_vm_pages_held);
