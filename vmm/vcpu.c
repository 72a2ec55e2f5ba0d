// SPDX-License-Identifier: GPL-2.0-only
/*
 * One thread per vCPU: S2OWN_RUN, serve the exit, answer it with the next
 * S2OWN_RUN. The exits (docs/guests.md, "Exits"):
 *
 *   HVC           the guest's calls to its VMM: console output, its result,
 *                 the checkpoint (probe.c), the ring and the pages it gave
 *                 up (share.c), the fuzzing guest's (fuzz.c); any other:
 *                 NOT_SUPPORTED
 *   MEM_FAULT     donate the page behind the gfn (mem.c), run again
 *   RELINQUISH    the guest gave pages up: reclaim them now (mem.c)
 *   MMIO          the trivial device at S2OWN_GUEST_DEV_BASE: ID reads
 *                 S2OWN_GUEST_DEV_MAGIC, SCRATCH the last data written;
 *                 every other read all ones, every other write ignored
 *   WFX           a WFI sleeps a millisecond, a WFE yields: nothing can
 *                 wake the guest but time and its other vCPUs
 *   VCPU_OFF      not started or powered off: sleep (1 to 20 ms) and ask
 *                 again, until the VM stops
 *   SYSTEM_EVENT  the guest powered the VM off (or reset it): done
 *   STOPPED       the hypervisor stopped the VM: done
 *
 * IRQ exits never come here: the driver serves them. A time limit, or an
 * error in any thread, sets v->stop; the main thread then sends SIGUSR1 to
 * the threads until they are all done, so that a RUN in progress returns
 * -EINTR and the thread sees the flag.
 */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "vmm.h"

#define OFF_SLEEP_MIN_US	1000
#define OFF_SLEEP_MAX_US	20000
#define KICK_INTERVAL_US	20000

static void sleep_us(unsigned int us)
{
	struct timespec ts = { .tv_sec = us / 1000000,
			       .tv_nsec = (us % 1000000) * 1000L };

	nanosleep(&ts, NULL);
}

static void console_flush(struct vcpu *c)
{
	if (!c->line_len)
		return;
	printf("S2OWN-GUEST[%s/%u]: %.*s\n", c->vmm->name, c->index,
	       (int)c->line_len, c->line);
	atomic_fetch_add(&c->vmm->c.console_lines, 1);
	c->line_len = 0;
}

/* S2OWN_VMM_PUTS: x1 bytes (at most 32) in x2..x5, x2's low byte first. */
static void console(struct vcpu *c, const uint64_t *x)
{
	uint8_t bytes[S2OWN_VMM_PUTS_MAX];
	uint64_t len = x[1] < sizeof(bytes) ? x[1] : sizeof(bytes);
	unsigned int i;

	for (i = 0; i < len; i++)
		bytes[i] = x[2 + i / 8] >> (8 * (i % 8));
	for (i = 0; i < len; i++) {
		if (bytes[i] == '\n') {
			console_flush(c);
			continue;
		}
		if (bytes[i] == '\r')
			continue;
		c->line[c->line_len++] = bytes[i] >= 0x20 && bytes[i] < 0x7f ?
					 bytes[i] : '.';
		if (c->line_len == sizeof(c->line))
			console_flush(c);
	}
}

static void result(struct vcpu *c, const uint64_t *x)
{
	struct vmm *v = c->vmm;

	pthread_mutex_lock(&v->result_lock);
	if (v->have_result)
		say(v, "vCPU %u: a second result", c->index);
	v->have_result = true;
	v->result_code = x[1];
	v->result_sum = x[2];
	v->result_detail = x[3];
	pthread_mutex_unlock(&v->result_lock);
	say(v, "result %s code %" PRIu64 " checksum 0x%" PRIx64 " detail 0x%" PRIx64,
	    x[1] ? "FAIL" : "PASS", x[1], x[2], x[3]);
}

static void serve_hvc(struct vcpu *c, struct s2own_run *run)
{
	const uint64_t *x = run->exit;		/* the guest's x0..x5 */
	uint64_t *answer = run->answer;		/* its x0..x3 */
	struct vmm *v = c->vmm;

	answer[0] = S2OWN_RET_SUCCESS;
	switch ((uint32_t)x[0]) {
	case S2OWN_VMM_PUTS:
		console(c, x);
		break;
	case S2OWN_VMM_RESULT:
		console_flush(c);
		result(c, x);
		break;
	case S2OWN_VMM_CHECKPOINT:
		console_flush(c);
		say(v, "vCPU %u: checkpoint, guest checksum 0x%" PRIx64,
		    c->index, x[3]);
		v->checkpoint_sum = x[3];
		probe_checkpoint(v, x[1], x[2], &answer[1], &answer[2]);
		break;
	case S2OWN_VMM_RING:
		share_ring(v, x, answer);
		break;
	case S2OWN_VMM_RECLAIMED:
		mem_given_up(v, x[1], x[2], &answer[1], &answer[2]);
		break;
	case S2OWN_VMM_FUZZ_START:
		fuzz_start(v, answer);
		break;
	case S2OWN_VMM_FUZZ_CHECK:
		fuzz_check(v, x, answer);
		break;
	case S2OWN_VMM_FUZZ_REPORT:
		console_flush(c);
		fuzz_report(v, x);
		break;
	default:
		atomic_fetch_add(&v->c.unknown_hvcs, 1);
		if (v->o.verbose)
			say(v, "vCPU %u: unknown HVC 0x%" PRIx64, c->index,
			    x[0]);
		answer[0] = (uint64_t)(int64_t)S2OWN_RET_NOT_SUPPORTED;
	}
}

