#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Test step (/demo.d/70-s2own-guest-test.sh): protected guests run by
# s2own-vmm through /dev/s2own, only with s2own.test=1 on the kernel
# command line (make driver-test), after the driver's own step, or with
# s2own.guest_test=1 alone (make guest-test). Lines as
# in 60-s2own-test.sh ("S2OWN-TEST: PASS guests: <check>"), then
# "S2OWN-TEST: guests: N passed, N failed"; vmm/guest-test.checks expects
# every PASS by name.
#
#   the driver's answers to bad input (s2own-vmm --check-ioctls)
#   the in-tree guest's full mode on 4 vCPUs: its result, the host's
#     refused accesses at its checkpoint, its checksum, demand donations,
#     every page zero after the reclaim
#   the host's timer ticks on a CPU where a guest spins
#   two VMs at once on different CPUs while a storm donates to others
#   every hostile mode: handled, the VM destroyed, its pages reclaimed
#   the guest's own memory calls: a ring page shared with its VMM, the
#     messages through it, unshared (the host's tries refused again),
#     pages relinquished (the VMM reclaims them: zero), a page left shared
#   the fuzzing guest: hostile memory calls on 4 vCPUs, the invariant
#     checker every 1000 (s2own.guest_fuzz=CALLS, s2own.guest_fuzz_seed=)
#   the host's FP/SIMD registers across a guest's run (s2own_test.ko)
#
# After each, the host stage-2 must be the baseline again, with as many
# table pages as before.
set -u
. /lib/s2own/lib.sh

# s2own.guest_test=ioctl,full,spin,two,hostile,share,fuzz,fpsimd runs only
# those.
sections=$(sed -n 's/.*s2own\.guest_test=\([a-z0-9,]*\).*/\1/p' /proc/cmdline)
case " $(cat /proc/cmdline) " in
*" s2own.test=1 "*) sections=1 ;;
*" s2own.guest_test="*) ;;
*) exit 0 ;;
esac
# want SECTION: whether to run it.
want() {
	case ",$sections," in
	*,1,* | *",$1,"*) return 0 ;;
	esac
	return 1
}

S2OWN_TEST_WHAT=guests
VMM=/bin/s2own-vmm
GUEST=/lib/s2own/s2own-guest.bin
D=$S2OWN_DIR
T=/tmp/s2own-guest-test
mkdir -p $T

# vmm NAME ARGS...: run s2own-vmm named NAME; its lines go to $T/NAME.log
# and, indented, to the console. Returns its exit status.
vmm() {
	name=$1
	shift
	$VMM -n "$name" "$@" >"$T/$name.log" 2>&1
	rc=$?
	sed 's/^/    /' "$T/$name.log"
	return $rc
}
# vmm_stat NAME KEY: a value of its summary ("stat KEY VALUE").
vmm_stat() { sed -n "s/^S2OWN-VMM\[$1\]: stat $2 //p" "$T/$1.log"; }
# The VM's handle, once the VMM said it.
vmm_handle() { sed -n "s/^S2OWN-VMM\[$1\]: VM \([0-9]*\)$/\1/p" "$T/$1.log"; }

# baseline_same WHAT: the host stage-2 and its table pages as at the start.
baseline_same() {
	cat $D/ptdump >$T/pt
	check "guests: $1: host stage-2 as before" "see diff" same $T/pt0 $T/pt ||
		show_diff $T/pt0 $T/pt
	expect_eq "guests: $1: table pages as before" \
		"$(s2own_stat table_pages_used)" "$base"
}

# vmm_passed NAME WHAT RC: the VMM's own verdict.
vmm_passed() {
	check "guests: $2" "exit status $3, $(tail -n 1 "$T/$1.log")" \
		[ "$3" = 0 ]
}

# The arch_timer interrupts CPU $1 has taken.
timer_irqs() { awk -v c="$1" '/arch_timer/ { print $(c + 2); exit }' /proc/interrupts; }

# --- bad input -----------------------------------------------------------

test_ioctl() {
	$VMM --check-ioctls >$T/checks.log 2>&1
	rc=$?
	sed 's/^/    /' $T/checks.log
	while read -r verdict rest; do
		case "$verdict" in
		PASS) pass "guests: ioctl: $rest" ;;
		FAIL)
			seen=${rest#* (}
			fail "guests: ioctl: ${rest%% (*}" "${seen%)}"
			;;
		esac
	done <$T/checks.log
	expect_eq "guests: ioctl checks all passed" "$rc" 0
	baseline_same "after the ioctl checks"
}

