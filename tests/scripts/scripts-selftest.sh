#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Checks that the foundation scripts fail when they must and change nothing
# when they need not: prepare.sh (a patch that does not apply, idempotence),
# check-series.sh (an unexplained checkpatch error, an explained one, a build
# break), install.sh (not root, not prepared, --daemon-only into a temp prefix, the
# systemd unit it writes: notify, watchdog, restart policy, hardening) and
# vm-run.sh (bad options). No VM boot; one C file compiled. TAP on stdout; exit
# status non-zero if any check fails.
#
# prepare.sh runs against $WASP_CACHE (default ~/.cache/wasp) like test.sh: the
# failing run works in a scratch index and must leave the tree alone; the
# idempotence check runs the real series twice (the first run may bring the
# tree up to date with the series, as test.sh would). Run as root.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
scripts=$root/scripts
cache=${WASP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wasp}
tree=$cache/src
tmp=$(mktemp -d "${TMPDIR:-/tmp}/wasp-scripts-selftest.XXXXXX")
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
total=25

ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { # not_ok NAME [DIAGNOSTIC-FILE...]
	local name=$1 f
	shift
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n $name"
	for f in "$@"; do
		[ -s "$f" ] && tail -n 15 "$f" | sed 's/^/#   /'
	done
	return 0
}
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
diag() { printf '# %s\n' "$@"; }
check() { # check NAME CONDITION-STATUS [DIAGNOSTIC-FILE...]
	local name=$1 st=$2
	shift 2
	if [ "$st" = 0 ]; then ok "$name"; else not_ok "$name" "$@"; fi
}
is_root() { [ "$(id -u)" = 0 ]; }
# mtime and content of a file on one line, empty when it is missing
config_id() { [ -f "$1" ] && echo "mtime $(stat -c %y "$1") sha256 $(sha256sum <"$1" | cut -c1-16)"; }

echo "TAP version 13"
echo "1..$total"

# --- prepare.sh: idempotent ---------------------------------------------------
# First, so that on a fresh machine the bad-patch checks below find the tree
# this makes.
# prepare.sh checks the series out in the shared tree: never while something builds from it.
busy=$(pgrep -f -- "$tree" | head -n 3 | tr '\n' ' ')
if [ -n "$busy" ]; then
	for t in prepare_rerun_prints_same_key prepare_rerun_touches_no_file prepare_rerun_keeps_config; do
		skip "$t" "processes $busy are using $tree"
	done
elif ! is_root && [ ! -f /usr/src/linux-source-6.12.tar.xz ]; then
	for t in prepare_rerun_prints_same_key prepare_rerun_touches_no_file prepare_rerun_keeps_config; do
		skip "$t" "no kernel source and not root"
	done
else
	"$scripts/prepare.sh" --target guest >"$tmp/p1.out" 2>"$tmp/p1.err"
	st1=$?
	obj=$(sed -n 's/^obj=//p' "$tmp/p1.out")
	obj=${obj:-$cache/build/guest}
	cfg0=$(config_id "$obj/.config")
	sleep 1 # so that anything written from now on is -newer the stamp
	touch "$tmp/stamp"
	"$scripts/prepare.sh" --target guest >"$tmp/p2.out" 2>"$tmp/p2.err"
	st2=$?
	cfg1=$(config_id "$obj/.config")
	key1=$(sed -n 's/^key=//p' "$tmp/p1.out") key2=$(sed -n 's/^key=//p' "$tmp/p2.out")
	if [ "$st1" = 0 ] && [ "$st2" = 0 ] && [ -n "$key1" ] && [ "$key1" = "$key2" ]; then
		ok prepare_rerun_prints_same_key
	else
		not_ok prepare_rerun_prints_same_key "$tmp/p1.err" "$tmp/p2.err"
		diag "exit $st1 then $st2, key '${key1}' then '${key2}'"
	fi
	find "$tree" -path "$tree/.git" -prune -o -newer "$tmp/stamp" -print >"$tmp/newer" 2>/dev/null
	if [ "$st2" = 0 ] && [ ! -s "$tmp/newer" ]; then
		ok prepare_rerun_touches_no_file
	else
		not_ok prepare_rerun_touches_no_file "$tmp/p2.err"
		diag "exit $st2; $(wc -l <"$tmp/newer") file(s) newer than before the second run:"
		head -n 5 "$tmp/newer" | sed 's/^/#   /'
	fi
	if [ "$st2" = 0 ] && [ -n "$cfg0" ] && [ "$cfg0" = "$cfg1" ]; then
		ok prepare_rerun_keeps_config
	else
		not_ok prepare_rerun_keeps_config "$tmp/p2.err"
		diag "exit $st2; $obj/.config before: ${cfg0:-missing}" "after: ${cfg1:-missing}"
	fi
