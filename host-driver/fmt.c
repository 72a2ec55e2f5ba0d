// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dump records as ptdump lines, in the style of arm64's ptdump and KVM's
 * stage-2 ptdump (docs/debugfs.md has the format):
 *
 *   0x0000000080000000-0x0000000080c00000   12M L2 BLOCK RW X  NORMAL owner=host
 *   0x00000000bfe01000-0x00000000bfe02000    4K L3 INVALID owner=guest
 *
 * The attribute bits are decoded from the architecture's stage-2 leaf
 * format, not from the ownership core's headers: the dump hands over raw
 * descriptor bits, and the driver must not depend on hypervisor internals.
 */
#include "fmt.h"

/* Stage-2 leaf attributes (Arm ARM D8.3), as the dump reports them. */
#define S2_MEMATTR_SHIFT	2
#define S2_MEMATTR_MASK		(0xfULL << S2_MEMATTR_SHIFT)
#define S2_MEMATTR_NORMAL_WB	0xfULL
#define S2_MEMATTR_DEVICE_nGnRE	0x1ULL
#define S2_S2AP_R		(1ULL << 6)
#define S2_S2AP_W		(1ULL << 7)
#define S2_SH_MASK		(3ULL << 8)
#define S2_SH_INNER		(3ULL << 8)
#define S2_AF			(1ULL << 10)
#define S2_XN_MASK		(3ULL << 53)
#define S2_DECODED		(S2_MEMATTR_MASK | S2_S2AP_R | S2_S2AP_W | \
				 S2_SH_MASK | S2_AF | S2_XN_MASK)

static const char *const owner_names[] = { "host", "hyp", "guest" };

/**
 * s2own_fmt_size() - a size in the largest unit that divides it exactly,
 * as arm64's ptdump prints them: "%4llu" and one of K M G T P E.
 * @buf: where to write
 * @size: its size
 * @bytes: the size to print, a multiple of 1 KiB
 *
 * Return: bytes written.
 */
size_t s2own_fmt_size(char *buf, size_t size, u64 bytes)
{
	static const char units[] = "KMGTPE";
	const char *unit = units;
	u64 n = bytes >> 10;

	while (n && !(n & 1023) && unit[1]) {
		n >>= 10;
		unit++;
	}
	return scnprintf(buf, size, "%4llu%c", n, *unit);
}

static size_t fmt_leaf(char *buf, size_t size, u64 attrs)
{
	u64 memattr = (attrs & S2_MEMATTR_MASK) >> S2_MEMATTR_SHIFT;
	size_t len;

	len = scnprintf(buf, size, "%c%c %s ", attrs & S2_S2AP_R ? 'R' : '-',
			attrs & S2_S2AP_W ? 'W' : '-',
			attrs & S2_XN_MASK ? "NX" : "X ");
	if (memattr == S2_MEMATTR_NORMAL_WB)
		len += scnprintf(buf + len, size - len, "NORMAL");
	else if (memattr == S2_MEMATTR_DEVICE_nGnRE)
		len += scnprintf(buf + len, size - len, "DEVICE");
	else
		len += scnprintf(buf + len, size - len, "MEMATTR=%llx",
				 memattr);
	/* Anything unusual: show the bits rather than hide them. */
	if ((attrs & ~S2_DECODED) || (attrs & S2_SH_MASK) != S2_SH_INNER ||
	    !(attrs & S2_AF))
		len += scnprintf(buf + len, size - len, " attrs=0x%llx", attrs);
	return len;
}

/**
 * s2own_fmt_run() - one dump record as a ptdump line.
 * @buf: where to write, at least S2OWN_FMT_RUN_MAX bytes to hold any line
 * @size: its size
 * @run: the record
 * @vm: the record is from a VM's stage-2 (valid entries map guest pages,
 *      invalid ones carry no owner) rather than the host's
 *
 * Return: bytes written, newline included.
 */
