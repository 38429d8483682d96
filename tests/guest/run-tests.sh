#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs inside the test guest: each given kselftest program in turn (their
# TAP goes to stdout), then a check that the kernel log holds no warning,
# BUG, oops or leak. Exits non-zero if anything failed.
set -u
rc=0
for prog in "$@"; do
	echo "# === ${prog##*/} ($(uname -r), $(ls -d /sys/devices/system/node/node* | wc -l) nodes)"
	"$prog" || { echo "# ${prog##*/} exited with status $?"; rc=1; }
done

# kmemleak (debug builds) reports only after a scan.
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	leaks=$(cat /sys/kernel/debug/kmemleak)
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
