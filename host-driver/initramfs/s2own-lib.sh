# SPDX-License-Identifier: GPL-2.0-only
#
# Shell helpers for the s2own driver's demo and test steps (sourced, busybox
# sh). Installed as /lib/s2own/lib.sh; the files they drive are described
# in docs/debugfs.md.

S2OWN_DIR=/sys/kernel/debug/s2own
S2OWN_KO=/lib/modules/s2own.ko
S2OWN_TEST_KO=/lib/modules/s2own_test.ko

# True when the hypervisor is there: it adds this node to the DTB it gives
# Linux. Without it, loading the module must fail (an HVC without EL2 is
# UNDEFINED, so the module checks the node before its first call).
s2own_hyp_present() {
	ls /proc/device-tree/reserved-memory 2>/dev/null | grep -q '^s2own-hyp@'
}

s2own_load() {
	[ -d "$S2OWN_DIR" ] || insmod "$S2OWN_KO"
}

# The test module (the storm and fuzz files), on top of s2own.ko.
s2own_test_load() {
	[ -e "$S2OWN_DIR/storm" ] || insmod "$S2OWN_TEST_KO"
}

# Unload the driver, the test module first if it is loaded.
s2own_unload() {
	if grep -q '^s2own_test ' /proc/modules; then
		rmmod s2own_test || return
	fi
	rmmod s2own
}

# s2own_stat KEY: one value from the stats file.
s2own_stat() {
	sed -n "s/^$1 //p" "$S2OWN_DIR/stats"
}

# s2own_hvc FUNC [ARGS...]: raw hypercall; prints "x0 x1 x2 x3 ret name".
s2own_hvc() {
	echo "$*" >"$S2OWN_DIR/hvc" && cat "$S2OWN_DIR/hvc"
}

# s2own_touch PFN [NR]: prints the touch answer ("ok HEX" or "fault").
s2own_touch() {
	echo "$*" >"$S2OWN_DIR/touch" && cat "$S2OWN_DIR/touch"
}

# Every page of System RAM (what Linux maps; the carve-out is "reserved")
# as "PFN NR" lines, from the top-level ranges of /proc/iomem.
s2own_ram_ranges() {
	sed -n 's/^\([0-9a-f]*\)-\([0-9a-f]*\) : System RAM$/\1 \2/p' /proc/iomem |
	while read -r start end; do
		echo "$((0x$start >> 12)) $(((0x$end + 1 - 0x$start) >> 12))"
	done
}

# Read every page of RAM once, so that the host stage-2 has all of it
# mapped with the largest blocks: from then on the ptdump only changes
# when ownership does. Prints the touch answers; fails if one was no "ok".
s2own_prefault() {
	rc=0
	for r in $(s2own_ram_ranges | tr ' ' ':'); do
		a=$(s2own_touch "${r%:*}" "${r#*:}") || rc=1
		echo "$a"
		case "$a" in ok*) ;; *) rc=1 ;; esac
	done
	return $rc
}

# s2own_vm_pfns VM STATE: the pfns of a VM's ranges in STATE (donated,
# relinquished), from the vm file.
s2own_vm_pfns() {
	awk -v vm="$1" -v st="$2" '
		$1 == "vm" { cur = $2 }
		$1 == "pfn" && cur == vm && $7 == st { print $2 }
	' "$S2OWN_DIR/vm"
}

# s2own_range_line PFN [NR]: the start of the ptdump line of exactly these
# pages, "0x...-0x...".
s2own_range_line() {
	pa=$(($1 << 12))
	printf '0x%016x-0x%016x' "$pa" $((pa + ${2:-1} * 4096))
}

# --- test steps -------------------------------------------------------------
#
# One line per check, "S2OWN-TEST: PASS <check>" or "S2OWN-TEST: FAIL
# <check> (<what was seen>)"; finish prints "S2OWN-TEST: [WHAT: ]N passed,
# N failed" (WHAT from S2OWN_TEST_WHAT) and exits 0 only if none failed.

passed=0
failed=0
pass() {
	echo "S2OWN-TEST: PASS $1"
	passed=$((passed + 1))
}
fail() {
	echo "S2OWN-TEST: FAIL $1 ($2)"
	failed=$((failed + 1))
}
# check NAME DETAIL COMMAND...: PASS if COMMAND succeeds; returns its status.
check() {
	name=$1 detail=$2
	shift 2
	if "$@"; then
		pass "$name"
	else
		fail "$name" "$detail"
		return 1
	fi
}
# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi
}
finish() {
	echo "S2OWN-TEST: ${S2OWN_TEST_WHAT:+$S2OWN_TEST_WHAT: }$passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
}
has() { grep -q -- "$2" "$1"; }
same() { cmp -s "$1" "$2"; }
show_diff() { diff "$1" "$2" | head -n 20 | sed 's/^/    diff: /'; }
