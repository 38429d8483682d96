#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The replication hooks' instruction sequence, modelled in user space
# (hook_model.c), on this machine natively and in the TCG test guest, one
# after the other: how much the emulator inflates what pgtable_repl_bench
# measures.
# usage: bench/pgtable_repl/hook_model.sh [TABLES [ROUNDS]]  (env KERNEL=bzImage
# to boot another kernel than the cached guest build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${WASP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wasp}
mkdir -p "$cache/bench"
gcc -O2 -Wall -o "$cache/bench/hook_model" "$here/hook_model.c"
echo "## natively: $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$cache/bench/hook_model" "${1:-512}" "${2:-9}"
echo "## in the TCG test guest"
"$here/../../scripts/vm-run.sh" ${KERNEL:+--kernel "$KERNEL"} --nodes 2 --mem 4096 \
	--timeout 1800 -- "$cache/bench/hook_model" "${1:-512}" "${2:-9}"
