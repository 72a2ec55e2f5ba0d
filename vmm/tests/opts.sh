#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# s2own-vmm's option parsing, on the build machine (make vmm-opts-test):
# the binary built for this machine with --dry-run prints the
# configuration it would run, or exits 2 on bad options.
#
#   opts.sh VMM
set -u

vmm=$1
passed=0
failed=0

# ok ARGS... -- WANT: exit 0 and a line containing WANT
ok() {
	args=""
	while [ "$1" != "--" ]; do
		args="$args $1"
		shift
	done
	# shellcheck disable=SC2086 # word splitting of the options is meant
	out=$("$vmm" --dry-run $args 2>&1)
	rc=$?
	if [ $rc = 0 ] && printf '%s\n' "$out" | grep -qF -- "$2"; then
		passed=$((passed + 1))
	else
		echo "FAIL:$args: rc $rc, no '$2' in:"
		printf '%s\n' "$out" | sed 's/^/    /'
		failed=$((failed + 1))
	fi
}

# bad ARGS...: exit 2 with a complaint on stderr
bad() {
	"$vmm" --dry-run "$@" >/dev/null 2>&1
	rc=$?
	if [ $rc = 2 ]; then
		passed=$((passed + 1))
	else
		echo "FAIL: $*: rc $rc, want 2"
		failed=$((failed + 1))
	fi
}

ok -- "image /lib/s2own/s2own-guest.bin, RAM 0x80000000+0x1000000, 4 vCPUs, mode full, arg 0x0"
ok -- "donate all up front, timeout 60 s, pin none, expect off with a passing result"
ok g.bin -- "image g.bin,"
ok -c 1 -- " 1 vCPUs,"
ok --vcpus 8 -- " 8 vCPUs,"
ok -m mmio -s 5 -- "mode mmio, arg 0x504"
ok -m mmio -- "expect stopped with a passing result"
ok -m spin -- "expect timeout"
ok -m garbage -- "expect stopped,timeout with a passing result"
ok -m random -- "expect off,reset,stopped,timeout with a passing result"
ok -m exec-mmio -- "mode exec-mmio, arg 0x9"
ok -m share -- "mode share, arg 0xa"
ok -m share -- "expect off with a passing result"
ok -m fuzz -s 3 -- "mode fuzz, arg 0x30b"
ok -m fuzz -- "fuzz: 100000 guest calls"
ok -m fuzz --fuzz-calls 5000 -- "fuzz: 5000 guest calls"
ok -m full --no-result -- "expect off"
ok --arg 0x1234 -- "mode raw, arg 0x1234"
ok --arg 0x1234 -- "expect off,reset,stopped,timeout"
ok --arg 7 -e off -- "expect off"
ok -e stopped,timeout -- "expect stopped,timeout with a passing result"
ok -e any -- "expect off,reset,stopped,timeout"
ok -r 64M -- "RAM 0x80000000+0x4000000"
ok -r 4096 -b 0x40000000 -- "RAM 0x40000000+0x1000,"
ok -r 1g -- "RAM 0x80000000+0x40000000"
ok -d image -- "donate image up front"
ok -d none -- "donate none up front"
ok -t 2.5 -- "timeout 2.5 s"
ok -t 0 -- "timeout 0 s"
ok -p 0,1 -- "pin 0,1,0,1,"
ok -p 3 -c 2 -- "pin 3,3,"
ok -p 0,1,2,3 -c 4 -- "pin 0,1,2,3,"
ok -n A -- "S2OWN-VMM[A]: image"
ok --help -- "usage: s2own-vmm"

bad -c 0
bad -c 9
bad -c x
bad -m nosuch
bad -s -1
bad -s 0x100000000000000
bad -a
bad -r 1000
bad -r 0
bad -r 16Q
bad -r 8G
bad -r -4096
bad -b 0x1001
bad -b 0xfffffffff000 -r 16M
bad -b 0x1000000000000
bad -d some
bad -t -1
bad -t 1x
bad -m spin -t 0
bad -p 0,x
bad -p ""
bad -p 0,1,2,3,4,5,6,7,0
bad -e sometimes
bad -e ""
bad -n ""
bad -n abcdefghijklmnopq
bad --fuzz-calls 0
bad --fuzz-calls 100000001
bad --fuzz-calls x
bad --no-such-option
bad a.bin b.bin

echo "vmm-opts-test: $passed passed, $failed failed"
[ "$failed" = 0 ]
