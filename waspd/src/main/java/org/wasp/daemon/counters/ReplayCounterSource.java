// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wasp.daemon.os.IoErrors;

/**
 * Counter readings from a recorded trace ({@link RecordFormat}), streamed: each
 * {@link #beginInterval()} reads the next interval ({@link TraceReader}), and only that one is
 * held. A live process is driven by the traced process with the same pid <em>and</em> comm
 * (a pid alone may since belong to another program), or else by the first traced process of
 * its comm not already driving another, so a trace recorded elsewhere drives the process of
 * the same name here. The traced thread ids are reported as recorded.
 *
 * <p>A malformed line or a read error after the start ends the replay with a {@link TraceError}
 * from {@link #beginInterval()} naming the file and the line or the OS's reason.
 */
public final class ReplayCounterSource implements CounterSource {
    private final TraceReader reader;
    private final String name;
    private final Map<Integer, Integer> livePidToTraced = new HashMap<>();
    private Map<Integer, ProcessSample> now = Map.of();
    private long nowTime;
    private boolean started;
    private boolean ended;

    /** A trace held in memory (tests): its lines are taken in timestamp order. */
    public ReplayCounterSource(List<String> lines) {
        this(new BufferedReader(new StringReader(String.join("\n", timeOrdered(lines)))), "trace");
    }

    /** Streams the trace from {@code in}; {@code name} prefixes read errors. */
    public ReplayCounterSource(BufferedReader in, String name) {
        this.name = name;
        this.reader = new TraceReader(in);
    }

    /** Streams {@code file}; the first sample is read (and checked) at once. */
    public static ReplayCounterSource open(Path file) throws IOException {
        return new ReplayCounterSource(Files.newBufferedReader(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Several test traces concatenated become one trace in time order (a stable sort; comments first). */
    private static List<String> timeOrdered(List<String> lines) {
        List<String> out = new ArrayList<>(lines);
        out.sort(Comparator.comparingLong(ReplayCounterSource::timeKey));
        return out;
    }

    private static long timeKey(String line) {
        String t = line.trim();
        int sp = t.indexOf(' ');
        try {
            return t.isEmpty() || t.startsWith("#") ? Long.MIN_VALUE : Long.parseLong(sp < 0 ? t : t.substring(0, sp));
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }

    @Override
    public long beginInterval() {
        started = true;
        if (ended) {
            now = Map.of();
            return nowTime;
        }
        TraceReader.Interval i;
        try {
            i = reader.next();
        } catch (IllegalArgumentException e) {
            throw new TraceError(name + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new TraceError(name + ": " + IoErrors.reason(e.getCause()), e);
        }
        if (i == null) {
            ended = true;
            now = Map.of();
            return nowTime;
        }
        now = i.processes();
        nowTime = i.timeNs();
        return nowTime;
    }

    @Override
    public boolean exhausted() {
        return !reader.hasNext();
    }

    @Override
    public ProcessSample poll(int pid, String comm, Collection<Integer> tids) {
        Integer traced = livePidToTraced.get(pid);
        if (traced != null) {
            ProcessSample s = now.get(traced);
            if (s != null && !s.comm().equals(comm)) {
                livePidToTraced.remove(pid); // The live process changed name (exec): match afresh.
                traced = null;
            }
        }
        if (traced == null) {
            traced = match(pid, comm);
            if (traced != null) {
                livePidToTraced.put(pid, traced);
            }
        }
        ProcessSample s = traced == null ? null : now.get(traced);
        if (s == null) {
            return new ProcessSample(pid, comm, nowTime, List.of());
        }
        return new ProcessSample(pid, comm, s.timeNs(), s.threads());
    }

    /** The traced process to drive live {@code pid}: same pid and comm, else the first unclaimed of that comm. */
    private Integer match(int pid, String comm) {
        ProcessSample same = now.get(pid);
        if (same != null && same.comm().equals(comm) && !livePidToTraced.containsValue(pid)) {
            return pid;
        }
        for (ProcessSample s : now.values()) {
            if (s.comm().equals(comm) && !livePidToTraced.containsValue(s.pid())) {
                return s.pid();
            }
        }
        return null;
    }

    @Override
    public Map<Integer, String> tracedProcesses() {
        if (!started) {
            return Map.of();
        }
        Map<Integer, String> m = new LinkedHashMap<>();
        now.forEach((pid, s) -> m.put(pid, s.comm()));
        return m;
    }

    @Override
    public void release(int pid) {
        livePidToTraced.remove(pid);
    }

    @Override
    public int monitoredThreads() {
        return now.values().stream().mapToInt(s -> s.threads().size()).sum();
    }

    @Override
    public void close() {
        livePidToTraced.clear();
        reader.close();
    }
}
