// SPDX-License-Identifier: GPL-2.0-only
/*
 * Check, claim, reserve, apply: the one sequence every ownership
 * transition on a pfn range goes through (transition.h).
 */
#include "pool.h"
#include "trace.h"
#include "transition.h"

/* The bound if the pool has it to spare; else what is needed now. */
static int reserve_tables(struct s2o_transition *t, u64 *tables)
{
	if (t->tables_exact) {
		if (!s2o_pool_try_reserve(*tables))
			return 0;
		*tables = t->tables_exact(t);
	}
	return s2o_pool_reserve(*tables);
}

/**
 * s2o_transition_run() - check a transition, then make it.
 * @t: the transition.
 *
 * Errors, in the order they are checked: the pfn range
 * (s2o_check_pfn_range()), @t->check_args, each page's @t->check_page
 * (lowest pfn first), @t->prepare, and -ENOMEM if the table pages cannot
 * be reserved (the exact count, where @t->tables_exact gives one), which
 * a transition with no @t->prepare never does.
 *
 * Return: 0 once applied, or the first error; then nothing changed.
 */
int s2o_transition_run(struct s2o_transition *t)
{
	u64 tables = 0;
	int ret;

	ret = s2o_check_pfn_range(t->pfn, t->nr);
	if (!ret && t->check_args)
		ret = t->check_args(t);
	if (!ret)
		ret = s2o_claim_pages(t->pfn, t->nr, t->check_page,
				      t->check_arg, &t->alike);
	if (ret)
		return ret;
	/*
	 * A transition that changes a stage-2 reserves even when it needs no
	 * page: with the pool below the host reserve the refusal is what
	 * makes the host's next fault free its idle tables (pool.h).
	 */
	if (t->prepare) {
		ret = t->prepare(t, &tables);
		if (!ret && !t->host_untouched)
			ret = reserve_tables(t, &tables);
	}
	if (ret) {
		s2o_release_pages(t->pfn, t->nr);
		return ret;
	}
	t->apply(t, &tables);
	s2o_release_pages(t->pfn, t->nr);
	if (!t->host_untouched)
		s2o_pool_unreserve(tables);
	return 0;
}

/**
 * s2o_transition_trace() - record a transition that ran, or was refused.
 * @t: the transition
 * @call: S2OWN_TCALL_*
 * @vm: the VM's handle, 0 for none, 0xff for one that was no live VM
 * @ret: its result
 * @gfn: its gfn, or S2OWN_TRACE_NONE
 */
void __attribute__((noinline, cold))
s2o_transition_trace(const struct s2o_transition *t, u8 call, u8 vm, int ret,
		     u64 gfn)
{
	s2o_arch_trace(S2OWN_TEV_TRANSITION, call, vm, (s8)ret,
		       s2o_trace_nr(t->nr), t->pfn, gfn);
}
