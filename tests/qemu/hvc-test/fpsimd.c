// SPDX-License-Identifier: GPL-2.0-only
/*
 * The FP/SIMD check: the host's FP/SIMD registers come back from a
 * guest's run exactly as they were (docs/debugfs.md, "fpsimd").
 *
 * Debian's kernel uses kernel-mode NEON, and between kernel_neon_begin()
 * and kernel_neon_end() nothing saves its registers for it: the
 * hypervisor must. So, in the kernel: create a VM whose one page holds a
 * tiny guest (fpsimd_guest.S) that writes every V register, FPCR and
 * FPSR and calls its VMM; kernel_neon_begin(); fill v0..v31, FPSR and
 * FPCR with a pattern; S2OWN_HC_VCPU_RUN until the guest's call (host
 * interrupts in between are served as they come); read them back;
 * kernel_neon_end(); destroy the VM and reclaim its page and the vCPU's.
 * The check passes if the guest ran (its call carries its own values)
 * and every host register kept the pattern.
 */
#include <asm/cacheflush.h>
#include <asm/neon.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/string.h>

#include "drv.h"
#include "hvc_test.h"

/* q0..q31, then FPSR and FPCR: what fpsimd_guest.S loads and saves. */
struct s2own_fp_regs {
	u8 q[32][16];
	u64 fpsr;
	u64 fpcr;
} __aligned(16);

extern const u8 s2own_fp_guest[], s2own_fp_guest_end[];
extern const u64 s2own_fp_guest_call;
asmlinkage void s2own_fp_load(const struct s2own_fp_regs *regs);
asmlinkage void s2own_fp_save(struct s2own_fp_regs *regs);

#define FP_GFN			S2OWN_GFN_BASE
/* Host interrupts while the guest runs: more than enough to get through. */
#define FP_MAX_ENTRIES		100000
/* What the guest puts in its d0, d31 and FPCR (fpsimd_guest.S). */
#define FP_GUEST_D0		0x8080808080808080ULL
#define FP_GUEST_D31		0x9f9f9f9f9f9f9f9fULL
#define FP_GUEST_FPCR		(1ULL << 24 | 1ULL << 22)
/* The host's FPSR (QC, IOC, OFC) and FPCR (DN, round towards -inf). */
#define FP_HOST_FPSR		0x08000005ULL
#define FP_HOST_FPCR		(1ULL << 25 | 2ULL << 22)

struct fp_run {
	int vm;
	struct s2own_vm_pages vm_pages;	/* the VM's own */
	long vcpu;
	struct page *page;	/* the guest's RAM */
	struct page *vpage;	/* the vCPU's state */
	bool page_given, vpage_given;
	u64 entries, irq_exits;
	long ret;
	struct arm_smccc_1_2_regs exit;
	struct s2own_fp_regs before, after;
	unsigned int changed;
	char first_changed[16];
	unsigned int reclaimed;
	char failure[96];
};

static DEFINE_MUTEX(fp_lock);
static char fp_report[768] = "state idle\n";

static __printf(2, 3) void fp_fail(struct fp_run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->failure[0])
		return;
	va_start(ap, fmt);
	vsnprintf(r->failure, sizeof(r->failure), fmt, ap);
	va_end(ap);
}

/* A VM with the guest in its one page, and one vCPU. */
static int fp_setup(struct fp_run *r)
{
	size_t size = s2own_fp_guest_end - s2own_fp_guest;
	struct s2own_hvc_res res;
	void *va;
	long ret;

	s2own_vm_pages_init(&r->vm_pages);
	r->vm = s2own_vm_pages_create(&r->vm_pages, FP_GFN, 1,
				      FP_GFN << PAGE_SHIFT, 0);
	if (r->vm <= 0) {
		fp_fail(r, "vm_create: %s", s2own_errname(r->vm));
		return -EIO;
	}
	r->page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	r->vpage = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!r->page || !r->vpage) {
		fp_fail(r, "no memory");
		return -ENOMEM;
	}
	va = page_address(r->page);
	memcpy(va, s2own_fp_guest, size);
	/*
	 * The guest fetches it as instructions. Its MMU is off, but stage 2
	 * forces write-back (the hypervisor runs no guest without FWB), so
	 * cleaning to the point of unification is enough.
	 */
	caches_clean_inval_pou((unsigned long)va, (unsigned long)va + size);
	ret = s2own_vm_pages_donate(&r->vm_pages, r->vm, page_to_pfn(r->page),
				    FP_GFN, 1);
	if (ret) {
		fp_fail(r, "donate_guest: %s", s2own_errname(ret));
		return -EIO;
	}
	r->page_given = true;
	r->vcpu = s2own_hvc(S2OWN_HC_VCPU_CREATE, r->vm,
			    page_to_pfn(r->vpage), 0, 0, &res);
	if (r->vcpu < 0) {
		fp_fail(r, "vcpu_create: %s",
			res.regs.a0 ? "NOT_SUPPORTED" : s2own_errname(r->vcpu));
		return -EIO;
	}
	r->vpage_given = true;
	return 0;
}

static void fp_pattern(struct s2own_fp_regs *regs)
{
	unsigned int n, i;

	for (n = 0; n < 32; n++)
		for (i = 0; i < 16; i++)
			regs->q[n][i] = (n << 4 | i) ^ 0x35;
	regs->fpsr = FP_HOST_FPSR;
	regs->fpcr = FP_HOST_FPCR;
}

