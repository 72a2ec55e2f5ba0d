#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Test step (/demo.d/65-s2own-trace-test.sh): the hypervisor's tracing
# (docs/tracing.md), run when the kernel command line has s2own.test=1
# (make driver-test) or s2own.trace_test=1 (these checks alone). Lines as
# 60-s2own-test.sh's (its helpers, /lib/s2own/lib.sh), "trace: " before
# each check's name, and "S2OWN-TEST: trace: N passed, N failed" at the end.
#
#  - the demo's donation (its trace in /tmp/s2own-demo): its events in
#    order, and as many of each as the counters moved;
#  - a donation known in advance (s2own_test.ko's trace_story), the host
#    fault on its block included, in order and counted;
#  - Linux's own tracing: the s2own events in tracefs, enabling one
#    switches its class on at EL2, and trace-cmd when it is there;
#  - the hypercalls' bad arguments;
#  - a storm on every CPU with tracing on: nothing lost while the reader
#    keeps up, losses counted when it stops, the storm unharmed;
#  - a hostile host scribbling over the buffers and unsharing them under
#    a storm: nothing written after the unshare, the invariant checker
#    passes, tracing works again after.
set -u
. /lib/s2own/lib.sh
. /lib/s2own/trace.sh

case " $(cat /proc/cmdline) " in
*" s2own.test=1 "* | *" s2own.trace_test=1 "*) ;;
*) exit 0 ;;
esac

S2OWN_TEST_WHAT=trace
say() { echo "S2OWN-TEST: trace: $*"; }

T=/tmp/s2own-trace-test
TD=/tmp/s2own-demo
mkdir -p $T
D=$S2OWN_DIR
TR=$S2OWN_TRACE
TRACE_BUFFER=0xc6000020
TRACE_ENABLE=0xc6000021
CHECK=0xc600000c

s2own_load
s2own_test_load
check "trace: the driver has its trace files" "no $TR" [ -e $TR/trace_pipe ] ||
	finish

# story WORDS FILE PFN: the donation's events, one word each, in order.
story() { s2own_trace_story "$1" "$2" | tr '\n' ' '; }
# counts_match NAME TRACE STATS0 STATS1: each event count is its
# counter's delta.
counts_match() {
	s2own_trace_counts "$2" >$T/counts
	s2own_stats_delta "$3" "$4" >$T/delta
	if cmp -s $T/counts $T/delta; then
		pass "$1"
	else
		fail "$1" "events vs counters: $(paste $T/counts $T/delta | tr '\t\n' ' ;')"
	fi
}
hyp_check() {
	expect_eq "$1" "$(s2own_hvc $CHECK | cut -d ' ' -f 6)" 0
}

# --- the demo's donation ---------------------------------------------------

if [ -s $TD/donation.trace ]; then
	pfn=$(cat $TD/pfn)
	s=$(story $pfn $TD/donation.trace)
	say "demo: pfn $pfn: $s"
	# A block splits behind a TLBI (break, then make, then the split's
	# record), the page's own entry behind another, then the donation
	# closes; the reclaim scrubs, coalesces, closes. Other CPUs may
	# touch the block after it (more of them, more RAM): their faults
	# map it again and may coalesce what holds it.
	check "trace: demo: split, TLBI, donation; scrub, coalesce, reclaim in order" \
		"$s" sh -c "echo '$s' | grep -Eq '^(tlbi split )+tlbi donate scrub (coalesce )+reclaim ((fault|coalesce) )*\$'"
	counts_match "trace: demo: every event counted as the counters count" \
		$TD/donation.trace $TD/stats0 $TD/stats1
	fault=$(s2own_trace_block_faults $pfn $TD/prefault.trace | tail -n 1)
	say "demo: the fault that mapped the block: ${fault:-before tracing, at boot}"
	check "trace: demo: refused reads of the donated page traced" \
		"no host_fault with ret=-1" grep -q " host_fault ipa=0x$(printf %x $((pfn << 12)))[0-9a-f]* level=3 ret=-1" $TD/donation.trace
