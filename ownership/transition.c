// SPDX-License-Identifier: GPL-2.0-only
/*
 * Check, claim, reserve, apply: the one sequence every ownership
 * transition on a pfn range goes through (transition.h).
 */
#include "pool.h"
#include "transition.h"

/**
 * s2o_transition_run() - check a transition, then make it.
 * @t: the transition.
 *
 * Errors, in the order they are checked: the pfn range
 * (s2o_check_pfn_range()), @t->check_args, each page's @t->check_page
 * (lowest pfn first), @t->prepare, and -ENOMEM if the table pages cannot
 * be reserved, which a transition with no @t->prepare never does.
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
				      t->check_arg);
	if (ret)
		return ret;
	/*
	 * A transition that changes a stage-2 reserves even when it needs no
	 * page: with the pool below the host reserve the refusal is what
	 * makes the host's next fault free its idle tables (pool.h).
	 */
	if (t->prepare) {
		ret = t->prepare(t, &tables);
		if (!ret)
			ret = s2o_pool_reserve(tables);
	}
	if (ret) {
		s2o_release_pages(t->pfn, t->nr);
		return ret;
	}
	t->apply(t, &tables);
	s2o_release_pages(t->pfn, t->nr);
	s2o_pool_unreserve(tables);
	return 0;
}
