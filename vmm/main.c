// SPDX-License-Identifier: GPL-2.0-only
/*
 * s2own-vmm: load a guest image into the VMM's own memory, donate it to a
 * protected VM through /dev/s2own, run its vCPUs on threads of their own,
 * serve their exits, then destroy the VM, reclaim every page and check
 * that each reads zero. It prints what happened and exits non-zero on any
 * error or outcome the guest's mode does not call for (docs/guests.md,
 * "s2own-vmm").
 *
 *   s2own-vmm [OPTIONS] [IMAGE]        run IMAGE (default DEFAULT_IMAGE)
 *   s2own-vmm --check-ioctls           the driver's answers to bad input
 *
 * Its lines start with "S2OWN-VMM[name]: ", the guest's console lines
 * with "S2OWN-GUEST[name/vcpu]: "; the summary is "stat KEY VALUE" lines
 * and a last line "PASS" or "FAIL (why)".
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "vmm.h"

#define DEFAULT_IMAGE		"/lib/s2own/s2own-guest.bin"
#define DEFAULT_TIMEOUT		60.0
#define DEFAULT_FUZZ_CALLS	100000

/* The in-tree guest's modes: how each ends, and whether it reports. */
static const struct mode {
	const char *name;
	int mode;
	bool result;
	unsigned int ends;
} modes[] = {
	{ "full", S2OWN_GUEST_MODE_FULL, true, END_OFF },
	{ "spin", S2OWN_GUEST_MODE_SPIN, false, END_TIMEOUT },
	{ "hvc", S2OWN_GUEST_MODE_HVC, true, END_OFF },
	{ "sysreg", S2OWN_GUEST_MODE_SYSREG, true, END_OFF },
	{ "mmio", S2OWN_GUEST_MODE_MMIO, true, END_STOPPED },
	{ "wfi", S2OWN_GUEST_MODE_WFI, true, END_TIMEOUT },
	{ "loop", S2OWN_GUEST_MODE_LOOP, true, END_TIMEOUT },
	{ "garbage", S2OWN_GUEST_MODE_GARBAGE, true,
	  END_STOPPED | END_TIMEOUT },
	{ "random", S2OWN_GUEST_MODE_RANDOM, true,
	  END_OFF | END_RESET | END_STOPPED | END_TIMEOUT },
	{ "exec-mmio", S2OWN_GUEST_MODE_EXEC_MMIO, true, END_STOPPED },
	{ "share", S2OWN_GUEST_MODE_SHARE, true, END_OFF },
	{ "fuzz", S2OWN_GUEST_MODE_FUZZ, true, END_OFF },
};

static const char *const end_names[] = {
	"off", "reset", "stopped", "timeout", "error",
};

static const char *const exit_names[] = {
	"other", "hvc", "mem_fault", "mmio", "wfx", "irq", "system_event",
	"vcpu_off", "stopped", "relinquish",
};

static const char *const donate_names[] = { "all", "image", "none" };

const char *exit_name(unsigned int reason)
{
	return exit_names[reason < ARRAY_SIZE(exit_names) ? reason : 0];
}

static void vsay(const struct vmm *v, const char *what, const char *fmt,
		 va_list ap)
{
	char line[512];

	vsnprintf(line, sizeof(line), fmt, ap);
	/* One call per line: lines of different threads do not mix. */
	printf("S2OWN-VMM[%s]: %s%s\n", v->name, what, line);
}

void say(const struct vmm *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(v, "", fmt, ap);
	va_end(ap);
}

