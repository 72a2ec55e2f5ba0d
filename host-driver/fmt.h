/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Text forms of what S2OWN_HC_DUMP returns: ptdump lines and statistics;
 * and of the counters the driver keeps per VM and vCPU. Plain C on
 * purpose: host-driver/tests/test_fmt.c builds fmt.c for the build machine
 * and checks the lines against literal expectations.
 */
#ifndef S2OWN_FMT_H
#define S2OWN_FMT_H

#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/types.h>
#else
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef uint32_t u32;
typedef unsigned long long u64;

/* The kernel's scnprintf(): the bytes written, never more than fit. */
static inline int scnprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!size)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0)
		return 0;
	return (size_t)n >= size ? (int)(size - 1) : n;
}
#endif

#include "s2own_abi.h"

/*
 * Entry @i of the table of names @names, or @none for an index past it or
 * a hole in it.
 */
static inline const char *s2own_name_of(const char *const *names, size_t nr,
					unsigned int i, const char *none)
{
	return i < nr && names[i] ? names[i] : none;
}

#define S2OWN_NAME_OF(names, i, none)                                          \
	s2own_name_of((names), sizeof(names) / sizeof((names)[0]), (i), (none))

/* Longest line s2own_fmt_run() writes, newline included. */
#define S2OWN_FMT_RUN_MAX 128

size_t s2own_fmt_size(char *buf, size_t size, u64 bytes);
size_t s2own_fmt_run(char *buf, size_t size, const struct s2own_dump_run *run,
		     bool vm);
size_t s2own_fmt_stats(char *buf, size_t size,
		       const struct s2own_stats *st);

/*
 * Exits are counted by S2OWN_EXIT_* (1..S2OWN_NR_EXITS - 1); slot 0 counts
 * any other reason the hypervisor gave.
 */
#define S2OWN_NR_EXITS		(S2OWN_EXIT_TOPUP + 1)

/**
 * struct s2own_vcpu_counts - what the driver counts for one vCPU.
 * @runs: S2OWN_RUN ioctls
 * @entries: S2OWN_HC_VCPU_RUN hypercalls they made
 * @errors: of which failed (-errno in x1)
 * @interrupted: runs that returned -EINTR for a pending signal
 * @exits: exits by reason
 */
struct s2own_vcpu_counts {
	u64 runs;
	u64 entries;
	u64 errors;
	u64 interrupted;
	u64 exits[S2OWN_NR_EXITS];
};

/**
 * struct s2own_vm_counts - what the driver counts for one VM.
 * @vcpus: vCPUs created
 * @donations: S2OWN_DONATE ioctls that donated
 * @donate_errors: and those that failed
 * @pages_donated: pages they donated (a failed one's that stay too)
 * @pages_relinquished: pages the guest gave up (its RELINQUISH exits)
 * @pages_reclaimed: pages reclaim took back, vCPU pages included
 */
struct s2own_vm_counts {
	u64 vcpus;
	u64 donations;
	u64 donate_errors;
	u64 pages_donated;
	u64 pages_relinquished;
	u64 pages_reclaimed;
};

const char *s2own_exit_name(unsigned int reason);
size_t s2own_fmt_vm_counts(char *buf, size_t size,
			   const struct s2own_vm_counts *vm);
size_t s2own_fmt_vcpu_counts(char *buf, size_t size, unsigned int index,
			     const struct s2own_vcpu_counts *c);

#endif /* S2OWN_FMT_H */
