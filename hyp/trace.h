/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hyp/trace.c: the per-CPU trace buffers at EL2 and their hypercalls
 * (docs/tracing.md). hypercalls.c calls these with shared_buf_lock held,
 * the lock S2OWN_HC_HOST_UNSHARE_HYP takes too.
 */
#ifndef S2OWN_HYP_TRACE_H
#define S2OWN_HYP_TRACE_H

#include "../ownership/types.h"

/* S2OWN_HC_TRACE_BUFFER: this CPU's buffer is [pfn, pfn + nr), or none. */
int hyp_trace_buffer(u64 pfn, u64 nr, u64 *nr_records, u64 *cpu);
/* S2OWN_HC_TRACE_ENABLE: the classes recorded from now on. */
int hyp_trace_enable(u64 mask, u64 *old);
/* Before an unshare: no buffer may use a page of [pfn, pfn + nr) after. */
void hyp_trace_release(u64 pfn, u64 nr);

#endif /* S2OWN_HYP_TRACE_H */
