/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * s2own host driver: what its files share, and what it exports to the
 * modules built on it (the test module, tests/qemu/hvc-test/).
 *
 * hvc.c     the functions that issue hypercalls, and their counters
 * dump.c    the buffer shared with the hypervisor for S2OWN_HC_DUMP
 * fmt.c     dump records, statistics and counters as text (also built for
 *           the host by tests/test_fmt.c, so it uses nothing but
 *           snprintf; fmt.h)
 * vm.c      VMs, donations, vCPU pages, shares, reclaim: what the driver
 *           gave away, page by page
 * run.c     running a vCPU: S2OWN_HC_VCPU_RUN until an exit for the VMM
 * vmdev.c   /dev/s2own, the VMM's device: VM and vCPU fds, their ioctls
 *           (docs/guests.md; vmdev.h)
 * debugfs.c /sys/kernel/debug/s2own/ (docs/debugfs.md; debugfs.h)
 * trace.c   the hypervisor's trace buffers: Linux trace events and
 *           debugfs's trace/ (s2own_tracing.h); trace_fmt.c their text
 *           lines (plain C, as fmt.c; trace_fmt.h)
 * main.c    load checks, set-up and tear-down
 *
 * Who calls whom, never the other way round:
 *
 *   main.c    -> vmdev.c, debugfs.c, trace.c, vm.c, dump.c, hvc.c
 *   vmdev.c   -> run.c, vm.c, debugfs.c
 *   debugfs.c -> vm.c, dump.c, fmt.c, hvc.c
 *   trace.c   -> trace_fmt.c, hvc.c
 *   run.c     -> vm.c, hvc.c
 *   vm.c      -> hvc.c
 *   dump.c    -> fmt.c, hvc.c
 *   fmt.c, trace_fmt.c, hvc.c: nothing of the driver
 *
 * hvc.c runs trace.c's drain after every call through a hook that trace.c
 * sets (s2own_hvc_set_done_hook()), not by calling it.
 *
 * vm.c and run.c know nothing of debugfs or of files: debugfs.c asks vm.c
 * which VMs live (s2own_vms_live()) for the vm<N>/ directories, and is
 * told to look again (s2own_debugfs_vms_changed()) by its own writes and
 * by vmdev.c, the two places that create and destroy VMs. The test module
 * uses what is exported: s2own_hvc(), s2own_hvc_1_2() and the result
 * names, s2own_ptdump_text(), s2own_touch(), s2own_vms_lock_idle() and
 * s2own_debugfs_add().
 */
#ifndef S2OWN_DRV_H
#define S2OWN_DRV_H

#include <linux/arm-smccc.h>
#include <linux/types.h>

#include "fmt.h"
#include "s2own_abi.h"

#define S2OWN_NAME "s2own"

/* Where the driver puts guest memory: gfn 0x80000 is IPA 2 GiB. */
#define S2OWN_GFN_BASE		0x80000ULL
#define S2OWN_CHUNK_ORDER	9	/* 2 MiB: one level-2 block */
#define S2OWN_CHUNK_PAGES	(1UL << S2OWN_CHUNK_ORDER)

/* hvc.c: what a hypercall returned, decoded in one place. */
struct s2own_hvc_res {
	struct arm_smccc_res regs;	/* x0..x3 as the hypervisor left them */
	long ret;			/* 0, -errno, a handle; see s2own_hvc() */
	u64 out[2];			/* outputs: dump runs; query state, vm */
};

/* Result classes calls are counted in, in the order they are printed. */
enum {
	S2OWN_RES_OK,
	S2OWN_RES_EPERM,
	S2OWN_RES_ENOENT,
	S2OWN_RES_EAGAIN,
	S2OWN_RES_ENOMEM,
	S2OWN_RES_EBUSY,
	S2OWN_RES_EINVAL,
	S2OWN_RES_NOT_SUPPORTED,	/* -1 from an id the hypervisor lacks */
	S2OWN_RES_OTHER,
	S2OWN_NR_RES
};

long s2own_hvc(u32 func, u64 a1, u64 a2, u64 a3, u64 a4,
	       struct s2own_hvc_res *res);
long s2own_hvc_1_2(const struct arm_smccc_1_2_regs *args,
		   struct arm_smccc_1_2_regs *res);
unsigned int s2own_res_class(long ret, bool unknown);
const char *s2own_res_name(unsigned int res);
const char *s2own_errname(long ret);
size_t s2own_hvc_stats_fmt(char *buf, size_t size);
void s2own_hvc_set_done_hook(void (*fn)(void));

static inline long s2own_hvc0(u32 func, u64 a1, u64 a2, u64 a3, u64 a4)
{
	struct s2own_hvc_res res;

	return s2own_hvc(func, a1, a2, a3, a4, &res);
}

static inline long s2own_share_hyp(u64 pfn, u64 nr)
{
	return s2own_hvc0(S2OWN_HC_HOST_SHARE_HYP, pfn, nr, 0, 0);
}