fi

# --- prepare.sh: a patch that does not apply --------------------------------
if [ -n "$busy" ]; then
	for t in prepare_bad_patch_fails prepare_bad_patch_names_patch_and_file prepare_bad_patch_leaves_tree_alone; do
		skip "$t" "processes $busy are using $tree"
	done
elif [ ! -d "$tree/.git" ] || ! git -C "$tree" rev-parse -q --verify wasp-base >/dev/null; then
	for t in prepare_bad_patch_fails prepare_bad_patch_names_patch_and_file prepare_bad_patch_leaves_tree_alone; do
		skip "$t" "no prepared tree in $tree (run scripts/prepare.sh once)"
	done
else
	mkdir -p "$tmp/patches"
	cat >"$tmp/patches/0001-bad.patch" <<'PATCH'
From: selftest <selftest@wasp.invalid>
Subject: [PATCH] a patch whose context is not in mm/memory.c

---
 mm/memory.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/mm/memory.c b/mm/memory.c
--- a/mm/memory.c
+++ b/mm/memory.c
@@ -10,3 +10,3 @@
 this context line is not in mm/memory.c
-and neither is this one
+so the patch cannot apply
 nor this one
PATCH
	echo 0001-bad.patch >"$tmp/patches/series"
	head0=$(git -C "$tree" rev-parse HEAD) status0=$(git -C "$tree" status --porcelain --untracked-files=no)
	WASP_PATCHES=$tmp/patches "$scripts/prepare.sh" --target guest >"$tmp/bad.out" 2>"$tmp/bad.err"
	st=$?
	head1=$(git -C "$tree" rev-parse HEAD) status1=$(git -C "$tree" status --porcelain --untracked-files=no)
	[ "$st" != 0 ]; check prepare_bad_patch_fails $? "$tmp/bad.err"
	grep -q '0001-bad\.patch' "$tmp/bad.err" && grep -q 'mm/memory\.c' "$tmp/bad.err"
	check prepare_bad_patch_names_patch_and_file $? "$tmp/bad.err"
	if [ "$head0" = "$head1" ] && [ "$status0" = "$status1" ]; then
		ok prepare_bad_patch_leaves_tree_alone
	else
		not_ok prepare_bad_patch_leaves_tree_alone
		diag "HEAD $head0 -> $head1" "git status before: ${status0:-clean}" "git status after: ${status1:-clean}"
	fi
fi

# --- check-series.sh: each patch checked on its own -------------------------
# Three one-patch series against mm/memory.c's first lines: a checkpatch
# error the patch does not explain must fail, the same error explained
# below "---" must pass (and the patch compile), a patch that breaks the
# build must fail. Own work directory, kept in the cache so that a second
# run builds incrementally.
series_patch() { # series_patch NAME LINE [NOTE]: a series of one patch
	local d=$tmp/series-$1
	mkdir -p "$d"
	cp -r "$root/kernel-patches/config" "$d/"
	{
		printf 'From: selftest <selftest@wasp.invalid>\nSubject: [PATCH] mm: check-series selftest\n\n'
		printf 'A line for the check.\n\nSigned-off-by: selftest <selftest@wasp.invalid>\n---\n'
		[ -z "${3:-}" ] || printf '%s\n\n' "$3"
		printf ' mm/memory.c | 1 +\n 1 file changed, 1 insertion(+)\n\n'
		printf 'diff --git a/mm/memory.c b/mm/memory.c\n--- a/mm/memory.c\n+++ b/mm/memory.c\n'
		printf '@@ -1,4 +1,5 @@\n \n // SPDX-License-Identifier: GPL-2.0-only\n /*\n+%s\n  *  linux/mm/memory.c\n' "$2"
	} >"$d/0001-selftest.patch"
	echo 0001-selftest.patch >"$d/series"
	echo "$d"
}
if ! is_root && [ ! -f /usr/src/linux-source-6.12.tar.xz ]; then
	for t in check_series_refuses_unexplained_checkpatch check_series_passes_explained_checkpatch check_series_refuses_a_build_break; do
		skip "$t" "needs root or Debian's linux-source-6.12"
	done
