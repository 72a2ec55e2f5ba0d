/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * debugfs.c: /sys/kernel/debug/s2own/ (docs/debugfs.md), and how a file is
 * added to it, by the driver itself or by a module built on it (the test
 * module's storm and fuzz files).
 */
#ifndef S2OWN_DEBUGFS_H
#define S2OWN_DEBUGFS_H

#include <linux/module.h>
#include <linux/types.h>

struct dentry;

/* Most words a written line may have. */
#define S2OWN_MAX_WORDS	6

/**
 * struct s2own_file - a file of /sys/kernel/debug/s2own/.
 * @name: its name
 * @owner: the module of @show and @store, held while the file is open
 *         (S2OWN_FILE() sets it)
 * @show: writes what a read returns into @buf, @size bytes, and returns
 *        the length (scnprintf() style); called at open(), so a read is a
 *        snapshot. NULL for a write-only file.
 * @store: acts on a written line, split into @nr words (at most
 *         S2OWN_MAX_WORDS; 0 for an empty line); returns 0 or a negative
 *         errno, which the write returns. NULL for a read-only file.
 *
 * The mode follows: 0600 with both, 0400 or 0200 with one.
 */
struct s2own_file {
	const char *name;
	struct module *owner;
	size_t (*show)(char *buf, size_t size);
	int (*store)(char **words, int nr);
};

#define S2OWN_FILE(_name, _show, _store)                                      \
	{ .name = (_name), .owner = THIS_MODULE, .show = (_show),              \
	  .store = (_store) }

struct dentry *s2own_debugfs_add(const struct s2own_file *file);
int s2own_debugfs_init(u64 table_pages_used);
void s2own_debugfs_exit(void);
void s2own_debugfs_vms_changed(void);

#endif /* S2OWN_DEBUGFS_H */
