// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import org.wasp.daemon.os.OsException;

/** The perf_event_open system calls {@link PerfCounterSource} needs; faked in tests. */
public interface PerfApi {
    /** Most events in one group, and so the most counts {@link #readGroup} returns. */
    int MAX_GROUP = Event.COUNT;

    /**
     * Opens a counting event on thread {@code tid} (0: the calling thread), any CPU, as the
     * leader of a new group when {@code groupFd} is -1, else as a member of that leader's group.
     */
    int open(EventSpec spec, int tid, int groupFd) throws OsException;

    /**
     * Reads a group through its leader with one read(2): {@code out[0]} time enabled,
     * {@code out[1]} time running (the group's, shared by its members), then each member's
     * count in the order they were opened, leader first.
     */
    void readGroup(int leaderFd, long[] out) throws OsException;

    void close(int fd);

    /** Raises the soft RLIMIT_NOFILE to the hard limit; returns the soft limit now in force. */
    long raiseFdLimit();
}
