// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.wasp.daemon.os.OsException;

/** Passes readings through and writes each one to a trace file (--record). */
public final class RecordingCounterSource implements CounterSource {
    private final CounterSource inner;
    private final BufferedWriter out;

    public RecordingCounterSource(CounterSource inner, Path file) throws IOException {
        this.inner = inner;
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        out.write(RecordFormat.HEADER);
        out.newLine();
        out.write("# TS_NS PID TID COMM EVENT=VALUE/ENABLED_NS/RUNNING_NS ...");
        out.newLine();
    }

    @Override
    public long beginInterval() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the record file", e);
        }
        return inner.beginInterval();
    }

    @Override
    public ProcessSample poll(int pid, String comm, Collection<Integer> tids) throws OsException {
        ProcessSample s = inner.poll(pid, comm, tids);
        try {
            for (ThreadSample t : s.threads()) {
                out.write(RecordFormat.format(s.timeNs(), pid, comm, t));
                out.newLine();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing the record file", e);
        }
        return s;
    }

    @Override
    public void release(int pid) {
        inner.release(pid);
    }

    @Override
    public int monitoredThreads() {
        return inner.monitoredThreads();
    }

    @Override
    public Map<Integer, String> tracedProcesses() {
        return inner.tracedProcesses();
    }

    @Override
    public boolean liveThreadTimes() {
        return inner.liveThreadTimes();
    }

    @Override
    public Optional<EventSelection> events() {
        return inner.events();
    }

    @Override
    public boolean exhausted() {
        return inner.exhausted();
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // Best effort at shutdown.
        }
        inner.close();
    }
}
