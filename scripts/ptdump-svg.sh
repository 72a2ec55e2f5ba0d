#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The host stage-2 dump as an SVG map of physical memory (docs/debugfs.md,
# "A map of the host stage-2"; the drawing is scripts/ptdump-svg.awk).
#
#   ptdump-svg.sh [-t TITLE] [FILE]
#       FILE (or stdin): the ptdump file's lines, and optional region, hyp,
#       vm and shared lines (see the awk script); the SVG on stdout.
#   ptdump-svg.sh --log LOG --out DIR [--prefix PREFIX]
#       every dump the demo printed in a console log, between the lines
#       "S2OWN-PTDUMP: begin NAME" and "S2OWN-PTDUMP: end NAME", as
#       DIR/PREFIX-NAME.svg (PREFIX: ptdump); prints each file's path.
#       Fails if the log has none.
#
# Needs a POSIX sh and awk (mawk, gawk or busybox), nothing else.
set -eu

here=$(dirname "$0")
AWK=${AWK:-awk}
die() { echo "ptdump-svg: $*" >&2; exit 2; }

log="" out="" prefix=ptdump title=""
while [ $# -gt 0 ]; do
	case "$1" in
	--log) log=$2; shift ;;
	--out) out=$2; shift ;;
	--prefix) prefix=$2; shift ;;
	-t) title=$2; shift ;;
	-h|--help) sed -n '3,17p' "$0"; exit 0 ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
	shift
done

if [ -z "$log" ]; then
	{ [ -n "$title" ] && echo "title $title"; cat "${1:--}"; } |
		$AWK -f "$here/ptdump-svg.awk"
	exit 0
fi

[ -n "$out" ] || die "--log needs --out"
[ -r "$log" ] || die "cannot read $log"
mkdir -p "$out"
names=$(tr -d '\r' <"$log" | sed -n 's/^.*S2OWN-PTDUMP: begin \([A-Za-z0-9_-]*\)$/\1/p')
[ -n "$names" ] || die "no 'S2OWN-PTDUMP: begin' section in $log"
for name in $names; do
	f=$out/$prefix-$name.svg
	tr -d '\r' <"$log" | $AWK -v name="$name" '
		$0 ~ ("S2OWN-PTDUMP: begin " name "$") { on = 1; next }
		$0 ~ ("S2OWN-PTDUMP: end " name "$") { on = 0; exit }
		on' | { echo "title host stage-2, $name"; cat; } |
		$AWK -f "$here/ptdump-svg.awk" >"$f.tmp"
	mv "$f.tmp" "$f"
	echo "$f"
done