else
	fail "trace: demo: its trace was kept" "no $TD/donation.trace"
fi

# --- a donation known in advance ------------------------------------------

s2own_trace_enable all
echo prepare >$D/trace_story
cat $TR/trace >/dev/null
cp $D/stats $T/stats0
echo run >$D/trace_story
cp $D/stats $T/stats1
s2own_trace_take $T/story.trace
echo finish >$D/trace_story
expect_eq "trace: story: every call as planned" "$(sed -n 's/^result //p' $D/trace_story)" PASS
spfn=$(($(sed -n 's/^pfn //p' $D/trace_story)))
s=$(story $spfn $T/story.trace)
say "story: pfn $(printf 0x%x $spfn): $s"
sed 's/^/    /' $T/story.trace
expect_eq "trace: story: fault, TLBI, split, TLBI, donation; scrub, coalesce, reclaim" \
	"$s" "fault tlbi split tlbi donate scrub coalesce reclaim "
counts_match "trace: story: every event counted as the counters count" \
	$T/story.trace $T/stats0 $T/stats1
check "trace: story: the fault mapped a 2M block" "$(grep host_fault $T/story.trace)" \
	grep -q " host_fault ipa=.* level=2 ret=0" $T/story.trace
check "trace: story: trace lines are in time order" "see the lines" \
	sh -c "cut -c1-14 $T/story.trace | sort -c -n"

# --- Linux's own tracing ---------------------------------------------------

s2own_trace_enable none
if s2own_tracefs_mount; then
	ev=$S2OWN_TRACEFS/events/s2own
	check "trace: tracefs has the s2own events" "$(ls $ev 2>&1 | tr '\n' ' ')" \
		sh -c "[ -d $ev/split ] && [ -d $ev/transition ] && [ -d $ev/host_fault ]"
	echo > $S2OWN_TRACEFS/trace
	echo 1 >$ev/split/enable
	echo 1 >$ev/transition/enable
	sleep 1		# the driver applies it from a work item
	check "trace: enabling a tracefs event switches its class on at EL2" \
		"$(tail -n 1 $TR/enable)" grep -q "^# at EL2: 0x00c transition split" $TR/enable
	echo 1 >$D/vm_create
	vm=$(cat $D/vm_create)
	echo "$vm 1 scatter" >$D/donate
	echo "$vm" >$D/vm_destroy
	echo "$vm" >$D/reclaim
	echo 0 >$ev/split/enable
	echo 0 >$ev/transition/enable
	grep s2own $S2OWN_TRACEFS/trace | sed 's/^/    tracefs: /' | head -n 12
	check "trace: tracefs shows the split" "no split line" \
		grep -q "split: cpu=[0-9]* hyp_ns=[0-9]* vm=0 level=[12] ipa=0x[0-9a-f]* from=block" $S2OWN_TRACEFS/trace
	check "trace: tracefs shows the donation" "no transition line" \
		grep -q "transition: cpu=[0-9]* hyp_ns=[0-9]* call=donate_guest vm=$vm " $S2OWN_TRACEFS/trace
	sleep 1
	check "trace: disabling them switches tracing off at EL2" "$(tail -n 1 $TR/enable)" \
		grep -q "^# at EL2: 0x000 (tracefs 0x000)" $TR/enable
else
	fail "trace: tracefs mounts" "mount -t tracefs failed"
fi

if command -v trace-cmd >/dev/null 2>&1; then
	(cd $T && trace-cmd record -q -e s2own -o $T/trace.dat \
		sh -c "echo 1 >$D/vm_create; v=\$(cat $D/vm_create); echo \"\$v 1 scatter\" >$D/donate; echo \$v >$D/vm_destroy; echo \$v >$D/reclaim" \
		>$T/record.log 2>&1)
	trace-cmd report -i $T/trace.dat >$T/report 2>&1
	grep -E 'split|donate_guest|reclaim_guest|coalesce' $T/report | head -n 8 | sed 's/^/    trace-cmd: /'
	check "trace: trace-cmd record -e s2own gets the split and the donation" \
		"$(tail -n 3 $T/record.log $T/report | tr '\n' ' ')" \
		sh -c "grep -q 'split:.*from=block' $T/report && grep -q 'transition:.*call=donate_guest' $T/report"
