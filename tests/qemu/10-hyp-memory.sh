#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Demo step (run by /demo.sh under the hypervisor): a host read of the
# hypervisor's own memory must be refused, and the host must carry on.
# The carve-out is a no-map reserved region, so /dev/mem lets user space
# try; the hypervisor injects an abort and devmem dies of SIGBUS (128 + 7).
set -u
addr=0x40200000	# the hypervisor image, docs/boot.md

# Booted bare (no hypervisor): nothing to refuse.
if ! ls -d /proc/device-tree/reserved-memory/s2own-hyp@* >/dev/null 2>&1; then
	echo "S2OWN-TEST: SKIP host read of hypervisor memory (no hypervisor)"
	exit 0
fi

devmem "$addr" 32 >/tmp/hyp-read 2>&1
rc=$?
if [ "$rc" -ne 135 ]; then
	echo "S2OWN-TEST: FAIL read of hypervisor memory at $addr: rc=$rc" \
		"output '$(cat /tmp/hyp-read)'"
	exit 1
fi
echo "S2OWN-TEST: PASS host read of hypervisor memory refused (SIGBUS)"
# Still alive: the same CPU keeps working after the abort.
echo "S2OWN-TEST: PASS host alive after the refused read ($(cat /proc/uptime))"
