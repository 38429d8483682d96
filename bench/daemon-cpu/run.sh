#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# waspd's own CPU use per interval while it monitors a process with 1,000 live
# threads at a 1 s interval. There are no hardware perf counters here, so the
# daemon runs with --dry-run, either on a replay trace of that process's 1,000
# threads (modes 0 and 1: the process turns "on", so full mode steers its
# threads), or with live counters opened as software perf events on every
# thread of every process (modes 0sw and 1sw, bench.SoftwareEventsDaemon: the
# same perf_event_open/read/close calls as with hardware events; the sleeping
# process never turns on), or live counters whose reads for the 1,000-thread
# process report every thread busy at the trace's rates (modes 0busy and 1busy:
# the process turns on, every thread is seen running; see docs/waspd-bench.md).
#
#   sudo bench/daemon-cpu/run.sh [--threads N] [--seconds S] [--warmup S]
#        [--modes "0 1 0sw 1busy"] [--jar FILE]... [--java-opts OPTS]...
#        [--daemon-opts OPTS]... [--fork-every SECONDS] [--no-tick] [--bench-jar FILE]
#
# The benchmark entry points (modes 0sw/1busy, TickBench) run from
# waspd-bench/target/waspd-bench.jar (or --bench-jar), on the classpath after
# each daemon jar (mvn -B package at the root builds both).
#
# Prints, per mode, per jar, per set of JVM options and per set of extra
# daemon options (several --jar, --java-opts or --daemon-opts run one after
# the other, for a before/after comparison under the same load; by default the
# installed wrapper's JVM options, or JAVA_OPTS, and no extra options): the
# daemon's CPU time per interval from /proc/PID/stat (utime+stime) over S
# seconds after a warm-up and the split by JVM thread (from
# /proc/PID/task/*/schedstat); then, unless --no-tick, with the first
# --java-opts, the per-tick CPU of Daemon.tick() alone with no counters (= the
# /proc scan), replayed counters and real perf descriptors (software events, 6
# per thread, in one group and in two), and the bare cost of those read()
# calls in C: ungrouped (6 per thread), in groups of two, three and six (3, 2
# and 1 per thread; waspd opens one group of six where the PMU schedules it,
# else two of three).
#
# The daemon lists /proc and a process's tasks again only when the kernel has
# allocated a pid since its last listing (docs/waspd.md), and on a quiet
# machine none is allocated during the measured window. --fork-every S runs
# a shell loop that starts a short process every S seconds during each
# daemon run, as on a server where cron jobs, health checks and shells start
# processes all the time: the figures with every listing made.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bench_jar=$root/waspd-bench/target/waspd-bench.jar jars=() opts_list=() daemon_opts_list=() tick=1 fork_every=
threads=1000 seconds=60 warmup=15 modes="0 1 0sw"
while (( $# )); do
	case $1 in
	--threads) threads=${2:?}; shift 2 ;;
	--seconds) seconds=${2:?}; shift 2 ;;
	--warmup) warmup=${2:?}; shift 2 ;;
	--modes) modes=${2:?}; shift 2 ;;
	--jar) jars+=("$(realpath "${2:?}")"); shift 2 ;;
	--bench-jar) bench_jar=$(realpath "${2:?}"); shift 2 ;;
	--java-opts) opts_list+=("${2:?}"); shift 2 ;;
	--daemon-opts) daemon_opts_list+=("${2?}"); shift 2 ;;
	--fork-every) fork_every=${2:?}; shift 2 ;;
	--no-tick) tick=0; shift ;;
	-h|--help) sed -n '3,41p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "run.sh: run as root (perf descriptors on another process's threads)" >&2; exit 1; }
