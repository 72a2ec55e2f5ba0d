// SPDX-License-Identifier: GPL-2.0-only
/*
 * The trace text lines (trace_fmt.c), built for the build machine (make
 * trace-fmt-test): one line of every event against the literal line
 * docs/tracing.md shows, and the odd cases (fields left out, unknown
 * values, the longest line).
 */
#include <string.h>

#include "../trace_fmt.h"

static int failed, passed;

#define NONE S2OWN_TRACE_NONE

static void line(const char *what, unsigned int cpu, u64 ns, u8 ev, u8 info,
		 u8 vm, int result, u32 nr, u64 addr, u64 arg,
		 const char *want)
{
	struct s2own_trace_record r = {
		.ts = 1, .event = ev, .info = info, .vm = vm,
		.result = (int8_t)result, .nr = nr, .addr = addr, .arg = arg,
	};
	char buf[S2OWN_TRACE_LINE_MAX];
	size_t len = s2own_trace_fmt(buf, sizeof(buf), cpu, ns, &r);

	if (len != strlen(buf) || len + 1 >= sizeof(buf)) {
		printf("FAIL: %s: length %zu, string %zu, room %zu\n", what,
		       len, strlen(buf), sizeof(buf));
		failed++;
	}
	if (strcmp(buf, want)) {
		printf("FAIL: %s\n  got:  %s  want: %s", what, buf, want);
		failed++;
	} else {
		passed++;
	}
}

