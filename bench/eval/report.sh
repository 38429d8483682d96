#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# DIR/results.csv (+ machine.json, update-costs.csv, raw/) -> DIR/summary.csv,
# DIR/report.md and DIR/*.png (gnuplot). run.sh calls it; it can be run
# again on a kept directory.  usage: report.sh DIR
set -euo pipefail
dir=${1:?usage: report.sh DIR}
[ -f "$dir/results.csv" ] || { echo "report.sh: no $dir/results.csv" >&2; exit 2; }
md=$dir/report.md
jnum() { grep -o "\"$1\": [0-9]*" "$dir/machine.json" | grep -o '[0-9]*$' || echo 0; }
jstr() { sed -n "s/^  \"$1\": \"\(.*\)\",\{0,1\}$/\1/p" "$dir/machine.json"; }

# summary.csv: per workload, scenario, pages and mode, over the verified
# repetitions: n, rate min/median/max, median seconds, speedup of the
# median rate against off, median walks and walk cycles per operation,
# largest VmPTRepl, waspd's decisions (sums)
tail -n +2 "$dir/results.csv" | awk -F, '$12 == "ok"' | sort -t, -k1,4 -k11,11g | awk -F, '
function med(a, n) { return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
function flush() {
	if (key == "") return
	asort_s(secs, n); asort_s(wpo, nw); asort_s(cpo, nc)
	printf "%s,%d,%s,%.6g,%.6g,%.6g,%.6g,%s,%s,%d,%d,%d,%d\n", key, n, unit, rate[1], med(rate, n),
		rate[n], med(secs, n), nw ? sprintf("%.4g", med(wpo, nw)) : "", nc ? sprintf("%.4g", med(cpo, nc)) : "",
		kb, en, dis, st
}
function asort_s(a, k,   i, j, t) { for (i = 2; i <= k; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t } }
{
	k = $1 "," $2 "," $3 "," $4
	if (k != key) { flush(); key = k; n = nw = nc = 0; kb = -1; en = dis = st = 0 }
	n++; rate[n] = $11; secs[n] = $8; unit = $10
	if ($16 != "" && $9 > 0) wpo[++nw] = $16 / $9
	if ($15 != "" && $9 > 0) cpo[++nc] = $15 / $9
	if ($13 > kb) kb = $13
	en += $17; dis += $18; st += $19
}
END { flush() }' >"$dir/summary.tmp"
{
	echo "workload,scenario,pages,mode,n,unit,rate_min,rate_median,rate_max,seconds_median,walks_per_op,walk_cycles_per_op,ptrepl_kb_max,waspd_enable,waspd_disable,waspd_steer,speedup"
	awk -F, 'NR == FNR { if ($4 == "off") off[$1 "," $2 "," $3] = $8; next }
		{ o = off[$1 "," $2 "," $3]; print $0 "," (o > 0 ? sprintf("%.3f", $8 / o) : "") }' \
		"$dir/summary.tmp" "$dir/summary.tmp"
} >"$dir/summary.csv"
rm -f "$dir/summary.tmp"

total=$(( $(wc -l <"$dir/results.csv") - 1 ))
bad=$(tail -n +2 "$dir/results.csv" | awk -F, '$12 != "ok"' | wc -l)
{
	if [ "$(jnum emulated_no_pmu)" = 1 ]; then
		echo "**Produced on an emulated or virtual machine without a PMU (such as the project's QEMU TCG guest): the figures mean nothing; only that every workload ran and verified its result.**"
	else
		echo "**WASP evaluation on $(jstr host), $(jstr cpu_model).**"
	fi
	echo
	echo "# WASP evaluation report"
	echo
	echo "Machine: $(jstr cpu_model), $(jnum sockets) socket(s), $(jnum cpus) CPUs, nodes with memory $(jstr memory_nodes), kernel $(jstr kernel), THP \`$(jstr thp)\`; $(jstr date)."
	if [ -f "$dir/run.json" ]; then
		rj() { tr -d '\n' <"$dir/run.json" | grep -o "\"$1\": \"\{0,1\}[^,\"]*" | sed 's/.*: "\{0,1\}//'; }
		echo "Run: \`$(sed -n 's/.*"command": "\(.*\)"}.*/\1/p' "$dir/run.json")\` ($(rj size) size, $(rj mb) MB per workload, $(rj reps) repetition(s), nodes A and B: $(tr -d '\n' <"$dir/run.json" | sed -n 's/.*"nodes": \[\([0-9, ]*\)\].*/\1/p'))."
	fi
	[ -f "$dir/cannot.txt" ] && echo "Not measured: $(sed 's/^cannot: //' "$dir/cannot.txt")."
	echo
	echo "Runs: $total, verified: $(( total - bad )), failed: $bad$( ((bad)) && echo ' (see raw/*.err)')."
	echo
	echo "## Throughput per scenario"
	echo
	echo "Median rate over the repetitions [min - max], and the speedup of the median against replication off (higher is better)."
	while IFS=, read -r sc pg; do
	[ -n "$sc" ] || continue
		echo
		echo "### $sc, $pg pages"
		echo
		echo "| workload | unit/s | mode | median [min - max] | speedup | walks/op | walk cycles/op | VmPTRepl max (kB) |"
		echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
		awk -F, -v s="$sc" -v p="$pg" 'function f(x) { return x >= 100 ? sprintf("%.0f", x) : sprintf("%.3g", x) }
			NR > 1 && $2 == s && $3 == p {
			printf "| %s | %s | %s | %s [%s - %s] | %s | %s | %s | %s |\n", $1, $6, $4, f($8), f($7), f($9), $17, $11 == "" ? "-" : $11, $12 == "" ? "-" : $12, $13 < 0 ? "-" : $13 }' "$dir/summary.csv"
		[ -f "$dir/speedup-$sc-$pg.png" ] || true
		echo
		echo "![speedup, $sc, $pg](speedup-$sc-$pg.png)"
	done <<<"$(tail -n +2 "$dir/summary.csv" | cut -d, -f2,3 | awk '!seen[$0]++')"
	echo
	echo "## waspd's decisions"
	echo
	echo "Replication turned on / off and threads steered by the daemon during each workload's runs (sums over the repetitions; log: raw/waspd-*.log)."
	echo
	echo "| workload | scenario | pages | mode | on | off | steered |"
	echo "| --- | --- | --- | --- | --- | --- | --- |"
	awk -F, 'NR > 1 && $4 ~ /^waspd/ { printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $14, $15, $16 }' "$dir/summary.csv"
	for log in "$dir"/raw/waspd-*.log; do
		[ -f "$log" ] || continue
		echo
		echo "${log##*/}: $(grep -c 'replication off -> on' "$log" || true) times on, $(grep -c 'replication on -> off' "$log" || true) times off; $(grep -m1 'PTL matrix' "$log" | sed 's/.*\(PTL matrix.*\)/\1/' || true)"
	done
	last=$(ls -t "$dir"/raw/*.mitosis_status 2>/dev/null | head -n 1 || true)
	if [ -n "$last" ]; then
		echo
		echo "## The copies' memory"
		echo
		echo "The table's VmPTRepl column is the largest \`VmPTRepl\` (/proc/PID/status) a run's workload had at the end of its timed phase. /proc/mitosis_status at that point of the last run (${last##*/}; one file per run in raw/):"
		echo
		echo '```'
		cat "$last"
		echo '```'
	fi
	if [ -s "$dir/update-costs.csv" ]; then
		echo
		echo "## Update costs (Mitosis Table 5 form)"
		echo
		echo "Nanoseconds per 4 KB page of each operation over a region with 1 copy (replication off) to N copies, and the ratio to 1 copy (pgtable_repl_bench --table)."
		echo
		awk -F, 'NR == 1 { next } { ops[$1] = 1; order[++n] = $1; v[$1, $2] = sprintf("%.1f (%.2fx)", $3, $4); if ($2 > max) max = $2 }
			END { printf "| operation |"; for (k = 1; k <= max; k++) printf " %d %s |", k, k == 1 ? "copy" : "copies"; print ""
				printf "| --- |"; for (k = 1; k <= max; k++) printf " --- |"; print ""
				for (i = 1; i <= n; i++) { o = order[i]; if (done[o]++) continue; printf "| %s |", o
					for (k = 1; k <= max; k++) printf " %s |", v[o, k]; print "" } }' "$dir/update-costs.csv"
		echo
		echo "![update costs](update-costs.png)"
	fi
	echo
	echo "Raw results: results.csv (one line per run), summary.csv, machine.json, raw/ (each run's output, perf counts, /proc/mitosis_status)."
} >"$md"
"$(dirname "$0")/plot.sh" "$dir"