/*
 * The device's registers; a read's answer in @answer, whole: the
 * hypervisor narrows it to the access (and sign-extends it) and hands
 * over only the bytes a store writes.
 */
static void serve_mmio(struct vcpu *c, struct s2own_run *run)
{
	uint64_t ipa = run->exit[0], size = run->exit[1];
	uint64_t off = ipa - S2OWN_GUEST_DEV_BASE, val = ~0ULL;
	struct vmm *v = c->vmm;
	bool dev = ipa >= S2OWN_GUEST_DEV_BASE && off < S2OWN_GUEST_DEV_SIZE;

	if (size != 1 && size != 2 && size != 4 && size != 8) {
		vmm_error(v, "vCPU %u: MMIO of %" PRIu64 " bytes at 0x%" PRIx64,
			  c->index, size, ipa);
		return;
	}
	if (run->exit[2]) {
		atomic_fetch_add(&v->c.mmio_writes, 1);
		if (dev && off == S2OWN_GUEST_DEV_SCRATCH)
			atomic_store(&v->scratch, run->exit[3]);
	} else {
		atomic_fetch_add(&v->c.mmio_reads, 1);
		if (dev && off == S2OWN_GUEST_DEV_ID)
			val = S2OWN_GUEST_DEV_MAGIC;
		else if (dev && off == S2OWN_GUEST_DEV_SCRATCH)
			val = atomic_load(&v->scratch);
		run->answer[0] = val;
	}
	if (v->o.verbose)
		say(v, "vCPU %u: MMIO %s 0x%" PRIx64 " size %" PRIu64 " data 0x%" PRIx64,
		    c->index, run->exit[2] ? "write" : "read", ipa, size,
		    run->exit[2] ? run->exit[3] : run->answer[0]);
}

static void serve_fault(struct vcpu *c, struct s2own_run *run)
{
	uint64_t gfn = run->exit[0];
	struct vmm *v = c->vmm;
	int ret;

	ret = mem_donate_page(v, gfn);
	/*
	 * Twice in a row is a bug, but for the fuzzing guest: another vCPU
	 * may give the page up again before this one's call runs again.
	 */
	if (!ret && c->last_fault_gfn == gfn &&
	    v->o.mode != S2OWN_GUEST_MODE_FUZZ)
		vmm_error(v, "vCPU %u: MEM_FAULT again at gfn 0x%" PRIx64 ", donated already",
			  c->index, gfn);
	c->last_fault_gfn = gfn;
	if (v->o.verbose)
		say(v, "vCPU %u: MEM_FAULT gfn 0x%" PRIx64 " access 0x%" PRIx64 "%s",
		    c->index, gfn, run->exit[1],
		    ret > 0 ? ", donated" : "");
}

/* Serve one exit; false when the vCPU is done (the VM stopped). */
static bool serve(struct vcpu *c, struct s2own_run *run)
{
	struct vmm *v = c->vmm;
	uint32_t reason = run->exit_reason;

	memset(run->answer, 0, sizeof(run->answer));
	atomic_fetch_add(&v->c.exits[reason < ARRAY_SIZE(v->c.exits) ?
				     reason : 0], 1);
	if (reason != S2OWN_EXIT_MEM_FAULT)
		c->last_fault_gfn = UINT64_MAX;
	switch (reason) {
	case S2OWN_EXIT_HVC:
		serve_hvc(c, run);
		return true;
	case S2OWN_EXIT_MEM_FAULT:
		serve_fault(c, run);
		return true;
	case S2OWN_EXIT_MMIO:
		serve_mmio(c, run);
		return true;
	case S2OWN_EXIT_RELINQUISH:
		if (v->o.verbose)
			say(v, "vCPU %u: RELINQUISH gfn 0x%" PRIx64 " pages %" PRIu64,
			    c->index, run->exit[0], run->exit[1]);
		mem_relinquished(v, run->exit[0], run->exit[1]);
		return true;
	case S2OWN_EXIT_WFX:
		if (run->exit[0])
			sched_yield();
		else
			sleep_us(1000);
		return true;
	case S2OWN_EXIT_IRQ:
	case S2OWN_EXIT_VCPU_OFF:
		return true;
	case S2OWN_EXIT_SYSTEM_EVENT:
		atomic_fetch_or(&v->ending, run->exit[0] == S2OWN_SYSTEM_RESET ?
						    END_RESET : END_OFF);
		say(v, "vCPU %u: the guest powered the VM %s", c->index,
		    run->exit[0] == S2OWN_SYSTEM_RESET ? "for a reset" : "off");
		return false;
	case S2OWN_EXIT_STOPPED:
		atomic_fetch_or(&v->ending, END_STOPPED);
		say(v, "vCPU %u: the hypervisor stopped the VM: reason %" PRIu64 ", ESR_EL2 0x%" PRIx64,
		    c->index, run->exit[1], run->exit[0]);
		return false;
	}
	vmm_error(v, "vCPU %u: exit %u, which s2own-vmm does not know",
		  c->index, reason);
	return false;
}