else
	say "no trace-cmd in this initramfs"
fi

# --- bad arguments ---------------------------------------------------------

bad() {
	name=$1 want=$2
	shift 2
	expect_eq "trace: hvc $name returns $want" "$(s2own_hvc "$@" | cut -d ' ' -f 6)" "$want"
}
echo alloc >$D/share
spfn=$(($(head -n 1 $D/share | cut -d ' ' -f 1)))
bad "trace buffer of too many pages" -EINVAL $TRACE_BUFFER $spfn 513
bad "trace buffer past the IPA space" -EINVAL $TRACE_BUFFER 0xfffffffff 2
bad "trace buffer of an overflowing range" -EINVAL $TRACE_BUFFER 0xffffffffffffffff 2
bad "trace buffer of a page not shared" -EPERM $TRACE_BUFFER $((spfn + 1)) 1
bad "trace buffer of shared and unshared pages" -EPERM $TRACE_BUFFER $spfn 2
bad "trace buffer of MMIO" -EPERM $TRACE_BUFFER 0x9000 1
bad "trace enable of no class" -EINVAL $TRACE_ENABLE 0x801
bad "trace enable of bit 0" -EINVAL $TRACE_ENABLE 1
ans=$(s2own_hvc $TRACE_BUFFER $spfn 1)
expect_eq "trace: a one-page trace buffer holds 124 records" \
	"$(echo "$ans" | cut -d ' ' -f 3,6)" "0x7c 0"
ans=$(s2own_hvc $TRACE_ENABLE 0)
expect_eq "trace: trace enable returns the mask before" \
	"$(echo "$ans" | cut -d ' ' -f 3,6)" "0x0 0"
bad "trace buffer of none" 0 $TRACE_BUFFER 0 0
echo $spfn >$D/unshare
echo $spfn >$D/query
check "trace: the page is the host's again" "$(cat $D/query)" \
	grep -q "owner=host host=owned hyp=nopage" $D/query

# --- the storm, with tracing on --------------------------------------------

cpus=$(grep -c '^processor' /proc/cpuinfo)
cat $D/ptdump >$T/pt0
base=$(s2own_stat table_pages_used)
# run_storm SECONDS: a storm, waited for; its verdict.
run_storm() {
	echo "$1" >$D/storm || return
	w=0
	while grep -q '^state running' $D/storm && [ $w -lt 600 ]; do
		sleep 1
		w=$((w + 1))
	done
	sed -n 's/^result //p' $D/storm
}
# per_cpu KEY: the key's value for each CPU, space separated.
per_cpu() {
	for c in $(seq 0 $((cpus - 1))); do
		printf '%s ' "$(s2own_trace_stat $c "$1")"
	done
}

echo on >$TR/reader
s2own_trace_enable all
t0=$(cut -d ' ' -f 1 /proc/uptime)
r=$(run_storm 5)
t1=$(cut -d ' ' -f 1 /proc/uptime)
s2own_trace_enable none
sed 's/^/    stats: /' $TR/stats
written=$(s2own_trace_stat total written)
expect_eq "trace: storm, reader on: the storm passes" "$r" PASS
expect_eq "trace: storm, reader on: every CPU had a buffer" \
	"$(grep -c '^cpu ' $TR/stats)" "$cpus"
expect_eq "trace: storm, reader on: nothing lost" "$(s2own_trace_stat total lost)" 0
expect_eq "trace: storm, reader on: every record written was read" \
	"$(s2own_trace_stat total read)" "$written"
check "trace: storm, reader on: every CPU wrote records" "written: $(per_cpu written)" \
	sh -c "! echo ' $(per_cpu written)' | grep -q ' 0 '"
