/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * trace.c: the hypervisor's trace buffers on the host side
 * (docs/tracing.md): Linux trace events, and the files of
 * /sys/kernel/debug/s2own/trace/.
 */
#ifndef S2OWN_TRACING_H
#define S2OWN_TRACING_H

#include <linux/types.h>

struct page;

int s2own_trace_init(void);
void s2own_trace_exit(void);
/* After every hypercall: read this CPU's buffer while tracing is on. */
void s2own_trace_hvc_done(void);
/*
 * For the test module's hostile host: CPU @cpu's buffer, @nr pages from
 * @pages, or -ENOENT if it has none.
 */
int s2own_trace_buffer_of(unsigned int cpu, struct page **pages,
			  unsigned int *nr);

#endif /* S2OWN_TRACING_H */
