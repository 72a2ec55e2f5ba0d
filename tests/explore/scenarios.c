// SPDX-License-Identifier: GPL-2.0-only
/*
 * The explorer's scenarios, each on block B (one 2M block of host RAM) and
 * its parent tables, with C, the next block, where a scenario needs a
 * second one (explore.h has the two machines). Two transitions on pages
 * of one 2M block are serialised by their page claims (the block's claim
 * lock): the races between transitions and a collapse are between B and
 * C, under the level-2 table they share, which only the 1G machine's can
 * coalesce. Every prelude creates two VMs. The level-1 table, and on the
 * small machine the level-2 table above B and C, hold the hypervisor's
 * RAM (annotated owner=hyp at boot): they are there before any prelude.
 * A guest's own calls are transitions too; the host's faults take no
 * claim, and race all of them.
 *
 * The PSCI relay's scenarios run hyp/psci_relay.c against a model of the
 * firmware (psci.c), CPU 0 being the one started or suspended.
 *
 * And the mutants (ownership/mutant.h): for each, the scenarios that must
 * catch it.
 */
#include "explore.h"

#define OP(k, ...) { .kind = XOP_CORE, .op = { .kind = (k), __VA_ARGS__ } }
#define FAULT(ipa_) OP(RM_FAULT, .ipa = (ipa_))
#define DONATE_GUEST(vm_, pfn_, gfn_, nr_)				\
	OP(RM_DONATE_GUEST, .vm = (vm_), .pfn = (pfn_), .gfn = (gfn_),	\
	   .nr = (nr_))
#define RECLAIM(pfn_) OP(RM_RECLAIM, .pfn = (pfn_), .nr = 1)
#define SHARE(pfn_) OP(RM_SHARE, .pfn = (pfn_), .nr = 1)
#define DONATE_HYP(pfn_, nr_) OP(RM_DONATE_HYP, .pfn = (pfn_), .nr = (nr_))
/* A guest's own call (RM_GUEST_SHARE ...) on one page. */
#define GUEST(k, vm_, gfn_) OP(k, .vm = (vm_), .gfn = (gfn_), .nr = 1)
#define MMU(ipa_) { .kind = XOP_MMU, .op = { .ipa = (ipa_) } }
#define FN(fn_, arg_) { .kind = XOP_FN, .fn = (fn_), .arg = (arg_) }

/* Prelude operations (struct rm_op). */
#define P(k, ...) { .kind = (k), __VA_ARGS__ }
#define P_BASE P(RM_CREATE), P(RM_CREATE)
#define P_FAULT(ipa_) P(RM_FAULT, .ipa = (ipa_))
#define P_DONATE(vm_, pfn_, gfn_)					\
	P(RM_DONATE_GUEST, .vm = (vm_), .pfn = (pfn_), .gfn = (gfn_), .nr = 1)
/* A guest's own call on one page. */
#define P_GUEST(k, vm_, gfn_) P(k, .vm = (vm_), .gfn = (gfn_), .nr = 1)
#define P_RELINQUISH(vm_, gfn_) P_GUEST(RM_RELINQUISH, vm_, gfn_)

