#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Demo step (run by /demo.sh under the hypervisor): a CPU started by PSCI
# CPU_ON at code that fetches an instruction from MMIO (execute-never at
# stage 2) must take an instruction abort at EL1, not fault forever; and
# Linux must be able to bring it online again afterwards. The test module
# (s2own_test.ko, debugfs cpu_on_mmio) starts the last CPU, offline, at
# such code, whose own vector records the abort and powers the CPU off.
set -u
. /lib/s2own/lib.sh

pass() { echo "S2OWN-TEST: PASS $*"; }
fail() { echo "S2OWN-TEST: FAIL $*"; exit 1; }

if ! s2own_hyp_present; then
	echo "S2OWN-TEST: SKIP CPU_ON at an MMIO fetch (no hypervisor)"
	exit 0
fi
cpu=$(($(ls -d /sys/devices/system/cpu/cpu[0-9]* | wc -l) - 1))
if [ "$cpu" -lt 1 ]; then
	echo "S2OWN-TEST: SKIP CPU_ON at an MMIO fetch (one CPU)"
	exit 0
fi
# Linux numbers the CPUs in the DTB's order; the node's reg is the MPIDR.
node=$(ls /proc/device-tree/cpus | grep '^cpu@' | sed -n "$((cpu + 1))p")
mpidr=0x$(od -An -tx1 "/proc/device-tree/cpus/$node/reg" | tr -d ' \n')
online=/sys/devices/system/cpu/cpu$cpu/online

what="CPU started at an MMIO fetch takes an instruction abort at EL1"
s2own_load && s2own_test_load || fail "$what (insmod)"
echo 0 >"$online" || fail "$what (cpu $cpu will not go offline)"
# Flash at 0: MMIO, nobody's, and where a CPU whose VBAR_EL1 was never
# set would take its exceptions.
if ! echo "$mpidr 0x200" >"$S2OWN_DIR/cpu_on_mmio"; then
	fail "$what (none came back from cpu $cpu, $mpidr)"
fi
seen=$(cat "$S2OWN_DIR/cpu_on_mmio")
echo "S2OWN-TEST: cpu $cpu ($mpidr) after CPU_ON at 0x200: $seen"
set -- $seen
# ESR: EC 0x21, instruction abort from the same EL; ELR and FAR the fetch.
[ $(($2 >> 26)) = $((0x21)) ] && [ $(($4)) = $((0x200)) ] &&
	[ $(($6)) = $((0x200)) ] && [ "$8" = 1 ] ||
	fail "$what (cpu $cpu saw '$seen')"
pass "$what"
echo 1 >"$online" && [ "$(cat "$online")" = 1 ] ||
	fail "cpu $cpu comes back online after the abort"
pass "cpu $cpu comes back online after the abort"
s2own_unload
exit 0