int main(void)
{
	const u64 t = 12345678901ULL;	/* 12.345678901 s */

	line("fault", 1, t, S2OWN_TEV_HOST_FAULT, 2, 0, 0, 0, 0x48a00000, 0,
	     "    12.345678 cpu1 host_fault ipa=0x48a00000 level=2 ret=0\n");
	line("refused fault", 0, 5, S2OWN_TEV_HOST_FAULT, 3, 0, -1, 0,
	     0x40001000, 0,
	     "     0.000000 cpu0 host_fault ipa=0x40001000 level=3 ret=-1\n");
	line("donation", 2, t, S2OWN_TEV_TRANSITION, S2OWN_TCALL_DONATE_GUEST,
	     1, 0, 1, 0x48a05, 0x80000,
	     "    12.345678 cpu2 transition call=donate_guest vm=1 pfn=0x48a05 gfn=0x80000 nr=1 ret=0\n");
	line("reclaim", 2, t, S2OWN_TEV_TRANSITION,
	     S2OWN_TCALL_RECLAIM_GUEST, 0, 0, 512, 0x48a00, NONE,
	     "    12.345678 cpu2 transition call=reclaim_guest vm=0 pfn=0x48a00 nr=512 ret=0\n");
	line("relinquish", 2, t, S2OWN_TEV_TRANSITION, S2OWN_TCALL_RELINQUISH,
	     255, -2, 1, NONE, 0x80000,
	     "    12.345678 cpu2 transition call=guest_relinquish vm=255 gfn=0x80000 nr=1 ret=-2\n");
	line("vm_create", 3, t, S2OWN_TEV_TRANSITION, S2OWN_TCALL_VM_CREATE,
	     4, 0, 0, NONE, NONE,
	     "    12.345678 cpu3 transition call=vm_create vm=4 nr=0 ret=0\n");
	line("unknown call", 3, t, S2OWN_TEV_TRANSITION, 0x77, 0, 0, 0, NONE,
	     NONE, "    12.345678 cpu3 transition call=? vm=0 nr=0 ret=0\n");
	line("split of a block", 0, t, S2OWN_TEV_SPLIT, 2, 0, 0, 0, 0x48a00000,
	     0x48a007fd,
	     "    12.345678 cpu0 split vm=0 level=2 ipa=0x48a00000 from=block\n");
	line("split of an empty entry", 0, t, S2OWN_TEV_SPLIT, 0, 0, 0, 0, 0,
	     0, "    12.345678 cpu0 split vm=0 level=0 ipa=0x0 from=empty\n");
	line("split of an annotation", 0, t, S2OWN_TEV_SPLIT, 2, 0, 0, 0,
	     0x48a00000, 0x8,
	     "    12.345678 cpu0 split vm=0 level=2 ipa=0x48a00000 from=owner=guest\n");
	line("split of a VM's block", 0, t, S2OWN_TEV_SPLIT, 2, 3, 0, 0,
	     0x80000000, 0x48a007fd,
	     "    12.345678 cpu0 split vm=3 level=2 ipa=0x80000000 from=block\n");
	line("coalesce", 1, t, S2OWN_TEV_COALESCE, 2, 0, 0, 0, 0x48a00000,
	     0x48a007fd,
	     "    12.345678 cpu1 coalesce vm=0 level=2 ipa=0x48a00000\n");
	line("table_alloc", 1, t, S2OWN_TEV_TABLE_ALLOC, 0, 0, 0, 0,
	     0x40603000, 2531,
	     "    12.345678 cpu1 table_alloc pa=0x40603000 free=2531\n");
	line("table_alloc from a VM's cache", 1, t, S2OWN_TEV_TABLE_ALLOC, 0,
	     3, 0, 0, 0x48a05000, 2,
	     "    12.345678 cpu1 table_alloc vm=3 pa=0x48a05000 free=2\n");
	line("table_free", 1, t, S2OWN_TEV_TABLE_FREE, 0, 0, 0, 0, 0x40603000,
	     2532, "    12.345678 cpu1 table_free pa=0x40603000 free=2532\n");
	line("tlbi ipa", 1, t, S2OWN_TEV_TLBI, S2OWN_TLBI_IPA, 0, 0, 2,
	     0x48a00000, 0,
	     "    12.345678 cpu1 tlbi kind=ipa vm=0 ipa=0x48a00000 level=2\n");
	line("tlbi range", 1, t, S2OWN_TEV_TLBI, S2OWN_TLBI_RANGE, 0, 0, 0,
	     0x48a00000, 0x200000,
	     "    12.345678 cpu1 tlbi kind=range vm=0 ipa=0x48a00000 size=0x200000\n");
	line("tlbi vmid", 1, t, S2OWN_TEV_TLBI, S2OWN_TLBI_VMID, 1, 0, 0, 0, 0,
	     "    12.345678 cpu1 tlbi kind=vmid vm=1\n");
	line("scrub", 1, t, S2OWN_TEV_SCRUB, 0, 0, 0, 1, 0x48a05, 0,
	     "    12.345678 cpu1 scrub pfn=0x48a05 nr=1\n");
	line("vcpu_enter", 1, t, S2OWN_TEV_VCPU_ENTER, 0, 1, 0, 0, 0x80000000,
	     0, "    12.345678 cpu1 vcpu_enter vm=1 vcpu=0 pc=0x80000000\n");
	line("vcpu_exit to the host", 1, t, S2OWN_TEV_VCPU_EXIT, 1, 1,
	     S2OWN_TEXC_SYNC, 1, 0x80000010, 0x5a000000,
	     "    12.345678 cpu1 vcpu_exit vm=1 vcpu=1 exception=sync esr=0x5a000000 exit=hvc pc=0x80000010\n");
	line("vcpu_exit served at EL2", 1, t, S2OWN_TEV_VCPU_EXIT, 0, 1,
	     S2OWN_TEXC_IRQ, 0, 0x80000010, 0,
	     "    12.345678 cpu1 vcpu_exit vm=1 vcpu=0 exception=irq esr=0x0 exit=none pc=0x80000010\n");
	line("unknown event", 0, t, 99, 1, 2, -3, 4, 5, 6,
	     "    12.345678 cpu0 event=99 info=1 vm=2 result=-3 nr=4 addr=0x5 arg=0x6\n");
	line("longest line", 4095, ~0ULL, S2OWN_TEV_VCPU_EXIT, 255, 255, -128,
	     0xffffffffU, ~0ULL, ~0ULL,
	     "18446744073.709551 cpu4095 vcpu_exit vm=255 vcpu=255 exception=? esr=0xffffffffffffffff exit=? pc=0xffffffffffffffff\n");
	line("longest transition", 4095, ~0ULL, S2OWN_TEV_TRANSITION,
	     S2OWN_TCALL_HYP_DONATE_HOST, 255, -128, 0xffffffffU,
	     0xfffffffffffffffeULL, 0xfffffffffffffffeULL,
	     "18446744073.709551 cpu4095 transition call=hyp_donate_host vm=255 pfn=0xfffffffffffffffe gfn=0xfffffffffffffffe nr=4294967295 ret=-128\n");

	printf("trace-fmt-test: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
