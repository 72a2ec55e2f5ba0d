#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The table `make measure` prints (mk/measure.mk, docs/measurements.md).
#
#   report.sh LOGDIR RUNS ICOUNT_RUNS MAIN SIZES [TITLE]
#
# LOGDIR holds the consoles (NAME.log) and the seconds to "S2OWN: init
# reached" (NAME.time, from scripts/qemu-boot-test.sh) of the boots of each
# KIND (bare, pkvm, hyp; pkvm may be missing):
#   KIND-i         i in 1..RUNS, plain boots at MAIN (wall time only)
#   KIND-icount-i  i in 1..ICOUNT_RUNS, -icount boots at MAIN
#   KIND-MEM-Ncpu  one -icount boot per MEM:N in SIZES
# MAIN is MEM:CPUS of the main boots, SIZES a list of MEM:CPUS. From the
# -icount consoles it takes the virtual time at "Run /init as init
# process", the hypervisor's memory (s2own's carve-out line, pKVM's
# "Reserved N MiB") and the "S2OWN-MEASURE: <name>.<counter> <value>"
# lines of s2own_measure.ko. A value that differs between the main boots
# is shown as "median (min..max)".
set -eu
export LC_ALL=C

[ $# -ge 5 ] || {
	echo "usage: report.sh LOGDIR RUNS ICOUNT_RUNS MAIN SIZES [TITLE]" >&2
	exit 2
}
dir=$1 runs=$2 icount_runs=$3 main=$4 sizes=$5 title=${6:-}

