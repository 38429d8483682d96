// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The counters of one process's threads at one instant ({@code timeNs}, monotonic), ascending
 * by thread id (the constructor sorts a list that is not), so that two samples are matched
 * thread by thread in one merge and one thread is found by binary search.
 */
public record ProcessSample(int pid, String comm, long timeNs, List<ThreadSample> threads) {

    public ProcessSample {
        if (!ascending(threads)) {
            List<ThreadSample> sorted = new ArrayList<>(threads);
            sorted.sort(Comparator.comparingInt(ThreadSample::tid));
            threads = List.copyOf(sorted);
        }
    }

    /** Thread {@code tid}'s reading, or null when this sample has none. */
    public ThreadSample thread(int tid) {
        int lo = 0;
        int hi = threads.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int t = threads.get(mid).tid();
            if (t < tid) {
                lo = mid + 1;
            } else if (t > tid) {
                hi = mid - 1;
            } else {
                return threads.get(mid);
            }
        }
        return null;
    }

    private static boolean ascending(List<ThreadSample> threads) {
        for (int i = 1; i < threads.size(); i++) {
            if (threads.get(i - 1).tid() >= threads.get(i).tid()) {
                return false;
            }
        }
        return true;
    }
}
