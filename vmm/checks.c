// SPDX-License-Identifier: GPL-2.0-only
/*
 * --check-ioctls: what /dev/s2own answers to bad input, and to good input
 * at the wrong time. One line per check, "PASS <name>" or "FAIL <name>
 * (<seen>)", for the test step to count (vmm/initramfs/).
 *
 * The guest is two instructions' worth: a branch to itself at the entry,
 * so a running vCPU spins until a signal interrupts its RUN.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "vmm.h"

#define RAM_PAGES	16
#define BRANCH_TO_SELF	0x14000000U	/* b . */

static unsigned int passed, failed;

static void check(const char *name, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void check(const char *name, bool ok, const char *fmt, ...)
{
	char seen[160];
	va_list ap;

	if (ok) {
		printf("PASS %s\n", name);
		passed++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(seen, sizeof(seen), fmt, ap);
	va_end(ap);
	printf("FAIL %s (%s)\n", name, seen);
	failed++;
}

/* An ioctl that must fail with @want. */
static void expect_err(const char *name, int ret, int want)
{
	int err = errno;

	check(name, ret == -1 && err == want, "returned %d, %s", ret,
	      ret == -1 ? strerror(err) : "no error");
}

/* An ioctl that must succeed; returns what it returned. */
static int expect_ok(const char *name, int ret)
{
	int err = errno;

	check(name, ret >= 0, "%s", strerror(err));
	return ret;
}

/* debugfs's vm file: how many pages it lists as donated to @handle. */
static long donated_pages(int handle)
{
	char line[256];
	long pages = -1;
	int h;
	FILE *f = fopen(DEBUGFS_DIR "/vm", "r");

	if (!f)
		return -2;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "vm %d live donated %ld", &h, &pages) == 2 &&
		    h == handle)
			break;
		else
			pages = -1;
	fclose(f);
	return pages;
}

static bool listed(int handle)
{
	char line[256];
	bool found = false;
	int h;
	FILE *f = fopen(DEBUGFS_DIR "/vm", "r");

	while (f && fgets(line, sizeof(line), f))
		found |= sscanf(line, "vm %d ", &h) == 1 && h == handle;
	if (f)
		fclose(f);
	return found;
}

static int fdinfo(int fd, const char *key)
{
	char path[64], line[128], fmt[64];
	int val = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	snprintf(fmt, sizeof(fmt), "%s: %%d", key);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, fmt, &val) == 1)
			break;
	if (f)
		fclose(f);
	return val;
}

/* DONATE; *@done (if given) gets the pages it says stay donated. */
static int donate_out(int vm, void *addr, uint64_t gfn, uint64_t nr,
		      uint64_t *done)
{
	struct s2own_donation d = { .uaddr = (uintptr_t)addr, .gfn = gfn,
				    .nr = nr, .donated = ~0ULL };
	int ret = ioctl(vm, S2OWN_DONATE, &d);

	if (done)
		*done = d.donated;
	return ret;
}

static int donate(int vm, void *addr, uint64_t gfn, uint64_t nr)
{
	return donate_out(vm, addr, gfn, nr, NULL);
}

/* RECLAIM of [gfn, gfn + nr); *@pages gets the pages it gave back. */
static int reclaim(int vm, uint64_t gfn, uint64_t nr, uint64_t *pages)
{
	struct s2own_reclaim r = { .gfn = gfn, .nr = nr, .pages = ~0ULL };
	int ret = ioctl(vm, S2OWN_RECLAIM, &r);

	*pages = r.pages;
	return ret;
}

