#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The key-value workload: Debian's redis-server loaded with N keys, then
# GETs of random keys from Debian's redis-benchmark (a key-value store
# under load, as WASP's evaluation runs Redis and Memcached; the YCSB-style
# read-only case, Cooper et al., SoCC 2010). Placement as the C workloads
# (src/common.c): built on node A, then threads and pages moved to node B
# (taskset, migratepages), or interleaved over every node, or on node A.
# usage: kv.sh --scenario S --node-a A --node-b B --threads T --mb MB
#              --ops N --pages 4k|thp [--repl NODES] [--status-out FILE]
# Check: after the load the store holds exactly the N keys with their
# values (sampled), and it served every GET the benchmark sent. Prints one
# RESULT line as the C workloads do; exit 1 if the check fails.
set -euo pipefail
sc=local a=0 b=1 threads=1 mb=16 ops=0 pages=4k repl= status_out=
while (( $# )); do
	case $1 in
	--scenario) sc=$2 ;; --node-a) a=$2 ;; --node-b) b=$2 ;; --threads) threads=$2 ;;
	--mb) mb=$2 ;; --ops) ops=$2 ;; --pages) pages=$2 ;; --repl) repl=$2 ;;
	--status-out) status_out=$2 ;;
	*) echo "kv: unknown option $1" >&2; exit 2 ;;
	esac
	shift 2
done
keys=$(( mb * 1024 ))	# 1024 keys per MB: small values, a store of some 100 B per key
(( ops > 0 )) || ops=$(( 4 * keys ))
dir=$(mktemp -d /tmp/wasp-kv.XXXXXX)
sock=$dir/redis.sock pid=
cleanup() { [ -z "$pid" ] || kill "$pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
cli() { redis-cli -s "$sock" "$@"; }
value() { echo "v$(( ($1 * 7919) % 1000003 ))-$1"; }

place=(--cpunodebind="$a" --membind="$a")
[ "$sc" = wide ] && place=(--interleave=all)
launch=(numactl "${place[@]}")
[ -n "$repl" ] && launch=("${WASP_RUN:-wasp-run}" --pgtablerepl="$repl" "${place[@]}")
thp=yes
[ "$pages" = thp ] && thp=no
"${launch[@]}" -- redis-server --port 0 --unixsocket "$sock" --save '' --appendonly no \
	--dir "$dir" --disable-thp "$thp" --io-threads "$threads" >"$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do cli ping >/dev/null 2>&1 && break; sleep 0.2; done
cli ping >/dev/null || { tail -n 5 "$dir/server.log" >&2; echo "kv: redis-server did not start" >&2; exit 2; }

# load: key:%012d as redis-benchmark's __rand_int__ writes keys
awk -v n="$keys" 'BEGIN { for (i = 0; i < n; i++) {
	k = sprintf("key:%012d", i); v = sprintf("v%d-%d", (i * 7919) % 1000003, i)
	printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, length(v), v } }' |
	cli --pipe >"$dir/load.log"
if [ "$sc" = migrate ]; then
	cpus=$(cat "/sys/devices/system/node/node$b/cpulist")
	taskset -a -p -c "$cpus" "$pid" >/dev/null
	migratepages "$pid" "$a" "$b"
fi

# the clients run where the server does not (the other node), or anywhere
client=()
[ "$sc" = migrate ] && client=(numactl --cpunodebind="$a")
[ "$sc" = local ] && client=(numactl --cpunodebind="$b")
gets() { sed -n 's/^cmdstat_get:calls=\([0-9]*\),.*/\1/p'; }
before=$(cli info commandstats | tr -d '\r' | gets)
start=$(date +%s.%N)
"${client[@]}" redis-benchmark -s "$sock" -n "$ops" -c $(( 4 * threads )) -r "$keys" -q \
	GET 'key:__rand_int__' >"$dir/bench.log" 2>&1
end=$(date +%s.%N)
rps=$(tr '\r' '\n' <"$dir/bench.log" | sed -n 's/.*: \([0-9.]*\) requests per second.*/\1/p' | tail -n 1)

# one client call: the GETs served, the size, and four keys' values
sample="0 $(( keys / 3 )) $(( keys / 2 )) $(( keys - 1 ))"
{
	echo "INFO commandstats"
	echo "DBSIZE"
	for i in $sample; do printf 'GET key:%012d\n' "$i"; done
} | cli >"$dir/check.log"
after=$(tr -d '\r' <"$dir/check.log" | gets)
ok=1 why=
size=$(tr -d '\r' <"$dir/check.log" | grep -E '^[0-9]+$' | head -n 1)
[ "$size" = "$keys" ] || { ok=0; why="dbsize $size, $keys keys loaded"; }
want=$(for i in $sample; do value "$i"; done)
got=$(tr -d '\r' <"$dir/check.log" | grep '^v[0-9]*-[0-9]*$' || true)
[ "$got" = "$want" ] || { ok=0; why="sampled values: got '${got//$'\n'/ }', want '${want//$'\n'/ }'"; }
(( ${after:-0} - ${before:-0} == ops )) ||
	{ ok=0; why="the server saw $(( ${after:-0} - ${before:-0} )) GETs of $ops"; }
[ -n "$rps" ] || { ok=0; why="no throughput in redis-benchmark's output"; }

kb=$(sed -n 's/^VmPTRepl:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$pid/status")
nodes=$(awk -v p="$pid" '$1 == p { print $3 }' /proc/pgtable_repl 2>/dev/null || true)
mask=$(awk -v l="${nodes:-}" 'BEGIN { m = 0; n = split(l, r, ",")
	for (i = 1; i <= n; i++) { if (split(r[i], x, "-") < 2) x[2] = x[1]
		for (j = x[1]; j <= x[2]; j++) m += 2 ^ j }
	printf "%#x", m }')
[ -z "$status_out" ] || cat /proc/mitosis_status >"$status_out" 2>/dev/null || true
secs=$(awk -v o="$ops" -v r="${rps:-0}" -v s="$start" -v e="$end" 'BEGIN { printf "%.6f", (r > 0 ? o / r : e - s) }')
echo "RESULT workload=kv scenario=$sc pages=$pages threads=$threads mb=$mb seconds=$secs" \
	"ops=$ops unit=gets rate=${rps:-0} verify=$( ((ok)) && echo ok || echo FAIL)" \
	"ptrepl_kb=${kb:--1} repl_mask=$mask"
(( ok )) || { echo "kv: verification FAILED: $why" >&2; exit 1; }
