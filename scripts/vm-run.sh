#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot a WASP test kernel under QEMU with emulated NUMA nodes, run one
# command inside and return its exit status. The guest's root is the host's
# root file system, read-only, so host-built programs and the host JDK run
# unchanged; the command runs in the caller's working directory with the
# caller's PATH, HOME, JAVA_HOME and WASP_* variables, as root.
#
# Exit status: the command's own, or
#   124  the guest did not finish within --timeout (it was killed)
#   125  the guest died without reporting a status (panic, triple fault)
#   126  the command succeeded but the kernel logged a warning, BUG or oops
#   127  the VM could not be started (bad options, no kernel, no QEMU)
set -uo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<USAGE
usage: ${0##*/} [options] [--] COMMAND [ARG...]
  --target T        guest or debug: boot \$WASP_CACHE/build/T (default guest)
  --kernel FILE     boot this bzImage instead
  --nodes N         emulated NUMA nodes (default 2)
  --cpus N          vCPUs, spread over the nodes in blocks (default 4, at least N)
  --mem MiB         guest memory, split evenly over the nodes (default 1024 per node)
  --swap MiB        a swap disk of this size, sparse, deleted afterwards (default 256; 0: none)
  --slow-nodes LIST memory tiers: these nodes (comma-separated ids, e.g. 1 or 2,3)
                    get no CPUs, and an ACPI HMAT (-machine hmat=on) gives them
                    twice the latency and half the bandwidth of the others, so
                    the guest puts them in a lower memory tier (demotion targets)
  --timeout SEC     kill the guest after SEC seconds (default 600)
  --log FILE        keep the console log here (default \$WASP_CACHE/vm/console.log)
  --accel A         auto, kvm, tcg or tcg-single (TCG with one thread for all
                    vCPUs, where no vCPU can run a stale translation of code
                    another vCPU patches) (default auto: KVM if it boots here,
                    else TCG)
  --la57            5-level paging (CPU with LA57)
  --append ARGS     extra kernel command line
  --allow-warnings  do not turn kernel warnings into exit status 126
  -q, --quiet       do not echo the guest's output while it runs (it is kept
                    beside the console log, as LOG.out, and its end shown on failure)
Exit status: COMMAND's, or 124 timeout, 125 guest crash, 126 kernel warning,
127 VM not started.
USAGE
}

target=guest kernel= nodes=2 cpus= mem= swap=256 timeout=600 logf= accel=${WASP_ACCEL:-auto}
la57=0 append= allow_warn=0 quiet=0 slow_nodes=
while (( $# )); do
	case $1 in
	--target) target=${2:?}; shift 2 ;;
	--kernel) kernel=${2:?}; shift 2 ;;
	--nodes) nodes=${2:?}; shift 2 ;;
	--cpus) cpus=${2:?}; shift 2 ;;
	--mem) mem=${2:?}; shift 2 ;;
	--swap) swap=${2:?}; shift 2 ;;
	--slow-nodes) slow_nodes=${2:?}; shift 2 ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--log) logf=${2:?}; shift 2 ;;
	--accel) accel=${2:?}; shift 2 ;;
	--la57) la57=1; shift ;;
	--append) append=${2:?}; shift 2 ;;
	--allow-warnings) allow_warn=1; shift ;;
	-q|--quiet) quiet=1; shift ;;
	-h|--help) usage; exit 0 ;;
	--) shift; break ;;
	-*) usage >&2; log "unknown option: $1"; exit 127 ;;
	*) break ;;
	esac
