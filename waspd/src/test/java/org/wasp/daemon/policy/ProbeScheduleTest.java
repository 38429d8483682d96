// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.wasp.daemon.os.parse.CpuList;
import org.wasp.daemon.policy.ProbeSchedule.Pair;

class ProbeScheduleTest {
    private static final List<Pair> FOUR = List.of(new Pair(0, 0), new Pair(0, 1), new Pair(1, 0), new Pair(1, 1));

    @Test
    void everyCpuNodeWithEveryMemoryNodeRowByRow() {
        ProbeSchedule s = ProbeSchedule.of(CpuList.parse("0,2"), CpuList.parse("0-1"), 1);
        assertEquals(List.of(new Pair(0, 0), new Pair(0, 1), new Pair(2, 0), new Pair(2, 1)), s.next());
    }

    @Test
    void fullMatrixUntilOneIsMeasuredThenRoundRobin() {
        ProbeSchedule s = new ProbeSchedule(FOUR, 1);
        assertEquals(FOUR, s.next());
        assertEquals(FOUR, s.next(), "a failed first matrix is retried whole");
        s.fullMatrixMeasured();
        List<Pair> seen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            List<Pair> p = s.next();
            assertEquals(1, p.size());
            seen.addAll(p);
        }
        assertEquals(List.of(FOUR.get(0), FOUR.get(1), FOUR.get(2), FOUR.get(3), FOUR.get(0), FOUR.get(1)), seen);
        assertEquals(4, s.refreshPeriods());
    }

    @Test
    void severalPairsPerPeriodWrapAround() {
        ProbeSchedule s = new ProbeSchedule(FOUR, 3);
        s.fullMatrixMeasured();
        assertEquals(List.of(FOUR.get(0), FOUR.get(1), FOUR.get(2)), s.next());
        assertEquals(List.of(FOUR.get(3), FOUR.get(0), FOUR.get(1)), s.next());
        assertEquals(2, s.refreshPeriods());
    }

    @Test
    void zeroOrAtLeastEveryPairMeansTheFullMatrixEachPeriod() {
        for (int n : new int[] {0, 4, 9}) {
            ProbeSchedule s = new ProbeSchedule(FOUR, n);
            s.fullMatrixMeasured();
            assertEquals(FOUR, s.next());
            assertEquals(FOUR, s.next());
            assertEquals(1, s.refreshPeriods());
        }
        assertThrows(IllegalArgumentException.class, () -> new ProbeSchedule(FOUR, -1));
    }
}
