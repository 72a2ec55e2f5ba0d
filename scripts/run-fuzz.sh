#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# One libFuzzer run of the core (`make fuzz-short`, `make fuzz`).
# Usage: scripts/run-fuzz.sh BIN DIR SECS [LIBFUZZER-ARG...]
#
# Fuzzes a fresh copy of the seeds (tests/fuzz-corpus) plus what the last
# run in DIR found, for SECS seconds; libFuzzer's output goes to DIR/log,
# crashes to DIR/artifacts/. Prints libFuzzer's seed, its last progress
# line and its statistics; on a crash, the report (the model's, a
# sanitizer's or libFuzzer's) and how to reproduce it, and exit status 1.
set -u
bin=$1
d=$2
secs=$3
shift 3
name=$(basename "$d")

mkdir -p "$d/corpus" "$d/artifacts"
rm -f "$d"/artifacts/*
cp tests/fuzz-corpus/*.bin "$d/corpus/"
echo "fuzz $name: $secs s, corpus $(ls "$d/corpus" | wc -l) inputs," \
	"log $d/log"
"$bin" "$@" -max_total_time="$secs" -artifact_prefix="$d/artifacts/" \
	"$d/corpus" >"$d/log" 2>&1
rc=$?
grep -E '^INFO: Seed:' "$d/log"
grep -E '^#[0-9]+' "$d/log" | tail -n 1
stats='number_of_executed_units|average_exec_per_sec|new_units_added'
grep -E "^stat::($stats)" "$d/log"
crash=$(ls "$d/artifacts" 2>/dev/null | head -n 1)
if [ "$rc" != 0 ] || [ -n "$crash" ]; then
	echo "fuzz $name: FAILED (exit $rc)"
	# Where the report starts: the model's, a sanitizer's, libFuzzer's.
	start='^MISMATCH|ERROR: |runtime error|^==[0-9]+== ERROR'
	awk -v re="$start" '$0 ~ re { on = 1 } on' "$d/log" | head -n 150
	[ -n "$crash" ] &&
		echo "reproduce: make fuzz-trace FUZZ_INPUT=$d/artifacts/$crash"
	exit 1
fi
echo "fuzz $name: passed"
