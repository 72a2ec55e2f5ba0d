// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/debug/s2own/: docs/debugfs.md documents every file.
 *
 * Every file is a struct s2own_file: a show() that a read snapshots at
 * open(), so `cat` of a large ptdump is one dump even when it takes several
 * read() calls, and a store() that a written line goes to as words;
 * numbers are decimal or 0x-prefixed hex. A write fails with the
 * hypercall's errno when the hypervisor refused, so `echo ... > donate`
 * reports -ENOENT and friends directly. Files that answer a write ("hvc",
 * "touch", "query", "vm_create", "reclaim") keep the last answer for the
 * next read, one for everybody: it is a debug interface, used by one shell
 * at a time.
 * Another module adds its files the same way, with s2own_debugfs_add()
 * (the test module, s2own_test.ko, its storm and fuzz).
 * Only the ptdumps have file operations of their own: their text comes
 * whole from dump.c.
 *
 * vm<N>/ (ptdump, vcpus) follows the VMs vm.c tracks as live: after each
 * write that may create or destroy one, and when /dev/s2own (vmdev.c) did,
 * s2own_debugfs_vms_changed() asks vm.c which live and creates or removes
 * the directories to match. vm.c knows nothing of debugfs.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "debugfs.h"
#include "drv.h"
#include "fmt.h"

#define TEXT_START	SZ_16K
#define TEXT_MAX	SZ_16M

static struct dentry *root;
static u64 table_pages_at_load;	/* for stats: table_pages_used_at_load */

/* vm<N>/ of each live VM; under vm_dirs_lock. */
static DEFINE_MUTEX(vm_dirs_lock);
static struct dentry *vm_dirs[S2OWN_MAX_VMS + 1];

/* The answers kept for reads; under answer_lock. */
static DEFINE_MUTEX(answer_lock);
static char vm_create_answer[16] = "0\n";
static char hvc_answer[160] = "none\n";
static char touch_answer[96] = "none\n";
static char query_answer[160] = "none\n";
static char reclaim_answer[64] = "none\n";

/* --- snapshots and lines ------------------------------------------------ */

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

/* Snapshot a show()'s text, growing the buffer until it fits. */
static int text_open(struct file *file, size_t (*show)(char *buf, size_t size))
{
	size_t size = TEXT_START, len;
	char *buf;

	for (;;) {
		buf = kvmalloc(size, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
		len = show(buf, size);
		/* scnprintf() stops one short of the end when it truncates. */
		if (len + 1 < size || size >= TEXT_MAX)
			break;
		kvfree(buf);
		size *= 2;
	}
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
		if (n == S2OWN_MAX_WORDS)
			return -EINVAL;
		words[n++] = w;
	}
	return n;
}

/* --- struct s2own_file -------------------------------------------------- */

static int file_open(struct inode *inode, struct file *file)
{
	const struct s2own_file *f = inode->i_private;
	int ret = 0;

	file->private_data = NULL;
	if (!try_module_get(f->owner))
		return -ENODEV;
	/* A read snapshots at open, so only an open for reading does. */
	if (f->show && !(f->store && (file->f_mode & FMODE_WRITE)))
		ret = text_open(file, f->show);
	if (ret)
		module_put(f->owner);
	return ret;
}

static ssize_t file_read(struct file *file, char __user *ubuf, size_t count,
			 loff_t *ppos)
{
	const struct s2own_file *f = file_inode(file)->i_private;

	return f->show ? text_read(file, ubuf, count, ppos) : -EINVAL;
}

static ssize_t file_write(struct file *file, const char __user *ubuf,
			  size_t count, loff_t *ppos)
{
	const struct s2own_file *f = file_inode(file)->i_private;
	char buf[128], *w[S2OWN_MAX_WORDS];
	int n;

	if (!f->store)
		return -EINVAL;
	n = get_words(ubuf, count, buf, sizeof(buf), w);
	n = n < 0 ? n : f->store(w, n);
	return n < 0 ? n : count;
}

