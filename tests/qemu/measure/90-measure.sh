#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Demo step of `make measure` (mk/measure.mk, docs/measurements.md), run by
# /demo.sh. Does nothing unless the kernel command line has
# s2own.measure=MODE:
#
#   el    load s2own_measure.ko to report the kernel's exception level
#   full  also measure instructions (needs QEMU -icount): on CPU 0, with
#         the other CPUs offline, as QEMU's instruction counter would also
#         count what they execute while the measured CPU is descheduled
#
# s2own.measure.iters=N sets the runs of each measurement (median
# reported). Every line the module prints starts with "S2OWN-MEASURE: ".
set -u

mode=$(sed -n 's/.*s2own\.measure=\([a-z]*\).*/\1/p' /proc/cmdline)
[ -n "$mode" ] || exit 0
iters=$(sed -n 's/.*s2own\.measure\.iters=\([0-9]*\).*/\1/p' /proc/cmdline)

# What is at EL2 when it is not s2own (the module finds s2own's
# /reserved-memory node itself): pKVM once it says it is up
# (kvm-arm.mode=protected), else Linux's own stub when Linux was entered
# at EL2 (a bare boot with virtualization=on) and did not stay there (no
# VHE). HVC is safe then.
el2=none
if dmesg | grep -q 'Protected nVHE mode initialized successfully'; then
	el2=pkvm
elif dmesg | grep -q 'CPU(s) started at EL2'; then
	el2=stub
fi

# pKVM's memory outside what it reserves ("kvm: Reserved N MiB"): the
# nVHE sections of the kernel image it takes over, and per CPU its
# per-CPU region (whole pages, as allocated) and one stack page.
if [ "$el2" = pkvm ] && [ "$mode" = full ]; then
	sym() { grep -m1 " $1\$" /proc/kallsyms | cut -d' ' -f1; }
	size() { # bytes between two symbols
		a=$(sym "$1") b=$(sym "$2")
		[ -n "$a" ] && [ -n "$b" ] && echo $((0x$b - 0x$a)) || echo 0
	}
	img=$(( $(size __hyp_text_start __hyp_text_end) +
		$(size __hyp_rodata_start __hyp_rodata_end) +
		$(size __hyp_bss_start __hyp_bss_end) ))
	pcpu=$(size __kvm_nvhe___per_cpu_start __kvm_nvhe___per_cpu_end)
	pages=1
	while [ $((pages * 4096)) -lt "$pcpu" ]; do pages=$((pages * 2)); done
	ncpu=$(grep -c '^processor' /proc/cpuinfo)
	echo "S2OWN-MEASURE: info pkvm memory outside its reservation: $(( (img + ncpu * (pages + 1) * 4096) / 1024 )) KiB: nVHE image sections $((img / 1024)) KiB, $ncpu CPUs x (per-CPU region $((pages * 4)) KiB + stack 4 KiB)"
fi

offlined=""
if [ "$mode" = full ]; then
	for c in /sys/devices/system/cpu/cpu[0-9]*; do
		[ "${c##*/cpu}" != 0 ] || continue
		[ "$(cat "$c/online" 2>/dev/null)" = 1 ] || continue
		echo 0 >"$c/online" && offlined="$offlined $c"
	done
	echo "S2OWN-MEASURE: info offlined:${offlined:- none}"
fi

rc=0
insmod /lib/modules/s2own_measure.ko mode="$mode" el2="$el2" \
	iters="${iters:-5}" || rc=$?
[ "$rc" != 0 ] || rmmod s2own_measure || rc=$?

# Debian 6.1's pKVM cannot bring a CPU back once it is finalised: the
# CPU it re-initialises traps SVE to EL2 (CPTR_EL2.TZ), and its
# handle_trap() BUG()s on that trap (a hyp panic). The CPUs stay offline.
if [ "$el2" = pkvm ]; then
	[ -z "$offlined" ] ||
		echo "S2OWN-MEASURE: info pkvm: CPUs left offline (pKVM 6.1 panics bringing one back with SVE)"
	offlined=""
fi
for c in $offlined; do
	echo 1 >"$c/online" || rc=1
done
echo "S2OWN-MEASURE: step rc=$rc cpus online $(cat /sys/devices/system/cpu/online)"
exit "$rc"
