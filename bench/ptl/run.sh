#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# waspd's PTL probe against a C pointer chase over the same buffer size and the
# very same chain, on this machine (host or test VM). Prints, per (CPU node,
# memory node) pair, the probe's latency (minimum over the warm matrices), the
# C latency and their ratio, the medians of the single warm measurements (each
# is what one daemon period publishes) and of the C ones, the first (cold)
# probe's figure, the highest warm Java and C figures, and how long one full
# matrix takes per node pair.
#
#   bench/ptl/run.sh [--buffer-mb MB] [--warmup N] [--steps N] [--trials N] [--no-touch-pages]
#        [--rounds N] [--matrices N] [--pause-ms MS] [--jar FILE]
#
# --buffer-mb  buffer per pair (default: waspd's rule, 8x the LLC, >= 64 MiB;
#              128 in the WASP test VM)
# --warmup, --steps, --trials  as waspd's --probe-warmup/--probe-steps/
#              --probe-trials (default: the jar's defaults); the C chase always
#              warms up with one whole pass of --steps loads
# --no-touch-pages  leave out the Java warm-up's load per page (the daemon's
#              probe always does it; for comparison)
# --rounds     Java and C alternate this many times; the minimum per pair is kept
#              (default 3; 1 in the test VM)
# --matrices   matrices per Java run: the first is measured cold (as the daemon's
#              first probe), the others warm (default 3; 2 in the test VM); C runs
#              as many matrices as there are warm Java ones
# --pause-ms   Java sleeps this long before each matrix after the first, as the
#              daemon waits -i between periods (default 0)
# --jar        the waspd.jar to run (default waspd/target/waspd.jar, built by mvn -B package);
#              the benchmark's entry point comes from waspd-bench/target/waspd-bench.jar
#              (or --bench-jar FILE), run on the same classpath
# WASP_BENCH_JAVA_OPTS (passed into the test VM) or JAVA_OPTS override the JVM options.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
jar=$root/waspd/target/waspd.jar bench_jar=$root/waspd-bench/target/waspd-bench.jar

in_vm=0
grep -q 'guest-init' /proc/cmdline 2>/dev/null && in_vm=1
buffer_mb= warmup= steps= trials= rounds=3 matrices=3 pause_ms=0 touch=1
if (( in_vm )); then
	buffer_mb=128 rounds=1 matrices=2
	java_opts=${JAVA_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xshare:auto}
else
	java_opts=${JAVA_OPTS:--XX:+UseSerialGC}
fi
java_opts=${WASP_BENCH_JAVA_OPTS:-$java_opts}
while (( $# )); do
	case $1 in
	--buffer-mb) buffer_mb=${2:?}; shift 2 ;;
	--warmup) warmup=${2:?}; shift 2 ;;
	--steps) steps=${2:?}; shift 2 ;;
	--pause-ms) pause_ms=${2:?}; shift 2 ;;
	--no-touch-pages) touch=0; shift ;;
	--trials) trials=${2:?}; shift 2 ;;
	--rounds) rounds=${2:?}; shift 2 ;;
	--matrices) matrices=${2:?}; shift 2 ;;
	--jar) jar=$(realpath "${2:?}"); shift 2 ;;
	--bench-jar) bench_jar=$(realpath "${2:?}"); shift 2 ;;
	-h|--help) sed -n '3,30p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
