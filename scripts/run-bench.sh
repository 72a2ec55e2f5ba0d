#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run the benchmarks (`make bench`, docs/benchmarks.md).
# Usage: scripts/run-bench.sh DIR SECS RUNS WALKS MODE...
#
# For each sync MODE, with DIR/bench-MODE: the throughput at 1 and 2
# threads, RUNS runs of SECS s each (its two summary lines; the log in
# DIR/MODE-NT.log), then callgrind's count of the instructions WALKS host
# faults take on a level-3 page and on a 2M block, per fault. Last, the
# table of every mode against the targets (bench -R).
set -eu
dir=$1
secs=$2
runs=$3
walks=$4
shift 4

echo "throughput: mixed workload, median of $runs x $secs s (2 cores," \
	"shared: see docs/benchmarks.md)"
args=""
for m in "$@"; do
	for t in 1 2; do
		log=$dir/$m-${t}T.log
		"$dir/bench-$m" -t "$t" -s "$secs" -n "$runs" >"$log"
		head -n 2 "$log"
		# The last line: "median OPS_PER_S OPS_PER_CPU_S".
		eval "t$t=$(tail -n 1 "$log" | cut -d' ' -f2)"
		eval "c$t=$(tail -n 1 "$log" | cut -d' ' -f3)"
	done
	for k in l3 l2; do
		out=$dir/callgrind.$m.$k.out
		valgrind --tool=callgrind --instr-atstart=no \
			--callgrind-out-file="$out" \
			"$dir/bench-$m" -W "$k" -n "$walks" \
			>"$dir/callgrind.$m.$k.log" 2>&1
		eval "w$k=$(awk -v n="$walks" \
			'/^totals:/ { print $2 / n; exit }' "$out")"
	done
	# shellcheck disable=SC2154 # t1, t2, c1, c2, wl3, wl2: eval above
	echo "$m walk: $wl3 instructions per fault (level-3 page), $wl2" \
		"(2M block)"
	args="$args $m=$t1,$t2,$wl3,$wl2,$c1,$c2"
done
# shellcheck disable=SC2086 # one argument per mode
"$dir/bench-refcount" -R $args
