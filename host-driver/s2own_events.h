/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's events as Linux trace events: the "s2own" trace system
 * (/sys/kernel/tracing/events/s2own/, trace-cmd record -e s2own, perf).
 * trace.c emits one for each record it reads from the hypervisor's
 * buffers, on the CPU that drains them, soon after the event happened:
 * each event's cpu and hyp_ns fields say where and when it happened at
 * EL2 (hyp_ns on the clock of the trace buffer's default "local" clock,
 * sched_clock). docs/tracing.md.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM s2own

#if !defined(S2OWN_EVENTS_H) || defined(TRACE_HEADER_MULTI_READ)
#define S2OWN_EVENTS_H

#include <linux/tracepoint.h>

#include "s2own_trace.h"

#define S2OWN_TR_CALLS                                                         \
	{ S2OWN_TCALL_SHARE_HYP, "share_hyp" },                                \
	{ S2OWN_TCALL_UNSHARE_HYP, "unshare_hyp" },                            \
	{ S2OWN_TCALL_DONATE_HYP, "donate_hyp" },                              \
	{ S2OWN_TCALL_HYP_DONATE_HOST, "hyp_donate_host" },                    \
	{ S2OWN_TCALL_VM_CREATE, "vm_create" },                                \
	{ S2OWN_TCALL_VM_DESTROY, "vm_destroy" },                              \
	{ S2OWN_TCALL_DONATE_GUEST, "donate_guest" },                          \
	{ S2OWN_TCALL_RELINQUISH, "guest_relinquish" },                        \
	{ S2OWN_TCALL_RECLAIM_GUEST, "reclaim_guest" },                        \
	{ S2OWN_TCALL_VCPU_CREATE, "vcpu_create" },                            \
	{ S2OWN_TCALL_VM_TOPUP, "vm_topup" },                                  \
	{ S2OWN_TCALL_GUEST_SHARE, "guest_share" },                            \
	{ S2OWN_TCALL_GUEST_UNSHARE, "guest_unshare" }

/* What a split replaced (s2own_trace_old_kind() in trace.c). */
#define S2OWN_TR_OLD                                                           \
	{ 0, "empty" }, { 1, "block" }, { 2, "page" }, { 3, "table" },         \
	{ 4, "owner=hyp" }, { 5, "owner=guest" }, { 6, "invalid" }

#define S2OWN_TR_TLBI                                                          \
	{ S2OWN_TLBI_IPA, "ipa" }, { S2OWN_TLBI_RANGE, "range" },              \
	{ S2OWN_TLBI_VMID, "vmid" }

#define S2OWN_TR_EXC                                                           \
	{ S2OWN_TEXC_SYNC, "sync" }, { S2OWN_TEXC_IRQ, "irq" },                \
	{ S2OWN_TEXC_FIQ, "fiq" }, { S2OWN_TEXC_SERROR, "serror" }

#define S2OWN_TR_EXITS                                                         \
	{ 0, "none" }, { 1, "hvc" }, { 2, "mem_fault" }, { 3, "mmio" },        \
	{ 4, "wfx" }, { 5, "irq" }, { 6, "system_event" }, { 7, "vcpu_off" },  \
	{ 8, "stopped" }, { 9, "relinquish" }, { 10, "topup" }

/*
 * Enabling an event (tracefs, trace-cmd, perf) switches its class on at
 * EL2 too, and disabling the last user off (trace.c).
 */
#define S2OWN_TP_REG_DECL(name)                                                \
	int s2own_tp_reg_##name(void);                                         \
	void s2own_tp_unreg_##name(void);
S2OWN_TP_REG_DECL(host_fault)
S2OWN_TP_REG_DECL(transition)
S2OWN_TP_REG_DECL(split)
S2OWN_TP_REG_DECL(coalesce)
S2OWN_TP_REG_DECL(table_alloc)
S2OWN_TP_REG_DECL(table_free)
S2OWN_TP_REG_DECL(tlbi)
S2OWN_TP_REG_DECL(scrub)
S2OWN_TP_REG_DECL(vcpu_enter)
S2OWN_TP_REG_DECL(vcpu_exit)

/* Every event starts with where and when it happened at EL2. */
#define S2OWN_TR_COMMON __field(u32, cpu) __field(u64, hyp_ns)
#define S2OWN_TR_COMMON_ASSIGN                                                 \
	__entry->cpu = cpu;                                                    \
	__entry->hyp_ns = ns;