const struct scenario x_scenarios[] = {
	{
		.name = "fault-donate",
		.what = "a host fault on a page of an unmapped block (it maps "
			"the block) and the CPU's access, racing the page's "
			"donation to a guest (it splits the block)",
		.prelude = { P_BASE },
		.nthreads = 2,
		.threads = {
			{ { FAULT(B_PA(5)), MMU(B_PA(5)) } },
			{ { DONATE_GUEST(1, B_PFN + 5, 0x10, 1) } },
		},
		.pages = { B_PFN + 4, B_PFN + 5, B_PFN + 6 },
		.gfns = { { 1, 0x10 } },
	},
	{
		.name = "donate-reclaim",
		.what = "(1G machine) a donation of two pages of C (a walk of "
			"a range) racing the reclaim of B's only guest page, "
			"which coalesces B's level-3 table, then the level-2 "
			"table above both",
		.big = true,
		.prelude = { P_BASE, P_FAULT(B1G_PA(0)),
			     P_DONATE(1, B1G_PFN + 1, 0x20),
			     P_RELINQUISH(1, 0x20) },
		.touch = { B1G_PA(2), C1G_PA(7) },
		.nthreads = 2,
		.threads = {
			{ { RECLAIM(B1G_PFN + 1) } },
			{ { DONATE_GUEST(1, C1G_PFN + 3, 0x21, 2) } },
		},
		.pages = { B1G_PFN + 1, B1G_PFN + 2, C1G_PFN + 3,
			   C1G_PFN + 4 },
		.gfns = { { 1, 0x20 }, { 1, 0x21 }, { 1, 0x22 } },
	},
	{
		.name = "reclaim-reclaim",
		.what = "(1G machine) two reclaims, of the last guest page of "
			"B and of C: each coalesces its level-3 table, and both "
			"try to coalesce the level-2 table above them",
		.big = true,
		.prelude = { P_BASE, P_FAULT(B1G_PA(0)),
			     P_DONATE(1, B1G_PFN + 1, 0x20),
			     P_DONATE(1, C1G_PFN + 2, 0x21),
			     P_RELINQUISH(1, 0x20), P_RELINQUISH(1, 0x21) },
		.touch = { B1G_PA(3), C1G_PA(3) },
		.nthreads = 2,
		.threads = {
			{ { RECLAIM(B1G_PFN + 1) } },
			{ { RECLAIM(C1G_PFN + 2) } },
		},
		.pages = { B1G_PFN + 1, B1G_PFN + 3, C1G_PFN + 2,
			   C1G_PFN + 3 },
		.gfns = { { 1, 0x20 }, { 1, 0x21 } },
	},
	{
		.name = "walk-collapse-reuse",
		.what = "a host fault walking down into a level-3 table while "
			"a reclaim collapses and frees it, and a donation "
			"splits the next block, taking the freed page as its "
			"new table",
		.prelude = { P_BASE, P_FAULT(C_PA(0)),
			     P_DONATE(1, B_PFN + 1, 0x20),
			     P_RELINQUISH(1, 0x20) },
		.touch = { C_PA(4) },
		.nthreads = 3,
		.threads = {
			{ { RECLAIM(B_PFN + 1) } },
			{ { FAULT(B_PA(3)) } },
			{ { DONATE_HYP(C_PFN + 1, 1) } },
		},
		.pages = { B_PFN + 1, B_PFN + 3, C_PFN + 1, C_PFN + 3 },
		.gfns = { { 1, 0x20 } },
	},
	{
		.name = "donate-donate",
		.what = "a donation to a guest and one to the hypervisor of "
			"overlapping ranges of a mapped block",
		.prelude = { P_BASE, P_FAULT(C_PA(0)), P_FAULT(B_PA(0)) },
		.nthreads = 2,
		.threads = {
			{ { DONATE_GUEST(1, B_PFN + 1, 0x20, 2) } },
			{ { DONATE_HYP(B_PFN + 2, 2) } },
		},
		.pages = { B_PFN + 1, B_PFN + 2, B_PFN + 3, B_PFN + 4 },
		.gfns = { { 1, 0x20 }, { 1, 0x21 } },
	},
	{
		.name = "share-donate",
		.what = "a share of a page with the hypervisor racing its "
			"donation to a guest",
		.prelude = { P_BASE, P_FAULT(C_PA(0)), P_FAULT(B_PA(0)) },
		.nthreads = 2,
		.threads = {
			{ { SHARE(B_PFN + 1) } },
			{ { DONATE_GUEST(1, B_PFN + 1, 0x20, 1) } },
		},
		.pages = { B_PFN + 1, B_PFN + 2 },
		.gfns = { { 1, 0x20 } },
	},
	{
		.name = "guest-share-fault",
		.what = "a guest shares a page of B with the host (its "
			"level-3 table coalesces) and takes it back (the "
			"block splits again), racing a host fault on the page "
			"and the CPU's access",
		.prelude = { P_BASE, P_FAULT(B_PA(0)),
			     P_DONATE(1, B_PFN + 1, 0x20) },
		.touch = { B_PA(2) },
		.nthreads = 2,
		.threads = {
			{ { GUEST(RM_GUEST_SHARE, 1, 0x20),
			    GUEST(RM_GUEST_UNSHARE, 1, 0x20) } },
			{ { FAULT(B_PA(1)), MMU(B_PA(1)) } },
		},
		.pages = { B_PFN + 1, B_PFN + 2 },
		.gfns = { { 1, 0x20 } },
	},
	{
		.name = "psci-suspend-on",
		.what = "the PSCI relay: a CPU entering a power-down suspend "
			"while another CPU asks to start it (CPU_ON)",
		.setup = x_psci_setup_on,
		.check = x_psci_check_suspend_on,
		.nthreads = 2,
		.threads = {
			{ { FN(x_psci_suspend, 0) } },
			{ { FN(x_psci_cpu_on, 0) } },
		},
	},
	{
		.name = "psci-on-on",
		.what = "the PSCI relay: two CPUs start the same CPU, which "
			"then comes up",
		.setup = x_psci_setup_off,
		.check = x_psci_check_on_on,
		.nthreads = 3,
		.threads = {
			{ { FN(x_psci_cpu_on, 0) } },
			{ { FN(x_psci_cpu_on, 0) } },
			{ { FN(x_psci_boot, 0) } },
		},
	},
	{
		.name = "share-donate-fault",
		.what = "share-donate, with a host fault on the page from a "
			"third CPU",
		.deep = true,
		.prelude = { P_BASE, P_FAULT(C_PA(0)) },
		.nthreads = 3,
		.threads = {
			{ { SHARE(B_PFN + 1) } },
			{ { DONATE_GUEST(2, B_PFN + 1, 0x20, 1) } },
			{ { FAULT(B_PA(1)), MMU(B_PA(1)) } },
		},
		.pages = { B_PFN + 1, B_PFN + 2 },
		.gfns = { { 2, 0x20 } },
	},
	{
		.name = "guest-unshare-faults",
		.what = "a guest takes back a page of B it shared (the block "
			"splits) and shares it again (the level-3 table "
			"coalesces), racing host faults on it and on its "
			"neighbour from two CPUs",
		.deep = true,
		.prelude = { P_BASE, P_FAULT(B_PA(0)),
			     P_DONATE(1, B_PFN + 1, 0x20),
			     P_GUEST(RM_GUEST_SHARE, 1, 0x20),
			     P_FAULT(B_PA(1)) },
		.touch = { B_PA(2) },
		.nthreads = 3,
		.threads = {
			{ { GUEST(RM_GUEST_UNSHARE, 1, 0x20),
			    GUEST(RM_GUEST_SHARE, 1, 0x20) } },
			{ { FAULT(B_PA(1)), MMU(B_PA(1)) } },
			{ { FAULT(B_PA(2)), MMU(B_PA(2)) } },
		},
		.pages = { B_PFN + 1, B_PFN + 2 },
		.gfns = { { 1, 0x20 } },
	},
	{
		.name = "reclaim-donate-fault",
		.what = "(1G machine) donate-reclaim with a one-page donation, "
			"and a host fault into B's table from a third CPU",
		.deep = true,
		.big = true,
		.prelude = { P_BASE, P_FAULT(B1G_PA(0)),
			     P_DONATE(1, B1G_PFN + 1, 0x20),
			     P_RELINQUISH(1, 0x20) },
		.touch = { B1G_PA(2) },
		.nthreads = 3,
		.threads = {
			{ { RECLAIM(B1G_PFN + 1) } },
			{ { DONATE_GUEST(2, C1G_PFN + 3, 0x21, 1) } },
			{ { FAULT(B1G_PA(3)), MMU(B1G_PA(3)) } },
		},
		.pages = { B1G_PFN + 1, B1G_PFN + 3, C1G_PFN + 3 },
		.gfns = { { 1, 0x20 }, { 2, 0x21 } },
	},
};

