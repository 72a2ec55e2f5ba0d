#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the host's initramfs (gzip'd newc cpio):
#
#   mkinitramfs.sh OUT BUSYBOX_ROOT OVERLAY [SRC:DEST ...]
#
# BUSYBOX_ROOT is an unpacked busybox-static:arm64 (bin/busybox); OVERLAY
# (initramfs/ in the repo) is copied over the root as it is, so its init
# becomes /init. Extra files (the host driver, test scripts) come as SRC:DEST
# arguments or in EXTRA_FILES (whitespace separated); a DEST ending in / is a
# folder to copy SRC into. The applet links are made by /init at boot
# (`busybox --install`), because the arm64 busybox cannot run here.
set -eu

die() { echo "mkinitramfs: $*" >&2; exit 1; }

[ $# -ge 3 ] || die "usage: mkinitramfs.sh OUT BUSYBOX_ROOT OVERLAY [SRC:DEST ...]"
out=$1 bbroot=$2 overlay=$3
shift 3

[ -x "$bbroot/bin/busybox" ] || die "$bbroot/bin/busybox missing"
[ -f "$overlay/init" ] || die "$overlay/init missing"

root=$(mktemp -d "${TMPDIR:-/tmp}/s2own-initramfs.XXXXXX")
chmod 0755 "$root"  # mktemp makes it 0700; it becomes the guest's /
trap 'rm -rf "$root" "$root.list" "$root.cpio"' EXIT

mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp" \
	"$root/root" "$root/demo.d"
cp "$bbroot/bin/busybox" "$root/bin/busybox"
# /init's "#!/bin/sh" must resolve before the applet links exist.
ln -s busybox "$root/bin/sh"
cp -R "$overlay/." "$root/"
chmod 0755 "$root/init"

# shellcheck disable=SC2086 # EXTRA_FILES is a whitespace separated list
for spec in ${EXTRA_FILES:-} "$@"; do
	case "$spec" in
	*:/*) ;;
	*) die "extra file '$spec' is not SRC:/DEST" ;;
	esac
	src=${spec%%:*} dest=${spec#*:}
	[ -e "$src" ] || die "extra file $src missing"
	case "$dest" in
	*/) mkdir -p "$root$dest" ;;
	*)  mkdir -p "$root$(dirname "$dest")" ;;
	esac
	cp -R "$src" "$root$dest"
done

# Fixed owner and times keep the archive the same from one build to the next.
find "$root" -exec touch -h -d @0 {} +
mkdir -p "$(dirname "$out")"
# Two steps, not a pipe: sh has no pipefail and a cpio error must not pass.
(cd "$root" && find . | LC_ALL=C sort >"$root.list" &&
	cpio --quiet -o -H newc -R 0:0 --reproducible <"$root.list" >"$root.cpio")
gzip -9n <"$root.cpio" >"$out.tmp"
mv "$out.tmp" "$out"
echo "mkinitramfs: $out ($(wc -c <"$out") bytes)"