TRACE_EVENT_FN(host_fault,
	TP_PROTO(u32 cpu, u64 ns, const struct s2own_trace_record *r),
	TP_ARGS(cpu, ns, r),
	TP_STRUCT__entry(S2OWN_TR_COMMON
		__field(u64, ipa) __field(u8, level) __field(s8, ret)),
	TP_fast_assign(S2OWN_TR_COMMON_ASSIGN
		__entry->ipa = r->addr; __entry->level = r->info;
		__entry->ret = r->result;),
	TP_printk("cpu=%u hyp_ns=%llu ipa=0x%llx level=%u ret=%d",
		  __entry->cpu, __entry->hyp_ns, __entry->ipa, __entry->level,
		  __entry->ret),
	s2own_tp_reg_host_fault, s2own_tp_unreg_host_fault
);

TRACE_EVENT_FN(transition,
	TP_PROTO(u32 cpu, u64 ns, const struct s2own_trace_record *r),
	TP_ARGS(cpu, ns, r),
	TP_STRUCT__entry(S2OWN_TR_COMMON
		__field(u8, call) __field(u8, vm) __field(s8, ret)
		__field(u32, nr) __field(u64, pfn) __field(u64, gfn)),
	TP_fast_assign(S2OWN_TR_COMMON_ASSIGN
		__entry->call = r->info; __entry->vm = r->vm;
		__entry->ret = r->result; __entry->nr = r->nr;
		__entry->pfn = r->addr; __entry->gfn = r->arg;),
	TP_printk("cpu=%u hyp_ns=%llu call=%s vm=%u pfn=0x%llx gfn=0x%llx nr=%u ret=%d",
		  __entry->cpu, __entry->hyp_ns,
		  __print_symbolic(__entry->call, S2OWN_TR_CALLS), __entry->vm,
		  __entry->pfn, __entry->gfn, __entry->nr, __entry->ret),
	s2own_tp_reg_transition, s2own_tp_unreg_transition
);

TRACE_EVENT_FN(split,
	TP_PROTO(u32 cpu, u64 ns, const struct s2own_trace_record *r, u8 old),
	TP_ARGS(cpu, ns, r, old),
	TP_STRUCT__entry(S2OWN_TR_COMMON
		__field(u8, vm) __field(u8, level) __field(u8, from)
		__field(u64, ipa) __field(u64, old)),
	TP_fast_assign(S2OWN_TR_COMMON_ASSIGN
		__entry->vm = r->vm; __entry->level = r->info;
		__entry->from = old; __entry->ipa = r->addr;
		__entry->old = r->arg;),
	TP_printk("cpu=%u hyp_ns=%llu vm=%u level=%u ipa=0x%llx from=%s",
		  __entry->cpu, __entry->hyp_ns, __entry->vm, __entry->level,
		  __entry->ipa, __print_symbolic(__entry->from, S2OWN_TR_OLD)),
	s2own_tp_reg_split, s2own_tp_unreg_split
);

TRACE_EVENT_FN(coalesce,
	TP_PROTO(u32 cpu, u64 ns, const struct s2own_trace_record *r),
	TP_ARGS(cpu, ns, r),
	TP_STRUCT__entry(S2OWN_TR_COMMON
		__field(u8, vm) __field(u8, level) __field(u64, ipa)),
	TP_fast_assign(S2OWN_TR_COMMON_ASSIGN
		__entry->vm = r->vm; __entry->level = r->info;
		__entry->ipa = r->addr;),
	TP_printk("cpu=%u hyp_ns=%llu vm=%u level=%u ipa=0x%llx",
		  __entry->cpu, __entry->hyp_ns, __entry->vm, __entry->level,
		  __entry->ipa),
	s2own_tp_reg_coalesce, s2own_tp_unreg_coalesce
);

DECLARE_EVENT_CLASS(s2own_table,
	TP_PROTO(u32 cpu, u64 ns, const struct s2own_trace_record *r),
	TP_ARGS(cpu, ns, r),
	TP_STRUCT__entry(S2OWN_TR_COMMON
		__field(u8, vm) __field(u64, pa) __field(u64, free)),
	TP_fast_assign(S2OWN_TR_COMMON_ASSIGN
		__entry->vm = r->vm; __entry->pa = r->addr;
		__entry->free = r->arg;),
	TP_printk("cpu=%u hyp_ns=%llu vm=%u pa=0x%llx free=%llu",
		  __entry->cpu, __entry->hyp_ns, __entry->vm, __entry->pa,
		  __entry->free)
);

DEFINE_EVENT_FN(s2own_table, table_alloc,
	TP_PROTO(u32 cpu, u64 ns, const struct s2own_trace_record *r),
	TP_ARGS(cpu, ns, r), s2own_tp_reg_table_alloc, s2own_tp_unreg_table_alloc);

DEFINE_EVENT_FN(s2own_table, table_free,
	TP_PROTO(u32 cpu, u64 ns, const struct s2own_trace_record *r),
	TP_ARGS(cpu, ns, r), s2own_tp_reg_table_free, s2own_tp_unreg_table_free);

