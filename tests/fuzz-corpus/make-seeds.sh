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
# 512 pages; past 7 boot's 3 and the host reserve of 9, plus 8: 15,
# c: 3, e: 1, f: 0) and with 0x10 the split map (host RAM in two regions
# meeting at 2G), then operations, each a kind byte K (low nibble: 0
# fault, 1 touch, 2 share_hyp, 3 unshare_hyp, 4 donate_hyp,
# 5 hyp_donate_host, 6 donate_guest, 7 relinquish, 8 reclaim, 9 vm_create,
# a vm_destroy, b guest touch, c guest_share, d guest_unshare,
# e vcpu_create; bits 5:4 the CPU; 0x40 targeted; 0x80 2M aligned) and
# its fields, u16s little-endian:
#   pfn u16 = run << 14 | page in the run (run 0: 64 pages of hyp RAM,
#             then host RAM at 0x40; run 1: the 1G boundary at 0x578;
#             run 2: the end of RAM at 0x578, MMIO after; run 3: bad)
#   nr  byte: n < 0x40: n + 1 pages; 0x83: 512; 0x8b: 1024; 0xc0: 0;
#             0xc1: ~0; 0xe0: up to the top of the address space
#   vm  byte: 0: the first live VM, 1: the second; 0xc0 + n: slot n + 1
#             whatever its state; 0xe1: handle -1
#   gfn u16 = region << 14 | mode << 12 | offset (mode 3: past 2^36)
# The guest's calls (7, c, d) take vm, gfn, nr; vcpu_create vm, pfn.
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

# Three table pages beyond boot's and the host reserve: splits run out,
# calls fail with -ENOMEM.
seed small-pool \
'0c' \
'01 00 78 45' '04 79 45 00' '04 02 85 00' '04 10 41 00' \
'09' '06 00 20 45 00 22 00' '01 00 00 85' '01 04 00 10' \
'05 79 45 00'

# Boot's tables and the host reserve, nothing more: no VM, no donation,
# only the host's faults get pages.
seed reserve-pool \
'0f' \
'09' '01 00 78 45' '04 78 45 00' '01 06 00 00' '01 00 40 00'

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

# A guest shares 4 of its 8 pages; the host maps them on every CPU; the
# guest cannot share them again nor relinquish over them; it takes 2 back
# (every CPU that cached them must fault now), then the rest, relinquishes
# all 8 and the host reclaims them.
seed guest-share \
'00' \
'09' '06 00 78 45 07 10 00' '01 00 7a 45' '0c 00 12 00 03' \
'01 00 7a 45' '11 00 7b 45' '21 00 7c 45' '31 00 7d 45' \
'0c 00 12 00 00' '07 00 10 00 07' '0d 00 12 00 01' '21 00 7a 45' \
'0d 00 10 00 07' '0d 00 14 00 01' '07 00 10 00 07' '48 78 45 07'

# Where a guest call's run ends: at a jump in the pfns (two donations at
# consecutive gfns), at a hole, after 512 pages of a 1024-page guest
# block run; then the VM dies with half of it shared.
seed guest-runs \
'00' \
'09' '06 00 78 45 03 00 01' '06 00 90 45 03 04 01' \
'0c 00 00 01 07' '0c 00 04 01 3f' \
'86 00 00 40 8b 00 04' '0c 00 00 04 8b' '0c 00 00 06 8b' \
'0d 00 00 04 8b' '07 00 00 04 8b' '0a 00'

# The split map: pages on either side of the region end at 2G, at
# consecutive gfns; a call's run stops at the region end. One donation
# across it is refused. The VM dies with them shared; the host still maps
# them, and reclaims them, one region at a time.
seed guest-split \
'10' \
'09' '06 00 74 45 03 00 02' '06 00 78 45 03 04 02' \
'0c 00 00 02 07' '0c 00 04 02 07' '06 00 76 45 07 00 03' \
'01 00 76 45' '11 00 7a 45' '0a 00' '21 00 76 45' \
'48 74 45 07' '08 74 45 03' '08 78 45 03'

# Every check of the guest's calls, in the documented order: handle -1, a
# slot never created, a gfn past 2^36, nr 0, nr ~0 (-EINVAL); nr up to
# the top of the address space (the run: 3 pages); a page never shared
# (unshare), a shared one (relinquish: -EPERM); a gfn holding nothing
# (-EFAULT); another VM's page at the same gfn is out of reach; a dead
# VM's call (-ENOENT).
seed guest-bad \
'00' \
'09' '09' '06 00 78 45 03 10 00' '06 01 7c 45 03 10 00' \
'0c e1 10 00 00' '0c c9 10 00 00' '0c 00 00 30 00' '0c 00 10 00 c0' \
'0c 00 10 00 c1' '0c 00 11 00 e0' '0d 00 10 00 00' '07 00 11 00 00' \
'0c 00 20 00 00' '0d 00 11 00 02' '0a 01' '07 c1 10 00 03' \
'07 00 10 00 03'

# A VM's eight vCPUs, the ninth refused (-EBUSY); a vCPU page in hyp RAM
# or a guest page (-EPERM, before -EBUSY), for a slot never created
# (-ENOENT); the state pages not reclaimable while the VM lives, then
# reclaimed, zero.
seed vcpus \
'00' \
'09' '0e 00 78 45' '0e 00 79 45' '0e 00 7a 45' '0e 00 7b 45' \
'0e 00 7c 45' '0e 00 7d 45' '0e 00 7e 45' '0e 00 7f 45' \
'0e 00 80 45' '0e 00 3f 00' '06 00 81 45 00 00 00' '0e 00 81 45' \
'0e c1 82 45' '08 78 45 07' '0a 00' '48 78 45 07' '09'
