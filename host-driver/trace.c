// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypervisor's trace buffers, host side (docs/tracing.md).
 *
 * Each online CPU gets a buffer of pages shared with the hypervisor
 * (HOST_SHARE_HYP) and named on that CPU (S2OWN_HC_TRACE_BUFFER); the
 * hypervisor writes fixed-size records into it (abi/s2own_trace.h). The
 * driver reads them back ("drains" a buffer):
 *
 *  - right after each of its own hypercalls, the calling CPU's buffer
 *    (s2own_trace_hvc_done(), from hvc.c), so a call's events come out
 *    next to it;
 *  - every DRAIN_MS on each CPU while tracing is on, for what no
 *    hypercall of the driver's follows (host faults, other modules'
 *    calls);
 *  - before every read of the text files.
 *
 * Each record read becomes a Linux trace event of the "s2own" system
 * (s2own_events.h), emitted there and then, and goes into a per-CPU text
 * queue that the debugfs files trace and trace_pipe consume, merged in
 * time order across CPUs. A queue full of unread text drops its oldest
 * records, as ftrace does; the hypervisor's buffers drop the newest
 * (counted: lost).
 *
 * Timestamps: the hypervisor stamps records with CNTPCT_EL0, which is the
 * host's CNTVCT_EL0 (CNTVOFF_EL2 = 0). A drain samples the counter and
 * local_clock() back to back and places each record on local_clock()'s
 * time line, which is sched_clock, the clock of ftrace's default "local"
 * trace clock: hypervisor and host events can be ordered exactly.
 *
 * The classes recorded at EL2 are those asked for in trace/enable, plus
 * those of every s2own trace event that is enabled in tracefs (its
 * registration function sets its class), so `trace-cmd record -e s2own`
 * needs nothing else.
 *
 * Locks: cfg_lock (mutex) for everything that changes the set-up; each
 * CPU's lock (spinlock, irqsave: a drain may run in an IPI) for its
 * buffer's read state and its text queue. No CPU lock is held across an
 * IPI or a sleep.
 */
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <asm/arch_timer.h>

#include "drv.h"
#include "s2own_tracing.h"
#include "trace_fmt.h"

#define CREATE_TRACE_POINTS
#include "s2own_events.h"

#define DRAIN_MS		10
#define QUEUE_RECORDS		8192	/* per CPU, for the text files */
#define PAGES_DEFAULT		16	/* per CPU: 2044 records */
#define SHOW_MAX		SZ_16K

struct tcpu {
	spinlock_t lock;
	unsigned int cpu;
	/* The buffer; set up and torn down under cfg_lock. */
	struct page *pages;
	unsigned int order;
	unsigned int nr_pages;
	u32 hyp_cpu;
	/* Read state, under @lock; @hdr NULL: nothing to read. */
	struct s2own_trace_header *hdr;
	u64 nr_records;
	u64 tail;		/* our read index; the header's is a copy */
	u64 read;		/* records read since the buffer was set up */
	u64 lost;		/* the hypervisor's count, last seen */
	u64 bad_heads;		/* drains that found a head making no sense */
	/* The text queue, under @lock. */
	struct s2own_trace_record *q;	/* ts in ns */
	u64 q_head, q_tail, q_dropped;
	struct delayed_work work;
};

static struct tcpu *tcpus;
static struct dentry *dir;
static DEFINE_MUTEX(cfg_lock);
static u32 user_mask;		/* trace/enable */
static atomic_t tp_mask = ATOMIC_INIT(0);	/* enabled trace events */
static u32 hyp_mask;		/* what EL2 was told last */
static unsigned int buffer_pages = PAGES_DEFAULT;
static bool reader_on = true;
static bool exiting;
static u32 cnt_freq;
static DECLARE_WAIT_QUEUE_HEAD(text_wait);

static void apply_fn(struct work_struct *work);
static DECLARE_WORK(apply_work, apply_fn);

/* --- reading the buffers -------------------------------------------------- */

static u64 to_ns(u64 ts, u64 cnt_now, u64 ns_now)
{
	u64 back = cnt_now > ts ? mul_u64_u32_div(cnt_now - ts, NSEC_PER_SEC,
						  cnt_freq) : 0;

	return ns_now > back ? ns_now - back : 0;
}

