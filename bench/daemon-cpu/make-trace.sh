#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Writes a waspd record (replay) trace for a live process: every thread of
# PID, INTERVALS intervals 1 s apart, each thread 40k L1D reads + 10k writes,
# as many DTLB accesses, 5% of them misses, per second (with 1,000 threads:
# MAR 50M/s, miss rate 5%: replication turns on after 3 intervals).
# usage: make-trace.sh PID INTERVALS >trace.rec
# (Numbers are printed with %.0f: mawk's %d stops at 2^31 - 1.)
set -euo pipefail
pid=${1:?usage: make-trace.sh PID INTERVALS}
intervals=${2:?usage: make-trace.sh PID INTERVALS}
comm=$(tr ' ' '_' </proc/"$pid"/comm)
ls /proc/"$pid"/task | sort -n | awk -v pid="$pid" -v comm="$comm" -v n="$intervals" '
	{ tids[NR] = $1 }
	END {
		print "# waspd-record 1"
		print "# TS_NS PID TID COMM EVENT=VALUE/ENABLED_NS/RUNNING_NS ..."
		for (i = 1; i <= n; i++) {
			t = i * 1000000000
			for (k = 1; k <= NR; k++)
				printf "%.0f %d %d %s l1d_read=%.0f/%.0f/%.0f l1d_write=%.0f/%.0f/%.0f dtlb_read=%.0f/%.0f/%.0f dtlb_write=%.0f/%.0f/%.0f dtlb_read_miss=%.0f/%.0f/%.0f dtlb_write_miss=%.0f/%.0f/%.0f\n",
					t, pid, tids[k], comm, 40000 * i, t, t, 10000 * i, t, t, 40000 * i, t, t,
					10000 * i, t, t, 2000 * i, t, t, 500 * i, t, t
		}
	}'
