#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The WASP evaluation kit: what page-table replication gains and costs on
# this machine, as the Mitosis and WASP papers report it (docs/evaluation.md).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
all_workloads="gups btree hashjoin xsbench bfs kv"

usage() {
	cat <<USAGE
usage: ${0##*/} [--quick|--full] [--nodes A,B] [--workloads LIST] [--out DIR]
               [--reps N] [--scenarios LIST] [--modes LIST] [--pages LIST]
               [--no-update-costs]
       ${0##*/} compare DIR1 DIR2
Run as root on a WASP kernel. Every workload in every scenario, page size
and replication mode, --reps times; then the update costs (Mitosis Table 5
form); then DIR/report.md and the plots (docs/evaluation.md).
  --quick          tiny sizes and short runs (the QEMU guest; 1 repetition)
  --full           a third of the smaller node's free memory, 5 repetitions
                   (default: an eighth, at most 4 GB, 3 repetitions)
  --nodes A,B      the two nodes of the thin scenarios: built on A, moved to
                   B (default: the first two nodes with memory and CPUs)
  --workloads LIST comma-separated, of: ${all_workloads// /,} (default: all)
  --scenarios LIST of migrate, wide, contended (default: all three)
  --modes LIST     of off, on, waspd0, waspd1 (default: all four)
  --pages LIST     of 4k, thp (default: both)
  --out DIR        results directory (default: ./eval-YYYYmmdd-HHMMSS)
  compare DIR1 DIR2  two result directories side by side (DIR1/compare-*.md)
USAGE
}
die() { echo "run.sh: $*" >&2; exit 2; }

invocation="bench/eval/run.sh $*"
if [ "${1:-}" = compare ]; then
	shift
	exec "$here/compare.sh" "$@"
fi

size=default nodes= workloads=$all_workloads out= reps= costs=1
scenarios="migrate wide contended" modes="off on waspd0 waspd1" pages="4k thp"
list() { echo "${1//,/ }"; }
while (( $# )); do
	case $1 in
	--quick) size=quick; shift ;;
	--full) size=full; shift ;;
	--nodes) nodes=${2:?}; shift 2 ;;
	--workloads) workloads=$(list "${2:?}"); shift 2 ;;
	--scenarios) scenarios=$(list "${2:?}"); shift 2 ;;
	--modes) modes=$(list "${2:?}"); shift 2 ;;
	--pages) pages=$(list "${2:?}"); shift 2 ;;
	--reps) reps=${2:?}; shift 2 ;;
	--out) out=${2:?}; shift 2 ;;
	--no-update-costs) costs=0; shift ;;
	-h|--help) usage; exit 0 ;;
	*) die "unknown argument: $1 (--help lists the options)" ;;
	esac
done
# check_list WHAT LIST ALLOWED: every item of LIST is one of ALLOWED
check_list() {
	local w
	[ -n "$2" ] || die "empty $1 list"
	for w in $2; do
		[[ " $3 " == *" $w "* ]] || die "unknown $1: $w (known: $3)"
	done
}
check_list workload "$workloads" "$all_workloads"
check_list scenario "$scenarios" "migrate wide contended"
check_list mode "$modes" "off on waspd0 waspd1"
check_list "page size" "$pages" "4k thp"
[ -z "$reps" ] || [[ $reps =~ ^[1-9][0-9]?$ ]] || die "--reps must be 1 to 99"

# ---- the machine ----
(( EUID == 0 )) || die "must run as root (it binds memory, migrates pages and starts waspd)"
[ -e /proc/mitosis_status ] || [ -e /proc/pgtable_repl ] ||
	die "not a WASP kernel: neither /proc/mitosis_status nor /proc/pgtable_repl exists"