static int create_vm(int dev, uint64_t gfn, uint64_t nr, uint64_t entry)
{
	struct s2own_vm_params p = { .ram_gfn = gfn, .ram_nr = nr,
				     .entry = entry };

	return ioctl(dev, S2OWN_CREATE_VM, &p);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

struct runner {
	pthread_t thread;
	int fd;
	int ret;
	int err;
	struct s2own_run run;
	atomic_bool done;
};

static void *run_thread(void *arg)
{
	struct runner *r = arg;

	r->ret = ioctl(r->fd, S2OWN_RUN, &r->run);
	r->err = errno;
	atomic_store(&r->done, true);
	return NULL;
}

/* Wait up to @ms for @r to be done, kicking it with SIGUSR1 if @kick. */
static bool wait_done(struct runner *r, unsigned int ms, bool kick)
{
	struct timespec ts = { .tv_nsec = 10 * 1000 * 1000 };

	for (; ms && !atomic_load(&r->done); ms -= ms < 10 ? ms : 10) {
		if (kick)
			pthread_kill(r->thread, SIGUSR1);
		nanosleep(&ts, NULL);
	}
	return atomic_load(&r->done);
}

/* Bad arguments to CREATE_VM, and ioctls on the wrong files. */
static void check_files(int dev, uint64_t gfn)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	struct s2own_vm_params p = { 0 };

	expect_err("CREATE_VM with a bad pointer: EFAULT",
		   ioctl(dev, S2OWN_CREATE_VM, NULL), EFAULT);
	expect_err("an unknown ioctl on the device: ENOTTY",
		   ioctl(dev, _IO(S2OWN_IOCTL, 0x7f)), ENOTTY);
	expect_err("DONATE on the device: ENOTTY",
		   ioctl(dev, S2OWN_DONATE, &p), ENOTTY);
	expect_err("CREATE_VM on another file: ENOTTY",
		   ioctl(null, S2OWN_CREATE_VM, &p), ENOTTY);
	close(null);
	expect_err("CREATE_VM with the entry outside RAM: EINVAL",
		   create_vm(dev, gfn, RAM_PAGES,
			     (gfn + RAM_PAGES) << PAGE_SHIFT), EINVAL);
	expect_err("CREATE_VM with RAM past the IPA space: EINVAL",
		   create_vm(dev, (1ULL << 36) - 1, RAM_PAGES,
			     ((1ULL << 36) - 1) << PAGE_SHIFT), EINVAL);
	expect_err("CREATE_VM with a RAM range that wraps: EINVAL",
		   create_vm(dev, UINT64_MAX - 1, RAM_PAGES, 0), EINVAL);
}

