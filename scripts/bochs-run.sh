#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot the bochs kernel target under Bochs, whose CPU model has PCID (QEMU's
# TCG has none), and run tests/bochs/tests.list in it: the paths that choose
# and flush ASIDs when a CPU changes the tree of page tables it walks for
# one mm run only there. Bochs has no -kernel and no 9p: the kernel and an
# initramfs with the static test programs go on an isolinux CD; the
# guest's /init (tests/bochs/init) prints results into the kernel log,
# which the serial console writes to a file.
#
# Exit status: 0 if every test passed, PCID was on in every CPU and the
# kernel logged no warning; 1 a test failed or was skipped, 2 PCID was not
# on, 124 the wall-time bound ran out, 125 the guest died (panic, no end
# marker), 126 the kernel logged a warning, 127 nothing was run.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<USAGE
usage: ${0##*/} [options]
  --tree DIR      where scripts/prepare.sh keeps the patched source of the bochs
                  kernel (build-kernel.sh --tree; default its own). prepare.sh
                  owns it: it replaces its files and commits there, so never
                  name a development tree (use --prebuilt for one)
  --obj DIR       its build directory (build-kernel.sh --obj); built if stale
  --prebuilt DIR  boot the kernel already built in DIR (an O= build directory
                  of any tree, e.g. a scratch copy) without building
  --tests FILE    commands to run in the guest, one a line
                  (default tests/bochs/tests.list)
  --cpus N        CPUs (default 2)
  --mem MiB       memory, split over 2 emulated nodes (default 1024)
  --append ARGS   extra kernel command line
  --timeout SEC   wall-time bound for the guest (default 2400)
  --name NAME     keep the logs in \$WASP_CACHE/bochs/NAME (default run)
WASP_CACHE is $WASP_CACHE.
USAGE
}

tree= obj= prebuilt= tests=$WASP_ROOT/tests/bochs/tests.list cpus=2 mem=1024
append= timeout=2400 name=run
while (( $# )); do
	case $1 in
	--tree) tree=${2:?}; shift 2 ;;
	--obj) obj=${2:?}; shift 2 ;;
	--prebuilt) prebuilt=${2:?}; shift 2 ;;
	--tests) tests=${2:?}; shift 2 ;;
	--cpus) cpus=${2:?}; shift 2 ;;
	--mem) mem=${2:?}; shift 2 ;;
	--append) append=${2:?}; shift 2 ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--name) name=${2:?}; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; log "unknown argument: $1"; exit 127 ;;
	esac
done
fail() { log "error: $*"; exit 127; }
[[ $cpus =~ ^[1-9][0-9]*$ ]] || fail "--cpus must be a positive number"
[[ $mem =~ ^[0-9]+$ ]] && (( mem >= 512 )) || fail "--mem must be at least 512 (MiB)"
[[ $timeout =~ ^[1-9][0-9]*$ ]] || fail "--timeout must be a positive number of seconds"
[ -r "$tests" ] || fail "no test list at $tests"

bios=/usr/share/bochs/BIOS-bochs-latest vgabios=/usr/share/vgabios/vgabios.bin
isolinux=/usr/lib/ISOLINUX/isolinux.bin ldlinux=/usr/lib/syslinux/modules/bios/ldlinux.c32
for f in bochs xorriso busybox gcc readelf; do
	command -v "$f" >/dev/null || missing=1
done
for f in "$bios" "$vgabios" "$isolinux" "$ldlinux"; do
	[ -f "$f" ] || missing=1
done
# The guest has no libc: Debian's busybox-static, not busybox.
if [ -z "${missing:-}" ] && readelf -l "$(command -v busybox)" | grep -q 'program interpreter'; then
	missing=1
fi
if [ -n "${missing:-}" ]; then
	fail "Bochs or its helpers are missing: apt-get install bochs bochsbios vgabios isolinux syslinux-common xorriso busybox-static"
