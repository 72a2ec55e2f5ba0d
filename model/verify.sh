#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Model-check the walker-refcount protocol (model/walker_refcount.pml) with
# spin; `make verify` runs this. Usage: model/verify.sh OUTDIR
#
#  - safety: every scenario (CFG=1..5), exhaustively: assertions (I1-I4 and
#    the end-state checks) and invalid end states (deadlock), plus a check
#    that the scenario really reaches the races it is there for; CFG=5 is
#    a guest's unshare racing host faults on the page and a coalesce;
#  - termination: <> all done, under weak fairness (CFG=1..3, 5);
#  - mutants: each deliberately broken protocol must be rejected, with the
#    assertion that names its bug; the counterexample is kept as a trail.
#
# One line per run, then "N passed, M failed" alone on the last line.
# Exit status 1 if anything failed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
model=$here/walker_refcount.pml
out=${1:-build/verify}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# Memory cap for pan, in MB: a run that would need more fails instead of
# pushing the machine into swap.
MEMLIM=${VERIFY_MEMLIM:-3072}
CC=${CC:-gcc}

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "verify: $*"; }
fail() { failed=$((failed + 1)); echo "verify: FAIL: $*"; }

# Races each scenario must reach (names as printed by -DCOVERAGE).
cover_base="collapse-commit collapse-waited revalidate-failed spin-on-locked
	page-reused stale-ref split write-unlinked"
cover_1="$cover_base fault-block"
cover_2="$cover_base collapse-abort walker-aba donation-lost"
cover_3="$cover_base collapse-abort collapse-lost walker-aba collapser-aba
	donation-lost enomem"
cover_4="$cover_3 fault-block"
cover_5="$cover_base collapse-abort walker-aba took-mapped"

# build DIR PAN_CFLAGS SPIN_FLAGS...: generate and compile pan in DIR.
build() {
	local dir=$1 cflags=$2
	shift 2
	rm -rf "$dir"
	mkdir -p "$dir"
	cp "$model" "$dir/"
	(cd "$dir" && spin "$@" -a walker_refcount.pml >spin.log 2>&1 &&
		$CC -O2 -w $cflags -DMEMLIM=$MEMLIM -o pan pan.c \
			>cc.log 2>&1)
}

# stats FILE: "N states, depth D, T s" from a pan log.
stats() {
	local st dp tm
	st=$(sed -n 's/^ *\([0-9.e+]*\) states, stored.*/\1/p' "$1" | head -1)
	dp=$(sed -n 's/.*depth reached \([0-9]*\).*/\1/p' "$1" | head -1)
	tm=$(sed -n 's/^pan: elapsed time \([0-9.e+]*\) seconds.*/\1/p' "$1" |
		head -1)
	echo "${st:-?} states, depth ${dp:-?}, ${tm:-?} s"
}

# complete FILE: the search ran to the end with no error.
complete() {
	grep -q 'errors: 0$' "$1" &&
		! grep -q -e 'max search depth too small' \
			-e 'out of memory' -e 'aborting' "$1"
}

safety() {
	local cfg=$1 dir=$out/safety-cfg$1 want missing="" c
	if ! build "$dir" "-DSAFETY -DNOCLAIM -DCOLLAPSE" -DCFG="$cfg" \
		-DCOVERAGE; then
		fail "walker_refcount cfg$cfg: cannot build pan (see $dir)"
		return
	fi
	(cd "$dir" && ./pan -m100000 >pan.log 2>&1)
	if ! complete "$dir/pan.log"; then
		fail "walker_refcount cfg$cfg safety: $(grep -m1 -e 'pan:1:' \
			-e 'error' "$dir/pan.log") (see $dir/pan.log)"
		return
	fi
	want=cover_$cfg
	for c in ${!want}; do
		grep -q "^cover: $c [1-9]" "$dir/pan.log" ||
			missing="$missing $c"
	done
	if [ -n "$missing" ]; then
		fail "walker_refcount cfg$cfg: never reached:$missing"
		return
	fi
	pass "walker_refcount cfg$cfg OK (safety: $(stats "$dir/pan.log")," \
		"errors: 0)"
}