(( ${#jars[@]} )) || jars=("$root/waspd/target/waspd.jar")
for jar in "${jars[@]}" "$bench_jar"; do
	[ -f "$jar" ] || { echo "run.sh: no $jar: run 'mvn -B package' first" >&2; exit 1; }
done
# The installed wrapper's JVM options (scripts/install.sh), unless JAVA_OPTS says otherwise.
java_opts=${JAVA_OPTS:-$(sed -n 's/.*WASPD_JAVA_OPTS:-\([^}]*\)}.*/\1/p' "$root/scripts/install.sh")}
[ -n "$java_opts" ] || { echo "run.sh: no JVM options found in scripts/install.sh" >&2; exit 1; }
(( ${#opts_list[@]} )) || opts_list=("$java_opts")
(( ${#daemon_opts_list[@]} )) || daemon_opts_list=("")

work=$(mktemp -d "${TMPDIR:-/tmp}/wasp-cpu.XXXXXX")
sleepers_pid= daemon_pid= forker_pid=
cleanup() {
	set +e
	[ -n "$forker_pid" ] && kill "$forker_pid" 2>/dev/null
	[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null
	[ -n "$sleepers_pid" ] && kill "$sleepers_pid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
for prog in sleepers perf-read; do
	extra=
	[ $prog = sleepers ] && extra=-pthread
	gcc -O2 -Wall $extra -o "$work/$prog" "$here/$prog.c"
done

"$work/sleepers" "$threads" >"$work/sleepers.out" 2>&1 </dev/null &
sleepers_pid=$!
for _ in $(seq 50); do grep -q ready "$work/sleepers.out" && break; sleep 0.1; done
grep -q ready "$work/sleepers.out" || { echo "run.sh: sleepers did not start" >&2; exit 1; }
live=$(ls /proc/$sleepers_pid/task | wc -l)
"$here/make-trace.sh" "$sleepers_pid" $(( warmup + seconds + 30 )) >"$work/trace.rec"
hz=$(getconf CLK_TCK)
echo "# $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(ls -d /proc/[0-9]* | wc -l) processes"
echo "# sleepers: pid $sleepers_pid, $live live threads; trace $(grep -vc '^#' "$work/trace.rec") lines; JAVA_OPTS=$java_opts"

# utime+stime of a process, in clock ticks (fields 14 and 15 after the comm).
ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
# TID, thread name (spaces as _), ns on CPU (/proc/PID/task/TID/schedstat field 1).
threads_cpu() {
	local t
	for t in /proc/"$1"/task/*; do
		printf '%s %s %s\n' "${t##*/}" "$(tr ' ' _ <"$t/comm" 2>/dev/null)" "$(cut -d' ' -f1 "$t/schedstat" 2>/dev/null)"
	done
}

for mode in $modes; do
for jar in "${jars[@]}"; do
for java_opts in "${opts_list[@]}"; do
for daemon_opts in "${daemon_opts_list[@]}"; do
	echo
	case $mode in
	0|1)
		echo "## waspd $mode --dry-run --replay (1,000-thread trace) --interval 1s, $jar: ${seconds} s after ${warmup} s warm-up"
		cmd=(-jar "$jar" "$mode" --replay "$work/trace.rec") ;;
	0sw|1sw)
		echo "## waspd ${mode%sw} --dry-run, live counters (software perf events, every process) --interval 1s, $jar: ${seconds} s after ${warmup} s warm-up"
		cmd=(-cp "$jar:$bench_jar" org.wasp.daemon.bench.SoftwareEventsDaemon "${mode%sw}") ;;
	0busy|1busy)
		echo "## waspd ${mode%busy} --dry-run, live counters (software perf events, every process; the $live threads of pid $sleepers_pid read as busy) --interval 1s, $jar: ${seconds} s after ${warmup} s warm-up"
		cmd=(-cp "$jar:$bench_jar" org.wasp.daemon.bench.SoftwareEventsDaemon "${mode%busy}" --busy-pid "$sleepers_pid") ;;
	*) echo "run.sh: unknown mode $mode" >&2; exit 2 ;;
	esac
	echo "# load $(cut -d' ' -f1-3 /proc/loadavg); JAVA_OPTS=$java_opts${daemon_opts:+; daemon options: $daemon_opts}${fork_every:+; a process started every $fork_every s}"
	# shellcheck disable=SC2086
	java $java_opts "${cmd[@]}" --dry-run --interval 1s --status-file "$work/status.json" $daemon_opts \
		2>"$work/daemon.log" &
	daemon_pid=$!
	if [ -n "$fork_every" ]; then
		( while :; do /bin/true; sleep "$fork_every"; done ) &
		forker_pid=$!
	fi
	sleep "$warmup"
	kill -0 "$daemon_pid" 2>/dev/null || { echo "run.sh: waspd exited early:" >&2; tail "$work/daemon.log" >&2; exit 1; }
	t0=$(ticks "$daemon_pid"); threads_cpu "$daemon_pid" >"$work/thr0"
	sleep "$seconds"
	t1=$(ticks "$daemon_pid"); threads_cpu "$daemon_pid" >"$work/thr1"
	monitored=$(grep -o '"monitored_threads": *[0-9]*' "$work/status.json" 2>/dev/null | grep -o '[0-9]*$' || echo '?')
	kill -TERM "$daemon_pid"
	rc=0; wait "$daemon_pid" || rc=$?
	daemon_pid=
	if [ -n "$forker_pid" ]; then
		kill "$forker_pid"; wait "$forker_pid" 2>/dev/null || true
		forker_pid=
	fi
	awk -v d="$(( t1 - t0 ))" -v hz="$hz" -v s="$seconds" 'BEGIN {
		printf "daemon CPU (utime+stime, /proc/PID/stat): %.0f ms in %d s = %.2f ms per interval = %.2f%% of one core\n",
			d * 1000 / hz, s, d * 1000 / hz / s, d * 100 / hz / s }'
	echo "# load $(cut -d' ' -f1-3 /proc/loadavg); counted threads at the end: $monitored"
	echo "exit status after SIGTERM: $rc; decisions logged: $(grep -c 'replication off -> on' "$work/daemon.log"); $(grep -o "counting [a-z' ]*group[s]*" "$work/daemon.log" | head -1)"
	echo "per JVM thread (schedstat), ms per interval:"
	awk -v s="$seconds" '
		FNR == NR { before[$1] = $3; next }
		{ name = $2; sub(/[0-9]+$/, "#", name); d[name] += $3 - before[$1]; seen[$1] = 1 }
		END {
			for (n in d) if (d[n] / 1e6 / s >= 0.005) printf "  %-24s %8.3f\n", n, d[n] / 1e6 / s
			gone = 0; for (t in before) if (!(t in seen)) gone++
			if (gone) printf "  (%d thread(s) exited during the window; their CPU is in the total only)\n", gone
		}' "$work/thr0" "$work/thr1" | sort
done
done
done
done
java_opts=${opts_list[0]}

(( tick )) || exit 0
# A trace just long enough for the ticks (TickBench's replay source holds all of it in its heap).
"$here/make-trace.sh" "$sleepers_pid" 80 >"$work/tick-trace.rec"
echo
echo "## Daemon.tick() alone (dry run, naive mode, all processes), ticking thread's CPU time, 60 ticks"
for jar in "${jars[@]}"; do
	echo "# $jar, load $(cut -d' ' -f1-3 /proc/loadavg)"
	for src in none "replay:$work/tick-trace.rec" perf-sw "perf-sw --groups 2"; do
		# shellcheck disable=SC2086
		java $java_opts -cp "$jar:$bench_jar" org.wasp.daemon.bench.TickBench --source $src --ticks 60 --warmup 15 \
			--sleep-ms 200 2>"$work/tick.log" | sed "s|$work/||" ||
			echo "TickBench --source $src failed: $(grep -m1 -i 'error\|exception' "$work/tick.log" | sed "s|$work/||")"
	done
done
echo
echo "## the same read() calls in C (software perf events on the $live sleeping threads): 6 per thread, then 3, 2 and 1 group reads"
for group in 1 2 3 6; do
	"$work/perf-read" "$sleepers_pid" 60 $group
done
