// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.wasp.daemon.testutil.Traces.p;
import static org.wasp.daemon.testutil.Traces.repeat;

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
        assertEquals(4, r.intervals());
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
        assertEquals(3, back.intervals());
        List<String> original = new ArrayList<>(Traces.record(7, "w", 3, repeat(p(1e6, 0.5), 2)));
        original.remove(0);
        assertEquals(original, lines.subList(2, lines.size()), "recorded lines equal the replayed ones");
    }

    @Test
    void emptyOrBadTracesAreRejectedWithTheLine() {
        assertThrows(IllegalArgumentException.class, () -> new ReplayCounterSource(List.of("# nothing")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ReplayCounterSource(List.of("# x", "1 2 3 c l1d_read=1")));
        assertTrue(e.getMessage().startsWith("line 2:"), e.getMessage());
    }
}
