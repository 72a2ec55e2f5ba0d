/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * s2own-vmm: runs a protected guest through /dev/s2own (docs/guests.md).
 *
 * main.c    options, the VM's life from creation to the summary
 * mem.c     the guest's memory: the VMM's own, loaded, donated, given up
 *           by the guest and reclaimed, checked
 * vcpu.c    one thread per vCPU: RUN and the exits it serves
 * probe.c   the checkpoint: the host tries to read and write guest pages;
 *           guarded reads, and the hypervisor's view of a page (debugfs)
 * share.c   mode SHARE: the ring page the guest shares, its doorbells
 * fuzz.c    mode FUZZ: the checks the guest asks for, and a thread that
 *           donates and reclaims beside the vCPUs
 * checks.c  --check-ioctls: the driver's answers to bad input
 */
#ifndef S2OWN_VMM_H
#define S2OWN_VMM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "s2own_abi.h"

#define PAGE_SIZE		4096UL
#define PAGE_SHIFT		12
#define DEV_PATH		"/dev/s2own"
#define DEBUGFS_DIR		"/sys/kernel/debug/s2own"
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* How a run may end, as --expect names them; a bit each. */
enum ending {
	END_NONE = 0,
	END_OFF = 1 << 0,	/* the guest's SYSTEM_OFF */
	END_RESET = 1 << 1,	/* its SYSTEM_RESET */
	END_STOPPED = 1 << 2,	/* the hypervisor stopped the VM */
	END_TIMEOUT = 1 << 3,	/* the time limit */
	END_ERROR = 1 << 4,	/* the VMM gave up: never expected */
};

/* What to donate before the first run; the rest is donated on demand. */
enum donate_mode {
	DONATE_ALL,		/* all RAM but the guest's fresh pages */
	DONATE_IMAGE,		/* the pages the image occupies */
	DONATE_NONE,		/* nothing: even the entry faults */
};

struct opts {
	const char *image;
	const char *name;	/* console prefix; NULL: vm<handle> */
	unsigned int nr_vcpus;
	int mode;		/* S2OWN_GUEST_MODE_*, or -1 for --arg */
	uint64_t seed;
	uint64_t boot_arg;
	uint64_t ram_base;
	uint64_t ram_size;
	enum donate_mode donate;
	double timeout;		/* seconds, 0: none */
	int pin[S2OWN_MAX_VCPUS];	/* CPU of vCPU i, -1: not pinned */
	unsigned int expect;	/* END_* bits that are fine */
	bool expect_result;	/* a RESULT of 0 must come */
	bool kernel_touch;	/* also have the kernel read guest pages */
	bool verbose;
	bool dry_run;		/* print the configuration and stop */
	bool check_ioctls;	/* the bad-input checks instead of a guest */
	uint64_t fuzz_calls;	/* mode FUZZ: guest calls in all */
};

/* mem.c's flags of a page, besides donated. */
#define PAGE_GIVEN_UP		(1U << 0)	/* reclaimed after RELINQUISH */
#define PAGE_ZERO		(1U << 1)	/* and it read zero */

/* What the VMM counts; every field a counter that any thread adds to. */
struct counts {
	atomic_ulong exits[S2OWN_EXIT_RELINQUISH + 1];	/* [0]: other */
	atomic_ulong runs;
	atomic_ulong interrupted;
	atomic_ulong irq_exits;
	atomic_ulong pages_up_front;
	atomic_ulong donations_up_front;
	atomic_ulong demand_donations;
	atomic_ulong faults_on_donated;
	atomic_ulong host_tries;
	atomic_ulong host_refused;
	atomic_ulong user_reads_refused;
	atomic_ulong user_writes_refused;
	atomic_ulong kernel_reads_refused;
	atomic_ulong checkpoints;
	atomic_ulong mmio_reads;
	atomic_ulong mmio_writes;
	atomic_ulong console_lines;
	atomic_ulong unknown_hvcs;
	atomic_ulong errors;
	/* The host's other tries at a guest page (checkpoints, FUZZ). */
	atomic_ulong reclaims_refused;
	atomic_ulong redonates_refused;
	atomic_ulong queries;
	/* What the guest gave up. */
	atomic_ulong pages_relinquished;
	atomic_ulong pages_reclaimed_live;
	atomic_ulong pages_zero_live;
	/* Mode SHARE. */
	atomic_ulong ring_messages;
	atomic_ulong ring_queries_shared;
	atomic_ulong left_shared_read;
	/* Mode FUZZ. */
	atomic_ulong fuzz_checks;
	atomic_ulong fuzz_pages_checked;
	atomic_ulong fuzz_mismatches;
	atomic_ulong churn_donations;
	atomic_ulong churn_reclaims;
	atomic_ulong churn_reclaims_refused;
};

