/* SPDX-License-Identifier: GPL-2.0-only */
/* Exceptions the hypervisor makes EL1 take (inject.c). */
#ifndef S2OWN_HYP_INJECT_H
#define S2OWN_HYP_INJECT_H

#include "../ownership/types.h"

void hyp_inject_el1_sync(u64 *pc, u64 *pstate, u64 esr, u64 far);
void hyp_inject_undef(u64 *pc, u64 *pstate);

#endif /* S2OWN_HYP_INJECT_H */
