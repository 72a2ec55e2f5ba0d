#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Non-interactive run started by /init when the kernel command line has
# s2own.demo=1. Runs every /demo.d/*.sh in name order, so later steps (the
# host driver's donate/reclaim scripts) drop in through mkinitramfs.sh's
# EXTRA_FILES without editing this file. A failing step is reported and the
# rest still run; the last line tells the tests how many failed.
set -u

echo "S2OWN: demo start"
failures=0
for step in /demo.d/*.sh; do
	[ -f "$step" ] || continue
	name=${step##*/}
	echo "S2OWN: step $name"
	if sh "$step"; then
		echo "S2OWN: step $name ok"
	else
		echo "S2OWN: step $name FAILED rc=$?"
		failures=$((failures + 1))
	fi
done
echo "S2OWN: demo done failures=$failures"
[ "$failures" -eq 0 ]
