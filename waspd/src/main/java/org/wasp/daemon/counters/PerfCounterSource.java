// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.wasp.daemon.jna.Errno;
import org.wasp.daemon.os.OsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-thread perf counters: for every thread of a polled process one descriptor per
 * {@link Event}, in the {@link #GROUPS}. New threads get counters, threads that left are
 * closed. The descriptor limit is raised once at construction; the number of counted threads
 * is capped to fit in it (one warning when the cap is reached).
 */
public final class PerfCounterSource implements CounterSource {
    private static final Logger LOG = LoggerFactory.getLogger(PerfCounterSource.class);
    /** Descriptors kept free for the JVM, logs, /proc reads and the metrics socket. */
    static final long RESERVED_FDS = 128;
    /**
     * Events opened as one group, read with one read(2) (3 per thread per interval instead of
     * 6, the daemon's main cost with many threads). Each DTLB access count shares its group
     * with its miss count, so the kernel multiplexes them together; two events per group fit
     * in any PMU that can count two events at once.
     */
    static final Event[][] GROUPS = {
        {Event.L1D_READ, Event.L1D_WRITE},
        {Event.DTLB_READ, Event.DTLB_READ_MISS},
        {Event.DTLB_WRITE, Event.DTLB_WRITE_MISS},
    };

    private final PerfApi api;
    private final EventSpec[] specs;
    private final Map<Integer, Map<Integer, int[]>> fds = new HashMap<>();
    private final long[] scratch = new long[2 + PerfApi.MAX_GROUP];
    private int maxThreads;
    private int threads;
    private boolean capWarned;

    public PerfCounterSource(PerfApi api, Map<Event, EventSpec> specs, int maxThreadsWanted) {
        this.api = api;
        this.specs = new EventSpec[Event.COUNT];
        for (Event e : Event.values()) {
            this.specs[e.ordinal()] = specs.get(e);
        }
        long limit = api.raiseFdLimit();
        long fit = Math.max(1, (limit - RESERVED_FDS) / Event.COUNT);
        this.maxThreads = (int) Math.min(maxThreadsWanted, Math.min(fit, Integer.MAX_VALUE));
        LOG.debug("RLIMIT_NOFILE {}, counting at most {} threads", limit, maxThreads);
    }

    /**
     * Tries each event once on the calling thread. Returns the events the PMU cannot count,
     * with the reason, in event order; empty when all open.
     */
    public static Map<Event, String> missingEvents(PerfApi api, Map<Event, EventSpec> specs) {
        Map<Event, String> missing = new LinkedHashMap<>();
        for (Event e : Event.values()) {
            try {
                api.close(api.open(specs.get(e), 0, -1));
            } catch (OsException ex) {
                missing.put(e, Errno.name(ex.errno()));
            }
        }
        return missing;
    }

    public int maxThreads() {
        return maxThreads;
    }

    @Override
    public long beginInterval() {
        return System.nanoTime();
    }

    @Override
    public ProcessSample poll(int pid, String comm, Collection<Integer> tids) throws OsException {
        long now = System.nanoTime();
        Map<Integer, int[]> byTid = fds.computeIfAbsent(pid, p -> new HashMap<>());
        Set<Integer> live = new HashSet<>(tids);
        for (Iterator<Map.Entry<Integer, int[]>> it = byTid.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, int[]> e = it.next();
            if (!live.contains(e.getKey())) {
                closeAll(e.getValue());
                threads--;
                it.remove();
            }
        }
        // ProcFs lists tids in ascending order: under the cap, the oldest threads are counted.
        for (int tid : tids) {
            if (byTid.containsKey(tid)) {
                continue;
            }
            if (threads >= maxThreads) {
                if (!capWarned) {
                    capWarned = true;
                    LOG.warn("counting capped at {} threads (descriptor limit); further threads are not counted",
                            maxThreads);
                }
                break;
            }
            int[] opened = openThread(pid, tid);
            if (opened != null) {
                byTid.put(tid, opened);
                threads++;
            }
        }
        List<ThreadSample> out = new ArrayList<>(byTid.size());
        for (Map.Entry<Integer, int[]> e : byTid.entrySet()) {
            ThreadSample s = ThreadSample.zero(e.getKey());
            int[] f = e.getValue();
            boolean ok = true;
            for (int g = 0; g < GROUPS.length && ok; g++) {
                try {
                    api.readGroup(f[GROUPS[g][0].ordinal()], scratch);
                } catch (OsException ex) {
                    ok = false;
                    continue;
                }
                for (int k = 0; k < GROUPS[g].length; k++) {
                    int i = GROUPS[g][k].ordinal();
                    s.values()[i] = scratch[2 + k];
                    s.enabled()[i] = scratch[0];
                    s.running()[i] = scratch[1];
                }
            }
            if (ok) {
                out.add(s);
            }
        }
        return new ProcessSample(pid, comm, now, out);
    }

    /** Opens all events on one thread, group by group; null when it vanished or descriptors ran out. */
    private int[] openThread(int pid, int tid) throws OsException {
        int[] f = new int[Event.COUNT];
        List<Integer> opened = new ArrayList<>(Event.COUNT);
        for (Event[] group : GROUPS) {
            int leader = -1;
            for (Event ev : group) {
                try {
                    f[ev.ordinal()] = api.open(specs[ev.ordinal()], tid, leader);
                } catch (OsException ex) {
                    opened.forEach(api::close);
                    return openFailed(pid, tid, ex);
                }
                opened.add(f[ev.ordinal()]);
                if (leader < 0) {
                    leader = f[ev.ordinal()];
                }
            }
        }
        return f;
    }

    /** What a failed open means: null to skip the thread, or an exception when it is denied. */
    private int[] openFailed(int pid, int tid, OsException ex) throws OsException {
        if (ex.vanished()) {
            return null;
        }
        if (ex.errno() == Errno.EMFILE || ex.errno() == Errno.ENFILE) {
            maxThreads = threads;
            if (!capWarned) {
                capWarned = true;
                LOG.warn("out of file descriptors ({}); counting capped at {} threads", Errno.name(ex.errno()),
                        maxThreads);
            }
            return null;
        }
        if (ex.denied()) {
            throw new OsException("perf_event_open on pid " + pid, ex.errno());
        }
        LOG.debug("cannot count tid {} of pid {}: {}", tid, pid, ex.getMessage());
        return null;
    }

    @Override
    public void release(int pid) {
        Map<Integer, int[]> byTid = fds.remove(pid);
        if (byTid != null) {
            byTid.values().forEach(this::closeAll);
            threads -= byTid.size();
        }
    }

    @Override
    public int monitoredThreads() {
        return threads;
    }

    @Override
    public void close() {
        for (Integer pid : new ArrayList<>(fds.keySet())) {
            release(pid);
        }
    }

    private void closeAll(int[] f) {
        for (int fd : f) {
            api.close(fd);
        }
    }
}