# --- the full guest on 4 vCPUs -------------------------------------------

test_full() {
	vmm full -c 4 -m full -p 0,1,2,3 -t 600 $GUEST
	vmm_passed full "full: 4 vCPUs, the VMM's verdict PASS" $?
	expect_eq "guests: full: the guest's result" \
		"$(vmm_stat full result | cut -d ' ' -f 1)" PASS
	expect_eq "guests: full: powered off" "$(vmm_stat full ending)" off
	tries=$(vmm_stat full host_tries)
	check "guests: full: the host tried guest pages at the checkpoint" \
		"tries '$tries'" [ "${tries:-0}" -gt 0 ]
	expect_eq "guests: full: every host access refused" \
		"$(vmm_stat full host_refused)" "$tries"
	check "guests: full: the kernel's reads were refused too" \
		"$(vmm_stat full kernel_reads_refused)" \
		[ "$(vmm_stat full kernel_reads_refused)" -gt 0 ]
	cp_sum=$(sed -n 's/.*: checkpoint, guest checksum \(0x[0-9a-f]*\)$/\1/p' $T/full.log | head -n 1)
	res_sum=$(vmm_stat full result | sed -n 's/.* checksum \(0x[0-9a-f]*\) .*/\1/p')
	expect_eq "guests: full: the guest's checksum unchanged since the checkpoint" \
		"$res_sum" "$cp_sum"
	demand=$(vmm_stat full demand_donations)
	check "guests: full: demand donations counted" "demand_donations '$demand'" \
		[ "${demand:-0}" -ge 32 ]
	faults=$(vmm_stat full exit_mem_fault)
	expect_eq "guests: full: a MEM_FAULT exit per demand donation" \
		"$faults" $((demand + $(vmm_stat full faults_on_donated)))
	zero=$(vmm_stat full pages_zero)
	check "guests: full: every donated page reads zero after the reclaim" \
		"pages_zero $zero" [ "${zero%/*}" = "${zero#*/}" -a "${zero%/*}" -gt 0 ]
	expect_eq "guests: full: pages reclaimed: the guest's and the vCPUs'" \
		"$(vmm_stat full pages_reclaimed)" \
		$((${zero#*/} + $(vmm_stat full vcpu_pages)))
	check "guests: full: the guest's console came through" "no S2OWN-GUEST line" \
		grep -q '^S2OWN-GUEST\[full/0\]: ' $T/full.log
	baseline_same "full"
}

# --- the host's timer while a guest spins -------------------------------

test_spin() {
	vmm spin -c 1 -m spin -p 1 -t 8 $GUEST &
	pid=$!
	sleep 3
	h=$(vmm_handle spin)
	t0=$(timer_irqs 1)
	up0=$(cut -d ' ' -f 1 /proc/uptime)
	sleep 2
	t1=$(timer_irqs 1)
	up1=$(cut -d ' ' -f 1 /proc/uptime)
	irq=$(sed -n 's/^vcpu 0 .* irq \([0-9]*\) .*/\1/p' "$D/vm$h/vcpus" 2>/dev/null)
	wait $pid
	vmm_passed spin "spin: ended at its time limit" $?
	echo "S2OWN-TEST: CPU 1 arch_timer $t0 -> $t1 over $up0 -> $up1 s; vm$h/vcpus irq ${irq:-?}"
	check "guests: spin: CPU 1's timer ticks while the guest spins" \
		"arch_timer $t0 -> $t1" [ $((t1 - t0)) -ge 100 ]
	check "guests: spin: the driver counted IRQ exits" "vm$h/vcpus irq '${irq:-}'" \
		[ "${irq:-0}" -gt 0 ]
	check "guests: spin: the VMM saw them as irq_exits" \
		"$(vmm_stat spin exit_irq)" [ "$(vmm_stat spin exit_irq)" -gt 0 ]
	baseline_same "spin"
}

# --- two VMs at once, a storm beside them --------------------------------

test_two() {
	vmm A -c 4 -m full -d image -p 0,1,0,1 -t 600 $GUEST >/dev/null &
	pa=$!
	vmm B -c 4 -m full -d image -p 2,3,2,3 -t 600 $GUEST >/dev/null &
	pb=$!
	echo 5 >$D/storm
	wait $pa
	ra=$?
	wait $pb
	rb=$?
	while grep -q '^state running' $D/storm; do sleep 1; done
	sed 's/^/    A: /' $T/A.log
	sed 's/^/    B: /' $T/B.log
	sed 's/^/    storm: /' $D/storm
	vmm_passed A "two at once: VM A on CPUs 0 and 1" $ra
	vmm_passed B "two at once: VM B on CPUs 2 and 3" $rb
	expect_eq "guests: two at once: the storm beside them" \
		"$(sed -n 's/^result //p' $D/storm)" PASS
	# "S end E seconds N" each: A from $1 to $3, B from $6 to $8.
	# shellcheck disable=SC2046 # the words are meant
	set -- $(vmm_stat A start) $(vmm_stat B start)
	check "guests: two at once: the runs overlapped" "A ${1:-?}-${3:-?}, B ${6:-?}-${8:-?}" \
		awk -v a0="${1:-0}" -v a1="${3:-0}" -v b0="${6:-0}" -v b1="${8:-0}" \
		'BEGIN { exit !(a0 < b1 && b0 < a1) }'
	baseline_same "two at once"
}

# --- hostile guests ------------------------------------------------------

test_hostile() {
	for mode in hvc sysreg mmio wfi loop garbage random exec-mmio; do
		vmm "$mode" -c 4 -m "$mode" -t 5 $GUEST
		vmm_passed "$mode" "hostile $mode: handled, the VM destroyed and reclaimed" $?
	done
	check "guests: hostile: the host carries on" "touch of a host page" \
		sh -c "echo $(($(s2own_ram_ranges | head -n 1 | cut -d ' ' -f 1) + 1)) >$D/touch && grep -q '^ok' $D/touch"
	baseline_same "hostile"
}

# --- the guest's own memory calls: share, unshare, relinquish -----------

test_share() {
	vmm share -c 4 -m share -p 0,1,2,3 -t 300 $GUEST
	vmm_passed share "share: the VMM's verdict PASS" $?
	expect_eq "guests: share: the guest's result: 8 messages, 16 pages given up" \
		"$(vmm_stat share result)" "PASS code 0 checksum 0x8 detail 0x10"
	expect_eq "guests: share: powered off" "$(vmm_stat share ending)" off
	expect_eq "guests: share: KVM's UID, FEATURES and HYP_MEMINFO" \
		"$(sed -n 's/^S2OWN-GUEST\[share\/0\]: share: UID //p' $T/share.log)" \
		"b66fb428 e911c52e 564bcaa9 743a004d, FEATURES 0x21d 0 0 0, MEMINFO 4096 1"
	expect_eq "guests: share: the VMM read and answered every message" \
		"$(vmm_stat share ring_messages)" 8
	expect_eq "guests: share: the ring was shared at each doorbell" \
		"$(vmm_stat share ring_queries_shared)" 8
	expect_eq "guests: share: the host tried the private ring twice" \
		"$(vmm_stat share checkpoints)" 2
	expect_eq "guests: share: every try refused, before the share and after the unshare" \
		"$(vmm_stat share host_refused)/$(vmm_stat share host_tries)" 10/10
	expect_eq "guests: share: the VMM's RECLAIMs of the private ring refused" \
		"$(vmm_stat share reclaims_refused)" 2
	expect_eq "guests: share: the VMM's DONATEs at its gfn refused" \
		"$(vmm_stat share redonates_refused)" 2
	expect_eq "guests: share: pages relinquished" \
		"$(vmm_stat share pages_relinquished)" 16
	expect_eq "guests: share: the VMM reclaimed them at the RELINQUISH exits" \
		"$(vmm_stat share pages_reclaimed_live)" 16
	expect_eq "guests: share: each read zero" \
		"$(vmm_stat share pages_zero_live)" 16
	ex=$(vmm_stat share exit_relinquish)
	check "guests: share: a RELINQUISH exit per run of pages" "exit_relinquish '$ex'" \
		[ "${ex:-0}" -ge 1 -a "${ex:-0}" -le 16 ]
	expect_eq "guests: share: two pages faulted in: the share of one not given, one given up" \
		"$(vmm_stat share exit_mem_fault)/$(vmm_stat share demand_donations)" 2/2
	expect_eq "guests: share: the relinquished range again: nothing there" \
		"$(grep -c 'share: [0-9]* relinquish again: nothing there: 0, 0 pages$' $T/share.log)" 1
	expect_eq "guests: share: the page touched again came back zero" \
		"$(grep -c 'share: page 0x80c10000 touched again: zero, and writable$' $T/share.log)" 1
	expect_eq "guests: share: the host read the page left shared" \
		"$(vmm_stat share left_shared_read)" 1
	zero=$(vmm_stat share pages_zero)
	check "guests: share: every page zero after the reclaim, the shared one too" \
		"pages_zero $zero" [ "${zero%/*}" = "${zero#*/}" -a "${zero%/*}" -gt 0 ]
	baseline_same "share"
}

# --- the fuzzing guest ---------------------------------------------------

test_fuzz() {
	n=$(sed -n 's/.*s2own\.guest_fuzz=\([0-9]*\).*/\1/p' /proc/cmdline)
	n=${n:-100000}
	seed=$(sed -n 's/.*s2own\.guest_fuzz_seed=\([0-9a-fx]*\).*/\1/p' /proc/cmdline)
	seed=${seed:-0x5eed}
	checks=$((n / 1000 + 4))
	vmm fuzz -c 4 -m fuzz -p 0,1,2,3 --fuzz-calls "$n" -s "$seed" -t 1800 $GUEST
	vmm_passed fuzz "fuzz: the VMM's verdict PASS" $?
	expect_eq "guests: fuzz: the guest's result: every call made, every check run" \
		"$(vmm_stat fuzz result)" \
		"PASS code 0 checksum $(printf 0x%x "$n") detail $(printf 0x%x $checks)"
	g=$(vmm_stat fuzz fuzz_guest)
	expect_eq "guests: fuzz: the guest's calls" "$(echo "$g" | cut -d ' ' -f 2)" "$n"
	expect_eq "guests: fuzz: no unexpected result" "${g##* unexpected }" 0
	expect_eq "guests: fuzz: the invariant checker every 1000 calls and at the end" \
		"$(vmm_stat fuzz fuzz_checks)" $checks
	expect_eq "guests: fuzz: every slice checked page by page" \
		"$(vmm_stat fuzz fuzz_pages_checked)" $((checks * 32))
	expect_eq "guests: fuzz: no page disagreed" "$(vmm_stat fuzz fuzz_mismatches)" 0
	check "guests: fuzz: the VMM donated beside the guest" \
		"churn_donations $(vmm_stat fuzz churn_donations)" \
		[ "$(vmm_stat fuzz churn_donations)" -gt 0 ]
	check "guests: fuzz: the VMM's RECLAIMs of live pages refused" \
		"churn_reclaims_refused $(vmm_stat fuzz churn_reclaims_refused)" \
		[ "$(vmm_stat fuzz churn_reclaims_refused)" -gt 0 ]
	rel=$(vmm_stat fuzz pages_relinquished)
	check "guests: fuzz: the guest gave pages up" "pages_relinquished '$rel'" \
		[ "${rel:-0}" -gt 0 ]
	expect_eq "guests: fuzz: every page given up was reclaimed, zero" \
		"$(vmm_stat fuzz pages_reclaimed_live)/$(vmm_stat fuzz pages_zero_live)" "$rel/$rel"
	sed -n 's/^S2OWN-GUEST\[fuzz\/0\]: \(fuzz: .*\)/    \1/p' $T/fuzz.log
	baseline_same "fuzz"
}

# --- the host's FP/SIMD registers ----------------------------------------

test_fpsimd() {
	echo 1 >$D/fpsimd
	sed 's/^/    fpsimd: /' $D/fpsimd
	expect_eq "guests: FP/SIMD: the host's registers survive a guest's run" \
		"$(sed -n 's/^result //p' $D/fpsimd)" PASS
	baseline_same "FP/SIMD"
}

# --- the run -------------------------------------------------------------

check "guests: module loads" "insmod failed" s2own_load || finish
check "guests: /dev/s2own is there" "no device" [ -c /dev/s2own ]
s2own_test_load || echo "S2OWN-TEST: insmod $S2OWN_TEST_KO failed"
out=$(s2own_prefault)
check "guests: host reads all its RAM" "$out" [ $? = 0 ]
base=$(s2own_stat table_pages_used)
cat $D/ptdump >$T/pt0

[ -f $GUEST ] || fail "guests: the guest image is there" "no $GUEST"
for section in ioctl full spin two hostile share fuzz fpsimd; do
	want $section || continue
	case $section in
	full | spin | two | hostile | share | fuzz) [ -f $GUEST ] || continue ;;
	esac
	test_$section
done

check "guests: no VM left in the driver's books" "$(cat $D/vm)" \
	[ -z "$(cat $D/vm)" ]
expect_eq "guests: no reclaimed page came back dirty" \
	"$(s2own_stat reclaim_not_zeroed)" 0
grep '^hvc_vcpu' $D/stats | sed 's/^/    /'
finish
