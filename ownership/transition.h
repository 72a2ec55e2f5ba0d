/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shape of every ownership transition on a pfn range, as pKVM and
 * Hafnium write theirs: check the arguments, claim the pages (each one's
 * state checked as it is claimed), finish the checks and count the table
 * pages the change may take, reserve them, then apply, a step that cannot
 * fail. Any error before the apply releases the pages: nothing changed.
 */
#ifndef S2OWN_TRANSITION_H
#define S2OWN_TRANSITION_H

#include "page.h"
#include "sync.h"
#include "trace.h"

struct s2o_transition {
	u64 pfn;
	u64 nr;
	/* Whether each page, in its state, may take part. */
	s2o_page_check_fn check_page;
	const void *check_arg;
	/* Optional: argument checks after the pfn range's, before claims. */
	int (*check_args)(struct s2o_transition *t);
	/*
	 * With every page claimed: the checks left, and the table pages
	 * apply may take (set *@tables). NULL for a transition that changes
	 * no stage-2 and so reserves nothing.
	 */
	int (*prepare)(struct s2o_transition *t, u64 *tables);
	/*
	 * Optional: the exact table pages apply needs given the tables as
	 * they are, where prepare set a bound. The bound is reserved if the
	 * pool has it to spare, without a walk; only if not is the exact
	 * count walked for and reserved (s2o_host_give_back_tables()).
	 */
	u64 (*tables_exact)(struct s2o_transition *t);
	/*
	 * Make the change, with the pages' new state (s2o_set_pages());
	 * the release that follows publishes it.
	 */
	void (*apply)(struct s2o_transition *t, u64 *reserved);
	/* Apply leaves the host stage-2 alone: nothing from the pool. */
	bool host_untouched;
	/* Set by the claim: every page in one state, of one VM. */
	bool alike;
};

int s2o_transition_run(struct s2o_transition *t);

/*
 * A transition's trace record, its pfn and nr read from @t, which is in
 * memory anyway: the caller keeps nothing live for it, and tracing off
 * costs the check only (s2o_trace_on()).
 */
void s2o_transition_trace(const struct s2o_transition *t, u8 call, u8 vm,
			  int ret, u64 gfn);

#define S2O_TRACE_TRANSITION(t, call, vm, ret, gfn)			\
	do {								\
		if (s2o_trace_on(S2OWN_TEV_TRANSITION))			\
			s2o_transition_trace((t), (call), (vm), (ret),	\
					     (gfn));			\
	} while (0)

/**
 * s2o_transition_op() - a transition that is a whole operation: run it
 * inside the operation bracket (sync.h), then trace it.
 * @t: the transition.
 * @call: S2OWN_TCALL_*, for the trace.
 *
 * For the host's transitions, which name no VM and no gfn; those on a VM
 * lock it inside the bracket, so they bracket and trace themselves.
 * Inline: @call is worked out only when tracing is on.
 *
 * Return: as s2o_transition_run().
 */
static inline int s2o_transition_op(struct s2o_transition *t, u8 call)
{
	int ret;

	s2o_op_begin();
	ret = s2o_transition_run(t);
	s2o_op_end();
	S2O_TRACE_TRANSITION(t, call, 0, ret, S2OWN_TRACE_NONE);
	return ret;
}

#endif /* S2OWN_TRANSITION_H */
