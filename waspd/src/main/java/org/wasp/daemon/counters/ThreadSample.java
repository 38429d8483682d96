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

    /**
     * The enabled time of the first group's leader ({@link Event#L1D_READ}). A per-thread perf
     * event's enabled time advances only while its thread is on a CPU, so with live counters
     * ({@link CounterSource#liveThreadTimes()}) an unchanged value means the thread has not run
     * in between.
     */
    public long onCpuNs() {
        return enabled[Event.L1D_READ.ordinal()];
    }
}
