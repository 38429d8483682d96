#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Plots of DIR/summary.csv and DIR/update-costs.csv with gnuplot (PNG):
# speedup-SCENARIO-PAGES.png, one bar per workload and mode (speedup of
# the median against replication off, 1 = no change), and update-costs.png
# (each operation's cost with N copies relative to 1 copy).
# usage: plot.sh DIR   (report.sh calls it)
set -euo pipefail
dir=${1:?usage: plot.sh DIR}
command -v gnuplot >/dev/null || { echo "plot.sh: no gnuplot, no plots (apt-get install gnuplot-nox)" >&2; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
modes=$(tail -n +2 "$dir/summary.csv" | cut -d, -f4 | awk '!s[$0]++' | tr '\n' ' ')

# histogram TITLE DATA PNG YLABEL: DATA's first line names the columns
histogram() {
	local cols
	cols=$(head -n 1 "$2" | awk '{ print NF }')
	gnuplot <<GP
set terminal pngcairo size 900,500 noenhanced
set output "$3"
set title "$1"
set ylabel "$4"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key outside right top
set yrange [0:*]
set grid ytics
plot for [c=2:$cols] "$2" using c:xtic(1) title columnheader(c)
GP
}

while IFS=, read -r sc pg; do
	[ -n "$sc" ] || continue
	data=$tmp/$sc-$pg.dat
	{
		printf 'workload'; for m in $modes; do printf ' %s' "$m"; done; echo
		awk -F, -v s="$sc" -v p="$pg" -v modes="$modes" 'NR > 1 && $2 == s && $3 == p {
			if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 }
			v[$1, $4] = $17 }
			END { k = split(modes, m, " ")
				for (i = 1; i <= n; i++) { printf "%s", order[i]
					for (j = 1; j <= k; j++) printf " %s", (order[i], m[j]) in v && v[order[i], m[j]] != "" ? v[order[i], m[j]] : 0
					print "" } }' "$dir/summary.csv"
	} >"$data"
	histogram "speedup against replication off: $sc, $pg pages" "$data" "$dir/speedup-$sc-$pg.png" "speedup (median)"
done <<<"$(tail -n +2 "$dir/summary.csv" | cut -d, -f2,3 | awk '!seen[$0]++')"

if [ -s "$dir/update-costs.csv" ]; then
	data=$tmp/costs.dat
	awk -F, 'NR == 1 { next } { if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } v[$1, $2] = $4; if ($2 > max) max = $2 }
		END { printf "operation"; for (k = 1; k <= max; k++) printf " %d_copies", k; print ""
			for (i = 1; i <= n; i++) { o = order[i]; gsub(/ /, "_", o); printf "%s", o
				for (k = 1; k <= max; k++) printf " %s", v[order[i], k]; print "" } }' "$dir/update-costs.csv" >"$data"
	histogram "update costs relative to 1 copy (replication off)" "$data" "$dir/update-costs.png" "time / time with 1 copy"
fi
