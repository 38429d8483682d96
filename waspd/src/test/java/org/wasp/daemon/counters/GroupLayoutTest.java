// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.wasp.daemon.testutil.FakePerf;

/** The choice between one group of six and two of three, against a fake PMU. */
class GroupLayoutTest {
    private static final Map<Event, EventSpec> SPECS = EventSpec.resolve(Map.of());

    /** The calling thread's group as a real one would read once it has run long enough. */
    private static FakePerf pmu() {
        FakePerf api = new FakePerf();
        api.onCpuNs.put(0, GroupLayout.TRIAL_ENABLED_NS);
        return api;
    }

    @Test
    void oneGroupWhenThePmuSchedulesAllSix() {
        FakePerf api = pmu();
        assertEquals(GroupLayout.ONE, GroupLayout.choose(api, SPECS));
        assertEquals(Set.of(), api.openTids(), "the trial group is closed");
        assertEquals(6, api.opens, "tried on the calling thread, as one group");
        assertEquals(Set.of(0), Set.copyOf(api.fdToTid.values()));
    }

    @Test
    void twoGroupsWhenThePmuRefusesTheSixthMember() {
        FakePerf api = pmu();
        api.maxGroup = 4;
        assertEquals(GroupLayout.LOADS_AND_STORES, GroupLayout.choose(api, SPECS));
        assertEquals(Set.of(), api.openTids(), "the four opened members are closed");
    }

    @Test
    void twoGroupsWhenTheGroupOpensButNeverRuns() {
        FakePerf api = pmu();
        api.runsUpTo = 5;
        assertEquals(GroupLayout.LOADS_AND_STORES, GroupLayout.choose(api, SPECS));
        assertEquals(Set.of(), api.openTids());
    }

    @Test
    void theTrialReadsUntilTheGroupHasBeenEnabledLongEnough() {
        // Enabled time stuck below the trial length: the trial stops at its timeout, and decides by what ran.
        FakePerf api = new FakePerf();
        long t0 = System.nanoTime();
        assertEquals(GroupLayout.ONE, GroupLayout.choose(api, SPECS));
        long waited = System.nanoTime() - t0;
        assertTrue(waited >= GroupLayout.TRIAL_TIMEOUT_NS, "waited " + waited + " ns");
        assertTrue(api.reads > 1, "read more than once: " + api.reads);
    }

    @Test
    void bothLayoutsCountEveryEventOnceAndKeepEachMissWithItsAccess() {
        for (GroupLayout l : GroupLayout.values()) {
            EnumSet<Event> seen = EnumSet.noneOf(Event.class);
            for (Event[] g : l.groups()) {
                assertTrue(g.length <= PerfApi.MAX_GROUP);
                for (Event e : g) {
                    assertTrue(seen.add(e), l + ": " + e + " twice");
                }
                Set<Event> members = EnumSet.copyOf(Arrays.asList(g));
                if (members.contains(Event.DTLB_READ_MISS)) {
                    assertTrue(members.contains(Event.DTLB_READ), l + ": read misses without accesses");
                }
                if (members.contains(Event.DTLB_WRITE_MISS)) {
                    assertTrue(members.contains(Event.DTLB_WRITE), l + ": write misses without accesses");
                }
            }
            assertEquals(EnumSet.allOf(Event.class), seen, l.toString());
        }
        assertEquals(1, GroupLayout.ONE.groups().length);
        assertEquals(2, GroupLayout.LOADS_AND_STORES.groups().length);
    }
}