/* Bad donations; then good ones. mem: RAM_PAGES pages of the VMM. */
static void check_donations(int vm, int handle, uint8_t *mem, uint64_t gfn)
{
	uint8_t *ro, *shared, *hole;
	uint64_t done;
	long pages;

	expect_err("DONATE with a bad pointer: EFAULT",
		   ioctl(vm, S2OWN_DONATE, NULL), EFAULT);
	expect_err("DONATE of 0 pages: EINVAL", donate(vm, mem, gfn, 0),
		   EINVAL);
	expect_err("DONATE of a misaligned address: EINVAL",
		   donate(vm, mem + 8, gfn, 1), EINVAL);
	expect_err("DONATE of more pages than a call takes: EINVAL",
		   donate(vm, mem, gfn, (1 << 18) + 1), EINVAL);
	expect_err("DONATE to a gfn range that wraps: EINVAL",
		   donate(vm, mem, UINT64_MAX, 2), EINVAL);
	expect_err("DONATE outside the VM's RAM: EINVAL",
		   donate(vm, mem, gfn + RAM_PAGES, 1), EINVAL);

	hole = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(hole + PAGE_SIZE, PAGE_SIZE);
	hole[0] = 1;
	expect_err("DONATE of unmapped memory: EFAULT",
		   donate(vm, hole, gfn, 2), EFAULT);
	munmap(hole, PAGE_SIZE);
	ro = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		  0);
	expect_err("DONATE of read-only memory: EFAULT",
		   donate(vm, ro, gfn, 1), EFAULT);
	munmap(ro, PAGE_SIZE);
	shared = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	shared[0] = 1;
	expect_err("DONATE of shared memory: EINVAL",
		   donate(vm, shared, gfn, 1), EINVAL);
	munmap(shared, PAGE_SIZE);

	expect_ok("DONATE of the entry page",
		  donate_out(vm, mem, gfn, 1, &done));
	check("DONATE says the page is donated", done == 1,
	      "donated %" PRIu64, done);
	expect_err("DONATE of a donated page: EPERM",
		   donate(vm, mem, gfn + 1, 1), EPERM);
	expect_err("DONATE to a gfn in use: EBUSY",
		   donate(vm, mem + PAGE_SIZE, gfn, 1), EBUSY);
	expect_ok("DONATE of page 5", donate(vm, mem + 5 * PAGE_SIZE, gfn + 5,
					     1));
	/* 3..6 includes page 5: refused before any of it goes. */
	expect_err("DONATE of pages 3..6, 5 donated already: EPERM",
		   donate_out(vm, mem + 3 * PAGE_SIZE, gfn + 3, 4, &done),
		   EPERM);
	check("a refused DONATE says nothing was donated", done == 0,
	      "donated %" PRIu64, done);
	/* 6..7 at gfns 4..5: gfn 5 holds page 5. */
	expect_err("DONATE of pages 6..7 onto gfns 4..5, 5 in use: EBUSY",
		   donate(vm, mem + 6 * PAGE_SIZE, gfn + 4, 2), EBUSY);
	pages = donated_pages(handle);
	check("failed DONATEs leave nothing donated", pages == 2,
	      "vm %d lists %ld pages donated, want 2", handle, pages);
	expect_ok("DONATE of pages 3..4 after that",
		  donate(vm, mem + 3 * PAGE_SIZE, gfn + 3, 2));
}

/*
 * RECLAIM of a range of a live VM: only pages the guest gave up come
 * back, and this one gave up none. Bad ranges first.
 */
static void check_live_reclaim(int vm, int handle, uint8_t *mem,
			       uint64_t gfn)
{
	long before = donated_pages(handle);
	uint64_t pages, val;

	expect_err("RECLAIM of a gfn with nr 0: EINVAL",
		   reclaim(vm, gfn, 0, &pages), EINVAL);
	expect_err("RECLAIM of a range that wraps: EINVAL",
		   reclaim(vm, UINT64_MAX, 2, &pages), EINVAL);
	expect_err("RECLAIM outside the VM's RAM: EINVAL",
		   reclaim(vm, gfn + RAM_PAGES, 1, &pages), EINVAL);
	expect_err("RECLAIM of the live guest's page: EBUSY",
		   reclaim(vm, gfn, 1, &pages), EBUSY);
	check("a refused RECLAIM gives back nothing", pages == 0,
	      "%" PRIu64 " pages", pages);
	expect_err("RECLAIM of a range with a page of the guest's in it: EBUSY",
		   reclaim(vm, gfn + 4, 4, &pages), EBUSY);
	expect_ok("RECLAIM of a range with no page", reclaim(vm, gfn + 10, 2,
							      &pages));
	check("RECLAIM of a range with no page gives back nothing",
	      pages == 0, "%" PRIu64 " pages", pages);
	check("the live guest's pages stay donated",
	      donated_pages(handle) == before, "vm %d lists %ld, had %ld",
	      handle, donated_pages(handle), before);
	check("its entry page still faults for the VMM",
	      probe_refused((volatile uint64_t *)mem, false, &val),
	      "read 0x%" PRIx64, val);
}

