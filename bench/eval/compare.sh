#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Two result directories of run.sh side by side: for each workload,
# scenario, page size and mode in both, the median rate and the speedup
# against off in each, and the ratio of the medians (DIR2 / DIR1), with
# both machines' descriptions. Writes DIR1/compare-NAME2.md and prints it.
# usage: compare.sh DIR1 DIR2   (or: run.sh compare DIR1 DIR2)
set -euo pipefail
die() { echo "compare: $*" >&2; exit 2; }
(( $# == 2 )) || die "usage: run.sh compare DIR1 DIR2"
for d in "$1" "$2"; do
	[ -f "$d/summary.csv" ] && [ -f "$d/machine.json" ] || die "$d is not a run.sh result directory (no summary.csv or machine.json)"
done
desc() { sed -n 's/^  "\(cpu_model\|kernel\|memory_nodes\|thp\|date\)": "\(.*\)",\{0,1\}$/\1 \2;/p' "$1/machine.json" | tr '\n' ' '; }
outf=$1/compare-$(basename "$(cd "$2" && pwd)").md
{
	echo "# Comparison"
	echo
	echo "- 1: $1: $(desc "$1")"
	echo "- 2: $2: $(desc "$2")"
	echo
	echo "| workload | scenario | pages | mode | median 1 | median 2 | 2 / 1 | speedup 1 | speedup 2 |"
	echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
	awk -F, 'FNR == 1 { next } NR == FNR { r[$1 "," $2 "," $3 "," $4] = $8; s[$1 "," $2 "," $3 "," $4] = $17; next }
		{ k = $1 "," $2 "," $3 "," $4; if (!(k in r)) next
		  printf "| %s | %s | %s | %s | %.4g | %.4g | %s | %s | %s |\n", $1, $2, $3, $4, r[k], $8,
			(r[k] > 0 ? sprintf("%.3f", $8 / r[k]) : "-"), s[k], $17; n++ }
		END { if (!n) print "| (no workload, scenario, page size and mode in both) | | | | | | | | |" }' "$1/summary.csv" "$2/summary.csv"
} >"$outf"
cat "$outf"