static int file_release(struct inode *inode, struct file *file)
{
	const struct s2own_file *f = inode->i_private;

	text_release(inode, file);
	module_put(f->owner);
	return 0;
}

/* Every file of the directory: snapshot at open, read, maybe write. */
#define TEXT_FOPS(_open, _read, _write, _release)                             \
	{ .owner = THIS_MODULE, .open = (_open), .read = (_read),             \
	  .write = (_write), .release = (_release), .llseek = default_llseek }

static const struct file_operations file_fops =
	TEXT_FOPS(file_open, file_read, file_write, file_release);

/**
 * s2own_debugfs_add() - add a file to /sys/kernel/debug/s2own/.
 * @file: what it shows and does; must outlive the file
 *
 * The file goes with debugfs_remove() of what this returns, or with the
 * directory when the driver unloads (a module using this one unloads
 * first).
 *
 * Return: the file's dentry, or an ERR_PTR().
 */
struct dentry *s2own_debugfs_add(const struct s2own_file *file)
{
	umode_t mode = (file->show ? 0400 : 0) | (file->store ? 0200 : 0);

	if (!root)
		return ERR_PTR(-ENODEV);
	return debugfs_create_file(file->name, mode, root, (void *)file,
				   &file_fops);
}
EXPORT_SYMBOL_GPL(s2own_debugfs_add);

/* --- the files ---------------------------------------------------------- */

static int get_u64(const char *word, u64 *val)
{
	return kstrtou64(word, 0, val);
}

static int get_handle(const char *word, int *handle)
{
	return kstrtoint(word, 0, handle);
}

/* One word, a pfn or @word: 1 for @word (*@pfn is then 0), else 0. */
static int get_pfn_or(char **w, int n, const char *word, u64 *pfn)
{
	*pfn = 0;
	if (n != 1)
		return -EINVAL;
	if (!strcmp(w[0], word))
		return 1;
	return get_u64(w[0], pfn) ? -EINVAL : 0;
}

/* A kept answer: set by a write, shown by the next reads. */
static void answer_set(char *answer, size_t size, const char *str)
{
	mutex_lock(&answer_lock);
	strscpy(answer, str, size);
	mutex_unlock(&answer_lock);
}

static size_t answer_show(char *buf, size_t size, const char *answer)
{
	size_t len;

	mutex_lock(&answer_lock);
	len = scnprintf(buf, size, "%s", answer);
	mutex_unlock(&answer_lock);
	return len;
}

static int vm_create_store(char **w, int n)
{
	char str[sizeof(vm_create_answer)];
	int ret = s2own_vm_new();

	s2own_debugfs_vms_changed();
	if (ret > 0) {
		snprintf(str, sizeof(str), "%d\n", ret);
		answer_set(vm_create_answer, sizeof(vm_create_answer), str);
	}
	return ret;
}

static size_t vm_create_show(char *buf, size_t size)
{
	return answer_show(buf, size, vm_create_answer);
}

static int vm_destroy_store(char **w, int n)
{
	int handle, ret;

	if (n != 1 || get_handle(w[0], &handle))
		return -EINVAL;
	ret = s2own_vm_kill(handle);
	s2own_debugfs_vms_changed();
	return ret;
}

static int donate_store(char **w, int n)
{
	bool chunk = false;
	int handle, ret;
	u64 nr;

	if (n < 2 || n > 3 || get_handle(w[0], &handle) || get_u64(w[1], &nr) ||
	    nr > UINT_MAX)
		return -EINVAL;
	if (n == 3 && !strcmp(w[2], "chunk"))
		chunk = true;
	else if (n == 3 && strcmp(w[2], "scatter"))
		return -EINVAL;
	ret = s2own_donate(handle, nr, chunk);
	s2own_debugfs_vms_changed();	/* a VM made through hvc is adopted */
	return ret;
}