/* An error: counted, said, and the run stops. */
void vmm_error(struct vmm *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(v, "error: ", fmt, ap);
	va_end(ap);
	atomic_fetch_add(&v->c.errors, 1);
	atomic_fetch_or(&v->ending, END_ERROR);
	atomic_store(&v->stop, true);
}

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: s2own-vmm [OPTIONS] [IMAGE]   (IMAGE: " DEFAULT_IMAGE ")\n"
		"       s2own-vmm --check-ioctls\n"
		"  -c, --vcpus N        vCPUs, 1..%d (%d)\n"
		"  -m, --mode NAME      the guest's mode: full spin hvc sysreg mmio wfi\n"
		"                       loop garbage random exec-mmio share fuzz (full)\n"
		"  -s, --seed N         the guest's seed (0)\n"
		"  -a, --arg X          vCPU 0's x0 as given, instead of mode and seed\n"
		"  -r, --ram SIZE       guest RAM, K/M/G suffixes (16M)\n"
		"  -b, --ram-base IPA   where it starts (0x%x)\n"
		"  -d, --donate WHAT    up front: all (but the fresh pages), image, none\n"
		"                       (all); the rest is donated on demand\n"
		"  -t, --timeout SECS   time limit, 0 for none (%g)\n"
		"  -p, --pin CPUS       run vCPU i on the i-th CPU of a list: 0,1,2,3\n"
		"  -e, --expect ENDS    how the run may end: off reset stopped timeout,\n"
		"                       comma separated, or any (the mode's)\n"
		"      --no-result      no RESULT call expected (--arg implies it)\n"
		"  -n, --name NAME      prefix of the lines (vm<handle>)\n"
		"      --no-kernel-touch  only the VMM tries to read guest pages\n"
		"  -v, --verbose        every exit\n"
		"      --dry-run        print the configuration and stop\n"
		"      --check-ioctls   check the driver's answers to bad input\n"
		"      --fuzz-calls N   mode fuzz: guest calls in all (%d)\n"
		"  -h, --help\n",
		S2OWN_MAX_VCPUS, S2OWN_GUEST_NR_VCPUS, S2OWN_GUEST_RAM_BASE,
		DEFAULT_TIMEOUT, DEFAULT_FUZZ_CALLS);
}

static int parse_u64(const char *s, uint64_t *val)
{
	char *end;

	errno = 0;
	*val = strtoull(s, &end, 0);
	return errno || end == s || *end || *s == '-' ? -1 : 0;
}

static int parse_size(const char *s, uint64_t *val)
{
	unsigned int shift = 0;
	char *end;

	errno = 0;
	*val = strtoull(s, &end, 0);
	if (errno || end == s || *s == '-')
		return -1;
	switch (*end) {
	case 'K': case 'k':
		shift = 10;
		break;
	case 'M': case 'm':
		shift = 20;
		break;
	case 'G': case 'g':
		shift = 30;
		break;
	case '\0':
		return 0;
	default:
		return -1;
	}
	if (end[1] || *val > UINT64_MAX >> shift)
		return -1;
	*val <<= shift;
	return 0;
}

static int parse_pin(struct opts *o, const char *s)
{
	char *copy = strdup(s), *p = copy, *w;
	unsigned int n = 0;
	uint64_t cpu;
	int ret = 0;

	while (copy && (w = strsep(&p, ",")) != NULL) {
		if (n == S2OWN_MAX_VCPUS || parse_u64(w, &cpu) || cpu > 4095) {
			ret = -1;
			break;
		}
		o->pin[n++] = cpu;
	}
	free(copy);
	return copy && n ? ret : -1;
}

static int parse_expect(struct opts *o, const char *s)
{
	char *copy = strdup(s), *p = copy, *w;
	unsigned int i, ends = 0;
	int ret = 0;

	while (copy && (w = strsep(&p, ",")) != NULL) {
		if (!strcmp(w, "any")) {
			ends |= END_OFF | END_RESET | END_STOPPED | END_TIMEOUT;
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(end_names) - 1; i++)
			if (!strcmp(w, end_names[i]))
				break;
		if (i == ARRAY_SIZE(end_names) - 1) {
			ret = -1;
			break;
		}
		ends |= 1U << i;
	}
	free(copy);
	o->expect = ends;
	return copy && ends ? ret : -1;
}

static int parse_mode(struct opts *o, const char *s)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		if (strcmp(s, modes[i].name))
			continue;
		o->mode = modes[i].mode;
		return 0;
	}
	return -1;
}

static const struct mode *mode_of(int mode)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(modes); i++)
		if (modes[i].mode == mode)
			return &modes[i];
	return NULL;
}

enum {
	OPT_NO_RESULT = 256,
	OPT_NO_KERNEL_TOUCH,
	OPT_DRY_RUN,
	OPT_CHECK_IOCTLS,
	OPT_FUZZ_CALLS,
};