/* What a split replaced, for the event's from= (S2OWN_TR_OLD). */
static u8 old_kind(u64 pte, unsigned int level)
{
	unsigned int owner = (pte >> 2) & 0xff;

	if (pte & 1)
		return level == 3 ? 2 : (pte & 2) ? 3 : 1;
	if (!pte)
		return 0;
	return owner == S2OWN_OWNER_HYP ? 4 : owner == S2OWN_OWNER_GUEST ? 5 : 6;
}

static void emit(u32 cpu, u64 ns, const struct s2own_trace_record *r)
{
	switch (r->event) {
	case S2OWN_TEV_HOST_FAULT:
		trace_host_fault(cpu, ns, r);
		break;
	case S2OWN_TEV_TRANSITION:
		trace_transition(cpu, ns, r);
		break;
	case S2OWN_TEV_SPLIT:
		trace_split(cpu, ns, r, old_kind(r->arg, r->info));
		break;
	case S2OWN_TEV_COALESCE:
		trace_coalesce(cpu, ns, r);
		break;
	case S2OWN_TEV_TABLE_ALLOC:
		trace_table_alloc(cpu, ns, r);
		break;
	case S2OWN_TEV_TABLE_FREE:
		trace_table_free(cpu, ns, r);
		break;
	case S2OWN_TEV_TLBI:
		trace_tlbi(cpu, ns, r);
		break;
	case S2OWN_TEV_SCRUB:
		trace_scrub(cpu, ns, r);
		break;
	case S2OWN_TEV_VCPU_ENTER:
		trace_vcpu_enter(cpu, ns, r);
		break;
	case S2OWN_TEV_VCPU_EXIT:
		trace_vcpu_exit(cpu, ns, r);
		break;
	}
}

static void queue_push(struct tcpu *c, const struct s2own_trace_record *r)
{
	if (c->q_head - c->q_tail == QUEUE_RECORDS) {
		c->q_tail++;
		c->q_dropped++;
	}
	c->q[c->q_head++ % QUEUE_RECORDS] = *r;
}

/*
 * Read what the hypervisor wrote since the last drain. The header is in
 * host memory anybody in the host could scribble on: a head that makes no
 * sense is left alone (the hypervisor rewrites it with its next record),
 * and our own tail is written back every time.
 */
static void drain_locked(struct tcpu *c)
{
	struct s2own_trace_header *hdr = c->hdr;
	u64 head, i, cnt_now = 0, ns_now = 0, lost;
	bool any = false;

	if (!hdr || !READ_ONCE(reader_on))
		return;
	head = smp_load_acquire(&hdr->head);
	if (head - c->tail > c->nr_records) {
		/*
		 * Scribbled over. If an earlier scribble made us read past
		 * the hypervisor's head (which it rewrites), go back to it, or
		 * our tail would say the buffer is full for good.
		 */
		c->bad_heads++;
		if (c->tail - head <= c->nr_records)
			c->tail = head;
		head = c->tail;
	}
	for (i = c->tail; i != head; i++) {
		struct s2own_trace_record r;
		u64 ns;

		if (!any) {
			cnt_now = __arch_counter_get_cntvct();
			ns_now = local_clock();
			any = true;
		}
		memcpy(&r, (void *)hdr + S2OWN_TRACE_HEADER_SIZE +
				   (i % c->nr_records) * sizeof(r),
		       sizeof(r));
		ns = to_ns(r.ts, cnt_now, ns_now);
		emit(c->cpu, ns, &r);
		r.ts = ns;
		queue_push(c, &r);
	}
	c->read += head - c->tail;
	c->tail = head;
	/* Our reads of the slots are done: the hypervisor may reuse them. */
	smp_store_release(&hdr->tail, c->tail);
	lost = READ_ONCE(hdr->lost);
	if (lost > c->lost)
		trace_lost(c->cpu, lost - c->lost, lost);
	c->lost = lost;
	if (any)
		wake_up_interruptible(&text_wait);
}

static void drain(struct tcpu *c)
{
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	drain_locked(c);
	spin_unlock_irqrestore(&c->lock, flags);
}

static void drain_all(void)
{
	unsigned int cpu;

	if (!tcpus)
		return;
	for_each_possible_cpu(cpu)
		drain(&tcpus[cpu]);
}