for f in "$jar" "$bench_jar"; do
	[ -f "$f" ] || { echo "run.sh: no $f: run 'mvn -B package' first" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/wasp-ptl.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The C program: reuse bench/ptl/build/chase when it is up to date (the VM's
# root is read-only), else build it with gcc -O2.
bin=$here/build/chase
if [ ! -x "$bin" ] || [ "$here/chase.c" -nt "$bin" ]; then
	if mkdir -p "$here/build" 2>/dev/null && [ -w "$here/build" ]; then :; else bin=$work/chase; fi
	gcc -O2 -Wall -o "$bin" "$here/chase.c"
fi

echo "# $(uname -r), $(nproc) CPUs, $( ((in_vm)) && echo 'WASP test VM' || echo host), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# nodes with memory: $(cat /sys/devices/system/node/has_memory 2>/dev/null || echo 0)"
echo "# java: $(java -version 2>&1 | head -n1), JAVA_OPTS=$java_opts"
size_args=()
[ -n "$buffer_mb" ] && size_args+=(--buffer-mb "$buffer_mb")
[ -n "$warmup" ] && size_args+=(--warmup "$warmup")
[ -n "$steps" ] && size_args+=(--steps "$steps")
[ -n "$trials" ] && size_args+=(--trials "$trials")
(( pause_ms > 0 )) && size_args+=(--pause-ms "$pause_ms")
(( touch )) || size_args+=(--no-touch-pages)
for (( r = 1; r <= rounds; r++ )); do
	chain=()
	(( r == 1 )) && chain=(--chain-out "$work/chain")
	# shellcheck disable=SC2086
	java $java_opts -cp "$jar:$bench_jar" org.wasp.daemon.bench.ProbeBench "${size_args[@]}" --matrices "$matrices" \
		"${chain[@]}" >"$work/java.$r"
	# The jar's steps and trials, unless given.
	c_steps=$(sed -n 's/^steps //p' "$work/java.$r") c_trials=$(sed -n 's/^trials //p' "$work/java.$r")
	# As many C matrices as warm Java ones, so both minima are over as many samples.
	for (( m = 1; m < (matrices > 1 ? matrices : 2); m++ )); do
		"$bin" "$work/chain" "$c_steps" "$c_trials"
	done >"$work/c.$r"
done
sed -n 's/^buffer_bytes /# buffer per pair (bytes): /p; s/^llc_bytes /# last-level cache (bytes): /p; s/^touch_pages /# Java warm-up loads one byte per page first: /p; s/^warmup /# Java warm-up steps (C: one whole trial): /p; s/^steps /# steps per trial: /p; s/^trials /# timed trials: /p' "$work/java.1"
echo "# rounds: $rounds (minimum per pair), Java matrices per run: $matrices (first cold), pause before each warm matrix: $pause_ms ms"

awk -v rounds="$rounds" '
	function median(v, n,   i, j, t, a) {
		for (i = 1; i <= n; i++) a[i] = v[i]
		for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	FNR == 1 { isjava = (FILENAME ~ /java\./) }
	isjava && $1 == "ptl" {
		k = $3 " " $4; pairs[k] = 1
		if ($2 == 1) { if (!(k in cold) || $5 < cold[k]) cold[k] = $5 }
		else {
			if (!(k in warm) || $5 < warm[k]) warm[k] = $5
			if (!(k in warmmax) || $5 > warmmax[k]) warmmax[k] = $5
			wv[k, ++wn[k]] = $5
		}
	}
	isjava && $1 == "matrix" {
		if ($2 == 1) { if (!jcold_ms || $4 < jcold_ms) jcold_ms = $4 }
		else if (!jwarm_ms || $4 < jwarm_ms) jwarm_ms = $4
		np = $6
	}
	!isjava && $1 == "ptl" { k = $2 " " $3; if (!(k in c) || $4 < c[k]) c[k] = $4; cv[k, ++cn[k]] = $4 }
	!isjava && $1 == "matrix_ms" { if (!c_ms || $2 < c_ms) c_ms = $2 }
	END {
		printf "%-8s %-8s %10s %10s %8s %10s %10s %12s %10s %10s\n", "cpu_node", "mem_node", "java_ns", "c_ns", "java/c",
			"java_med", "c_med", "java_cold_ns", "java_max", "c_max"
		n = 0
		for (k in pairs) keys[++n] = k
		# sort the pair keys
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (keys[j] < keys[i]) { t = keys[i]; keys[i] = keys[j]; keys[j] = t }
		worst = 0
		for (i = 1; i <= n; i++) {
			k = keys[i]; split(k, kk, " ")
			j = (k in warm) ? warm[k] : cold[k]
			ratio = j / c[k]
			if (ratio > worst) worst = ratio
			if (1 / ratio > worst) worst = 1 / ratio
			jm = "-"; cm = "-"; cx = 0
			if (wn[k]) { for (x = 1; x <= wn[k]; x++) one[x] = wv[k, x]; jm = sprintf("%.2f", median(one, wn[k])) }
			for (x = 1; x <= cn[k]; x++) { one[x] = cv[k, x]; if (one[x] > cx) cx = one[x] }
			if (cn[k]) cm = sprintf("%.2f", median(one, cn[k]))
			printf "%-8s %-8s %10.2f %10.2f %8.3f %10s %10s %12.2f %10s %10.2f\n", kk[1], kk[2], j, c[k], ratio, jm, cm,
				cold[k], (k in warmmax) ? sprintf("%.2f", warmmax[k]) : "-", cx
		}
		printf "worst ratio (max of java/c, c/java): %.3f (goal <= 1.100)\n", worst
		printf "matrix time per node pair: java cold %.0f ms, java warm %s ms, C %.0f ms (%d pairs)\n",
			jcold_ms / np, jwarm_ms ? sprintf("%.0f", jwarm_ms / np) : "-", c_ms / np, np
	}' "$work"/java.* "$work"/c.*