sys=/sys/devices/system/node
mem_nodes=() cpu_nodes=()
for d in $sys/node[0-9]*; do
	n=${d##*node}
	grep -q 'MemTotal:[[:space:]]*[1-9]' "$d/meminfo" && mem_nodes+=("$n")
	[ -n "$(cat "$d/cpulist")" ] && grep -q 'MemTotal:[[:space:]]*[1-9]' "$d/meminfo" && cpu_nodes+=("$n")
done
(( ${#cpu_nodes[@]} >= 2 )) || die "needs two NUMA nodes with memory and CPUs, this machine has ${#cpu_nodes[@]}"
[ -n "$nodes" ] || nodes=${cpu_nodes[0]},${cpu_nodes[1]}
[[ $nodes =~ ^([0-9]+),([0-9]+)$ ]] || die "bad node list '$nodes': give two nodes, A,B"
a=${BASH_REMATCH[1]} b=${BASH_REMATCH[2]}
(( a != b )) || die "bad node list '$nodes': A and B must differ"
for n in $a $b; do
	[[ " ${cpu_nodes[*]} " == *" $n "* ]] || die "bad node list '$nodes': node $n has no memory or no CPUs (nodes with both: ${cpu_nodes[*]})"
done

[ -n "$out" ] || out=$PWD/eval-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out/raw" 2>/dev/null && [ -w "$out" ] || die "cannot write to $out"
out=$(cd "$out" && pwd)

# ---- the programs (built on the host: a guest's root is read-only) ----
cache=${WASP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wasp}
bin=${WASP_EVAL_BIN:-$cache/eval-bin}
WASP_EVAL_BIN=$bin "$here/build.sh" >"$out/raw/build.log" 2>&1 ||
	die "building the programs into $bin failed (log: $out/raw/build.log; in a read-only guest build them on the host first, e.g. by running bench/eval/build.sh there)"
export WASP_RUN=$bin/libwasp/wasp-run WASP_JAR=${WASP_JAR:-$root/waspd/target/waspd.jar}

cannot=$("$here/machine.sh" "$out" "$a" "$b") || die "the machine check failed"
echo "$cannot" | tee "$out/cannot.txt"
. "$out/machine.env"
if [ "$thp" = never ] && [[ " $pages " == *" thp "* ]]; then
	pages=${pages/thp/}
	[ -n "${pages// /}" ] || die "only THP runs asked for, and transparent_hugepage is never"
fi
if (( !java )); then
	modes=$(for m in $modes; do [[ $m == waspd* ]] || echo "$m"; done | tr '\n' ' ')
	[ -n "${modes// /}" ] || die "only waspd modes asked for, and waspd cannot run here"
fi
if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
	workloads=${workloads/kv/}
	[ -n "${workloads// /}" ] || die "only kv asked for, and redis is not installed"
fi

# ---- sizes, from the smaller node's free memory ----
free=$(( free_a < free_b ? free_a : free_b ))
thin=$(( cpus_a / 2 > 0 ? cpus_a / 2 : 1 ))
(( thin <= cpus_b )) || thin=$cpus_b
hog_threads=$(( cpus_a - thin > 0 ? cpus_a - thin : 1 ))
case $size in
quick) mb=4 hog_mb=16 reps=${reps:-1} cost_mb=16 cost_runs=1 interval=200ms ;;
full) mb=$(( free / 3 )) hog_mb=2048 reps=${reps:-5} cost_mb=1024 cost_runs=5 interval=1s ;;
*) mb=$(( free / 8 > 4096 ? 4096 : free / 8 )) hog_mb=1024 reps=${reps:-3} cost_mb=1024 cost_runs=5 interval=1s ;;
esac
(( mb >= 4 )) || die "too little free memory on node $a or $b (${free} MB)"
(( hog_mb <= free / 4 )) || hog_mb=$(( free / 4 ))
(( cost_mb <= free / 4 )) || cost_mb=$(( free / 4 ))
# the timed phase's operations: 0 is the workload's own default
ops_of() {
	[ "$size" = quick ] || { echo 0; return; }
	case $1 in
	gups) echo 50000 ;; btree) echo 20000 ;; hashjoin) echo 50000 ;;
	xsbench) echo 1000 ;; bfs) echo 1 ;; kv) echo 1000 ;;
	esac
}
run_timeout=$([ "$size" = quick ] && echo 300 || echo 7200)
cat >"$out/run.json" <<JSON
{"size": "$size", "nodes": [$a, $b], "workloads": "$workloads", "scenarios": "$scenarios",
 "modes": "$modes", "pages": "$pages", "reps": $reps, "mb": $mb, "thin_threads": $thin,
 "hog_threads": $hog_threads, "hog_mb": $hog_mb, "command": "${invocation//\"/\\\"}"}
JSON
echo "run.sh: $size run, nodes A=$a B=$b, $mb MB per workload, $thin thread(s) thin, $reps repetition(s); results in $out"

# ---- waspd ----
daemon= status=$out/raw/waspd-status.json
decisions() {	# enable disable steer so far (0 0 0 without a daemon)
	local d
	d=$(grep -o '"decisions": {[^}]*}' "$status" 2>/dev/null | tr -dc '0-9 ,' | tr ',' ' ') || true
	set -- $d
	echo "${1:-0} ${2:-0} ${3:-0}"
}
start_waspd() {	# MODE
	local args=("$1" --interval "$interval" --status-file "$status")
	if (( !pmu )); then
		"$here/waspd-trace.sh" 6000 $(printf '%s\n' $workloads | sed 's/^kv$/redis-server/') >"$out/raw/waspd.trace"
		args+=(--replay "$out/raw/waspd.trace")
	fi
	# quick: runs of a second or two; decide after one interval
	[ "$size" = quick ] && args+=(--hold-on 1 --probe-buffer-mb 16 --probe-steps 20000 --probe-trials 1)
	"${JAVA_HOME:+$JAVA_HOME/bin/}java" -jar "$WASP_JAR" "${args[@]}" >"$out/raw/waspd-$1.log" 2>&1 &
	daemon=$!
	for _ in $(seq 600); do
		[ -s "$status" ] && return 0
		kill -0 "$daemon" 2>/dev/null || break
		sleep 0.5
	done
	tail -n 5 "$out/raw/waspd-$1.log" >&2
	die "waspd $1 did not start (log: $out/raw/waspd-$1.log)"
}
stop_waspd() {
	[ -n "$daemon" ] || return 0
	kill "$daemon" 2>/dev/null || true
	wait "$daemon" 2>/dev/null || true
	daemon=
}
hog=
stop_hog() { [ -z "$hog" ] || { kill "$hog" 2>/dev/null || true; wait "$hog" 2>/dev/null || true; hog=; }; }
trap 'stop_hog; stop_waspd' EXIT