/**
 * s2own_trace_hvc_done() - after a hypercall: read this CPU's buffer.
 *
 * The CPU may have changed since the call; any buffer may be drained from
 * any CPU, so that only makes the events come out a little later.
 */
void s2own_trace_hvc_done(void)
{
	if (READ_ONCE(hyp_mask) && tcpus)
		drain(&tcpus[raw_smp_processor_id()]);
}

static void drain_work(struct work_struct *work)
{
	struct tcpu *c = container_of(to_delayed_work(work), struct tcpu,
				      work);

	drain(c);
	if (READ_ONCE(hyp_mask) && !READ_ONCE(exiting))
		queue_delayed_work_on(c->cpu, system_wq, &c->work,
				      msecs_to_jiffies(DRAIN_MS));
}

/* --- setting up ------------------------------------------------------------ */

/* Stop reading a CPU's buffer (the hypervisor may still write it). */
static void detach(struct tcpu *c)
{
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	drain_locked(c);
	c->hdr = NULL;
	spin_unlock_irqrestore(&c->lock, flags);
}

/*
 * Give a buffer back to Linux: unshared first, which also stops the
 * hypervisor writing to it. If it was unshared behind our back (the test
 * module's hostile host does), every page must be the host's alone;
 * anything else is leaked, never freed.
 */
static void release(struct tcpu *c)
{
	u64 pfn, i;
	long ret;

	if (!c->pages)
		return;
	pfn = page_to_pfn(c->pages);
	ret = s2own_unshare_hyp(pfn, c->nr_pages);
	for (i = 0; ret && i < c->nr_pages; i++) {
		struct s2own_hvc_res res;

		if (s2own_hvc(S2OWN_HC_PAGE_QUERY, pfn + i, 0, 0, 0, &res) ||
		    S2OWN_QUERY_OWNER(res.out[0]) != S2OWN_OWNER_HOST ||
		    S2OWN_QUERY_HOST(res.out[0]) != S2OWN_PAGE_OWNED)
			break;
	}
	if (ret && i < c->nr_pages)
		pr_err("%s: trace: cpu%u's buffer (pfn 0x%llx, %u pages) not given back (%s); leaking it\n",
		       S2OWN_NAME, c->cpu, pfn, c->nr_pages,
		       s2own_errname(ret));
	else
		__free_pages(c->pages, c->order);
	c->pages = NULL;
	c->nr_pages = 0;
}

struct reg_args {
	u64 pfn, nr;
	long ret;
	u64 records, hyp_cpu;
};

static void reg_on_cpu(void *arg)
{
	struct reg_args *a = arg;
	struct s2own_hvc_res res;

	a->ret = s2own_hvc(S2OWN_HC_TRACE_BUFFER, a->pfn, a->nr, 0, 0, &res);
	a->records = res.out[0];
	a->hyp_cpu = res.out[1];
}

/* A fresh buffer for one online CPU. Under cfg_lock, CPUs held. */
static int setup_cpu(struct tcpu *c)
{
	struct reg_args a = { .nr = buffer_pages };
	unsigned long flags;
	long ret;

	detach(c);
	release(c);
	c->order = get_order(buffer_pages * PAGE_SIZE);
	c->pages = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN,
			       c->order);
	if (!c->pages)
		return -ENOMEM;
	c->nr_pages = buffer_pages;
	a.pfn = page_to_pfn(c->pages);
	ret = s2own_share_hyp(a.pfn, a.nr);
	if (ret) {
		pr_err("%s: trace: sharing cpu%u's buffer: %s\n", S2OWN_NAME,
		       c->cpu, s2own_errname(ret));
		__free_pages(c->pages, c->order);
		c->pages = NULL;
		return (int)ret;
	}
	ret = smp_call_function_single(c->cpu, reg_on_cpu, &a, 1);
	if (!ret)
		ret = a.ret;
	if (ret) {
		pr_err("%s: trace: registering cpu%u's buffer: %ld\n",
		       S2OWN_NAME, c->cpu, ret);
		release(c);
		return (int)ret;
	}
	spin_lock_irqsave(&c->lock, flags);
	c->hyp_cpu = a.hyp_cpu;
	c->nr_records = a.records;
	c->tail = 0;
	c->read = 0;
	c->lost = 0;
	c->bad_heads = 0;
	c->hdr = page_address(c->pages);
	spin_unlock_irqrestore(&c->lock, flags);
	return 0;
}

