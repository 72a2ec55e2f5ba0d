// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/s2own: the VMM's device, in the style of KVM's (docs/guests.md).
 *
 *   /dev/s2own   S2OWN_CREATE_VM                      -> a VM fd
 *   VM fd        S2OWN_CREATE_VCPU                    -> a vCPU fd
 *                S2OWN_DONATE, S2OWN_DESTROY_VM, S2OWN_RECLAIM (what the
 *                guest relinquished; all of it once destroyed)
 *   vCPU fd      S2OWN_RUN
 *
 * The fds are anonymous inodes; each holds its VM (vm.c), and the last
 * one to close destroys the VM and reclaims all it holds, so a VMM that
 * dies leaves nothing behind. This file only moves arguments between the
 * VMM and vm.c and run.c, and tells debugfs.c when VMs come and go: the
 * books are vm.c's, the runs run.c's.
 *
 * /proc/<pid>/fdinfo/<fd> of a VM fd says "s2own-vm: <handle>" (a vCPU
 * fd's also "s2own-vcpu: <index>"): the hypervisor's numbers, which
 * debugfs's vm<N>/ and the hypervisor's messages use.
 *
 * The device is root's (0600): a VMM pins memory and runs guests.
 */
#include <linux/anon_inodes.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "debugfs.h"
#include "drv.h"
#include "vmdev.h"

/* The fds' operations: every one an ioctl interface and nothing else. */
#define VMDEV_FOPS(_fdinfo, _ioctl, _release)                                 \
	{ .owner = THIS_MODULE, .show_fdinfo = (_fdinfo),                     \
	  .unlocked_ioctl = (_ioctl), .release = (_release),                  \
	  .llseek = noop_llseek }

static long vcpu_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct s2own_vcpu *vcpu = file->private_data;
	void __user *argp = (void __user *)arg;
	struct s2own_run run;
	int ret;

	if (cmd != S2OWN_RUN)
		return -ENOTTY;
	if (copy_from_user(&run, argp, sizeof(run)))
		return -EFAULT;
	ret = s2own_vcpu_run(vcpu, &run);
	if (copy_to_user(argp, &run, sizeof(run)))
		return -EFAULT;
	return ret;
}

static int vcpu_release(struct inode *inode, struct file *file)
{
	struct s2own_vcpu *vcpu = file->private_data;

	s2own_vm_drop(vcpu->vm);
	s2own_debugfs_vms_changed();
	return 0;
}

static void vcpu_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct s2own_vcpu *vcpu = file->private_data;

	seq_printf(m, "s2own-vm:\t%d\ns2own-vcpu:\t%u\n",
		   s2own_vm_handle(vcpu->vm), vcpu->index);
}

static const struct file_operations vcpu_fops =
	VMDEV_FOPS(vcpu_show_fdinfo, vcpu_ioctl, vcpu_release);

static int create_vcpu(struct s2own_vm *vm)
{
	struct s2own_vcpu *vcpu = s2own_vm_add_vcpu(vm);
	int fd;

	if (IS_ERR(vcpu))
		return PTR_ERR(vcpu);
	/* The vCPU stays the VM's, and is reclaimed with it, if this fails. */
	s2own_vm_hold(vm);
	fd = anon_inode_getfd("s2own-vcpu", &vcpu_fops, vcpu,
			      O_RDWR | O_CLOEXEC);
	if (fd < 0)
		s2own_vm_drop(vm);
	return fd;
}

/* The struct goes back whatever the call did: it says what changed. */
static int donate(struct s2own_vm *vm, void __user *argp)
{
	struct s2own_donation d;
	int ret;

	if (copy_from_user(&d, argp, sizeof(d)))
		return -EFAULT;
	ret = s2own_vm_donate_user(vm, &d);
	if (copy_to_user(argp, &d, sizeof(d)))
		return -EFAULT;
	return ret;
}

static int reclaim(struct s2own_vm *vm, void __user *argp)
{
	struct s2own_reclaim r;
	int ret;

	if (copy_from_user(&r, argp, sizeof(r)))
		return -EFAULT;
	ret = s2own_vm_reclaim_own(vm, &r);
	if (copy_to_user(argp, &r, sizeof(r)))
		return -EFAULT;
	return ret;
}

static long vm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct s2own_vm *vm = file->private_data;
	void __user *argp = (void __user *)arg;
	int ret;

	switch (cmd) {
	case S2OWN_CREATE_VCPU:
		return create_vcpu(vm);
	case S2OWN_DONATE:
		return donate(vm, argp);
	case S2OWN_DESTROY_VM:
		ret = s2own_vm_destroy_own(vm);
		s2own_debugfs_vms_changed();
		return ret;
	case S2OWN_RECLAIM:
		return reclaim(vm, argp);
	}
	return -ENOTTY;
}

static int vm_release(struct inode *inode, struct file *file)
{
	s2own_vm_drop(file->private_data);
	s2own_debugfs_vms_changed();
	return 0;
}

static void vm_show_fdinfo(struct seq_file *m, struct file *file)
{
	seq_printf(m, "s2own-vm:\t%d\n", s2own_vm_handle(file->private_data));
}

static const struct file_operations vm_fops =
	VMDEV_FOPS(vm_show_fdinfo, vm_ioctl, vm_release);

static int create_vm(void __user *argp)
{
	struct s2own_vm_params p;
	struct s2own_vm *vm;
	int fd;

	if (copy_from_user(&p, argp, sizeof(p)))
		return -EFAULT;
	vm = s2own_vm_open(&p);
	if (IS_ERR(vm))
		return PTR_ERR(vm);
	fd = anon_inode_getfd("s2own-vm", &vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		s2own_vm_drop(vm);
	s2own_debugfs_vms_changed();
	return fd;
}

static long dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	if (cmd == S2OWN_CREATE_VM)
		return create_vm((void __user *)arg);
	return -ENOTTY;
}

static const struct file_operations dev_fops =
	VMDEV_FOPS(NULL, dev_ioctl, NULL);

static struct miscdevice dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = S2OWN_NAME,
	.fops = &dev_fops,
	.mode = 0600,
};

/**
 * s2own_vmdev_init() - create /dev/s2own.
 *
 * Return: 0 or a negative errno.
 */
int s2own_vmdev_init(void)
{
	return misc_register(&dev);
}

/**
 * s2own_vmdev_exit() - remove /dev/s2own. No VM or vCPU fd is open: each
 * holds the module.
 */
void s2own_vmdev_exit(void)
{
	misc_deregister(&dev);
}
