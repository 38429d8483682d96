// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.wasp.daemon.testutil.Traces.concat;
import static org.wasp.daemon.testutil.Traces.p;
import static org.wasp.daemon.testutil.Traces.repeat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.wasp.daemon.testutil.Traces;

/** The policy on traces of (MAR, miss rate) per interval, with the design's defaults. */
class HysteresisTest {
    static final Traces.Point HIGH = p(50e6, 0.05);
    static final Traces.Point LOW = p(1e6, 0.001);

    /** "index:ACTION" for every non-KEEP verdict. */
    static List<String> run(Thresholds t, List<Traces.Point> course) {
        Hysteresis h = new Hysteresis(t, false);
        List<String> out = new ArrayList<>();
        List<ProcessMetrics> ms = Traces.metrics(course);
        for (int i = 0; i < ms.size(); i++) {
            Verdict v = h.step(ms.get(i));
            if (v.action() != Verdict.Action.KEEP) {
                out.add(i + ":" + v.action());
                assertTrue(v.reason().contains("MAR"), v.reason());
            }
        }
        return out;
    }

    @Test
    void steadyHighEnablesOnceAfterHoldCount() {
        assertEquals(List.of("2:ENABLE"), run(Thresholds.DEFAULTS, repeat(HIGH, 20)));
    }

    @Test
    void steadyLowNeverEnables() {
        assertEquals(List.of(), run(Thresholds.DEFAULTS, repeat(LOW, 20)));
    }

    @Test
    void highMarAloneIsNotEnough() {
        assertEquals(List.of(), run(Thresholds.DEFAULTS, repeat(p(50e6, 0.005), 20)));
        assertEquals(List.of(), run(Thresholds.DEFAULTS, repeat(p(5e6, 0.05), 20)));
    }

    @Test
    void oscillatingAtTheThresholdDoesNotFlap() {
        // MAR alternates just above and just below 10M/s with a high miss rate.
        List<Traces.Point> course = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            course.add(i % 2 == 0 ? p(10.5e6, 0.05) : p(9.5e6, 0.05));
        }
        assertEquals(List.of(), run(Thresholds.DEFAULTS, course), "never 3 intervals above in a row");
        // Once on, dips inside the margin (9.5M > 8M) never turn it off.
        List<String> v = run(Thresholds.DEFAULTS, concat(repeat(p(10.5e6, 0.05), 3), course));
        assertEquals(List.of("2:ENABLE"), v);
    }

    @Test
    void singleIntervalDipsAndSpikesAreIgnored() {
        List<Traces.Point> course = concat(repeat(HIGH, 5), List.of(LOW), repeat(HIGH, 5), List.of(LOW, LOW),
                repeat(HIGH, 5));
        assertEquals(List.of("2:ENABLE"), run(Thresholds.DEFAULTS, course));
        List<Traces.Point> spikes = concat(repeat(LOW, 3), List.of(HIGH, HIGH), repeat(LOW, 3), List.of(HIGH));
        assertEquals(List.of(), run(Thresholds.DEFAULTS, spikes));
    }

    @Test
    void phaseChangesHighLowHigh() {
        List<Traces.Point> course = concat(repeat(HIGH, 10), repeat(LOW, 10), repeat(HIGH, 10));
        assertEquals(List.of("2:ENABLE", "12:DISABLE", "22:ENABLE"), run(Thresholds.DEFAULTS, course));
    }

    @Test
    void missRateFallingBelowMarginTurnsOff() {
        List<Traces.Point> course = concat(repeat(HIGH, 3), repeat(p(50e6, 0.009), 5), repeat(p(50e6, 0.007), 3));
        assertEquals(List.of("2:ENABLE", "10:DISABLE"), run(Thresholds.DEFAULTS, course),
                "0.9% is inside the margin (off line 0.8%), 0.7% is below it");
    }

    @Test
    void holdCountsAndThresholdsAreParameters() {
        Thresholds t = new Thresholds(1e6, 0.5, 0.0, 1, 2);
        assertEquals(List.of("0:ENABLE", "3:DISABLE"),
                run(t, List.of(p(2e6, 0.6), p(2e6, 0.6), p(2e6, 0.4), p(2e6, 0.4))));
    }

    @Test
    void invalidMetricsChangeNothing() {
        Hysteresis h = new Hysteresis(new Thresholds(1, 0.1, 0, 1, 1), false);
        assertEquals(Verdict.Action.KEEP, h.step(ProcessMetrics.NONE).action());
        assertEquals(false, h.on());
    }

    @Test
    void retuneKeepsTheStateAndTheStreak() {
        Hysteresis h = new Hysteresis(Thresholds.DEFAULTS, false);
        ProcessMetrics high = Traces.metrics(List.of(HIGH)).get(0);
        assertEquals(Verdict.Action.KEEP, h.step(high).action());
        assertEquals(Verdict.Action.KEEP, h.step(high).action());
        h.retune(new Thresholds(100e6, 0.01, 0.2, 3, 3));
        assertEquals(2, h.streak(), "the streak so far stays");
        assertEquals(Verdict.Action.KEEP, h.step(high).action(), "50M/s is below the new 100M/s");
        assertEquals(0, h.streak());
        h.retune(new Thresholds(10e6, 0.01, 0.2, 1, 3));
        assertEquals(Verdict.Action.ENABLE, h.step(high).action(), "one interval is enough now");
        assertTrue(h.on());
    }
}
