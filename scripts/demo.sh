#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The waspd demo: boots the 2-node test VM, starts a TLB-heavy workload and
# the daemon, and shows /proc/mitosis_status as the daemon turns replication
# on while the workload's phase is memory-hungry and off again when it calms
# down. The VM has no hardware perf counters, so the daemon reads a replayed
# trace (--replay) whose phase goes high then low; everything else is real.
#
# Needs the guest kernel (scripts/build-kernel.sh --target guest) and builds
# only the workload and, if missing, waspd.jar. About 2-3 minutes under TCG.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	cat <<USAGE
usage: ${0##*/} [--kernel BZIMAGE] [--high N] [--low N]
  --kernel FILE  boot this bzImage (default: the guest target's build)
  --high N       intervals (1 s) the trace's phase is high (default 6)
  --low N        intervals it is low afterwards (default 6)
USAGE
}

# ---- inside the guest ----
if [ "${1:-}" = --in-guest ]; then
	dir=$2 jar=$3
	java=${JAVA_HOME:+$JAVA_HOME/bin/}java
	status() {	# /proc/mitosis_status, indented, with a timestamp
		printf '\n[%3ds] %s\n' "$(( SECONDS ))" "$1"
		sed 's/^/        /' /proc/mitosis_status
	}
	echo "== guest: $(uname -r), $(ls -d /sys/devices/system/node/node* | wc -l) NUMA nodes"
	"$dir/tlbhog" &
	hog=$!
	for _ in $(seq 100); do	# until its 4 threads run
		[ "$(ls /proc/$hog/task 2>/dev/null | wc -l)" -ge 4 ] && break
		sleep 0.2
	done
	echo "== workload: tlbhog, pid $hog, $(ls /proc/$hog/task | wc -l) threads touching random pages of 128 MiB"
	status "before the daemon: nothing replicated"
	echo "== starting: waspd 0 --replay trace.rec --interval 1s   (naive mode; the JVM takes a while under TCG)"
	"$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xshare:auto -Xmx192m \
		-jar "$jar" 0 --replay "$dir/trace.rec" --interval 1s --status-file /run/waspd-demo.json \
		2>&1 | grep --line-buffered -E 'started|replication|stopped' | sed -u 's/^/        waspd: /' &
	logger=$!
	seen_on=0 seen_off=0
	# Print the status whenever the workload's line appears or goes away.
	while pgrep -f -- "--status-file /run/waspd-demo.json" >/dev/null; do
		if grep -q "^PID $hog " /proc/mitosis_status; then
			if (( !seen_on )); then
				seen_on=1
				status "replication ON for tlbhog (nodes, primary PGD node, copies' size):"
			fi
		elif (( seen_on && !seen_off )); then
			seen_off=1
			status "replication OFF again: the phase turned low"
		fi
		sleep 0.2
	done
	wait "$logger"
	status "daemon exited at the end of the trace"
	kill "$hog" 2>/dev/null
	wait "$hog" 2>/dev/null
	if (( seen_on && seen_off )); then
		echo "== demo OK: replication went on and off with the workload's phase"
		exit 0
	fi
	echo "== demo FAILED: replication on seen: $seen_on, off seen: $seen_off"
	exit 1
fi

# ---- on the host ----
kernel=() high=6 low=6
while (( $# )); do
	case $1 in
	--kernel) kernel=(--kernel "${2:?}"); shift 2 ;;
	--high) high=${2:?}; shift 2 ;;
	--low) low=${2:?}; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument: $1" ;;
	esac
done
if (( ${#kernel[@]} == 0 )) && [ ! -f "$WASP_CACHE/build/guest/arch/x86/boot/bzImage" ]; then
	die "no guest kernel: run scripts/build-kernel.sh --target guest first"
fi
jar=$WASP_ROOT/waspd/target/waspd.jar
if [ ! -f "$jar" ]; then
	log "building waspd.jar (mvn -B -q package -DskipTests)"
	(cd "$WASP_ROOT" && mvn -B -q package -DskipTests) || die "could not build waspd.jar"
fi
dir=$WASP_CACHE/demo	# not /tmp: the guest has its own tmpfs there
mkdir -p "$dir"

# The workload: threads touching random pages of a large buffer, each
# access a likely DTLB miss. Throttled so the JVM keeps some of the vCPUs.
cat >"$dir/tlbhog.c" <<'EOF'
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#define BYTES (128UL << 20)
static char *mem;
static void *touch(void *arg)
{
	unsigned long x = (unsigned long)arg * 2654435761UL + 1;
	struct timespec pause = { 0, 1000000 };
	for (;;) {
		for (int i = 0; i < 2048; i++) {
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			mem[((x >> 17) % (BYTES / 4096)) * 4096]++;
		}
		nanosleep(&pause, NULL);
	}
	return NULL;
}
int main(void)
{
	pthread_t t;
	mem = mmap(NULL, BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return 1;
	memset(mem, 1, BYTES);
	for (long i = 0; i < 3; i++)
		pthread_create(&t, NULL, touch, (void *)i);
	touch((void *)3);
}
EOF
if [ ! -x "$dir/tlbhog" ] || [ "$dir/tlbhog.c" -nt "$dir/tlbhog" ]; then
	cc -O2 -pthread -o "$dir/tlbhog" "$dir/tlbhog.c" || die "could not build the workload"
fi

# The trace: one baseline, $high intervals at MAR 50M/s and a 5% DTLB miss
# rate, then $low at 1.25M/s and 0.1% (the defaults turn on above 10M/s and
# 1% held for 3 intervals, off below 8M/s or 0.8% for 3). Cumulative counts.
awk -v high="$high" -v low="$low" 'BEGIN {
	print "# waspd-record 1"
	split("40000000 10000000 40000000 10000000 2000000 500000", H, " ")
	split("1000000 250000 1000000 250000 1000 250", L, " ")
	split("l1d_read l1d_write dtlb_read dtlb_write dtlb_read_miss dtlb_write_miss", K, " ")
	for (i = 0; i <= high + low; i++) {
		ts = (i + 1) * 1000000000
		line = sprintf("%.0f 900001 900001 tlbhog", ts)
		for (e = 1; e <= 6; e++) {
			if (i > 0)
				v[e] += (i <= high) ? H[e] : L[e]
			line = line sprintf(" %s=%.0f/%.0f/%.0f", K[e], v[e], ts, ts)
		}
		print line
	}
}' >"$dir/trace.rec"

log "booting the 2-node test VM (TCG: give it a minute)"
exec "$WASP_ROOT/scripts/vm-run.sh" "${kernel[@]}" --nodes 2 --timeout 600 -- \
	"$WASP_ROOT/scripts/demo.sh" --in-guest "$dir" "$jar"