TRACE_EVENT_FN(tlbi,
	TP_PROTO(u32 cpu, u64 ns, const struct s2own_trace_record *r),
	TP_ARGS(cpu, ns, r),
	TP_STRUCT__entry(S2OWN_TR_COMMON
		__field(u8, kind) __field(u8, vm) __field(u8, level)
		__field(u64, ipa) __field(u64, size)),
	TP_fast_assign(S2OWN_TR_COMMON_ASSIGN
		__entry->kind = r->info; __entry->vm = r->vm;
		__entry->level = r->nr; __entry->ipa = r->addr;
		__entry->size = r->arg;),
	TP_printk("cpu=%u hyp_ns=%llu kind=%s vm=%u ipa=0x%llx level=%u size=0x%llx",
		  __entry->cpu, __entry->hyp_ns,
		  __print_symbolic(__entry->kind, S2OWN_TR_TLBI), __entry->vm,
		  __entry->ipa, __entry->level, __entry->size),
	s2own_tp_reg_tlbi, s2own_tp_unreg_tlbi
);

TRACE_EVENT_FN(scrub,
	TP_PROTO(u32 cpu, u64 ns, const struct s2own_trace_record *r),
	TP_ARGS(cpu, ns, r),
	TP_STRUCT__entry(S2OWN_TR_COMMON
		__field(u64, pfn) __field(u32, nr)),
	TP_fast_assign(S2OWN_TR_COMMON_ASSIGN
		__entry->pfn = r->addr; __entry->nr = r->nr;),
	TP_printk("cpu=%u hyp_ns=%llu pfn=0x%llx nr=%u", __entry->cpu,
		  __entry->hyp_ns, __entry->pfn, __entry->nr),
	s2own_tp_reg_scrub, s2own_tp_unreg_scrub
);

TRACE_EVENT_FN(vcpu_enter,
	TP_PROTO(u32 cpu, u64 ns, const struct s2own_trace_record *r),
	TP_ARGS(cpu, ns, r),
	TP_STRUCT__entry(S2OWN_TR_COMMON
		__field(u8, vm) __field(u8, vcpu) __field(u64, pc)),
	TP_fast_assign(S2OWN_TR_COMMON_ASSIGN
		__entry->vm = r->vm; __entry->vcpu = r->info;
		__entry->pc = r->addr;),
	TP_printk("cpu=%u hyp_ns=%llu vm=%u vcpu=%u pc=0x%llx", __entry->cpu,
		  __entry->hyp_ns, __entry->vm, __entry->vcpu, __entry->pc),
	s2own_tp_reg_vcpu_enter, s2own_tp_unreg_vcpu_enter
);

TRACE_EVENT_FN(vcpu_exit,
	TP_PROTO(u32 cpu, u64 ns, const struct s2own_trace_record *r),
	TP_ARGS(cpu, ns, r),
	TP_STRUCT__entry(S2OWN_TR_COMMON
		__field(u8, vm) __field(u8, vcpu) __field(u8, exception)
		__field(u32, exit) __field(u64, pc) __field(u64, esr)),
	TP_fast_assign(S2OWN_TR_COMMON_ASSIGN
		__entry->vm = r->vm; __entry->vcpu = r->info;
		__entry->exception = (u8)r->result; __entry->exit = r->nr;
		__entry->pc = r->addr; __entry->esr = r->arg;),
	TP_printk("cpu=%u hyp_ns=%llu vm=%u vcpu=%u exception=%s esr=0x%llx exit=%s pc=0x%llx",
		  __entry->cpu, __entry->hyp_ns, __entry->vm, __entry->vcpu,
		  __print_symbolic(__entry->exception, S2OWN_TR_EXC),
		  __entry->esr, __print_symbolic(__entry->exit, S2OWN_TR_EXITS),
		  __entry->pc),
	s2own_tp_reg_vcpu_exit, s2own_tp_unreg_vcpu_exit
);

/* The hypervisor dropped records: this CPU's buffer was full. */
TRACE_EVENT(lost,
	TP_PROTO(u32 cpu, u64 records, u64 total),
	TP_ARGS(cpu, records, total),
	TP_STRUCT__entry(__field(u32, cpu) __field(u64, records)
		__field(u64, total)),
	TP_fast_assign(__entry->cpu = cpu; __entry->records = records;
		__entry->total = total;),
	TP_printk("cpu=%u records=%llu total=%llu", __entry->cpu,
		  __entry->records, __entry->total)
);

#endif /* S2OWN_EVENTS_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE s2own_events
#include <trace/define_trace.h>