static void pin(struct vcpu *c)
{
	int cpu = c->vmm->o.pin[c->index];
	cpu_set_t set;
	int ret;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	ret = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (ret)
		vmm_error(c->vmm, "vCPU %u: pinning to CPU %d: %s", c->index,
			  cpu, strerror(ret));
}

static void *vcpu_thread(void *arg)
{
	unsigned int off_sleep = OFF_SLEEP_MIN_US;
	struct s2own_run run = { 0 };
	struct vcpu *c = arg;
	struct vmm *v = c->vmm;

	pin(c);
	while (!atomic_load(&v->stop)) {
		if (ioctl(c->fd, S2OWN_RUN, &run)) {
			atomic_fetch_add(&v->c.runs, 1);
			atomic_fetch_add(&v->c.irq_exits, run.irq_exits);
			if (errno == EINTR) {
				atomic_fetch_add(&v->c.interrupted, 1);
				continue;
			}
			vmm_error(v, "vCPU %u: RUN: %s", c->index,
				  strerror(errno));
			break;
		}
		atomic_fetch_add(&v->c.runs, 1);
		atomic_fetch_add(&v->c.irq_exits, run.irq_exits);
		if (!serve(c, &run))
			break;
		if (run.exit_reason != S2OWN_EXIT_VCPU_OFF) {
			off_sleep = OFF_SLEEP_MIN_US;
			continue;
		}
		sleep_us(off_sleep);
		if (off_sleep < OFF_SLEEP_MAX_US)
			off_sleep *= 2;
	}
	console_flush(c);
	atomic_store(&c->done, true);
	return NULL;
}

/* SIGUSR1 only has to interrupt a RUN (or a sleep). */
static void kicked(int sig)
{
}

/**
 * vcpus_kick_setup() - let SIGUSR1 interrupt a RUN: a handler that does
 * nothing, without SA_RESTART, so the RUN returns -EINTR.
 */
void vcpus_kick_setup(void)
{
	struct sigaction sa = { .sa_handler = kicked };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

/**
 * vcpus_run() - run every vCPU on its own thread until the VM stops, an
 * error stops the VMM, or the time limit.
 * @v: the VMM
 *
 * Return: 0, or -1 if the threads could not be started.
 */
int vcpus_run(struct vmm *v)
{
	double deadline = v->o.timeout ? now() + v->o.timeout : 0;
	unsigned int i, started;
	bool all_done;
	int ret;

	vcpus_kick_setup();
	if (v->o.mode == S2OWN_GUEST_MODE_FUZZ && fuzz_churn_start(v))
		return -1;
	for (started = 0; started < v->o.nr_vcpus; started++) {
		struct vcpu *c = &v->vcpus[started];

		c->vmm = v;
		c->index = started;
		c->last_fault_gfn = UINT64_MAX;
		ret = pthread_create(&c->thread, NULL, vcpu_thread, c);
		if (ret) {
			vmm_error(v, "thread of vCPU %u: %s", started,
				  strerror(ret));
			break;
		}
	}
	for (;;) {
		all_done = true;
		for (i = 0; i < started; i++)
			all_done &= atomic_load(&v->vcpus[i].done);
		if (all_done)
			break;
		if (deadline && !atomic_load(&v->stop) && now() >= deadline) {
			say(v, "time limit of %g s: stopping the vCPUs",
			    v->o.timeout);
			atomic_fetch_or(&v->ending, END_TIMEOUT);
			atomic_store(&v->stop, true);
		}
		for (i = 0; i < started && atomic_load(&v->stop); i++)
			if (!atomic_load(&v->vcpus[i].done))
				pthread_kill(v->vcpus[i].thread, SIGUSR1);
		sleep_us(KICK_INTERVAL_US);
	}
	for (i = 0; i < started; i++)
		pthread_join(v->vcpus[i].thread, NULL);
	fuzz_churn_stop(v);
	return started == v->o.nr_vcpus ? 0 : -1;
}
