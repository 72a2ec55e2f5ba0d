# SPDX-License-Identifier: GPL-2.0-only
#
# The host stage-2 dump (docs/debugfs.md, "ptdump") as an SVG map of
# physical memory; run by scripts/ptdump-svg.sh (usage there, and in
# docs/debugfs.md). POSIX awk only: mawk, gawk and busybox run it.
#
# Input: ptdump lines, and optional lines that say more than the dump can:
#   title TEXT
#   region START END NAME   a band of the map (RAM); none: one band
#                           around everything that is RAM or owned
#   hyp START END           the hypervisor's own memory (its carve-out,
#                           which the dump shows as never mapped)
#   vm N PFN NR             VM N's pages (from the driver's vm file)
#   shared PFN NR           pages shared with the hypervisor (sharing
#                           changes no mapping: the dump cannot show it)
# Numbers are hex with 0x, or decimal. Anything else is ignored, so a
# console log's section can go in as it is.
#
# Output: one band per region, cut into rows of ROW bytes (128 MiB, more
# for big regions), each row 1024 pixels wide. Colour says the owner
# (host, hypervisor, each VM, shared); height the mapping level: 1G block
# full height, 2M block two thirds, 4K page one third, and a thin line for
# what the host has not mapped (invalid, host-owned). Pages the host does
# not own are hatched, at the height of the level of their annotation. A
# run of pages the host does not own narrower than two pixels is drawn as
# a full-height line two pixels wide: a single donated page of a 2 GiB
# region stays visible. Every 2M range the host maps with pages is drawn
# again below, one row each, two pixels a page (the first 8).

function hex(s,    i, n, c) {
	if (s !~ /^0x/)
		return s + 0
	s = substr(s, 3)
	n = 0
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", tolower(substr(s, i, 1)))
		if (!c)
			break
		n = n * 16 + c - 1
	}
	return n
}

function hexs(n,    s, d) {
	if (n == 0)
		return "0x0"
	s = ""
	while (n > 0) {
		d = n % 16
		s = substr("0123456789abcdef", d + 1, 1) s
		n = (n - d) / 16
	}
	return "0x" s
}

function size_str(n) {
	if (n >= 1073741824 && n % 1073741824 == 0)
		return sprintf("%.0fG", n / 1073741824)
	if (n >= 1048576 && n % 1048576 == 0)
		return sprintf("%.0fM", n / 1048576)
	return sprintf("%.0fK", n / 1024)
}

function esc(s) {
	gsub(/&/, "\\&amp;", s)
	gsub(/</, "\\&lt;", s)
	gsub(/>/, "\\&gt;", s)
	return s
}

BEGIN {
	nruns = 0; nreg = 0; nhyp = 0; nvm = 0; nshared = 0
	title = "host stage-2"
	W = 1024; H = 30; GAP = 8; LEFT = 120; TOP = 44
	# owner colours: host, hypervisor, shared, guest of no known VM,
	# then VMs 1, 2, ... in turn
	C_HOST = "#4e79a7"; C_UNMAPPED = "#c9ccd1"; C_HYP = "#e15759"
	C_SHARED = "#f1ce63"; C_GUEST = "#59a14f"
	split("#59a14f #f28e2b #b07aa1 #76b7b2 #ff9da7 #9c755f #bab0ac #8cd17d", VMC, " ")
}

{ sub(/\r$/, "") }

$1 == "title" { $1 = ""; title = substr($0, 2); next }
$1 == "region" && NF >= 3 {
	nreg++; RS_[nreg] = hex($2); RE_[nreg] = hex($3)
	RN_[nreg] = NF >= 4 ? $4 : "RAM"; next
}
$1 == "hyp" && NF >= 3 { nhyp++; HS[nhyp] = hex($2); HE[nhyp] = hex($3); next }
$1 == "vm" && NF >= 4 {
	nvm++; VN[nvm] = $2 + 0; VS[nvm] = hex($3) * 4096
	VE[nvm] = VS[nvm] + hex($4) * 4096; next
}
$1 == "shared" && NF >= 3 {
	nshared++; SS[nshared] = hex($2) * 4096
	SE[nshared] = SS[nshared] + hex($3) * 4096; next
}

$1 ~ /^0x[0-9a-fA-F]+-0x[0-9a-fA-F]+$/ {
	dash = index($1, "-")
	s = hex(substr($1, 1, dash - 1)); e = hex(substr($1, dash + 1))
	level = 0; kind = ""; owner = "host"; normal = 0
	for (i = 2; i <= NF; i++) {
		if ($i ~ /^L[0-3]$/) level = substr($i, 2) + 0
		else if ($i == "BLOCK" || $i == "PAGE" || $i == "INVALID" ||
			 $i == "LOCKED") kind = $i
		else if ($i ~ /^owner=/) owner = substr($i, 7)
		else if ($i == "NORMAL") normal = 1
	}
	if (kind == "")
		next
	nruns++
	S[nruns] = s; E[nruns] = e; LV[nruns] = level; K[nruns] = kind
	O[nruns] = owner; N_[nruns] = normal
	next
}

