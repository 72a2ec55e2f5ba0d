// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CPU_ON check (docs/debugfs.md, "cpu_on_mmio"): a CPU that the host
 * starts through PSCI CPU_ON, with Linux's back turned (the CPU offline),
 * at code that fetches an instruction from MMIO. Device memory is mapped
 * execute-never at stage 2, so the fetch can never succeed: the
 * hypervisor must make the CPU take an instruction abort at EL1, where
 * the code's own vector (cpu_on_mmio_tramp.S) records it and powers the
 * CPU off.
 * A hypervisor that resumed the fetch instead would have the CPU fault
 * forever, and Linux could never start it again.
 *
 * Write "MPIDR ADDRESS" (the CPU, offline; the MMIO address it fetches
 * from); the write fails with -ETIMEDOUT if no abort came within 2 s, and
 * leaves the CPU's page to it. Read: "esr X elr X far X off N" of the last
 * run (off: AFFINITY_INFO said the CPU is off again).
 */
#include <asm/cacheflush.h>
#include <linux/arm-smccc.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/libnvdimm.h>
#include <linux/mm.h>
#include <linux/psci.h>
#include <linux/string.h>
#include <uapi/linux/psci.h>

#include "hvc_test.h"

extern const u8 s2own_mmio_entry[], s2own_mmio_entry_end[];
extern const u64 s2own_mmio_mailbox;

/* The mailbox: what the CPU's vector writes. */
struct mmio_mailbox {
	u64 esr, elr, far, done;
};

static struct {
	struct mmio_mailbox seen;
	bool off;
} last;

static unsigned long psci_smc(u32 fn, u64 a1, u64 a2, u64 a3)
{
	struct arm_smccc_res res;

	arm_smccc_smc(fn, a1, a2, a3, 0, 0, 0, 0, &res);
	return res.a0;
}

/**
 * s2own_cpu_on_mmio() - start an offline CPU at a fetch from MMIO and
 * wait for the abort it must take.
 * @mpidr: the CPU, offline.
 * @fetch: the MMIO address it fetches from.
 *
 * Return: 0 once its vector recorded the abort and it is off again;
 * -EIO if CPU_ON failed, -ETIMEDOUT if no abort came (the page is left to
 * the CPU) or it did not power off, -ENOMEM.
 */
int s2own_cpu_on_mmio(u64 mpidr, u64 fetch)
{
	size_t size = s2own_mmio_entry_end - s2own_mmio_entry;
	struct mmio_mailbox *box;
	struct page *page;
	unsigned long ret;
	void *va;
	int i;

	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page)
		return -ENOMEM;
	va = page_address(page);
	memcpy(va, s2own_mmio_entry, size);
	box = va + s2own_mmio_mailbox;
	/* The CPU runs it with its MMU (and so its data caches) off. */
	arch_wb_cache_pmem(va, PAGE_SIZE);
	caches_clean_inval_pou((unsigned long)va, (unsigned long)va + size);
	memset(&last, 0, sizeof(last));
	ret = psci_smc(PSCI_0_2_FN64_CPU_ON, mpidr, page_to_phys(page), fetch);
	if (ret) {
		__free_page(page);
		pr_err("s2own_test: cpu_on_mmio: CPU_ON(%llx) returned %ld\n",
		       mpidr, (long)ret);
		return -EIO;
	}
	for (i = 0; i < 200 && !READ_ONCE(box->done); i++) {
		msleep(10);
		arch_invalidate_pmem(box, sizeof(*box));
	}
	if (!READ_ONCE(box->done)) {
		/* Still running there, maybe: the page is its for good. */
		pr_err("s2own_test: cpu_on_mmio: no abort within 2 s\n");
		return -ETIMEDOUT;
	}
	last.seen = *box;
	/* It powers itself off: only then is the page free again. */
	for (i = 0; i < 200; i++) {
		if (psci_smc(PSCI_0_2_FN64_AFFINITY_INFO, mpidr, 0, 0) ==
		    PSCI_0_2_AFFINITY_LEVEL_OFF) {
			last.off = true;
			__free_page(page);
			return 0;
		}
		msleep(10);
	}
	pr_err("s2own_test: cpu_on_mmio: the CPU did not power off\n");
	return -ETIMEDOUT;
}

/**
 * s2own_cpu_on_mmio_fmt() - what the last run saw, for the file's read.
 * @buf: where to write it.
 * @size: its size.
 *
 * Return: the length written.
 */
size_t s2own_cpu_on_mmio_fmt(char *buf, size_t size)
{
	return scnprintf(buf, size, "esr %#llx elr %#llx far %#llx off %d\n",
			 last.seen.esr, last.seen.elr, last.seen.far,
			 last.off);
}
