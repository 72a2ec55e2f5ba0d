#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Fetch Debian binary packages (without installing them) and unpack them into
# the build folder: the arm64 kernel the host runs, its headers for building
# the host driver out of tree, and any other arm64 userland (busybox).
#
#   fetch-linux.sh image   OUTDIR DEBDIR
#       Resolve the kernel behind the linux-image-arm64 metapackage, unpack
#       it and write OUTDIR/Image (raw arm64 Image), OUTDIR/version (kernel
#       release, e.g. 6.1.0-56-arm64), OUTDIR/deb-version, and OUTDIR/config.
#   fetch-linux.sh headers OUTDIR DEBDIR
#       Fetch linux-headers-<release> + its -common tree + linux-kbuild for
#       exactly the version in OUTDIR/version (modules must match the kernel
#       they load into), unpack them in OUTDIR/headers-root and point the
#       symlink OUTDIR/headers at the tree to use with `make -C`.
#   fetch-linux.sh deb PKG[:ARCH] DESTDIR DEBDIR
#       Unpack the candidate version of one package into DESTDIR.
#
# .deb files are kept in DEBDIR so a rebuild does not download them again.
set -eu

die() { echo "fetch-linux: $*" >&2; exit 1; }

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo

# apt-get refuses to drop to the _apt user when it cannot write the target
# folder; as we only download into our own build folder, stay who we are.
APT_GET="apt-get -q -o APT::Sandbox::User=$(id -un)"

apt_updated=0
apt_update() {
	[ "$apt_updated" -eq 0 ] || return 0
	echo "fetch-linux: apt-get update"
	$SUDO apt-get update -qq
	apt_updated=1
}

# Make sure apt knows PKG (a fresh machine has no arm64 lists, or none at all).
apt_knows() {
	apt-cache show --no-all-versions "$1" >/dev/null 2>&1
}
ensure_known() {
	apt_knows "$1" && return 0
	case "$1" in
	*:arm64)
		if ! dpkg --print-foreign-architectures | grep -qx arm64 &&
		   [ "$(dpkg --print-architecture)" != arm64 ]; then
			echo "fetch-linux: dpkg --add-architecture arm64"
			$SUDO dpkg --add-architecture arm64
		fi ;;
	esac
	apt_update
	apt_knows "$1" || die "package $1 not found in the apt lists"
}

# field PKG NAME: one control field of the candidate version of PKG.
field() {
	apt-cache show --no-all-versions "$1" | sed -n "s/^$2: //p" | head -n 1
}

# fetch_deb NAME[:ARCH] VERSION DEBDIR: download (once) and print the path.
fetch_deb() {
	name=${1%%:*}
	escver=$(printf '%s' "$2" | sed 's/:/%3a/g')
	for f in "$3/${name}_${escver}_"*.deb; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	mkdir -p "$3"
	tmp=$(mktemp -d "$3/.dl.XXXXXX")
	# A stale list can name a version the mirror no longer has: update
	# once and retry before giving up.
	if ! (cd "$tmp" && $APT_GET download "$1=$2" >&2); then
		apt_update
		(cd "$tmp" && $APT_GET download "$1=$2" >&2) || {
			rm -rf "$tmp"
			die "cannot download $1=$2 (if the archive moved on, remove $3 and the kernel output folder and rebuild)"
		}
	fi
	for f in "$tmp"/*.deb; do
		mv "$f" "$3/"
		echo "$3/${f##*/}"
	done
	rmdir "$tmp"
}

# Debian ships arm64 vmlinuz as a raw Image, but accept gzip in case that
# changes; QEMU's loader and our hypervisor both want the raw Image.
check_image() {
	if [ "$(od -An -tx1 -N2 "$1" | tr -d ' ')" = 1f8b ]; then
		gzip -dc <"$1" >"$1.raw"
		mv "$1.raw" "$1"
	fi
	magic=$(dd if="$1" bs=1 skip=56 count=4 2>/dev/null | od -An -tx1 | tr -d ' ')
	[ "$magic" = 41524d64 ] || die "$1: no arm64 Image magic at offset 56"
}

