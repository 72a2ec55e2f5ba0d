# SPDX-License-Identifier: GPL-2.0-only
#
# Shell helpers for the hypervisor's tracing (docs/tracing.md): sourced by
# the demo and the trace tests after /lib/s2own/lib.sh. Installed as
# /lib/s2own/trace.sh.

S2OWN_TRACE=$S2OWN_DIR/trace
S2OWN_TRACEFS=/sys/kernel/tracing

# s2own_trace_enable CLASSES...: "all", "none", event names or a mask.
s2own_trace_enable() {
	echo "$*" >"$S2OWN_TRACE/enable"
}

# s2own_trace_take FILE: what the buffers hold now, consumed, into FILE.
s2own_trace_take() {
	cat "$S2OWN_TRACE/trace" >"$1"
}

# s2own_trace_stat CPU|total KEY: one value of trace/stats.
s2own_trace_stat() {
	awk -v cpu="$1" -v key="$2" '
		($1 == "cpu" && $2 == cpu) || ($1 == "total" && cpu == "total") {
			for (i = 1; i < NF; i++) if ($i == key) print $(i + 1)
		}' "$S2OWN_TRACE/stats"
}

# s2own_dt_ranges FILE: a device-tree reg property (2 address cells, 2
# size cells) as "START END" lines, in hex.
s2own_dt_ranges() {
	r=$(od -An -tx1 "$1" | tr -d ' \n')
	while [ ${#r} -ge 32 ]; do
		start=$((0x$(echo "$r" | cut -c1-16)))
		size=$((0x$(echo "$r" | cut -c17-32)))
		printf '0x%x 0x%x\n' $start $((start + size))
		r=$(echo "$r" | cut -c33-)
	done
}

# s2own_ptdump_marked NAME: the host stage-2 dump between the markers
# scripts/ptdump-svg.sh looks for in a console log, with what the dump
# cannot say: the RAM regions and the hypervisor's carve-out (from the
# device tree), the VMs' pages (the driver's vm file), the pages shared
# with the hypervisor (the driver's shares and trace buffers).
s2own_ptdump_marked() {
	echo "S2OWN-PTDUMP: begin $1"
	for m in /proc/device-tree/memory@*/reg; do
		[ -r "$m" ] && s2own_dt_ranges "$m" | sed 's/^/    region /; s/$/ RAM/'
	done
	for m in /proc/device-tree/reserved-memory/s2own-hyp@*/reg; do
		[ -r "$m" ] && s2own_dt_ranges "$m" | sed 's/^/    hyp /'
	done
	awk '$1 == "vm" { vm = $2 }
		$1 == "pfn" && ($7 == "donated" || $7 == "relinquished") {
			print "    vm", vm, $2, $6
		}' "$S2OWN_DIR/vm"
	awk '{ print "    shared", $1, 1 }' "$S2OWN_DIR/share"
	[ -r "$S2OWN_TRACE/stats" ] && awk '$1 == "cpu" {
			for (i = 1; i < NF; i++) {
				if ($i == "pages") n = $(i + 1)
				if ($i == "pfn") p = $(i + 1)
			}
			print "    shared", p, n
		}' "$S2OWN_TRACE/stats"
	sed 's/^/    /' "$S2OWN_DIR/ptdump"
	echo "S2OWN-PTDUMP: end $1"
}

# s2own_tracefs_mount: /sys/kernel/tracing, if it is not there yet.
s2own_tracefs_mount() {
	[ -e "$S2OWN_TRACEFS/trace" ] ||
		mount -t tracefs nodev "$S2OWN_TRACEFS" 2>/dev/null
	[ -e "$S2OWN_TRACEFS/trace" ]
}

# The awk function hex(): "0x..." as a number (exact up to 2^53).
S2OWN_AWK_HEX='
function hex(s,    i, n, c) {
	sub(/^0x/, "", s)
	n = 0
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", tolower(substr(s, i, 1)))
		if (!c) break
		n = n * 16 + c - 1
	}
	return n
}
function field(name,    i) {
	for (i = 1; i <= NF; i++)
		if (index($i, name "=") == 1) return substr($i, length(name) + 2)
	return ""
}
function gran(level) {
	return level == 1 ? 1073741824 : level == 2 ? 2097152 : 4096
}
'

