#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the explorer (tests/explore/) and its mutants; `make explore` and
# `make verify-deep` call this.
#
#   run-explore.sh [--deep] EXPLORE MUTANT-BINARIES...
#
# Short (make explore, in make test): every scenario but the deep ones,
# every schedule with at most 2 preemptions (no sleep sets: the bound is
# exact); then each mutant binary must be caught, the same way.
# --deep (make verify-deep): every scenario, the deep ones too: every
# schedule with at most EXPLORE_DEEP_BOUND (3) preemptions for two
# threads, 2 for three; then EXPLORE_PCT_RUNS (50000) PCT schedules of
# each at depth 3, and as many at depth 4, seeded from S2OWN_SEED
# (printed); then the mutants.
#
# The explorer's lines as they come, then "N passed, M failed" alone on
# the last line. Exit status 1 if anything failed.
set -u

deep=0
if [ "${1:-}" = --deep ]; then
	deep=1
	shift
fi
explore=$1
shift

passed=0
failed=0
start=$(date +%s)
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

# run ARGS...: one explorer run; its "N passed, M failed" line is counted.
run() {
	"$explore" "$@" >"$tmp" 2>&1
	local rc=$?
	grep -v -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp"
	local p f
	p=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$tmp")
	f=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$tmp")
	if [ -z "$p" ]; then
		echo "explore: FAIL $explore $* stopped (status $rc)"
		failed=$((failed + 1))
		return
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}

if [ "$deep" = 1 ]; then
	seed=${S2OWN_SEED:-$(date +%s)}
	run --deep -b "${EXPLORE_DEEP_BOUND:-3}" -B 2
	echo "explore: PCT seed $seed (S2OWN_SEED=$seed replays it)"
	run --deep --pct "${EXPLORE_PCT_RUNS:-50000}" -d 3 -S "$seed"
	run --deep --pct "${EXPLORE_PCT_RUNS:-50000}" -d 4 -S "$seed"
else
	run -b 2
fi

for m in "$@"; do
	if "$m" -b 2 >"$tmp" 2>&1; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	cat "$tmp"
done

echo "explore: total $(($(date +%s) - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