/* Two RUNs of one vCPU, DESTROY and RECLAIM while it runs, signals. */
static void check_running(int vm, int vcpu)
{
	struct runner r[2] = { { .fd = vcpu }, { .fd = vcpu } };
	struct runner *busy = NULL, *other = NULL;
	struct s2own_reclaim rec = { 0 };
	int i;

	for (i = 0; i < 2; i++)
		pthread_create(&r[i].thread, NULL, run_thread, &r[i]);
	for (i = 0; i < 200 && !busy; i++) {
		wait_done(&r[i % 2], 10, false);
		if (atomic_load(&r[i % 2].done)) {
			busy = &r[i % 2];
			other = &r[1 - i % 2];
		}
	}
	check("a second RUN of a running vCPU: EBUSY",
	      busy && busy->ret == -1 && busy->err == EBUSY,
	      "%s", busy ? strerror(busy->err) : "neither RUN returned");
	if (other && !atomic_load(&other->done)) {
		expect_err("DESTROY_VM while a vCPU runs: EBUSY",
			   ioctl(vm, S2OWN_DESTROY_VM), EBUSY);
		expect_err("RECLAIM of a live VM: EBUSY",
			   ioctl(vm, S2OWN_RECLAIM, &rec), EBUSY);
	}
	if (other) {
		wait_done(other, 5000, true);
		check("a signal interrupts a spinning guest's RUN: EINTR",
		      other->ret == -1 && other->err == EINTR, "returned %d, %s",
		      other->ret, strerror(other->err));
		check("the driver served host interrupts while it spun",
		      other->run.irq_exits > 0, "irq_exits %" PRIu64,
		      (uint64_t)other->run.irq_exits);
	}
	for (i = 0; i < 2; i++) {
		wait_done(&r[i], 5000, true);
		pthread_join(r[i].thread, NULL);
	}
}

/* Closing: the VM lives while a vCPU fd does, and goes with the last. */
static void check_close(int dev, uint8_t *mem, uint64_t gfn)
{
	int vm, vcpu, handle;

	memset(mem, 0x5a, 2 * PAGE_SIZE);
	vm = create_vm(dev, gfn, RAM_PAGES, gfn << PAGE_SHIFT);
	handle = fdinfo(vm, "s2own-vm");
	donate(vm, mem, gfn, 2);
	vcpu = ioctl(vm, S2OWN_CREATE_VCPU);
	if (vm < 0 || vcpu < 0) {
		check("closing the fds destroys the VM", false,
		      "set-up: %s", strerror(errno));
		return;
	}
	close(vm);
	check("the VM lives while a vCPU fd is open", listed(handle),
	      "vm %d not listed", handle);
	close(vcpu);
	check("closing the last fd destroys the VM and reclaims its pages",
	      !listed(handle), "vm %d still listed", handle);
	check("the pages read zero after the close",
	      all_zero(mem, 2 * PAGE_SIZE), "first word 0x%" PRIx64,
	      *(uint64_t *)mem);
}

/**
 * check_ioctls() - run every check.
 * @v: the VMM (its options; no guest of its own)
 *
 * Return: 0 if every check passed.
 */
