// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.wasp.daemon.counters.Event;
import org.wasp.daemon.counters.EventSpec;
import org.wasp.daemon.counters.PerfApi;
import org.wasp.daemon.os.OsException;

/**
 * Makes the threads of one process look busy: every group read of one of its threads still
 * makes the real read(2), then reports the group as enabled and running since it was opened
 * and counting, per second, what {@code bench/daemon-cpu/make-trace.sh} gives each thread
 * (40k L1D reads, 10k writes, as many DTLB accesses, 5 % of them misses: MAR 50M/s and a 5 %
 * miss rate for 1,000 threads). The daemon thus sees a process whose every thread runs all the
 * time, which replication turns on for, at the cost of live counter reads.
 */
final class BusyThreads extends ForwardingPerfApi {
    /** Counts per second by event ordinal. */
    private static final long[] PER_SECOND = new long[Event.COUNT];

    static {
        PER_SECOND[Event.L1D_READ.ordinal()] = 40_000;
        PER_SECOND[Event.L1D_WRITE.ordinal()] = 10_000;
        PER_SECOND[Event.DTLB_READ.ordinal()] = 40_000;
        PER_SECOND[Event.DTLB_WRITE.ordinal()] = 10_000;
        PER_SECOND[Event.DTLB_READ_MISS.ordinal()] = 2_000;
        PER_SECOND[Event.DTLB_WRITE_MISS.ordinal()] = 500;
    }

    private final int pid;
    /**
     * By leader descriptor (descriptors are small integers), for the busy process's groups: the
     * members' rates per second, leader first, and when the group was opened. Arrays, not maps:
     * this runs for every read, and its own cost should not weigh on the daemon's figure.
     */
    private long[][] rates = new long[1024][];
    private long[] openedAt = new long[1024];

    BusyThreads(PerfApi inner, int pid) {
        super(inner);
        this.pid = pid;
    }

    @Override
    public int open(EventSpec spec, int tid, int groupFd) throws OsException {
        int fd = super.open(spec, tid, groupFd);
        long rate = PER_SECOND[spec.event().ordinal()];
        if (groupFd >= 0 && groupFd < rates.length && rates[groupFd] != null) {
            long[] r = Arrays.copyOf(rates[groupFd], rates[groupFd].length + 1);
            r[r.length - 1] = rate;
            rates[groupFd] = r;
        } else if (groupFd < 0 && Files.isDirectory(Path.of("/proc/" + pid + "/task/" + tid))) {
            if (fd >= rates.length) {
                int n = Math.max(fd + 1, 2 * rates.length);
                rates = Arrays.copyOf(rates, n);
                openedAt = Arrays.copyOf(openedAt, n);
            }
            rates[fd] = new long[] {rate};
            openedAt[fd] = System.nanoTime();
        }
        return fd;
    }

    @Override
    public void readGroup(int leaderFd, long[] out) throws OsException {
        super.readGroup(leaderFd, out);
        long[] r = leaderFd < rates.length ? rates[leaderFd] : null;
        if (r == null) {
            return;
        }
        long ns = System.nanoTime() - openedAt[leaderFd];
        out[0] = ns;
        out[1] = ns;
        for (int k = 0; k < r.length; k++) {
            out[2 + k] = r[k] * ns / 1_000_000_000L;
        }
    }

    @Override
    public void close(int fd) {
        super.close(fd);
        if (fd >= 0 && fd < rates.length) {
            rates[fd] = null;
        }
    }
}
