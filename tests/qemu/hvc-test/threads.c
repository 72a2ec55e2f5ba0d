// SPDX-License-Identifier: GPL-2.0-only
/*
 * One kthread per online CPU: the shape the storm and the fuzz share.
 *
 * A run (struct s2own_threads) is an array of per-CPU elements, each
 * starting with a struct s2own_thread: which CPU, whether its thread
 * started, a completion for its end, and what the run reports for every
 * thread (calls made, results that were not what they must be, the first
 * of those in words). s2own_threads_start() sets the elements up and
 * starts the threads; each ends by kthread_complete_and_exit(), so a
 * module unloading only has to wait for the completions.
 */
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/slab.h>

#include "hvc_test.h"

/**
 * s2own_threads_alloc() - make room for one element per possible CPU.
 * @th: the run; what it held before is freed
 * @size: bytes per element, which starts with a struct s2own_thread
 *
 * Return: 0 or -ENOMEM.
 */
int s2own_threads_alloc(struct s2own_threads *th, size_t size)
{
	s2own_threads_free(th);
	th->cpus = kcalloc(nr_cpu_ids, size, GFP_KERNEL);
	if (!th->cpus)
		return -ENOMEM;
	th->size = size;
	return 0;
}

static int thread_main(void *data)
{
	struct s2own_thread *t = data;

	t->fn(t);
	kthread_complete_and_exit(&t->done, 0);
}

/**
 * s2own_threads_start() - set up an element for each online CPU, then
 * start a thread on each.
 * @th: the run, from s2own_threads_alloc()
 * @setup: called for each element, with its index, before any thread
 *         starts; NULL for none. If it fails, no thread starts.
 * @fn: what each thread runs, given its element's struct s2own_thread
 * @name: the threads' name, with "%u" for the CPU
 *
 * @th->nr counts the elements set up; a thread that could not be created
 * leaves its element's @started false and the others run.
 *
 * Return: 0, the error of @setup, or that of the first thread that could
 * not be created.
 */
int s2own_threads_start(struct s2own_threads *th,
			int (*setup)(struct s2own_thread *t, unsigned int i),
			void (*fn)(struct s2own_thread *t), const char *name)
{
	struct task_struct *task;
	struct s2own_thread *t;
	unsigned int cpu, i;
	int ret = 0;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		t = s2own_thread_at(th, th->nr);
		t->cpu = cpu;
		t->fn = fn;
		init_completion(&t->done);
		ret = setup ? setup(t, th->nr) : 0;
		if (ret)
			goto out;
		th->nr++;
	}
	for (i = 0; i < th->nr; i++) {
		t = s2own_thread_at(th, i);
		task = kthread_create_on_cpu(thread_main, t, t->cpu, name);
		if (IS_ERR(task)) {
			ret = ret ?: PTR_ERR(task);
			continue;
		}
		t->started = true;
		wake_up_process(task);
	}
out:
	cpus_read_unlock();
	return ret;
}

/**
 * s2own_threads_started() - how many of a run's threads started.
 * @th: the run
 *
 * Return: the number.
 */
unsigned int s2own_threads_started(const struct s2own_threads *th)
{
	unsigned int i, n = 0;

	for (i = 0; i < th->nr; i++)
		n += s2own_thread_at(th, i)->started;
	return n;
}

/**
 * s2own_threads_running() - whether a thread of the run has not ended.
 * @th: the run
 *
 * Return: true if one is running.
 */
bool s2own_threads_running(const struct s2own_threads *th)
{
	struct s2own_thread *t;
	unsigned int i;

	for (i = 0; i < th->nr; i++) {
		t = s2own_thread_at(th, i);
		if (t->started && !completion_done(&t->done))
			return true;
	}
	return false;
}

/**
 * s2own_threads_wait() - wait for every thread of the run to end.
 * @th: the run
 */
void s2own_threads_wait(struct s2own_threads *th)
{
	struct s2own_thread *t;
	unsigned int i;

	for (i = 0; i < th->nr; i++) {
		t = s2own_thread_at(th, i);
		if (t->started)
			wait_for_completion(&t->done);
	}
}

/**
 * s2own_threads_free() - free a run's elements; its threads have ended.
 * @th: the run
 */
void s2own_threads_free(struct s2own_threads *th)
{
	kfree(th->cpus);
	th->cpus = NULL;
	th->nr = 0;
}

/**
 * s2own_threads_sum() - a u64 counter of the elements, summed over the run
 * (read once each, the threads may be running).
 * @th: the run
 * @offset: the counter's offset in an element; S2OWN_THREADS_SUM() has it
 *
 * Return: the sum.
 */
u64 s2own_threads_sum(const struct s2own_threads *th, size_t offset)
{
	unsigned int i;
	u64 n = 0;

	for (i = 0; i < th->nr; i++)
		n += READ_ONCE(*(const u64 *)((void *)s2own_thread_at(th, i) +
					      offset));
	return n;
}

/**
 * s2own_threads_first() - the first unexpected result of the run, in
 * words: that of the first thread that had one. Read it once the threads
 * ended (a running thread may be writing it).
 * @th: the run
 *
 * Return: the words, or NULL if there was none.
 */
const char *s2own_threads_first(const struct s2own_threads *th)
{
	const struct s2own_thread *t;
	unsigned int i;

	for (i = 0; i < th->nr; i++) {
		t = s2own_thread_at(th, i);
		if (t->unexpected)
			return t->first;
	}
	return NULL;
}

/**
 * s2own_thread_unexpected() - count a result that is not what it must
 * be; the first of a thread's is kept in words, in @t->first.
 * @t: the thread
 * @fmt: printf() format of the words
 * @...: its arguments
 *
 * Return: true for the thread's first.
 */
bool s2own_thread_unexpected(struct s2own_thread *t, const char *fmt, ...)
{
	va_list ap;

	if (t->unexpected++)
		return false;
	va_start(ap, fmt);
	vscnprintf(t->first, sizeof(t->first), fmt, ap);
	va_end(ap);
	return true;
}
