/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The arch interface: everything the portable core needs from the machine.
 *
 * Two backends implement it: hyp/arch.c (aarch64 EL2: real TLBI, DSB, DC
 * CVAC) and tests/fake_arch.c (host tests: a per-CPU TLB model and a
 * break-before-make checker). The core never issues an instruction of its
 * own, so the same object code semantics hold at EL2 and in tests.
 */
#ifndef S2OWN_ARCH_H
#define S2OWN_ARCH_H

#include "types.h"

/*
 * Where a descriptor lives, for backends that check the sequence of writes
 * (the host tests'). A backend that checks nothing (the EL2 one) is built
 * with S2O_ARCH_UNCHECKED: the core then computes no site at all, and the
 * struct does not even exist, so nothing can compute one by mistake.
 */
struct s2o_pte_site;
#ifndef S2O_ARCH_UNCHECKED
struct s2o_pte_site {
	u16 vmid;	/* stage-2 the descriptor belongs to */
	u8 level;	/* 0..3 */
	u64 ipa;	/* first IPA the descriptor translates */
};
#define S2O_SITE(vmid_, level_, ipa_)					\
	(&(struct s2o_pte_site){ .vmid = (vmid_), .level = (u8)(level_),	\
				  .ipa = (ipa_) })
#else
#define S2O_SITE(vmid_, level_, ipa_) ((const struct s2o_pte_site *)0)
#endif

/*
 * Atomically replace *@ptep by @new if it holds @old. Returns the value
 * found. Full barrier semantics (acquire + release, sequentially
 * consistent), see docs/walker-refcounts.md for why the walker needs it.
 * On success the backend makes @new visible to the hardware table walker
 * after every store that preceded the call (DSB ISHST on aarch64).
 */
u64 s2o_arch_pte_cmpxchg(u64 *ptep, u64 old, u64 new,
			 const struct s2o_pte_site *site);

/*
 * Fill a table page that no other CPU and no hardware walker can reach
 * yet (being set up before it is published): entry i = @first + i * @step.
 * One call per table, so that the fill is as fast as the machine allows.
 */
void s2o_arch_table_fill(u64 *table, u64 first, u64 step);

/* TLB invalidation, inner shareable, completed (DSB ISH) on return. */
/* Leaf and walk-cache entries for one descriptor at @level covering @ipa. */
void s2o_arch_tlbi_ipa(u16 vmid, u64 ipa, u32 level);
/* Every entry for [@ipa, @ipa + @size): used when a table is unlinked. */
void s2o_arch_tlbi_range(u16 vmid, u64 ipa, u64 size);
/* Every entry of one VMID: used when a whole stage-2 is torn down. */
void s2o_arch_tlbi_vmid(u16 vmid);

/* Write zeroes to the 4K page at physical address @pa. */
void s2o_arch_zero_page(u64 pa);
/*
 * Scrub the @nr 4K pages from @pa for their next owner: zeroes, cleaned
 * to the point of coherency (so no observer, DMA included, sees older
 * data). One call per range, so that it runs as fast as the machine
 * allows.
 */
void s2o_arch_scrub_pages(u64 pa, u64 nr);

/*
 * Table pages: the address the core dereferences for physical @pa. A
 * backend that maps RAM at VA == PA says so (S2O_ARCH_VA_IS_PA), and
 * every walk step saves a call.
 */
#ifdef S2O_ARCH_VA_IS_PA
static inline void *s2o_arch_table_va(u64 pa)
{
	return (void *)pa;
}
#else
void *s2o_arch_table_va(u64 pa);
#endif

/*
 * A table page goes back to the pool: no descriptor points to it and no
 * walker holds it. Checking backends verify no TLB can still walk it.
 */
void s2o_arch_table_freed(u64 pa);

/*
 * Called by CPUs spinning on a contended descriptor or lock. A spinning
 * CPU has read nothing new since its last call unless another CPU wrote
 * meanwhile: a controlled scheduler (S2O_ARCH_SCHED) runs another CPU.
 */
void s2o_arch_cpu_relax(void);

/* What an access to memory other CPUs share does: see s2o_arch_access(). */
enum s2o_access {
	S2O_ACCESS_LOAD,
	S2O_ACCESS_STORE,
	S2O_ACCESS_RMW,		/* read-modify-write, compare-and-swap */
};

/*
 * s2o_arch_access() - the core is about to access shared memory.
 * @addr: the location.
 * @size: its size in bytes.
 * @kind: enum s2o_access.
 *
 * Only a build with S2O_ARCH_SCHED has it: the host explorer
 * (tests/explore/), whose backend lets one CPU run at a time and chooses
 * at each such access which one goes on. Every atomic of atomic.h and
 * every descriptor access of the backend announces itself here first; in
 * every other build this is nothing at all.
 */
#ifdef S2O_ARCH_SCHED
void s2o_arch_access(const volatile void *addr, unsigned int size,
		     enum s2o_access kind);
#else
#define s2o_arch_access(addr, size, kind) ((void)0)
#endif

/*
 * The core reached a state its own checks rule out (a step that cannot
 * fail failed): stop. The EL2 backend panics; there is no build where
 * this check compiles away.
 */
void __attribute__((noreturn)) s2o_arch_bug(const char *file, int line);

#define S2O_BUG_ON(cond)						\
	do {								\
		if (cond)						\
			s2o_arch_bug(__FILE__, __LINE__);		\
	} while (0)

#endif /* S2OWN_ARCH_H */
