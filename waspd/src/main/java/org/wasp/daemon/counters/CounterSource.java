// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.wasp.daemon.os.OsException;

/**
 * Where per-thread counter readings come from: perf_event_open ({@link PerfCounterSource})
 * or a recorded trace ({@link ReplayCounterSource}).
 */
public interface CounterSource extends AutoCloseable {

    /** Starts an interval; returns its timestamp in nanoseconds. */
    long beginInterval();

    /**
     * Cumulative readings for process {@code pid}. Counters are opened for threads of
     * {@code tids} (ascending) seen for the first time and closed for threads no longer listed.
     *
     * @throws OsException when counting the process is not allowed ({@link OsException#denied()})
     */
    ProcessSample poll(int pid, String comm, Collection<Integer> tids) throws OsException;

    /** Stops counting {@code pid} and closes its counters. */
    void release(int pid);

    /** Threads currently counted. */
    int monitoredThreads();

    /** Processes known to the source itself (a trace), pid to comm; empty for live counters. */
    default Map<Integer, String> tracedProcesses() {
        return Map.of();
    }

    /**
     * True when the samples are the live threads' own perf readings, so that a thread whose
     * {@link ThreadSample#onCpuNs()} did not change between two samples has not been on a CPU
     * in between (a per-thread event's enabled time advances only while its thread runs).
     * False by default, and for a replayed trace, whose times say nothing about the threads
     * running now.
     */
    default boolean liveThreadTimes() {
        return false;
    }

    /** The events live counters count, and why those; empty for a replayed trace. */
    default Optional<EventSelection> events() {
        return Optional.empty();
    }

    /** True when a finite source (a trace) has no more intervals. */
    default boolean exhausted() {
        return false;
    }

    /** Closes every counter. */
    @Override
    void close();
}
