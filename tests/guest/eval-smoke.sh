#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# In-guest smoke run of the evaluation kit (bench/eval, docs/evaluation.md),
# on the guest's two nodes, in two parts to stay within about 5 minutes
# under TCG: run.sh --quick with every workload in the migrate scenario,
# 4 KB pages, modes off, on and waspd 1 (the JVM's start-up under TCG
# costs a minute or more per waspd mode); then gups and kv in the wide and
# contended scenarios with THP, off and on. Checks that every run verified
# its result, that the CSV has one row per workload, scenario, page size,
# mode and repetition, that the report, the plots and the update-cost
# table are there, and that compare works. TAP on stdout.
# The programs are built on the host first (bench/eval/build.sh;
# scripts/test.sh does it), as the guest's root is read-only.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kit=$here/../../bench/eval
out=/tmp/eval
n=0 bad=0
ok() { n=$((n + 1)); if eval "$2"; then echo "ok $n $1"; else echo "not ok $n $1"; bad=1; fi; }
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }

args=(--quick --scenarios migrate --pages 4k --modes off,on,waspd1 --out "$out")
args2=(--quick --workloads gups,kv --scenarios wide,contended --pages thp --modes off,on
       --no-update-costs --out "$out-2")
echo "# === eval smoke: bench/eval/run.sh ${args[*]}; then ${args2[*]}"
start=$SECONDS
"$kit/run.sh" "${args[@]}" 2>&1 | sed 's/^/# /'
rc=${PIPESTATUS[0]}
echo "# run.sh took $(( SECONDS - start )) s"
start=$SECONDS
"$kit/run.sh" "${args2[@]}" 2>&1 | sed 's/^/# /'
rc2=${PIPESTATUS[0]}
echo "# run.sh took $(( SECONDS - start )) s"
csv=$out/results.csv
ok "run.sh ${args[*]} exits 0" '(( rc == 0 ))'
ok "run.sh ${args2[*]} exits 0" '(( rc2 == 0 ))'
ok "the second run: 8 rows, every one verified" \
	'[ "$(awk -F, '\''NR > 1 && $12 == "ok"'\'' "$out-2/results.csv" | wc -l)" = 8 ]'
ok "results.csv exists" '[ -s "$csv" ]'
[ -s "$csv" ] || { echo "1..$n"; exit 1; }
modes=$(sed -n 's/.*"modes": "\([^"]*\)".*/\1/p' "$out/run.json")
rows=$(( $(wc -w <<<"$(sed -n 's/.*"workloads": "\([^"]*\)".*/\1/p' "$out/run.json")") *
	$(wc -w <<<"$(sed -n 's/.*"scenarios": "\([^"]*\)".*/\1/p' "$out/run.json")") *
	$(wc -w <<<"$(sed -n 's/.*"pages": "\([^"]*\)".*/\1/p' "$out/run.json")") *
	$(wc -w <<<"$modes") * $(sed -n 's/.*"reps": \([0-9]*\).*/\1/p' "$out/run.json") ))
for w in gups btree hashjoin xsbench bfs kv; do
	got=$(awk -F, -v w="$w" '$1 == w' "$csv" | wc -l)
	good=$(awk -F, -v w="$w" '$1 == w && $12 == "ok"' "$csv" | wc -l)
	ok "$w: ran ($got runs) and verified its result in every run" '(( got > 0 && good == got ))'
done
ok "results.csv has one row per workload, scenario, pages, mode and repetition ($rows)" \
	'(( $(wc -l <"$csv") - 1 == rows ))'
if [ -f "${WASP_JAR:-$here/../../waspd/target/waspd.jar}" ]; then
	ok "the waspd 1 mode ran" '[[ " $modes " == *" waspd1 "* ]]'
	ok "waspd turned replication on for the workloads" \
		'awk -F, '\''$4 ~ /^waspd/ { s += $17 } END { exit !(s > 0) }'\'' "$csv"'
else
	skip "the waspd 1 mode ran" "no waspd.jar (WASP_JAR)"
	skip "waspd turned replication on" "no waspd.jar (WASP_JAR)"
fi
ok "replication on: the copies took memory (VmPTRepl > 0)" \
	'awk -F, '\''$4 == "on" && $13 > 0 { f = 1 } END { exit !f }'\'' "$csv"'
ok "report.md is there and its first line says the figures mean nothing" \
	'[ -s "$out/report.md" ] && head -n 1 "$out/report.md" | grep -q "mean nothing"'
for p in $(tail -n +2 "$out/summary.csv" 2>/dev/null | cut -d, -f2,3 | sort -u | tr , -) \
	$(tail -n +2 "$out-2/summary.csv" 2>/dev/null | cut -d, -f2,3 | sort -u | sed 's/,/-/; s/^/2:/') costs; do
	f=$out/speedup-$p.png
	[ "$p" = costs ] && f=$out/update-costs.png
	[[ $p == 2:* ]] && f=$out-2/speedup-${p#2:}.png
	ok "plot ${f##*/} is a non-empty PNG" '[ -s "$f" ] && head -c 4 "$f" | grep -q PNG'
done
ok "update-costs.csv has 1 and 2 copies for mmap+touch, mprotect, fork, munmap" \
	'for o in mmap+touch mprotect fork munmap; do for c in 1 2; do grep -q "^$o,$c," "$out/update-costs.csv" || exit 1; done; done'
ok "machine.json describes the machine" 'grep -q "\"cpu_model\"" "$out/machine.json" && grep -q "\"kernel\"" "$out/machine.json"'
ok "compare DIR DIR gives a ratio of 1" \
	'"$kit/run.sh" compare "$out" "$out" | grep -q "| 1.000 |"'
ok "an unknown workload is refused in one line" \
	'[ "$("$kit/run.sh" --workloads nosuch 2>&1 >/dev/null | wc -l)" = 1 ]'
ok "a node without CPUs or memory is refused in one line, status 2" \
	'msg=$("$kit/run.sh" --quick --nodes 0,9 2>&1 >/dev/null); [ $? = 2 ] && [ "$(wc -l <<<"$msg")" = 1 ]'
for f in "$out/report.md" "$out/results.csv" "$out-2/report.md" "$out-2/results.csv" "$out/raw/waspd-1.log"; do
	echo "# ---- $f"
	sed 's/^/#   /' "$f" 2>/dev/null
done
echo "1..$n"
exit $bad