static long hyp_enable(u32 mask)
{
	return s2own_hvc0(S2OWN_HC_TRACE_ENABLE, mask, 0, 0, 0);
}

/*
 * Tell EL2 the classes asked for. From nothing to something, every online
 * CPU gets a fresh buffer first (a buffer left from before may have been
 * replaced or unshared by someone else meanwhile). Under cfg_lock.
 */
static int apply_locked(void)
{
	u32 want = READ_ONCE(user_mask) | (u32)atomic_read(&tp_mask);
	unsigned int cpu;
	int ret = 0;
	long hret;

	if (exiting)
		return -ENODEV;
	if (want && !hyp_mask) {
		cpus_read_lock();
		for_each_online_cpu(cpu) {
			ret = setup_cpu(&tcpus[cpu]);
			if (ret)
				break;
		}
		cpus_read_unlock();
		if (ret)
			return ret;
	}
	hret = hyp_enable(want);
	if (hret)
		return hret == S2OWN_RET_NOT_SUPPORTED ? -EOPNOTSUPP : (int)hret;
	if (want && !hyp_mask) {
		WRITE_ONCE(hyp_mask, want);
		for_each_online_cpu(cpu)
			queue_delayed_work_on(cpu, system_wq,
					      &tcpus[cpu].work,
					      msecs_to_jiffies(DRAIN_MS));
	}
	WRITE_ONCE(hyp_mask, want);
	if (!want)
		drain_all();
	return 0;
}

static void apply_fn(struct work_struct *work)
{
	mutex_lock(&cfg_lock);
	apply_locked();
	mutex_unlock(&cfg_lock);
}

/* Tracefs switched an event on or off: its class follows at EL2. */
static void tp_changed(unsigned int ev, bool on)
{
	if (on)
		atomic_or(S2OWN_TRACE_CLASS(ev), &tp_mask);
	else
		atomic_andnot(S2OWN_TRACE_CLASS(ev), &tp_mask);
	if (!READ_ONCE(exiting))
		schedule_work(&apply_work);
}

#define S2OWN_TP_REG(name, ev)                                                 \
	int s2own_tp_reg_##name(void)                                          \
	{                                                                      \
		tp_changed(ev, true);                                          \
		return 0;                                                      \
	}                                                                      \
	void s2own_tp_unreg_##name(void)                                       \
	{                                                                      \
		tp_changed(ev, false);                                         \
	}

S2OWN_TP_REG(host_fault, S2OWN_TEV_HOST_FAULT)
S2OWN_TP_REG(transition, S2OWN_TEV_TRANSITION)
S2OWN_TP_REG(split, S2OWN_TEV_SPLIT)
S2OWN_TP_REG(coalesce, S2OWN_TEV_COALESCE)
S2OWN_TP_REG(table_alloc, S2OWN_TEV_TABLE_ALLOC)
S2OWN_TP_REG(table_free, S2OWN_TEV_TABLE_FREE)
S2OWN_TP_REG(tlbi, S2OWN_TEV_TLBI)
S2OWN_TP_REG(scrub, S2OWN_TEV_SCRUB)
S2OWN_TP_REG(vcpu_enter, S2OWN_TEV_VCPU_ENTER)
S2OWN_TP_REG(vcpu_exit, S2OWN_TEV_VCPU_EXIT)

/**
 * s2own_trace_buffer_of() - a CPU's buffer, for the test module.
 * @cpu: the CPU
 * @pages: set to its first page
 * @nr: set to its number of pages
 *
 * Return: 0, or -ENOENT if the CPU has none.
 */
