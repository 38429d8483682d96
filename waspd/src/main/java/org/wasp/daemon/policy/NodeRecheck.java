// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Which threads of a steered process get their CPU node re-read (from /proc, the steering
 * pass's whole cost) this interval: every thread not known yet, plus a rotating slice of the
 * known ones, so that each thread is re-read at least every {@code intervals} intervals while
 * the set of threads stays the same. Steering decides every interval on the last node read.
 * {@code intervals} 1 re-reads every thread every interval.
 */
public final class NodeRecheck {
    private final int intervals;
    /** Thread id the last slice ended at; the next slice starts after it. */
    private int cursor = -1;

    public NodeRecheck(int intervals) {
        if (intervals < 1) {
            throw new IllegalArgumentException("recheck intervals must be >= 1: " + intervals);
        }
        this.intervals = intervals;
    }

    /**
     * @param tids  the process's threads now, ascending
     * @param known threads whose node has been read before
     * @return the threads to read this interval, ascending within the new ones and the slice
     */
    public List<Integer> pick(List<Integer> tids, Set<Integer> known) {
        return pick(tids, known, tid -> false);
    }

    /**
     * As {@link #pick(List, Set)}, but a known thread of the slice for which {@code notRunSince}
     * holds (it has not been on a CPU since its node was read, so it cannot have moved) is
     * passed over instead of read. The slice still advances over every known thread, so a
     * thread that runs again is read within {@code intervals} intervals as before.
     */
    public List<Integer> pick(List<Integer> tids, Set<Integer> known, IntPredicate notRunSince) {
        List<Integer> out = new ArrayList<>();
        List<Integer> old = new ArrayList<>(tids.size());
        for (int tid : tids) {
            (known.contains(tid) ? old : out).add(tid);
        }
        if (old.isEmpty()) {
            return out;
        }
        int slice = (old.size() + intervals - 1) / intervals;
        int start = firstAfter(old, cursor);
        for (int i = 0; i < slice; i++) {
            int tid = old.get((start + i) % old.size());
            if (!notRunSince.test(tid)) {
                out.add(tid);
            }
        }
        cursor = old.get((start + slice - 1) % old.size());
        return out;
    }

    /** Index of the first element greater than {@code tid} (0 when none: wrap around). */
    private static int firstAfter(List<Integer> ascending, int tid) {
        int lo = 0;
        int hi = ascending.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ascending.get(mid) <= tid) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == ascending.size() ? 0 : lo;
    }

    /** Forgets the rotation (the process stopped being steered). */
    public void reset() {
        cursor = -1;
    }
}
