// SPDX-License-Identifier: GPL-2.0-only
/*
 * The driver's text formats, built for the build machine (make
 * driver-fmt-test): every ptdump line kind and the stats block against
 * literal expectations, so docs/debugfs.md and the code cannot drift apart
 * without a test failing. No kernel, no hypervisor needed.
 */
#include <string.h>

#include "../fmt.h"

static int failed, passed;

static void expect(const char *what, const char *got, const char *want)
{
	if (strcmp(got, want)) {
		printf("FAIL: %s\n  got:  %s  want: %s", what, got, want);
		failed++;
	} else {
		passed++;
	}
}

static void run(const char *what, bool vm, u64 start, u64 end, u32 level,
		u32 kind, u64 attrs, u32 owner, const char *want)
{
	struct s2own_dump_run r = {
		.start = start, .end = end, .attrs = attrs,
		.nr_entries = 1, .level = level, .kind = kind, .owner = owner,
	};
	char buf[S2OWN_FMT_RUN_MAX];
	size_t len = s2own_fmt_run(buf, sizeof(buf), &r, vm);

	if (len != strlen(buf)) {
		printf("FAIL: %s: length %zu, string %zu\n", what, len,
		       strlen(buf));
		failed++;
	}
	expect(what, buf, want);
}

static void size(u64 bytes, const char *want)
{
	char buf[32];

	s2own_fmt_size(buf, sizeof(buf), bytes);
	expect("size", buf, want);
}