fi

# --- the kernel, the tests, the CD -----------------------------------------
if [ -n "$prebuilt" ]; then
	obj=$(realpath "$prebuilt")
	[ -f "$obj/arch/x86/boot/bzImage" ] || fail "no kernel built in $obj"
else
	args=(--target bochs)
	[ -n "$tree" ] && args+=(--tree "$tree")
	[ -n "$obj" ] && args+=(--obj "$obj")
	obj=$("$WASP_ROOT/scripts/build-kernel.sh" "${args[@]}") || fail "the bochs kernel did not build"
fi
tree=$(realpath "$obj/source")	# O= builds link their source tree here
grep -q '^CONFIG_NUMA_EMU=y' "$obj/.config" && grep -q '^CONFIG_BLK_DEV_INITRD=y' "$obj/.config" ||
	fail "$obj is not a bochs kernel (no NUMA_EMU or BLK_DEV_INITRD): build --target bochs"

dir=$WASP_CACHE/bochs/$name
rm -rf "$dir"
mkdir -p "$dir/root/tests" "$dir/iso/isolinux" "$dir/mod"
# (set -e does not stop a function called before ||: chain the steps)
build() {
	local ksft=$tree/tools/testing/selftests
	make -s -C "$tree" O="$obj" headers &&
	mkdir -p "$dir/ksft" &&
	make -C "$ksft/pgtable_repl" OUTPUT="$dir/ksft" LDFLAGS=-static \
		KHDR_INCLUDES="-isystem $obj/usr/include" &&
	cp "$dir"/ksft/pgtable_repl_* "$dir/root/tests/" &&
	gcc -static -O2 -g -Wall -Wextra -Wno-unused-parameter -Wno-clobbered \
		-isystem "$obj/usr/include" -I"$ksft" -o "$dir/root/tests/pcid_stress" \
		"$WASP_ROOT/tests/bochs/pcid_stress.c" -lpthread &&
	cp "$WASP_ROOT/tests/bochs/pcid_check.c" "$WASP_ROOT/tests/bochs/Kbuild" "$dir/mod/" &&
	make -C "$tree" O="$obj" M="$dir/mod" modules
}
build >"$dir/build.log" 2>&1 || { tail -n 30 "$dir/build.log" >&2; fail "building the guest's programs failed (see $dir/build.log)"; }
find "$dir/root/tests" -name '*.o' -delete
cp "$tests" "$dir/root/tests/tests.list"

# The initramfs, listed for the kernel's gen_init_cpio: no root needed for
# /dev/console, which the kernel opens before /init.
{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	for d in bin sbin usr usr/bin usr/sbin proc sys tmp tests; do echo "dir /$d 0755 0 0"; done
	echo "file /bin/busybox $(command -v busybox) 0755 0 0"
	echo "file /init $WASP_ROOT/tests/bochs/init 0755 0 0"
	echo "file /pcid_check.ko $dir/mod/pcid_check.ko 0644 0 0"
	for f in "$dir"/root/tests/*; do
		echo "file /tests/${f##*/} $f $( [ -x "$f" ] && echo 0755 || echo 0644 ) 0 0"
	done
} >"$dir/initrd.list"
"$obj/usr/gen_init_cpio" "$dir/initrd.list" >"$dir/iso/initrd.cpio" || fail "gen_init_cpio failed"
cp "$obj/arch/x86/boot/bzImage" "$dir/iso/bzImage"
cp "$isolinux" "$ldlinux" "$dir/iso/isolinux/"
# numa=fake=2: Bochs' BIOS has no SRAT. oops=panic and panic=0: an oops
# stops the guest where the log shows it (a reboot would boot the CD again).
cat >"$dir/iso/isolinux/isolinux.cfg" <<CFG
DEFAULT wasp
PROMPT 0
TIMEOUT 0
LABEL wasp
  KERNEL /bzImage
  INITRD /initrd.cpio
  APPEND console=ttyS0,115200 numa=fake=2 oops=panic panic=0 $append
