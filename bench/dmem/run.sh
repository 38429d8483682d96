#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build dmem_accuracy on the host and run it in a 2-node QEMU guest.
# usage: bench/dmem/run.sh [--kernel BZIMAGE | --target T] [-- dmem_accuracy ARGS]
#   default: the guest kernel built by scripts/build-kernel.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
vm_args=(--target guest)
while (( $# )); do
	case $1 in
	--kernel) vm_args=(--kernel "${2:?--kernel needs a bzImage}"); shift 2 ;;
	--target) vm_args=(--target "${2:?--target needs guest or debug}"); shift 2 ;;
	--) shift; break ;;
	*) echo "run.sh: unknown argument: $1 (see the usage line at the top)" >&2; exit 2 ;;
	esac
done
out=${WASP_CACHE:-$HOME/.cache/wasp}/bench
mkdir -p "$out"
cc -O2 -Wall -o "$out/dmem_accuracy" "$here/dmem_accuracy.c"
# No swap: 800 MB of shmem must stay in memory, not be reclaimed
exec "$root/scripts/vm-run.sh" "${vm_args[@]}" --nodes 2 --mem 3072 --swap 0 --timeout 3600 -- \
	"$out/dmem_accuracy" "$@"
