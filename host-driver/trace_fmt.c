// SPDX-License-Identifier: GPL-2.0-only
/*
 * Trace records as text lines, in the spirit of ftrace's:
 *
 *     12.345678 cpu1 split vm=0 level=2 ipa=0x48a00000 from=block
 *
 * time in seconds on the host's trace clock, the CPU, the event, then its
 * fields as name=value; a field the event does not have is left out.
 * docs/tracing.md lists every event's line.
 */
#include "trace_fmt.h"

static const char *const event_names[S2OWN_TEV_MAX + 1] = {
	[S2OWN_TEV_HOST_FAULT] = "host_fault",
	[S2OWN_TEV_TRANSITION] = "transition",
	[S2OWN_TEV_SPLIT] = "split",
	[S2OWN_TEV_COALESCE] = "coalesce",
	[S2OWN_TEV_TABLE_ALLOC] = "table_alloc",
	[S2OWN_TEV_TABLE_FREE] = "table_free",
	[S2OWN_TEV_TLBI] = "tlbi",
	[S2OWN_TEV_SCRUB] = "scrub",
	[S2OWN_TEV_VCPU_ENTER] = "vcpu_enter",
	[S2OWN_TEV_VCPU_EXIT] = "vcpu_exit",
};

static const char *const call_names[] = {
	[S2OWN_TCALL_SHARE_HYP] = "share_hyp",
	[S2OWN_TCALL_UNSHARE_HYP] = "unshare_hyp",
	[S2OWN_TCALL_DONATE_HYP] = "donate_hyp",
	[S2OWN_TCALL_HYP_DONATE_HOST] = "hyp_donate_host",
	[S2OWN_TCALL_VM_CREATE] = "vm_create",
	[S2OWN_TCALL_VM_DESTROY] = "vm_destroy",
	[S2OWN_TCALL_DONATE_GUEST] = "donate_guest",
	[S2OWN_TCALL_RELINQUISH] = "guest_relinquish",
	[S2OWN_TCALL_RECLAIM_GUEST] = "reclaim_guest",
	[S2OWN_TCALL_VCPU_CREATE] = "vcpu_create",
	[S2OWN_TCALL_VM_TOPUP] = "vm_topup",
	[S2OWN_TCALL_GUEST_SHARE] = "guest_share",
	[S2OWN_TCALL_GUEST_UNSHARE] = "guest_unshare",
};

static const char *const tlbi_names[] = { "ipa", "range", "vmid" };
static const char *const exc_names[] = { "sync", "irq", "fiq", "serror" };
static const char *const exit_names[] = {
	"none", "hvc", "mem_fault", "mmio", "wfx", "irq", "system_event",
	"vcpu_off", "stopped", "relinquish", "topup",
};
static const char *const owner_names[] = { "host", "hyp", "guest" };

/**
 * s2own_trace_event_name() - an event's name, as trace/enable takes it.
 * @ev: S2OWN_TEV_*
 *
 * Return: "host_fault", ..., or NULL for an id that is none.
 */
const char *s2own_trace_event_name(unsigned int ev)
{
	return S2OWN_NAME_OF(event_names, ev, NULL);
}

/*
 * What a split replaced, from the stage-2 descriptor (Arm ARM; the owner
 * annotation in bits [9:2] of an invalid one, docs/ownership.md).
 */
size_t s2own_trace_fmt_old(char *buf, size_t size, u64 pte, unsigned int level)
{
	const char *owner = S2OWN_NAME_OF(owner_names, (pte >> 2) & 0xff, NULL);

	if (pte & 1)
		return scnprintf(buf, size, "%s",
				 level == 3 ? "page" :
				 pte & 2    ? "table" : "block");
	if (!pte)
		return scnprintf(buf, size, "empty");
	if (owner)
		return scnprintf(buf, size, "owner=%s", owner);
	return scnprintf(buf, size, "invalid=0x%llx", pte);
}

/**
 * s2own_trace_fmt() - one record as a text line.
 * @buf: where to write, S2OWN_TRACE_LINE_MAX bytes hold any line
 * @size: its size
 * @cpu: the CPU whose buffer it came from
 * @ns: its time on the host's trace clock, in ns
 * @r: the record
 *
 * Return: bytes written, newline included.
 */
