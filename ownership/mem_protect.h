/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host stage-2 and the host's policy for it (KVM's nvhe/mem_protect.c):
 * which entries are the host's default, what a table coalesces into, which
 * reserve its table pages come from, and the owner annotations other
 * transitions leave in it.
 */
#ifndef S2OWN_MEM_PROTECT_H
#define S2OWN_MEM_PROTECT_H

#include "pgtable.h"

struct s2o_transition;

struct s2o_host_mmu {
	struct s2o_pgt pgt;
};

extern struct s2o_host_mmu s2o_host_mmu;

int s2o_host_mmu_init(void);
bool s2o_host_block_at(u64 addr, u32 level, u64 *block);
u64 s2o_host_owner_bound(u64 pfn, u64 nr, u32 owner);
u64 s2o_host_give_back_tables(struct s2o_transition *t);
void s2o_host_set_owner(u64 pfn, u64 nr, u32 owner, u64 *reserved);
u64 s2o_host_shrink(void);

#endif /* S2OWN_MEM_PROTECT_H */