say "storm: $written events in $(awk -v a=$t0 -v b=$t1 'BEGIN { printf "%.1f", b - a }') s, $(awk -v n=$written -v a=$t0 -v b=$t1 'BEGIN { printf "%.0f", n / (b - a) }') events/s"
hyp_check "trace: storm, reader on: the invariant checker passes"

# One page a CPU, 124 records: a storm fills it in well under a second.
echo off >$TR/reader
echo 1 >$TR/buffer_pages
s2own_trace_enable all
r=$(run_storm 3)
s2own_trace_enable none
echo 16 >$TR/buffer_pages
sed 's/^/    stats: /' $TR/stats
expect_eq "trace: storm, reader off: the storm passes" "$r" PASS
check "trace: storm, reader off: losses counted" "lost $(s2own_trace_stat total lost)" \
	[ "$(s2own_trace_stat total lost)" -gt 0 ]
expect_eq "trace: storm, reader off: nothing read" "$(s2own_trace_stat total read)" 0
check "trace: storm, reader off: full buffers hold what they can" \
	"written $(per_cpu written) records $(per_cpu records) lost $(per_cpu lost)" \
	sh -c "for c in \$(seq 0 $((cpus - 1))); do
		l=\$(awk -v c=\$c '\$1 == \"cpu\" && \$2 == c { print \$14, \$8, \$10 }' $TR/stats)
		set -- \$l; [ \"\$1\" = 0 ] || [ \"\$2\" = \"\$3\" ] || exit 1
	done"
echo on >$TR/reader
expect_eq "trace: storm, reader back on: every record written was read" \
	"$(s2own_trace_stat total read)" "$(s2own_trace_stat total written)"
lines=$(cat $TR/trace | wc -l)
check "trace: storm, reader back on: the text files hold them" "$lines lines" [ "$lines" -gt 0 ]

# --- a hostile host --------------------------------------------------------

s2own_trace_enable all
echo 12 >$D/storm
echo 8 >$D/trace_hostile
check "trace: hostile: the hostile host ran" "write failed" [ $? = 0 ]
sed 's/^/    hostile: /' $D/trace_hostile
hval() { sed -n "s/^$1 //p" $D/trace_hostile; }
expect_eq "trace: hostile: it scribbled on every CPU's buffer" "$(hval buffers)" "$cpus"
expect_eq "trace: hostile: the unshares succeeded under load" "$(hval unshare_failures)" 0
expect_eq "trace: hostile: nothing written to a page once unshared" \
	"$(hval written_after_unshare)" 0
expect_eq "trace: hostile: invariant checker at the end" "$(hval check)" 0
expect_eq "trace: hostile: verdict" "$(hval result)" PASS
w=0
while grep -q '^state running' $D/storm && [ $w -lt 600 ]; do
	sleep 1
	w=$((w + 1))
done
expect_eq "trace: hostile: the storm beside it passes" "$(sed -n 's/^result //p' $D/storm)" PASS
s2own_trace_enable none
s2own_trace_enable all
echo 1 >$D/vm_create
vm=$(cat $D/vm_create)
echo "$vm 1 scatter" >$D/donate
echo "$vm" >$D/vm_destroy
echo "$vm" >$D/reclaim
s2own_trace_enable none
s2own_trace_take $T/after.trace
check "trace: hostile: tracing works again after" "$(tail -n 3 $T/after.trace)" \
	grep -q "transition call=reclaim_guest vm=0 .* ret=0" $T/after.trace
expect_eq "trace: hostile: nothing lost after" "$(s2own_trace_stat total lost)" 0
hyp_check "trace: the invariant checker passes after everything"
expect_eq "trace: table pages back at baseline" "$(s2own_stat table_pages_used)" "$base"
check "trace: ptdump back as before the storms" "see diff" \
	same $T/pt0 $D/ptdump || show_diff $T/pt0 $D/ptdump

check "trace: modules unload" "rmmod failed" s2own_unload
check "trace: nothing leaked at unload" "$(dmesg | grep 's2own:.*leak')" \
	sh -c "! dmesg | grep -q 's2own:.*leak'"
check "trace: module reloads" "insmod failed" s2own_load
finish
