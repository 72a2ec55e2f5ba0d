#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot the s2own stack (or Linux alone) on QEMU's arm64 `virt` machine.
#
#   qemu-run.sh [options] [-- extra qemu arguments]
#
#   --mode hyp|bare     hyp (default): --kernel is the EL2 hypervisor image
#                       and --host-image the Linux Image it launches, which
#                       QEMU copies raw to --host-addr. bare: --kernel is the
#                       Linux Image, booted directly (baseline).
#   --kernel FILE       $KERNEL
#   --host-image FILE   $HOST_IMAGE
#   --host-addr ADDR    $HOST_IMAGE_ADDR, default 0x50000000 (RAM + 256 MiB,
#                       clear of the initrd QEMU puts at RAM + 128 MiB)
#   --initrd FILE       $INITRD
#   --append STR        $APPEND: more Linux command line, after
#                       "console=ttyAMA0 earlycon"
#   --cpus N            $CPUS, default 4
#   --cpu MODEL         $QEMU_CPU, default max ("max,pauth-impdef=on" boots
#                       Linux about 2.5x faster under TCG: cheaper pointer
#                       authentication hash, same architecture)
#   --mem SIZE          $MEM, default 2G
#   --virt / --no-virt  EL2 for the first thing booted; default on in hyp
#                       mode, off in bare mode (Linux then runs at EL1)
#   --icount            -icount shift=0,align=off,sleep=off: deterministic
#                       instruction counts (single-threaded TCG, slower)
#   --timeout SECS      $QEMU_TIMEOUT; default 300 without a terminal, none
#                       with one; 0 means none (only allowed interactively)
#   --batch-timeout SECS
#                       the timeout only for a run without a terminal (so
#                       `make qemu-run` does not cut a shell session short)
#   --log FILE          $QEMU_LOG: copy of the console
#   --pidfile FILE      QEMU's pid, for a caller that wants to stop it early
#   --demo              add s2own.demo=1 (the initramfs runs /demo.sh and
#                       powers off); implied without a terminal
#   --interactive / --batch
#                       force the console mode; default: interactive when
#                       stdin is a terminal
#
# Batch runs never read stdin, exit when the guest powers off or reboots
# (-no-reboot, and panic=-1 turns a host panic into a reboot), and are
# always bounded by a timeout; exit code 124 means the timeout hit.
set -eu

die() { echo "qemu-run: $*" >&2; exit 2; }

mode=${QEMU_MODE:-hyp}
kernel=${KERNEL:-}
host_image=${HOST_IMAGE:-}
host_addr=${HOST_IMAGE_ADDR:-0x50000000}
initrd=${INITRD:-}
append=${APPEND:-}
cpus=${CPUS:-4}
mem=${MEM:-2G}
timeout_s=${QEMU_TIMEOUT:-}
log=${QEMU_LOG:-}
icount=${QEMU_ICOUNT:-0}
qemu=${QEMU:-qemu-system-aarch64}
cpu_model=${QEMU_CPU:-max}
batch_timeout=""
virt=""
demo=0
pidfile=""
interactive=auto
extra=()

need() { [ $# -ge 2 ] || die "$1 needs a value"; }
while [ $# -gt 0 ]; do
	case "$1" in
	--mode)        need "$@"; mode=$2; shift ;;
	--kernel)      need "$@"; kernel=$2; shift ;;
	--host-image)  need "$@"; host_image=$2; shift ;;
	--host-addr)   need "$@"; host_addr=$2; shift ;;
	--initrd)      need "$@"; initrd=$2; shift ;;
	--append)      need "$@"; append="$append $2"; shift ;;
	--cpus)        need "$@"; cpus=$2; shift ;;
	--cpu)         need "$@"; cpu_model=$2; shift ;;
	--mem)         need "$@"; mem=$2; shift ;;
	--timeout)     need "$@"; timeout_s=$2; shift ;;
	--batch-timeout) need "$@"; batch_timeout=$2; shift ;;
	--log)         need "$@"; log=$2; shift ;;
	--pidfile)     need "$@"; pidfile=$2; shift ;;
	--virt)        virt=on ;;
	--no-virt)     virt=off ;;
	--icount)      icount=1 ;;
	--demo)        demo=1 ;;
	--interactive) interactive=1 ;;
	--batch)       interactive=0 ;;
	--)            shift; extra+=("$@"); break ;;
	-h|--help)     sed -n '4,/^set -eu/p' "$0" | sed -e 's/^# \{0,1\}//' -e '$d'; exit 0 ;;
	*)             die "unknown option $1 (extra QEMU arguments go after --)" ;;
	esac
	shift