static const struct option long_opts[] = {
	{ "vcpus", required_argument, NULL, 'c' },
	{ "mode", required_argument, NULL, 'm' },
	{ "seed", required_argument, NULL, 's' },
	{ "arg", required_argument, NULL, 'a' },
	{ "ram", required_argument, NULL, 'r' },
	{ "ram-base", required_argument, NULL, 'b' },
	{ "donate", required_argument, NULL, 'd' },
	{ "timeout", required_argument, NULL, 't' },
	{ "pin", required_argument, NULL, 'p' },
	{ "expect", required_argument, NULL, 'e' },
	{ "no-result", no_argument, NULL, OPT_NO_RESULT },
	{ "name", required_argument, NULL, 'n' },
	{ "no-kernel-touch", no_argument, NULL, OPT_NO_KERNEL_TOUCH },
	{ "verbose", no_argument, NULL, 'v' },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "check-ioctls", no_argument, NULL, OPT_CHECK_IOCTLS },
	{ "fuzz-calls", required_argument, NULL, OPT_FUZZ_CALLS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Returns 0, 1 after --help, or -1 with the complaint printed. */
static int parse_opts(struct opts *o, int argc, char **argv)
{
	bool have_arg = false, have_expect = false, no_result = false;
	const struct mode *m;
	char *end;
	uint64_t n;
	int c, i;

	*o = (struct opts){
		.image = DEFAULT_IMAGE,
		.nr_vcpus = S2OWN_GUEST_NR_VCPUS,
		.mode = S2OWN_GUEST_MODE_FULL,
		.ram_base = S2OWN_GUEST_RAM_BASE,
		.ram_size = S2OWN_GUEST_RAM_SIZE,
		.donate = DONATE_ALL,
		.timeout = DEFAULT_TIMEOUT,
		.kernel_touch = true,
		.fuzz_calls = DEFAULT_FUZZ_CALLS,
	};
	for (i = 0; i < S2OWN_MAX_VCPUS; i++)
		o->pin[i] = -1;

	while ((c = getopt_long(argc, argv, "c:m:s:a:r:b:d:t:p:e:n:vh",
				long_opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (parse_u64(optarg, &n) || !n || n > S2OWN_MAX_VCPUS)
				goto bad;
			o->nr_vcpus = n;
			break;
		case 'm':
			if (parse_mode(o, optarg))
				goto bad;
			break;
		case 's':
			if (parse_u64(optarg, &o->seed) || o->seed >> 56)
				goto bad;
			break;
		case 'a':
			if (parse_u64(optarg, &o->boot_arg))
				goto bad;
			have_arg = true;
			break;
		case 'r':
			if (parse_size(optarg, &o->ram_size) || !o->ram_size ||
			    o->ram_size % PAGE_SIZE || o->ram_size >> 32)
				goto bad;
			break;
		case 'b':
			if (parse_u64(optarg, &o->ram_base) ||
			    o->ram_base % PAGE_SIZE || o->ram_base >> 48)
				goto bad;
			break;
		case 'd':
			for (i = 0; i < (int)ARRAY_SIZE(donate_names); i++)
				if (!strcmp(optarg, donate_names[i]))
					break;
			if (i == (int)ARRAY_SIZE(donate_names))
				goto bad;
			o->donate = i;
			break;
		case 't':
			errno = 0;
			o->timeout = strtod(optarg, &end);
			if (errno || end == optarg || *end || o->timeout < 0 ||
			    o->timeout > 86400)
				goto bad;
			break;
		case 'p':
			if (parse_pin(o, optarg))
				goto bad;
			break;
		case 'e':
			if (parse_expect(o, optarg))
				goto bad;
			have_expect = true;
			break;
		case 'n':
			if (!*optarg || strlen(optarg) > 16)
				goto bad;
			o->name = optarg;
			break;
		case OPT_NO_RESULT:
			no_result = true;
			break;
		case OPT_NO_KERNEL_TOUCH:
			o->kernel_touch = false;
			break;
		case 'v':
			o->verbose = true;
			break;
		case OPT_DRY_RUN:
			o->dry_run = true;
			break;
		case OPT_CHECK_IOCTLS:
			o->check_ioctls = true;
			break;
		case OPT_FUZZ_CALLS:
			if (parse_u64(optarg, &o->fuzz_calls) ||
			    !o->fuzz_calls || o->fuzz_calls > 100000000)
				goto bad;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc - 1) {
		fprintf(stderr, "s2own-vmm: one image at most\n");
		return -1;
	}
	if (optind == argc - 1)
		o->image = argv[optind];
	if (o->ram_base + o->ram_size > 1ULL << 48) {
		fprintf(stderr, "s2own-vmm: RAM beyond the 48-bit IPA space\n");
		return -1;
	}

	if (have_arg) {
		o->mode = -1;
		o->expect_result = false;
		if (!have_expect)
			o->expect = END_OFF | END_RESET | END_STOPPED |
				    END_TIMEOUT;
	} else {
		m = mode_of(o->mode);
		o->boot_arg = S2OWN_GUEST_ARG(o->mode, o->seed);
		o->expect_result = m->result;
		if (!have_expect)
			o->expect = m->ends;
	}
	if (no_result)
		o->expect_result = false;
	if ((o->expect & END_TIMEOUT) && !o->timeout && !o->check_ioctls) {
		fprintf(stderr, "s2own-vmm: the run can only end at a time limit: give one\n");
		return -1;
	}
	return 0;

bad:
	fprintf(stderr, "s2own-vmm: bad value for -%c: '%s'\n", c, optarg);
	return -1;
}

static void ends_str(unsigned int ends, char *buf, size_t size)
{
	size_t len = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(end_names); i++)
		if (ends & (1U << i))
			len += snprintf(buf + len, size - len, "%s%s",
					len ? "," : "", end_names[i]);
	if (!len)
		snprintf(buf, size, "none");
}

static void print_config(const struct vmm *v)
{
	const struct opts *o = &v->o;
	const struct mode *m = mode_of(o->mode);
	char ends[64], pins[64] = "none";
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < o->nr_vcpus && o->pin[0] >= 0; i++)
		len += snprintf(pins + len, sizeof(pins) - len, "%s%d",
				i ? "," : "", o->pin[i]);
	ends_str(o->expect, ends, sizeof(ends));
	if (v->handle > 0)
		say(v, "VM %d", v->handle);
	say(v, "image %s, RAM 0x%" PRIx64 "+0x%" PRIx64 ", %u vCPUs, mode %s, arg 0x%" PRIx64,
	    o->image, o->ram_base, o->ram_size, o->nr_vcpus,
	    m ? m->name : "raw", o->boot_arg);
	say(v, "donate %s up front, timeout %g s, pin %s, expect %s%s",
	    donate_names[o->donate], o->timeout, pins, ends,
	    o->expect_result ? " with a passing result" : "");
	if (o->mode == S2OWN_GUEST_MODE_FUZZ)
		say(v, "fuzz: %" PRIu64 " guest calls", o->fuzz_calls);
}

/* The CPU vCPU @i runs on: the list repeats if it is shorter. */
static void fill_pins(struct opts *o)
{
	unsigned int i, n = 0;

	while (n < S2OWN_MAX_VCPUS && o->pin[n] >= 0)
		n++;
	for (i = n; n && i < S2OWN_MAX_VCPUS; i++)
		o->pin[i] = o->pin[i % n];
}

/* The hypervisor's handle of a VM fd, from its fdinfo; -1 if none. */
static int fd_handle(int fd)
{
	char path[64], line[128];
	int handle = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "s2own-vm: %d", &handle) == 1)
			break;
	fclose(f);
	return handle;
}

