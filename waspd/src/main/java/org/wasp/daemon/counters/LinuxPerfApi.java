// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.util.HashMap;
import java.util.Map;
import org.wasp.daemon.jna.DirectLibC;
import org.wasp.daemon.jna.LibC;
import org.wasp.daemon.jna.PerfEventAttr;
import org.wasp.daemon.jna.RLimit;
import org.wasp.daemon.jna.Syscalls;
import org.wasp.daemon.os.OsException;

/**
 * {@link PerfApi} through syscall(perf_event_open). Events are opened in small groups, read
 * with read_format GROUP | TOTAL_TIME_ENABLED | TOTAL_TIME_RUNNING, so the kernel may
 * multiplex each group and the policy scales by the running/enabled deltas; one read(2) per
 * group instead of one per event. Descriptors are close-on-exec. Reads, the per-interval hot
 * path, go through {@link DirectLibC} into one reused native buffer.
 */
public final class LinuxPerfApi implements PerfApi {
    /** nr, time enabled, time running, then one count per member. */
    private static final int READ_BYTES = 8 * (3 + MAX_GROUP);
    private final LibC libc = LibC.get();
    private final Memory buf = new Memory(READ_BYTES);

    /**
     * One attribute structure per event, made once: building a JNA structure (reflection over
     * its fields) cost more than the system call, and every new thread opens six events.
     */
    private final Map<EventSpec, PerfEventAttr> attrs = new HashMap<>();

    @Override
    public synchronized int open(EventSpec spec, int tid, int groupFd) throws OsException {
        PerfEventAttr attr = attrs.computeIfAbsent(spec, e -> PerfEventAttr.counting(e.type(), e.config()));
        try {
            return (int) libc.syscall(Syscalls.PERF_EVENT_OPEN, attr, tid, -1, groupFd,
                    Syscalls.PERF_FLAG_FD_CLOEXEC);
        } catch (LastErrorException e) {
            throw new OsException("perf_event_open " + spec.describe() + " on tid " + tid, e.getErrorCode());
        }
    }

    @Override
    public synchronized void readGroup(int leaderFd, long[] out) throws OsException {
        long n;
        try {
            n = DirectLibC.read(leaderFd, buf, READ_BYTES);
        } catch (LastErrorException e) {
            throw new OsException("read perf fd " + leaderFd, e.getErrorCode());
        }
        long nr = n >= 8 ? buf.getLong(0) : -1;
        if (nr < 1 || nr > MAX_GROUP || n != 8 * (3 + nr)) {
            throw new OsException("short read (" + n + " bytes) of perf fd " + leaderFd, 0);
        }
        out[0] = buf.getLong(8);
        out[1] = buf.getLong(16);
        for (int i = 0; i < nr; i++) {
            out[2 + i] = buf.getLong(24 + 8L * i);
        }
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
