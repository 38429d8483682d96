#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Get a Linux 6.12 source, apply kernel-patches/series in order and write a
# kernel config, for a real machine (--target host) or a test guest
# (--target guest, debug, dist or bochs). Idempotent: running it again
# with nothing changed changes nothing, and files the series does not touch
# keep their timestamps, so rebuilds stay incremental.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<USAGE
usage: ${0##*/} [--source PATH] [--target guest|debug|dist|bochs|host] [--tree DIR] [--obj DIR]
                [--base-config FILE]

  --source PATH   a 6.12 kernel: source tarball, source directory or git tree
                  (default $WASP_SRC_DEFAULT, from Debian's
                  $WASP_SRC_PACKAGE package, installed if missing)
  --target T      guest: small QEMU test kernel (tinyconfig + guest.config)
                  debug: guest plus KASAN, lockdep, PAGE_TABLE_CHECK (see
                         docs/testing.md)
                  dist:  guest with what distribution kernels have and the
                         test guests otherwise lack: patched static keys
                         (JUMP_LABEL), page-table isolation (KPTI)
                  bochs: guest that boots from an initramfs under Bochs,
                         whose CPU has PCID (scripts/bochs-run.sh)
                  host:  a real machine: the running kernel's config + WASP
                  (default guest)
  --tree DIR      where the patched source tree goes (default \$WASP_CACHE/src)
  --obj DIR       out-of-tree build directory (default \$WASP_CACHE/build/TARGET)
  --base-config F host target: start from F instead of the running kernel's
                  config (/boot/config-\$(uname -r) or /proc/config.gz)

WASP_CACHE is $WASP_CACHE.
Prints the tree, build directory and key of the prepared build on stdout.
USAGE
}

source_path=$WASP_SRC_DEFAULT target=guest tree= obj= base_config=
while (( $# )); do
	case $1 in
	--source) source_path=${2:?--source needs a path}; shift 2 ;;
	--target) target=${2:?--target needs a value}; shift 2 ;;
	--tree) tree=${2:?--tree needs a directory}; shift 2 ;;
	--obj) obj=${2:?--obj needs a directory}; shift 2 ;;
	--base-config) base_config=${2:?--base-config needs a file}; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument: $1" ;;
	esac
done
case $target in guest|debug|dist|bochs|host) ;; *) die "--target must be guest, debug, dist, bochs or host, not '$target'" ;; esac
tree=${tree:-$WASP_CACHE/src}
obj=${obj:-$WASP_CACHE/build/$target}
command -v git >/dev/null || die "git is needed (apt-get install git)"

# --- 1. the source -------------------------------------------------------
if [ "$source_path" = "$WASP_SRC_DEFAULT" ] && [ ! -f "$source_path" ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		log "installing $WASP_SRC_PACKAGE"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$WASP_SRC_PACKAGE" >/dev/null ||
			die "could not install $WASP_SRC_PACKAGE (run apt-get update first?)"
	else
		die "no kernel source: install $WASP_SRC_PACKAGE (as root) or pass --source"
	fi
fi
[ -e "$source_path" ] || die "--source $source_path does not exist"
source_path=$(realpath "$source_path")

if [ -f "$source_path" ]; then
	source_id="tar:$(sha256sum "$source_path" | cut -c1-64)"
elif git -C "$source_path" rev-parse --verify -q HEAD >/dev/null 2>&1 &&
     [ "$(git -C "$source_path" rev-parse --show-toplevel)" = "$source_path" ]; then
	[ -z "$(git -C "$source_path" status --porcelain --untracked-files=no)" ] ||
		log "warning: $source_path has uncommitted changes; only its HEAD is used"
	source_id="git:$(git -C "$source_path" rev-parse 'HEAD^{tree}')"
elif [ -d "$source_path" ]; then
	[ -f "$source_path/Makefile" ] && [ -d "$source_path/mm" ] ||
		die "$source_path is not a kernel source directory"
	source_id="dir:$source_path"
else
	die "$source_path is neither a tarball nor a directory"
fi

git_t() { git -C "$tree" "$@"; }
mkdir -p "$tree"
if ! git_t rev-parse --git-dir >/dev/null 2>&1 || [ "$(git_t rev-parse --show-toplevel)" != "$(realpath "$tree")" ]; then
	git_t init -q
fi
git_t config user.name "WASP prepare"
git_t config user.email "prepare@wasp.invalid"
id_file=$(git_t rev-parse --absolute-git-dir)/wasp-source-id

import_source() {
	log "importing $source_path into $tree"
	find "$tree" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
	case $source_id in
	tar:*) tar -xf "$source_path" -C "$tree" --strip-components=1 ;;
	git:*) git -C "$source_path" archive --format=tar HEAD | tar -xf - -C "$tree" ;;
	dir:*) (cd "$source_path" && tar --exclude=.git -cf - .) | tar -xf - -C "$tree" ;;
	esac
	[ -f "$tree/Makefile" ] && [ -d "$tree/mm" ] || die "$source_path does not hold a kernel source tree"
	# Debian's tarball ignores everything at top level in .gitignore: force.
	git_t add -A -f >/dev/null
	git_t commit -q --allow-empty -m "base: $source_id"
	git_t tag -f wasp-base >/dev/null
	echo "$source_id" >"$id_file"
}
if [ "$(cat "$id_file" 2>/dev/null)" != "$source_id" ] || [ "${source_id%%:*}" = dir ]; then
	if [ "${source_id%%:*}" = dir ] && [ "$(cat "$id_file" 2>/dev/null)" = "$source_id" ]; then
		# A plain directory has no version id: compare its content.
		git_t checkout -q -f wasp-base
		find "$tree" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
		(cd "$source_path" && tar --exclude=.git -cf - .) | tar -xf - -C "$tree"
		git_t add -A -f >/dev/null
		git_t diff --cached --quiet wasp-base || { git_t commit -q -m "base: $source_id"; git_t tag -f wasp-base >/dev/null; }
	else
		import_source
	fi
