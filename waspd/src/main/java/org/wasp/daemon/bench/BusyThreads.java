// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    private static final Map<Event, Long> PER_SECOND = Map.of(Event.L1D_READ, 40_000L, Event.L1D_WRITE, 10_000L,
            Event.DTLB_READ, 40_000L, Event.DTLB_WRITE, 10_000L, Event.DTLB_READ_MISS, 2_000L,
            Event.DTLB_WRITE_MISS, 500L);
    private final int pid;
    /** Leader descriptors of the busy process's groups: their members' events, leader first. */
    private final Map<Integer, List<Event>> groups = new HashMap<>();
    private final Map<Integer, Long> openedAt = new HashMap<>();

    BusyThreads(PerfApi inner, int pid) {
        super(inner);
        this.pid = pid;
    }

    @Override
    public int open(EventSpec spec, int tid, int groupFd) throws OsException {
        int fd = super.open(spec, tid, groupFd);
        if (groupFd >= 0 && groups.containsKey(groupFd)) {
            groups.get(groupFd).add(spec.event());
        } else if (groupFd < 0 && Files.isDirectory(Path.of("/proc/" + pid + "/task/" + tid))) {
            groups.put(fd, new ArrayList<>(List.of(spec.event())));
            openedAt.put(fd, System.nanoTime());
        }
        return fd;
    }

    @Override
    public void readGroup(int leaderFd, long[] out) throws OsException {
        super.readGroup(leaderFd, out);
        List<Event> members = groups.get(leaderFd);
        if (members == null) {
            return;
        }
        long ns = System.nanoTime() - openedAt.get(leaderFd);
        out[0] = ns;
        out[1] = ns;
        for (int k = 0; k < members.size(); k++) {
            out[2 + k] = PER_SECOND.get(members.get(k)) * ns / 1_000_000_000L;
        }
    }

    @Override
    public void close(int fd) {
        super.close(fd);
        groups.remove(fd);
        openedAt.remove(fd);
    }
}