static int reclaim_store(char **w, int n)
{
	bool keep = n == 2 && !strcmp(w[1], "keep");
	char str[sizeof(reclaim_answer)];
	int handle, ret;
	u64 pages;

	if (n < 1 || n > 2 || (n == 2 && !keep) || get_handle(w[0], &handle))
		return -EINVAL;
	ret = s2own_reclaim_vm(handle, keep, &pages);
	snprintf(str, sizeof(str), "vm %d pages %llu %s\n", handle, pages,
		 ret ? s2own_errname(ret) : "0");
	answer_set(reclaim_answer, sizeof(reclaim_answer), str);
	return ret;
}

static size_t reclaim_show(char *buf, size_t size)
{
	return answer_show(buf, size, reclaim_answer);
}

static int held_store(char **w, int n)
{
	s2own_release_held();
	return 0;
}

static int share_store(char **w, int n)
{
	u64 pfn;
	int alloc = get_pfn_or(w, n, "alloc", &pfn);

	return alloc < 0 ? alloc : s2own_share_pfn(pfn, alloc, &pfn);
}

static int unshare_store(char **w, int n)
{
	u64 pfn;
	int all = get_pfn_or(w, n, "all", &pfn);

	return all < 0 ? all : s2own_unshare_pfn(pfn, all);
}

static size_t stats_show(char *buf, size_t size)
{
	struct s2own_stats st;
	size_t len = 0;
	int ret;

	ret = s2own_read_stats(&st);
	if (ret)
		len += scnprintf(buf, size, "error %d\n", ret);
	else
		len += s2own_fmt_stats(buf, size, &st);
	len += scnprintf(buf + len, size - len, "table_pages_used_at_load %llu\n",
			 table_pages_at_load);
	len += s2own_vm_state_fmt(buf + len, size - len);
	len += s2own_hvc_stats_fmt(buf + len, size - len);
	return len;
}

static int hvc_store(char **w, int n)
{
	struct s2own_hvc_res res;
	char str[sizeof(hvc_answer)];
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
	snprintf(str, sizeof(str), "0x%lx 0x%lx 0x%lx 0x%lx %ld %s\n",
		 res.regs.a0, res.regs.a1, res.regs.a2, res.regs.a3, ret,
		 s2own_errname(ret));
	answer_set(hvc_answer, sizeof(hvc_answer), str);
	return 0;
}

static size_t hvc_show(char *buf, size_t size)
{
	return answer_show(buf, size, hvc_answer);
}

static int touch_store(char **w, int n)
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
	answer_set(touch_answer, sizeof(touch_answer), str);
	return 0;
}

static size_t touch_show(char *buf, size_t size)
{
	return answer_show(buf, size, touch_answer);
}

static const char *const owners[] = { "host", "hyp", "guest", "none" };
static const char *const pstates[] = { "owned", "shared_owned",
				       "shared_borrowed", "nopage" };

static const char *name_of(const char *const *names, unsigned int nr,
			   unsigned int i)
{
	return i < nr ? names[i] : "?";
}

static int query_store(char **w, int n)
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
	answer_set(query_answer, sizeof(query_answer), str);
	return ret < 0 ? (int)ret : 0;
}

static size_t query_show(char *buf, size_t size)
{
	return answer_show(buf, size, query_answer);
}

static const struct s2own_file files[] = {
	S2OWN_FILE("vm_create", vm_create_show, vm_create_store),
	S2OWN_FILE("vm_destroy", NULL, vm_destroy_store),
	S2OWN_FILE("vm", s2own_vms_fmt, NULL),
	S2OWN_FILE("donate", NULL, donate_store),
	S2OWN_FILE("reclaim", reclaim_show, reclaim_store),
	S2OWN_FILE("held", s2own_held_fmt, held_store),
	S2OWN_FILE("share", s2own_shared_fmt, share_store),
	S2OWN_FILE("unshare", NULL, unshare_store),
	S2OWN_FILE("stats", stats_show, NULL),
	S2OWN_FILE("hvc", hvc_show, hvc_store),
	S2OWN_FILE("touch", touch_show, touch_store),
	S2OWN_FILE("query", query_show, query_store),
};