else
	work=$cache/series-selftest
	d=$(series_patch unexplained ' * trailing whitespace: ')
	WASP_PATCHES=$d "$scripts/check-series.sh" --quick --rerun --work "$work" >"$tmp/cs1.out" 2>&1
	st=$?
	[ "$st" != 0 ] && grep -q 'checkpatch' "$tmp/cs1.out" && grep -q 'trailing whitespace' "$tmp/cs1.out"
	check check_series_refuses_unexplained_checkpatch $? "$tmp/cs1.out"
	d=$(series_patch explained ' * trailing whitespace: ' 'checkpatch: the trailing whitespace is what this test checks.')
	WASP_PATCHES=$d "$scripts/check-series.sh" --quick --rerun --work "$work" >"$tmp/cs2.out" 2>&1
	st=$?
	[ "$st" = 0 ] && grep -q 'explained below ---' "$tmp/cs2.out" && grep -q 'quick build' "$tmp/cs2.out"
	check check_series_passes_explained_checkpatch $? "$tmp/cs2.out"
	d=$(series_patch broken ' */ int wasp_selftest_broken = ; /*' 'checkpatch: this test breaks the build on purpose.')
	WASP_PATCHES=$d "$scripts/check-series.sh" --quick --rerun --work "$work" >"$tmp/cs3.out" 2>&1
	st=$?
	[ "$st" != 0 ] && grep -q 'the build fails' "$tmp/cs3.out"
	check check_series_refuses_a_build_break $? "$tmp/cs3.out"
fi

# --- install.sh ---------------------------------------------------------------
# Not root: as nobody, with a prefix nobody could write anyway.
if is_root && command -v setpriv >/dev/null; then
	# A copy nobody can reach: the checkout may sit in a private home.
	nr_dir=$(mktemp -d /tmp/wasp-nr.XXXXXX)
	cp -r "$scripts" "$nr_dir/scripts"
	chmod -R a+rX "$nr_dir"
	setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$tmp" \
		"$nr_dir/scripts/install.sh" --daemon-only --prefix "$tmp/nobody" \
		--unit-dir "$tmp/nobody-units" >"$tmp/nr.out" 2>"$tmp/nr.err"
	st=$?
	rm -rf "$nr_dir"
	[ "$st" != 0 ] && grep -q 'must be run as root' "$tmp/nr.err" && [ ! -e "$tmp/nobody" ]
	check install_refuses_non_root $? "$tmp/nr.err"
elif ! is_root; then
	"$scripts/install.sh" --daemon-only --prefix "$tmp/nobody" --unit-dir "$tmp/nobody-units" \
		>"$tmp/nr.out" 2>"$tmp/nr.err"
	st=$?
	[ "$st" != 0 ] && grep -q 'must be run as root' "$tmp/nr.err" && [ ! -e "$tmp/nobody" ]
	check install_refuses_non_root $? "$tmp/nr.err"
else
	skip install_refuses_non_root "no setpriv"
fi

