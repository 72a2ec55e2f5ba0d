#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The table `make measure` prints (mk/measure.mk, docs/measurements.md).
#
#   report.sh LOGDIR RUNS ICOUNT_RUNS [TITLE]
#
# LOGDIR holds the boots bare-i and hyp-i for i in 1..RUNS, bare-icount-i
# and hyp-icount-i for i in 1..ICOUNT_RUNS: NAME.time (seconds to
# "S2OWN: init reached", from scripts/qemu-boot-test.sh) and NAME.log (the
# console). From the -icount consoles it takes the guest's virtual time at
# "Run /init as init process" and the "S2OWN-MEASURE: <name>.<counter>
# <instructions>" lines of s2own_measure.ko. A value that differs between boots is shown as
# "median (min..max)".
set -eu
export LC_ALL=C

[ $# -ge 3 ] || { echo "usage: report.sh LOGDIR RUNS ICOUNT_RUNS [TITLE]" >&2; exit 2; }
dir=$1 runs=$2 icount_runs=$3 title=${4:-}

# inits KIND N: the seconds to init of boots 1..N of KIND, space separated.
inits() {
	out=""
	for i in $(seq 1 "$2"); do
		f=$dir/$1-$i.time
		[ -f "$f" ] && out="$out $(cat "$f")"
	done
	echo "$out"
}
# vtimes KIND WHAT: per -icount boot of KIND, the guest's virtual time in
# seconds since QEMU started, at "Run /init as init process" (WHAT=init)
# or when Linux's printk clock starts (WHAT=pre: the hypervisor's boot and
# Linux's earliest code). The printk timestamp counts from the latter; the
# module's "info clock" line (virtual counter and printk clock read
# together) gives the offset. Under -icount shift=0, one nanosecond per
# instruction executed (any CPU); while every CPU idles the clock jumps to
# the next timer deadline (sleep=off).
vtimes() {
	out=""
	for i in $(seq 1 "$icount_runs"); do
		f=$dir/$1-$i.log
		[ -f "$f" ] || continue
		v=$(tr -d '\r' <"$f" | awk -v what="$2" '
			/\] Run \/init as init process/ && t == "" {
				t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t)
			}
			/S2OWN-MEASURE: info clock / && c == "" {
				for (i = 1; i < NF; i++) {
					if ($i == "cntvct-ns") c = $(i + 1)
					if ($i == "local-clock-ns") l = $(i + 1)
				}
			}
			END {
				if (t == "" || c == "")
					exit
				pre = (c - l) / 1e9
				printf "%.4f", what == "pre" ? pre : t + pre
			}')
		[ -z "$v" ] || out="$out $v"
	done
	echo "$out"
}

logs=""
for i in $(seq 1 "$icount_runs"); do
	for k in hyp-icount bare-icount; do
		[ -f "$dir/$k-$i.log" ] && logs="$logs $dir/$k-$i.log"
	done
done

# shellcheck disable=SC2086 # $logs is a list of paths without spaces
awk -v title="$title" -v runs="$runs" \
	-v icount_runs="$icount_runs" \
	-v wb="$(inits bare "$runs")" -v wh="$(inits hyp "$runs")" \
	-v ib="$(inits bare-icount "$icount_runs")" \
	-v ih="$(inits hyp-icount "$icount_runs")" \
	-v vb="$(vtimes bare-icount init)" -v vh="$(vtimes hyp-icount init)" \
	-v pb="$(vtimes bare-icount pre)" -v ph="$(vtimes hyp-icount pre)" '