/* --- ptdumps and vCPUs --------------------------------------------------- */

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

static const struct file_operations ptdump_fops =
	TEXT_FOPS(ptdump_open, text_read, NULL, text_release);

/* vm<N>/vcpus: the VM's counters, then one line per vCPU. */
static int vcpus_open(struct inode *inode, struct file *file)
{
	int handle = (int)(long)inode->i_private;
	unsigned int i, nr, index[S2OWN_MAX_VCPUS];
	struct s2own_vcpu_counts *cc;
	struct s2own_vm_counts vc;
	size_t len, size = SZ_4K;
	char *buf;
	int ret;

	cc = kcalloc(S2OWN_MAX_VCPUS, sizeof(*cc), GFP_KERNEL);
	buf = kvmalloc(size, GFP_KERNEL);
	ret = cc && buf ? s2own_vm_counts(handle, &vc, cc, index, &nr) :
			  -ENOMEM;
	if (!ret) {
		len = s2own_fmt_vm_counts(buf, size, &vc);
		for (i = 0; i < nr; i++)
			len += s2own_fmt_vcpu_counts(buf + len, size - len,
						     index[i], &cc[i]);
		ret = text_set(file, buf, len);
		buf = NULL;
	}
	kvfree(buf);
	kfree(cc);
	return ret;
}

static const struct file_operations vcpus_fops =
	TEXT_FOPS(vcpus_open, text_read, NULL, text_release);

/**
 * s2own_debugfs_vms_changed() - VMs may have come or gone: make vm<N>/
 * exist for exactly the VMs vm.c tracks as live.
 */
void s2own_debugfs_vms_changed(void)
{
	DECLARE_BITMAP(live, S2OWN_MAX_VMS + 1);
	char name[16];
	int h;

	s2own_vms_live(live);
	mutex_lock(&vm_dirs_lock);
	if (!root) {
		mutex_unlock(&vm_dirs_lock);
		return;
	}
	for (h = 1; h <= S2OWN_MAX_VMS; h++) {
		if (test_bit(h, live) == !!vm_dirs[h])
			continue;
		if (vm_dirs[h]) {
			debugfs_remove(vm_dirs[h]);
			vm_dirs[h] = NULL;
			continue;
		}
		snprintf(name, sizeof(name), "vm%d", h);
		vm_dirs[h] = debugfs_create_dir(name, root);
		debugfs_create_file("ptdump", 0400, vm_dirs[h], (void *)(long)h,
				    &ptdump_fops);
		debugfs_create_file("vcpus", 0400, vm_dirs[h], (void *)(long)h,
				    &vcpus_fops);
	}
	mutex_unlock(&vm_dirs_lock);
}

/**
 * s2own_debugfs_init() - create /sys/kernel/debug/s2own/.
 * @table_pages_used: the hypervisor's table pages in use when the driver
 *                    loaded, for the stats file
 *
 * Return: 0 or a negative errno.
 */
int s2own_debugfs_init(u64 table_pages_used)
{
	unsigned int i;

	table_pages_at_load = table_pages_used;
	root = debugfs_create_dir(S2OWN_NAME, NULL);
	if (IS_ERR(root))
		return PTR_ERR(root);
	for (i = 0; i < ARRAY_SIZE(files); i++)
		s2own_debugfs_add(&files[i]);
	debugfs_create_file("ptdump", 0400, root, NULL, &ptdump_fops);
	return 0;
}

/**
 * s2own_debugfs_exit() - remove /sys/kernel/debug/s2own/, waiting for
 * the file operations in progress.
 */
void s2own_debugfs_exit(void)
{
	mutex_lock(&vm_dirs_lock);
	debugfs_remove(root);
	root = NULL;
	memset(vm_dirs, 0, sizeof(vm_dirs));
	mutex_unlock(&vm_dirs_lock);
}