# ---- one run ----
csv=$out/results.csv
echo "workload,scenario,pages,mode,rep,threads,mb,seconds,ops,unit,rate,verify,ptrepl_kb,repl_mask,walk_cycles,walks,waspd_enable,waspd_disable,waspd_steer" >"$csv"
failed=0
run_one() {	# WORKLOAD SCENARIO PAGES MODE REP
	local wl=$1 sc=$2 pg=$3 mode=$4 rep=$5 id="$1-$2-$3-$4-$5" mask=$a,$b wsc=$2 threads=$thin
	local cmd=() line rc cyc= walk=
	[ "$sc" = wide ] && mask=all threads=0
	[ "$sc" = contended ] && wsc=local
	[ "$wl" = kv ] && threads=1
	local args=(--scenario "$wsc" --node-a "$a" --node-b "$b" --threads "$threads" --mb "$mb"
		--ops "$(ops_of "$wl")" --pages "$pg" --status-out "$out/raw/$id.mitosis_status")
	if [ "$wl" = kv ]; then
		cmd=("$here/kv.sh" "${args[@]}")
		[ "$mode" = on ] && cmd+=(--repl "$mask")
	else
		cmd=("$bin/$wl" "${args[@]}")
		[ "$mode" = on ] && cmd=("$WASP_RUN" --pgtablerepl="$mask" -- "${cmd[@]}")
		[ -n "$walks" ] && cmd=(perf stat -x, -o "$out/raw/$id.perf" -e "${walk_cycles:+$walk_cycles,}$walks" -- "${cmd[@]}")
	fi
	local d0=(0 0 0) d1=(0 0 0) t0=$SECONDS kv
	[ -z "$daemon" ] || read -r -a d0 <<<"$(decisions)"
	rc=0
	timeout "$run_timeout" "${cmd[@]}" >"$out/raw/$id.out" 2>"$out/raw/$id.err" || rc=$?
	[ -z "$daemon" ] || read -r -a d1 <<<"$(decisions)"
	# the RESULT line's fields (src/common.c, kv.sh) into r[]
	local -A r=()
	while read -r line; do
		[[ $line == "RESULT "* ]] || continue
		for kv in $line; do [[ $kv == *=* ]] && r[${kv%%=*}]=${kv#*=}; done
	done <"$out/raw/$id.out"
	if [ -f "$out/raw/$id.perf" ]; then
		[ -z "$walk_cycles" ] || cyc=$(awk -F, -v e="$walk_cycles" '$3 == e { print $1 }' "$out/raw/$id.perf")
		walk=$(awk -F, -v e="$walks" '$3 == e { print $1 }' "$out/raw/$id.perf")
	fi
	local verify=${r[verify]:-}
	if (( rc != 0 )) || [ "$verify" != ok ]; then
		failed=$((failed + 1))
		verify=FAIL
		echo "run.sh: $id FAILED (status $rc): $(tail -n 1 "$out/raw/$id.err")" >&2
	fi
	echo "$wl,$sc,$pg,$mode,$rep,${r[threads]:-},$mb,${r[seconds]:-},${r[ops]:-},${r[unit]:-},${r[rate]:-},$verify,${r[ptrepl_kb]:-},${r[repl_mask]:-},$cyc,$walk,$(( d1[0] - d0[0] )),$(( d1[1] - d0[1] )),$(( d1[2] - d0[2] ))" >>"$csv"
	printf '  %-36s %10s s timed, %4d s in all, %s\n' "$id" "${r[seconds]:-?}" $(( SECONDS - t0 )) "$verify"
}

started=$SECONDS
for mode in $modes; do
	[[ $mode == waspd* ]] && start_waspd "${mode#waspd}"
	for sc in $scenarios; do
		if [ "$sc" = contended ]; then
			"$bin/hog" --node-a "$a" --threads "$hog_threads" --mb "$hog_mb" --pages thp >"$out/raw/hog.out" 2>&1 &
			hog=$!
			for _ in $(seq 600); do grep -q 'hog ready' "$out/raw/hog.out" && break; sleep 0.2; done
		fi
		for pg in $pages; do
			for wl in $workloads; do
				for rep in $(seq "$reps"); do run_one "$wl" "$sc" "$pg" "$mode" "$rep"; done
			done
		done
		stop_hog
	done
	[[ $mode == waspd* ]] && stop_waspd
done

if (( costs )); then
	echo "run.sh: update costs, $cost_mb MB, $cost_runs run(s) per column"
	"$bin/pgtable_repl_bench" --table "$cost_mb" "$cost_runs" >"$out/update-costs.csv" ||
		{ echo "run.sh: the update-cost measurement failed" >&2; failed=$((failed + 1)); }
fi
"$here/report.sh" "$out"
echo "run.sh: $(( $(wc -l <"$csv") - 1 )) runs in $(( SECONDS - started )) s, $failed failed; report: $out/report.md"
(( failed == 0 ))