size_t s2own_trace_fmt(char *buf, size_t size, unsigned int cpu, u64 ns,
		       const struct s2own_trace_record *r)
{
	const char *name = s2own_trace_event_name(r->event);
	size_t len;

	len = scnprintf(buf, size, "%6llu.%06llu cpu%u ", ns / 1000000000ULL,
			(ns % 1000000000ULL) / 1000, cpu);
	if (name)
		len += scnprintf(buf + len, size - len, "%s", name);
	else
		len += scnprintf(buf + len, size - len, "event=%u", r->event);

	switch (r->event) {
	case S2OWN_TEV_HOST_FAULT:
		len += scnprintf(buf + len, size - len,
				 " ipa=0x%llx level=%u ret=%d",
				 (u64)r->addr, r->info, r->result);
		break;
	case S2OWN_TEV_TRANSITION:
		len += scnprintf(buf + len, size - len, " call=%s vm=%u",
				 S2OWN_NAME_OF(call_names, r->info, "?"),
				 r->vm);
		if (r->addr != S2OWN_TRACE_NONE)
			len += scnprintf(buf + len, size - len, " pfn=0x%llx",
					 (u64)r->addr);
		if (r->arg != S2OWN_TRACE_NONE)
			len += scnprintf(buf + len, size - len, " gfn=0x%llx",
					 (u64)r->arg);
		len += scnprintf(buf + len, size - len, " nr=%u ret=%d",
				 r->nr, r->result);
		break;
	case S2OWN_TEV_SPLIT:
		len += scnprintf(buf + len, size - len,
				 " vm=%u level=%u ipa=0x%llx from=", r->vm,
				 r->info, (u64)r->addr);
		len += s2own_trace_fmt_old(buf + len, size - len, r->arg,
					   r->info);
		break;
	case S2OWN_TEV_COALESCE:
		len += scnprintf(buf + len, size - len,
				 " vm=%u level=%u ipa=0x%llx", r->vm, r->info,
				 (u64)r->addr);
		break;
	case S2OWN_TEV_TABLE_ALLOC:
	case S2OWN_TEV_TABLE_FREE:
		/* A VM's table comes from its own cache: free is that one's. */
		if (r->vm)
			len += scnprintf(buf + len, size - len, " vm=%u",
					 r->vm);
		len += scnprintf(buf + len, size - len, " pa=0x%llx free=%llu",
				 (u64)r->addr, (u64)r->arg);
		break;
	case S2OWN_TEV_TLBI:
		len += scnprintf(buf + len, size - len, " kind=%s vm=%u",
				 S2OWN_NAME_OF(tlbi_names, r->info, "?"),
				 r->vm);
		if (r->info == S2OWN_TLBI_IPA)
			len += scnprintf(buf + len, size - len,
					 " ipa=0x%llx level=%u", (u64)r->addr,
					 r->nr);
		else if (r->info == S2OWN_TLBI_RANGE)
			len += scnprintf(buf + len, size - len,
					 " ipa=0x%llx size=0x%llx",
					 (u64)r->addr, (u64)r->arg);
		break;
	case S2OWN_TEV_SCRUB:
		len += scnprintf(buf + len, size - len, " pfn=0x%llx nr=%u",
				 (u64)r->addr, r->nr);
		break;
	case S2OWN_TEV_VCPU_ENTER:
		len += scnprintf(buf + len, size - len,
				 " vm=%u vcpu=%u pc=0x%llx", r->vm, r->info,
				 (u64)r->addr);
		break;
	case S2OWN_TEV_VCPU_EXIT:
		len += scnprintf(buf + len, size - len,
				 " vm=%u vcpu=%u exception=%s esr=0x%llx exit=%s pc=0x%llx",
				 r->vm, r->info,
				 S2OWN_NAME_OF(exc_names, (u8)r->result, "?"),
				 (u64)r->arg,
				 S2OWN_NAME_OF(exit_names, r->nr, "?"),
				 (u64)r->addr);
		break;
	default:
		len += scnprintf(buf + len, size - len,
				 " info=%u vm=%u result=%d nr=%u addr=0x%llx arg=0x%llx",
				 r->info, r->vm, r->result, r->nr,
				 (u64)r->addr, (u64)r->arg);
		break;
	}
	len += scnprintf(buf + len, size - len, "\n");
	return len;
}
