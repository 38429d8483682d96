// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wasp.daemon.os.IoErrors;
import org.wasp.daemon.os.OsException;

/**
 * Passes readings through and writes each one to a trace file (--record). Recording is a side
 * job: when the file cannot be written (disk full, I/O error) recording stops with one warning
 * naming the file and the reason, and the daemon goes on without it.
 */
public final class RecordingCounterSource extends ForwardingCounterSource {
    private static final Logger LOG = LoggerFactory.getLogger(RecordingCounterSource.class);

    private final String name;
    private Writer out;

    /** Creates (or truncates) {@code file} and writes the header; a failure here is the caller's to report. */
    public RecordingCounterSource(CounterSource inner, Path file) throws IOException {
        this(inner, file.toString(), Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    /** Records to {@code out}; {@code name} names it in the warning. */
    public RecordingCounterSource(CounterSource inner, String name, Writer out) throws IOException {
        super(inner);
        this.name = name;
        this.out = out instanceof BufferedWriter ? out : new BufferedWriter(out);
        this.out.write(RecordFormat.HEADER + "\n");
        this.out.write("# TS_NS PID TID COMM EVENT=VALUE/ENABLED_NS/RUNNING_NS ...\n");
    }

    /** True until a write has failed. */
    public boolean recording() {
        return out != null;
    }

    @Override
    public long beginInterval() {
        if (out != null) {
            try {
                out.flush();
            } catch (IOException e) {
                stop(e);
            }
        }
        return inner.beginInterval();
    }

    @Override
    public ProcessSample poll(int pid, String comm, Collection<Integer> tids) throws OsException {
        ProcessSample s = inner.poll(pid, comm, tids);
        if (out != null) {
            try {
                for (ThreadSample t : s.threads()) {
                    out.write(RecordFormat.format(s.timeNs(), pid, comm, t));
                    out.write('\n');
                }
            } catch (IOException e) {
                stop(e);
            }
        }
        return s;
    }

    private void stop(IOException e) {
        LOG.warn("recording stopped: cannot write {}: {}; the daemon goes on without it (the trace so far "
                + "may end in a partial line)", name, IoErrors.reason(e));
        try {
            out.close();
        } catch (IOException ignored) {
            // Already failing; the warning said so.
        }
        out = null;
    }

    @Override
    public void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                LOG.warn("cannot finish the record file {}: {}", name, IoErrors.reason(e));
            }
            out = null;
        }
        inner.close();
    }
}
