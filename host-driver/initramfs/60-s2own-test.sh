#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Test step (/demo.d/60-s2own-test.sh): the s2own driver's checks under the
# real hypervisor, run only when the kernel command line has s2own.test=1
# (make driver-test). One line per check:
#
#   S2OWN-TEST: PASS <check>
#   S2OWN-TEST: FAIL <check> (<what was seen>)
#
# and "S2OWN-TEST: N passed, N failed" at the end. mk/driver.mk's checks
# file (host-driver/driver-test.checks) expects every PASS by name.
#
# The host first reads all of its RAM, so its stage-2 maps everything with
# the largest blocks; after that the ptdump only changes when ownership
# does, and "unchanged" can be checked with a plain diff.
set -u
. /lib/s2own/lib.sh

case " $(cat /proc/cmdline) " in
*" s2own.test=1 "*) ;;
*) exit 0 ;;
esac

T=/tmp/s2own-test
mkdir -p $T
D=$S2OWN_DIR

SHARE=0xc6000001
UNSHARE=0xc6000002
DONATE_HYP=0xc6000003
HYP_DONATE_HOST=0xc6000004
VM_DESTROY=0xc6000006
DONATE_GUEST=0xc6000007
OLD_RELINQUISH=0xc6000008	# the host's GUEST_RELINQUISH of ABI 1.x: retired
RECLAIM=0xc6000009
DUMP=0xc600000a
QUERY=0xc600000b

# --- the platform --------------------------------------------------------

if ! s2own_hyp_present; then
	fail "hypervisor present" "no /reserved-memory/s2own-hyp node"
	finish
fi
pass "hypervisor present"
node=$(ls /proc/device-tree/reserved-memory | grep '^s2own-hyp@')
reg=$(od -An -tx1 "/proc/device-tree/reserved-memory/$node/reg" | tr -d ' \n')
hyp_base=$((0x$(echo "$reg" | cut -c1-16)))
hyp_size=$((0x$(echo "$reg" | cut -c17-32)))
hyp_pfn=$((hyp_base >> 12))
hyp_end_pfn=$(((hyp_base + hyp_size) >> 12))
echo "S2OWN-TEST: hypervisor carve-out pfn $(printf 0x%x $hyp_pfn)-$(printf 0x%x $hyp_end_pfn)"
# Where Linux is, for reading a failure's pfns.
grep -E 'System RAM|Kernel|reserved' /proc/iomem | sed 's/^/    iomem: /'

check "module loads" "insmod failed" s2own_load
[ -d $D ] || finish
check "module checked the hypervisor UID" "no load message" \
	sh -c "dmesg | grep -q 's2own: s2own hypervisor, ABI 2\.0$'"

out=$(s2own_prefault)
check "host reads all its RAM" "$out" [ $? = 0 ]
echo "$out" | sed 's/^/    touch: /'

