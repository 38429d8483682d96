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
 * {@link Event}. New threads get counters, threads that left are closed. The descriptor
 * limit is raised once at construction; the number of counted threads is capped to fit in
 * it (one warning when the cap is reached).
 */
public final class PerfCounterSource implements CounterSource {
    private static final Logger LOG = LoggerFactory.getLogger(PerfCounterSource.class);
    /** Descriptors kept free for the JVM, logs, /proc reads and the metrics socket. */
    static final long RESERVED_FDS = 128;

    private final PerfApi api;
    private final EventSpec[] specs;
    private final Map<Integer, Map<Integer, int[]>> fds = new HashMap<>();
    private final long[] scratch = new long[3];
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
                api.close(api.open(specs.get(e), 0));
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
            for (int i = 0; i < f.length && ok; i++) {
                try {
                    api.read(f[i], scratch);
                    s.values()[i] = scratch[0];
                    s.enabled()[i] = scratch[1];
                    s.running()[i] = scratch[2];
                } catch (OsException ex) {
                    ok = false;
                }
            }
            if (ok) {
                out.add(s);
            }
        }
        return new ProcessSample(pid, comm, now, out);
    }

    /** Opens all events on one thread; null when it vanished or descriptors ran out. */
    private int[] openThread(int pid, int tid) throws OsException {
        int[] f = new int[Event.COUNT];
        for (int i = 0; i < f.length; i++) {
            try {
                f[i] = api.open(specs[i], tid);
            } catch (OsException ex) {
                closeAll(java.util.Arrays.copyOf(f, i));
                if (ex.vanished()) {
                    return null;
                }
                if (ex.errno() == Errno.EMFILE || ex.errno() == Errno.ENFILE) {
                    maxThreads = threads;
                    if (!capWarned) {
                        capWarned = true;
                        LOG.warn("out of file descriptors ({}); counting capped at {} threads",
                                Errno.name(ex.errno()), maxThreads);
                    }
                    return null;
                }
                if (ex.denied()) {
                    throw new OsException("perf_event_open on pid " + pid, ex.errno());
                }
                LOG.debug("cannot count tid {} of pid {}: {}", tid, pid, ex.getMessage());
                return null;
            }
        }
        return f;
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