int check_ioctls(struct vmm *v)
{
	uint64_t gfn = v->o.ram_base >> PAGE_SHIFT;
	int dev, vm, vcpu, handle, n, extra[S2OWN_MAX_VCPUS];
	struct s2own_reclaim rec = { 0 };
	struct s2own_run run = { 0 };
	uint64_t pages;
	uint8_t *mem;

	dev = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		check("open " DEV_PATH, false, "%s", strerror(errno));
		goto out;
	}
	vcpus_kick_setup();
	mem = mmap(NULL, RAM_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(mem, 0x5a, RAM_PAGES * PAGE_SIZE);
	*(uint32_t *)mem = BRANCH_TO_SELF;
	__builtin___clear_cache((char *)mem, (char *)mem + 4);

	check_files(dev, gfn);
	vm = expect_ok("CREATE_VM", create_vm(dev, gfn, RAM_PAGES,
					     gfn << PAGE_SHIFT));
	if (vm < 0)
		goto out;
	handle = fdinfo(vm, "s2own-vm");
	check("the VM fd's fdinfo names its handle",
	      handle > 0 && handle <= S2OWN_MAX_VMS, "s2own-vm: %d", handle);
	expect_err("RUN on a VM fd: ENOTTY", ioctl(vm, S2OWN_RUN, &run),
		   ENOTTY);
	check_donations(vm, handle, mem, gfn);
	check_live_reclaim(vm, handle, mem, gfn);

	vcpu = expect_ok("CREATE_VCPU", ioctl(vm, S2OWN_CREATE_VCPU));
	check("the vCPU fd's fdinfo names vCPU 0", fdinfo(vcpu, "s2own-vcpu") == 0,
	      "s2own-vcpu: %d", fdinfo(vcpu, "s2own-vcpu"));
	for (n = 1; n <= S2OWN_MAX_VCPUS; n++) {
		extra[n - 1] = ioctl(vm, S2OWN_CREATE_VCPU);
		if (extra[n - 1] < 0)
			break;
	}
	check("CREATE_VCPU past the most vCPUs: EBUSY",
	      n == S2OWN_MAX_VCPUS && errno == EBUSY, "%d vCPUs, then %s", n,
	      strerror(errno));
	expect_err("DONATE on a vCPU fd: ENOTTY",
		   ioctl(vcpu, S2OWN_DONATE, NULL), ENOTTY);
	expect_err("RUN with a bad pointer: EFAULT",
		   ioctl(vcpu, S2OWN_RUN, NULL), EFAULT);
	check_running(vm, vcpu);

	expect_ok("DESTROY_VM", ioctl(vm, S2OWN_DESTROY_VM));
	expect_err("DESTROY_VM again: ENOENT", ioctl(vm, S2OWN_DESTROY_VM),
		   ENOENT);
	expect_err("RUN on a destroyed VM: ENOENT",
		   ioctl(vcpu, S2OWN_RUN, &run), ENOENT);
	expect_err("DONATE to a destroyed VM: ENOENT",
		   donate(vm, mem + 8 * PAGE_SIZE, gfn + 8, 1), ENOENT);
	expect_err("CREATE_VCPU on a destroyed VM: ENOENT",
		   ioctl(vm, S2OWN_CREATE_VCPU), ENOENT);
	expect_ok("RECLAIM of page 5 of the destroyed VM",
		  reclaim(vm, gfn + 5, 1, &pages));
	check("it gives back that page", pages == 1, "%" PRIu64 " pages",
	      pages);
	expect_ok("RECLAIM", ioctl(vm, S2OWN_RECLAIM, &rec));
	check("RECLAIM gives back the 3 other pages and 8 vCPU pages",
	      rec.pages == 11, "%" PRIu64 " pages", (uint64_t)rec.pages);
	check("the reclaimed pages read zero",
	      all_zero(mem, PAGE_SIZE) &&
		      all_zero(mem + 3 * PAGE_SIZE, 3 * PAGE_SIZE),
	      "first words 0x%" PRIx64 " 0x%" PRIx64, *(uint64_t *)mem,
	      *(uint64_t *)(mem + 3 * PAGE_SIZE));
	check("the pages never donated keep their bytes",
	      mem[PAGE_SIZE] == 0x5a && mem[7 * PAGE_SIZE] == 0x5a,
	      "0x%02x 0x%02x", mem[PAGE_SIZE], mem[7 * PAGE_SIZE]);
	expect_ok("RECLAIM again", ioctl(vm, S2OWN_RECLAIM, &rec));
	check("RECLAIM again gives back nothing", rec.pages == 0,
	      "%" PRIu64 " pages", (uint64_t)rec.pages);
	check("the VM is gone from the driver's books", !listed(handle),
	      "vm %d listed", handle);
	while (--n > 0)
		close(extra[n - 1]);
	close(vcpu);
	close(vm);
	check_close(dev, mem, gfn);
	close(dev);
out:
	printf("s2own-vmm: checks: %u passed, %u failed\n", passed, failed);
	return failed ? -1 : 0;
}