done
fail() { log "$*"; exit 127; }
(( $# )) || { usage >&2; fail "no command given"; }
is_num() { [[ $1 =~ ^[0-9]+$ ]] && (( $1 > 0 )); }
is_num "$nodes" || fail "--nodes must be a positive number"
cpus=${cpus:-$(( nodes > 4 ? nodes : 4 ))}
is_num "$cpus" || fail "--cpus must be a positive number"
mem=${mem:-$(( 1024 * nodes ))}
is_num "$mem" && (( mem / nodes >= 256 )) || fail "--mem must give each node at least 256 MiB"
# slow[i]=1 for the nodes of --slow-nodes; cpu_nodes lists the others.
slow=() cpu_nodes=()
if [ -n "$slow_nodes" ]; then
	[[ $slow_nodes =~ ^[0-9]+(,[0-9]+)*$ ]] || fail "--slow-nodes must be node ids separated by commas"
	for i in ${slow_nodes//,/ }; do
		(( 10#$i < nodes )) || fail "--slow-nodes: no node $i (nodes are 0-$(( nodes - 1 )))"
		slow[10#$i]=1
	done
fi
for (( i = 0; i < nodes; i++ )); do
	[ -n "${slow[i]:-}" ] || cpu_nodes+=("$i")
done
(( ${#cpu_nodes[@]} )) || fail "--slow-nodes: at least one node must stay fast (it holds the CPUs)"
[[ $swap =~ ^[0-9]+$ ]] || fail "--swap must be a number of MiB (0: no swap)"
is_num "$timeout" || fail "--timeout must be a positive number of seconds"
case $accel in auto|kvm|tcg|tcg-single) ;; *) fail "--accel must be auto, kvm, tcg or tcg-single" ;; esac
kernel=${kernel:-$WASP_CACHE/build/$target/arch/x86/boot/bzImage}
[ -f "$kernel" ] || fail "no kernel at $kernel: run scripts/build-kernel.sh --target $target first"
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"
mkdir -p "$WASP_CACHE/vm"
logf=${logf:-$WASP_CACHE/vm/console.log}

# KVM if it really boots a guest here (on some hosts /dev/kvm exists but
# guests hang), else TCG. The probe's answer is kept per host kernel and QEMU.
if [ "$accel" = auto ]; then
	accel=tcg
	if [ -w /dev/kvm ]; then
		probe=$WASP_CACHE/vm/accel-$( { uname -r; qemu-system-x86_64 --version; } | sha256sum | cut -c1-12)
		if [ ! -f "$probe" ]; then
			if WASP_ACCEL=kvm "$0" --kernel "$kernel" --timeout 30 --quiet --log "$probe.log" -- true >/dev/null 2>&1; then
				echo kvm >"$probe"
			else
				echo tcg >"$probe"
			fi
		fi
		accel=$(cat "$probe")
	fi
fi
if [ "$accel" = kvm ]; then
	accel_args=(-accel kvm -cpu "host${la57:+}")
	(( la57 )) && accel_args=(-accel kvm -cpu host,la57=on)
else
	threads=multi
	[ "$accel" = tcg-single ] && threads=single
	accel_args=(-accel "tcg,thread=$threads" -cpu "max,la57=$( ((la57)) && echo on || echo off)")
fi

# NUMA topology: each node that is not slow gets a block of CPUs (none if
# there are fewer CPUs than such nodes), every node an equal share of memory,
# and distance 10 + 10 * hops on a ring.
hops() { local d=$(( $1 > $2 ? $1 - $2 : $2 - $1 )); echo $(( d < nodes - d ? d : nodes - d )); }
numa_args=() has_cpus=()
nfast=${#cpu_nodes[@]}
for (( k = 0; k < nfast; k++ )); do
	lo=$(( k * cpus / nfast )) hi=$(( (k + 1) * cpus / nfast - 1 ))
	(( hi >= lo )) && has_cpus[cpu_nodes[k]]="$lo-$hi"
done
# With --slow-nodes, QEMU publishes an HMAT: every node names its initiator
# (itself if it has CPUs, else the nearest node with CPUs), and every
# initiator gets a latency and bandwidth to every node: 100 ns and 20 GB/s
# locally, +50 ns and half the bandwidth per hop, and twice the latency and
# half the bandwidth again for a slow node. Linux ranks nodes into memory
# tiers by the best of these (mm/memory-tiers.c, drivers/acpi/numa/hmat.c).
initiator_of() {
	local best= bh c h
	for c in "${!has_cpus[@]}"; do
		h=$(hops "$1" "$c")
		if [ -z "$best" ] || (( h < bh )); then best=$c bh=$h; fi
	done
	echo "$best"
}
for (( i = 0; i < nodes; i++ )); do
	numa_args+=(-object "memory-backend-ram,id=m$i,size=$(( mem / nodes ))M")
	node="node,nodeid=$i,memdev=m$i"
	[ -n "${has_cpus[i]:-}" ] && node+=",cpus=${has_cpus[i]}"
	[ -n "$slow_nodes" ] && node+=",initiator=$(initiator_of "$i")"
	numa_args+=(-numa "$node")
done
for (( i = 0; i < nodes; i++ )); do
	for (( j = i + 1; j < nodes; j++ )); do
		numa_args+=(-numa "dist,src=$i,dst=$j,val=$(( 10 + 10 * $(hops "$i" "$j") ))")
	done
done
machine_args=()
if [ -n "$slow_nodes" ]; then
	machine_args=(-machine hmat=on)
	for c in "${!has_cpus[@]}"; do
		for (( j = 0; j < nodes; j++ )); do
			h=$(hops "$c" "$j") f=$(( ${slow[j]:-0} ? 2 : 1 ))
			lat=$(( (100 + 50 * h) * f )) bw=$(( 20480 / (1 << h) / f ))
			numa_args+=(-numa "hmat-lb,initiator=$c,target=$j,hierarchy=memory,data-type=access-latency,latency=$lat")
			numa_args+=(-numa "hmat-lb,initiator=$c,target=$j,hierarchy=memory,data-type=access-bandwidth,bandwidth=${bw}M")
		done
	done
fi

run=$(mktemp -d "${TMPDIR:-/tmp}/wasp-vm.XXXXXX")
qpid=
cleanup() {
	[ -n "$qpid" ] && kill -9 "$qpid" 2>/dev/null
	[ -n "${tailpid:-}" ] && kill "$tailpid" 2>/dev/null
	rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
share=$run/share
mkdir -p "$share"
{
	printf 'cd %q || exit 127\n' "$PWD"
	for v in PATH HOME JAVA_HOME LANG $(compgen -v WASP_); do
		[ -n "${!v+x}" ] && printf 'export %s=%q\n' "$v" "${!v}"
	done
	printf 'exec'; printf ' %q' "$@"; printf '\n'
} >"$share/cmd"
: >"$share/out"
# Swap on a sparse disk image (the guest's init runs mkswap and swapon).
swap_args=()
if (( swap > 0 )); then
	truncate -s "${swap}M" "$run/swap.img" || fail "cannot create a ${swap} MiB swap image in $run"
	swap_args=(-drive "file=$run/swap.img,format=raw,if=virtio,cache=unsafe")
fi

# The guest mounts fresh tmpfs on these (guest-init): a checkout or working
# directory under one of them is shared with the guest on its own.
bind_args=() binds=()
for dir in "$WASP_ROOT" "$PWD"; do
	case $dir/ in /tmp/*|/run/*|/var/tmp/*|/dev/shm/*) ;; *) continue ;; esac
	for b in "${binds[@]}"; do
		case $dir/ in "$b"/*) continue 2 ;; esac
	done
	case $dir in *[[:space:],=]*) fail "cannot share $dir with the guest: its name has a space, comma or '='; use a checkout elsewhere" ;; esac
	i=${#binds[@]}
	bind_args+=(-fsdev "local,id=bind$i,path=$dir,security_model=none,readonly=on"
		-device "virtio-9p-pci,fsdev=bind$i,mount_tag=waspbind$i")
	binds+=("$dir")
	append+=" wasp.bind$i=$dir"
done

init=$WASP_ROOT/scripts/guest-init
cmdline="console=ttyS0 root=/dev/root rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose ro"
cmdline+=" init=$init panic=-1 oops=panic wasp.share=$share $append"
: >"$logf"
tailpid=
if (( !quiet )); then
	tail -n +1 -f "$share/out" &
	tailpid=$!
fi
start=$SECONDS
timeout --kill-after=5 "$timeout" qemu-system-x86_64 -nodefaults -no-reboot -display none \
	"${accel_args[@]}" "${machine_args[@]}" -m "$mem" -smp "$cpus,sockets=$cpus,cores=1,threads=1" "${numa_args[@]}" \
	-kernel "$kernel" -append "$cmdline" \
	-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=root,mount_tag=/dev/root \
	-fsdev "local,id=share,path=$share,security_model=none" \
	-device virtio-9p-pci,fsdev=share,mount_tag=waspshare \
	"${bind_args[@]}" "${swap_args[@]}" -serial "file:$logf" </dev/null >"$run/qemu.err" 2>&1 &
qpid=$!
wait "$qpid"
qrc=$?
qpid=
sleep 0.2
if [ -n "$tailpid" ]; then
	kill "$tailpid" 2>/dev/null
	wait "$tailpid" 2>/dev/null
fi

cp "$share/out" "$logf.out" 2>/dev/null
tail_log() { log "last lines of the console log ($logf):"; tail -n "${1:-40}" "$logf" >&2; }
if (( qrc == 124 || qrc == 137 )); then
	log "guest did not finish within ${timeout}s: killed"
	tail_log
	exit 124
fi
if [ ! -s "$share/status" ]; then
	log "guest ended without reporting a status after $(( SECONDS - start ))s (QEMU exit $qrc)"
	[ -s "$run/qemu.err" ] && { log "QEMU said:"; cat "$run/qemu.err" >&2; }
	tail_log 60
	exit 125
fi
rc=$(cat "$share/status")
if (( quiet && rc != 0 )); then
	log "the command exited with status $rc; last lines of its output ($logf.out):"
	tail -n 30 "$logf.out" >&2
fi
warn_re='(WARNING:|BUG:|Oops|Kernel panic|general protection fault|KASAN:|UBSAN:|kernel BUG|INFO: (possible|task .* blocked)|Call Trace:)'
if (( rc == 0 && !allow_warn )) && grep -Eq "$warn_re" "$logf"; then
	log "the kernel logged a warning; from $logf:"
	grep -E -m1 -A30 "$warn_re" "$logf" >&2
	exit 126
fi
exit "$rc"