cmd_image() {
	out=$1 debs=$2
	ensure_known linux-image-arm64:arm64
	# Depends: linux-image-6.1.0-56-arm64 (= 6.1.192-2)
	dep=$(field linux-image-arm64:arm64 Depends |
	      sed -n 's/^\(linux-image-[^ ,]*\) (= \([^)]*\)).*/\1 \2/p')
	[ -n "$dep" ] || die "cannot parse linux-image-arm64 dependencies"
	pkg=${dep% *} ver=${dep#* }
	rel=${pkg#linux-image-}
	echo "fetch-linux: kernel $rel (Debian $ver)"
	deb=$(fetch_deb "$pkg:arm64" "$ver" "$debs")

	mkdir -p "$out"
	tmp=$(mktemp -d "$out/.x.XXXXXX")
	dpkg -x "$deb" "$tmp"
	[ -f "$tmp/boot/vmlinuz-$rel" ] || die "$deb has no boot/vmlinuz-$rel"
	cp "$tmp/boot/vmlinuz-$rel" "$tmp/Image"
	check_image "$tmp/Image"
	cp "$tmp/boot/config-$rel" "$out/config"
	echo "$ver" >"$out/deb-version"
	echo "$rel" >"$out/version"
	mv "$tmp/Image" "$out/Image"
	rm -rf "$tmp"
}

cmd_headers() {
	out=$1 debs=$2
	if [ ! -f "$out/version" ] || [ ! -f "$out/deb-version" ]; then
		die "$out/version missing: fetch the image first"
	fi
	rel=$(cat "$out/version") ver=$(cat "$out/deb-version")
	pkg=linux-headers-$rel
	ensure_known "$pkg:arm64"
	deps=$(apt-cache show "$pkg:arm64=$ver" | sed -n 's/^Depends: //p' | head -n 1)
	common=$(echo "$deps" | tr ',' '\n' | sed -n 's/^ *\(linux-headers-[^ ]*-common\).*/\1/p')
	kbuild=$(echo "$deps" | tr ',' '\n' | sed -n 's/^ *\(linux-kbuild-[^ ]*\).*/\1/p')
	if [ -z "$common" ] || [ -z "$kbuild" ]; then
		die "cannot parse $pkg dependencies: $deps"
	fi
	echo "fetch-linux: headers $rel + $common + $kbuild (Debian $ver)"

	tmp=$(mktemp -d "$out/.h.XXXXXX")
	# The kbuild helpers (fixdep, modpost) run on the build machine, so
	# linux-kbuild is the native package; the rest is arm64 / all.
	for p in "$pkg:arm64" "$common" "$kbuild"; do
		deb=$(fetch_deb "$p" "$ver" "$debs")
		dpkg -x "$deb" "$tmp"
	done
	tree=usr/src/$pkg
	[ -f "$tmp/$tree/Makefile" ] || die "no $tree/Makefile in $pkg"
	# The flavour Makefile includes /usr/src/<common>/Makefile; make sees
	# the real folder after `make -C`, so a path relative to it keeps the
	# unpacked tree movable.
	echo "include ../$common/Makefile" >"$tmp/$tree/Makefile"
	rm -rf "$out/headers-root" "$out/headers"
	mv "$tmp" "$out/headers-root"
	ln -s "headers-root/$tree" "$out/headers"
}

cmd_deb() {
	pkg=$1 dest=$2 debs=$3
	ensure_known "$pkg"
	ver=$(field "$pkg" Version)
	deb=$(fetch_deb "$pkg" "$ver" "$debs")
	rm -rf "$dest"
	mkdir -p "$dest"
	dpkg -x "$deb" "$dest"
	echo "$ver" >"$dest/.deb-version"
}

[ $# -ge 1 ] || die "usage: fetch-linux.sh image|headers OUTDIR DEBDIR | deb PKG DESTDIR DEBDIR"
cmd=$1
shift
case "$cmd" in
image)   [ $# -eq 2 ] || die "usage: fetch-linux.sh image OUTDIR DEBDIR"; cmd_image "$@" ;;
headers) [ $# -eq 2 ] || die "usage: fetch-linux.sh headers OUTDIR DEBDIR"; cmd_headers "$@" ;;
deb)     [ $# -eq 3 ] || die "usage: fetch-linux.sh deb PKG DESTDIR DEBDIR"; cmd_deb "$@" ;;
*)       die "unknown command $cmd" ;;
esac
