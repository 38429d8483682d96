// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import org.wasp.daemon.os.OsException;

/** The perf_event_open system calls {@link PerfCounterSource} needs; faked in tests. */
public interface PerfApi {
    /** Opens a counting event on thread {@code tid} (0: the calling thread), any CPU. */
    int open(EventSpec spec, int tid) throws OsException;

    /** Reads value, time enabled, time running into {@code out[0..2]}. */
    void read(int fd, long[] out) throws OsException;

    void close(int fd);

    /** Raises the soft RLIMIT_NOFILE to the hard limit; returns the soft limit now in force. */
    long raiseFdLimit();
}
