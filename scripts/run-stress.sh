#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run the stress test's builds (`make stress-short`, `make stress`).
# Usage: scripts/run-stress.sh DIR SEEDS RUN...
#
# DIR holds the binaries, DIR/stress-BUILD; a RUN is BUILD/ARG/ARG...,
# e.g. refcount/-s3/-r1.5. Every run goes once per seed, each with a seed
# of its own: S2OWN_SEED (or the time) plus its number. One line per run,
# its output in DIR/log/N-BUILD.log; for a failed run, what its log says
# went wrong (the test's failures, what a hung thread was doing, where a
# sanitizer's report points) and the log's name. The last line is
# "stress: P passed, F failed"; exit status 1 if a run failed.
set -u
dir=$1
seeds=$2
shift 2

# What a failed run shows of its log.
fail_lines='^FAIL|^  thread [0-9]+: in|WARNING:|SUMMARY:|runtime error'
fail_lines="$fail_lines|^  [A-Z][a-z]+( write| read)? of size|^    #0"

rm -rf "$dir/log"
mkdir -p "$dir/log"
base=${S2OWN_SEED:-$(date +%s)}
i=0
pass=0
fail=0
s=0
while [ "$s" -lt "$seeds" ]; do
	s=$((s + 1))
	for run in "$@"; do
		i=$((i + 1))
		seed=$((base + i))
		b=${run%%/*}
		args=$(echo "${run#"$b"}" | tr / ' ')
		cmd="S2OWN_SEED=$seed $dir/stress-$b$args"
		log=$dir/log/$i-$b.log
		t0=$(date +%s)
		# shellcheck disable=SC2086 # the arguments split on spaces
		S2OWN_SEED=$seed "$dir/stress-$b" $args >"$log" 2>&1
		rc=$?
		res=$(tail -n 1 "$log")
		secs=$(($(date +%s) - t0))
		if [ "$rc" = 0 ]; then
			pass=$((pass + 1))
			printf 'PASS  %-52s %s (%ss)\n' "$cmd" "$res" "$secs"
		else
			fail=$((fail + 1))
			printf 'FAIL  %-52s exit %s (%ss)\n' "$cmd" "$rc" \
				"$secs"
			grep -E "$fail_lines" "$log" | grep -v libtsan |
				head -n 24 | sed 's/^/      /'
			echo "      log: $log"
		fi
	done
done
echo "stress: $pass passed, $fail failed"
[ "$fail" = 0 ]
