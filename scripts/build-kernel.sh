#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Prepare (scripts/prepare.sh) and build a WASP kernel out of tree. A build
# whose inputs (source, series, config fragments, these scripts) have not
# changed is not run again; a changed patch rebuilds incrementally.
# Prints the build directory on stdout; the kernel is OBJ/arch/x86/boot/bzImage
# and modules, if any, are installed under OBJ/modules.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

target=guest jobs=$(nproc) prep_args=()
while (( $# )); do
	case $1 in
	--target) target=${2:?}; prep_args+=("$1" "$2"); shift 2 ;;
	--source|--tree|--obj|--base-config) prep_args+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
	-j|--jobs) jobs=${2:?}; shift 2 ;;
	-h|--help) echo "usage: ${0##*/} [--target guest|debug|dist|bochs|host] [--jobs N] [prepare.sh options]"; exit 0 ;;
	*) die "unknown argument: $1 (see --help)" ;;
	esac
done

prepared=$("$WASP_ROOT/scripts/prepare.sh" "${prep_args[@]}") || exit
eval "$prepared"
key=$( { echo "$key"; cat "$0"; } | sha256sum | cut -c1-16)
image=$obj/arch/x86/boot/bzImage
if [ -f "$image" ] && [ "$(cat "$obj/.wasp-build-key" 2>/dev/null)" = "$key" ]; then
	log "$target kernel up to date ($(cat "$obj/include/config/kernel.release"))"
	echo "$obj"
	exit 0
fi
rm -f "$obj/.wasp-build-key"
run_with_progress "building the $target kernel" "$obj/build.log" make -C "$tree" O="$obj" -j"$jobs" all
rm -rf "$obj/modules"
if grep -q '^CONFIG_MODULES=y' "$obj/.config" && grep -q '=m$' "$obj/.config"; then
	make -s -C "$tree" O="$obj" INSTALL_MOD_PATH="$obj/modules" INSTALL_MOD_STRIP=1 modules_install >/dev/null
fi
echo "$key" >"$obj/.wasp-build-key"
log "$target kernel $(cat "$obj/include/config/kernel.release"): $image"
echo "$obj"