/* The run itself: no C code in between uses FP (-mgeneral-regs-only). */
static void fp_run_guest(struct fp_run *r)
{
	struct arm_smccc_1_2_regs args = {
		.a0 = S2OWN_HC_VCPU_RUN, .a1 = r->vm, .a2 = r->vcpu,
	};
	static struct s2own_fp_regs want;

	fp_pattern(&want);
	kernel_neon_begin();
	s2own_fp_load(&want);
	s2own_fp_save(&r->before);	/* as the CPU keeps them */
	do {
		r->ret = s2own_hvc_1_2(&args, &r->exit);
		r->entries++;
		r->irq_exits += !r->ret && r->exit.a2 == S2OWN_EXIT_IRQ;
	} while (!r->ret && r->exit.a2 == S2OWN_EXIT_IRQ &&
		 r->entries < FP_MAX_ENTRIES);
	s2own_fp_save(&r->after);
	kernel_neon_end();
}

static void fp_compare(struct fp_run *r)
{
	unsigned int n;

	for (n = 0; n < 32; n++) {
		if (!memcmp(r->before.q[n], r->after.q[n], 16))
			continue;
		if (!r->changed++)
			snprintf(r->first_changed, sizeof(r->first_changed),
				 "q%u", n);
	}
	if (r->before.fpsr != r->after.fpsr && !r->changed++)
		strscpy(r->first_changed, "fpsr", sizeof(r->first_changed));
	if (r->before.fpcr != r->after.fpcr && !r->changed++)
		strscpy(r->first_changed, "fpcr", sizeof(r->first_changed));
	if (r->ret)
		fp_fail(r, "vcpu_run: %s", s2own_errname(r->ret));
	else if (r->exit.a2 != S2OWN_EXIT_HVC)
		fp_fail(r, "exit %lu, not HVC", r->exit.a2);
	else if (r->exit.a3 != s2own_fp_guest_call ||
		 r->exit.a4 != FP_GUEST_D0 || r->exit.a5 != FP_GUEST_D31 ||
		 r->exit.a6 != FP_GUEST_FPCR)
		fp_fail(r, "the guest's call is not what it wrote");
	if (r->changed)
		fp_fail(r, "host registers changed, %s first",
			r->first_changed);
}

/* Give a page back: reclaimed and zero, then freed; else leaked. */
static void fp_put_page(struct fp_run *r, struct page *page, bool given)
{
	long ret;

	if (!page)
		return;
	if (given) {
		ret = s2own_reclaim_guest(page_to_pfn(page), 1);
		if (ret) {
			fp_fail(r, "reclaim: %s", s2own_errname(ret));
			pr_err("%s: fpsimd: pfn 0x%lx not reclaimed: leaking it\n",
			       S2OWN_NAME, page_to_pfn(page));
			return;
		}
		if (memchr_inv(page_address(page), 0, PAGE_SIZE))
			fp_fail(r, "a reclaimed page is not zero");
		r->reclaimed++;
	}
	__free_page(page);
}

static void fp_teardown(struct fp_run *r)
{
	long ret;

	if (r->vm > 0) {
		ret = s2own_vm_destroy(r->vm);
		if (ret)
			fp_fail(r, "vm_destroy: %s", s2own_errname(ret));
		else if ((ret = s2own_vm_pages_reclaim(&r->vm_pages)))
			fp_fail(r, "the VM's own pages: %s",
				s2own_errname(ret));
	}
	fp_put_page(r, r->page, r->page_given);
	fp_put_page(r, r->vpage, r->vpage_given);
}

/**
 * s2own_fpsimd_run() - run the check once; the fpsimd file shows the
 * outcome.
 *
 * Return: 0 (the verdict is in the report), -EBUSY if one runs.
 */
int s2own_fpsimd_run(void)
{
	struct fp_run *r;

	if (!mutex_trylock(&fp_lock))
		return -EBUSY;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r) {
		mutex_unlock(&fp_lock);
		return -ENOMEM;
	}
	if (!fp_setup(r)) {
		fp_run_guest(r);
		fp_compare(r);
	}
	fp_teardown(r);
	snprintf(fp_report, sizeof(fp_report),
		 "state done\nvm %d\nentries %llu\nirq_exits %llu\n"
		 "exit %lu\nguest_call 0x%lx\nguest_d0 0x%lx\n"
		 "guest_d31 0x%lx\nguest_fpcr 0x%lx\n"
		 "host_registers_checked 34\nhost_registers_changed %u\n"
		 "first_changed %s\nreclaimed %u\n%s%s%sresult %s\n",
		 r->vm, r->entries, r->irq_exits, r->exit.a2, r->exit.a3,
		 r->exit.a4, r->exit.a5, r->exit.a6, r->changed,
		 r->changed ? r->first_changed : "none", r->reclaimed,
		 r->failure[0] ? "failure " : "", r->failure,
		 r->failure[0] ? "\n" : "", r->failure[0] ? "FAIL" : "PASS");
	kfree(r);
	mutex_unlock(&fp_lock);
	return 0;
}

/**
 * s2own_fpsimd_fmt() - the last run's report.
 * @buf: where to write
 * @size: its size
 *
 * Return: bytes written.
 */
size_t s2own_fpsimd_fmt(char *buf, size_t size)
{
	size_t len;

	mutex_lock(&fp_lock);
	len = scnprintf(buf, size, "%s", fp_report);
	mutex_unlock(&fp_lock);
	return len;
}
