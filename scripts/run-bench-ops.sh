#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# What one call of each kind costs the ownership core (`make bench-ops`,
# docs/benchmarks.md). Usage: scripts/run-bench-ops.sh DIR CALLS MODE...
#
# For each kind DIR/bench-ops-MODE lists, and each sync MODE: CALLS calls
# under callgrind, counted between the binary's own marks; the table gives
# instructions per call and each mode's ratio to the first. The callgrind
# output stays in DIR/ops.MODE.KIND.out for callgrind_annotate.
set -eu
dir=$1
calls=$2
shift 2
first=$1

printf '%-18s' "x86 instr/call"
for m in "$@"; do
	printf ' %10s' "$m"
	[ "$m" = "$first" ] || printf ' %7s' "/$first"
done
printf '\n'
for k in $("$dir/bench-ops-$first" -l); do
	printf '%-18s' "$k"
	for m in "$@"; do
		out=$dir/ops.$m.$k.out
		if ! valgrind --tool=callgrind --collect-atstart=no \
			--callgrind-out-file="$out" \
			"$dir/bench-ops-$m" "$k" "$calls" \
			>"$dir/ops.$m.$k.log" 2>&1; then
			echo "bench-ops: $m $k failed: $dir/ops.$m.$k.log" >&2
			exit 1
		fi
		v=$(awk -v n="$calls" '/^totals:/ { printf "%.0f", $2 / n }' \
			"$out")
		printf ' %10s' "$v"
		if [ "$m" = "$first" ]; then
			base=$v
		else
			printf ' %7s' "$(awk -v a="$v" -v b="$base" \
				'BEGIN { printf "%.2f", a / b }')"
		fi
	done
	printf '\n'
done
echo "x86 instructions of the host build on the fake arch (checker off):" \
	"for variants and profiles, not EL2 figures (make measure)."