if is_root; then
	mkdir -p "$tmp/empty-cache"
	WASP_CACHE=$tmp/empty-cache "$scripts/install.sh" --kernel-only >"$tmp/np.out" 2>"$tmp/np.err"
	st=$?
	[ "$st" != 0 ] && grep -q 'prepare\.sh --target host' "$tmp/np.err"
	check install_refuses_without_prepare $? "$tmp/np.err"

	etc_unit=/etc/systemd/system/waspd.service
	etc_before=$(stat -c '%Y %s' "$etc_unit" 2>/dev/null || echo absent)
	"$scripts/install.sh" --daemon-only --prefix "$tmp/prefix" --unit-dir "$tmp/units" --conf-dir "$tmp/etc" \
		>"$tmp/inst.out" 2>"$tmp/inst.err"
	st=$?
	ver=$("$tmp/prefix/sbin/waspd" --version 2>&1)
	vst=$?
	if [ "$st" = 0 ] && [ -f "$tmp/prefix/lib/wasp/waspd.jar" ] && [ "$vst" = 0 ] && [[ $ver =~ ^waspd\ [0-9] ]]; then
		ok install_daemon_only_installs_working_wrapper
	else
		not_ok install_daemon_only_installs_working_wrapper "$tmp/inst.err"
		diag "install exit $st; '$tmp/prefix/sbin/waspd --version' exit $vst: $ver"
	fi
	# libwasp: an example builds against the installed header, library
	# and pkg-config file; the launcher and the man pages are there.
	pc=$tmp/prefix/lib/pkgconfig
	if [ "$st" = 0 ] && "$tmp/prefix/bin/wasp-run" --help >/dev/null 2>&1 &&
	   cc -o "$tmp/enable_self" "$root/examples/enable_self.c" \
		$(PKG_CONFIG_PATH=$pc pkg-config --cflags --libs wasp) 2>"$tmp/cc.err" &&
	   [ -f "$tmp/prefix/share/man/man1/wasp-run.1" ] &&
	   [ -f "$tmp/prefix/share/man/man2/PR_SET_PGTABLE_REPL.2const" ] &&
	   [ -f "$tmp/prefix/share/man/man3/libwasp.3" ] && [ -f "$tmp/prefix/share/man/man7/mitosis.7" ]; then
		ok install_daemon_only_installs_libwasp_and_launcher
	else
		not_ok install_daemon_only_installs_libwasp_and_launcher "$tmp/cc.err"
		diag "install exit $st; $(ls -R "$tmp/prefix" 2>&1 | tr '\n' ' ' | cut -c1-400)"
	fi
	unit=$tmp/units/waspd.service
	etc_after=$(stat -c '%Y %s' "$etc_unit" 2>/dev/null || echo absent)
	if [ -f "$unit" ] && grep -Eq "^ExecStart=$tmp/prefix/sbin/waspd( |\$)" "$unit" && [ "$etc_before" = "$etc_after" ]; then
		ok install_daemon_only_writes_unit_to_unit_dir
	else
		not_ok install_daemon_only_writes_unit_to_unit_dir "$tmp/inst.err"
		diag "unit: $(grep '^ExecStart=' "$unit" 2>/dev/null || echo "no $unit")" \
			"$etc_unit: $etc_before -> $etc_after"
	fi
	# The unit: Type=notify with a watchdog and a reload, no restart for the
	# exit codes a restart cannot fix (those of cli/ExitCodes.java), its
	# runtime directory, the config file, the hardening.
	u() { grep -Eq "^$1\$" "$unit"; }
	u 'Type=notify' && u 'NotifyAccess=main' && u 'WatchdogSec=[0-9]+s?' && u 'ExecReload=/bin/kill -HUP \$MAINPID'
	check install_unit_is_notify_with_watchdog_and_reload $? "$unit"
	codes=$(sed -n 's/^RestartPreventExitStatus=//p' "$unit")
	ec=$root/waspd/src/main/java/org/wasp/daemon/cli/ExitCodes.java
	missing=
	for name in USAGE NOT_ROOT NO_REPLICATION NO_EVENTS ALREADY_RUNNING; do
		c=$(sed -n "s/.*int $name = \([0-9]*\);.*/\1/p" "$ec")
		[[ " $codes " == *" $c "* ]] || missing="$missing $name=${c:-?}"
	done
	[ -n "$codes" ] && [ -z "$missing" ] && ! [[ " $codes " == *" 0 "* || " $codes " == *" 1 "* ]]
	check install_unit_prevents_restart_for_permanent_exit_codes $? "$unit"
	[ -n "$missing" ] && diag "RestartPreventExitStatus='$codes' lacks$missing"
	conf=$tmp/etc/waspd.conf
	u 'RuntimeDirectory=waspd' && u 'RuntimeDirectoryPreserve=(restart|yes)' && grep -Eq "^ExecStart=.* --config $conf( |\$)" "$unit" && [ -f "$conf" ] &&
		"$tmp/prefix/sbin/waspd" 0 --config "$conf" --dry-run --once --replay "$root/waspd/examples/sample.rec" \
		--interval 10ms --run-dir "$tmp/run" -q >"$tmp/conf.out" 2>&1 &&
		echo 'mar-threshold = 20M # changed' >>"$conf" &&
		"$scripts/install.sh" --daemon-only --prefix "$tmp/prefix" --unit-dir "$tmp/units" --conf-dir "$tmp/etc" \
		>"$tmp/inst2.out" 2>&1 && grep -q '^mar-threshold = 20M # changed$' "$conf"
	check install_unit_runtime_dir_and_kept_config_file $? "$tmp/conf.out" "$tmp/inst2.out"
	u 'CapabilityBoundingSet=CAP_SYS_ADMIN CAP_SYS_NICE CAP_PERFMON CAP_SYS_PTRACE' && u 'NoNewPrivileges=yes' &&
		u 'ProtectSystem=strict' && u 'ProtectHome=yes' && ! grep -q '^MemoryDenyWriteExecute=yes' "$unit"
	check install_unit_is_hardened $? "$unit"
	if command -v systemd-analyze >/dev/null && systemd-analyze security --offline=true "$unit" >"$tmp/sec.out" 2>&1; then
		level=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$tmp/sec.out")
		systemd-analyze verify "$unit" >"$tmp/verify.out" 2>&1
		vst=$?
		[ "$vst" = 0 ] && [ -n "$level" ] && awk -v l="$level" 'BEGIN { exit !(l <= 3.0) }'
		check install_unit_verifies_and_exposure_at_most_3 $? "$tmp/verify.out" "$tmp/sec.out"
		diag "systemd-analyze security: exposure ${level:-unknown}; verify exit $vst"
	else
		skip install_unit_verifies_and_exposure_at_most_3 "no systemd-analyze security --offline"
	fi