CFG
xorriso -as mkisofs -quiet -o "$dir/boot.iso" -b isolinux/isolinux.bin -c isolinux/boot.cat \
	-no-emul-boot -boot-load-size 4 -boot-info-table "$dir/iso" 2>"$dir/xorriso.log" ||
	{ cat "$dir/xorriso.log" >&2; fail "xorriso could not write the CD"; }

# --- Bochs ---------------------------------------------------------------
# One socket of N cores: a socket per CPU draws a WARNING from
# parse_legacy() (Haswell's CPUID counts more cores), and so does this, as
# numa=fake puts CPU n on node n and Bochs' CPUID has CPUs 0 and 1 share
# an L2; the verdict ignores that one (below). clock sync=none: guest
# time follows the instruction count, so a run's timing is repeatable.
# No display: the rfb library (Debian builds no "nogui") waits for no
# client with timeout=0.
cat >"$dir/bochsrc" <<RC
megs: $mem
romimage: file=$bios
vgaromimage: file=$vgabios
cpu: model=corei7_haswell_4770, count=1:$cpus:1, ips=50000000, reset_on_triple_fault=0, ignore_bad_msrs=1
clock: sync=none, time0=local
pci: enabled=1, chipset=i440fx
ata0-master: type=cdrom, path=$dir/boot.iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$dir/console.log
display_library: rfb, options="timeout=0"
mouse: enabled=0
log: $dir/bochs.log
panic: action=fatal
error: action=report
info: action=report
RC
echo c >"$dir/debugger.rc"	# the built-in debugger would wait at a prompt
: >"$dir/console.log"
# The guest's own lines, without the kernel's (and the console's CRs).
results() { sed -n 's/\r$//; s/^\[ *[0-9.]*\] WASP: //p' "$dir/console.log"; }

log "booting Bochs ($cpus CPUs, $mem MiB, 2 nodes); logs in $dir"
start=$SECONDS
(cd "$dir" && exec timeout --kill-after=10 "$timeout" bochs -q -f bochsrc -rc debugger.rc) \
	</dev/null >"$dir/bochs.out" 2>&1 &
bpid=$!
trap 'kill "$bpid" 2>/dev/null' EXIT
trap 'exit 130' INT TERM
# Bochs ends on poweroff, but a panicked guest spins: stop at either mark.
next=$(( SECONDS + 60 ))
while kill -0 "$bpid" 2>/dev/null; do
	sleep 2
	if grep -q '] WASP: WASP-BOCHS end' "$dir/console.log" || grep -q 'Kernel panic - not syncing' "$dir/console.log"; then
		sleep 3
		kill "$bpid" 2>/dev/null || true	# it may have powered off
		break
	fi
	if (( SECONDS >= next )); then
		log "$(( SECONDS - start ))s: $(results | grep '^WASP-BOCHS run' | tail -n 1 | cut -d' ' -f3- || true)"
		next=$(( SECONDS + 60 ))
	fi
done
wait "$bpid" && brc=0 || brc=$?
trap - EXIT
wall=$(( SECONDS - start ))

# --- the verdict -----------------------------------------------------------
results >"$dir/results.log"
grep -v '^WASP-BOCHS' "$dir/results.log" >"$dir/results.tap" || true
tail_console() { log "last lines of $dir/console.log:"; tail -n "${1:-40}" "$dir/console.log" >&2; }
if ! grep -q '^WASP-BOCHS begin' "$dir/results.log"; then
	if (( brc == 124 || brc == 137 )); then
		log "the guest did not reach /init within ${timeout}s"
	else
		log "the guest never reached /init (Bochs exit $brc); see $dir/bochs.log"
		grep -E '>>PANIC<<|\[CPU[0-9]* *\] *(e|p)' "$dir/bochs.log" 2>/dev/null | tail -n 5 >&2 || true
	fi
	tail_console
	exit $(( brc == 124 || brc == 137 ? 124 : 125 ))
