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

/** A fake perf_event_open: descriptors per (event, tid), reads return tid * 10 with enabled 2000, running 1000. */
public final class FakePerf implements PerfApi {
    public int nextFd = 100;
    public final Map<Integer, Integer> fdToTid = new HashMap<>();
    public final Set<Integer> closed = new HashSet<>();
    public final Map<Integer, Integer> tidErrno = new HashMap<>();
    public final Set<Event> unsupported = new HashSet<>();
    public long fdLimit = 1024;
    public int opens;

    @Override
    public int open(EventSpec spec, int tid) throws OsException {
        opens++;
        if (unsupported.contains(spec.event())) {
            throw new OsException("open", Errno.ENOENT);
        }
        Integer e = tidErrno.get(tid);
        if (e != null) {
            throw new OsException("open", e);
        }
        int fd = nextFd++;
        fdToTid.put(fd, tid);
        return fd;
    }

    @Override
    public void read(int fd, long[] out) {
        out[0] = fdToTid.get(fd) * 10L;
        out[1] = 2000;
        out[2] = 1000;
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
