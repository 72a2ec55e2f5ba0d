/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Link the EL2 image where QEMU loads an arm64 Image: RAM + 2 MiB. EL2
 * runs identity-mapped, so link address = physical address. Section
 * boundaries are page aligned so that mmu.c can map .text read-only and
 * executable and everything else execute-never.
 */
#include "hyp.h"

OUTPUT_ARCH(aarch64)
ENTRY(_start)

SECTIONS
{
	. = HYP_LOAD_ADDR;
	.head.text : { KEEP(*(.head.text)) }
	.text : { *(.text .text.*) }
	. = ALIGN(4096);
	__text_end = .;

	.rodata : { *(.rodata .rodata.*) }
	. = ALIGN(4096);
	__rodata_end = .;

	.data : {
		*(.data .data.*)
		*(.got .got.plt .igot.plt)
	}
	. = ALIGN(16);
	__bss_start = .;
	.bss : { *(.bss .bss.*) *(COMMON) }
	. = ALIGN(4096);
	__bss_end = .;
	__image_end = .;
	__image_size = __image_end - _start;

	/DISCARD/ : {
		*(.comment) *(.note .note.*) *(.eh_frame .eh_frame_hdr)
		*(.interp) *(.dynamic) *(.dynsym) *(.dynstr) *(.hash)
		*(.gnu.hash)
	}
}
ASSERT(__bss_end == __image_end, "bss must end the image")