int main(void)
{
	struct s2own_stats st = {
		.table_pages_used = 9, .table_pages_free = 2535, .splits = 2,
		.coalesces = 2, .host_faults = 420, .host_faults_refused = 1,
		.tlbi_ipa = 3, .tlbi_range = 2, .tlbi_vmid = 1,
		.pages_scrubbed = 1,
	};
	char buf[1024];
	size_t len;

	size(4096, "   4K");
	size(1020 << 10, "1020K");
	size(12ULL << 20, "  12M");
	size(2ULL << 20, "   2M");
	size(1ULL << 30, "   1G");
	size(255ULL << 30, " 255G");
	size(256ULL << 40, " 256T");
	size(130560ULL << 30, "130560G");

	run("host RAM block", false, 0x80000000, 0x80c00000, 2,
	    S2OWN_RUN_BLOCK, 0x7fc, 0,
	    "0x0000000080000000-0x0000000080c00000   12M L2 BLOCK RW X  NORMAL owner=host\n");
	run("host RAM page", false, 0xbfe00000, 0xbfe01000, 3, S2OWN_RUN_PAGE,
	    0x7fc, 0,
	    "0x00000000bfe00000-0x00000000bfe01000    4K L3 PAGE RW X  NORMAL owner=host\n");
	run("host MMIO", false, 0, 0x40000000, 1, S2OWN_RUN_BLOCK,
	    0x400000000007c4ULL, 0,
	    "0x0000000000000000-0x0000000040000000    1G L1 BLOCK RW NX DEVICE owner=host\n");
	run("guest page in host", false, 0xbfe01000, 0xbfe02000, 3,
	    S2OWN_RUN_INVALID, 0, 2,
	    "0x00000000bfe01000-0x00000000bfe02000    4K L3 INVALID owner=guest\n");
	run("hyp page in host", false, 0x41000000, 0x41001000, 3,
	    S2OWN_RUN_INVALID, 0, 1,
	    "0x0000000041000000-0x0000000041001000    4K L3 INVALID owner=hyp\n");
	run("unmapped host", false, 0x8000000000ULL, 0x1000000000000ULL, 0,
	    S2OWN_RUN_INVALID, 0, 0,
	    "0x0000008000000000-0x0001000000000000 261632G L0 INVALID owner=host\n");
	run("odd owner", false, 0x1000, 0x2000, 3, S2OWN_RUN_INVALID, 0, 7,
	    "0x0000000000001000-0x0000000000002000    4K L3 INVALID owner=7\n");
	run("locked", false, 0xbfe00000, 0xc0000000, 2, S2OWN_RUN_LOCKED, 0, 0,
	    "0x00000000bfe00000-0x00000000c0000000    2M L2 LOCKED\n");
	run("guest mapping", true, 0x80000000, 0x80200000, 2, S2OWN_RUN_BLOCK,
	    0x7fc, 0,
	    "0x0000000080000000-0x0000000080200000    2M L2 BLOCK RW X  NORMAL owner=guest\n");
	run("guest hole", true, 0, 0x40000000, 1, S2OWN_RUN_INVALID, 0, 0,
	    "0x0000000000000000-0x0000000040000000    1G L1 INVALID\n");
	run("read-only, no AF", false, 0x1000, 0x2000, 3, S2OWN_RUN_PAGE,
	    0x37c, 0,
	    "0x0000000000001000-0x0000000000002000    4K L3 PAGE R- X  NORMAL attrs=0x37c owner=host\n");
	run("unknown kind", false, 0x1000, 0x2000, 3, 9, 0x7fc, 0,
	    "0x0000000000001000-0x0000000000002000    4K L3 KIND=9 attrs=0x7fc\n");

	/* Too small a buffer: truncated, terminated, length consistent. */
	{
		struct s2own_dump_run r = { .start = 0, .end = 0x1000,
					    .level = 3,
					    .kind = S2OWN_RUN_PAGE,
					    .attrs = 0x7fc };
		char small[20];

		len = s2own_fmt_run(small, sizeof(small), &r, false);
		expect("truncated", small, "0x0000000000000000-");
		if (len != strlen(small)) {
			printf("FAIL: truncated length %zu\n", len);
			failed++;
		}
	}

	len = s2own_fmt_stats(buf, sizeof(buf), &st);
	expect("stats", buf,
	       "table_pages_used 9\n"
	       "table_pages_free 2535\n"
	       "splits 2\n"
	       "coalesces 2\n"
	       "host_faults 420\n"
	       "host_faults_refused 1\n"
	       "tlbi_ipa 3\n"
	       "tlbi_range 2\n"
	       "tlbi_vmid 1\n"
	       "pages_scrubbed 1\n");
	if (len != strlen(buf)) {
		printf("FAIL: stats length\n");
		failed++;
	}

	{
		struct s2own_vm_counts vm = { .vcpus = 4, .donations = 35,
					      .pages_donated = 4064,
					      .pages_relinquished = 16,
					      .pages_reclaimed = 17 };
		struct s2own_vcpu_counts c = {
			.runs = 130, .entries = 2400, .interrupted = 1,
			.exits = { [0] = 2, [S2OWN_EXIT_HVC] = 100,
				   [S2OWN_EXIT_MEM_FAULT] = 20,
				   [S2OWN_EXIT_MMIO] = 4,
				   [S2OWN_EXIT_IRQ] = 2270,
				   [S2OWN_EXIT_SYSTEM_EVENT] = 1,
				   [S2OWN_EXIT_VCPU_OFF] = 3,
				   [S2OWN_EXIT_RELINQUISH] = 5,
				   [S2OWN_EXIT_TOPUP] = 6 },
		};

		len = s2own_fmt_vm_counts(buf, sizeof(buf), &vm);
		expect("vm counts", buf,
		       "vcpus 4 donations 35 donate_errors 0 pages_donated 4064 pages_relinquished 16 pages_reclaimed 17\n");
		len = s2own_fmt_vcpu_counts(buf, sizeof(buf), 2, &c);
		expect("vcpu counts", buf,
		       "vcpu 2 runs 130 entries 2400 errors 0 interrupted 1 hvc 100 mem_fault 20 mmio 4 wfx 0 irq 2270 system_event 1 vcpu_off 3 stopped 0 relinquish 5 topup 6 other 2\n");
		if (len != strlen(buf)) {
			printf("FAIL: vcpu counts length\n");
			failed++;
		}
		expect("exit name", s2own_exit_name(S2OWN_EXIT_STOPPED),
		       "stopped");
		expect("relinquish exit name",
		       s2own_exit_name(S2OWN_EXIT_RELINQUISH), "relinquish");
		expect("unknown exit name", s2own_exit_name(99), "other");
	}

	printf("test_fmt: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
