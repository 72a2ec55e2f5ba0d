// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/debug/s2own/: docs/debugfs.md documents every file.
 *
 * Reads return a snapshot taken at open(), so `cat` of a large ptdump is
 * one dump even when it takes several read() calls. Writes take one line of
 * whitespace-separated words; numbers are decimal or 0x-prefixed hex. A
 * write fails with the hypercall's errno when the hypervisor refused, so
 * `echo ... > donate` reports -ENOENT and friends directly. Files that
 * answer a write ("hvc", "touch", "query", "vm_create") keep the last
 * answer for the next read, one for everybody: it is a debug interface,
 * used by one shell at a time.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "drv.h"
#include "fmt.h"

#define MAX_WORDS	6
#define TEXT_START	SZ_16K
#define TEXT_MAX	SZ_16M

static struct dentry *root;
static struct dentry *vm_dirs[S2OWN_MAX_VMS + 1];

/* The answers kept for reads; under answer_lock. */
static DEFINE_MUTEX(answer_lock);
static char hvc_answer[160] = "none\n";
static char touch_answer[96] = "none\n";
static char query_answer[160] = "none\n";
static int last_vm;

struct text {
	char *buf;
	size_t len;
};

static int text_set(struct file *file, char *buf, size_t len)
{
	struct text *t = kmalloc(sizeof(*t), GFP_KERNEL);

	if (!t) {
		kvfree(buf);
		return -ENOMEM;
	}
	t->buf = buf;
	t->len = len;
	file->private_data = t;
	return 0;
}

/* Snapshot a formatter's text, growing the buffer until it fits. */
static int text_open(struct file *file, size_t (*fn)(char *buf, size_t size))
{
	size_t size = TEXT_START, len;
	char *buf;

	for (;;) {
		buf = kvmalloc(size, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
		len = fn(buf, size);
		/* scnprintf() stops one short of the end when it truncates. */
		if (len + 1 < size || size >= TEXT_MAX)
			break;
		kvfree(buf);
		size *= 2;
	}
	return text_set(file, buf, len);
}

static int text_open_str(struct file *file, const char *str)
{
	char *buf;
	size_t len;

	mutex_lock(&answer_lock);
	len = strlen(str);
	buf = kvmalloc(len + 1, GFP_KERNEL);
	if (buf)
		memcpy(buf, str, len + 1);
	mutex_unlock(&answer_lock);
	if (!buf)
		return -ENOMEM;
	return text_set(file, buf, len);
}

static ssize_t text_read(struct file *file, char __user *ubuf, size_t count,
			 loff_t *ppos)
{
	struct text *t = file->private_data;

	if (!t)
		return 0;
	return simple_read_from_buffer(ubuf, count, ppos, t->buf, t->len);
}

static int text_release(struct inode *inode, struct file *file)
{
	struct text *t = file->private_data;

	if (t) {
		kvfree(t->buf);
		kfree(t);
	}
	return 0;
}

/* Write-only files open without a snapshot. */
static int nothing_open(struct inode *inode, struct file *file)
{
	file->private_data = NULL;
	return 0;
}

/*
 * Copy one line from user space and split it into words. Returns the
 * number of words, or a negative errno.
 */
static int get_words(const char __user *ubuf, size_t count, char *buf,
		     size_t size, char **words)
{
	char *p, *w;
	int n = 0;

	if (!count || count >= size)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	p = strim(buf);
	while ((w = strsep(&p, " \t\n")) != NULL) {
		if (!*w)
			continue;
		if (n == MAX_WORDS)
			return -EINVAL;
		words[n++] = w;
	}
	return n;
}

static int get_u64(const char *word, u64 *val)
{
	return kstrtou64(word, 0, val);
}

static int get_handle(const char *word, int *handle)
{
	return kstrtoint(word, 0, handle);
}

/* Files that a write acts on: parse, do, return count or the errno. */
#define WRITE_FN(name)                                                        \
	static ssize_t name##_write(struct file *file,                        \
				    const char __user *ubuf, size_t count,    \
				    loff_t *ppos)                             \
	{                                                                     \
		char buf[128], *w[MAX_WORDS];                                 \
		int n = get_words(ubuf, count, buf, sizeof(buf), w);          \
		int ret = n < 0 ? n : name##_do(w, n);                        \
		return ret < 0 ? ret : count;                                 \
	}

static int vm_create_do(char **w, int n)
{
	int ret = s2own_vm_new();

	if (ret > 0) {
		mutex_lock(&answer_lock);
		last_vm = ret;
		mutex_unlock(&answer_lock);
	}
	return ret;
}
WRITE_FN(vm_create)

