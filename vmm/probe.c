// SPDX-License-Identifier: GPL-2.0-only
/*
 * The checkpoint (S2OWN_VMM_CHECKPOINT): while the guest waits in its HVC,
 * the host tries to read and to write every page of the given range that
 * was donated, through the VMM's own mapping of it, and has the kernel
 * try to read it through the linear map (debugfs's `touch`, with the pfn
 * from /proc/self/pagemap). The stage-2 must refuse each try: the VMM gets
 * a SIGBUS (caught, and the try counted as refused), the kernel a fault
 * that its exception fixup turns into "fault". A try that goes through is
 * an error: the write would also change the guest's checksum, which the
 * guest checks after the checkpoint.
 *
 * The guest's answer: x1 = tries, x2 = tries refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vmm.h"

#define TOUCH_PATH		DEBUGFS_DIR "/touch"
#define HOST_WRITE		0x484f535457524954ULL	/* "HOSTWRIT" */
#define PAGEMAP_PRESENT		(1ULL << 63)
#define PAGEMAP_PFN		((1ULL << 55) - 1)

/* Where a probe of this thread's returns to when its access faults. */
static __thread sigjmp_buf *probe_env;

static void sigbus(int sig, siginfo_t *si, void *ctx)
{
	if (probe_env)
		siglongjmp(*probe_env, 1);
	/* Not a probe: the VMM touched guest memory by mistake. */
	signal(SIGBUS, SIG_DFL);
	raise(SIGBUS);
}

/*
 * Read *@p (into *@val), or write HOST_WRITE there; returns true if the
 * access faulted.
 */
static bool access_refused(volatile uint64_t *p, bool write, uint64_t *val)
{
	sigjmp_buf env;

	if (sigsetjmp(env, 1)) {
		probe_env = NULL;
		return true;
	}
	probe_env = &env;
	if (write)
		*p = HOST_WRITE;
	else
		*val = *p;
	probe_env = NULL;
	return false;
}

/**
 * probe_setup() - catch SIGBUS for the probes; open the pagemap if the
 * kernel is to try too.
 * @v: the VMM
 *
 * Return: 0, or -1 with the error said.
 */
int probe_setup(struct vmm *v)
{
	struct sigaction sa = { .sa_sigaction = sigbus,
				.sa_flags = SA_SIGINFO | SA_NODEFER };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL)) {
		vmm_error(v, "sigaction: %s", strerror(errno));
		return -1;
	}
	if (!v->o.kernel_touch || v->o.dry_run)
		return 0;
	if (access(TOUCH_PATH, W_OK)) {
		say(v, "no %s: only the VMM tries guest pages", TOUCH_PATH);
		v->o.kernel_touch = false;
		return 0;
	}
	v->pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (v->pagemap_fd < 0) {
		say(v, "no pagemap (%s): only the VMM tries guest pages",
		    strerror(errno));
		v->o.kernel_touch = false;
	}
	return 0;
}

/* The pfn behind an address of the VMM (0 if not present or hidden). */
static uint64_t pfn_of(struct vmm *v, const void *addr)
{
	uint64_t ent = 0;
	off_t off = (uintptr_t)addr / PAGE_SIZE * sizeof(ent);

	if (pread(v->pagemap_fd, &ent, sizeof(ent), off) != sizeof(ent) ||
	    !(ent & PAGEMAP_PRESENT))
		return 0;
	return ent & PAGEMAP_PFN;
}

/* Write a line to a debugfs file and read its answer back. */
static int debugfs_ask(const char *path, const char *line, char *answer,
		       size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, line, strlen(line));
	close(fd);
	if (n != (ssize_t)strlen(line))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, answer, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	answer[n] = '\0';
	return 0;
}

/*
 * Have the kernel read the page at @addr. Returns 1 refused, 0 read, -1
 * could not try. The answer is one for everybody: it must name our pfn
 * ("fault pages 1 faults 1 first 0xPFN"), or another writer came between.
 */
