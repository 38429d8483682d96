// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

/**
 * Cumulative counts of one thread, indexed by {@link Event#ordinal()}, each with the
 * nanoseconds its counter was enabled and actually running on the PMU.
 */
public record ThreadSample(int tid, long[] values, long[] enabled, long[] running) {

    public static ThreadSample zero(int tid) {
        return new ThreadSample(tid, new long[Event.COUNT], new long[Event.COUNT], new long[Event.COUNT]);
    }
}