static int vm_create_open(struct inode *inode, struct file *file)
{
	char str[16];

	mutex_lock(&answer_lock);
	snprintf(str, sizeof(str), "%d\n", last_vm);
	mutex_unlock(&answer_lock);
	return text_open_str(file, str);
}

static int vm_destroy_do(char **w, int n)
{
	int handle;

	if (n != 1 || get_handle(w[0], &handle))
		return -EINVAL;
	return s2own_vm_kill(handle);
}
WRITE_FN(vm_destroy)

static int vm_open(struct inode *inode, struct file *file)
{
	return text_open(file, s2own_vms_fmt);
}

static int donate_do(char **w, int n)
{
	bool chunk = false;
	int handle;
	u64 nr;

	if (n < 2 || n > 3 || get_handle(w[0], &handle) || get_u64(w[1], &nr) ||
	    nr > UINT_MAX)
		return -EINVAL;
	if (n == 3 && !strcmp(w[2], "chunk"))
		chunk = true;
	else if (n == 3 && strcmp(w[2], "scatter"))
		return -EINVAL;
	return s2own_donate(handle, nr, chunk);
}
WRITE_FN(donate)

static int relinquish_do(char **w, int n)
{
	int handle;

	if (n != 1 || get_handle(w[0], &handle))
		return -EINVAL;
	return s2own_relinquish_vm(handle);
}
WRITE_FN(relinquish)

static int reclaim_do(char **w, int n)
{
	bool keep = n == 2 && !strcmp(w[1], "keep");
	int handle;

	if (n < 1 || n > 2 || (n == 2 && !keep) || get_handle(w[0], &handle))
		return -EINVAL;
	return s2own_reclaim_vm(handle, keep);
}
WRITE_FN(reclaim)

static int held_do(char **w, int n)
{
	s2own_release_held();
	return 0;
}
WRITE_FN(held)

static int held_open(struct inode *inode, struct file *file)
{
	return text_open(file, s2own_held_fmt);
}

static int share_do(char **w, int n)
{
	bool alloc;
	u64 pfn = 0;

	if (n != 1)
		return -EINVAL;
	alloc = !strcmp(w[0], "alloc");
	if (!alloc && get_u64(w[0], &pfn))
		return -EINVAL;
	return s2own_share_pfn(pfn, alloc, &pfn);
}
WRITE_FN(share)

static int share_open(struct inode *inode, struct file *file)
{
	return text_open(file, s2own_shared_fmt);
}

static int unshare_do(char **w, int n)
{
	bool all;
	u64 pfn = 0;

	if (n != 1)
		return -EINVAL;
	all = !strcmp(w[0], "all");
	if (!all && get_u64(w[0], &pfn))
		return -EINVAL;
	return s2own_unshare_pfn(pfn, all);
}
WRITE_FN(unshare)

static int ptdump_open(struct inode *inode, struct file *file)
{
	int handle = (int)(long)inode->i_private;
	size_t len;
	char *buf;
	int ret;

	ret = s2own_ptdump_text(handle, &buf, &len);
	if (ret)
		return ret;
	return text_set(file, buf, len);
}

static size_t stats_fmt(char *buf, size_t size)
{
	struct s2own_stats st;
	size_t len = 0;
	int ret;

	ret = s2own_read_stats(&st);
	if (ret)
		len += scnprintf(buf, size, "error %d\n", ret);
	else
		len += s2own_fmt_stats(buf, size, &st);
	len += scnprintf(buf + len, size - len,
			 "table_pages_used_at_load %llu\n",
			 s2own_baseline_table_pages);
	len += s2own_vm_state_fmt(buf + len, size - len);
	len += s2own_hvc_stats_fmt(buf + len, size - len);
	return len;
}

static int stats_open(struct inode *inode, struct file *file)
{
	return text_open(file, stats_fmt);
}

static int hvc_do(char **w, int n)
{
	struct s2own_hvc_res res;
	u64 a[5] = {};
	long ret;
	int i;

	if (n < 1 || n > 5)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (get_u64(w[i], &a[i]))
			return -EINVAL;
	/* SMCCC function ids are 32 bits; the macro drops the rest. */
	if (a[0] > U32_MAX)
		return -EINVAL;
	ret = s2own_hvc(a[0], a[1], a[2], a[3], a[4], &res);
	mutex_lock(&answer_lock);
	snprintf(hvc_answer, sizeof(hvc_answer),
		 "0x%lx 0x%lx 0x%lx 0x%lx %ld %s\n", res.regs.a0, res.regs.a1,
		 res.regs.a2, res.regs.a3, ret, s2own_errname(ret));
	mutex_unlock(&answer_lock);
	return 0;
}
WRITE_FN(hvc)