fi
version=$(make -s -C "$tree" kernelversion 2>/dev/null) || die "cannot read the kernel version of $source_path"
case $version in 6.12|6.12.*) ;; *) die "WASP needs Linux 6.12, $source_path is $version" ;; esac

# --- 2. the series -------------------------------------------------------
# Build the patched tree in a scratch index, then check it out: git rewrites
# only files whose content differs from what is checked out now.
idx=$(mktemp)
trap 'rm -f "$idx" "$idx.err"' EXIT
export GIT_INDEX_FILE=$idx
git_t read-tree wasp-base
mapfile -t patches < <(series_patches)
for p in "${patches[@]}"; do
	if ! git_t apply --cached --whitespace=nowarn "$p" 2>"$idx.err"; then
		files=$(sed -n 's/^error: patch failed: \(.*\):[0-9]*$/\1/p; s/^error: \(.*\): does not exist in index$/\1/p' "$idx.err" | sort -u | tr '\n' ' ')
		cat "$idx.err" >&2
		die "patch ${p##*/} does not apply to $version${files:+ (file: ${files% })}; stopping"
	fi
done
patched_tree=$(git_t write-tree)
unset GIT_INDEX_FILE
commit=$(git_t rev-parse -q --verify "refs/wasp/$patched_tree" || true)
if [ -z "$commit" ]; then
	commit=$(git_t commit-tree "$patched_tree" -p wasp-base -m "WASP series (${#patches[@]} patches)")
	git_t update-ref "refs/wasp/$patched_tree" "$commit"
fi
if [ "$(git_t rev-parse -q --verify HEAD)" != "$commit" ] || [ -n "$(git_t status --porcelain --untracked-files=no)" ]; then
	git_t checkout -q -f --detach "$commit"
fi
log "$version with ${#patches[@]} WASP patches in $tree"

# --- 3. the config -------------------------------------------------------
cfgdir=$WASP_PATCHES/config
case $target in
guest) fragments=("$cfgdir/guest.config" "$cfgdir/guest-only.config" "$cfgdir/wasp.config") ;;
debug) fragments=("$cfgdir/guest.config" "$cfgdir/debug.config" "$cfgdir/wasp.config") ;;
dist)  fragments=("$cfgdir/guest.config" "$cfgdir/dist.config" "$cfgdir/wasp.config") ;;
bochs) fragments=("$cfgdir/guest.config" "$cfgdir/bochs.config" "$cfgdir/wasp.config") ;;
host)  fragments=("$cfgdir/host.config" "$cfgdir/wasp.config")
	if [ -z "$base_config" ]; then
		for c in "/boot/config-$(uname -r)" /proc/config.gz; do
			[ -r "$c" ] && { base_config=$c; break; }
		done
	fi
	[ -n "$base_config" ] && [ -r "$base_config" ] ||
		die "no config of the running kernel found: pass --base-config FILE" ;;
esac
key=$( { echo "$source_id $patched_tree $target"; cat "${fragments[@]}";
	 [ -z "$base_config" ] || { case $base_config in *.gz) zcat "$base_config" ;; *) cat "$base_config" ;; esac; }
	 cat "$0"; } | sha256sum | cut -c1-16)
mkdir -p "$obj"
if [ "$(cat "$obj/.wasp-config-key" 2>/dev/null)" != "$key" ] || [ ! -f "$obj/.config" ]; then
	log "writing the $target config in $obj"
	if [ "$target" = host ]; then
		case $base_config in *.gz) zcat "$base_config" ;; *) cat "$base_config" ;; esac >"$obj/.config.base"
		base=$obj/.config.base
	else
		make -s -C "$tree" O="$obj" tinyconfig >/dev/null
		cp "$obj/.config" "$obj/.config.base"
		base=$obj/.config.base
	fi
	(cd "$obj" && "$tree/scripts/kconfig/merge_config.sh" -m -O "$obj" "$base" "${fragments[@]}") >"$obj/.merge.log" 2>&1 ||
		{ cat "$obj/.merge.log" >&2; die "merging the config fragments failed"; }
	make -s -C "$tree" O="$obj" olddefconfig >/dev/null
	# Every option a fragment asks for (the last fragment that names it
	# wins) must survive olddefconfig.
	missing=
	declare -A wanted=()
	while IFS= read -r line; do
		case $line in CONFIG_*=*) wanted[${line%%=*}]=${line#*=} ;; esac
	done < <(cat "${fragments[@]}")
	for opt in "${!wanted[@]}"; do
		want=${wanted[$opt]}
		if [ "$want" = n ]; then
			grep -qx "$opt=[ym]" "$obj/.config" && missing+=" $opt=n"
		else
			grep -qxF "$opt=$want" "$obj/.config" || missing+=" $opt=$want"
		fi
	done
	[ -z "$missing" ] || die "config options the fragments ask for are not in the final config:$missing"
	echo "$key" >"$obj/.wasp-config-key"
fi
printf 'tree=%s\nobj=%s\nkey=%s\nversion=%s\n' "$tree" "$obj" "$key" "$version"
