// SPDX-License-Identifier: GPL-2.0-only
/*
 * A stage-2 as runs of alike entries, for debugfs and the tests.
 */
#include "mem_protect.h"
#include "sync.h"
#include "vm.h"

struct dump_data {
	struct s2o_run run;
	bool open;
	s2o_run_fn fn;
	void *arg;
};

static void describe(const struct s2o_walk_ctx *ctx, struct s2o_run *r)
{
	u64 pte = ctx->old;

	*r = (struct s2o_run){
		.start = ctx->addr,
		.end = ctx->addr + s2o_granule(ctx->level),
		.level = ctx->level,
		.nr_entries = 1,
	};
	if (s2o_pte_valid(pte)) {
		r->kind = ctx->level == 3 ? S2O_RUN_PAGE : S2O_RUN_BLOCK;
		r->attrs = s2o_pte_leaf_attrs(pte);
	} else if (s2o_pte_is_locked(pte)) {
		r->kind = S2O_RUN_LOCKED;
	} else {
		r->kind = S2O_RUN_INVALID;
		r->owner = s2o_pte_owner(pte);
	}
}

static int dump_visitor(struct s2o_walk_ctx *ctx)
{
	struct dump_data *d = ctx->arg;
	struct s2o_run r;

	describe(ctx, &r);
	if (d->open && d->run.end == r.start && d->run.level == r.level &&
	    d->run.kind == r.kind && d->run.attrs == r.attrs &&
	    d->run.owner == r.owner) {
		d->run.end = r.end;
		d->run.nr_entries++;
		return 0;
	}
	if (d->open)
		d->fn(&d->run, d->arg);
	d->run = r;
	d->open = true;
	return 0;
}

/**
 * s2o_dump() - report a stage-2 as runs of entries, in IPA order.
 * @handle: 0 for the host, else a live VM.
 * @fn: called once per run.
 * @arg: passed to @fn.
 *
 * Return: 0, or -ENOENT if @handle is not the host or a live VM.
 */
int s2o_dump(int handle, s2o_run_fn fn, void *arg)
{
	struct dump_data d = { .fn = fn, .arg = arg };
	struct s2o_vm *vm = NULL;
	int ret = 0;

	s2o_op_begin();
	/* A VM's stage-2 must outlive the walk: hold its lock. */
	if (handle) {
		vm = s2o_vm_lock_live(handle);
		ret = vm ? 0 : -S2OWN_ENOENT;
	}
	if (!ret) {
		s2o_walk_all(vm ? &vm->pgt : &s2o_host_mmu.pgt, dump_visitor,
			     &d, S2O_VISIT_LEAF);
		if (d.open)
			fn(&d.run, arg);
	}
	s2o_vm_unlock(vm);
	s2o_op_end();
	return ret;
}