static int create_vm(struct vmm *v)
{
	struct s2own_vm_params p = {
		.ram_gfn = v->o.ram_base >> PAGE_SHIFT,
		.ram_nr = v->ram_pages,
		.entry = v->o.ram_base,
		.boot_arg = v->o.boot_arg,
	};
	unsigned int i;
	int fd;

	v->dev_fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	if (v->dev_fd < 0) {
		vmm_error(v, "%s: %s", DEV_PATH, strerror(errno));
		return -1;
	}
	v->vm_fd = ioctl(v->dev_fd, S2OWN_CREATE_VM, &p);
	if (v->vm_fd < 0) {
		vmm_error(v, "CREATE_VM: %s", strerror(errno));
		return -1;
	}
	v->handle = fd_handle(v->vm_fd);
	if (!v->o.name)
		snprintf(v->name, sizeof(v->name), "vm%d", v->handle);
	for (i = 0; i < v->o.nr_vcpus; i++) {
		fd = ioctl(v->vm_fd, S2OWN_CREATE_VCPU);
		if (fd < 0) {
			vmm_error(v, "CREATE_VCPU %u: %s", i, strerror(errno));
			return -1;
		}
		v->vcpus[i].fd = fd;
	}
	return 0;
}

/* Destroy, reclaim, check that the guest's memory reads zero. */
static void tear_down(struct vmm *v, uint64_t *reclaimed, uint64_t *zero,
		      uint64_t *checked)
{
	struct s2own_reclaim r = { 0 };
	uint64_t want;

	/* Mode SHARE left a page shared: the host still reads it. */
	if (v->o.mode == S2OWN_GUEST_MODE_SHARE && v->have_result &&
	    !share_left_read(v))
		vmm_error(v, "the page the guest left shared does not read its pattern");
	if (ioctl(v->vm_fd, S2OWN_DESTROY_VM))
		vmm_error(v, "DESTROY_VM: %s", strerror(errno));
	if (ioctl(v->vm_fd, S2OWN_RECLAIM, &r))
		vmm_error(v, "RECLAIM: %s", strerror(errno));
	*reclaimed = r.pages;
	want = mem_pages_donated(v) + v->o.nr_vcpus;
	if (r.pages != want) {
		/* Then some are the guest's still: reading them is a SIGBUS. */
		vmm_error(v, "reclaimed %" PRIu64 " pages, gave %" PRIu64 " (%u of them vCPU pages)",
			  (uint64_t)r.pages, want, v->o.nr_vcpus);
		return;
	}
	mem_check_after_reclaim(v, zero, checked);
}

