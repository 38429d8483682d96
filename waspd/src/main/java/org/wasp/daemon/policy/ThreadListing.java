// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.policy;

/**
 * When to list a process's threads again (/proc/PID/task, whose listing costs about a
 * microsecond of kernel time per thread): at once when the thread count in /proc/PID/stat
 * (read every interval anyway) differs from the count at the last listing, else every
 * {@code intervals} intervals, but only if the kernel has allocated a pid since the last
 * listing. A thread that starts while another ends leaves the count unchanged; it is found,
 * and the ended one's counters closed, within {@code intervals} intervals. While no pid has
 * been allocated, no thread can have started, and a thread that ended changed the count; the
 * threads are still listed every {@link #UNCONDITIONAL} × {@code intervals} intervals, in case
 * the last allocated pid is wrong (a /proc/loadavg that a container overlays).
 * {@code intervals} 1 lists every interval in which a pid was allocated.
 */
public final class ThreadListing {
    static final int UNCONDITIONAL = 10;
    private final int intervals;
    /** Thread count at the last listing; -1 before the first. */
    private int listedThreads = -1;
    /** The kernel's last allocated pid when last listed; -1 when unknown. */
    private long listedLastPid = -1;
    private int since;

    public ThreadListing(int intervals) {
        if (intervals < 1) {
            throw new IllegalArgumentException("relist intervals must be >= 1: " + intervals);
        }
        this.intervals = intervals;
    }

    /**
     * Called once per interval with the process's thread count now (-1: unknown) and the
     * kernel's last allocated pid, read before the count (-1: unknown); true when the threads
     * must be listed this interval, which the caller then does.
     */
    public boolean relist(int threads, long lastPid) {
        since++;
        boolean created = lastPid < 0 || lastPid != listedLastPid;
        if (threads < 0 || threads != listedThreads || (since >= intervals && created)
                || since >= UNCONDITIONAL * intervals) {
            listedThreads = threads;
            listedLastPid = lastPid;
            since = 0;
            return true;
        }
        return false;
    }
}
