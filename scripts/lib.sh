# SPDX-License-Identifier: GPL-2.0-only
# Shared helpers for the WASP scripts: paths, messages, progress.
# Sourced, never run.

WASP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WASP_CACHE=${WASP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wasp}
WASP_PATCHES=${WASP_PATCHES:-$WASP_ROOT/kernel-patches}
WASP_SRC_DEFAULT=/usr/src/linux-source-6.12.tar.xz
WASP_SRC_PACKAGE=linux-source-6.12

log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# run_with_progress LABEL LOGFILE CMD...: run CMD with its output in LOGFILE,
# print a line every 30 s so long steps are visibly alive, and on failure
# show the end of the log.
run_with_progress() {
	local label=$1 logf=$2 start=$SECONDS next=$(( SECONDS + 30 )) pid rc
	shift 2
	"$@" >"$logf" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		if (( SECONDS >= next )); then
			log "$label: $(( SECONDS - start ))s, $(grep -c '^  [A-Z]' "$logf" 2>/dev/null) steps done"
			next=$(( SECONDS + 30 ))
		fi
	done
	wait "$pid" && rc=0 || rc=$?
	if (( rc != 0 )); then
		log "$label failed (exit $rc); last lines of $logf:"
		grep -E 'error|Error|\*\*\*' "$logf" | tail -n 20 >&2
		tail -n 20 "$logf" >&2
		return "$rc"
	fi
	log "$label: done in $(( SECONDS - start ))s"
}

# The patches named by kernel-patches/series, in order, one path a line.
series_patches() {
	local p
	[ -f "$WASP_PATCHES/series" ] || return 0
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		[ -f "$WASP_PATCHES/$p" ] || die "series names $p, which is not in kernel-patches/"
		printf '%s\n' "$WASP_PATCHES/$p"
	done <"$WASP_PATCHES/series"
}
