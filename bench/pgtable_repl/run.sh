#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build a page-table benchmark on the host and run it in a 4-node test guest:
# pgtable_repl_bench (the cost of replication), or with --move
# pgtable_move_bench (moving a process's page tables against replicating them).
# usage: bench/pgtable_repl/run.sh [SIZE_MB [RUNS]]
#        bench/pgtable_repl/run.sh --move [SIZE_MB...] [-r RUNS]
# (env KERNEL=bzImage to boot another kernel than the cached guest build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${WASP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wasp}
if [ "${1:-}" = --move ]; then
	shift
	bench=pgtable_move_bench args=("$@")
else
	bench=pgtable_repl_bench args=("${1:-1024}" "${2:-5}")
fi
mkdir -p "$cache/bench"
gcc -O2 -Wall -o "$cache/bench/$bench" "$here/$bench.c"
"$here/../../scripts/vm-run.sh" ${KERNEL:+--kernel "$KERNEL"} --nodes 4 --mem 6144 \
	--timeout 3000 -- "$cache/bench/$bench" "${args[@]}"