static inline long s2own_unshare_hyp(u64 pfn, u64 nr)
{
	return s2own_hvc0(S2OWN_HC_HOST_UNSHARE_HYP, pfn, nr, 0, 0);
}

static inline long s2own_vm_destroy(int vm)
{
	return s2own_hvc0(S2OWN_HC_VM_DESTROY, vm, 0, 0, 0);
}

static inline long s2own_donate_guest(int vm, u64 pfn, u64 gfn, u64 nr)
{
	return s2own_hvc0(S2OWN_HC_HOST_DONATE_GUEST, vm, pfn, gfn, nr);
}

static inline long s2own_reclaim_guest(u64 pfn, u64 nr)
{
	return s2own_hvc0(S2OWN_HC_HOST_RECLAIM_GUEST, pfn, nr, 0, 0);
}

/* vm_pages.c: VMs' own pages, which the host gives them */
struct s2own_vm_pages {
	struct list_head pairs;		/* order 1: a VM, its stage-2 root */
	struct list_head topups;	/* the table caches' blocks */
};

void s2own_vm_pages_init(struct s2own_vm_pages *p);
bool s2own_vm_pages_empty(const struct s2own_vm_pages *p);
u64 s2own_vm_pages_held(struct s2own_vm_pages *p);
long s2own_vm_pages_create(struct s2own_vm_pages *p, u64 gfn, u64 nr,
			   u64 entry, u64 arg);
long s2own_vm_pages_topup(struct s2own_vm_pages *p, int handle);
long s2own_vm_pages_donate(struct s2own_vm_pages *p, int handle, u64 pfn,
			   u64 gfn, u64 nr);
long s2own_vm_pages_reclaim(struct s2own_vm_pages *p);

/* dump.c */
int s2own_dump_init(void);
void s2own_dump_exit(void);
int s2own_ptdump_text(int handle, char **text, size_t *len);
int s2own_read_stats(struct s2own_stats *st);

/* vm.c */
struct s2own_vm;

/**
 * struct s2own_vcpu - a vCPU of a VM made through /dev/s2own.
 * @vm: its VM, which owns it (vm.c)
 * @index: the hypervisor's number for it
 * @page: the host page that holds its state at EL2; NULL once reclaimed
 *        (vm.c, under its lock)
 * @running: bit 0 set while a RUN is in progress (run.c)
 * @counts: run.c's counters; only the runner writes them, so a reader
 *          (debugfs) gets a snapshot that may be mid-run
 */
struct s2own_vcpu {
	struct s2own_vm *vm;
	unsigned int index;
	struct page *page;
	unsigned long running;
	struct s2own_vcpu_counts counts;
};

/* Pages one S2OWN_DONATE may pin at most: 1 GiB. */
#define S2OWN_DONATE_MAX	(1UL << 18)

struct s2own_vm *s2own_vm_open(const struct s2own_vm_params *p);
void s2own_vm_hold(struct s2own_vm *vm);
void s2own_vm_drop(struct s2own_vm *vm);
int s2own_vm_handle(const struct s2own_vm *vm);
struct s2own_vcpu *s2own_vm_add_vcpu(struct s2own_vm *vm);
int s2own_vm_donate_user(struct s2own_vm *vm, struct s2own_donation *d);
u64 s2own_vm_relinquished(struct s2own_vm *vm, u64 gfn, u64 nr);
int s2own_vm_topped_up(struct s2own_vm *vm);
int s2own_vm_destroy_own(struct s2own_vm *vm);
int s2own_vm_reclaim_own(struct s2own_vm *vm, struct s2own_reclaim *rc);
int s2own_vm_run_begin(struct s2own_vm *vm);
void s2own_vm_run_end(struct s2own_vm *vm);
int s2own_vm_counts(int handle, struct s2own_vm_counts *vc,
		    struct s2own_vcpu_counts *cc, unsigned int *index,
		    unsigned int *nr);
int s2own_vm_new(void);
int s2own_vm_kill(int handle);
int s2own_donate(int handle, unsigned int nr, bool chunk);
int s2own_reclaim_vm(int handle, bool keep, u64 *pages);
void s2own_release_held(void);
int s2own_share_pfn(u64 pfn, bool alloc, u64 *shared);
int s2own_unshare_pfn(u64 pfn, bool all);
size_t s2own_vms_fmt(char *buf, size_t size);
size_t s2own_shared_fmt(char *buf, size_t size);
size_t s2own_held_fmt(char *buf, size_t size);
size_t s2own_vm_state_fmt(char *buf, size_t size);
void s2own_vms_live(unsigned long *live);
int s2own_vms_lock_idle(void);
void s2own_vms_unlock(void);
void s2own_vms_exit(void);

/*
 * Read 8 bytes of a page through the linear map without oopsing when the
 * stage-2 refuses it (the hypervisor injects an abort that the exception
 * fixups turn into -EFAULT). -EINVAL if @pfn has no struct page.
 */
int s2own_touch(u64 pfn, u64 *val);

/* run.c */
int s2own_vcpu_run(struct s2own_vcpu *vcpu, struct s2own_run *run);

#endif /* S2OWN_DRV_H */
