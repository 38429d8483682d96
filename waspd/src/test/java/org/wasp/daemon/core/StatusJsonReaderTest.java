// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wasp.daemon.policy.PtlMatrix;
import org.wasp.daemon.policy.Thresholds;

/** What StatusJson writes, StatusJsonReader reads back (for --top). */
class StatusJsonReaderTest {
    @Test
    void roundTrip() {
        StatusSnapshot s = new StatusSnapshot(123, 45, "full", true, 9, List.of(
                new StatusSnapshot.Proc(10, "we\"ird\\\u0001", 5e7, 0.05, 6, true, Map.of(12, 1, 13, 0), 0.4, true,
                        7, 2)),
                new PtlMatrix(new double[][] {{100, Double.NaN}, {150, 90}}, 0), 1, 2, 3, "amdzen4", "why \"x\"",
                new StatusSnapshot.Policy(new Thresholds(2e7, 0.02, 0.1, 4, 5), 0.15, 500));
        StatusSnapshot r = StatusJsonReader.parse(StatusJson.render(s));
        assertEquals(s.processes(), r.processes());
        assertEquals(s.policy(), r.policy());
        assertEquals(List.of(s.timeMillis(), s.daemonPid(), s.mode(), s.dryRun(), s.monitoredThreads(), s.enables(),
                s.disables(), s.steers(), s.eventTable(), s.eventWhy()), List.of(r.timeMillis(), r.daemonPid(),
                r.mode(), r.dryRun(), r.monitoredThreads(), r.enables(), r.disables(), r.steers(), r.eventTable(),
                r.eventWhy()));
        assertArrayEquals(s.ptl().ns()[1], r.ptl().ns()[1]);
        assertTrue(Double.isNaN(r.ptl().ns()[0][1]));
    }

    @Test
    void olderStatusWithoutPolicyOrPtl() {
        StatusSnapshot r = StatusJsonReader.parse("{\"pid\": 7, \"ptl_ns\": null, \"processes\": []}");
        assertEquals(7, r.daemonPid());
        assertNull(r.policy());
        assertNull(r.ptl());
    }

    @Test
    void malformedTextIsRefusedWithItsOffset() {
        for (String bad : new String[] {"", "{", "{\"a\" 1}", "[1,]", "{\"a\": 01}", "{\"a\": \"x}", "{} x", "[1] "
                + "]", "\"\\q\"", "nul"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StatusJsonReader.parse(bad),
                    bad);
            assertTrue(e.getMessage().contains("offset") || e.getMessage().contains("object"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> StatusJsonReader.parse("[1, 2]"));
        assertEquals(Map.of("a", List.of(1.0, true, "\u00e9")), Json.parse(" {\"a\": [1, true, \"\\u00e9\"]} "));
    }
}