static int hvc_open(struct inode *inode, struct file *file)
{
	return text_open_str(file, hvc_answer);
}

static int touch_do(char **w, int n)
{
	u64 pfn, nr = 1, i, val = 0, first = 0, faults = 0, invalid = 0;
	char str[sizeof(touch_answer)];
	int ret;

	if (n < 1 || n > 2 || get_u64(w[0], &pfn) ||
	    (n == 2 && (get_u64(w[1], &nr) || !nr || pfn + nr < pfn)))
		return -EINVAL;
	if (n == 1) {
		ret = s2own_touch(pfn, &val);
		if (ret == -EINVAL)
			return ret;
		if (ret)
			snprintf(str, sizeof(str), "fault\n");
		else
			snprintf(str, sizeof(str), "ok %016llx\n", val);
	} else {
		for (i = 0; i < nr; i++) {
			u64 v = 0;

			ret = s2own_touch(pfn + i, &v);
			if (!i)
				val = v;
			if (ret == -EINVAL)
				invalid++;
			else if (ret && !faults++)
				first = pfn + i;
			if (!(i & 511))
				cond_resched();
		}
		if (faults)
			snprintf(str, sizeof(str),
				 "fault pages %llu faults %llu first 0x%llx invalid %llu\n",
				 nr, faults, first, invalid);
		else
			snprintf(str, sizeof(str),
				 "ok %016llx pages %llu invalid %llu\n", val, nr,
				 invalid);
	}
	mutex_lock(&answer_lock);
	strscpy(touch_answer, str, sizeof(touch_answer));
	mutex_unlock(&answer_lock);
	return 0;
}
WRITE_FN(touch)

static int touch_open(struct inode *inode, struct file *file)
{
	return text_open_str(file, touch_answer);
}

static const char *const owners[] = { "host", "hyp", "guest", "none" };
static const char *const pstates[] = { "owned", "shared_owned",
				       "shared_borrowed", "nopage" };

static const char *name_of(const char *const *names, unsigned int nr,
			   unsigned int i)
{
	return i < nr ? names[i] : "?";
}

static int query_do(char **w, int n)
{
	struct s2own_hvc_res res;
	char str[sizeof(query_answer)];
	u64 pfn, x1;	/* named as the ABI packs it */
	long ret;

	if (n != 1 || get_u64(w[0], &pfn))
		return -EINVAL;
	ret = s2own_hvc(S2OWN_HC_PAGE_QUERY, pfn, 0, 0, 0, &res);
	x1 = res.out[0];
	if (ret)
		snprintf(str, sizeof(str), "pfn 0x%llx error %s\n", pfn,
			 s2own_errname(ret));
	else
		snprintf(str, sizeof(str),
			 "pfn 0x%llx owner=%s host=%s hyp=%s guest=%s vm=%llu reclaimable=%u\n",
			 pfn, name_of(owners, 4, S2OWN_QUERY_OWNER(x1)),
			 name_of(pstates, 4, S2OWN_QUERY_HOST(x1)),
			 name_of(pstates, 4, S2OWN_QUERY_HYP(x1)),
			 name_of(pstates, 4, S2OWN_QUERY_GUEST(x1)), res.out[1],
			 S2OWN_QUERY_RECLAIMABLE(x1));
	mutex_lock(&answer_lock);
	strscpy(query_answer, str, sizeof(query_answer));
	mutex_unlock(&answer_lock);
	return ret < 0 ? (int)ret : 0;
}
WRITE_FN(query)

static int query_open(struct inode *inode, struct file *file)
{
	return text_open_str(file, query_answer);
}

static int storm_do(char **w, int n)
{
	unsigned int seconds;

	if (n != 1 || kstrtouint(w[0], 0, &seconds))
		return -EINVAL;
	return s2own_storm_start(seconds);
}
WRITE_FN(storm)

static int storm_open(struct inode *inode, struct file *file)
{
	return text_open(file, s2own_storm_fmt);
}

static int fuzz_do(char **w, int n)
{
	u64 calls, seed = 0;

	if (n < 1 || n > 2 || get_u64(w[0], &calls) ||
	    (n == 2 && get_u64(w[1], &seed)))
		return -EINVAL;
	return s2own_fuzz_run(calls, seed);
}
WRITE_FN(fuzz)

static int fuzz_open(struct inode *inode, struct file *file)
{
	return text_open(file, s2own_fuzz_fmt);
}

