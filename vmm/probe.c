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
 * guest checks after the checkpoint. Then the two ways a host might try
 * to take the page from a live guest: RECLAIM it, DONATE another page at
 * its gfn; the driver must refuse both (EBUSY). And the hypervisor must
 * say the page is the guest's alone (debugfs's `query`).
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
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmm.h"

#define TOUCH_PATH		DEBUGFS_DIR "/touch"
#define QUERY_PATH		DEBUGFS_DIR "/query"
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

/**
 * probe_refused() - read *@p (into *@val), or write *@val there, and
 * survive the SIGBUS if the stage-2 refuses it.
 * @p: a word of guest memory, in the VMM's mapping
 * @write: write rather than read
 * @val: where a read goes, what a write writes
 *
 * Return: true if the access faulted.
 */
bool probe_refused(volatile uint64_t *p, bool write, uint64_t *val)
{
	sigjmp_buf env;

	if (sigsetjmp(env, 1)) {
		probe_env = NULL;
		return true;
	}
	probe_env = &env;
	if (write)
		*p = *val;
	else
		*val = *p;
	probe_env = NULL;
	return false;
}

/**
 * probe_setup() - catch SIGBUS for the probes; open the pagemap, for the
 * kernel's tries and the hypervisor's view of guest pages.
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
	if (v->o.dry_run)
		return 0;
	/* The kernel's reads and the queries need both. */
	if (access(TOUCH_PATH, W_OK) || access(QUERY_PATH, W_OK)) {
		say(v, "no %s: only the VMM tries guest pages", DEBUGFS_DIR);
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

/**
 * probe_debugfs() - write a line to a file of the driver's debugfs and
 * read its answer, which is one for everybody: the VMM's threads take
 * turns.
 * @v: the VMM
 * @file: the file's name (hvc, query, touch)
 * @line: what to write
 * @answer: the answer
 * @size: its room
 *
 * Return: 0, or -1 if the file is not there or refused the line.
 */
int probe_debugfs(struct vmm *v, const char *file, const char *line,
		  char *answer, size_t size)
{
	char path[96];
	int ret;

	snprintf(path, sizeof(path), DEBUGFS_DIR "/%s", file);
	pthread_mutex_lock(&v->touch_lock);
	ret = debugfs_ask(path, line, answer, size);
	pthread_mutex_unlock(&v->touch_lock);
	return ret;
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

/**
 * probe_page_is() - whether the hypervisor says guest page @page is this
 * VM's and in @state (debugfs's `query`: e.g. "guest=owned").
 * @v: the VMM
 * @page: its index in RAM
 * @state: words the answer must hold
 *
 * Return: true, also when there is no way to ask (no debugfs or pagemap:
 * nothing is counted then); false with the answer said.
 */
bool probe_page_is(struct vmm *v, uint64_t page, const char *state)
{
	char line[64], answer[192], vm[32], want[48];
	unsigned int tries;
	uint64_t pfn;

	if (v->pagemap_fd < 0)
		return true;
	pfn = pfn_of(v, (const void *)page_ptr(v, page));
	if (!pfn)
		return true;
	snprintf(line, sizeof(line), "0x%" PRIx64 "\n", pfn);
	snprintf(want, sizeof(want), "pfn 0x%" PRIx64 " ", pfn);
	snprintf(vm, sizeof(vm), " vm=%d ", v->handle);
	/* Another VMM's query may come between: the answer names its pfn. */
	for (tries = 0; tries < 8; tries++) {
		if (probe_debugfs(v, "query", line, answer, sizeof(answer)))
			return true;
		if (!strncmp(answer, want, strlen(want)))
			break;
	}
	atomic_fetch_add(&v->c.queries, 1);
	/* Whatever its state, a live guest's page is not the host's to take. */
	if (strstr(answer, " owner=guest ") && strstr(answer, state) &&
	    strstr(answer, vm) && strstr(answer, " reclaimable=0"))
		return true;
	say(v, "guest page 0x%" PRIx64 " is not '%s': %.*s",
	    v->o.ram_base + page * PAGE_SIZE, state,
	    (int)strcspn(answer, "\n"), answer);
	return false;
}

/**
 * probe_host_calls() - what a host might try to take a live guest's page
 * @page: RECLAIM it, DONATE another page at its gfn. Both must fail with
 * EBUSY; one that succeeds is an error.
 * @v: the VMM
 * @page: its index in RAM, a page the guest holds
 *
 * Return: the tries refused, of 2.
 */
unsigned int probe_host_calls(struct vmm *v, uint64_t page)
{
	struct s2own_reclaim r = { .gfn = page_gfn(v, page), .nr = 1 };
	struct s2own_donation d = { .uaddr = (uintptr_t)v->spare,
				    .gfn = page_gfn(v, page), .nr = 1 };
	unsigned int refused = 0;

	if (ioctl(v->vm_fd, S2OWN_RECLAIM, &r) && errno == EBUSY) {
		atomic_fetch_add(&v->c.reclaims_refused, 1);
		refused++;
	} else {
		vmm_error(v, "RECLAIM of the guest's gfn 0x%" PRIx64 ": %s, %" PRIu64 " pages",
			  (uint64_t)r.gfn, strerror(errno), (uint64_t)r.pages);
	}
	if (ioctl(v->vm_fd, S2OWN_DONATE, &d) && errno == EBUSY &&
	    !d.donated) {
		atomic_fetch_add(&v->c.redonates_refused, 1);
		refused++;
	} else {
		vmm_error(v, "DONATE of another page at the guest's gfn 0x%" PRIx64 ": %s",
			  (uint64_t)d.gfn, strerror(errno));
	}
	return refused;
}

/* Try one donated page every way; returns the tries, counts refusals. */
static unsigned int probe_page(struct vmm *v, uint64_t page, bool first,
			       unsigned int *refused)
{
	volatile uint64_t *p = page_ptr(v, page);
	uint64_t ipa = v->o.ram_base + page * PAGE_SIZE, val = 0, pfn;
	unsigned int tries = 4;
	char how[64];
	int k;

	tally(v, probe_refused(p, false, &val), &v->c.user_reads_refused,
	      refused, first, "the VMM reading", ipa, "SIGBUS");
	val = HOST_WRITE;
	tally(v, probe_refused(p, true, &val), &v->c.user_writes_refused,
	      refused, first, "the VMM writing", ipa, "SIGBUS");
	*refused += probe_host_calls(v, page);
	if (!probe_page_is(v, page, " guest=owned "))
		vmm_error(v, "guest page 0x%" PRIx64 " at the checkpoint", ipa);
	if (!v->o.kernel_touch)
		return tries;
	k = kernel_read(v, (const void *)p, &pfn);
	if (k < 0)
		return tries;
	snprintf(how, sizeof(how), "pfn 0x%" PRIx64 " faults in its linear map",
		 pfn);
	tally(v, k, &v->c.kernel_reads_refused, refused, first,
	      "the kernel reading", ipa, how);
	return tries + 1;
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
