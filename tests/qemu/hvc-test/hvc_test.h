/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * s2own_test.ko: what its files share (main.c lists them). They build on
 * s2own.ko's exports, declared in host-driver/drv.h and debugfs.h.
 */
#ifndef S2OWN_HVC_TEST_H
#define S2OWN_HVC_TEST_H

#include <linux/completion.h>
#include <linux/stddef.h>
#include <linux/types.h>

#define S2OWN_STORM_MAX_SECONDS	3600

/*
 * The host's GUEST_RELINQUISH of ABI 1.x: retired, the hypervisor must not
 * know it any more (abi/s2own_abi.h).
 */
#define S2OWN_HC_RETIRED_RELINQUISH	S2OWN_HC64(0x08)
#define S2OWN_FUZZ_MAX_CALLS	100000000ULL

/* threads.c */

/**
 * struct s2own_thread - one CPU's thread of a run: the first member of
 * each per-CPU element of a struct s2own_threads.
 * @done: completed when the thread ends
 * @fn: what it runs
 * @cpu: its CPU
 * @started: whether it was created (and runs, or ran)
 * @calls: the calls it made
 * @unexpected: the results that were not what they must be
 * @first: the first of those, in words
 */
struct s2own_thread {
	struct completion done;
	void (*fn)(struct s2own_thread *t);
	unsigned int cpu;
	bool started;
	u64 calls;
	u64 unexpected;
	char first[256];
};

/**
 * struct s2own_threads - a run: one element per online CPU.
 * @cpus: the elements, each beginning with a struct s2own_thread
 * @size: the bytes of one
 * @nr: how many were set up
 */
struct s2own_threads {
	void *cpus;
	size_t size;
	unsigned int nr;
};

static inline struct s2own_thread *
s2own_thread_at(const struct s2own_threads *th, unsigned int i)
{
	return th->cpus + i * th->size;
}

#define S2OWN_THREADS_SUM(th, type, member)                                   \
	s2own_threads_sum((th), offsetof(type, member))

int s2own_threads_alloc(struct s2own_threads *th, size_t size);
int s2own_threads_start(struct s2own_threads *th,
			int (*setup)(struct s2own_thread *t, unsigned int i),
			void (*fn)(struct s2own_thread *t), const char *name);
unsigned int s2own_threads_started(const struct s2own_threads *th);
bool s2own_threads_running(const struct s2own_threads *th);
void s2own_threads_wait(struct s2own_threads *th);
void s2own_threads_free(struct s2own_threads *th);
u64 s2own_threads_sum(const struct s2own_threads *th, size_t offset);
const char *s2own_threads_first(const struct s2own_threads *th);
__printf(2, 3) bool s2own_thread_unexpected(struct s2own_thread *t,
					    const char *fmt, ...);

/* storm.c */
int s2own_storm_start(unsigned int seconds);
bool s2own_storm_idle(void);
size_t s2own_storm_fmt(char *buf, size_t size);
void s2own_storm_exit(void);

/* trace_test.c */
int s2own_trace_story(const char *step);
size_t s2own_trace_story_fmt(char *buf, size_t size);
int s2own_trace_hostile_run(unsigned int seconds);
size_t s2own_trace_hostile_fmt(char *buf, size_t size);

/* fuzz.c */
int s2own_fuzz_run(u64 calls, u64 seed);
size_t s2own_fuzz_fmt(char *buf, size_t size);
void s2own_fuzz_exit(void);

/* fpsimd.c, fpsimd_guest.S */
int s2own_fpsimd_run(void);
size_t s2own_fpsimd_fmt(char *buf, size_t size);

/* cpu_on_mmio.c, cpu_on_mmio_tramp.S */
int s2own_cpu_on_mmio(u64 mpidr, u64 fetch);
size_t s2own_cpu_on_mmio_fmt(char *buf, size_t size);

#endif /* S2OWN_HVC_TEST_H */