# The colour of a guest run: the VM whose pages it is, if known.
function guest_colour(s, e,    i) {
	for (i = 1; i <= nvm; i++)
		if (VS[i] < e && s < VE[i]) {
			vm_seen[VN[i]] = 1
			return VMC[(VN[i] - 1) % 8 + 1]
		}
	unknown_guest = 1
	return C_GUEST
}

function level_h(level) {
	return level <= 1 ? H : level == 2 ? int(H * 2 / 3) : int(H / 3)
}

function rect(x, y, w, h, fill, extra) {
	printf "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"%s/>\n",
	       x, y, w, h, fill, extra
}

# Draw [s, e) in the row [rs, re) at y, at least @minw pixels wide.
function span(s, e, rs, re, y, h, fill, extra, minw,    a, b, x, w) {
	a = s > rs ? s : rs
	b = e < re ? e : re
	if (a >= b)
		return
	x = LEFT + (a - rs) * W / ROW
	w = (b - a) * W / ROW
	if (w < minw)
		w = minw
	rect(x, y + H - h, w, h, fill, extra)
}

# One row: [rs, re) of memory, ROW bytes to W pixels, at y.
function draw_row(rs, re, y, label,    i, fill, h) {
	printf "<g>\n<text x=\"10\" y=\"%d\">%s</text>\n", y + H - 8, label
	rect(LEFT, y, (re - rs) * W / ROW, H, "#f4f5f7", " stroke=\"#d0d3d8\" stroke-width=\"0.5\"")
	# what the dump says
	for (i = 1; i <= nruns; i++) {
		if (S[i] >= re || E[i] <= rs)
			continue
		if (K[i] == "LOCKED") {
			span(S[i], E[i], rs, re, y, H, "#000000", "", 1)
		} else if (K[i] == "INVALID" && O[i] == "host") {
			span(S[i], E[i], rs, re, y, 4, C_UNMAPPED, "", 0)
		} else if (K[i] == "INVALID") {
			fill = O[i] == "hyp" ? C_HYP : O[i] == "guest" ? guest_colour(S[i], E[i]) : "#7f7f7f"
			h = level_h(LV[i])
			# narrower than 2 pixels: a full-height line, to be seen
			if ((E[i] - S[i]) * W / ROW < 2)
				h = H
			span(S[i], E[i], rs, re, y, h, fill, "", 2)
			span(S[i], E[i], rs, re, y, h, "url(#hatch)", "", 2)
		} else {
			span(S[i], E[i], rs, re, y, level_h(LV[i]), C_HOST, "", 0)
		}
	}
	# what the dump cannot say: the carve-out, shares
	for (i = 1; i <= nhyp; i++) {
		span(HS[i], HE[i], rs, re, y, H, C_HYP, "", 1)
		span(HS[i], HE[i], rs, re, y, H, "url(#hatch)", "", 1)
	}
	for (i = 1; i <= nshared; i++)
		span(SS[i], SE[i], rs, re, y - H + 6, 6, C_SHARED, " stroke=\"#8a6d00\" stroke-width=\"0.3\"", 1)
	printf "</g>\n"
}

