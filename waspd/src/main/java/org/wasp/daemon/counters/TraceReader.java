// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a trace ({@link RecordFormat}) one interval at a time, so a trace of any length replays
 * in the memory of one interval (a 10-minute trace of 1,000 threads is 167 MB of text). The
 * lines of an interval (one timestamp) must be together and intervals in time order, as
 * {@code --record} writes them. Errors name the line; the caller adds the file.
 */
final class TraceReader implements AutoCloseable {
    /** One interval: its timestamp and each traced process's sample. */
    record Interval(long timeNs, Map<Integer, ProcessSample> processes) {
    }

    private final BufferedReader in;
    private RecordFormat.Line pending;
    private int lineNo;
    private long lastTime = Long.MIN_VALUE;

    /** Reads up to the first sample; a trace without one is refused here. */
    TraceReader(BufferedReader in) {
        this.in = in;
        pending = readLine();
        if (pending == null) {
            close();
            throw new IllegalArgumentException("no samples in trace");
        }
    }

    /** True while another interval follows. */
    boolean hasNext() {
        return pending != null;
    }

    /** The next interval, or null at the end. */
    Interval next() {
        if (pending == null) {
            return null;
        }
        long t = pending.timeNs();
        if (t < lastTime) {
            throw new IllegalArgumentException("line " + lineNo + ": timestamp " + t + " is before " + lastTime
                    + " (a trace is in time order, as --record writes it)");
        }
        lastTime = t;
        Map<Integer, List<ThreadSample>> threads = new LinkedHashMap<>();
        Map<Integer, String> comms = new LinkedHashMap<>();
        while (pending != null && pending.timeNs() == t) {
            threads.computeIfAbsent(pending.pid(), p -> new ArrayList<>()).add(pending.sample());
            comms.put(pending.pid(), pending.comm());
            pending = readLine();
        }
        Map<Integer, ProcessSample> procs = new LinkedHashMap<>();
        threads.forEach((pid, l) -> procs.put(pid, new ProcessSample(pid, comms.get(pid), t, l)));
        if (pending == null) {
            close();
        }
        return new Interval(t, procs);
    }

    private RecordFormat.Line readLine() {
        try {
            String l;
            while ((l = in.readLine()) != null) {
                lineNo++;
                RecordFormat.Line r;
                try {
                    r = RecordFormat.parse(l);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("line " + lineNo + ": " + e.getMessage(), e);
                }
                if (r != null) {
                    return r;
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // Read-only: nothing is lost.
        }
    }
}