base=$(s2own_stat table_pages_used)
cat $D/ptdump >$T/pt0
echo "S2OWN-TEST: baseline: $base table pages used, at load $(s2own_stat table_pages_used_at_load), $(wc -l <$T/pt0) ptdump lines"
sed 's/^/    /' $T/pt0
check "ptdump is stable" "two reads differ" sh -c "cat $D/ptdump | cmp -s - $T/pt0"
# The carve-out, exactly, is owner=hyp: INVALID lines from its base to its
# end, one after the other, and no other line says owner=hyp.
hyp_runs() {
	next=$hyp_base
	for r in $(sed -n 's/^\(0x[0-9a-f]*\)-\(0x[0-9a-f]*\) .* INVALID owner=hyp$/\1:\2/p' $T/pt0); do
		[ $((${r%:*})) = $((next)) ] || return 1
		next=${r#*:}
	done
	[ $((next)) = $((hyp_base + hyp_size)) ] &&
		[ "$(grep -c ' owner=hyp$' $T/pt0)" = "$(grep -c ' INVALID owner=hyp$' $T/pt0)" ]
}
check "ptdump shows the carve-out as owner=hyp" "$(grep ' owner=hyp$' $T/pt0)" hyp_runs
echo $hyp_pfn >$D/query
check "query says the carve-out is the hypervisor's" "$(cat $D/query)" \
	grep -q "owner=hyp host=nopage hyp=owned guest=nopage vm=0 reclaimable=0" $D/query

# --- one page out of a block ---------------------------------------------

echo 1 >$D/vm_create
vm=$(cat $D/vm_create)
check "vm create" "handle '$vm'" [ "$vm" -ge 1 ] 2>/dev/null
splits0=$(s2own_stat splits)
echo "$vm 1 scatter" >$D/donate
check "donate one page" "write failed" [ $? = 0 ]
pfn=$(s2own_vm_pfns "$vm" donated)
[ -n "$pfn" ] || { fail "donated page tracked" "vm file: $(cat $D/vm)"; finish; }
pfn=$((pfn))
echo "S2OWN-TEST: VM $vm, donated pfn $(printf 0x%x $pfn)"
cat $D/ptdump >$T/pt1
line=$(s2own_range_line $pfn)
check "split shows guest owner" "no '$line ... L3 INVALID owner=guest' line" \
	grep -q "^$line .* L3 INVALID owner=guest\$" $T/pt1
check "split leaves the rest of the block mapped as pages" "no L3 PAGE run" \
	grep -q "^$(s2own_range_line $((pfn + 1)) 255) .* L3 PAGE RW X  NORMAL owner=host\$" $T/pt1
splits1=$(s2own_stat splits)
check "split counted" "splits $splits0 -> $splits1" [ "$splits1" -gt "$splits0" ]
grep -n "owner=guest\|L3" $T/pt1 | sed 's/^/    /'
echo $pfn >$D/query
check "query says guest owned" "$(cat $D/query)" \
	grep -q "owner=guest host=nopage hyp=nopage guest=owned vm=$vm " $D/query
check "guest stage-2 maps the page" "$(grep -v 'INVALID$' $D/vm$vm/ptdump)" \
	grep -q "^0x0000000080000000-0x0000000080001000 .* L3 PAGE RW X  NORMAL owner=guest\$" $D/vm$vm/ptdump

refused0=$(s2own_stat host_faults_refused)
expect_eq "touch of donated page faults" "$(s2own_touch $pfn)" "fault"
refused1=$(s2own_stat host_faults_refused)
check "hypervisor refused the host read" "host_faults_refused $refused0 -> $refused1" \
	[ "$refused1" -gt "$refused0" ]
check "host keeps running after the refused read" "touch of a host page" \
	sh -c "echo $((pfn + 1)) >$D/touch && grep -q '^ok 53324f57' $D/touch"

# --- bad hypercalls: documented errors, nothing changes ------------------

cat $D/ptdump >$T/pt_bad0
cat $D/vm >$T/vm_bad0
echo alloc >$D/share
spfn=$(($(head -n 1 $D/share | cut -d ' ' -f 1)))
spa=$((spfn << 12))
host=$((pfn + 1))	# a host page of the driver's chunk, not donated
gfn=0x80000		# where the donated page is mapped
free_gfn=0x90000
# bad NAME WANT FUNC ARGS...: the call must return WANT (x0's errno name).
bad() {
	name=$1 want=$2
	shift 2
	ans=$(s2own_hvc "$@")
	expect_eq "hvc $name returns $want" "$(echo "$ans" | cut -d ' ' -f 6)" "$want"
}
bad "share of hypervisor memory" -EPERM $SHARE $hyp_pfn 1
bad "donate of hypervisor memory to a guest" -EPERM $DONATE_GUEST $vm $((hyp_pfn + 0x200)) $free_gfn 1
bad "donate of hypervisor memory to hyp" -EPERM $DONATE_HYP $hyp_pfn 1
bad "hyp_donate_host of the hypervisor image" -EPERM $HYP_DONATE_HOST $((hyp_pfn + 0x200)) 1
bad "reclaim of hypervisor memory" -EPERM $RECLAIM $hyp_pfn 1
bad "share of MMIO" -EINVAL $SHARE 0x9000 1
bad "donate of MMIO" -EINVAL $DONATE_GUEST $vm 0x9000 $free_gfn 1
bad "reclaim of MMIO" -EINVAL $RECLAIM 0x9000 1
bad "reclaim of an overflowing range" -EINVAL $RECLAIM 0xffffffffffffffff 2
bad "donate of an overflowing range" -EINVAL $DONATE_GUEST $vm $host $free_gfn 0xffffffffffffffff
bad "share past 48-bit PA" -EINVAL $SHARE $host 0x1000000000
bad "donate to an overflowing gfn range" -EINVAL $DONATE_GUEST $vm $host 0xfffffffff 2
bad "share of zero pages" -EINVAL $SHARE $host 0
bad "share across the carve-out end" -EINVAL $SHARE $((hyp_end_pfn - 1)) 2
bad "double donate" -EPERM $DONATE_GUEST $vm $pfn $free_gfn 1
bad "donate of a guest page to hyp" -EPERM $DONATE_HYP $pfn 1
bad "share of a guest page" -EPERM $SHARE $pfn 1
bad "reclaim of a live VM page" -EBUSY $RECLAIM $pfn 1
bad "donate to a gfn in use" -EBUSY $DONATE_GUEST $vm $host $gfn 1
bad "donate to an unknown VM" -ENOENT $DONATE_GUEST 31 $host $free_gfn 1
bad "donate to VM 0" -ENOENT $DONATE_GUEST 0 $host $free_gfn 1
bad "donate to a VM handle above INT_MAX" -ENOENT $DONATE_GUEST 0x100000001 $host $free_gfn 1
bad "destroy of an unknown VM" -ENOENT $VM_DESTROY 31
# The host's GUEST_RELINQUISH is gone: an unknown id (x0 -1), where an
# -EPERM would come back in x1 with x0 = 0.
ans=$(s2own_hvc $OLD_RELINQUISH $vm $gfn 1)
expect_eq "hvc retired host relinquish of a live guest's page returns NOT_SUPPORTED" \
	"$(echo "$ans" | cut -d ' ' -f 1)" 0xffffffffffffffff
ans=$(s2own_hvc $OLD_RELINQUISH 31 $free_gfn 1)
expect_eq "hvc retired host relinquish for an unknown VM returns NOT_SUPPORTED" \
	"$(echo "$ans" | cut -d ' ' -f 1)" 0xffffffffffffffff
bad "unshare of a page not shared" -EPERM $UNSHARE $host 1
bad "hyp_donate_host of a host page" -EPERM $HYP_DONATE_HOST $host 1
bad "reclaim of a host page" -EPERM $RECLAIM $host 1
bad "dump into a page not shared" -EPERM $DUMP $((host << 12)) 4096 0
bad "dump into a buffer too small" -EINVAL $DUMP $spa 8 0
bad "dump into a misaligned buffer" -EINVAL $DUMP $((spa + 4)) 256 0
bad "dump of an unknown VM" -ENOENT $DUMP $spa 4096 31
bad "query of MMIO" -EINVAL $QUERY 0x9000
ans=$(s2own_hvc 0xc60000ff 1 2 3 4)
expect_eq "hvc unknown function returns NOT_SUPPORTED" "$(echo "$ans" | cut -d ' ' -f 1)" 0xffffffffffffffff
echo all >$D/unshare
echo $host >$D/query
check "bad hypercalls leave the page states alone" "$(cat $D/query)" \
	grep -q "owner=host host=owned hyp=nopage guest=nopage vm=0 reclaimable=0" $D/query
cat $D/ptdump >$T/pt_bad1
check "bad hypercalls leave the ptdump unchanged" "see diff" same $T/pt_bad0 $T/pt_bad1 ||
	show_diff $T/pt_bad0 $T/pt_bad1
echo $pfn >$D/query
check "bad hypercalls leave the donated page the guest's" "$(cat $D/query)" \
	grep -q "owner=guest host=nopage hyp=nopage guest=owned vm=$vm reclaimable=0" $D/query
check "bad hypercalls leave the guest's stage-2 mapping the page" "$(grep -v 'INVALID$' $D/vm$vm/ptdump)" \
	grep -q "^0x0000000080000000-0x0000000080001000 .* L3 PAGE RW X  NORMAL owner=guest\$" $D/vm$vm/ptdump
expect_eq "touch of the donated page still faults" "$(s2own_touch $pfn)" "fault"
check "bad hypercalls leave the driver's books alone" "see diff" \
	sh -c "cat $D/vm | cmp -s - $T/vm_bad0" || show_diff $T/vm_bad0 $D/vm

# --- destroy and reclaim: scrubbed, coalesced ----------------------------

echo $vm >$D/vm_destroy
check "vm destroy" "write failed" [ $? = 0 ]
check "destroyed VM has no ptdump" "vm$vm/ still there" [ ! -e $D/vm$vm ]
expect_eq "touch after destroy still faults" "$(s2own_touch $pfn)" "fault"
coal0=$(s2own_stat coalesces)
scrub0=$(s2own_stat pages_scrubbed)
echo "$vm keep" >$D/reclaim
check "reclaim" "write failed" [ $? = 0 ]
expect_eq "reclaim took back the one page" "$(cat $D/reclaim)" "vm $vm pages 1 0"
expect_eq "reclaimed page reads zeros" "$(s2own_touch $pfn)" "ok 0000000000000000"
check "undonated neighbour keeps its pattern" "$(s2own_touch $host)" \
	sh -c "echo $host >$D/touch; grep -q '^ok 53324f57' $D/touch"
check "reclaim scrubbed the page" "pages_scrubbed $scrub0 -> $(s2own_stat pages_scrubbed)" \
	[ "$(s2own_stat pages_scrubbed)" -gt "$scrub0" ]
echo 1 >$D/held
cat $D/ptdump >$T/pt2
check "ptdump shows the blocks back after reclaim" "see diff" same $T/pt0 $T/pt2 ||
	show_diff $T/pt0 $T/pt2
coal1=$(s2own_stat coalesces)
check "reclaim coalesced" "coalesces $coal0 -> $coal1" [ "$coal1" -gt "$coal0" ]
expect_eq "table pages back at baseline after reclaim" "$(s2own_stat table_pages_used)" "$base"
expect_eq "no reclaimed page came back dirty" "$(s2own_stat reclaim_not_zeroed)" 0

# --- chunks and scatter --------------------------------------------------

echo 1 >$D/vm_create
vm=$(cat $D/vm_create)
echo "$vm 2 chunk" >$D/donate
check "donate two 2M chunks" "write failed" [ $? = 0 ]
check "chunk shows as guest-owned 2M blocks in the host" "no L2 INVALID owner=guest" \
	grep -q " L2 INVALID owner=guest\$" $D/ptdump
check "guest stage-2 maps the chunks as 2M blocks" "$(grep -v 'INVALID$' $D/vm$vm/ptdump)" \
	grep -q "^0x0000000080000000-0x0000000080400000 *4M L2 BLOCK RW X  NORMAL owner=guest\$" $D/vm$vm/ptdump
echo "$vm 8 scatter" >$D/donate
check "donate 8 scattered pages" "write failed" [ $? = 0 ]
expect_eq "scattered pages show as 8 guest pages" \
	"$(grep -c ' 4K L3 INVALID owner=guest$' $D/ptdump)" 8
grep "owner=guest" $D/ptdump | sed 's/^/    /'
# The host cannot take pages back from a live guest: only the guest
# relinquishes, and this VM has no vCPU to.
cat $D/ptdump >$T/pt_live0
cat $D/vm >$T/vm_live0
if echo "$vm" >$D/reclaim 2>/dev/null; then
	fail "reclaim of a live VM is refused" "the write succeeded"
else
	pass "reclaim of a live VM is refused"
fi
expect_eq "reclaim of a live VM: -EBUSY, no page back" "$(cat $D/reclaim)" "vm $vm pages 0 -EBUSY"
check "reclaim of a live VM leaves the books alone" "see diff" \
	sh -c "cat $D/vm | cmp -s - $T/vm_live0" || show_diff $T/vm_live0 $D/vm
check "reclaim of a live VM leaves the ptdump alone" "see diff" \
	sh -c "cat $D/ptdump | cmp -s - $T/pt_live0" || show_diff $T/pt_live0 $D/ptdump
echo $(s2own_vm_pfns "$vm" donated | head -n 1) >$D/query
check "a live VM's page is not reclaimable" "$(cat $D/query)" \
	grep -q "owner=guest host=nopage hyp=nopage guest=owned vm=$vm reclaimable=0" $D/query
echo $vm >$D/vm_destroy
echo $(s2own_vm_pfns "$vm" donated | head -n 1) >$D/query
check "a destroyed VM's page is reclaimable" "$(cat $D/query)" \
	grep -q "owner=guest host=nopage hyp=nopage guest=owned vm=$vm reclaimable=1" $D/query
echo "$vm" >$D/reclaim
check "reclaim after destroy" "write failed" [ $? = 0 ]
expect_eq "reclaim after destroy: two chunks and 8 pages" "$(cat $D/reclaim)" "vm $vm pages 1032 0"
check "ptdump back after chunk reclaim" "see diff" same $T/pt0 $D/ptdump ||
	show_diff $T/pt0 $D/ptdump
expect_eq "table pages back at baseline after chunks" "$(s2own_stat table_pages_used)" "$base"

# --- sharing -------------------------------------------------------------

echo alloc >$D/share
spfn=$(($(head -n 1 $D/share | cut -d ' ' -f 1)))
echo $spfn >$D/query
check "share marks the page shared" "$(cat $D/query)" \
	grep -q "owner=host host=shared_owned hyp=shared_borrowed" $D/query
check "sharing does not split" "see diff" same $T/pt0 $D/ptdump
echo $spfn >$D/unshare
echo $spfn >$D/query
check "unshare gives it back" "$(cat $D/query)" \
	grep -q "owner=host host=owned hyp=nopage" $D/query

# --- the storm -----------------------------------------------------------

# The storm and the fuzz come with the test module.
s2own_test_load || echo "S2OWN-TEST: insmod $S2OWN_TEST_KO failed"
cpus=$(grep -c '^processor' /proc/cpuinfo)
# s2own.storm=SECONDS on the kernel command line (QEMU_APPEND) overrides.
storm_s=$(sed -n 's/.*s2own\.storm=\([0-9]*\).*/\1/p' /proc/cmdline)
storm_s=${storm_s:-10}
echo "S2OWN-TEST: storm: $storm_s s on $cpus CPUs"
cat $D/ptdump >$T/pt_storm0
echo $storm_s >$D/storm
check "storm starts" "write failed" [ $? = 0 ]
waited=0
while grep -q '^state running' $D/storm && [ $waited -lt 600 ]; do
	sleep 1
	waited=$((waited + 1))
done
sed 's/^/    storm: /' $D/storm
expect_eq "storm finished" "$(sed -n 's/^state //p' $D/storm)" done
expect_eq "storm ran on every CPU" "$(sed -n 's/^cpus //p' $D/storm)" "$cpus"
expect_eq "storm: every call returned what it should" "$(sed -n 's/^result //p' $D/storm)" PASS
expect_eq "storm: table pages back at baseline" "$(s2own_stat table_pages_used)" "$base"
cat $D/ptdump >$T/pt_storm1
check "storm: identical ptdump" "see diff" same $T/pt_storm0 $T/pt_storm1 ||
	show_diff $T/pt_storm0 $T/pt_storm1
expect_eq "storm: no reclaimed page came back dirty" "$(s2own_stat reclaim_not_zeroed)" 0

# --- the hypercall fuzzer -------------------------------------------------

# s2own.fuzz=CALLS and s2own.fuzz_seed=SEED on the kernel command line
# (QEMU_APPEND, make fuzz-qemu) override; without a seed the driver picks
# one and prints it.
fuzz_n=$(sed -n 's/.*s2own\.fuzz=\([0-9]*\).*/\1/p' /proc/cmdline)
fuzz_n=${fuzz_n:-50000}
fuzz_seed=$(sed -n 's/.*s2own\.fuzz_seed=\([0-9a-fx]*\).*/\1/p' /proc/cmdline)
echo "S2OWN-TEST: fuzz: $fuzz_n calls on $cpus CPUs${fuzz_seed:+, seed $fuzz_seed}"
cat $D/ptdump >$T/pt_fuzz0
echo $fuzz_n $fuzz_seed >$D/fuzz
check "fuzz runs to the end" "write failed" [ $? = 0 ]
sed 's/^/    fuzz: /' $D/fuzz
fuzz_val() { sed -n "s/^$1 //p" $D/fuzz; }
expect_eq "fuzz ran on every CPU" "$(fuzz_val cpus)" "$cpus"
fuzz_calls=$(fuzz_val calls)
check "fuzz: every call made" "$fuzz_calls calls" [ "${fuzz_calls:-0}" -ge "$fuzz_n" ]
expect_eq "fuzz: invariant checker every 1000 calls and at the end" \
	"$(fuzz_val checks)" $((${fuzz_calls:-0} / 1000 + 2))
expect_eq "fuzz: no invariant violated" "$(fuzz_val check_failures)" 0
expect_eq "fuzz: no call or read did what it must not" "$(fuzz_val unexpected)" 0
expect_eq "fuzz: every page given back" "$(fuzz_val cleanup_failures)" 0
expect_eq "fuzz: verdict" "$(fuzz_val result)" PASS
expect_eq "fuzz: table pages back at baseline" "$(s2own_stat table_pages_used)" "$base"
cat $D/ptdump >$T/pt_fuzz1
check "fuzz: identical ptdump" "see diff" same $T/pt_fuzz0 $T/pt_fuzz1 ||
	show_diff $T/pt_fuzz0 $T/pt_fuzz1

# --- the end -------------------------------------------------------------

echo "S2OWN-TEST: stats at the end:"
sed 's/^/    /' $D/stats
check "module unloads" "rmmod failed" s2own_unload
check "nothing leaked at unload" "$(dmesg | grep 's2own:.*leak')" \
	sh -c "! dmesg | grep -q 's2own:.*leak'"
if insmod $S2OWN_TEST_KO 2>/dev/null; then
	rmmod s2own_test
	fail "test module refuses to load without s2own.ko" "it loaded"
else
	pass "test module refuses to load without s2own.ko"
fi
check "module reloads" "insmod failed" s2own_load
check "ptdump after reload is the baseline" "see diff" same $T/pt0 $D/ptdump
expect_eq "table pages at baseline after reload" "$(s2own_stat table_pages_used)" "$base"
finish