static unsigned long get(atomic_ulong *a)
{
	return atomic_load(a);
}

static void summary(struct vmm *v, uint64_t reclaimed, uint64_t zero,
		    uint64_t checked)
{
	struct counts *c = &v->c;
	unsigned int r, ending = atomic_load(&v->ending);
	char ends[64];

	for (r = 1; r <= ARRAY_SIZE(c->exits); r++)
		say(v, "stat exit_%s %lu", exit_name(r % ARRAY_SIZE(c->exits)),
		    r % ARRAY_SIZE(c->exits) == S2OWN_EXIT_IRQ ?
			    get(&c->irq_exits) :
			    get(&c->exits[r % ARRAY_SIZE(c->exits)]));
#define STAT(name) say(v, "stat " #name " %lu", get(&c->name))
	STAT(runs);
	STAT(interrupted);
	STAT(pages_up_front);
	STAT(donations_up_front);
	STAT(demand_donations);
	STAT(faults_on_donated);
	say(v, "stat pages_reclaimed %" PRIu64, reclaimed);
	say(v, "stat vcpu_pages %u", v->o.nr_vcpus);
	say(v, "stat pages_zero %" PRIu64 "/%" PRIu64, zero, checked);
	STAT(checkpoints);
	STAT(host_tries);
	STAT(host_refused);
	STAT(user_reads_refused);
	STAT(user_writes_refused);
	STAT(kernel_reads_refused);
	STAT(reclaims_refused);
	STAT(redonates_refused);
	STAT(queries);
	STAT(pages_relinquished);
	STAT(pages_reclaimed_live);
	STAT(pages_zero_live);
	STAT(mmio_reads);
	STAT(mmio_writes);
	STAT(console_lines);
	STAT(unknown_hvcs);
	STAT(errors);
	if (v->o.mode == S2OWN_GUEST_MODE_SHARE) {
		STAT(ring_messages);
		STAT(ring_queries_shared);
		STAT(left_shared_read);
	}
	if (v->o.mode == S2OWN_GUEST_MODE_FUZZ) {
		STAT(fuzz_checks);
		STAT(fuzz_pages_checked);
		STAT(fuzz_mismatches);
		STAT(churn_donations);
		STAT(churn_reclaims);
		STAT(churn_reclaims_refused);
		if (v->fuzz.have)
			say(v, "stat fuzz_guest calls %" PRIu64 " ok %" PRIu64 " not_supported %" PRIu64 " invalid %" PRIu64 " unexpected %" PRIu64,
			    v->fuzz.calls, v->fuzz.ok, v->fuzz.not_supported,
			    v->fuzz.invalid, v->fuzz.unexpected);
		else
			say(v, "stat fuzz_guest none");
	}
#undef STAT
	if (v->have_result)
		say(v, "stat result %s code %" PRIu64 " checksum 0x%" PRIx64 " detail 0x%" PRIx64,
		    v->result_code ? "FAIL" : "PASS", v->result_code,
		    v->result_sum, v->result_detail);
	else
		say(v, "stat result none");
	if (v->o.mode == S2OWN_GUEST_MODE_FULL)
		say(v, "stat checksum_expected 0x%" PRIx64 " at_checkpoint 0x%" PRIx64,
		    mem_full_checksum(v), v->checkpoint_sum);
	ends_str(ending, ends, sizeof(ends));
	say(v, "stat ending %s", ends);
	say(v, "stat start %.3f end %.3f seconds %.3f", v->start, v->end,
	    v->end - v->start);
}

