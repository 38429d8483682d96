// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.policy;

/**
 * When to list a process's threads again (/proc/PID/task, whose listing costs about a
 * microsecond of kernel time per thread): at once when the thread count in /proc/PID/stat
 * (read every interval anyway) differs from the count at the last listing, else every
 * {@code intervals} intervals. A thread that starts while another ends leaves the count
 * unchanged; it is found, and the ended one's counters closed, within {@code intervals}
 * intervals. {@code intervals} 1 lists every interval.
 */
public final class ThreadListing {
    private final int intervals;
    /** Thread count at the last listing; -1 before the first. */
    private int listedThreads = -1;
    private int since;

    public ThreadListing(int intervals) {
        if (intervals < 1) {
            throw new IllegalArgumentException("relist intervals must be >= 1: " + intervals);
        }
        this.intervals = intervals;
    }

    /**
     * Called once per interval with the process's thread count now (-1: unknown); true when
     * the threads must be listed this interval, which the caller then does.
     */
    public boolean relist(int threads) {
        since++;
        if (threads < 0 || threads != listedThreads || since >= intervals) {
            listedThreads = threads;
            since = 0;
            return true;
        }
        return false;
    }
}
