#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Install the Debian packages given as arguments if any is missing.
# Package names may carry an architecture (libfdt-dev:arm64).
set -eu
missing=""
for p in "$@"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
echo "ensure-packages: installing$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
case "$missing" in
*:arm64*)
	dpkg --print-foreign-architectures | grep -qx arm64 ||
		$SUDO dpkg --add-architecture arm64 ;;
esac
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
