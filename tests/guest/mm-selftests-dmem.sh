#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs inside the test guest: the kernel's mm selftests (mm-selftests.sh,
# replicated then not) with every process they start emulated by the
# disaggregated-memory emulator: a cgroup target, anon, file and shmem,
# 16 MB local, 1 us a fetch, CLOCK. Whatever the emulator gets wrong in a
# path those programs take shows as a failure or in the kernel log.
# Prints the target's statistics at the end, and removes it.
#
# usage: mm-selftests-dmem.sh DIR [PROGRAM...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=/sys/kernel/config/dmem_emul
[ -d "$root" ] || mount -t configfs none /sys/kernel/config 2>/dev/null
[ -d "$root" ] || { echo "1..0 # SKIP no $root (kernel without CONFIG_DMEM_EMULATOR)"; exit 0; }
cg=/sys/fs/cgroup/dmem-mm
target=$root/mm-selftests
mkdir -p "$cg" "$target" || exit 1
echo $$ >"$cg/cgroup.procs" || exit 1
echo "anon file shmem" >"$target/memory" &&
	echo 16384 >"$target/local_kb" &&
	echo 1000 >"$target/latency_ns" &&
	echo clock >"$target/policy" &&
	echo /dmem-mm >"$target/cgroup" || exit 1
"$here/mm-selftests.sh" "$@"
rc=$?
echo "# emulator statistics:"
sed 's/^/#   /' "$target/stats"
rmdir "$target"
echo $$ >/sys/fs/cgroup/cgroup.procs
rmdir "$cg"
exit "$rc"
