/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypervisor trace records as text, the lines of the driver's trace and
 * trace_pipe files (docs/tracing.md). Plain C, as fmt.c: the build machine
 * tests it against literal lines (host-driver/tests/test_trace_fmt.c).
 */
#ifndef S2OWN_TRACE_FMT_H
#define S2OWN_TRACE_FMT_H

#include "fmt.h"
#include "s2own_trace.h"

#ifndef __KERNEL__
typedef uint8_t u8;
#endif

/* Longest line s2own_trace_fmt() writes, newline included. */
#define S2OWN_TRACE_LINE_MAX	192

/* An event's name ("host_fault", ...), or NULL for an id that is none. */
const char *s2own_trace_event_name(unsigned int ev);
/* A transition's call ("donate_guest", ...), or "?". */
const char *s2own_trace_call_name(unsigned int call);
/* What a split replaced: "block", "page", "empty", "owner=guest", ... */
size_t s2own_trace_fmt_old(char *buf, size_t size, u64 pte, unsigned int level);
const char *s2own_trace_tlbi_name(unsigned int kind);
const char *s2own_trace_exc_name(unsigned int exc);
const char *s2own_trace_exit_name(unsigned int exit);

size_t s2own_trace_fmt(char *buf, size_t size, unsigned int cpu, u64 ns,
		       const struct s2own_trace_record *r);

#endif /* S2OWN_TRACE_FMT_H */
