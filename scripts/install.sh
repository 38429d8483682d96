#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Install WASP on a real machine: build and install the kernel prepared by
# `scripts/prepare.sh --target host` with its modules, and the user-space
# parts: the daemon (waspd.jar, a waspd wrapper, a systemd unit), libwasp
# (header, library, pkg-config file), the wasp-run launcher and the man
# pages. Run as root.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<USAGE
usage: ${0##*/} [--kernel-only | --daemon-only] [--obj DIR] [--prefix DIR] [--unit-dir DIR] [--conf-dir DIR] [--jobs N]
  --kernel-only  install only the kernel and modules
  --daemon-only  install only the user-space parts (waspd, libwasp, wasp-run)
  --obj DIR      build directory from prepare.sh (default \$WASP_CACHE/build/host)
  --prefix DIR   where the user-space parts go (default /usr/local: lib/wasp/waspd.jar,
                 sbin/waspd, bin/wasp-run, include/wasp.h, lib/libwasp.*, share/man;
                 with the kernel: include/linux/prctl.h)
  --unit-dir DIR where the systemd unit waspd.service goes (default /etc/systemd/system)
  --conf-dir DIR where waspd.conf goes, the settings waspd reads again on
                 'systemctl reload waspd' (default /etc/wasp; an existing one is kept)
  --jobs N       parallel build jobs (default: number of CPUs)
The kernel is installed with 'make modules_install install', which on Debian
runs installkernel and updates the boot loader. Reboot into it afterwards.
USAGE
}
default_unit_dir=/etc/systemd/system
do_kernel=1 do_daemon=1 obj=$WASP_CACHE/build/host prefix=/usr/local unit_dir=$default_unit_dir conf_dir=/etc/wasp jobs=$(nproc)
while (( $# )); do
	case $1 in
	--kernel-only) do_daemon=0; shift ;;
	--daemon-only) do_kernel=0; shift ;;
	--obj) obj=${2:?}; shift 2 ;;
	--prefix) prefix=${2:?}; shift 2 ;;
	--unit-dir) unit_dir=${2:?}; shift 2 ;;
	--conf-dir) conf_dir=${2:?}; shift 2 ;;
	--jobs) jobs=${2:?}; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument: $1" ;;
	esac
done
[ "$(id -u)" = 0 ] || die "must be run as root (sudo $0 $*)"
# The wrapper and the unit name absolute paths.
prefix=$(realpath -m "$prefix") unit_dir=$(realpath -m "$unit_dir") conf_dir=$(realpath -m "$conf_dir")

if (( do_kernel )); then
	[ -f "$obj/.wasp-config-key" ] && [ -f "$obj/.config" ] ||
		die "no prepared kernel in $obj: run scripts/prepare.sh --target host first"
	tree=$(sed -n 's/^KERNELSRC *:= *\(.*\)$/\1/p;s/^include \(.*\)\/Makefile$/\1/p' "$obj/Makefile" | head -n1)
	tree=${tree:-$WASP_CACHE/src}
	[ -f "$tree/Makefile" ] || die "the source tree of $obj ($tree) is gone: run scripts/prepare.sh --target host again"
	run_with_progress "building the kernel" "$obj/build.log" make -C "$tree" O="$obj" -j"$jobs" bzImage modules
	log "installing modules and kernel $(cat "$obj/include/config/kernel.release")"
	make -s -C "$tree" O="$obj" modules_install
	make -s -C "$tree" O="$obj" install
	# The patched <linux/prctl.h> (PR_*_PGTABLE_REPL*), found before the
	# distribution's by <sys/prctl.h>: programs need nothing else.
	# (make headers: what headers_install copies, without needing rsync)
	make -s -C "$tree" O="$obj" headers
	install -D -m 0644 "$obj/usr/include/linux/prctl.h" "$prefix/include/linux/prctl.h"
	log "kernel headers: $prefix/include/linux/prctl.h (the prctl numbers, for <sys/prctl.h>)"
fi

if (( do_daemon )); then
	jar=$WASP_ROOT/waspd/target/waspd.jar
	if [ ! -f "$jar" ]; then
		command -v mvn >/dev/null || die "Maven is needed to build waspd (apt-get install maven)"
		log "building waspd"
		(cd "$WASP_ROOT" && mvn -B -q -ntp package -DskipTests) || die "building waspd failed"
	fi
	install -D -m 0644 "$jar" "$prefix/lib/wasp/waspd.jar"
	install -d "$prefix/sbin"
	cat >"$prefix/sbin/waspd" <<WRAPPER
