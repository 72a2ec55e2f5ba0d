// SPDX-License-Identifier: GPL-2.0-only
/*
 * MMIO from the guest.
 */
#include "guest.h"

#define LOAD(op, insn)							\
	case op:							\
		asm volatile(insn ", [%1]" : "=r" (v) : "r" (ipa) : "memory"); \
		break
#define STORE(op, insn)							\
	case op:							\
		asm volatile(insn ", [%1]" : : "r" (val), "r" (ipa) : "memory"); \
		break

/**
 * mmio_access() - one load or store the syndrome describes (ISV = 1):
 * a single register, no writeback.
 * @op: the instruction
 * @ipa: the address
 * @val: what a store writes
 *
 * Return: what a load read; @val for a store.
 */
u64 mmio_access(enum mmio_op op, u64 ipa, u64 val)
{
	u64 v = val;

	switch (op) {
	LOAD(MMIO_LDRB, "ldrb	%w0");
	LOAD(MMIO_LDRH, "ldrh	%w0");
	LOAD(MMIO_LDR32, "ldr	%w0");
	LOAD(MMIO_LDR64, "ldr	%x0");
	LOAD(MMIO_LDRSB64, "ldrsb	%x0");
	LOAD(MMIO_LDRSH32, "ldrsh	%w0");
	LOAD(MMIO_LDRSW, "ldrsw	%x0");
	STORE(MMIO_STRB, "strb	%w0");
	STORE(MMIO_STRH, "strh	%w0");
	STORE(MMIO_STR32, "str	%w0");
	STORE(MMIO_STR64, "str	%x0");
	}
	return v;
}
