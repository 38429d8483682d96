// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counter readings from a recorded trace ({@link RecordFormat}). Each
 * {@link #beginInterval()} moves to the next timestamp of the trace. A live process is
 * matched to the trace by pid, or else by comm (the first traced process of that name),
 * so a trace recorded elsewhere drives the process of the same name here. The traced
 * thread ids are reported as recorded.
 */
public final class ReplayCounterSource implements CounterSource {
    private final List<Long> times = new ArrayList<>();
    private final List<Map<Integer, ProcessSample>> intervals = new ArrayList<>();
    private final Map<Integer, Integer> livePidToTraced = new HashMap<>();
    private int cursor = -1;

    public ReplayCounterSource(List<String> lines) {
        Map<Long, Map<Integer, List<ThreadSample>>> byTime = new LinkedHashMap<>();
        Map<Integer, String> comms = new HashMap<>();
        int n = 0;
        for (String l : lines) {
            n++;
            RecordFormat.Line r;
            try {
                r = RecordFormat.parse(l);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + n + ": " + e.getMessage(), e);
            }
            if (r == null) {
                continue;
            }
            comms.put(r.pid(), r.comm());
            byTime.computeIfAbsent(r.timeNs(), t -> new LinkedHashMap<>())
                    .computeIfAbsent(r.pid(), p -> new ArrayList<>()).add(r.sample());
        }
        byTime.forEach((t, procs) -> {
            Map<Integer, ProcessSample> m = new LinkedHashMap<>();
            procs.forEach((pid, threads) -> m.put(pid, new ProcessSample(pid, comms.get(pid), t, threads)));
            times.add(t);
            intervals.add(m);
        });
        if (times.isEmpty()) {
            throw new IllegalArgumentException("no samples in trace");
        }
    }

    public static ReplayCounterSource open(Path file) throws IOException {
        return new ReplayCounterSource(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    public int intervals() {
        return times.size();
    }

    @Override
    public long beginInterval() {
        if (cursor < times.size()) {
            cursor++;
        }
        return times.get(Math.min(cursor, times.size() - 1));
    }

    @Override
    public boolean exhausted() {
        return cursor >= times.size() - 1;
    }

    @Override
    public ProcessSample poll(int pid, String comm, Collection<Integer> tids) {
        if (cursor < 0 || cursor >= times.size()) {
            return new ProcessSample(pid, comm, times.get(times.size() - 1), List.of());
        }
        Map<Integer, ProcessSample> now = intervals.get(cursor);
        Integer traced = livePidToTraced.get(pid);
        if (traced == null) {
            if (now.containsKey(pid)) {
                traced = pid;
            } else {
                for (ProcessSample s : now.values()) {
                    if (s.comm().equals(comm) && !livePidToTraced.containsValue(s.pid())) {
                        traced = s.pid();
                        break;
                    }
                }
            }
            if (traced != null) {
                livePidToTraced.put(pid, traced);
            }
        }
        ProcessSample s = traced == null ? null : now.get(traced);
        if (s == null) {
            return new ProcessSample(pid, comm, times.get(cursor), List.of());
        }
        return new ProcessSample(pid, comm, s.timeNs(), s.threads());
    }

    @Override
    public Map<Integer, String> tracedProcesses() {
        if (cursor < 0 || cursor >= times.size()) {
            return Map.of();
        }
        Map<Integer, String> m = new LinkedHashMap<>();
        intervals.get(cursor).forEach((pid, s) -> m.put(pid, s.comm()));
        return m;
    }

    @Override
    public void release(int pid) {
        livePidToTraced.remove(pid);
    }

    @Override
    public int monitoredThreads() {
        if (cursor < 0 || cursor >= times.size()) {
            return 0;
        }
        return intervals.get(cursor).values().stream().mapToInt(s -> s.threads().size()).sum();
    }

    @Override
    public void close() {
        livePidToTraced.clear();
    }
}