liveness() {
	local cfg=$1 dir=$out/termination-cfg$1
	if ! build "$dir" "-DCOLLAPSE -DNFAIR=3" -DCFG="$cfg"; then
		fail "walker_refcount cfg$cfg: cannot build pan (see $dir)"
		return
	fi
	(cd "$dir" && ./pan -a -f -m200000 >pan.log 2>&1)
	if ! complete "$dir/pan.log"; then
		fail "walker_refcount cfg$cfg termination: $(grep -m1 \
			-e 'pan:1:' -e 'error' "$dir/pan.log") (see $dir/pan.log)"
		return
	fi
	pass "walker_refcount cfg$cfg OK (termination <>done, weak fairness:" \
		"$(stats "$dir/pan.log"), errors: 0)"
}

# mutant NAME CFG EXPECTED-ERROR WHAT [termination]
# The mutant is checked for safety (assertions, invalid end states), or
# with "termination" against <> done under weak fairness.
mutant() {
	local name=$1 cfg=$2 expect=$3 what=$4 mode=${5:-safety}
	local flag dir got cflags="-DSAFETY -DNOCLAIM -DCOLLAPSE" run="-m100000"
	flag=MUTANT_$(echo "$name" | tr 'a-z-' 'A-Z_')
	dir=$out/mutant-$name-cfg$cfg
	if [ "$mode" = termination ]; then
		cflags="-DCOLLAPSE -DNFAIR=3"
		run="-a -f -m200000"
		dir=$dir-termination
	fi
	if ! build "$dir" "$cflags" -DCFG="$cfg" -D"$flag"; then
		fail "mutant $name: cannot build pan (see $dir)"
		return
	fi
	(cd "$dir" && ./pan $run >pan.log 2>&1)
	if grep -q 'errors: 0$' "$dir/pan.log"; then
		fail "mutant $name PASSED $mode verification: the model" \
			"misses its bug ($what)"
		return
	fi
	(cd "$dir" &&
		spin -T -DCFG="$cfg" -D"$flag" -t walker_refcount.pml \
			>trail.txt 2>&1
		spin -DCFG="$cfg" -D"$flag" -t -p -g -l walker_refcount.pml \
			>trail-steps.txt 2>&1)
	got=$(sed -n 's/^pan:1: \(.*\) (at depth.*/\1/p' "$dir/pan.log")
	case $got in
	*"$expect"*)
		pass "mutant $name rejected as expected ($mode): $what" \
			"[$got] ($(stats "$dir/pan.log"); trail:" \
			"${dir#$PWD/}/trail.txt)" ;;
	*)
		fail "mutant $name rejected for another reason: $got" \
			"(expected $expect; trail: $dir/trail.txt)" ;;
	esac
}

start=$(date +%s)
for cfg in 1 2 3 4 5; do
	safety "$cfg"
done
for cfg in 1 2 3 5; do
	liveness "$cfg"
done
mutant no-revalidate 1 'isfree[t]' "use-after-free: no re-check of the entry after inc"
mutant no-wait 1 'isfree[t]' "use-after-free: collapser does not wait for refs"
mutant relaxed-inc 1 'isfree[t]' "use-after-free: refs inc ordered after the re-check load"
mutant relaxed-lock 1 'isfree[t]' "use-after-free: refs load ordered before the lock CAS"
mutant relaxed-put 2 'gown[k]&&tlb[k]' "guest page mapped by the host: the donor's leaving refs dec seen before its nr_busy inc"
mutant no-recheck 2 'gown[k]&&tlb[k]' "guest page mapped by the host: no nr_busy re-check"
mutant no-walkcache-tlbi 1 'wc[r]==0' "block over a cached pointer to a freed table"
mutant alloc-resets-refs 1 'refs[t]>0' "refcount underflow: allocator resets refs"
mutant collapse-holding-ref 1 'invalid end state' "deadlock: collapser waits for its own ref"
mutant collapse-holding-ref 1 'acceptance cycle' "deadlock: collapser waits for its own ref" termination
mutant no-recheck 5 'gown[k]&&tlb[k]' "block over a page the guest took back: no nr_busy re-check"
mutant no-leaf-tlbi 5 'tlb[((r*2)+j)]' "host keeps a translation of a page the guest took back: no TLBI"
echo "verify: total $(($(date +%s) - start)) s, output in ${out#$PWD/}/"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