/* What the fuzzing guest reported (S2OWN_VMM_FUZZ_REPORT). */
struct fuzz_report {
	bool have;
	uint64_t calls, ok, not_supported, invalid, unexpected;
};

struct vmm;

struct vcpu {
	struct vmm *vmm;
	unsigned int index;
	int fd;
	pthread_t thread;
	atomic_bool done;
	uint64_t last_fault_gfn;	/* a second fault there is a bug */
	size_t line_len;
	char line[256];			/* console output until a newline */
};

struct vmm {
	struct opts o;
	char name[32];
	int dev_fd;
	int vm_fd;
	int handle;
	struct vcpu vcpus[S2OWN_MAX_VCPUS];

	/* mem.c */
	uint8_t *mem;		/* the guest's RAM, in the VMM's memory */
	uint64_t ram_pages;
	uint8_t *image;
	size_t image_size;
	pthread_mutex_t mem_lock;
	uint8_t *donated;	/* a byte per page: given to the guest */
	uint8_t *flags;		/* a byte per page: PAGE_* */
	uint8_t *spare;		/* a page of the VMM's, never the guest's */

	/* vcpu.c */
	atomic_bool stop;	/* every thread: stop running */
	atomic_uint ending;	/* END_* that happened */
	atomic_ullong scratch;	/* the MMIO device's register */
	pthread_mutex_t result_lock;
	bool have_result;
	uint64_t result_code, result_sum, result_detail;
	uint64_t checkpoint_sum;	/* the guest's, at its checkpoint */
	uint64_t stop_esr, stop_reason;

	/* probe.c */
	int pagemap_fd;
	pthread_mutex_t touch_lock;	/* debugfs: one answer for all */

	/* fuzz.c */
	pthread_t churn;
	bool churning;
	atomic_bool churn_stop;
	uint64_t churn_rng;
	struct fuzz_report fuzz;

	struct counts c;
	double start, end;	/* CLOCK_MONOTONIC seconds */
};

/* main.c */
void say(const struct vmm *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void vmm_error(struct vmm *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
double now(void);
const char *exit_name(unsigned int reason);

/* mem.c */
int mem_setup(struct vmm *v);
uint64_t mem_full_checksum(const struct vmm *v);
int mem_donate_up_front(struct vmm *v);
int mem_donate_page(struct vmm *v, uint64_t gfn);
int mem_donate_locked(struct vmm *v, uint64_t first, uint64_t nr);
int mem_reclaim_locked(struct vmm *v, uint64_t first, uint64_t nr,
		       uint64_t *pages, bool given_up);
void mem_relinquished(struct vmm *v, uint64_t gfn, uint64_t nr);
void mem_given_up(struct vmm *v, uint64_t ipa, uint64_t nr, uint64_t *back,
		  uint64_t *zero);
bool mem_donated(struct vmm *v, uint64_t page);
uint64_t mem_pages_donated(struct vmm *v);
int mem_check_after_reclaim(struct vmm *v, uint64_t *zero,
			    uint64_t *checked);

static inline bool in_ram(const struct vmm *v, uint64_t ipa)
{
	return ipa >= v->o.ram_base && ipa - v->o.ram_base < v->o.ram_size;
}

/* The VMM's copy of guest page @page, and its gfn. */
static inline volatile uint64_t *page_ptr(const struct vmm *v, uint64_t page)
{
	return (volatile uint64_t *)(v->mem + page * PAGE_SIZE);
}

static inline uint64_t page_gfn(const struct vmm *v, uint64_t page)
{
	return (v->o.ram_base >> PAGE_SHIFT) + page;
}

/* vcpu.c */
int vcpus_run(struct vmm *v);
void vcpus_kick_setup(void);

/* probe.c */
int probe_setup(struct vmm *v);
void probe_checkpoint(struct vmm *v, uint64_t ipa, uint64_t bytes,
		      uint64_t *tries, uint64_t *refused);
bool probe_refused(volatile uint64_t *p, bool write, uint64_t *val);
bool probe_page_is(struct vmm *v, uint64_t page, const char *state);
unsigned int probe_host_calls(struct vmm *v, uint64_t page);
int probe_debugfs(struct vmm *v, const char *file, const char *line,
		  char *answer, size_t size);

/* share.c */
void share_ring(struct vmm *v, const uint64_t *x, uint64_t *answer);
bool share_left_read(struct vmm *v);

/* fuzz.c */
void fuzz_start(struct vmm *v, uint64_t *answer);
void fuzz_check(struct vmm *v, const uint64_t *x, uint64_t *answer);
void fuzz_report(struct vmm *v, const uint64_t *x);
int fuzz_churn_start(struct vmm *v);
void fuzz_churn_stop(struct vmm *v);

/* checks.c */
int check_ioctls(struct vmm *v);

#endif /* S2OWN_VMM_H */