function sortv(s, a,   n, i, j, t) {
	n = split(s, a, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return n
}
function median(s,   a, n) {
	n = sortv(s, a)
	if (n == 0)
		return ""
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function boot_row(label, b, h, fmt,   mb, mh) {
	mb = median(b); mh = median(h)
	if (mb == "" || mh == "") {
		printf "  %-34s %s\n", label, "(no data)"
		return
	}
	printf "  %-34s " fmt "  " fmt "  %6.3f   bare:%s  s2own:%s\n", \
		label, mb, mh, mh / mb, b, h
}
# One counter of one measurement: the value, or median (min..max) when
# the boots disagree.
function cell(kind, key,   s, a, n) {
	s = vals[kind, key]
	n = sortv(s, a)
	if (n == 0)
		return "-"
	if (a[1] == a[n])
		return a[1]
	return median(s) " (" a[1] ".." a[n] ")"
}
# The same call with every trace class on: its total, the records it
# wrote, and what each record cost (traced - untraced) / records.
function trow(label, name,   t, o, n, out) {
	if (!(("hyp", name "-traced.total") in vals))
		return
	t = median(vals["hyp", name "-traced.total"])
	o = median(vals["hyp", name ".total"])
	n = median(vals["hyp", name "-traced.events"])
	out = sprintf("  %-48s %9s %9s %9s", label, o, t, n)
	if (n > 0)
		out = out sprintf(" %9.1f", (t - o) / n)
	else
		out = out sprintf(" %9s", "-")
	print out
}
function row(label, kind, name,   c, out) {
	if (!((kind, name ".total") in vals))
		return
	out = sprintf("  %-48s", label)
	for (c = 1; c <= 4; c++)
		out = out sprintf(" %9s", cell(kind, name "." ctr[c]))
	print out
}
BEGIN {
	ctr[1] = "total"; ctr[2] = "el2"; ctr[3] = "el1"; ctr[4] = "cycles"
}
FNR == 1 {
	kind = FILENAME ~ /bare-icount/ ? "bare" : "hyp"
	first = FILENAME ~ /hyp-icount-1\.log$/
}
{ sub(/\r$/, "") }
/S2OWN-MEASURE: [a-z0-9-]+\.(total|el2|el1|cycles|events) -?[0-9]+$/ {
	line = $0
	sub(/.*S2OWN-MEASURE: /, "", line)
	split(line, f, " ")
	vals[kind, f[1]] = vals[kind, f[1]] " " f[2]
	next
}
first && /S2OWN-MEASURE: info (counter|chunk|donate-|fault-|tracing)/ && !/ runs [0-9]+ total/ {
	line = $0
	sub(/.*S2OWN-MEASURE: info /, "", line)
	notes[++nnotes] = line
}
END {
	print "== s2own measurements: " title " =="
	print ""
	print "Boot to \"S2OWN: init reached\". bare = Debian Linux at EL1 with only its"
	print "own hyp stub at EL2: the same QEMU flags (virtualization=on) and command"
	print "line (kvm-arm.mode=none id_aa64mmfr1.vh=0) as under s2own. Boots alternate"
	print "bare, s2own; median, then each boot. Linux ran at EL1 in every boot"
	print "(CurrentEL, read by s2own_measure.ko: a boot check)."
	printf "  %-34s %8s  %8s  %6s\n", "", "bare", "s2own", "ratio"
	boot_row("wall, s (" runs " boots each)", wb, wh, "%8.2f")
	boot_row("wall, -icount, s (" icount_runs " each)", ib, ih, "%8.2f")
	boot_row("virtual time at /init, s", vb, vh, "%8.4f")
	boot_row(" of it before the Linux clock, s", pb, ph, "%8.4f")
	print "  (virtual time under -icount shift=0: 1 ns per instruction executed on"
	print "  any CPU; when every CPU idles it jumps to the next timer. \"before the"
	print "  Linux clock\": the hypervisor boot, then Linux until sched_clock starts)"
	print ""
	print "Instructions per call under -icount (PMU INST_RETIRED, CPU 0 alone online),"
	if (icount_runs > 1)
		print "median of the runs in each boot; \"a (b..c)\" where the " icount_runs " boots differ."
	else
		print "median of the runs in the boot."
	print "total = EL1 + EL2 from the call to its return (for the transitions"
	print "including ~10 EL1 instructions of the SMCCC helper); cycles = PMCCNTR."
	printf "  %-48s %9s %9s %9s %9s\n", "call", "total", "EL2", "EL1", "cycles"
	row("HVC round trip, REVISION", "hyp", "hvc-revision")
	row("HVC round trip, unknown id", "hyp", "hvc-unknown")
	row("HVC round trip, Linux hyp stub (bare)", "bare", "hvc-stub")
	row("VM_CREATE", "hyp", "vm-create")
	row("HOST_DONATE_GUEST 1 page (2M split)", "hyp", "donate-4k")
	row("VM_DESTROY, 1 page mapped", "hyp", "vm-destroy-4k")
	row("HOST_RECLAIM_GUEST 1 page (coalesce)", "hyp", "reclaim-4k")
	row("HOST_DONATE_GUEST 2M (512 pages)", "hyp", "donate-2m")
	row("VM_DESTROY, 2M mapped", "hyp", "vm-destroy-2m")
	row("HOST_RECLAIM_GUEST 2M", "hyp", "reclaim-2m")
	row("host stage-2 fault, maps a 4K page", "hyp", "fault-4k")
	row("host stage-2 fault, maps a 2M block", "hyp", "fault-2m")
	row("guest: VCPU_RUN to a VMM call (switch in + out)", "hyp", "guest-exit")
	row("guest: an HVC EL2 serves (exit + re-entry)", "hyp", "guest-el2-call")
	row("guest: VCPU_RUN of a vCPU that is off", "hyp", "vcpu-run-off")
	row("guest: demand fault, donate, run on", "hyp", "guest-demand")
	row("guest: MEM_SHARE of one page (its call at EL2)", "hyp", "guest-share")
	row("guest: MEM_UNSHARE of one page", "hyp", "guest-unshare")
	row("(empty measured section, not subtracted)", "hyp", "baseline")
	if (("hyp", "donate-4k-traced.total") in vals) {
		print ""
		print "With every trace class on (docs/tracing.md): total instructions off"
		print "and on, the records the call wrote, and the cost of one record."
		printf "  %-48s %9s %9s %9s %9s\n", "call", "off", "on", "records", "per rec."
		trow("VM_CREATE", "vm-create")
		trow("HOST_DONATE_GUEST 1 page (2M split)", "donate-4k")
		trow("VM_DESTROY, 1 page mapped", "vm-destroy-4k")
		trow("HOST_RECLAIM_GUEST 1 page (coalesce)", "reclaim-4k")
		trow("HOST_DONATE_GUEST 2M (512 pages)", "donate-2m")
		trow("VM_DESTROY, 2M mapped", "vm-destroy-2m")
		trow("HOST_RECLAIM_GUEST 2M", "reclaim-2m")
		trow("host stage-2 fault, maps a 4K page", "fault-4k")
		trow("host stage-2 fault, maps a 2M block", "fault-2m")
	}
	if (nnotes) {
		print ""
		print "What the calls did (first s2own -icount boot; host stage-2 dumps):"
		for (i = 1; i <= nnotes; i++)
			print "  " notes[i]
	}
}' $logs
