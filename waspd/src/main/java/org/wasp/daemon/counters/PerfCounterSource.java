// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.wasp.daemon.jna.Errno;
import org.wasp.daemon.os.OsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-thread perf counters: for every thread of a polled process one descriptor per
 * {@link Event}, grouped as the {@link GroupLayout} says. New threads get counters, threads
 * that left are closed. The descriptor limit is raised once at construction; the number of
 * counted threads is capped to fit in it (one warning when the cap is reached).
 */
public final class PerfCounterSource implements CounterSource {
    private static final Logger LOG = LoggerFactory.getLogger(PerfCounterSource.class);
    /** Descriptors kept free for the JVM, logs, /proc reads and the metrics socket. */
    static final long RESERVED_FDS = 128;
    private final PerfApi api;
    private final EventSelection selection;
    private final EventSpec[] specs;
    private final Event[][] groups;
    /** Per process, its counted threads. */
    private final Map<Integer, Map<Integer, Counted>> counted = new HashMap<>();
    private final long[] scratch = new long[2 + PerfApi.MAX_GROUP];
    private int maxThreads;
    private int threads;
    private boolean capWarned;

    /**
     * @param otherFdsPerThread descriptors the daemon keeps per counted thread besides its
     *                          counters (full mode keeps each steered thread's stat file open),
     *                          so that the cap leaves room for them
     */
    public PerfCounterSource(PerfApi api, Map<Event, EventSpec> specs, GroupLayout layout, int maxThreadsWanted,
            int otherFdsPerThread) {
        this(api, new EventSelection("custom", "given by the caller", specs), layout, maxThreadsWanted,
                otherFdsPerThread);
    }

    public PerfCounterSource(PerfApi api, EventSelection selection, GroupLayout layout, int maxThreadsWanted,
            int otherFdsPerThread) {
        Map<Event, EventSpec> specs = selection.specs();
        this.api = api;
        this.selection = selection;
        this.groups = layout.groupsFor(specs);
        this.specs = new EventSpec[Event.COUNT];
        int counters = 0;
        for (Event e : Event.values()) {
            this.specs[e.ordinal()] = specs.get(e);
            counters += specs.get(e).opened() ? 1 : 0;
        }
        long limit = api.raiseFdLimit();
        long fit = Math.max(1, (limit - RESERVED_FDS) / (counters + otherFdsPerThread));
        this.maxThreads = (int) Math.min(maxThreadsWanted, Math.min(fit, Integer.MAX_VALUE));
        LOG.debug("RLIMIT_NOFILE {}, counting at most {} threads", limit, maxThreads);
    }

    /**
     * Tries each event with a counter of its own once on the calling thread. Returns the events
     * the PMU cannot count, with the reason, in event order; empty when all open.
     */
    public static Map<Event, String> missingEvents(PerfApi api, Map<Event, EventSpec> specs) {
        Map<Event, String> missing = new LinkedHashMap<>();
        for (Event e : Event.values()) {
            if (!specs.get(e).opened()) {
                continue;
            }
            try {
                api.close(api.open(specs.get(e), 0, -1));
            } catch (OsException ex) {
                missing.put(e, Errno.name(ex.errno()));
            }
        }
        return missing;
    }

    @Override
    public Optional<EventSelection> events() {
        return Optional.of(selection);
    }

    public int maxThreads() {
        return maxThreads;
    }

    @Override
    public long beginInterval() {
        return System.nanoTime();
    }

    @Override
    public boolean liveThreadTimes() {
        return true;
    }

    @Override
    public ProcessSample poll(int pid, String comm, Collection<Integer> tids) throws OsException {
        long now = System.nanoTime();
        Map<Integer, Counted> byTid = counted.computeIfAbsent(pid, p -> new HashMap<>());
        Set<Integer> live = new HashSet<>(tids);
        for (Iterator<Map.Entry<Integer, Counted>> it = byTid.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, Counted> e = it.next();
            if (!live.contains(e.getKey())) {
                closeAll(e.getValue().fds);
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
                byTid.put(tid, new Counted(opened));
                threads++;
            }
        }
        // In the order of tids (ascending, as ProcessSample wants); every counted thread is listed.
        List<ThreadSample> out = new ArrayList<>(byTid.size());
        for (int tid : tids) {
            Counted c = byTid.get(tid);
            if (c != null) {
                ThreadSample s = read(tid, c);
                if (s != null) {
                    out.add(s);
                }
            }
        }
        return new ProcessSample(pid, comm, now, out);
    }

    /**
     * One thread's counters: the first group, then the others only if the thread has been on a
     * CPU since the last reading. A per-thread event's enabled time advances only while its
     * thread runs, so when the first group's enabled time has not moved, no counter of the
     * thread can have moved either, and the last reading stands (the same object, so the
     * metrics see a zero delta without computing it). With two groups, a sleeping thread thus
     * costs one read(2) per interval instead of two. Null when a read fails (the thread is skipped this time).
     */
    private ThreadSample read(int tid, Counted c) {
        if (!readGroup(c, 0)) {
            return null;
        }
        if (c.last != null && scratch[0] == c.last.onCpuNs()) {
            return c.last;
        }
        ThreadSample s = ThreadSample.zero(tid);
        copyGroup(0, s);
        for (int g = 1; g < groups.length; g++) {
            if (!readGroup(c, g)) {
                return null;
            }
            copyGroup(g, s);
        }
        copyShared(s);
        c.last = s;
        return s;
    }

    private boolean readGroup(Counted c, int g) {
        try {
            api.readGroup(c.fds[groups[g][0].ordinal()], scratch);
            return true;
        } catch (OsException ex) {
            return false;
        }
    }

    /** Copies {@link #scratch}, group {@code g}'s reading, into {@code s}. */
    private void copyGroup(int g, ThreadSample s) {
        for (int k = 0; k < groups[g].length; k++) {
            int i = groups[g][k].ordinal();
            s.values()[i] = scratch[2 + k];
            s.enabled()[i] = scratch[0];
            s.running()[i] = scratch[1];
        }
    }

    /** Fills in the events that read another event's counter ({@link EventSpec#sameAs()}). */
    private void copyShared(ThreadSample s) {
        for (EventSpec spec : specs) {
            Event from = spec.sameAs();
            if (from != null) {
                int i = spec.event().ordinal();
                s.values()[i] = s.values()[from.ordinal()];
                s.enabled()[i] = s.enabled()[from.ordinal()];
                s.running()[i] = s.running()[from.ordinal()];
            }
        }
    }

    /** Opens all events on one thread, group by group; null when it vanished or descriptors ran out. */
    private int[] openThread(int pid, int tid) throws OsException {
        int[] f = new int[Event.COUNT];
        Arrays.fill(f, -1); // events without a counter of their own
        List<Integer> opened = new ArrayList<>(Event.COUNT);
        for (Event[] group : groups) {
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
        Map<Integer, Counted> byTid = counted.remove(pid);
        if (byTid != null) {
            byTid.values().forEach(c -> closeAll(c.fds));
            threads -= byTid.size();
        }
    }

    @Override
    public int monitoredThreads() {
        return threads;
    }

    @Override
    public void close() {
        for (Integer pid : new ArrayList<>(counted.keySet())) {
            release(pid);
        }
    }

    private void closeAll(int[] f) {
        for (int fd : f) {
            if (fd >= 0) {
                api.close(fd);
            }
        }
    }

    /** One counted thread: its descriptors, by event, and its last reading. */
    private static final class Counted {
        final int[] fds;
        ThreadSample last;

        Counted(int[] fds) {
            this.fds = fds;
        }
    }
}