else
	skip install_refuses_without_prepare "not root"
	for t in install_unit_is_notify_with_watchdog_and_reload install_unit_prevents_restart_for_permanent_exit_codes \
		install_unit_runtime_dir_and_kept_config_file install_unit_is_hardened install_unit_verifies_and_exposure_at_most_3; do
		skip "$t" "not root"
	done
	skip install_daemon_only_installs_working_wrapper "not root"
	skip install_daemon_only_writes_unit_to_unit_dir "not root"
fi

# --- waspd.jar: JNA's native library for the supported platforms only --------
jar=$root/waspd/target/waspd.jar
if [ -f "$jar" ] && command -v unzip >/dev/null; then
	natives=$(unzip -Z1 "$jar" | sed -n 's|^com/sun/jna/\([^/]*\)/libjnidispatch\..*|\1|p' | sort | tr '\n' ' ')
	[ "$natives" = "linux-aarch64 linux-x86-64 " ]
	check waspd_jar_carries_only_supported_natives $?
	diag "JNA natives in waspd.jar: ${natives:-none}"
else
	skip waspd_jar_carries_only_supported_natives "no waspd/target/waspd.jar (mvn -B package) or no unzip"
fi

# --- vm-run.sh: bad options ---------------------------------------------------
# A fake QEMU first on PATH records any start; none may happen.
mkdir -p "$tmp/fakebin"
cat >"$tmp/fakebin/qemu-system-x86_64" <<FAKE
#!/bin/sh
echo "\$@" >>"$tmp/qemu-started"
exit 1
FAKE
chmod +x "$tmp/fakebin/qemu-system-x86_64"
vm_rejects() { # vm_rejects NAME MESSAGE-PATTERN STRICT(1: stderr is that one line) -- ARGS...
	local name=$1 pattern=$2 strict=$3 st lines
	shift 4
	rm -f "$tmp/qemu-started"
	PATH=$tmp/fakebin:$PATH timeout 20 "$scripts/vm-run.sh" --log "$tmp/console.log" "$@" >"$tmp/vm.out" 2>"$tmp/vm.err"
	st=$?
	lines=$(grep -c . "$tmp/vm.err")
	if [ "$st" = 127 ] && [ ! -e "$tmp/qemu-started" ] && grep -Eq "^vm-run\.sh: .*$pattern" "$tmp/vm.err" &&
	   [ "$(grep -Ec "^vm-run\.sh: " "$tmp/vm.err")" = 1 ] && { [ "$strict" = 0 ] || [ "$lines" = 1 ]; }; then
		ok "$name"
	else
		not_ok "$name" "$tmp/vm.err"
		diag "exit $st (want 127), $lines line(s) on stderr, QEMU $([ -e "$tmp/qemu-started" ] && echo started || echo 'not started')"
	fi
}
vm_rejects vm_run_rejects_zero_nodes 'nodes' 1 -- --nodes 0 -- true
vm_rejects vm_run_rejects_too_little_memory 'mem' 1 -- --mem 100 --nodes 2 -- true
vm_rejects vm_run_rejects_unknown_slow_node 'slow-nodes' 1 -- --nodes 2 --slow-nodes 2 -- true
vm_rejects vm_run_rejects_all_nodes_slow 'slow-nodes' 1 -- --nodes 2 --slow-nodes 0,1 -- true
# Without a command the usage comes first, then the one-line message.
vm_rejects vm_run_rejects_missing_command 'no command' 0 -- --nodes 2

[ "$n" = "$total" ] || { echo "not ok $((n + 1)) plan_matches # ran $n of $total"; failed=$((failed + 1)); }
diag "$((n - failed)) of $n passed"
(( failed == 0 ))
