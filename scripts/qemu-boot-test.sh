#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot once under QEMU without a terminal and check the console.
#
#   qemu-boot-test.sh [test options] [qemu-run.sh options] [-- qemu args]
#
#   --name NAME        label for the report (default: the --mode)
#   --expect PAT       the console must match PAT (grep -E), repeatable
#   --forbid PAT       the console must not match PAT, repeatable;
#                      "Kernel panic" and "S2OWN-HYP: PANIC" always are
#   --checks FILE      more checks, one a line: "expect PAT" or "forbid
#                      PAT"; blank lines and # comments are skipped
#   --marker PAT       boot time is measured to the first line matching it
#                      (default "S2OWN: init reached")
#   --time-file FILE   write that boot time in seconds to FILE
#   --log FILE         keep the console here (default: a temporary file)
#   --verbose          show the console while it runs
#
# Everything else goes to scripts/qemu-run.sh (run with --batch, so
# s2own.demo=1 and a timeout apply). QEMU must also exit by itself with
# status 0 (the guest powered off) for the run to pass. Prints PASS/FAIL per
# check, the whole console on failure, and "N passed, N failed" last; the
# exit status is 0 only if nothing failed.
set -eu

# C locale: $EPOCHREALTIME below must use a decimal point.
export LC_ALL=C
here=$(dirname "$0")
die() { echo "qemu-boot-test: $*" >&2; exit 2; }

name=""
mode=hyp
marker="S2OWN: init reached"
time_file=""
log=""
verbose=0
expects=()
forbids=("Kernel panic" "S2OWN-HYP: PANIC")
run_args=()

add_forbid() {
	local f
	for f in "${forbids[@]}"; do
		[ "$f" != "$1" ] || return 0
	done
	forbids+=("$1")
}

add_checks() {
	local kind pat
	[ -f "$1" ] || die "checks file $1 not found"
	while IFS= read -r line || [ -n "$line" ]; do
		case "$line" in
		''|'#'*) continue ;;
		esac
		kind=${line%% *} pat=${line#* }
		case "$kind" in
		expect) expects+=("$pat") ;;
		forbid) add_forbid "$pat" ;;
		*) die "$1: bad line: $line" ;;
		esac
	done <"$1"
}

need() { [ $# -ge 2 ] || die "$1 needs a value"; }
while [ $# -gt 0 ]; do
	case "$1" in
	--name)      need "$@"; name=$2; shift ;;
	--expect)    need "$@"; expects+=("$2"); shift ;;
	--forbid)    need "$@"; add_forbid "$2"; shift ;;
	--checks)    need "$@"; add_checks "$2"; shift ;;
	--marker)    need "$@"; marker=$2; shift ;;
	--time-file) need "$@"; time_file=$2; shift ;;
	--log)       need "$@"; log=$2; shift ;;
	--verbose)   verbose=1 ;;
	--mode)      need "$@"; mode=$2; run_args+=("$1" "$2"); shift ;;
	--)          run_args+=("$@"); break ;;
	# Options of qemu-run.sh that take a value: keep the value with them.
	--kernel|--host-image|--host-addr|--initrd|--append|--cpus|--cpu|--mem|\
	--timeout|--batch-timeout)
	             need "$@"; run_args+=("$1" "$2"); shift ;;
	*)           run_args+=("$1") ;;
	esac
	shift
done
name=${name:-$mode}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/s2own-boot.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log=${log:-$tmp/console.log}
pidfile=$tmp/qemu.pid
errlog=$tmp/qemu.err

# Microseconds from bash's clock; no fork per poll.
now_us() { local t=$EPOCHREALTIME; echo $(( ${t%.*} * 1000000 + 10#${t#*.} )); }
secs() { printf '%d.%02d' $(($1 / 1000000)) $(($1 % 1000000 / 10000)); }

# Empty the log first: the marker of an earlier run must not count.
mkdir -p "$(dirname "$log")"
: >"$log"
echo "qemu-boot-test[$name]: booting"
start=$(now_us)
if [ "$verbose" = 1 ]; then
	"$here/qemu-run.sh" --batch --log "$log" --pidfile "$pidfile" "${run_args[@]}" 2>"$errlog" &
else
	"$here/qemu-run.sh" --batch --log "$log" --pidfile "$pidfile" "${run_args[@]}" >/dev/null 2>"$errlog" &
fi
run_pid=$!

# Poll the console: note when the marker shows up, and stop QEMU soon after
# a forbidden line (a hung panic would otherwise cost the whole timeout).
marker_us=""
stop_at=""
stopped_for=""
while kill -0 "$run_pid" 2>/dev/null; do
	if [ -z "$marker_us" ] && grep -qE -- "$marker" "$log" 2>/dev/null; then
		marker_us=$(( $(now_us) - start ))
	fi
	if [ -z "$stop_at" ]; then
		for pat in "${forbids[@]}"; do
			if grep -qE -- "$pat" "$log" 2>/dev/null; then
				# A few seconds more for the backtrace.
				stop_at=$(( $(now_us) + 3000000 ))
				stopped_for=$pat
				break
			fi
		done
	elif [ "$(now_us)" -ge "$stop_at" ] && [ -s "$pidfile" ]; then
		kill "$(cat "$pidfile")" 2>/dev/null || true
	fi
	sleep 0.1
done
rc=0
wait "$run_pid" || rc=$?
total_us=$(( $(now_us) - start ))
# A marker that arrived between the last poll and QEMU's exit.
if [ -z "$marker_us" ] && grep -qE -- "$marker" "$log" 2>/dev/null; then
	marker_us=$total_us
fi

passed=0
failed=0
check() { # check OK TEXT
	if [ "$1" = 1 ]; then
		echo "PASS: [$name] $2"
		passed=$((passed + 1))
	else
		echo "FAIL: [$name] $2"
		failed=$((failed + 1))
	fi
}

for pat in "${expects[@]}"; do
	ok=0
	grep -qE -- "$pat" "$log" 2>/dev/null && ok=1
	check "$ok" "console has '$pat'"
done
for pat in "${forbids[@]}"; do
	ok=1
	grep -qE -- "$pat" "$log" 2>/dev/null && ok=0
	check "$ok" "console has no '$pat'"
done
ok=0
[ "$rc" = 0 ] && ok=1
case "$rc" in
0)   why="guest powered off or reset" ;;
124) why="timed out" ;;
*)   why="exit status $rc" ;;
esac
# QEMU exits with status 0 on SIGTERM too: say when that was ours.
if [ -n "$stopped_for" ] && grep -q 'terminating on signal' "$errlog"; then
	ok=0
	why="stopped by this test 3 s after '$stopped_for'"
fi
check "$ok" "QEMU exited by itself with status 0 ($why)"

if [ -n "$marker_us" ]; then
	echo "qemu-boot-test[$name]: '$marker' after $(secs "$marker_us") s (run $(secs "$total_us") s)"
	[ -z "$time_file" ] || secs "$marker_us" >"$time_file"
else
	echo "qemu-boot-test[$name]: '$marker' never seen (run $(secs "$total_us") s)"
	[ -z "$time_file" ] || rm -f "$time_file"
fi

if [ "$failed" != 0 ]; then
	echo "----- qemu-run stderr -----"
	cat "$errlog" 2>/dev/null || true
	echo "----- console log -----"
	cat "$log" 2>/dev/null || true
	echo "----- end of console log -----"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
