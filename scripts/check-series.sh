#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Check kernel-patches/series the way a bisection meets it: every patch
# applies in order to Linux 6.12, passes scripts/checkpatch.pl --strict (or
# explains below its "---" line, in a "checkpatch:" note, what it leaves and
# why) and leaves a kernel that builds.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<USAGE
usage: ${0##*/} [--quick | --full] [--target guest|debug|dist] [--from N] [--jobs N]
                [--source PATH] [--work DIR] [--rerun]

  --quick    (default) after each patch, compile the C files it touches
             (make FILE.o, those the config builds), against that step's
             headers and config
  --full     after each patch, build the whole kernel (incremental make
             all in one build directory): what a bisection needs, about
             an hour on 2 cores
  --target T the config to build with: the series' whole config for T
             (scripts/prepare.sh), limited at each step to the options that
             exist there (default guest)
  --from N   start checking at the N-th patch of the series (1-based);
             earlier ones are applied without checks
  --jobs N   make -j (default: the number of CPUs)
  --source P a 6.12 kernel source, as for prepare.sh
  --rerun    check every step again, also those that passed before with
             the same patches up to them, config, mode and this script
             (by default they are not checked again)
  --work DIR where the tree, the build and the logs go (default
             \$WASP_CACHE/series-check, $WASP_CACHE/series-check)

The series is \$WASP_PATCHES/series ($WASP_PATCHES/series). Exit status
0 when every step passed; 1 at the first step that failed, with its log.
USAGE
}

mode=quick target=guest from=1 jobs=$(nproc) src_args=() work=$WASP_CACHE/series-check rerun=0
while (( $# )); do
	case $1 in
	--quick) mode=quick; shift ;;
	--full) mode=full; shift ;;
	--target) target=${2:?--target needs a value}; shift 2 ;;
	--from) from=${2:?--from needs a number}; shift 2 ;;
	-j|--jobs) jobs=${2:?--jobs needs a number}; shift 2 ;;
	--source) src_args=(--source "${2:?--source needs a path}"); shift 2 ;;
	--work) work=${2:?--work needs a directory}; shift 2 ;;
	--rerun) rerun=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument: $1" ;;
	esac
done
case $target in guest|debug|dist) ;; *) die "--target must be guest, debug or dist, not '$target'" ;; esac
[[ $from =~ ^[1-9][0-9]*$ ]] || die "--from needs a positive number, not '$from'"
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "--jobs needs a positive number, not '$jobs'"

tree=$work/src obj=$work/build-$target logs=$work/logs passed=$work/passed
mkdir -p "$logs" "$passed"

# The whole series' config; each step keeps the options it knows.
eval "$("$WASP_ROOT/scripts/prepare.sh" "${src_args[@]}" --target "$target" --tree "$tree" --obj "$obj")"
cp "$obj/.config" "$work/config.$target"
git -C "$tree" checkout -q -f --detach wasp-base

mapfile -t patches < <(series_patches)
(( ${#patches[@]} )) || die "kernel-patches/series names no patch"
(( from <= ${#patches[@]} )) || die "--from $from: the series has ${#patches[@]} patches"

# Whether the patch @1 explains what checkpatch reports, below its "---".
explained() {
	awk '/^---$/ { notes = 1; next } /^diff --git / { exit } notes && /checkpatch:/ { found = 1 } END { exit !found }' "$1"
}

checkpatch() {
	local p=$1 out=$2
	(cd "$tree" && perl scripts/checkpatch.pl --strict --terse "$p") >"$out" 2>&1 && return 0
	grep -qE ': (ERROR|WARNING|CHECK):' "$out" || return 0
	explained "$p" && return 0
	return 1
}

# The objects of the kernel C files the last patch touched.
touched_objects() {
	git -C "$tree" diff --name-only --diff-filter=AM HEAD~1 HEAD -- '*.c' |
		grep -v -e '^tools/' -e '^Documentation/' -e '^scripts/' -e '/boot/' |
		sed 's/\.c$/.o/'
}

# Whether @1 (DIR/FILE.o) is built with this step's config: its Makefile
# names it on an obj-y line or one of an option set to y or m.
built() {
	local dir=${1%/*} o=${1##*/} opt
	grep -E "^[^#]*\b${o//./\\.}\b" "$tree/$dir/Makefile" 2>/dev/null | grep -q . || return 1
	opt=$(grep -E "^[^#]*\b${o//./\\.}\b" "$tree/$dir/Makefile" | grep -o 'CONFIG_[A-Z0-9_]*' | head -n1)
	[ -z "$opt" ] || grep -qE "^$opt=[ym]$" "$obj/.config"
}

build_step() {
	local n=$1 blog=$2
	cp "$work/config.$target" "$obj/.config"
	make -s -C "$tree" O="$obj" olddefconfig >/dev/null 2>&1
	if [ "$mode" = full ]; then
		make -C "$tree" O="$obj" -j"$jobs" all >"$blog" 2>&1
		return
	fi
	local objs=() o
	while read -r o; do built "$o" && objs+=("$o"); done < <(touched_objects)
	(( ${#objs[@]} )) || { echo "no built C file touched" >"$blog"; return 0; }
	make -C "$tree" O="$obj" -j"$jobs" "${objs[@]}" >"$blog" 2>&1
}

failed=0 start=$SECONDS n=0 reused=0
# A step's key: the patches up to it, the config, the mode and this script.
key=$( { sha256sum "$work/config.$target" "$0" | cut -c1-64; echo "$mode $target"; } | sha256sum | cut -c1-64)
for p in "${patches[@]}"; do
	n=$((n + 1))
	name=${p##*/}
	key=$( { echo "$key"; sha256sum <"$p"; } | sha256sum | cut -c1-64)
	git -C "$tree" apply --index --whitespace=nowarn "$p" 2>"$logs/apply.log" ||
		{ cat "$logs/apply.log" >&2; die "[$n] $name does not apply"; }
	git -C "$tree" -c user.name=check -c user.email=check@wasp.invalid commit -q --no-verify -m "$name"
	(( n >= from )) || continue
	if (( !rerun )) && [ -f "$passed/$key" ]; then
		reused=$((reused + 1))
		continue
	fi
	step=$SECONDS
	if ! checkpatch "$p" "$logs/$n.checkpatch"; then
		log "[$n] $name: checkpatch --strict reports, and the patch does not say why:"
		cat "$logs/$n.checkpatch" >&2
		failed=1
		break
	fi
	if ! build_step "$n" "$logs/$n.build"; then
		log "[$n] $name: the build fails; last lines of $logs/$n.build:"
		grep -E 'error|Error|\*\*\*' "$logs/$n.build" | tail -n 20 >&2
		failed=1
		break
	fi
	warnings=$(grep -c ': warning: ' "$logs/$n.build" || true)
	if (( warnings )); then
		log "[$n] $name: the build warns:"
		grep ': warning: ' "$logs/$n.build" >&2
		failed=1
		break
	fi
	notes=$(grep -cE ': (ERROR|WARNING|CHECK):' "$logs/$n.checkpatch" || true)
	(( notes )) && notes=", $notes checkpatch reports explained below ---" || notes=
	log "[$n] $name: ok ($mode build $((SECONDS - step))s$notes)"
	touch "$passed/$key"
done
(( failed )) && exit 1
(( reused )) && log "$reused step(s) not checked again: unchanged since they passed (--rerun)"
log "all ${#patches[@]} patches apply, pass checkpatch and build ($mode) in $((SECONDS - start))s"
