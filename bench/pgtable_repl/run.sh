#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build pgtable_repl_bench on the host and run it in a 4-node test guest.
# usage: bench/pgtable_repl/run.sh [SIZE_MB [RUNS]]  (env KERNEL=bzImage to
# boot another kernel than the cached guest build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${WASP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wasp}
mkdir -p "$cache/bench"
gcc -O2 -Wall -o "$cache/bench/pgtable_repl_bench" "$here/pgtable_repl_bench.c"
"$here/../../scripts/vm-run.sh" ${KERNEL:+--kernel "$KERNEL"} --nodes 4 --mem 6144 \
	--timeout 3000 -- "$cache/bench/pgtable_repl_bench" "${1:-1024}" "${2:-5}"
