// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import org.wasp.daemon.jna.DirectLibC;
import org.wasp.daemon.jna.LibC;
import org.wasp.daemon.jna.PerfEventAttr;
import org.wasp.daemon.jna.RLimit;
import org.wasp.daemon.jna.Syscalls;
import org.wasp.daemon.os.OsException;

/**
 * {@link PerfApi} through syscall(perf_event_open). Each event is its own counter (no group),
 * read_format TOTAL_TIME_ENABLED | TOTAL_TIME_RUNNING, so the kernel may multiplex it and the
 * policy scales by the running/enabled deltas. Descriptors are close-on-exec. Reads, the
 * per-interval hot path, go through {@link DirectLibC} into one reused native buffer.
 */
public final class LinuxPerfApi implements PerfApi {
    private static final int READ_BYTES = 24;
    private final LibC libc = LibC.get();
    private final Memory buf = new Memory(READ_BYTES);

    @Override
    public int open(EventSpec spec, int tid) throws OsException {
        PerfEventAttr attr = PerfEventAttr.counting(spec.type(), spec.config());
        try {
            return (int) libc.syscall(Syscalls.PERF_EVENT_OPEN, attr, tid, -1, -1, Syscalls.PERF_FLAG_FD_CLOEXEC);
        } catch (LastErrorException e) {
            throw new OsException("perf_event_open " + spec.describe() + " on tid " + tid, e.getErrorCode());
        }
    }

    @Override
    public synchronized void read(int fd, long[] out) throws OsException {
        long n;
        try {
            n = DirectLibC.read(fd, buf, READ_BYTES);
        } catch (LastErrorException e) {
            throw new OsException("read perf fd " + fd, e.getErrorCode());
        }
        if (n != READ_BYTES) {
            throw new OsException("short read (" + n + " bytes) of perf fd " + fd, 0);
        }
        out[0] = buf.getLong(0);
        out[1] = buf.getLong(8);
        out[2] = buf.getLong(16);
    }

    @Override
    public void close(int fd) {
        try {
            libc.close(fd);
        } catch (LastErrorException ignored) {
            // EBADF or EINTR: the descriptor is gone either way.
        }
    }

    @Override
    public long raiseFdLimit() {
        RLimit r = new RLimit();
        try {
            libc.getrlimit(LibC.RLIMIT_NOFILE, r);
            if (r.rlim_cur != r.rlim_max) {
                r.rlim_cur = r.rlim_max;
                libc.setrlimit(LibC.RLIMIT_NOFILE, r);
            }
            return r.rlim_cur == RLimit.INFINITY ? Long.MAX_VALUE : r.rlim_cur;
        } catch (LastErrorException e) {
            return 1024;
        }
    }
}
