// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's memory is the VMM's own: an anonymous private mapping of the
 * RAM's size, the image copied to its start (the entry point). Pages are
 * donated to the VM up front (--donate) or when the guest first touches
 * them (a MEM_FAULT exit); a byte per page says which were. From their
 * donation to the reclaim the VMM must not touch them (a read or a write
 * is a SIGBUS: probe.c does it on purpose) nor hand them to a system call
 * (a kernel access through a user address is an oops, docs/guests.md).
 * The one way back while the VM lives is the guest's: pages it gives up
 * (a RELINQUISH exit) are reclaimed there and then, checked for zeroes,
 * and are the VMM's again, to be donated anew when the guest touches them.
 *
 * The mapping is not inherited by a child (MADV_DONTFORK: fork would copy
 * the pages, and the kernel reading a guest's page is an oops) nor dumped
 * in a core file (MADV_DONTDUMP, for the same reason).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm.h"

#define ALIGN_2M	(2UL << 20)

static int read_image(struct vmm *v)
{
	struct stat st;
	size_t done = 0;
	ssize_t n;
	int fd;

	fd = open(v->o.image, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		vmm_error(v, "%s: %s", v->o.image, strerror(errno));
		goto fail;
	}
	if (!st.st_size || (uint64_t)st.st_size > v->o.ram_size) {
		vmm_error(v, "%s: %lld bytes, RAM holds 1..%" PRIu64,
			  v->o.image, (long long)st.st_size, v->o.ram_size);
		goto fail;
	}
	v->image_size = st.st_size;
	v->image = malloc(v->image_size);
	while (v->image && done < v->image_size) {
		n = read(fd, v->image + done, v->image_size - done);
		if (n <= 0) {
			vmm_error(v, "%s: %s", v->o.image,
				  n ? strerror(errno) : "short read");
			goto fail;
		}
		done += n;
	}
	if (!v->image) {
		vmm_error(v, "no memory for the image");
		goto fail;
	}
	close(fd);
	return 0;

fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

/**
 * mem_setup() - map the guest's RAM in the VMM and load the image.
 * @v: the VMM
 *
 * The mapping is 2 MiB aligned, so that transparent huge pages can back
 * it and whole blocks go to the guest in one call.
 *
 * Return: 0, or -1 with the error said.
 */
int mem_setup(struct vmm *v)
{
	size_t size = v->o.ram_size;
	uint8_t *p, *aligned;

	if (read_image(v))
		return -1;
	v->ram_pages = size / PAGE_SIZE;
	p = mmap(NULL, size + ALIGN_2M, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		vmm_error(v, "mmap of %zu bytes: %s", size, strerror(errno));
		return -1;
	}
	aligned = (uint8_t *)(((uintptr_t)p + ALIGN_2M - 1) & ~(ALIGN_2M - 1));
	if (aligned > p)
		munmap(p, aligned - p);
	munmap(aligned + size, p + ALIGN_2M - aligned);
	v->mem = aligned;
	if (madvise(v->mem, size, MADV_DONTFORK) ||
	    madvise(v->mem, size, MADV_DONTDUMP)) {
		vmm_error(v, "madvise: %s", strerror(errno));
		return -1;
	}
	v->donated = calloc(v->ram_pages, 1);
	v->flags = calloc(v->ram_pages, 1);
	v->spare = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!v->donated || !v->flags || v->spare == MAP_FAILED) {
		vmm_error(v, "no memory");
		return -1;
	}
	/* Present, so that a donation of it gets as far as the books. */
	memset(v->spare, 0x5a, PAGE_SIZE);
	memcpy(v->mem, v->image, v->image_size);
	/* The guest fetches these as instructions. */
	__builtin___clear_cache((char *)v->mem,
				(char *)v->mem + v->image_size);
	return 0;
}

/**
 * mem_donate_locked() - donate pages [@first, @first + @nr) of the RAM.
 * @v: the VMM, its mem_lock held
 * @first: the first page
 * @nr: how many
 *
 * On a failure the driver says how many stayed donated (from the first):
 * those are the guest's until the VM is destroyed.
 *
 * Return: 0, or -1 with the error said.
 */
int mem_donate_locked(struct vmm *v, uint64_t first, uint64_t nr)
{
	struct s2own_donation d = {
		.uaddr = (uintptr_t)(v->mem + first * PAGE_SIZE),
		.gfn = page_gfn(v, first),
		.nr = nr,
	};
	int ret = ioctl(v->vm_fd, S2OWN_DONATE, &d);

	if (ret)
		vmm_error(v, "DONATE gfn 0x%" PRIx64 " nr %" PRIu64 ": %s, %" PRIu64 " donated",
			  (uint64_t)d.gfn, nr, strerror(errno),
			  (uint64_t)d.donated);
	memset(v->donated + first, 1, ret ? d.donated : nr);
	return ret ? -1 : 0;
}

static int donate(struct vmm *v, uint64_t first, uint64_t nr)
{
	return mem_donate_locked(v, first, nr);
}

/* The in-tree guest's pages that must fault first (abi/s2own_abi.h). */
static bool fresh(const struct vmm *v, uint64_t page)
{
	uint64_t ipa = v->o.ram_base + page * PAGE_SIZE;
	uint64_t off = ipa - S2OWN_GUEST_FRESH_BASE;

	return ipa >= S2OWN_GUEST_FRESH_BASE &&
	       off < (uint64_t)S2OWN_GUEST_FRESH_PAGES *
			     S2OWN_GUEST_FRESH_STRIDE &&
	       !(off % S2OWN_GUEST_FRESH_STRIDE);
}

static bool up_front(const struct vmm *v, uint64_t page)
{
	switch (v->o.donate) {
	case DONATE_ALL:
		return !fresh(v, page);
	case DONATE_IMAGE:
		return page * PAGE_SIZE < v->image_size;
	case DONATE_NONE:
		break;
	}
	return false;
}

/**
 * mem_donate_up_front() - donate what --donate says before the first run,
 * a call per run of pages.
 * @v: the VMM
 *
 * Return: 0, or -1 with the error said.
 */
int mem_donate_up_front(struct vmm *v)
{
	uint64_t page, first, calls = 0;
	int ret = 0;

	pthread_mutex_lock(&v->mem_lock);
	for (page = 0; page < v->ram_pages && !ret; page++) {
		if (!up_front(v, page))
			continue;
		for (first = page; page < v->ram_pages && up_front(v, page);)
			page++;
		ret = donate(v, first, page - first);
		calls++;
		atomic_fetch_add(&v->c.pages_up_front, page - first);
	}
	pthread_mutex_unlock(&v->mem_lock);
	atomic_store(&v->c.donations_up_front, calls);
	say(v, "donated %lu pages up front in %" PRIu64 " calls",
	    atomic_load(&v->c.pages_up_front), calls);
	return ret;
}

/**
 * mem_donate_page() - serve a MEM_FAULT: donate the page behind @gfn.
 * @v: the VMM
 * @gfn: the guest frame that holds no page
 *
 * Another vCPU may have faulted on the same page and had it donated
 * first: that counts as faults_on_donated.
 *
 * Return: 1 donated now, 0 donated already, -1 error (said).
 */
int mem_donate_page(struct vmm *v, uint64_t gfn)
{
	uint64_t page = gfn - (v->o.ram_base >> PAGE_SHIFT);
	int ret = 0;

	if (gfn > UINT64_MAX >> PAGE_SHIFT || !in_ram(v, gfn << PAGE_SHIFT)) {
		vmm_error(v, "MEM_FAULT at gfn 0x%" PRIx64 ", outside RAM", gfn);
		return -1;
	}
	pthread_mutex_lock(&v->mem_lock);
	if (v->donated[page]) {
		atomic_fetch_add(&v->c.faults_on_donated, 1);
	} else {
		ret = donate(v, page, 1) ? -1 : 1;
		if (ret > 0)
			atomic_fetch_add(&v->c.demand_donations, 1);
	}
	pthread_mutex_unlock(&v->mem_lock);
	return ret;
}

/**
 * mem_reclaim_locked() - RECLAIM pages [@first, @first + @nr) of a live
 * VM: what the guest gave up there comes back, and must read zero.
 * @v: the VMM, its mem_lock held
 * @first: the first page
 * @nr: how many
 * @pages: set to the pages that came back
 * @given_up: mark them PAGE_GIVEN_UP (and PAGE_ZERO if they read zero)
 *
 * Return: 0; -1 and errno from the driver (EBUSY: the guest holds pages
 * there and gave none up).
 */
int mem_reclaim_locked(struct vmm *v, uint64_t first, uint64_t nr,
		       uint64_t *pages, bool given_up)
{
	static const uint8_t zeros[PAGE_SIZE];
	struct s2own_reclaim r = { .gfn = page_gfn(v, first), .nr = nr };
	uint64_t page, back = 0;
	bool zero;

	*pages = 0;
	if (ioctl(v->vm_fd, S2OWN_RECLAIM, &r))
		return -1;
	/* Which came back: those that do not fault any more. */
	for (page = first; page < first + nr && r.pages; page++) {
		uint64_t val;

		if (!v->donated[page] ||
		    probe_refused(page_ptr(v, page), false, &val))
			continue;
		v->donated[page] = 0;
		zero = !memcmp(v->mem + page * PAGE_SIZE, zeros, PAGE_SIZE);
		if (!zero)
			vmm_error(v, "page 0x%" PRIx64 " reads 0x%016" PRIx64 " after its reclaim",
				  v->o.ram_base + page * PAGE_SIZE,
				  *page_ptr(v, page));
		if (given_up)
			v->flags[page] |= PAGE_GIVEN_UP |
					  (zero ? PAGE_ZERO : 0);
		atomic_fetch_add(&v->c.pages_zero_live, zero);
		back++;
	}
	if (back != r.pages)
		vmm_error(v, "RECLAIM of gfn 0x%" PRIx64 " nr %" PRIu64 ": %" PRIu64 " pages back, %" PRIu64 " readable",
			  (uint64_t)r.gfn, nr, (uint64_t)r.pages, back);
	atomic_fetch_add(&v->c.pages_reclaimed_live, r.pages);
	*pages = r.pages;
	return 0;
}

/**
 * mem_relinquished() - serve a RELINQUISH exit: the guest gave up @nr
 * pages from @gfn; take them back now. Each must read zero.
 * @v: the VMM
 * @gfn: the first
 * @nr: how many
 */
void mem_relinquished(struct vmm *v, uint64_t gfn, uint64_t nr)
{
	uint64_t first = gfn - (v->o.ram_base >> PAGE_SHIFT), want = 0, page;
	uint64_t pages;

	atomic_fetch_add(&v->c.pages_relinquished, nr);
	if (!nr || nr > 512 || !in_ram(v, gfn << PAGE_SHIFT) ||
	    !in_ram(v, (gfn + nr - 1) << PAGE_SHIFT)) {
		vmm_error(v, "RELINQUISH of gfn 0x%" PRIx64 " nr %" PRIu64 ": not in RAM",
			  gfn, nr);
		return;
	}
	pthread_mutex_lock(&v->mem_lock);
	for (page = first; page < first + nr; page++)
		want += v->donated[page];
	if (mem_reclaim_locked(v, first, nr, &pages, true))
		vmm_error(v, "RECLAIM of relinquished gfn 0x%" PRIx64 " nr %" PRIu64 ": %s",
			  gfn, nr, strerror(errno));
	else if (pages != want)
		vmm_error(v, "RECLAIM of relinquished gfn 0x%" PRIx64 " nr %" PRIu64 ": %" PRIu64 " pages, want %" PRIu64,
			  gfn, nr, pages, want);
	pthread_mutex_unlock(&v->mem_lock);
}

/**
 * mem_given_up() - what the VMM took back of [@ipa, + @nr pages) after the
 * guest gave it up (S2OWN_VMM_RECLAIMED).
 * @v: the VMM
 * @ipa: the first page
 * @nr: how many
 * @back: set to the pages reclaimed after a RELINQUISH exit
 * @zero: set to those that read zero
 */
void mem_given_up(struct vmm *v, uint64_t ipa, uint64_t nr, uint64_t *back,
		  uint64_t *zero)
{
	uint64_t page, first = (ipa - v->o.ram_base) / PAGE_SIZE;

	*back = *zero = 0;
	if (!in_ram(v, ipa) || nr > v->ram_pages - first)
		return;
	pthread_mutex_lock(&v->mem_lock);
	for (page = first; page < first + nr; page++) {
		*back += !!(v->flags[page] & PAGE_GIVEN_UP);
		*zero += !!(v->flags[page] & PAGE_ZERO);
	}
	pthread_mutex_unlock(&v->mem_lock);
}

/**
 * mem_donated() - whether a page of the RAM is donated.
 * @v: the VMM
 * @page: its index
 *
 * Return: true from its donation until the guest gives it up and the VMM
 * reclaims it, or the VM is gone.
 */
bool mem_donated(struct vmm *v, uint64_t page)
{
	bool ret;

	pthread_mutex_lock(&v->mem_lock);
	ret = v->donated[page];
	pthread_mutex_unlock(&v->mem_lock);
	return ret;
}

/**
 * mem_pages_donated() - how many pages the guest was given.
 * @v: the VMM
 *
 * Return: the count.
 */
uint64_t mem_pages_donated(struct vmm *v)
{
	uint64_t page, n = 0;

	pthread_mutex_lock(&v->mem_lock);
	for (page = 0; page < v->ram_pages; page++)
		n += v->donated[page];
	pthread_mutex_unlock(&v->mem_lock);
	return n;
}

static uint64_t fnv_word(uint64_t h, uint64_t word)
{
	return (h ^ word) * S2OWN_GUEST_CSUM_PRIME;
}

/**
 * mem_full_checksum() - the checksum the in-tree guest's FULL mode must
 * report: FNV-1a over the image's 64-bit words, then over vCPU 0's
 * secret pages as it fills them (abi/s2own_abi.h).
 * @v: the VMM
 *
 * Return: the checksum.
 */
uint64_t mem_full_checksum(const struct vmm *v)
{
	uint64_t h = S2OWN_GUEST_CSUM_INIT, word, a;
	size_t off;

	for (off = 0; off < v->image_size; off += sizeof(word)) {
		word = 0;
		memcpy(&word, v->image + off,
		       v->image_size - off < sizeof(word) ?
			       v->image_size - off : sizeof(word));
		h = fnv_word(h, word);
	}
	for (a = S2OWN_GUEST_SECRET_BASE;
	     a < S2OWN_GUEST_SECRET_BASE + S2OWN_GUEST_SECRET_PAGES * PAGE_SIZE;
	     a += sizeof(word))
		h = fnv_word(h, S2OWN_GUEST_PATTERN(a, 0));
	return h;
}

/**
 * mem_check_after_reclaim() - after the reclaim, every page the guest had
 * must read zero (the hypervisor scrubbed it), and every other page must
 * hold what the VMM put there.
 * @v: the VMM
 * @zero: set to the donated pages that read zero
 * @checked: set to the donated pages
 *
 * Return: 0, or -1 with the first few bad pages said.
 */
int mem_check_after_reclaim(struct vmm *v, uint64_t *zero, uint64_t *checked)
{
	static const uint8_t zeros[PAGE_SIZE];
	uint64_t page, off, bad = 0;
	size_t n;
	bool ok;

	*zero = 0;
	*checked = 0;
	for (page = 0; page < v->ram_pages; page++) {
		off = page * PAGE_SIZE;
		if (v->donated[page]) {
			(*checked)++;
			ok = !memcmp(v->mem + off, zeros, PAGE_SIZE);
			*zero += ok;
		} else {
			n = off < v->image_size ? v->image_size - off : 0;
			n = n > PAGE_SIZE ? PAGE_SIZE : n;
			ok = !memcmp(v->mem + off, v->image + off, n) &&
			     !memcmp(v->mem + off + n, zeros, PAGE_SIZE - n);
		}
		if (!ok && bad++ < 4)
			vmm_error(v, "page 0x%" PRIx64 " (%s) reads 0x%016" PRIx64 " after the reclaim",
				  v->o.ram_base + off,
				  v->donated[page] ? "donated" : "never donated",
				  *(uint64_t *)(v->mem + off));
	}
	if (bad > 4)
		vmm_error(v, "%" PRIu64 " pages in all read wrong after the reclaim",
			  bad);
	return bad ? -1 : 0;
}