# s2own_trace_block_faults PFN FILE: the host_fault lines of FILE that
# mapped the block (or page) holding PFN.
s2own_trace_block_faults() {
	awk -v pa="$(($1 << 12))" "$S2OWN_AWK_HEX"'
		$3 == "host_fault" && field("ret") == 0 {
			g = gran(field("level")); ipa = hex(field("ipa"))
			base = ipa - ipa % g
			if (pa >= base && pa < base + g) print
		}' "$2"
}

# s2own_trace_story PFN FILE: the events of the donation of PFN and its
# reclaim, in order, one word each: fault (a host fault that mapped the
# block holding it), split (of the host block holding it),
# tlbi (of that block), donate (the call, a success), scrub (of it),
# coalesce (of the block holding it), reclaim (the call, a success).
s2own_trace_story() {
	awk -v pa="$(($1 << 12))" -v pfn="$1" "$S2OWN_AWK_HEX"'
		function holds(level) {
			g = gran(level); ipa = hex(field("ipa"))
			return pa >= ipa && pa < ipa + g
		}
		$3 == "host_fault" && field("ret") == 0 {
			g = gran(field("level")); ipa = hex(field("ipa"))
			if (pa >= ipa - ipa % g && pa < ipa - ipa % g + g)
				print "fault"
		}
		$3 == "split" && field("vm") == 0 && holds(field("level")) &&
			field("from") != "empty" { print "split" }
		$3 == "tlbi" && field("vm") == 0 && field("kind") == "ipa" &&
			holds(field("level")) { print "tlbi" }
		$3 == "transition" && hex(field("pfn")) == pfn &&
			field("ret") == 0 {
			c = field("call")
			if (c == "donate_guest") print "donate"
			if (c == "reclaim_guest") print "reclaim"
		}
		$3 == "scrub" && hex(field("pfn")) <= pfn &&
			pfn < hex(field("pfn")) + field("nr") { print "scrub" }
		$3 == "coalesce" && field("vm") == 0 && holds(field("level")) {
			print "coalesce"
		}' "$2"
}

# s2own_trace_counts FILE: the events of FILE as the counters count them,
# "name N" lines: host_faults, splits (not of empty entries), coalesces,
# tlbi_ipa, tlbi_range, tlbi_vmid, pages_scrubbed, and table_pages_used
# (the pool's, taken minus returned: a table_alloc naming a VM came from
# its cache).
s2own_trace_counts() {
	awk "$S2OWN_AWK_HEX"'
		$3 == "host_fault" { c["host_faults"]++ }
		$3 == "split" && field("from") != "empty" { c["splits"]++ }
		$3 == "coalesce" { c["coalesces"]++ }
		$3 == "tlbi" { c["tlbi_" field("kind")]++ }
		$3 == "scrub" { c["pages_scrubbed"] += field("nr") }
		$3 == "table_alloc" && field("vm") == "" { c["table_pages_used"]++ }
		$3 == "table_free" { c["table_pages_used"]-- }
		END {
			n = split("host_faults splits coalesces tlbi_ipa tlbi_range tlbi_vmid pages_scrubbed table_pages_used", k, " ")
			for (i = 1; i <= n; i++) print k[i], c[k[i]] + 0
		}' "$1"
}

# s2own_stats_delta BEFORE AFTER: the same keys, from two copies of the
# stats file.
s2own_stats_delta() {
	awk 'NR == FNR { a[$1] = $2; next } { b[$1] = $2 }
		END {
			n = split("host_faults splits coalesces tlbi_ipa tlbi_range tlbi_vmid pages_scrubbed table_pages_used", k, " ")
			for (i = 1; i <= n; i++) print k[i], b[k[i]] - a[k[i]]
		}' "$1" "$2"
}
