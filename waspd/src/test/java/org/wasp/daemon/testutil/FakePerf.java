// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.testutil;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.wasp.daemon.counters.Event;
import org.wasp.daemon.counters.EventSpec;
import org.wasp.daemon.counters.PerfApi;
import org.wasp.daemon.os.OsException;
import org.wasp.daemon.jna.Errno;

/**
 * A fake perf_event_open: descriptors per (event, tid) in groups; a group read returns the
 * thread's enabled time ({@link #onCpuNs}, 2000 unless set), half of it as running time (none
 * for a group larger than {@link #runsUpTo}), and
 * tid * 10 plus the enabled time beyond 2000 for every member (so the counts move exactly when the
 * thread has run).
 */
public final class FakePerf implements PerfApi {
    public int nextFd = 100;
    public final Map<Integer, Integer> fdToTid = new HashMap<>();
    /** Leader descriptor to its group's size. */
    public final Map<Integer, Integer> groupSize = new HashMap<>();
    public int reads;
    /** Each descriptor's event and the leader it was opened under (-1: a leader). */
    public final Map<Integer, Event> fdEvent = new HashMap<>();
    public final Map<Integer, Integer> fdGroup = new HashMap<>();
    public final Set<Integer> closed = new HashSet<>();
    public final Map<Integer, Integer> tidErrno = new HashMap<>();
    public final Set<Event> unsupported = new HashSet<>();
    /** Refuse every PERF_TYPE_RAW event (ENOENT), as a virtual PMU that passes only generic events might. */
    public boolean rawUnsupported;
    /** Each descriptor's spec. */
    public final Map<Integer, EventSpec> fdSpec = new HashMap<>();
    public long fdLimit = 1024;
    /** Most members the PMU takes in one group: one more is refused with EINVAL, as x86 does. */
    public int maxGroup = Integer.MAX_VALUE;
    /** Groups larger than this open but never run (running time 0), as when pinned events hold counters. */
    public int runsUpTo = Integer.MAX_VALUE;
    public int opens;
    /** Per tid, the time its counters have been enabled (as if it had run that long); 2000 if absent. */
    public final Map<Integer, Long> onCpuNs = new HashMap<>();
    /** Group reads per leader's tid. */
    public final Map<Integer, Integer> readsByTid = new HashMap<>();

    @Override
    public int open(EventSpec spec, int tid, int groupFd) throws OsException {
        opens++;
        if (unsupported.contains(spec.event())
                || rawUnsupported && spec.type() == org.wasp.daemon.jna.PerfEventAttr.PERF_TYPE_RAW) {
            throw new OsException("open", Errno.ENOENT);
        }
        Integer e = tidErrno.get(tid);
        if (e != null) {
            throw new OsException("open", e);
        }
        if (groupFd >= 0) {
            if (!Integer.valueOf(tid).equals(fdToTid.get(groupFd)) || !groupSize.containsKey(groupFd)) {
                throw new OsException("open in a group of another thread or a non-leader", Errno.EINVAL);
            }
            if (groupSize.get(groupFd) >= maxGroup) {
                throw new OsException("open: group larger than the PMU", Errno.EINVAL);
            }
            groupSize.merge(groupFd, 1, Integer::sum);
        }
        int fd = nextFd++;
        fdToTid.put(fd, tid);
        fdEvent.put(fd, spec.event());
        fdSpec.put(fd, spec);
        fdGroup.put(fd, groupFd);
        if (groupFd < 0) {
            groupSize.put(fd, 1);
        }
        return fd;
    }

    @Override
    public void readGroup(int leaderFd, long[] out) throws OsException {
        Integer n = groupSize.get(leaderFd);
        if (n == null) {
            throw new OsException("read of a non-leader", Errno.EINVAL);
        }
        reads++;
        int tid = fdToTid.get(leaderFd);
        readsByTid.merge(tid, 1, Integer::sum);
        long enabled = onCpuNs.getOrDefault(tid, 2000L);
        out[0] = enabled;
        out[1] = n > runsUpTo ? 0 : enabled / 2;
        for (int i = 0; i < n; i++) {
            out[2 + i] = tid * 10L + enabled - 2000;
        }
    }

    @Override
    public void close(int fd) {
        closed.add(fd);
    }

    @Override
    public long raiseFdLimit() {
        return fdLimit;
    }

    public Set<Integer> openTids() {
        return fdToTid.entrySet().stream().filter(e -> !closed.contains(e.getKey())).map(Map.Entry::getValue)
                .collect(Collectors.toSet());
    }
}
