#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the evaluation kit's programs: the workloads and the hog
# (bench/eval/src), wasp-run (libwasp) and pgtable_repl_bench, into
# $WASP_EVAL_BIN (default $WASP_CACHE/eval-bin). run.sh calls it; a QEMU
# guest, whose root is read-only, needs them built on the host first.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${WASP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wasp}
bin=${WASP_EVAL_BIN:-$cache/eval-bin}
make -s -C "$here" OUT="$bin"
make -s -C "$root/libwasp" OUT="$bin/libwasp" "$bin/libwasp/wasp-run"
src=$root/bench/pgtable_repl/pgtable_repl_bench.c
[ "$bin/pgtable_repl_bench" -nt "$src" ] || ${CC:-cc} -O2 -Wall -Wextra -o "$bin/pgtable_repl_bench" "$src"
