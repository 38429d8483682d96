// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.wasp.daemon.testutil.Traces.p;
import static org.wasp.daemon.testutil.Traces.repeat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wasp.daemon.policy.MetricsCalculator;
import org.wasp.daemon.policy.ProcessMetrics;
import org.wasp.daemon.testutil.Traces;

class ReplayCounterSourceTest {
    @Test
    void intervalsFollowTimestampsAndGiveTheRecordedRates() {
        ReplayCounterSource r = new ReplayCounterSource(Traces.record(100, "app", 2, repeat(p(20e6, 0.03), 3)));
        assertEquals(1_000_000_000L, r.beginInterval());
        ProcessSample a = r.poll(100, "app", List.of());
        assertEquals(2, a.threads().size());
        assertEquals(Map.of(100, "app"), r.tracedProcesses());
        assertEquals(2, r.monitoredThreads());
        assertEquals(2_000_000_000L, r.beginInterval());
        ProcessMetrics m = MetricsCalculator.compute(a, r.poll(100, "app", List.of()));
        assertEquals(20e6, m.mar(), 10);
        assertEquals(0.03, m.missRate(), 1e-4);
        assertFalse(r.exhausted());
        r.beginInterval();
        r.beginInterval();
        assertTrue(r.exhausted());
    }

    @Test
    void aLiveProcessWithTheTracedPidButAnotherCommIsNotDrivenByIt() {
        ReplayCounterSource r = new ReplayCounterSource(Traces.record(100, "app", 1, repeat(p(20e6, 0.03), 1)));
        r.beginInterval();
        assertEquals(0, r.poll(100, "bash", List.of(100)).threads().size(), "pid 100 is another program here");
        assertEquals(1, r.poll(200, "app", List.of(200)).threads().size(), "the same comm elsewhere is");
        ReplayCounterSource again = new ReplayCounterSource(Traces.record(100, "app", 1, repeat(p(20e6, 0.03), 2)));
        again.beginInterval();
        assertEquals(1, again.poll(100, "app", List.of(100)).threads().size(), "pid and comm match");
        again.beginInterval();
        assertEquals(0, again.poll(100, "sh", List.of(100)).threads().size(), "it exec'd another program");
    }

    @Test
    void liveProcessMatchedByCommWhenPidDiffers() {
        ReplayCounterSource r = new ReplayCounterSource(Traces.record(100, "app", 1, repeat(p(20e6, 0.03), 1)));
        r.beginInterval();
        assertEquals(1, r.poll(555, "app", List.of(555)).threads().size());
        assertEquals(0, r.poll(556, "other", List.of(556)).threads().size());
        assertEquals(0, r.poll(557, "app", List.of(557)).threads().size(), "each traced process drives one live one");
    }

    @Test
    void readsAFileWrittenByRecording(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.rec");
        ReplayCounterSource src = new ReplayCounterSource(Traces.record(7, "w", 3, repeat(p(1e6, 0.5), 2)));
        try (RecordingCounterSource rec = new RecordingCounterSource(src, f)) {
            for (int i = 0; i < 3; i++) {
                rec.beginInterval();
                rec.poll(7, "w", List.of());
            }
        }
        List<String> lines = Files.readAllLines(f);
        assertEquals(RecordFormat.HEADER, lines.get(0));
        assertEquals(2 + 9, lines.size());
        ReplayCounterSource back = ReplayCounterSource.open(f);
        int n = 0;
        while (!back.exhausted()) {
            back.beginInterval();
            n++;
        }
        assertEquals(3, n);
        List<String> original = new ArrayList<>(Traces.record(7, "w", 3, repeat(p(1e6, 0.5), 2)));
        original.remove(0);
        assertEquals(original, lines.subList(2, lines.size()), "recorded lines equal the replayed ones");
    }

    /** An endless trace of 1,000 threads, generated as it is read; counts the characters read. */
    static final class EndlessTrace extends Reader {
        long delivered;
        private final StringBuilder buf = new StringBuilder();
        private long interval;

        @Override
        public int read(char[] cbuf, int off, int len) {
            if (buf.length() == 0) {
                interval++;
                for (int t = 0; t < 1000; t++) {
                    ThreadSample s = ThreadSample.zero(1000 + t);
                    s.values()[0] = interval * 1000;
                    buf.append(RecordFormat.format(interval * 1_000_000_000L, 1000, "big", s)).append('\n');
                }
            }
            int n = Math.min(len, buf.length());
            buf.getChars(0, n, cbuf, off);
            buf.delete(0, n);
            delivered += n;
            return n;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aTraceIsStreamedNotLoadedWhole() {
        EndlessTrace endless = new EndlessTrace();
        ReplayCounterSource r = new ReplayCounterSource(new BufferedReader(endless), "endless");
        long perInterval = 0;
        for (int i = 1; i <= 50; i++) {
            assertEquals(i * 1_000_000_000L, r.beginInterval());
            assertEquals(1000, r.poll(1000, "big", List.of()).threads().size());
            assertFalse(r.exhausted());
            if (i == 1) {
                perInterval = endless.delivered;
            }
        }
        assertTrue(endless.delivered < 55 * perInterval, "read about one interval ahead: " + endless.delivered);
    }

    @Test
    void aBadLineMidTraceEndsTheReplayNamingFileAndLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.rec");
        List<String> lines = new ArrayList<>(Traces.record(7, "w", 1, repeat(p(1e6, 0.5), 2)));
        lines.add("oops");
        Files.write(f, lines);
        ReplayCounterSource r = ReplayCounterSource.open(f);
        r.beginInterval();
        r.beginInterval();
        TraceError e = assertThrows(TraceError.class, r::beginInterval);
        assertEquals(f + ": line 5: expected TS PID TID COMM EVENT=V/E/R...: oops", e.getMessage());
    }

    @Test
    void timeGoingBackIsRefused() throws Exception {
        List<String> lines = new ArrayList<>(Traces.record(7, "w", 1, repeat(p(1e6, 0.5), 1)));
        lines.addAll(Traces.record(8, "v", 1, repeat(p(1e6, 0.5), 1)));
        ReplayCounterSource r = new ReplayCounterSource(new BufferedReader(new StringReader(String.join("\n", lines))),
                "t.rec");
        r.beginInterval();
        r.beginInterval();
        TraceError e = assertThrows(TraceError.class, r::beginInterval);
        assertTrue(e.getMessage().contains("time order"), e.getMessage());
    }

    @Test
    void aFailingRecordFileStopsRecordingNotTheDaemon() throws Exception {
        Writer full = new Writer() {
            int room = 600;

            @Override
            public void write(char[] cbuf, int off, int len) throws IOException {
                if (len > room) {
                    throw new IOException("No space left on device");
                }
                room -= len;
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        ReplayCounterSource src = new ReplayCounterSource(Traces.record(7, "w", 3, repeat(p(1e6, 0.5), 5)));
        RecordingCounterSource rec = new RecordingCounterSource(src, "/full/t.rec", full);
        assertTrue(rec.recording());
        for (int i = 0; i < 6; i++) {
            rec.beginInterval();
            assertEquals(3, rec.poll(7, "w", List.of()).threads().size(), "readings still pass through");
        }
        assertFalse(rec.recording(), "stopped at the full disk");
        rec.close();
    }

    @Test
    void emptyOrBadTracesAreRejectedWithTheLine() {
        assertThrows(IllegalArgumentException.class, () -> new ReplayCounterSource(List.of("# nothing")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ReplayCounterSource(List.of("# x", "1 2 3 c l1d_read=1")));
        assertTrue(e.getMessage().startsWith("line 2:"), e.getMessage());
    }
}