int s2own_trace_buffer_of(unsigned int cpu, struct page **pages,
			  unsigned int *nr)
{
	int ret = -ENOENT;

	mutex_lock(&cfg_lock);
	if (tcpus && cpu < nr_cpu_ids && tcpus[cpu].pages) {
		*pages = tcpus[cpu].pages;
		*nr = tcpus[cpu].nr_pages;
		ret = 0;
	}
	mutex_unlock(&cfg_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(s2own_trace_buffer_of);

/* --- the text files ------------------------------------------------------ */

/* The oldest queued record of all CPUs: its CPU, or -1 if none. */
static int oldest(struct s2own_trace_record *r)
{
	unsigned long flags;
	unsigned int cpu;
	int best = -1;
	u64 best_ts = 0;

	for_each_possible_cpu(cpu) {
		struct tcpu *c = &tcpus[cpu];

		spin_lock_irqsave(&c->lock, flags);
		if (c->q_head != c->q_tail) {
			u64 ts = c->q[c->q_tail % QUEUE_RECORDS].ts;

			if (best < 0 || ts < best_ts) {
				best = cpu;
				best_ts = ts;
			}
		}
		spin_unlock_irqrestore(&c->lock, flags);
	}
	if (best >= 0) {
		struct tcpu *c = &tcpus[best];

		spin_lock_irqsave(&c->lock, flags);
		if (c->q_head != c->q_tail)
			*r = c->q[c->q_tail++ % QUEUE_RECORDS];
		else
			best = -1;	/* cleared meanwhile */
		spin_unlock_irqrestore(&c->lock, flags);
	}
	return best;
}

struct text_reader {
	bool pipe;
	size_t len, off;
	char line[S2OWN_TRACE_LINE_MAX];
};

static int text_open(struct inode *inode, struct file *file)
{
	struct text_reader *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return -ENOMEM;
	t->pipe = (bool)inode->i_private;
	file->private_data = t;
	return nonseekable_open(inode, file);
}

static bool next_line(struct text_reader *t)
{
	struct s2own_trace_record r;
	int cpu = oldest(&r);

	if (cpu < 0)
		return false;
	t->len = s2own_trace_fmt(t->line, sizeof(t->line), cpu, r.ts, &r);
	t->off = 0;
	return true;
}

static bool any_queued(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		if (READ_ONCE(tcpus[cpu].q_head) != READ_ONCE(tcpus[cpu].q_tail))
			return true;
	return false;
}

/*
 * trace: what is there now, consumed; trace_pipe: the same, waiting for
 * more while there is nothing (like ftrace's trace_pipe).
 */
static ssize_t text_read(struct file *file, char __user *ubuf, size_t count,
			 loff_t *ppos)
{
	struct text_reader *t = file->private_data;
	size_t copied = 0, n;

	drain_all();
	while (copied < count) {
		if (t->off < t->len) {
			n = min(t->len - t->off, count - copied);
			if (copy_to_user(ubuf + copied, t->line + t->off, n))
				return copied ? copied : -EFAULT;
			t->off += n;
			copied += n;
			continue;
		}
		if (next_line(t))
			continue;
		if (copied || !t->pipe)
			break;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible_timeout(text_wait, any_queued(),
						     msecs_to_jiffies(100)) < 0)
			return -ERESTARTSYS;
		drain_all();
	}
	return copied;
}

/* A write to trace empties the queues, as `echo > trace` in ftrace. */
static ssize_t text_write(struct file *file, const char __user *ubuf,
			  size_t count, loff_t *ppos)
{
	unsigned long flags;
	unsigned int cpu;

	drain_all();
	for_each_possible_cpu(cpu) {
		struct tcpu *c = &tcpus[cpu];

		spin_lock_irqsave(&c->lock, flags);
		c->q_tail = c->q_head;
		spin_unlock_irqrestore(&c->lock, flags);
	}
	return count;
}

static int text_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static const struct file_operations text_fops = {
	.owner = THIS_MODULE,
	.open = text_open,
	.read = text_read,
	.write = text_write,
	.release = text_release,
	.llseek = no_llseek,
};

/* --- the small files: a snapshot to read, a line to write ---------------- */

struct small_file {
	size_t (*show)(char *buf, size_t size);
	int (*store)(char *line);
};

static int small_open(struct inode *inode, struct file *file)
{
	const struct small_file *f = inode->i_private;
	char *buf;

	file->private_data = NULL;
	if (!(file->f_mode & FMODE_READ) || !f->show)
		return 0;
	buf = kzalloc(SHOW_MAX + sizeof(size_t), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	*(size_t *)buf = f->show(buf + sizeof(size_t), SHOW_MAX);
	file->private_data = buf;
	return 0;
}

static ssize_t small_read(struct file *file, char __user *ubuf, size_t count,
			  loff_t *ppos)
{
	char *buf = file->private_data;

	if (!buf)
		return -EINVAL;
	return simple_read_from_buffer(ubuf, count, ppos, buf + sizeof(size_t),
				       *(size_t *)buf);
}

static ssize_t small_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	const struct small_file *f = file_inode(file)->i_private;
	char line[128];
	int ret;

	if (!f->store)
		return -EINVAL;
	if (!count || count >= sizeof(line))
		return -EINVAL;
	if (copy_from_user(line, ubuf, count))
		return -EFAULT;
	line[count] = '\0';
	ret = f->store(strim(line));
	return ret ? ret : count;
}

static int small_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static const struct file_operations small_fops = {
	.owner = THIS_MODULE,
	.open = small_open,
	.read = small_read,
	.write = small_write,
	.release = small_release,
	.llseek = default_llseek,
};

static size_t mask_names(char *buf, size_t size, u32 mask)
{
	size_t len = scnprintf(buf, size, "0x%03x", mask);
	unsigned int ev;

	for (ev = 1; ev <= S2OWN_TEV_MAX; ev++)
		if (mask & S2OWN_TRACE_CLASS(ev))
			len += scnprintf(buf + len, size - len, " %s",
					 s2own_trace_event_name(ev));
	return len;
}

static size_t enable_show(char *buf, size_t size)
{
	size_t len;

	mutex_lock(&cfg_lock);
	len = mask_names(buf, size, user_mask);
	len += scnprintf(buf + len, size - len, "\n# at EL2: ");
	len += mask_names(buf + len, size - len, hyp_mask);
	len += scnprintf(buf + len, size - len, " (tracefs 0x%03x)\n",
			 atomic_read(&tp_mask));
	mutex_unlock(&cfg_lock);
	return len;
}

/* Names, "all", "none", or a number; separated by spaces or commas. */
static int enable_store(char *line)
{
	u32 mask = 0, v;
	unsigned int ev;
	char *w;
	int ret;

	while ((w = strsep(&line, " ,\t\n")) != NULL) {
		if (!*w)
			continue;
		if (!strcmp(w, "all")) {
			mask |= S2OWN_TRACE_ALL;
			continue;
		}
		if (!strcmp(w, "none"))
			continue;
		if (!kstrtou32(w, 0, &v)) {
			if (v & ~S2OWN_TRACE_ALL)
				return -EINVAL;
			mask |= v;
			continue;
		}
		for (ev = 1; ev <= S2OWN_TEV_MAX; ev++)
			if (!strcmp(w, s2own_trace_event_name(ev)))
				break;
		if (ev > S2OWN_TEV_MAX)
			return -EINVAL;
		mask |= S2OWN_TRACE_CLASS(ev);
	}
	mutex_lock(&cfg_lock);
	WRITE_ONCE(user_mask, mask);
	ret = apply_locked();
	mutex_unlock(&cfg_lock);
	return ret;
}

static size_t pages_show(char *buf, size_t size)
{
	return scnprintf(buf, size, "%u\n", READ_ONCE(buffer_pages));
}

static int pages_store(char *line)
{
	unsigned int n;
	int ret = 0;

	if (kstrtouint(line, 0, &n) || !n || n > S2OWN_TRACE_MAX_PAGES)
		return -EINVAL;
	mutex_lock(&cfg_lock);
	if (hyp_mask)
		ret = -EBUSY;
	else
		WRITE_ONCE(buffer_pages, n);
	mutex_unlock(&cfg_lock);
	return ret;
}

static size_t reader_show(char *buf, size_t size)
{
	return scnprintf(buf, size, "%s\n", READ_ONCE(reader_on) ? "on" : "off");
}

/* "off": nothing reads the buffers (they fill up, and lose records). */
static int reader_store(char *line)
{
	bool on;

	if (!strcmp(line, "on"))
		on = true;
	else if (!strcmp(line, "off"))
		on = false;
	else if (kstrtobool(line, &on))
		return -EINVAL;
	WRITE_ONCE(reader_on, on);
	if (on)
		drain_all();
	return 0;
}

static size_t stats_show(char *buf, size_t size)
{
	u64 written, lost, t_written = 0, t_read = 0, t_lost = 0, t_dropped = 0;
	unsigned long flags;
	unsigned int cpu;
	size_t len = 0;

	for_each_possible_cpu(cpu) {
		struct tcpu *c = &tcpus[cpu];

		spin_lock_irqsave(&c->lock, flags);
		if (!c->hdr) {
			spin_unlock_irqrestore(&c->lock, flags);
			continue;
		}
		/* As the hypervisor says, read or not (reader off). */
		written = READ_ONCE(c->hdr->head);
		lost = READ_ONCE(c->hdr->lost);
		len += scnprintf(buf + len, size - len,
				 "cpu %u hyp_cpu %u pages %u records %llu written %llu read %llu lost %llu queued %llu dropped %llu bad_heads %llu pfn 0x%lx\n",
				 cpu, c->hyp_cpu, c->nr_pages, c->nr_records,
				 written, c->read, lost,
				 c->q_head - c->q_tail, c->q_dropped,
				 c->bad_heads, page_to_pfn(c->pages));
		t_written += written;
		t_read += c->read;
		t_lost += lost;
		t_dropped += c->q_dropped;
		spin_unlock_irqrestore(&c->lock, flags);
	}
	len += scnprintf(buf + len, size - len,
			 "total written %llu read %llu lost %llu dropped %llu\n",
			 t_written, t_read, t_lost, t_dropped);
	return len;
}

static const struct small_file enable_file = { enable_show, enable_store };
static const struct small_file pages_file = { pages_show, pages_store };
static const struct small_file reader_file = { reader_show, reader_store };
static const struct small_file stats_file = { stats_show, NULL };

/* --- load and unload ----------------------------------------------------- */

/**
 * s2own_trace_init() - the per-CPU state and /sys/kernel/debug/s2own/trace/.
 *
 * Nothing is shared with the hypervisor until tracing is switched on.
 *
 * Return: 0 or a negative errno.
 */
int s2own_trace_init(void)
{
	struct dentry *root;
	unsigned int cpu;

	cnt_freq = arch_timer_get_cntfrq() ?: 1;
	tcpus = kcalloc(nr_cpu_ids, sizeof(*tcpus), GFP_KERNEL);
	if (!tcpus)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct tcpu *c = &tcpus[cpu];

		spin_lock_init(&c->lock);
		c->cpu = cpu;
		INIT_DELAYED_WORK(&c->work, drain_work);
		c->q = kvmalloc_array(QUEUE_RECORDS, sizeof(*c->q), GFP_KERNEL);
		if (!c->q)
			goto fail;
	}
	root = debugfs_lookup(S2OWN_NAME, NULL);
	dir = debugfs_create_dir("trace", root);
	dput(root);
	debugfs_create_file("enable", 0600, dir, (void *)&enable_file,
			    &small_fops);
	debugfs_create_file("buffer_pages", 0600, dir, (void *)&pages_file,
			    &small_fops);
	debugfs_create_file("reader", 0600, dir, (void *)&reader_file,
			    &small_fops);
	debugfs_create_file("stats", 0400, dir, (void *)&stats_file,
			    &small_fops);
	debugfs_create_file("trace", 0600, dir, (void *)false, &text_fops);
	debugfs_create_file("trace_pipe", 0400, dir, (void *)true, &text_fops);
	return 0;

fail:
	for_each_possible_cpu(cpu)
		kvfree(tcpus[cpu].q);
	kfree(tcpus);
	tcpus = NULL;
	return -ENOMEM;
}

/**
 * s2own_trace_exit() - switch tracing off at EL2 and give every buffer
 * back. The debugfs files went with the driver's directory already.
 */
void s2own_trace_exit(void)
{
	unsigned int cpu;

	if (!tcpus)
		return;
	WRITE_ONCE(exiting, true);
	cancel_work_sync(&apply_work);
	mutex_lock(&cfg_lock);
	if (hyp_mask)
		hyp_enable(0);
	WRITE_ONCE(hyp_mask, 0);
	for_each_possible_cpu(cpu)
		cancel_delayed_work_sync(&tcpus[cpu].work);
	for_each_possible_cpu(cpu) {
		detach(&tcpus[cpu]);
		release(&tcpus[cpu]);
		kvfree(tcpus[cpu].q);
	}
	mutex_unlock(&cfg_lock);
	kfree(tcpus);
	tcpus = NULL;
}
