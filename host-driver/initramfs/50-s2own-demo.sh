#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Demo step (/demo.d/50-s2own-demo.sh): the host stage-2 through the s2own
# driver, in a few seconds. The host maps all its RAM with the largest
# blocks; one page donated to a VM splits a block down to 4K pages and shows
# up as the guest's; reading it from the host is refused, and the host
# carries on; after the VM is gone and the page reclaimed (scrubbed), the
# tables coalesce back into the same blocks. Then a protected guest runs:
# s2own-vmm loads the in-tree guest into its own memory, donates it and
# runs it on 4 vCPUs; the guest's console comes through the VMM, the host
# tries to read and write its pages and is refused, and after power-off
# every page is reclaimed and reads zero. Last, the guest's own calls: it
# shares a ring page with the VMM, messages through it, takes it back (the
# VMM's next access faults) and gives pages up (the VMM reclaims them,
# zero). Lines start with "S2OWN-DEMO:" except the ptdumps themselves
# (indented) and the VMM's and the guest's ("S2OWN-VMM[demo]:",
# "S2OWN-GUEST[demo/N]:", and demo-share's).
#
# On a boot without the hypervisor (qemu-bare-test) it shows instead that
# the module refuses to load, and succeeds.
set -u
. /lib/s2own/lib.sh
. /lib/s2own/trace.sh

say() { echo "S2OWN-DEMO: $*"; }
die() { say "FAILED: $*"; exit 1; }
ptdump() { sed 's/^/    /' "$S2OWN_DIR/${1:-ptdump}"; }

if ! s2own_hyp_present; then
	say "no s2own hypervisor (bare boot): the driver must refuse to load"
	if insmod "$S2OWN_KO" 2>/dev/null; then
		rmmod s2own
		die "s2own.ko loaded without the hypervisor"
	fi
	say "refused, as it should (the reason is in the kernel log above)"
	exit 0
fi

# (insmod's kernel messages show on the console by themselves.)
s2own_load || die "insmod s2own.ko"

# The hypervisor's events from here on (docs/tracing.md); kept in $TD for
# the trace tests, which check them.
TD=/tmp/s2own-demo
mkdir -p $TD
s2own_trace_enable all || die "tracing on"

say "the host reads all of its RAM once, so the stage-2 maps it all:"
out=$(s2own_prefault) || die "host RAM not all readable: $out"
echo "$out" | sed 's/^/    touch: /'
s2own_trace_take $TD/prefault.trace
say "(that took $(grep -c ' host_fault ' $TD/prefault.trace) host stage-2 faults)"
base=$(s2own_stat table_pages_used)
splits0=$(s2own_stat splits)
coal0=$(s2own_stat coalesces)
say "host stage-2 before any donation ($base table pages in use):"
s2own_ptdump_marked before
cp "$S2OWN_DIR/stats" $TD/stats0

echo 1 >"$S2OWN_DIR/vm_create" || die "vm_create"
vm=$(cat "$S2OWN_DIR/vm_create")
echo "$vm 1 scatter" >"$S2OWN_DIR/donate" || die "donate"
pfn=$(s2own_vm_pfns "$vm" donated)
say "VM $vm created; donated one page, pfn $pfn, from the middle of a 2M block"
say "host stage-2 now: the block is split to 4K pages, the page is the guest's:"
s2own_ptdump_marked donated
say "splits $splits0 -> $(s2own_stat splits), table pages $base -> $(s2own_stat table_pages_used)"
say "VM $vm's own stage-2 maps it at gfn 0x80000:"
ptdump "vm$vm/ptdump" | grep -v 'INVALID$'
echo "$pfn" >"$S2OWN_DIR/query"
say "query: $(cat "$S2OWN_DIR/query")"

say "the host reads the donated page: $(s2own_touch "$pfn")"
say "and a page next to it: $(s2own_touch $((pfn + 1)))"
say "(refused by the stage-2, the abort became -EFAULT; host and hypervisor carry on)"

echo "$vm" >"$S2OWN_DIR/vm_destroy" || die "vm_destroy"
echo "$vm keep" >"$S2OWN_DIR/reclaim" || die "reclaim"
say "VM $vm destroyed, page reclaimed; the host reads it: $(s2own_touch "$pfn") (scrubbed)"
echo 1 >"$S2OWN_DIR/held"
cp "$S2OWN_DIR/stats" $TD/stats1
s2own_trace_take $TD/donation.trace
s2own_trace_enable none
echo "$pfn" >$TD/pfn
say "the hypervisor's trace of it (s2own/trace/trace; time, CPU, event):"
fault=$(s2own_trace_block_faults "$pfn" $TD/prefault.trace | tail -n 1)
if [ -n "$fault" ]; then
	say "the fault that mapped the block, while the host read its RAM:"
	echo "$fault" | sed 's/^/    /'
else
	say "(the block was mapped before tracing started, at boot)"
fi
say "then the donation, the refused reads, the VM's end and the reclaim:"
sed 's/^/    /' $TD/donation.trace
say "host stage-2 after reclaim: coalesced back into blocks:"
s2own_ptdump_marked reclaimed
say "coalesces $coal0 -> $(s2own_stat coalesces), table pages $(s2own_stat table_pages_used) (baseline $base)"
say "stats:"
sed 's/^/    /' "$S2OWN_DIR/stats"

GUEST=/lib/s2own/s2own-guest.bin
if [ ! -x /bin/s2own-vmm ] || [ ! -f $GUEST ]; then
	say "no s2own-vmm or no guest image: no protected guest to show"
	exit 0
fi
cat "$S2OWN_DIR/ptdump" >/tmp/s2own-demo-pt
say "a protected guest: s2own-vmm loads $GUEST into its own memory,"
say "donates it to a VM through /dev/s2own and runs it on 4 vCPUs"
say "(its pages are the guest's from then on: the host's tries must fail)"
s2own-vmm -n demo -m full -c 4 -t 300 $GUEST || die "s2own-vmm"
if cmp -s /tmp/s2own-demo-pt "$S2OWN_DIR/ptdump"; then
	say "the guest powered off, its pages were reclaimed and read zero;"
	say "the host stage-2 is as before the guest, $(s2own_stat table_pages_used) table pages"
else
	die "the host stage-2 differs after the guest"
fi
say "the guest's own calls (pKVM's guest ABI): it shares a ring page with"
say "its VMM, messages through it, unshares it (the VMM's next access is"
say "refused), and gives 16 pages up: the VMM reclaims them, zeroed"
s2own-vmm -n demo-share -m share -c 4 -t 300 $GUEST || die "s2own-vmm -m share"
if cmp -s /tmp/s2own-demo-pt "$S2OWN_DIR/ptdump"; then
	say "the host stage-2 is as before the guests, $(s2own_stat table_pages_used) table pages"
else
	die "the host stage-2 differs after the sharing guest"
fi
