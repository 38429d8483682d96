#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Describe and check the machine for bench/eval/run.sh.
# usage: machine.sh OUTDIR NODE_A NODE_B
# Writes OUTDIR/machine.json (the description kept with the results) and
# OUTDIR/machine.env (what run.sh reads: THP, perf events, free memory,
# tools found) and prints one line saying what the run cannot do and why.
set -euo pipefail
out=$1 a=$2 b=$3
sys=/sys/devices/system/node

# a JSON string
js() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "${s//$'\t'/ }"; }

model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
sockets=$(sort -u /sys/devices/system/cpu/cpu*/topology/physical_package_id 2>/dev/null | wc -l)
nodes=$(cat $sys/has_memory)
thp=$(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo none)
kernel=$(uname -r)
# the replication options of the kernel's config, where it is readable
repl_config() { grep -E '^CONFIG_(PGTABLE_REPL|MITOSIS)[A-Z_]*=' | tr '\n' ' ' || true; }
config="not readable"
if [ -r /proc/config.gz ]; then config=$(zcat /proc/config.gz | repl_config)
elif [ -r "/boot/config-$kernel" ]; then config=$(repl_config <"/boot/config-$kernel"); fi

# free memory (MB) and CPUs per node
node_json= free_a=0 free_b=0 cpus_a=0 cpus_b=0
for d in $sys/node[0-9]*; do
	n=${d##*node}
	free=$(awk '/MemFree/ { print int($4 / 1024) }' "$d/meminfo")
	cpus=$(cat "$d/cpulist")
	count=$(awk -v l="$cpus" 'BEGIN { n = split(l, r, ","); c = 0
		for (i = 1; i <= n; i++) { if (split(r[i], x, "-") == 2) c += x[2] - x[1] + 1; else if (r[i] != "") c++ }
		print c }')
	node_json+="${node_json:+, }{\"node\": $n, \"cpus\": $(js "$cpus"), \"cpu_count\": $count, \"free_mb\": $free}"
	[ "$n" = "$a" ] && free_a=$free cpus_a=$count
	[ "$n" = "$b" ] && free_b=$free cpus_b=$count
done

# page-walk events: the first of each kind that perf counts here
cannot=()
perf_ok() { local v; v=$(perf stat -x, -e "$1" true 2>&1 | tail -n 1 | cut -d, -f1); [[ $v =~ ^[0-9]+$ ]]; }
walk_cycles= walks= pmu=0
if command -v perf >/dev/null; then
	perf_ok cycles && pmu=1
	for e in dtlb_load_misses.walk_active dtlb_load_misses.walk_duration ls_tablewalker.dside; do
		perf_ok "$e" && { walk_cycles=$e; break; }
	done
	for e in dtlb_load_misses.walk_completed ls_l1_d_tlb_miss.all dTLB-load-misses; do
		perf_ok "$e" && { walks=$e; break; }
	done
	if [ -z "$walks" ]; then
		if (( pmu )); then cannot+=("page-walk figures (perf counts no DTLB walk event on this CPU)")
		else cannot+=("page-walk figures (no PMU: perf counts no hardware event here)"); fi
	fi
else
	cannot+=("page-walk figures (no perf: apt-get install linux-perf)")
fi
emulated=0
if grep -qw hypervisor /proc/cpuinfo && (( !pmu )); then emulated=1; fi
[ "$thp" = never ] && cannot+=("THP runs (transparent_hugepage is never)")
command -v gnuplot >/dev/null || cannot+=("plots (no gnuplot: apt-get install gnuplot-nox)")
command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null ||
	cannot+=("the kv workload (no redis: apt-get install redis-server redis-tools)")
java=0
if command -v "${JAVA_HOME:+$JAVA_HOME/bin/}java" >/dev/null && [ -f "${WASP_JAR:-}" ]; then java=1
else cannot+=("the waspd modes (no java or no waspd.jar: mvn -f waspd/pom.xml package)"); fi
(( pmu || !java )) || cannot+=("waspd on live counters (no PMU: it replays a trace that says every workload is TLB-heavy)")

cat >"$out/machine.json" <<JSON
{
  "date": $(js "$(date -u +%FT%TZ)"),
  "host": $(js "$(uname -n)"),
  "cpu_model": $(js "$model"),
  "sockets": $sockets,
  "cpus": $(nproc),
  "kernel": $(js "$kernel"),
  "kernel_config": $(js "$config"),
  "replication": $(js "$(ls -d /proc/mitosis_status /proc/pgtable_repl 2>/dev/null | tr '\n' ' ')"),
  "memory_nodes": $(js "$nodes"),
  "nodes": [$node_json],
  "thp": $(js "$thp"),
  "perf_walk_cycles_event": $(js "$walk_cycles"),
  "perf_walks_event": $(js "$walks"),
  "pmu": $pmu,
  "emulated_no_pmu": $emulated
}
JSON
cat >"$out/machine.env" <<ENV
thp=$thp
free_a=$free_a
free_b=$free_b
cpus_a=$cpus_a
cpus_b=$cpus_b
walk_cycles=$walk_cycles
walks=$walks
pmu=$pmu
emulated=$emulated
java=$java
ENV
if (( ${#cannot[@]} )); then
	(IFS=';'; echo "cannot:${cannot[*]/#/ }")
else
	echo "cannot: nothing, everything is available"
fi