/* The verdict: NULL if everything is as the mode calls for. */
static const char *verdict(struct vmm *v)
{
	unsigned int ending = atomic_load(&v->ending);

	if (get(&v->c.errors))
		return "errors";
	if (!ending)
		return "the run ended without a reason";
	if (ending & ~v->o.expect)
		return "the run ended in a way the mode does not call for";
	if (v->o.expect_result && !v->have_result)
		return "no result from the guest";
	if (v->o.expect_result && v->result_code)
		return "the guest reported a failure";
	if (v->o.mode == S2OWN_GUEST_MODE_FULL && v->have_result &&
	    v->result_sum != mem_full_checksum(v))
		return "the guest's checksum is not the image's and its secret's";
	if (v->o.mode == S2OWN_GUEST_MODE_FULL && v->have_result &&
	    v->checkpoint_sum != v->result_sum)
		return "the guest's checksum changed after the checkpoint";
	if (get(&v->c.host_refused) != get(&v->c.host_tries))
		return "a host access to guest memory was not refused";
	if (v->o.mode == S2OWN_GUEST_MODE_FUZZ &&
	    (!v->fuzz.have || v->fuzz.unexpected ||
	     v->fuzz.calls != v->o.fuzz_calls))
		return "the fuzzing guest's report is missing or not clean";
	return NULL;
}

static int run_guest(struct vmm *v)
{
	uint64_t reclaimed = 0, zero = 0, checked = 0;
	const char *why;

	if (mem_setup(v) || create_vm(v)) {
		say(v, "FAIL (set-up)");
		return 1;
	}
	print_config(v);
	if (!mem_donate_up_front(v)) {
		v->start = now();
		vcpus_run(v);
		v->end = now();
	}
	tear_down(v, &reclaimed, &zero, &checked);
	summary(v, reclaimed, zero, checked);
	why = verdict(v);
	if (why) {
		say(v, "FAIL (%s)", why);
		return 1;
	}
	say(v, "PASS");
	return 0;
}

int main(int argc, char **argv)
{
	static struct vmm vmm;
	struct vmm *v = &vmm;
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = parse_opts(&v->o, argc, argv);
	if (ret)
		return ret > 0 ? 0 : 2;
	fill_pins(&v->o);
	snprintf(v->name, sizeof(v->name), "%s", v->o.name ?: "vmm");
	v->dev_fd = v->vm_fd = v->pagemap_fd = -1;
	pthread_mutex_init(&v->mem_lock, NULL);
	pthread_mutex_init(&v->result_lock, NULL);
	pthread_mutex_init(&v->touch_lock, NULL);
	if (v->o.dry_run) {
		print_config(v);
		return 0;
	}
	if (probe_setup(v))
		return 1;
	if (v->o.check_ioctls)
		return check_ioctls(v) ? 1 : 0;
	return run_guest(v);
}
