/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracing from the core: its one interface to whoever records the events
 * (the EL2 ring buffers of hyp/trace.c, a test's log in tests/fake_arch.c).
 *
 * The backend switches event classes on and off in s2o_trace_mask; an
 * event point reads it with a relaxed load and calls the backend, out of
 * line, only when its class is on:
 *
 *	s2o_trace(S2OWN_TEV_SPLIT, level, vmid, 0, 0, ipa, old);
 *
 * Switched off, that is a load and a branch. The events, their fields and
 * what the backend does with them: abi/s2own_trace.h, docs/tracing.md. A
 * class switched on while other CPUs run takes effect on each CPU at its
 * next event point; nothing else depends on when.
 */
#ifndef S2OWN_CORE_TRACE_H
#define S2OWN_CORE_TRACE_H

#include "types.h"
#include "../abi/s2own_trace.h"

/* Bit S2OWN_TRACE_CLASS(ev) set: event ev is recorded. */
extern u32 s2o_trace_mask;

/*
 * A relaxed load, as the kernel's READ_ONCE(): volatile rather than
 * __atomic_load_n(), which keeps the compiler from folding the symbol's
 * offset into the load (adrp, add, ldr instead of adrp, ldr). An aligned
 * 32-bit load is single-copy atomic on every CPU the core runs on.
 */
static inline bool s2o_trace_on(unsigned int ev)
{
#ifdef S2O_NO_TRACE
	/* Compiled out: what tracing costs switched off, measured. */
	return false;
#else
	return __builtin_expect(*(volatile u32 *)&s2o_trace_mask &
					S2OWN_TRACE_CLASS(ev),
				0);
#endif
}

/*
 * The backend: record one event (struct s2own_trace_record's fields, the
 * timestamp its own). Called only while the event's class is on, from any
 * CPU, inside or outside the core's locks and claims: it must not call
 * into the core, and must never wait for anything but itself.
 */
void s2o_arch_trace(u8 ev, u8 info, u8 vm, s8 result, u32 nr, u64 addr,
		    u64 arg);

#define s2o_trace(ev, info, vm, result, nr, addr, arg)			\
	do {								\
		if (s2o_trace_on(ev))					\
			s2o_arch_trace((ev), (info), (vm), (result),	\
				       s2o_trace_nr(nr), (addr), (arg));	\
	} while (0)

/* The record's nr: a page count, saturated. */
static inline u32 s2o_trace_nr(u64 nr)
{
	return nr > 0xffffffffULL ? 0xffffffffU : (u32)nr;
}

/* The record's vm: a handle as the caller gave it, 0xff if none could be. */
static inline u8 s2o_trace_vm(s64 handle)
{
	return handle >= 0 && handle <= S2OWN_MAX_VMS ? (u8)handle : 0xff;
}

#endif /* S2OWN_CORE_TRACE_H */