#!/bin/sh
# waspd wrapper installed by WASP's scripts/install.sh
exec java \${WASPD_JAVA_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xmx256m} -jar '$prefix/lib/wasp/waspd.jar' "\$@"
WRAPPER
	chmod 0755 "$prefix/sbin/waspd"
	conf=$conf_dir/waspd.conf
	if [ -f "$conf" ]; then
		log "keeping $conf"
	else
		install -D -m 0644 /dev/stdin "$conf" <<CONF
# waspd settings, read at start and again on 'systemctl reload waspd' (SIGHUP).
# One KEY = VALUE a line; a line removed gives the command line's value back;
# an invalid file at reload leaves the settings in force (one warning in the log).
# Other options (mode, -x, --pid, --metrics-port...) go in WASPD_ARGS
# ('systemctl edit waspd'). See $WASP_ROOT/docs/waspd.md.
#mar-threshold = 10M
#miss-threshold = 1%
#margin = 20%
#hold-on = 3
#hold-off = 3
#min-gain = 10%
#exclude = stream backup
#interval = 1s
#log-level = info
CONF
	fi
	install -D -m 0644 /dev/stdin "$unit_dir/waspd.service" <<UNIT
[Unit]
Description=WASP page-table replication daemon
Documentation=file://$WASP_ROOT/docs/waspd.md
After=local-fs.target

[Service]
# READY=1 once counters are open, WATCHDOG=1 after every interval, STOPPING=1.
Type=notify
NotifyAccess=main
Environment=WASPD_ARGS=1
ExecStart=$prefix/sbin/waspd --config $conf \$WASPD_ARGS
ExecReload=/bin/kill -HUP \$MAINPID
# waspd undoes its replication and steering on SIGTERM.
KillSignal=SIGTERM
TimeoutStopSec=30
# Keep --interval under half of this (waspd warns otherwise).
WatchdogSec=30
Restart=on-failure
RestartSec=5
# A restart cannot fix these (docs/waspd.md, Exit codes): 2 bad options or
# config file, 3 not root, 4 kernel without page-table replication, 5 PMU
# without the events, 6 another waspd holds the lock.
RestartPreventExitStatus=2 3 4 5 6
# /run/waspd: the instance lock and the status file (kept across restarts).
RuntimeDirectory=waspd
RuntimeDirectoryMode=0755
RuntimeDirectoryPreserve=restart

# Hardening (docs/waspd.md, Running in production). waspd runs as root with
# only what it uses: perf_event_open on other processes (CAP_PERFMON, or
# CAP_SYS_ADMIN before Linux 5.8, and CAP_SYS_PTRACE for other users'
# processes), the replication prctls on other processes (CAP_SYS_NICE).
# Not set, on purpose: MemoryDenyWriteExecute (the JVM compiles code),
# PrivateUsers (capabilities must hold over the host's processes),
# ProtectProc/ProcSubset (it reads every process and /proc/pgtable_repl),
# PrivateNetwork (the metrics endpoint; IPAddressAllow keeps it local).
CapabilityBoundingSet=CAP_SYS_ADMIN CAP_SYS_NICE CAP_PERFMON CAP_SYS_PTRACE
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateMounts=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
RemoveIPC=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service perf_event_open mincore
SystemCallErrorNumber=EPERM
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6
IPAddressDeny=any
IPAddressAllow=localhost
UMask=0022

[Install]
WantedBy=multi-user.target
UNIT
	# Only the system's own unit directory concerns the running systemd.
	if [ "$unit_dir" = "$default_unit_dir" ] && [ -d /run/systemd/system ]; then
		systemctl daemon-reload
	fi
	log "waspd installed: $prefix/sbin/waspd, unit $unit_dir/waspd.service, settings $conf; start it with 'systemctl enable --now waspd'"
	log "(set WASPD_ARGS with 'systemctl edit waspd', e.g. Environment=WASPD_ARGS=\"0 -x stream\")"

	command -v cc >/dev/null || die "a C compiler is needed to build libwasp (apt-get install build-essential)"
	build=$(mktemp -d)
	make -s -C "$WASP_ROOT/libwasp" OUT="$build" PREFIX="$prefix" install >"$build.log" 2>&1 ||
		{ cat "$build.log" >&2; rm -rf "$build" "$build.log"; die "building libwasp failed"; }
	rm -rf "$build" "$build.log"
	log "libwasp installed: $prefix/include/wasp.h, $prefix/lib/libwasp.{a,so}, pkg-config wasp, $prefix/bin/wasp-run, man pages (wasp-run(1), libwasp(3), PR_SET_PGTABLE_REPL(2const), mitosis(7))"
fi