END {
	# Regions: as given, or one around all RAM and everything owned.
	if (!nreg) {
		lo = -1; hi = 0
		for (i = 1; i <= nruns; i++)
			if (N_[i] || (K[i] == "INVALID" && O[i] != "host")) {
				if (lo < 0 || S[i] < lo) lo = S[i]
				if (E[i] > hi) hi = E[i]
			}
		if (lo < 0) { lo = 0; hi = 1073741824 }
		nreg = 1; RS_[1] = lo; RE_[1] = hi; RN_[1] = "RAM"
	}
	total = 0
	for (r = 1; r <= nreg; r++) total += RE_[r] - RS_[r]
	ROW = 134217728
	while (total / ROW > 32) ROW *= 2
	rows = 0
	for (r = 1; r <= nreg; r++) {
		RR[r] = int((RE_[r] - RS_[r] + ROW - 1) / ROW)
		rows += RR[r]
	}
	# 2M ranges the host maps with pages: drawn again, one row each
	ndet = 0
	for (i = 1; i <= nruns && ndet < 8; i++) {
		if (LV[i] != 3)
			continue
		b = S[i] - S[i] % 2097152
		if (!(b in det_seen)) {
			det_seen[b] = 1
			DET[++ndet] = b
		}
	}
	height = TOP + rows * (H + GAP) + nreg * 22 + 120
	if (ndet)
		height += 28 + ndet * (H + GAP)
	width = LEFT + W + 20

	# What the map shows, counted for the title.
	for (i = 1; i <= nruns; i++) {
		if (K[i] == "INVALID" && O[i] != "host")
			owned[O[i]] += E[i] - S[i]
		if (!N_[i])
			continue
		if (K[i] == "BLOCK" && LV[i] == 1) n1g += (E[i] - S[i]) / 1073741824
		if (K[i] == "BLOCK" && LV[i] == 2) n2m += (E[i] - S[i]) / 2097152
		if (K[i] == "PAGE") n4k += (E[i] - S[i]) / 4096
	}

	printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"monospace\" font-size=\"11\">\n",
	       width, height, width, height
	printf "<title>%s</title>\n", esc(title)
	printf "<defs>\n"
	printf "<pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"3\" height=\"6\" fill=\"#ffffff\" fill-opacity=\"0.4\"/></pattern>\n"
	printf "</defs>\n"
	printf "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n"
	printf "<text x=\"10\" y=\"18\" font-size=\"14\">%s</text>\n", esc(title)
	printf "<text x=\"10\" y=\"34\">%d runs; RAM mapped as %.0f x 1G, %.0f x 2M, %.0f x 4K; hyp-owned %s, guest-owned %s; one row = %s</text>\n",
	       nruns, n1g, n2m, n4k, size_str(owned["hyp"] + 0),
	       size_str(owned["guest"] + 0), size_str(ROW)

	y = TOP
	for (r = 1; r <= nreg; r++) {
		printf "<text x=\"10\" y=\"%d\" font-weight=\"bold\">%s %s-%s (%s)</text>\n",
		       y + 12, esc(RN_[r]), hexs(RS_[r]), hexs(RE_[r]),
		       size_str(RE_[r] - RS_[r])
		y += 22
		for (k = 0; k < RR[r]; k++) {
			rs = RS_[r] + k * ROW
			re = rs + ROW
			if (re > RE_[r]) re = RE_[r]
			draw_row(rs, re, y, hexs(rs))
			y += H + GAP
		}
	}

	if (ndet) {
		printf "<text x=\"10\" y=\"%d\" font-weight=\"bold\">The 2M ranges mapped with 4K pages, one row each (2 pixels a page)</text>\n",
		       y + 16
		y += 28
		saved = ROW
		ROW = 2097152
		for (d = 1; d <= ndet; d++) {
			draw_row(DET[d], DET[d] + ROW, y, hexs(DET[d]))
			y += H + GAP
		}
		ROW = saved
	}

	# The legend.
	y += 10
	lx = 10
	printf "<g>\n"
	rect(lx, y, 30, H, C_HOST, ""); printf "<text x=\"%d\" y=\"%d\">host 1G</text>\n", lx + 36, y + 20
	lx += 110
	rect(lx, y + H - level_h(2), 30, level_h(2), C_HOST, ""); printf "<text x=\"%d\" y=\"%d\">host 2M</text>\n", lx + 36, y + 20
	lx += 110
	rect(lx, y + H - level_h(3), 30, level_h(3), C_HOST, ""); printf "<text x=\"%d\" y=\"%d\">host 4K</text>\n", lx + 36, y + 20
	lx += 110
	rect(lx, y + H - 4, 30, 4, C_UNMAPPED, ""); printf "<text x=\"%d\" y=\"%d\">not mapped</text>\n", lx + 36, y + 20
	lx += 130
	rect(lx, y, 30, H, C_HYP, ""); rect(lx, y, 30, H, "url(#hatch)", "")
	printf "<text x=\"%d\" y=\"%d\">hypervisor</text>\n", lx + 36, y + 20
	lx += 130
	rect(lx, y, 30, 6, C_SHARED, ""); printf "<text x=\"%d\" y=\"%d\">shared</text>\n", lx + 36, y + 20
	y += H + 14
	lx = 10
	nv = 0
	for (v = 1; v <= 32; v++)
		if (v in vm_seen) {
			c = VMC[(v - 1) % 8 + 1]
			rect(lx, y, 30, H, c, ""); rect(lx, y, 30, H, "url(#hatch)", "")
			printf "<text x=\"%d\" y=\"%d\">VM %d</text>\n", lx + 36, y + 20, v
			lx += 100; nv++
		}
	if (!nv || unknown_guest) {
		rect(lx, y, 30, H, C_GUEST, ""); rect(lx, y, 30, H, "url(#hatch)", "")
		printf "<text x=\"%d\" y=\"%d\">guest (hatched: not the host's; height: level of the entry)</text>\n", lx + 36, y + 20
	}
	printf "</g>\n</svg>\n"
}
