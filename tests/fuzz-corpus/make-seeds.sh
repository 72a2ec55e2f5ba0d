#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Writes the seed inputs of tests/fuzz_core.c into this directory. The
# files are committed; rerun this after changing the input format, then
# check each with `make fuzz-trace FUZZ_INPUT=tests/fuzz-corpus/<name>.bin`
# (README.md has the traces). Each seed is its bytes in hex, one group per
# operation; plain sh and printf turn them into the file.
#
# Format (tests/fuzz_core.c has the details): byte 0 picks the pool (0:
# 512 pages, 8: 16, c: 4, e: 2, f: 1), then operations, each a kind byte
# K (low nibble: 0 fault, 1 touch, 2 share, 3 unshare, 4 donate_hyp,
# 5 hyp_donate_host, 6 donate_guest, 7 relinquish, 8 reclaim, 9 vm_create,
# a vm_destroy, b guest touch; bits 5:4 the CPU; 0x40 targeted; 0x80 2M
# aligned) and its fields, u16s little-endian:
#   pfn u16 = run << 14 | page in the run (run 0: 64 pages of hyp RAM,
#             then host RAM at 0x40; run 1: the 1G boundary at 0x578;
#             run 2: the end of RAM at 0x578, MMIO after; run 3: bad)
#   nr  byte: n < 0x40: n + 1 pages; 0x83: 512; 0x8b: 1024; 0xc0: 0
#   vm  byte: 0: the first live VM; 0xe1: handle -1
#   gfn u16 = region << 14 | mode << 12 | offset
#   ipa: mode byte (0-3 window page, 4 host RAM, 5 hyp RAM, 6 MMIO,
#        7 past 2^48; bits 7:3 the offset in the page / 128), then a u16
set -eu
cd "$(dirname "$0")"

seed() {
	name=$1
	shift
	out=""
	for h in $*; do
		out="$out\\$(printf '%03o' "0x$h")"
	done
	printf "$out" >"$name.bin"
}

# The 2G page is run 1, page 0x578: pfn bytes 78 45.
# Host touches on every CPU, faults on every kind of address.
seed host-fault \
'00' \
'01 00 78 45' '11 00 78 45' '21 08 78 45' '31 00 79 45' \
'10 05 00 00' '20 06 01 00' '20 06 02 00' '30 07 00 00' \
'31 04 34 12' '01 00 40 00' '01 00 77 85' '01 00 78 85'

# Share four pages the host has touched, touch them, unshare twice.
seed share-unshare \
'00' \
'01 00 78 45' '02 78 45 03' '11 00 79 45' \
'03 78 45 03' '03 78 45 03'

# Every CPU caches the 2G page, the host donates it, touches it again on
# every CPU (must fault), gets it back.
seed donate-hyp \
'00' \
'01 00 78 45' '11 00 78 45' '21 00 78 45' '31 00 78 45' \
'04 78 45 00' \
'01 00 78 45' '11 00 78 45' '21 00 78 45' '31 00 78 45' \
'05 78 45 00' '21 00 78 45'

# A whole 2M block to the hypervisor, one page back (a split), the rest
# back by a targeted range (tables coalesce).
seed donate-hyp-block \
'00' \
'01 00 78 45' '84 78 45 83' '05 7d 45 00' '01 00 7d 45' \
'45 78 45 8b'

# A VM's life: create, donate 8 pages, the guest touches one, gives 4
# back, the host reclaims them (the other 4 are the live guest's: -EBUSY),
# the VM dies, the host reclaims the rest.
seed guest-lifecycle \
'00' \
'09' '06 00 78 45 07 10 00' '0b 00 10 00' \
'07 00 10 00 03' '08 78 45 03' '08 7c 45 03' \
'0a 00' '48 78 45 3f'

# A 2M guest block at the 1G boundary of the guest's IPA space, one page
# relinquished (splits the guest's block), the VM destroyed, all back.
seed guest-block \
'00' \
'09' '86 00 78 45 83 00 56' '0b 00 00 46' \
'07 00 00 46 00' '1b 00 00 46' '0a 00' '48 78 45 8b'

# Arguments every check must refuse, in the documented order.
seed bad-args \
'00' \
'02 ff c0 00' '02 78 45 c0' '0a e1' '06 00 78 45 00 00 00' \
'09' '06 00 78 45 00 00 30' '07 00 10 00 00' \
'08 78 45 00' '02 00 00 00' '02 3f 00 07' '02 77 85 03' \
'02 78 45 e0' '06 00 78 45 00 10 00' '06 00 78 45 00 10 00'

# Three table pages beyond the root and the host reserve: splits run out,
# calls fail with -ENOMEM.
seed small-pool \
'0c' \
'01 00 78 45' '04 79 45 00' '04 02 85 00' '04 10 41 00' \
'09' '06 00 20 45 00 22 00' '01 00 00 85' '01 04 00 10' \
'05 79 45 00'

# One table page (the root): no VM, every fault needs a table.
seed tiny-pool \
'0f' \
'09' '01 00 78 45' '04 78 45 00' '01 06 00 00'

# Every VM slot taken, one more refused; a destroyed VM with a page keeps
# its slot until the page is reclaimed.
seed vm-slots \
'00' \
'09 09 09 09 09 09 09 09 09 09 09 09 09 09 09 09' \
'09 09 09 09 09 09 09 09 09 09 09 09 09 09 09 09' \
'09' '06 00 78 45 00 10 00' '0a 00 0a 00' '09' \
'48 78 45 00' '09'

# Reclaiming a live VM's page is -EBUSY; after destroy it works.
seed reclaim-busy \
'00' \
'09' '06 00 78 45 00 00 c0' '08 78 45 00' '0a 00' \
'08 78 45 00'

# The edges of RAM: the host's first page (after hyp RAM) and the last
# one (before MMIO), donated and given back.
seed ram-edges \
'00' \
'01 00 40 00' '04 40 00 00' '01 00 40 00' '05 40 00 00' \
'01 00 77 85' '04 77 85 00' '21 00 77 85' '05 77 85 00' \
'01 00 3f 00'
