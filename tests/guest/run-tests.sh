#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs inside the test guest: each given kselftest program in turn (their
# TAP goes to stdout), then a check that the kernel log holds no warning,
# BUG, oops or leak. Exits non-zero if anything failed.
set -u
rc=0
# test.sh --extended: the replication stress runs longer.
[ -n "${WASP_STRESS_SECONDS:-}" ] && export PGTABLE_REPL_STRESS_SECONDS=$WASP_STRESS_SECONDS
for prog in "$@"; do
	echo "# === ${prog##*/} ($(uname -r), $(ls -d /sys/devices/system/node/node* | wc -l) nodes)"
	start=$SECONDS
	"$prog" || { echo "# ${prog##*/} exited with status $?"; rc=1; }
	echo "# ${prog##*/} took $((SECONDS - start)) s"
done

# kmemleak (in the guest kernel, on when booted with kmemleak=on) reports
# only after a scan; asked for but off means an error disabled it.
if echo scan 2>/dev/null >/sys/kernel/debug/kmemleak; then
	leaks=$(cat /sys/kernel/debug/kmemleak)
elif grep -qw kmemleak=on /proc/cmdline; then
	leaks="kmemleak=on was given, but kmemleak is off: $(dmesg | grep -i kmemleak | tail -n 3)"
fi
bad=$(dmesg | grep -E 'WARNING:|BUG:|Oops|general protection fault|KASAN:|UBSAN:|kernel BUG|INFO: possible|Call Trace:')
echo "TAP version 13"
echo "1..1"
if [ -z "$bad" ] && [ -z "${leaks:-}" ]; then
	echo "ok 1 kernel_log_is_clean"
else
	printf '# %s\n' "$bad" ${leaks:+"$leaks"} | head -n 60
	echo "not ok 1 kernel_log_is_clean"
	rc=1
fi
exit $rc