# The files to read, each with its kind and configuration (MEM:CPUS, or
# "wall" for the plain boots), one per line: "FILE KIND CONFIG".
manifest=$(mktemp)
trap 'rm -f "$manifest"' EXIT
for k in bare pkvm hyp; do
	for i in $(seq 1 "$icount_runs"); do
		f=$dir/$k-icount-$i.log
		[ ! -f "$f" ] || echo "$f $k $main"
	done
	for s in $sizes; do
		f=$dir/$k-${s%%:*}-${s#*:}cpu.log
		[ ! -f "$f" ] || echo "$f $k $s"
	done
done >"$manifest"

# Wall times, "KIND CONFIG seconds" per line.
walls=$(for k in bare pkvm hyp; do
	for i in $(seq 1 "$runs"); do
		f=$dir/$k-$i.time
		[ ! -f "$f" ] || echo "$k wall $(cat "$f")"
	done
	for i in $(seq 1 "$icount_runs"); do
		f=$dir/$k-icount-$i.time
		[ ! -f "$f" ] || echo "$k icount $(cat "$f")"
	done
done)

awk -v title="$title" -v runs="$runs" -v icount_runs="$icount_runs" \
	-v main="$main" -v sizes="$sizes" -v walls="$walls" \
	-v manifest="$manifest" '
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
function hex(s,   i, c, v) {
	v = 0
	s = tolower(s)
	sub(/^0x/, "", s)
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", substr(s, i, 1))
		if (!c)
			break
		v = v * 16 + c - 1
	}
	return v
}
# "2G" -> 2048 (MiB)
function mib(m,   v) {
	v = m + 0
	if (m ~ /[Gg]$/) return v * 1024
	if (m ~ /[Tt]$/) return v * 1024 * 1024
	return v
}
# 12345 -> "12,345"; "-" stays.
function commas(v,   s, neg, out) {
	if (v == "" || v == "-")
		return "-"
	s = sprintf("%d", v + 0)
	neg = s ~ /^-/
	sub(/^-/, "", s)
	out = ""
	while (length(s) > 3) {
		out = "," substr(s, length(s) - 2) out
		s = substr(s, 1, length(s) - 3)
	}
	return (neg ? "-" : "") s out
}
function cfgname(c,   a) {
	split(c, a, ":")
	return a[1] "/" a[2]
}
# The median of a value over the boots of KIND at CONFIG, or "".
function val(kind, cfg, key) {
	return median(vals[kind, cfg, key])
}
# The same, as "median (min..max)" when the boots differ.
function cell(kind, cfg, key,   s, a, n) {
	s = vals[kind, cfg, key]
	n = sortv(s, a)
	if (n == 0)
		return "-"
	if (a[1] == a[n])
		return a[1]
	return median(s) " (" a[1] ".." a[n] ")"
}
function ratio(a, b) {
	if (a == "" || b == "" || b + 0 == 0)
		return "-"
	return sprintf("%.2f", a / b)
}
# Virtual ms at /init over bare Linux of KIND at CFG, or "".
function over(kind, cfg,   k, b) {
	k = val(kind, cfg, "vinit"); b = val("bare", cfg, "vinit")
	if (k == "" || b == "")
		return ""
	return (k - b) * 1000
}
function signed(v, fmt) {
	if (v == "")
		return "-"
	return sprintf("%+" fmt, v)
}
# Hypervisor memory of KIND at CFG in MiB, or "".
function hmem(kind, cfg) {
	return val(kind, cfg, "hypmem")
}
function share(kind, cfg,   m, a) {
	m = hmem(kind, cfg)
	if (m == "")
		return ""
	split(cfg, a, ":")
	return 100 * m / mib(a[1])
}
function mark(ok) {
	return ok == "" ? "?" : ok ? "\342\234\223" : "\342\234\227"
}
# The s2own value of a row at CFG: a measurement name, or a computed one.
function s2val(name, cfg,   r2m, r1) {
	if (name == "scrub") {
		r2m = val("hyp", cfg, "reclaim-2m.el2")
		r1 = val("hyp", cfg, "reclaim-4k.el2")
		if (r2m == "" || r1 == "")
			return ""
		return int((r2m - r1) / 511 + 0.5)
	}
	return val("hyp", cfg, name ".el2")
}
# One row of the s2own-alone table: label, measurement, issue 12 value,
# target (instructions at EL2, at every size).
function trow(label, name, before, target,   i, v, out, ok) {
	out = sprintf("  %-52s %9s", label, before)
	ok = ""
	for (i = 1; i <= ncfg; i++) {
		v = s2val(name, cfgs[i])
		out = out sprintf(" %9s", commas(v))
		if (v != "")
			ok = (ok == "" || ok) && v + 0 <= target
	}
	printf "%s  %9s  %s\n", out, "<= " commas(target), mark(ok)
}
# Side by side: EL2 instructions of s2own and pKVM at the main size.
function srow(label, hname, pname, key,   h, p) {
	h = val("hyp", main, hname "." key)
	p = val("pkvm", main, pname "." key)
	printf "  %-52s %12s %12s %7s\n", label, commas(h), commas(p), ratio(h, p)
}
# Full counters of a call.
function crow(label, kind, name,   c, out) {
	if (!((kind, main, name ".total") in vals))
		return
	out = sprintf("  %-52s", label)
	for (c = 1; c <= 4; c++)
		out = out sprintf(" %9s", cell(kind, main, name "." ctr[c]))
	print out
}
# The same call with every trace class on: total instructions off and on,
# the records it wrote, and what each record cost (on - off) / records.
function tracerow(label, name,   t, o, n, out) {
	t = val("hyp", main, name "-traced.total")
	if (t == "")
		return
	o = val("hyp", main, name ".total")
	n = val("hyp", main, name "-traced.events")
	out = sprintf("  %-52s %9s %9s %9s", label, o, t, n)
	if (n > 0)
		out = out sprintf(" %9.1f", (t - o) / n)
	else
		out = out sprintf(" %9s", "-")
	print out
}
function chunk_call(label, name) {
	clabel[++nchunk] = label; cname[nchunk] = name
}
function wall_row(label, what,   k, out, m) {
	out = sprintf("  %-30s", label)
	for (k = 1; k <= 3; k++) {
		m = median(wall[kinds[k], what])
		out = out sprintf(" %8s", m == "" ? "-" : sprintf("%.2f", m))
	}
	print out "   " wall_list(what)
}
function wall_list(what,   k, out) {
	out = ""
	for (k = 1; k <= 3; k++)
		if (wall[kinds[k], what] != "")
			out = out " " kname[kinds[k]] ":" wall[kinds[k], what]
	return out
}
BEGIN {
	ctr[1] = "total"; ctr[2] = "el2"; ctr[3] = "el1"; ctr[4] = "cycles"
	kinds[1] = "bare"; kinds[2] = "pkvm"; kinds[3] = "hyp"
	kname["bare"] = "bare"; kname["pkvm"] = "pKVM"; kname["hyp"] = "s2own"
	# The calls on the chunk, measured again with tracing on.
	chunk_call("VM_CREATE", "vm-create")
	chunk_call("HOST_DONATE_GUEST 1 page (2M split, new tables)", "donate-4k")
	chunk_call("VM_DESTROY, 1 page mapped", "vm-destroy-4k")
	chunk_call("HOST_RECLAIM_GUEST 1 page (coalesce)", "reclaim-4k")
	chunk_call("HOST_DONATE_GUEST 1 page (split, tables present)", "donate-present")
	chunk_call("HOST_DONATE_GUEST 64 pages (split, tables present)", "donate-64")
	chunk_call("VM_DESTROY, 66 pages mapped", "vm-destroy-66")
	chunk_call("HOST_RECLAIM_GUEST 64 pages (no coalesce)", "reclaim-64")
	chunk_call("HOST_RECLAIM_GUEST 1 page (no coalesce)", "reclaim-nocoalesce")
	chunk_call("HOST_RECLAIM_GUEST 1 page (coalesce, after them)", "reclaim-coalesce")
	chunk_call("VM_DESTROY, empty VM", "vm-destroy-empty")
	chunk_call("HOST_DONATE_GUEST 2M (512 pages)", "donate-2m")
	chunk_call("VM_DESTROY, 2M mapped", "vm-destroy-2m")
	chunk_call("HOST_RECLAIM_GUEST 2M", "reclaim-2m")
	chunk_call("host stage-2 fault, maps a 4K page (emptied entry)", "fault-4k")
	chunk_call("host stage-2 fault, maps a 2M block (emptied entry)", "fault-2m")
	ncfg = 1; cfgs[1] = main
	n = split(sizes, sz, " ")
	for (i = 1; i <= n; i++)
		if (sz[i] != main)
			cfgs[++ncfg] = sz[i]
	while ((getline line < manifest) > 0) {
		split(line, f, " ")
		fkind[f[1]] = f[2]; fcfg[f[1]] = f[3]
		files[++nfiles] = f[1]
	}
	n = split(walls, wl, "\n")
	for (i = 1; i <= n; i++) {
		split(wl[i], f, " ")
		if (f[3] != "")
			wall[f[1], f[2]] = wall[f[1], f[2]] " " f[3]
	}
	for (i = 1; i <= nfiles; i++)
		read_log(files[i], fkind[files[i]], fcfg[files[i]])
	report()
}
function read_log(file, kind, cfg,   line, t, c, l, a, n, j, first, s) {
	t = ""; c = ""
	first = !((kind, cfg) in seen)
	seen[kind, cfg] = 1
	while ((getline line < file) > 0) {
		sub(/\r$/, "", line)
		if (t == "" && line ~ /\] Run \/init as init process/) {
			t = line; sub(/^\[ */, "", t); sub(/\].*/, "", t)
		}
		if (c == "" && line ~ /S2OWN-MEASURE: info clock /) {
			n = split(line, a, " ")
			for (j = 1; j < n; j++) {
				if (a[j] == "cntvct-ns") c = a[j + 1]
				if (a[j] == "local-clock-ns") l = a[j + 1]
			}
		}
		if (line ~ /S2OWN-HYP: carve-out [0-9a-f]+-[0-9a-f]+:/) {
			s = line; sub(/.*carve-out /, "", s); sub(/:.*/, "", s)
			split(s, a, "-")
			vals[kind, cfg, "hypmem"] = vals[kind, cfg, "hypmem"] " " (hex(a[2]) - hex(a[1])) / 1048576
			carve[cfg] = line; sub(/.*carve-out /, "", carve[cfg])
		}
		if (line ~ /kvm \[[0-9]+\]: Reserved [0-9]+ MiB at /) {
			s = line; sub(/.*Reserved /, "", s); sub(/ MiB.*/, "", s)
			vals[kind, cfg, "hypmem"] = vals[kind, cfg, "hypmem"] " " s
		}
		if (line ~ /S2OWN-MEASURE: [a-z0-9-]+\.(total|el2|el1|cycles|faults|events) -?[0-9]+$/) {
			s = line; sub(/.*S2OWN-MEASURE: /, "", s)
			split(s, a, " ")
			vals[kind, cfg, a[1]] = vals[kind, cfg, a[1]] " " a[2]
			continue
		}
		if (first && cfg == main && line ~ /S2OWN-MEASURE: info (counter|chunk|anchor|round|fault|pkvm|guest|tracing)/ &&
		    line !~ / runs [0-9]+ total /) {
			s = line; sub(/.*S2OWN-MEASURE: info /, "", s)
			notes[kind, ++nnotes[kind]] = s
		}
	}
	close(file)
	if (t != "" && c != "") {
		vals[kind, cfg, "vinit"] = vals[kind, cfg, "vinit"] " " (t + (c - l) / 1e9)
		vals[kind, cfg, "vpre"] = vals[kind, cfg, "vpre"] " " ((c - l) / 1e9)
	}
}
function report(   i, c, h, p, b, ok, out, v) {
	print "== s2own measurements: " title " =="
	print ""
	print "Every figure below is an emulator figure, not hardware time:"
	print "instructions QEMU executed under -icount (PMU INST_RETIRED, one CPU"
	print "online while measuring), or virtual time, in which one instruction on any"
	print "CPU is one nanosecond. The same Debian kernel boots as bare Linux, as"
	print "pKVM (kvm-arm.mode=protected, entered at EL2) and under s2own, in this"
	print "run, with the same QEMU flags and command line but for kvm-arm.mode."
	print ""
	printf "s2own against pKVM, %s (MEM/CPUS; instructions at EL2, median of the runs)\n", cfgname(main)
	printf "  %-52s %12s %12s %7s\n", "", "s2own", "pKVM", "ratio"
	srow("HVC round trip, unknown id", "hvc-unknown", "hvc-unknown", "el2")
	srow("HVC round trip, a known id that does nothing [1]", "hvc-revision", "hvc-prot-finalize", "el2")
	srow("host stage-2 fault (first - second write, fresh 2M)", "host-fault", "host-fault", "el2")
	srow("share 1 page with the hypervisor", "share-hyp", "share-hyp", "el2")
	srow("unshare it", "unshare-hyp", "unshare-hyp", "el2")
	srow("then writes to the 2M chunk: faults taken", "refaults", "refaults", "faults")
	srow("                             their instructions", "refaults", "refaults", "el2")
	for (i = 1; i <= ncfg; i++) {
		h = over("hyp", cfgs[i]); p = over("pkvm", cfgs[i])
		printf "  %-52s %12s %12s %7s\n", "boot to /init over bare, virtual ms, " cfgname(cfgs[i]), signed(h, ".1f"), signed(p, ".1f"), ratio(h, p)
	}
	for (i = 1; i <= ncfg; i++) {
		h = hmem("hyp", cfgs[i]); p = hmem("pkvm", cfgs[i])
		printf "  %-52s %12s %12s %7s\n", "hypervisor memory, MiB (% of RAM), " cfgname(cfgs[i]), \
			h == "" ? "-" : sprintf("%d (%.2f%%)", h, share("hyp", cfgs[i])), \
			p == "" ? "-" : sprintf("%d (%.2f%%)", p, share("pkvm", cfgs[i])), ratio(h, p)
	}
	print "  [1] s2own REVISION; pKVM __pkvm_prot_finalize, -EPERM once finalised."
	print "  The fault maps the 2M block. pKVM memory: what it reserves (\"kvm: Reserved"
	print "  N MiB\"), not its nVHE image or per-CPU pages; s2own: its carve-out, all"
	print "  of it. Ratios are s2own / pKVM."
	print ""
	print "s2own alone: the operations of issue 12, instructions at EL2 (one CPU online);"
	print "before = the figures in issue 12; the target must hold at every size."
	out = sprintf("  %-52s %9s", "", "before")
	for (i = 1; i <= ncfg; i++)
		out = out sprintf(" %9s", cfgname(cfgs[i]))
	printf "%s  %9s\n", out, "target"
	trow("HVC round trip, unknown id", "hvc-unknown", "97", 60)
	trow("host stage-2 fault (maps a 2M block)", "host-fault", "671", 350)
	trow("VM_CREATE", "vm-create", "5,858", 600)
	trow("donate 1 page, block split, VM tables present", "donate-present", "2,981", 700)
	trow("donate 1 page, splitting a 2M block, new VM tables", "donate-4k", "43,750", 4000)
	trow("donate a 2M chunk", "donate-2m", "42,925", 8000)
	trow("reclaim 1 page, no coalesce (incl. scrub)", "reclaim-nocoalesce", "2,577", 700)
	trow("reclaim 1 page + coalesce to 2M", "reclaim-4k", "5,324", 1200)
	trow("scrub per page, at most [2]", "scrub", "719", 200)
	trow("reclaim a 2M chunk", "reclaim-2m", "418,163", 120000)
	trow("VM_DESTROY, 1 page mapped [3]", "vm-destroy-4k", "137,413", 1500)
	trow("VM_DESTROY, empty VM", "vm-destroy-empty", "35,111", 500)
	out = sprintf("  %-52s %9s", "boot to /init over bare, virtual ms", "+21/73/142")
	ok = ""
	for (i = 1; i <= ncfg; i++) {
		h = over("hyp", cfgs[i]); p = over("pkvm", cfgs[i])
		out = out sprintf(" %9s", signed(h, ".1f"))
		if (h != "" && p != "")
			ok = (ok == "" || ok) && h <= p
	}
	printf "%s  %9s  %s\n", out, "<= pKVM", mark(ok)
	out = sprintf("  %-52s %9s", "hypervisor memory, % of RAM", "0.6%")
	ok = ""
	for (i = 1; i <= ncfg; i++) {
		h = share("hyp", cfgs[i]); p = share("pkvm", cfgs[i])
		out = out sprintf(" %9s", h == "" ? "-" : sprintf("%.2f%%", h))
		if (h != "" && p != "")
			ok = (ok == "" || ok) && h <= p
	}
	printf "%s  %9s  %s\n", out, "<= pKVM", mark(ok)
	print "  [2] (reclaim a 2M chunk - reclaim 1 page + coalesce) / 511: the scrub (zero,"
	print "  clean to PoC) and the page'"'"'s own state change; an upper bound on the scrub."
	print "  [3] target: <= 1,500 and proportional to what the VM maps; with 66 pages"
	printf "  mapped it is %s (vm-destroy-66).\n", commas(val("hyp", main, "vm-destroy-66.el2"))
	print "  \342\234\223 = target met at every size measured; \342\234\227 = not; ? = not measured"
	print "  (for the boot and the memory: not measured for pKVM). Where s2own finds no"
	print "  fresh 2M chunk (it maps 1G blocks), the fault is on a chunk whose entry a"
	print "  donation and reclaim emptied first: the same state (the notes say which)."
	print ""
	print "Boot to /init, virtual time (s since QEMU started; under s2own, \"pre\" is"
	print "the part before Linux starts its clock: the hypervisor'"'"'s own boot and"
	print "Linux'"'"'s earliest code; for bare and pKVM that part is Linux'"'"'s alone)"
	printf "  %-12s %9s %9s %9s %9s %11s %11s\n", "MEM/CPUS", "bare", "pKVM", "s2own", "pre bare", "pre s2own", "pre s2own-bare"
	for (i = 1; i <= ncfg; i++) {
		c = cfgs[i]
		b = val("bare", c, "vpre"); h = val("hyp", c, "vpre")
		printf "  %-12s %9s %9s %9s %9s %11s %11s\n", cfgname(c), \
			fmt4(val("bare", c, "vinit")), fmt4(val("pkvm", c, "vinit")), \
			fmt4(val("hyp", c, "vinit")), fmt4(b), fmt4(h), \
			b == "" || h == "" ? "-" : sprintf("%+.1f ms", (h - b) * 1000)
	}
	for (i = 1; i <= ncfg; i++)
		if (carve[cfgs[i]] != "")
			printf "  s2own carve-out at %s: %s\n", cfgname(cfgs[i]), carve[cfgs[i]]
	print ""
	printf "Wall time to \"S2OWN: init reached\", s (%s; %d plain boots of each kind,\n", cfgname(main), runs
	print "alternating; median, then each boot; a shared machine: +-30% noise)"
	printf "  %-30s %8s %8s %8s\n", "", "bare", "pKVM", "s2own"
	wall_row("wall", "wall")
	wall_row("wall, -icount", "icount")
	print ""
	printf "Every call, %s: instructions from the call to its return, total =\n", cfgname(main)
	print "EL1 + EL2 (for the transitions ~10 EL1 instructions of the SMCCC helper);"
	print "cycles = PMCCNTR (one instruction, one cycle under -icount shift=0)"
	printf "  %-52s %9s %9s %9s %9s\n", "call", "total", "EL2", "EL1", "cycles"
	crow("s2own HVC, REVISION", "hyp", "hvc-revision")
	crow("s2own HVC, unknown id", "hyp", "hvc-unknown")
	crow("pKVM HVC, __pkvm_prot_finalize (-EPERM)", "pkvm", "hvc-prot-finalize")
	crow("pKVM HVC, unknown id", "pkvm", "hvc-unknown")
	crow("Linux hyp stub HVC (bare)", "bare", "hvc-stub")
	crow("s2own host stage-2 fault", "hyp", "host-fault")
	crow("pKVM host stage-2 fault", "pkvm", "host-fault")
	crow("s2own HOST_SHARE_HYP 1 page", "hyp", "share-hyp")
	crow("pKVM __pkvm_host_share_hyp", "pkvm", "share-hyp")
	crow("s2own HOST_UNSHARE_HYP 1 page", "hyp", "unshare-hyp")
	crow("pKVM __pkvm_host_unshare_hyp", "pkvm", "unshare-hyp")
	crow("s2own refaults of the chunk, all of them", "hyp", "refaults")
	crow("pKVM refaults of the chunk, all of them", "pkvm", "refaults")
	for (i = 1; i <= nchunk; i++)
		crow(clabel[i], "hyp", cname[i])
	crow("guest: VCPU_RUN to a VMM call (switch in + out)", "hyp", "guest-exit")
	crow("guest: an HVC EL2 serves (exit + re-entry)", "hyp", "guest-el2-call")
	crow("guest: VCPU_RUN of a vCPU that is off", "hyp", "vcpu-run-off")
	crow("guest: demand fault, donate, run on", "hyp", "guest-demand")
	crow("guest: MEM_SHARE of one page (its call at EL2)", "hyp", "guest-share")
	crow("guest: MEM_UNSHARE of one page", "hyp", "guest-unshare")
	crow("(empty measured section, not subtracted)", "hyp", "baseline")
	if (val("hyp", main, "vm-create-traced.total") != "") {
		print ""
		printf "With every trace class on (docs/tracing.md), %s: total instructions\n", cfgname(main)
		print "off and on, the records the call wrote, and the cost of one record."
		printf "  %-52s %9s %9s %9s %9s\n", "call", "off", "on", "records", "per rec."
		for (i = 1; i <= nchunk; i++)
			tracerow(clabel[i], cname[i])
	}
	for (k = 1; k <= 3; k++) {
		if (!nnotes[kinds[k]])
			continue
		print ""
		printf "What the calls did under %s (first %s boot):\n", kname[kinds[k]], cfgname(main)
		for (i = 1; i <= nnotes[kinds[k]]; i++)
			print "  " notes[kinds[k], i]
	}
}
function fmt4(v) {
	return v == "" ? "-" : sprintf("%.4f", v)
}'
