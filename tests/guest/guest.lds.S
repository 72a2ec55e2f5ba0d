/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest runs with its MMU off, so link address = IPA: the RAM base,
 * where the VMM loads s2own-guest.bin and vCPU 0 starts. The file ends on
 * a page boundary (the VMM donates whole pages, the checksum reads whole
 * words); .bss and the stacks follow, in RAM the VMM may donate on demand.
 *
 * Nothing the image holds is ever written: all mutable state is in .bss,
 * so RESULT's checksum over the image is one the VMM can compute from the
 * file.
 */
#include "guest.h"

OUTPUT_ARCH(aarch64)
ENTRY(_start)

SECTIONS
{
	. = S2OWN_GUEST_RAM_BASE;
	.head.text : { KEEP(*(.head.text)) }
	.text : { *(.text .text.*) }
	.rodata : { *(.rodata .rodata.*) }
	/* Empty but for the padding to the end of the file's last page. */
	.data : {
		__data_start = .;
		*(.data .data.*) *(.got .got.plt)
		__data_end = .;
		. = ALIGN(GUEST_PAGE_SIZE);
	}
	__image_end = .;

	.bss (NOLOAD) : {
		__bss_start = .;
		*(.bss .bss.*) *(COMMON)
		. = ALIGN(16);
		__bss_end = .;
	}
	.stacks (NOLOAD) : { *(.stacks) }
	__guest_end = .;

	/DISCARD/ : { *(.comment) *(.note .note.*) }
}
ASSERT(_start == S2OWN_GUEST_RAM_BASE, "the entry must be the first byte")
ASSERT(__data_end == __data_start, "no .data: the image is never written")
ASSERT(__guest_end <= S2OWN_GUEST_RAM_BASE + S2OWN_GUEST_IMAGE_MAX,
       "image, .bss and stacks must end below S2OWN_GUEST_SECRET_BASE")