const unsigned int x_nr_scenarios = S2O_ARRAY_SIZE(x_scenarios);

const struct x_mutant x_mutants[] = {
	[S2O_MUTANT_SKIP_REVISIT] = {
		"skip-revisit",
		"a walker skips an entry that stopped being a table before it "
		"got in (the bug 9025ad1 fixed)",
		{ "donate-reclaim" },
	},
	[S2O_MUTANT_NO_REVALIDATE] = {
		"no-revalidate",
		"a walker does not re-check the entry after its increment",
		{ "walk-collapse-reuse" },
	},
	[S2O_MUTANT_NO_WAIT] = {
		"no-wait",
		"a collapser does not wait for the walkers inside",
		{ "walk-collapse-reuse", "donate-reclaim" },
	},
	[S2O_MUTANT_RELAXED_INC] = {
		"relaxed-inc",
		"the walker's increment is visible only after its re-check",
		{ "walk-collapse-reuse", "donate-reclaim" },
	},
	[S2O_MUTANT_RELAXED_LOCK] = {
		"relaxed-lock",
		"the collapser's refs load is satisfied before its lock",
		{ "walk-collapse-reuse", "donate-reclaim" },
	},
	[S2O_MUTANT_NO_RECHECK] = {
		"no-recheck",
		"a collapser does not re-check the blocking entries after "
		"the drain",
		{ "donate-reclaim" },
	},
	[S2O_MUTANT_NO_WALKCACHE_TLBI] = {
		"no-walkcache-tlbi",
		"unlinking a table invalidates leaf entries only",
		{ "donate-reclaim" },
	},
	[S2O_MUTANT_ALLOC_RESETS_REFS] = {
		"alloc-resets-refs",
		"a new table's refs are reset",
		{ "walk-collapse-reuse" },
	},
	[S2O_MUTANT_COLLAPSE_HOLDING_REF] = {
		"collapse-holding-ref",
		"a reclaimer collapses a table before dropping its reference",
		{ "donate-reclaim" },
	},
	[S2O_MUTANT_NO_LEAF_TLBI] = {
		"no-leaf-tlbi",
		"replacing a valid leaf does not invalidate its translations",
		{ "guest-share-fault" },
	},
};