static int kernel_read(struct vmm *v, const void *addr, uint64_t *pfn)
{
	char line[64], answer[160], want[64];
	int tries, ret = -1;

	*pfn = pfn_of(v, addr);
	if (!*pfn)
		return -1;
	snprintf(line, sizeof(line), "0x%" PRIx64 " 1\n", *pfn);
	snprintf(want, sizeof(want), " first 0x%" PRIx64 " ", *pfn);
	pthread_mutex_lock(&v->touch_lock);
	for (tries = 0; tries < 3 && ret < 0; tries++) {
		if (debugfs_ask(TOUCH_PATH, line, answer, sizeof(answer)))
			break;
		if (!strncmp(answer, "fault ", 6) && strstr(answer, want))
			ret = 1;
		else if (!strncmp(answer, "ok ", 3) && tries == 2)
			ret = 0;
	}
	pthread_mutex_unlock(&v->touch_lock);
	return ret;
}

/*
 * Count one try at a guest page: refused (as it must be) or an error.
 * @first: say so, for the first page of the first checkpoint.
 */
static void tally(struct vmm *v, bool was_refused, atomic_ulong *counter,
		  unsigned int *refused, bool first, const char *what,
		  uint64_t ipa, const char *how)
{
	if (!was_refused) {
		vmm_error(v, "%s guest page 0x%" PRIx64 " went through", what,
			  ipa);
		return;
	}
	(*refused)++;
	atomic_fetch_add(counter, 1);
	if (first)
		say(v, "%s guest page 0x%" PRIx64 ": %s, refused", what, ipa,
		    how);
}

/* Try one donated page every way; returns the tries, counts refusals. */
static unsigned int probe_page(struct vmm *v, uint64_t page, bool first,
			       unsigned int *refused)
{
	volatile uint64_t *p = (volatile uint64_t *)(v->mem + page * PAGE_SIZE);
	uint64_t ipa = v->o.ram_base + page * PAGE_SIZE, val = 0, pfn;
	char how[64];
	int k;

	tally(v, access_refused(p, false, &val), &v->c.user_reads_refused,
	      refused, first, "the VMM reading", ipa, "SIGBUS");
	tally(v, access_refused(p, true, &val), &v->c.user_writes_refused,
	      refused, first, "the VMM writing", ipa, "SIGBUS");
	if (!v->o.kernel_touch)
		return 2;
	k = kernel_read(v, (const void *)p, &pfn);
	if (k < 0)
		return 2;
	snprintf(how, sizeof(how), "pfn 0x%" PRIx64 " faults in its linear map",
		 pfn);
	tally(v, k, &v->c.kernel_reads_refused, refused, first,
	      "the kernel reading", ipa, how);
	return 3;
}

/**
 * probe_checkpoint() - try every donated page of [@ipa, @ipa + @bytes)
 * (all of RAM if @bytes is 0).
 * @v: the VMM
 * @ipa: the first guest address
 * @bytes: how many
 * @tries: set to the tries
 * @refused: set to those refused
 */
void probe_checkpoint(struct vmm *v, uint64_t ipa, uint64_t bytes,
		      uint64_t *tries, uint64_t *refused)
{
	uint64_t first = 0, end = v->ram_pages, page, pages = 0;
	unsigned int t = 0, r = 0;
	bool say_first = !atomic_fetch_add(&v->c.checkpoints, 1);

	if (bytes) {
		uint64_t base = v->o.ram_base, top = base + v->o.ram_size;
		uint64_t lo = ipa > base ? ipa : base;
		uint64_t hi = ipa + bytes < ipa ? UINT64_MAX : ipa + bytes;

		hi = hi < top ? hi : top;
		first = lo < hi ? (lo - base) / PAGE_SIZE : 0;
		end = lo < hi ? (hi - base + PAGE_SIZE - 1) / PAGE_SIZE : 0;
	}
	for (page = first; page < end; page++) {
		if (!mem_donated(v, page))
			continue;
		t += probe_page(v, page, say_first && !pages, &r);
		pages++;
	}
	atomic_fetch_add(&v->c.host_tries, t);
	atomic_fetch_add(&v->c.host_refused, r);
	say(v, "checkpoint: %" PRIu64 " donated pages tried, %u tries, %u refused",
	    pages, t, r);
	*tries = t;
	*refused = r;
}
