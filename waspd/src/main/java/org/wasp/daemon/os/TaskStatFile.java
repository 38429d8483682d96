// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os;

import java.util.Optional;
import org.wasp.daemon.os.parse.ProcStat;

/**
 * One thread's /proc/PID/task/TID/stat (for a process, its leader's, PID/task/PID/stat), kept
 * open and read again from its start each time ({@link ProcFs#openTaskStat}): no path lookup, open or close per read, which were two thirds
 * of a read's cost. A /proc file opened on a thread stays bound to that thread: once it has
 * exited, a read fails (ESRCH), and a reused thread id is never mistaken for it. Holds one
 * descriptor until closed.
 */
public interface TaskStatFile extends AutoCloseable {
    /** {@link #processor()} when the thread is gone or the file cannot be read. */
    int GONE = Integer.MIN_VALUE;

    /** The CPU the thread last ran on (field 39), or {@link #GONE}. */
    int processor();

    /** The whole line, parsed; empty when the thread is gone or the file cannot be read. */
    Optional<ProcStat> stat();

    @Override
    void close();
}
