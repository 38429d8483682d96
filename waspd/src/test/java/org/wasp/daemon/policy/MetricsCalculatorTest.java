// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.wasp.daemon.counters.Event;
import org.wasp.daemon.counters.ProcessSample;
import org.wasp.daemon.counters.ThreadSample;

class MetricsCalculatorTest {
    static ThreadSample t(int tid, long l1dR, long l1dW, long tlbR, long tlbW, long missR, long missW, long en,
                          long run) {
        ThreadSample s = ThreadSample.zero(tid);
        long[] v = {l1dR, l1dW, tlbR, tlbW, missR, missW};
        for (int i = 0; i < Event.COUNT; i++) {
            s.values()[i] = v[i];
            s.enabled()[i] = en;
            s.running()[i] = run;
        }
        return s;
    }

    @Test
    void scalingUsesDeltasNotTotals() {
        // First second: ran all the time. Second: ran 1/4 of it (multiplexed with 3 others).
        assertEquals(400.0, Scaling.scaledDelta(100, 1000, 250));
        assertEquals(100.0, Scaling.scaledDelta(100, 1000, 1000));
        assertEquals(0.0, Scaling.scaledDelta(100, 1000, 0), "never ran: no estimate");
        assertEquals(0.0, Scaling.scaledDelta(0, 1000, 250));
    }

    @Test
    void marAndMissRateFromTwoSamples() {
        ProcessSample a = new ProcessSample(1, "x", 0, List.of(t(1, 0, 0, 0, 0, 0, 0, 0, 0)));
        ProcessSample b = new ProcessSample(1, "x", 2_000_000_000L,
                List.of(t(1, 30_000_000, 10_000_000, 30_000_000, 10_000_000, 600_000, 200_000, 2_000_000_000L,
                        2_000_000_000L)));
        ProcessMetrics m = MetricsCalculator.compute(a, b);
        assertEquals(20e6, m.mar(), 1);
        assertEquals(0.02, m.missRate(), 1e-9);
        assertEquals(1, m.threads());
        assertEquals(1.0, m.coverage());
    }

    @Test
    void multiplexedIntervalIsScaledByItsOwnDeltas() {
        // Cumulative totals say running = enabled/2 overall, but this interval ran 1/4 of the time.
        ProcessSample a = new ProcessSample(1, "x", 0, List.of(t(1, 1000, 0, 1000, 0, 10, 0, 1000, 750)));
        ProcessSample b = new ProcessSample(1, "x", 1_000_000_000L,
                List.of(t(1, 2000, 0, 2000, 0, 20, 0, 2000, 1000)));
        ProcessMetrics m = MetricsCalculator.compute(a, b);
        assertEquals(4000, m.mar(), 1e-6);
        assertEquals(0.01, m.missRate(), 1e-12);
        assertEquals(0.25, m.coverage(), 1e-12);
        assertTrue(m.lowCoverage(), "a quarter of the interval is too little to trust");
    }

    @Test
    void lowCoverageIsBelowHalfOfAnInterval() {
        assertFalse(new ProcessMetrics(1, 0.1, 1, 1, ProcessMetrics.MIN_TRUSTED_COVERAGE).lowCoverage());
        assertTrue(new ProcessMetrics(1, 0.1, 1, 1, Math.nextDown(ProcessMetrics.MIN_TRUSTED_COVERAGE)).lowCoverage());
        assertFalse(new ProcessMetrics(0, 0, 0, 0, 0).lowCoverage(), "no interval, no decision to mark");
    }

    @Test
    void threadsSumAndNewThreadsStartAsBaseline() {
        ProcessSample a = new ProcessSample(1, "x", 0, List.of(t(1, 0, 0, 0, 0, 0, 0, 0, 0),
                t(2, 0, 0, 0, 0, 0, 0, 0, 0)));
        ProcessSample b = new ProcessSample(1, "x", 1_000_000_000L, List.of(
                t(1, 1000, 0, 1000, 0, 0, 0, 10, 10),
                t(2, 3000, 0, 3000, 0, 0, 0, 10, 10),
                t(3, 999_999, 0, 999_999, 0, 999_999, 0, 10, 10)));
        ProcessMetrics m = MetricsCalculator.compute(a, b);
        assertEquals(4000, m.mar(), 1e-9, "thread 3 has no previous reading and is not counted yet");
        assertEquals(2, m.threads());
        assertEquals(0, m.missRate());
    }

    @Test
    void threadsAreMatchedByTidWhateverOrderTheyComeIn() {
        // Listed out of order, with a thread only in the first sample (5, gone) and one only in the
        // second (4, new): the samples sort themselves and the merge pairs 2 with 2 and 9 with 9.
        ProcessSample a = new ProcessSample(1, "x", 0, List.of(t(9, 100, 0, 100, 0, 0, 0, 0, 0),
                t(5, 0, 0, 0, 0, 0, 0, 0, 0), t(2, 0, 0, 0, 0, 0, 0, 0, 0)));
        ProcessSample b = new ProcessSample(1, "x", 1_000_000_000L, List.of(t(4, 50_000, 0, 50_000, 0, 0, 0, 9, 9),
                t(9, 1100, 0, 1100, 0, 10, 0, 10, 10), t(2, 3000, 0, 3000, 0, 20, 0, 10, 10)));
        assertEquals(List.of(2, 4, 9), b.threads().stream().map(ThreadSample::tid).toList());
        assertEquals(9, b.thread(9).tid());
        assertEquals(null, b.thread(5));
        ProcessMetrics m = MetricsCalculator.compute(a, b);
        assertEquals(4000, m.mar(), 1e-9, "(1100 - 100) from 9 and 3000 from 2; 4 is a baseline");
        assertEquals(2, m.threads());
        assertEquals(30.0 / 4000, m.missRate(), 1e-12);
    }

    @Test
    void theSameReadingTwiceAddsNothing() {
        ThreadSample idle = t(1, 500, 0, 500, 0, 5, 0, 100, 100);
        ProcessSample a = new ProcessSample(1, "x", 0, List.of(idle, t(2, 0, 0, 0, 0, 0, 0, 0, 0)));
        ProcessSample b = new ProcessSample(1, "x", 1_000_000_000L,
                List.of(idle, t(2, 2000, 0, 2000, 0, 40, 0, 10, 10)));
        ProcessMetrics m = MetricsCalculator.compute(a, b);
        assertEquals(2000, m.mar(), 1e-9);
        assertEquals(0.02, m.missRate(), 1e-12);
        assertEquals(2, m.threads(), "the idle thread still counts as watched");
    }

    @Test
    void noTimeNoMetrics() {
        ProcessSample a = new ProcessSample(1, "x", 5, List.of());
        assertFalse(MetricsCalculator.compute(a, a).valid());
    }
}