size_t s2own_fmt_run(char *buf, size_t size, const struct s2own_dump_run *run,
		     bool vm)
{
	const char *owner;
	size_t len;

	len = scnprintf(buf, size, "0x%016llx-0x%016llx ",
			(u64)run->start, (u64)run->end);
	len += s2own_fmt_size(buf + len, size - len,
			      (u64)run->end - (u64)run->start);
	len += scnprintf(buf + len, size - len, " L%u ", run->level);

	switch (run->kind) {
	case S2OWN_RUN_BLOCK:
	case S2OWN_RUN_PAGE:
		len += scnprintf(buf + len, size - len, "%s ",
				 run->kind == S2OWN_RUN_BLOCK ? "BLOCK" :
								"PAGE");
		len += fmt_leaf(buf + len, size - len, run->attrs);
		len += scnprintf(buf + len, size - len, " owner=%s",
				 vm ? "guest" : "host");
		break;
	case S2OWN_RUN_INVALID:
		len += scnprintf(buf + len, size - len, "INVALID");
		if (vm && !run->owner)
			break;
		owner = S2OWN_NAME_OF(owner_names, run->owner, NULL);
		if (owner)
			len += scnprintf(buf + len, size - len, " owner=%s",
					 owner);
		else
			len += scnprintf(buf + len, size - len, " owner=%u",
					 run->owner);
		break;
	case S2OWN_RUN_LOCKED:
		len += scnprintf(buf + len, size - len, "LOCKED");
		break;
	default:
		len += scnprintf(buf + len, size - len, "KIND=%u attrs=0x%llx",
				 run->kind, (u64)run->attrs);
		break;
	}
	len += scnprintf(buf + len, size - len, "\n");
	return len;
}

/**
 * s2own_fmt_stats() - the hypervisor's counters as "key value" lines.
 * @buf: where to write
 * @size: its size
 * @st: the counters from a dump header
 *
 * Return: bytes written.
 */
size_t s2own_fmt_stats(char *buf, size_t size,
		       const struct s2own_stats *st)
{
	size_t len = 0;

#define FMT_COUNTER(name)						\
	len += scnprintf(buf + len, size - len, "%s %llu\n", #name,	\
			 (u64)st->name);
	S2OWN_STATS(FMT_COUNTER)
#undef FMT_COUNTER
	return len;
}

static const char *const exit_names[S2OWN_NR_EXITS] = {
	[0] = "other",
	[S2OWN_EXIT_HVC] = "hvc",
	[S2OWN_EXIT_MEM_FAULT] = "mem_fault",
	[S2OWN_EXIT_MMIO] = "mmio",
	[S2OWN_EXIT_WFX] = "wfx",
	[S2OWN_EXIT_IRQ] = "irq",
	[S2OWN_EXIT_SYSTEM_EVENT] = "system_event",
	[S2OWN_EXIT_VCPU_OFF] = "vcpu_off",
	[S2OWN_EXIT_STOPPED] = "stopped",
	[S2OWN_EXIT_RELINQUISH] = "relinquish",
	[S2OWN_EXIT_TOPUP] = "topup",
};

/**
 * s2own_exit_name() - an exit reason's name, as the vcpus file prints it.
 * @reason: S2OWN_EXIT_*
 *
 * Return: "hvc", "mem_fault", ..., or "other" for a reason s2own lacks.
 */
const char *s2own_exit_name(unsigned int reason)
{
	return exit_names[reason < S2OWN_NR_EXITS ? reason : 0];
}

/**
 * s2own_fmt_vm_counts() - a VM's counters as one line: "vcpus N donations
 * N donate_errors N pages_donated N pages_relinquished N pages_reclaimed N".
 * @buf: where to write
 * @size: its size
 * @vm: the counters
 *
 * Return: bytes written, newline included.
 */
size_t s2own_fmt_vm_counts(char *buf, size_t size,
			   const struct s2own_vm_counts *vm)
{
	return scnprintf(buf, size,
			 "vcpus %llu donations %llu donate_errors %llu pages_donated %llu pages_relinquished %llu pages_reclaimed %llu\n",
			 vm->vcpus, vm->donations, vm->donate_errors,
			 vm->pages_donated, vm->pages_relinquished,
			 vm->pages_reclaimed);
}

/**
 * s2own_fmt_vcpu_counts() - a vCPU's counters as one line: "vcpu I runs N
 * entries N errors N interrupted N", then every exit reason and its count,
 * "other" last.
 * @buf: where to write
 * @size: its size
 * @index: the vCPU
 * @c: its counters
 *
 * Return: bytes written, newline included.
 */
size_t s2own_fmt_vcpu_counts(char *buf, size_t size, unsigned int index,
			     const struct s2own_vcpu_counts *c)
{
	unsigned int r;
	size_t len;

	len = scnprintf(buf, size,
			"vcpu %u runs %llu entries %llu errors %llu interrupted %llu",
			index, c->runs, c->entries, c->errors, c->interrupted);
	for (r = 1; r <= S2OWN_NR_EXITS; r++)
		len += scnprintf(buf + len, size - len, " %s %llu",
				 s2own_exit_name(r % S2OWN_NR_EXITS),
				 c->exits[r % S2OWN_NR_EXITS]);
	len += scnprintf(buf + len, size - len, "\n");
	return len;
}