done

if [ "$interactive" = auto ]; then
	if [ -t 0 ]; then interactive=1; else interactive=0; fi
fi
if [ "$interactive" = 0 ]; then
	demo=1
	timeout_s=${timeout_s:-${batch_timeout:-300}}
	[ "$timeout_s" != 0 ] || die "a run without a terminal needs a timeout"
fi

command -v "$qemu" >/dev/null || die "$qemu not found (Debian package qemu-system-arm)"
[ -n "$kernel" ] || die "no --kernel"
[ -f "$kernel" ] || die "kernel $kernel not found"
[ -z "$initrd" ] || [ -f "$initrd" ] || die "initrd $initrd not found"

# -nic none: no network is needed, and virt's default virtio NIC wants an
# option ROM (efi-virtio.rom, Debian's ipxe-qemu) that qemu-system-arm only
# recommends.
args=(-M "virt,virtualization=VIRT,gic-version=3" -cpu "$cpu_model"
      -smp "$cpus" -m "$mem" -nographic -nic none -kernel "$kernel")
case "$mode" in
hyp)
	[ -n "$host_image" ] || die "hyp mode needs --host-image (the Linux Image)"
	[ -f "$host_image" ] || die "host image $host_image not found"
	virt=${virt:-on}
	[ "$virt" = on ] || die "hyp mode needs the virtualization extensions"
	# Raw copy: QEMU must not treat the Image as something to boot.
	args+=(-device "loader,file=$host_image,addr=$host_addr,force-raw=on")
	;;
bare)
	virt=${virt:-off}
	;;
*)
	die "unknown mode $mode (hyp or bare)"
	;;
esac
args[1]=${args[1]/VIRT/$virt}
[ -z "$initrd" ] || args+=(-initrd "$initrd")

cmdline="console=ttyAMA0 earlycon"
[ -z "$append" ] || cmdline="$cmdline ${append# }"
[ "$demo" = 0 ] || cmdline="$cmdline s2own.demo=1"
[ "$interactive" = 1 ] || cmdline="$cmdline panic=-1"
args+=(-append "$cmdline")

[ "$icount" = 0 ] || args+=(-icount "shift=0,align=off,sleep=off")
[ -z "$pidfile" ] || args+=(-pidfile "$pidfile")

logopt=""
if [ -n "$log" ]; then
	mkdir -p "$(dirname "$log")"
	: >"$log"
	logopt=",logfile=$log"
fi

if [ "$interactive" = 1 ]; then
	# Console and monitor share the terminal (Ctrl-A c switches, Ctrl-A x
	# quits); Ctrl-C goes to the guest.
	args+=(-chardev "stdio,id=con,mux=on,signal=off$logopt"
	       -serial chardev:con -mon "chardev=con,mode=readline")
	echo "qemu-run: $mode boot, Ctrl-A x quits, Ctrl-A c toggles the monitor" >&2
else
	args+=(-chardev "stdio,id=con,signal=off$logopt" -serial chardev:con
	       -monitor none -no-reboot)
fi
args+=("${extra[@]}")

# Print the command so it can be pasted into a shell.
{
	printf 'qemu-run: %s' "$qemu"
	for a in "${args[@]}"; do
		case "$a" in
		*[[:space:]]*) printf " '%s'" "$a" ;;
		*) printf ' %s' "$a" ;;
		esac
	done
	echo
} >&2
rc=0
if [ "$interactive" = 1 ]; then
	if [ -n "$timeout_s" ] && [ "$timeout_s" != 0 ]; then
		# --foreground: QEMU keeps the terminal (no SIGTTIN).
		timeout --foreground -k 10 "$timeout_s" "$qemu" "${args[@]}" || rc=$?
	else
		"$qemu" "${args[@]}" || rc=$?
	fi
else
	timeout -k 10 "$timeout_s" "$qemu" "${args[@]}" </dev/null || rc=$?
fi
[ "$rc" != 124 ] || echo "qemu-run: timed out after ${timeout_s}s" >&2
exit "$rc"
