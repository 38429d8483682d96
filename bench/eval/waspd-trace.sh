#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A waspd --replay trace (docs/waspd.md, "Record format") in which every
# named process is memory- and TLB-heavy in every interval (50 M accesses
# and 5% DTLB misses per interval, as tests/guest/waspd_test.c's high
# phase): where no PMU counts (the QEMU guest), the daemon then decides
# as it would for such workloads, on the live processes of these names.
# usage: waspd-trace.sh INTERVALS COMM... >FILE
set -euo pipefail
n=$1
shift
printf '# waspd-record 1\n'
awk -v n="$n" -v comms="$*" 'BEGIN {
	k = split(comms, c, " ")
	split("l1d_read l1d_write dtlb_read dtlb_write dtlb_read_miss dtlb_write_miss", key, " ")
	split("40000000 10000000 40000000 10000000 2000000 500000", step, " ")
	for (i = 0; i < n; i++) {
		ts = (i + 1) * 1000000000
		for (p = 1; p <= k; p++) {
			line = sprintf("%.0f %d %d %s", ts, 900000 + p, 900100 + p, c[p])
			for (e = 1; e <= 6; e++)
				line = line sprintf(" %s=%.0f/%.0f/%.0f", key[e], i * step[e], ts, ts)
			print line
		}
	}
}'
