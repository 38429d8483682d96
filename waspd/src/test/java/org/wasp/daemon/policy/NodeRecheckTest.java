// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeRecheckTest {
    private static List<Integer> range(int from, int to) {
        List<Integer> l = new ArrayList<>();
        for (int i = from; i < to; i++) {
            l.add(i);
        }
        return l;
    }

    @Test
    void newThreadsAreReadAtOnce() {
        NodeRecheck r = new NodeRecheck(10);
        List<Integer> tids = range(100, 200);
        assertEquals(tids, r.pick(tids, Set.of()), "nothing known: every thread");
    }

    @Test
    void everyKnownThreadIsReadWithinTheGivenIntervals() {
        NodeRecheck r = new NodeRecheck(10);
        List<Integer> tids = range(1000, 2003);
        Set<Integer> known = new HashSet<>(tids);
        Map<Integer, Integer> lastRead = new HashMap<>();
        for (int interval = 0; interval < 40; interval++) {
            List<Integer> picked = r.pick(tids, known);
            assertEquals(101, picked.size(), "1003 threads over 10 intervals: 101 per interval");
            for (int t : picked) {
                lastRead.put(t, interval);
            }
            if (interval >= 9) {
                for (int t : tids) {
                    assertTrue(interval - lastRead.getOrDefault(t, -100) < 10,
                            "tid " + t + " not read for 10 intervals at interval " + interval);
                }
            }
        }
    }

    @Test
    void newThreadsComeFirstAndTheSliceSurvivesThreadsLeaving() {
        NodeRecheck r = new NodeRecheck(2);
        Set<Integer> known = new HashSet<>(List.of(1, 2, 3, 4));
        assertEquals(List.of(1, 2), r.pick(List.of(1, 2, 3, 4), known));
        // Thread 3 left, 9 is new: 9 is read, and the slice goes on after 2.
        assertEquals(List.of(9, 4, 1), r.pick(List.of(1, 2, 4, 9), known));
        r.reset();
        assertEquals(List.of(1, 2), r.pick(List.of(1, 2, 4), known));
    }

    @Test
    void threadsThatHaveNotRunArePassedOverButTheSliceStillMoves() {
        NodeRecheck r = new NodeRecheck(2);
        List<Integer> tids = List.of(1, 2, 3, 4);
        Set<Integer> known = new HashSet<>(tids);
        Set<Integer> asleep = new HashSet<>(List.of(1, 3, 4));
        assertEquals(List.of(2), r.pick(tids, known, asleep::contains), "slice 1, 2: 1 has not run");
        assertEquals(List.of(), r.pick(tids, known, asleep::contains), "slice 3, 4: neither has run");
        // 4 runs again: it is read when the slice comes back to it, within 2 intervals.
        asleep.remove(4);
        assertEquals(List.of(2), r.pick(tids, known, asleep::contains), "slice 1, 2");
        assertEquals(List.of(4), r.pick(tids, known, asleep::contains), "slice 3, 4");
        // New threads are read whatever the predicate says (their node is unknown).
        assertEquals(List.of(7, 2), r.pick(List.of(1, 2, 3, 4, 7), known, tid -> tid != 2));
    }

    @Test
    void aThreadThatRunsIsReadWithinTheGivenIntervalsEvenAmongSleepers() {
        NodeRecheck r = new NodeRecheck(10);
        List<Integer> tids = range(1000, 2000);
        Set<Integer> known = new HashSet<>(tids);
        int reads = 0;
        int lastRead = -1;
        for (int interval = 0; interval < 30; interval++) {
            List<Integer> picked = r.pick(tids, known, tid -> tid != 1500);
            reads += picked.size();
            if (picked.contains(1500)) {
                assertTrue(lastRead < 0 || interval - lastRead <= 10, "read again after " + (interval - lastRead));
                lastRead = interval;
            }
        }
        assertEquals(3, reads, "only the one thread that runs is read, once per 10 intervals");
    }

    @Test
    void oneIntervalReadsEveryThread() {
        NodeRecheck r = new NodeRecheck(1);
        List<Integer> tids = range(5, 50);
        assertEquals(tids, r.pick(tids, new HashSet<>(tids)));
        assertEquals(tids, r.pick(tids, new HashSet<>(tids)));
        assertThrows(IllegalArgumentException.class, () -> new NodeRecheck(0));
    }
}
