#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Debian's arm64 trace-cmd and what it needs to run in the initramfs: it
# is linked dynamically, so its libraries and the dynamic loader come
# along (from libc6 and the others), as Debian ships them.
#
#   fetch-trace-cmd.sh ROOT DEBDIR
#
# ROOT gets usr/bin/trace-cmd, lib/ld-linux-aarch64.so.1 and
# lib/aarch64-linux-gnu/ with every library trace-cmd needs (their NEEDED
# entries, followed to the end: checked with readelf). The packages are
# downloaded, never installed (scripts/fetch-linux.sh deb).
set -eu

die() { echo "fetch-trace-cmd: $*" >&2; exit 1; }
[ $# -eq 2 ] || die "usage: fetch-trace-cmd.sh ROOT DEBDIR"
root=$1 debs=$2
here=$(dirname "$0")
READELF=${READELF:-aarch64-linux-gnu-readelf}
PKGS="trace-cmd libtraceevent1 libtracefs1 libzstd1 libc6"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/s2own-trace-cmd.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for p in $PKGS; do
	"$here/fetch-linux.sh" deb "$p:arm64" "$tmp/$p" "$debs" >/dev/null
	echo "fetch-trace-cmd: $p $(cat "$tmp/$p/.deb-version")"
done

rm -rf "$root.new"
mkdir -p "$root.new/usr/bin" "$root.new/lib/aarch64-linux-gnu"
cp -L "$tmp/trace-cmd/usr/bin/trace-cmd" "$root.new/usr/bin/"
# find_lib NAME: where one of the packages has it.
find_lib() {
	for d in $PKGS; do
		for l in "$tmp/$d/lib/aarch64-linux-gnu/$1" \
			 "$tmp/$d/usr/lib/aarch64-linux-gnu/$1"; do
			[ -e "$l" ] && { echo "$l"; return 0; }
		done
	done
	return 1
}
# Every NEEDED library, and theirs, until nothing new turns up.
todo="$root.new/usr/bin/trace-cmd"
while [ -n "$todo" ]; do
	next=""
	for f in $todo; do
		for lib in $($READELF -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			[ -e "$root.new/lib/aarch64-linux-gnu/$lib" ] && continue
			src=$(find_lib "$lib") || die "no $lib in $PKGS"
			cp -L "$src" "$root.new/lib/aarch64-linux-gnu/$lib"
			next="$next $root.new/lib/aarch64-linux-gnu/$lib"
		done
	done
	todo=$next
done
interp=$($READELF -l "$root.new/usr/bin/trace-cmd" |
	 sed -n 's/.*Requesting program interpreter: \(.*\)\]/\1/p')
[ "$interp" = /lib/ld-linux-aarch64.so.1 ] || die "unexpected interpreter $interp"
cp -L "$(find_lib ld-linux-aarch64.so.1)" "$root.new/lib/ld-linux-aarch64.so.1"
cat "$tmp/trace-cmd/.deb-version" >"$root.new/.deb-version"
rm -rf "$root"
mv "$root.new" "$root"
echo "fetch-trace-cmd: $root: $(ls "$root/lib/aarch64-linux-gnu" | tr '\n' ' ')($(du -sk "$root" | cut -f1) KiB)"
