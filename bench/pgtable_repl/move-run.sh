#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build pgtable_move_bench on the host and run it in a 4-node test guest:
# moving a process's page tables against replicating them.
# usage: bench/pgtable_repl/move-run.sh [SIZE_MB...] [-r RUNS]  (env KERNEL=bzImage
# to boot another kernel than the cached guest build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${WASP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wasp}
mkdir -p "$cache/bench"
gcc -O2 -Wall -o "$cache/bench/pgtable_move_bench" "$here/pgtable_move_bench.c"
"$here/../../scripts/vm-run.sh" ${KERNEL:+--kernel "$KERNEL"} --nodes 4 --mem 6144 \
	--timeout 3000 -- "$cache/bench/pgtable_move_bench" "$@"
