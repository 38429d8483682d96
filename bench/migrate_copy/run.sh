#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build migrate_copy_bench and copy_scaling on the host and run them in the
# QEMU NUMA guest.
# usage: bench/migrate_copy/run.sh [--kernel BZIMAGE --modules DIR] [-- BENCH ARGS]
#   default: the guest target built by scripts/build-kernel.sh and its
#   modules (the guest's /lib is the host's: the bench loads the provider
#   from $WASP_MODULES)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
vm_args=(--target guest)
while (( $# )); do
	case $1 in
	--kernel) vm_args=(--kernel "$2"); shift 2 ;;
	--modules) export WASP_MODULES=$2; shift 2 ;;
	--) shift; break ;;
	*) echo "unknown argument: $1" >&2; exit 2 ;;
	esac
done
cache=${WASP_CACHE:-$HOME/.cache/wasp}
if [ "${vm_args[0]}" = --target ] && [ -z "${WASP_MODULES:-}" ]; then
	export WASP_MODULES=$cache/build/guest/modules
fi
out=$cache/bench
mkdir -p "$out"
cc -O2 -Wall -o "$out/migrate_copy_bench" "$here/migrate_copy_bench.c"
cc -O2 -Wall -pthread -o "$out/copy_scaling" "$here/copy_scaling.c"
# The copy's own scaling first, three times (it is noisy under TCG): no
# backend can beat it. Then the backends, in the same guest.
exec "$root/scripts/vm-run.sh" "${vm_args[@]}" --nodes 2 --timeout 1800 -- \
	/bin/sh -c 'for i in 1 2 3; do "$0/copy_scaling" -t 4 -g 0.25 || exit; done
exec "$0/migrate_copy_bench" "$@"' "$out" "$@"
