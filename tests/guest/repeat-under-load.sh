#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs inside the test guest: repeats kselftest cases of one program with
# CPU hogs competing, to make a case that fails once in a CI run fail
# here. Prints each failing run's output and a count; exits 1 if any run
# failed.
#
#   repeat-under-load.sh [-n RUNS] [-j HOGS] PROGRAM CASE...
#
# e.g. scripts/vm-run.sh --nodes 2 -- tests/guest/repeat-under-load.sh \
#        -n 200 "$WASP_CACHE/tests/guest/dmem_emul/dmem_emul_test" \
#        collapsed_thp_is_remote
set -u
runs=20 hogs=3
usage() { echo "usage: ${0##*/} [-n RUNS] [-j HOGS] PROGRAM CASE..." >&2; exit 2; }
while getopts n:j: opt; do
	case $opt in
	n) runs=$OPTARG ;;
	j) hogs=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || usage
[[ $runs =~ ^[0-9]+$ && $hogs =~ ^[0-9]+$ ]] || usage
prog=$1
shift
[ -x "$prog" ] || { echo "${0##*/}: $prog is not an executable" >&2; exit 2; }

hog_pids=()
for ((i = 0; i < hogs; i++)); do
	(while :; do :; done) &
	hog_pids+=($!)
done
trap '[ ${#hog_pids[@]} -eq 0 ] || kill "${hog_pids[@]}" 2>/dev/null' EXIT

fails=0
for ((i = 1; i <= runs; i++)); do
	for case in "$@"; do
		start=$SECONDS
		out=$("$prog" -t "$case" 2>&1)
		if grep -q '^1\.\.0$' <<<"$out"; then
			echo "${0##*/}: $prog has no case $case" >&2
			exit 2
		fi
		if ! grep -q '^ok 1 ' <<<"$out"; then
			fails=$((fails + 1))
			echo "# run $i: $case failed after $((SECONDS - start)) s"
			grep -v '^#  RUN\|^TAP\|^1\.\.\|Starting' <<<"$out"
		fi
	done
	# progress, for long loops
	((i % 10)) || echo "# $i of $runs runs, $fails failed"
done
echo "# ${0##*/}: $fails failed of $((runs * $#)) ($runs runs of $# cases, $hogs hogs)"
[ $fails -eq 0 ]