fi
if ! grep -q '^WASP-BOCHS end' "$dir/results.log"; then
	if grep -q 'Kernel panic' "$dir/console.log"; then
		log "the guest panicked after ${wall}s"
		grep -E -m1 -B5 -A40 '(BUG:|Oops|general protection|Kernel panic)' "$dir/console.log" >&2
		rc=125
	else
		log "the guest did not finish within ${timeout}s: stopped"
		tail_console
		rc=124
	fi
	log "it was running: $(grep '^WASP-BOCHS run' "$dir/results.log" | tail -n 1 | cut -d' ' -f3-)"
	exit "$rc"
fi

# PCID: the kernel kept the feature (cpuinfo "pcid" on every CPU, which it
# clears when it does not turn CR4.PCIDE on) and every CPU's registers say
# so: CR4.PCIDE set and a PCID in CR3, which the kernel only writes there
# when it uses ASIDs.
read -r _ _ ncpu _ nflag _ nodes < <(grep '^WASP-BOCHS cpus' "$dir/results.log") || true
pcid_ok=$(grep -c '^WASP-BOCHS pcid_check cpu [0-9]* cr4.pcide 1 cr3.pcid [1-9]' "$dir/results.log" || true)
log "guest: $ncpu CPUs, nodes $nodes, 'pcid' in cpuinfo on $nflag, CR4.PCIDE and a PCID in CR3 on $pcid_ok"
grep '^WASP-BOCHS pcid_check' "$dir/results.log" | sed 's/^WASP-BOCHS /  /' >&2
rc=0
if (( ncpu != cpus || nflag != cpus || pcid_ok != cpus )); then
	log "PCID is not on in every one of the $cpus CPUs"
	rc=2
fi
[ "$nodes" = 0-1 ] || { log "expected nodes 0-1 with memory, the guest has '$nodes'"; rc=1; }

pass=$(grep -Ec '^ok [0-9]+ ' "$dir/results.tap" || true)
skip=$(grep -Ec '^ok [0-9]+ .*# SKIP' "$dir/results.tap" || true)
failed=$(grep -Ec '^not ok [0-9]+ ' "$dir/results.tap" || true)
pass=$(( pass - skip ))
log "$pass passed, $failed failed, $skip skipped in ${wall}s of wall time"
grep -E '^(not ok [0-9]+ |ok [0-9]+ .*# SKIP)' "$dir/results.tap" | sed 's/^/  /' >&2 || true
while read -r _ _ code cmd; do
	[ "$code" = 0 ] || { log "'$cmd' exited with status $code"; (( rc )) || rc=1; }
done < <(grep '^WASP-BOCHS exit' "$dir/results.log")
(( failed + skip == 0 )) || { (( rc )) || rc=1; }
(( pass > 0 )) || { log "no test passed"; (( rc )) || rc=1; }

# The kernel's lines, without the boot-time report of CPUs 0 and 1 sharing
# an L2 across nodes (numa=fake's doing, see the bochsrc above).
kernel_log() {
	grep -v '] WASP: ' "$dir/console.log" |
		awk '/l2c-sibling CPU #[0-9]+ is not on the same node/ { skip = 1 }
		     !skip { print } /---\[ end trace/ { skip = 0 }'
}
warn_re='(WARNING:|BUG:|Oops|Kernel panic|general protection fault|KASAN:|UBSAN:|kernel BUG|INFO: (possible|task .* blocked)|Call Trace:)'
if kernel_log | grep -Eq "$warn_re"; then
	log "the kernel logged a warning; from $dir/console.log:"
	kernel_log | grep -E -m1 -A30 "$warn_re" >&2
	(( rc )) || rc=126
fi
log "TAP in $dir/results.tap"
exit "$rc"
