#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run the cmocka test binaries given as arguments, one after the other
# (`make unit`): each one's own output under a "== binary" line, then one
# line with the totals, "unit: B binaries, T tests: P passed, F failed".
# Exit status 1 if a binary failed.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed_bins=0
run=0
passed=0
for t in "$@"; do
	echo "== $t"
	{ "$t"; echo $? >"$tmp/rc"; } 2>&1 | tee "$tmp/log"
	[ "$(cat "$tmp/rc")" = 0 ] || failed_bins=$((failed_bins + 1))
	# cmocka's summary: "[==========] N test(s) run." and "[  PASSED  ] N"
	n=$(sed -n 's/^\[==========\] \([0-9]*\) test(s) run\..*/\1/p' \
		"$tmp/log" | tail -n 1)
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\..*/\1/p' \
		"$tmp/log" | tail -n 1)
	run=$((run + ${n:-0}))
	passed=$((passed + ${p:-0}))
done
echo "unit: $# binaries, $run tests: $passed passed, $((run - passed))" \
	"failed"
[ "$failed_bins" = 0 ]
