// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wasp.daemon.jna.PerfEventAttr;
import org.wasp.daemon.testutil.PmuEventsJson;

/** waspd's event table against the kernel's pmu-events JSON (the fixture copy, and the live tree when present). */
class EventTableTest {

    @Test
    void everyEventMatchesTheFixtureJson() {
        assertEquals(List.of(), mismatches(PmuEventsJson.fixtureX86Dir()));
    }

    @Test
    void everyEventMatchesTheLiveKernelTree() {
        Path live = PmuEventsJson.liveX86Dir();
        assumeTrue(Files.isDirectory(live), "no kernel tree at " + live);
        assertEquals(List.of(), mismatches(live));
    }

    @Test
    void theCheckFindsAWrongEncoding() {
        // A row with a wrong unit mask and a wrong event code must be reported: the check can fail.
        EventTable.Row bad = new EventTable.Row("skylakex", PmuEvent.of("MEM_INST_RETIRED.ALL_LOADS", 0xd0, 0x82),
                PmuEvent.of("MEM_INST_RETIRED.ALL_STORES", 0xd0, 0x82),
                PmuEvent.of("DTLB_LOAD_MISSES.WALK_COMPLETED", 0x12, 0x0e), null);
        List<String> m = check(bad, PmuEventsJson.events(PmuEventsJson.fixtureX86Dir().resolve("skylakex")));
        assertEquals(2, m.size(), m.toString());
    }

    @Test
    void everyRowHasItsMicroarchitectureInTheMapfile() throws Exception {
        List<String> lines = Files.readAllLines(PmuEventsJson.fixtureX86Dir().resolve("mapfile.csv"));
        CpuMap kernel = CpuMap.parse(lines);
        for (EventTable.Row r : EventTable.rows()) {
            assertTrue(kernel.entries().stream().anyMatch(e -> e.uarch().equals(r.uarch())), r.uarch());
        }
    }

    @Test
    void rawConfigIsTheX86Format() {
        assertEquals(0x81d0, PmuEvent.of("x", 0xd0, 0x81).config());
        assertEquals(0xf045, PmuEvent.of("x", 0x45, 0xf0).config());
        // AMD's extended event select bits 8-11 go to config bits 32-35.
        assertEquals(0x1_0000_02c0L, PmuEvent.of("x", 0x1c0, 0x02).config());
    }

    @Test
    void intelRowsCountLoadsStoresAndBothWalksDtlbAccessesReadTheLoadAndStoreCounters() {
        Map<Event, EventSpec> s = EventTable.row("sapphirerapids").orElseThrow().specs();
        assertEquals(PerfEventAttr.PERF_TYPE_RAW, s.get(Event.L1D_READ).type());
        assertEquals(0x81d0, s.get(Event.L1D_READ).config());
        assertEquals(0x82d0, s.get(Event.L1D_WRITE).config());
        assertEquals(0x0e12, s.get(Event.DTLB_READ_MISS).config());
        assertEquals(0x0e13, s.get(Event.DTLB_WRITE_MISS).config());
        assertEquals(Event.L1D_READ, s.get(Event.DTLB_READ).sameAs());
        assertEquals(Event.L1D_WRITE, s.get(Event.DTLB_WRITE).sameAs());
        assertFalse(s.get(Event.DTLB_READ).opened());
    }

    @Test
    void amdRowsCountAllWalksInOneEvent() {
        for (String u : List.of("amdzen1", "amdzen2", "amdzen3", "amdzen4", "amdzen5")) {
            Map<Event, EventSpec> s = EventTable.row(u).orElseThrow().specs();
            assertEquals(0x0529, s.get(Event.L1D_READ).config(), u);
            assertEquals(0x0629, s.get(Event.L1D_WRITE).config(), u);
            assertEquals(0xf045, s.get(Event.DTLB_READ_MISS).config(), u);
            assertFalse(s.get(Event.DTLB_WRITE_MISS).opened(), u);
            assertNull(s.get(Event.DTLB_WRITE_MISS).sameAs(), u);
        }
    }

    private static List<String> mismatches(Path x86) {
        List<String> out = new ArrayList<>();
        for (EventTable.Row r : EventTable.rows()) {
            Path dir = x86.resolve(r.uarch());
            if (!Files.isDirectory(dir)) {
                out.add(r.uarch() + ": no directory " + dir);
                continue;
            }
            out.addAll(check(r, PmuEventsJson.events(dir)));
        }
        return out;
    }

    /** Every PmuEvent of the row: all its names listed, same EventCode, unit masks ORed, no cmask/inv/edge. */
    static List<String> check(EventTable.Row r, Map<String, Map<String, String>> json) {
        List<String> out = new ArrayList<>();
        for (PmuEvent p : r.events()) {
            int umask = 0;
            for (String name : p.names()) {
                Map<String, String> e = json.get(name);
                String where = r.uarch() + " " + name;
                if (e == null) {
                    out.add(where + ": not in the JSON");
                    continue;
                }
                assertNotNull(e.get("EventCode"), where);
                if (Integer.decode(e.get("EventCode")) != p.code()) {
                    out.add(where + ": EventCode " + e.get("EventCode") + ", table 0x" + Integer.toHexString(p.code()));
                }
                umask |= e.containsKey("UMask") ? Integer.decode(e.get("UMask")) : 0;
                for (String f : List.of("CounterMask", "Invert", "EdgeDetect", "AnyThread")) {
                    if (e.containsKey(f) && Integer.decode(e.get(f)) != 0) {
                        out.add(where + ": " + f + " " + e.get(f) + " not encoded by the table");
                    }
                }
                if ("1".equals(e.get("Deprecated"))) {
                    out.add(where + ": deprecated");
                }
            }
            if (umask != p.umask()) {
                out.add(r.uarch() + " " + p.name() + ": UMask 0x" + Integer.toHexString(umask) + ", table 0x"
                        + Integer.toHexString(p.umask()));
            }
        }
        return out;
    }
}