#define FOPS_RO(name)                                                         \
	static const struct file_operations name##_fops = {                   \
		.owner = THIS_MODULE,                                         \
		.open = name##_open,                                          \
		.read = text_read,                                            \
		.release = text_release,                                      \
		.llseek = default_llseek,                                     \
	}
#define FOPS_WO(name)                                                         \
	static const struct file_operations name##_fops = {                   \
		.owner = THIS_MODULE,                                         \
		.open = nothing_open,                                         \
		.write = name##_write,                                        \
		.llseek = noop_llseek,                                        \
	}
/* Read-write: reads snapshot at open, so only a read-only open does. */
#define FOPS_RW(name)                                                         \
	static int name##_rw_open(struct inode *inode, struct file *file)     \
	{                                                                     \
		if ((file->f_mode & FMODE_WRITE))                             \
			return nothing_open(inode, file);                     \
		return name##_open(inode, file);                              \
	}                                                                     \
	static const struct file_operations name##_fops = {                   \
		.owner = THIS_MODULE,                                         \
		.open = name##_rw_open,                                       \
		.read = text_read,                                            \
		.write = name##_write,                                        \
		.release = text_release,                                      \
		.llseek = default_llseek,                                     \
	}

FOPS_RW(vm_create);
FOPS_WO(vm_destroy);
FOPS_RO(vm);
FOPS_WO(donate);
FOPS_WO(relinquish);
FOPS_WO(reclaim);
FOPS_RW(held);
FOPS_RW(share);
FOPS_WO(unshare);
FOPS_RO(ptdump);
FOPS_RO(stats);
FOPS_RW(hvc);
FOPS_RW(touch);
FOPS_RW(query);
FOPS_RW(storm);
FOPS_RW(fuzz);

/**
 * s2own_debugfs_vm_add() - create vm<N>/ptdump for a new VM.
 * @handle: the VM
 */
void s2own_debugfs_vm_add(int handle)
{
	char name[16];

	if (!root || handle <= 0 || handle >= ARRAY_SIZE(vm_dirs) ||
	    vm_dirs[handle])
		return;
	snprintf(name, sizeof(name), "vm%d", handle);
	vm_dirs[handle] = debugfs_create_dir(name, root);
	debugfs_create_file("ptdump", 0400, vm_dirs[handle],
			    (void *)(long)handle, &ptdump_fops);
}

/**
 * s2own_debugfs_vm_remove() - remove vm<N>/ when the VM is destroyed.
 * @handle: the VM
 */
void s2own_debugfs_vm_remove(int handle)
{
	if (handle <= 0 || handle >= ARRAY_SIZE(vm_dirs))
		return;
	debugfs_remove(vm_dirs[handle]);
	vm_dirs[handle] = NULL;
}

/**
 * s2own_debugfs_init() - create /sys/kernel/debug/s2own/.
 *
 * Return: 0 or a negative errno.
 */
int s2own_debugfs_init(void)
{
	static const struct {
		const char *name;
		umode_t mode;
		const struct file_operations *fops;
	} files[] = {
		{ "vm_create", 0600, &vm_create_fops },
		{ "vm_destroy", 0200, &vm_destroy_fops },
		{ "vm", 0400, &vm_fops },
		{ "donate", 0200, &donate_fops },
		{ "relinquish", 0200, &relinquish_fops },
		{ "reclaim", 0200, &reclaim_fops },
		{ "held", 0600, &held_fops },
		{ "share", 0600, &share_fops },
		{ "unshare", 0200, &unshare_fops },
		{ "ptdump", 0400, &ptdump_fops },
		{ "stats", 0400, &stats_fops },
		{ "hvc", 0600, &hvc_fops },
		{ "touch", 0600, &touch_fops },
		{ "query", 0600, &query_fops },
		{ "storm", 0600, &storm_fops },
		{ "fuzz", 0600, &fuzz_fops },
	};
	unsigned int i;

	root = debugfs_create_dir(S2OWN_NAME, NULL);
	if (IS_ERR(root))
		return PTR_ERR(root);
	for (i = 0; i < ARRAY_SIZE(files); i++)
		debugfs_create_file(files[i].name, files[i].mode, root,
				    NULL, files[i].fops);
	return 0;
}

/**
 * s2own_debugfs_exit() - remove /sys/kernel/debug/s2own/, waiting for
 * the file operations in progress.
 */
void s2own_debugfs_exit(void)
{
	debugfs_remove(root);
	root = NULL;
	memset(vm_dirs, 0, sizeof(vm_dirs));
}
