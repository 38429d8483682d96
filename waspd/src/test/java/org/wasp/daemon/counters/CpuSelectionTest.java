// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.wasp.daemon.jna.PerfEventAttr;
import org.wasp.daemon.testutil.PmuEventsJson;

/** Which event table a machine gets, from recorded /proc/cpuinfo and sysfs, against perf's own mapfile.csv. */
class CpuSelectionTest {
    private static final Path CPUS = fixtures();

    private static Path fixtures() {
        try {
            return Path.of(CpuSelectionTest.class.getResource("/fixtures/cpus/amd-zen1/proc/cpuinfo").toURI())
                    .getParent().getParent().getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Fixture to the table it must get. */
    private static final Map<String, String> EXPECTED = new LinkedHashMap<>();

    static {
        EXPECTED.put("intel-jaketown", "jaketown");
        EXPECTED.put("intel-haswellx", "haswellx");
        EXPECTED.put("intel-skylakex", "skylakex");
        EXPECTED.put("intel-cascadelakex", "cascadelakex"); // same model as Skylake-X, stepping 7
        EXPECTED.put("intel-icelakex", "icelakex");
        EXPECTED.put("intel-sapphirerapids", "sapphirerapids");
        EXPECTED.put("intel-graniterapids", "graniterapids");
        EXPECTED.put("amd-zen1", "amdzen1");
        EXPECTED.put("amd-zen2", "amdzen2");
        EXPECTED.put("amd-zen3", "amdzen3");
        EXPECTED.put("amd-zen4", "amdzen4");
        EXPECTED.put("amd-zen5", "amdzen5");
        EXPECTED.put("intel-unknown", EventSelection.GENERIC);
        EXPECTED.put("hygon", EventSelection.GENERIC);
        EXPECTED.put("intel-hybrid", EventSelection.GENERIC);
        EXPECTED.put("vm-nopmu", EventSelection.GENERIC);
    }

    @Test
    void eachRecordedMachineGetsItsTable() {
        for (Map.Entry<String, String> e : EXPECTED.entrySet()) {
            EventSelection s = CpuDetect.select(CPUS.resolve(e.getKey()));
            assertEquals(e.getValue(), s.table(), e.getKey() + ": " + s.why());
        }
    }

    @Test
    void selectionIsPerfsOwnForEveryRecordedCpu() throws Exception {
        checkAgainst(PmuEventsJson.fixtureX86Dir().resolve("mapfile.csv"));
    }

    @Test
    void selectionIsPerfsOwnInTheLiveKernelTree() throws Exception {
        Path live = PmuEventsJson.liveX86Dir().resolve("mapfile.csv");
        assumeTrue(Files.exists(live), "no kernel tree");
        checkAgainst(live);
    }

    /** Every machine with a PMU gets the table perf would use on it, or generic where waspd has none. */
    private static void checkAgainst(Path mapfile) throws Exception {
        List<String> lines = Files.readAllLines(mapfile);
        CpuMap kernel = CpuMap.parse(lines);
        for (String name : EXPECTED.keySet()) {
            Path root = CPUS.resolve(name);
            Optional<CorePmu> pmu = CpuDetect.corePmu(root);
            if (pmu.isEmpty()) {
                continue;
            }
            String perf = kernel.uarch(CpuDetect.cpu(root).orElseThrow())
                    .filter(u -> EventTable.row(u).isPresent()).orElse(EventSelection.GENERIC);
            assertEquals(perf, CpuDetect.select(root).table(), name);
        }
        // And the bundled rows are the kernel's, verbatim, in the kernel's order (first match wins).
        List<String> kernelRows = lines.stream().filter(l -> l.endsWith(",core")).toList();
        List<String> bundled = CpuMap.bundled().entries().stream()
                .map(e -> kernelRows.stream().filter(l -> l.startsWith(e.cpuid() + ",")).findFirst().orElse("?" + e.cpuid()))
                .toList();
        assertTrue(bundled.stream().noneMatch(l -> l.startsWith("?")), bundled.toString());
        List<Integer> order = bundled.stream().map(kernelRows::indexOf).toList();
        assertEquals(order.stream().sorted().toList(), order, "kernel order");
        assertEquals(EventTable.rows().size(), CpuMap.bundled().entries().size(), "one map row per table row");
    }

    @Test
    void cpuinfoFirstProcessorAndPerfId() {
        CpuId c = CpuId.parse(List.of("processor\t: 0", "vendor_id\t: GenuineIntel", "cpu family\t: 6",
                "model\t\t: 85", "stepping\t: 7", "", "processor\t: 1", "model\t\t: 1")).orElseThrow();
        assertEquals("GenuineIntel-6-55-7", c.perfId());
        assertTrue(CpuId.parse(List.of("processor : 0", "cpu family : 6")).isEmpty(), "no vendor or model");
    }

    @Test
    void matchingFollowsPerfsSteppingRule() {
        CpuMap m = CpuMap.bundled();
        assertEquals(Optional.of("skylakex"), m.uarch(new CpuId("GenuineIntel", 6, 0x55, 4)));
        assertEquals(Optional.of("cascadelakex"), m.uarch(new CpuId("GenuineIntel", 6, 0x55, 0xb)));
        // A row without a stepping matches any stepping, but only the whole model.
        assertEquals(Optional.of("haswellx"), m.uarch(new CpuId("GenuineIntel", 6, 0x3f, 0xf)));
        assertEquals(Optional.empty(), m.uarch(new CpuId("GenuineIntel", 6, 0x3ff, 0)));
        // Zen 1 is the first family-23 row; every other family-23 model is Zen 2.
        assertEquals(Optional.of("amdzen1"), m.uarch(new CpuId("AuthenticAMD", 23, 0x18, 1)));
        assertEquals(Optional.of("amdzen2"), m.uarch(new CpuId("AuthenticAMD", 23, 0x71, 0)));
    }

    @Test
    void noPmuNonX86PmuAndRawOverrides() {
        Optional<CpuId> skx = Optional.of(new CpuId("GenuineIntel", 6, 0x55, 4));
        assertEquals(EventSelection.GENERIC, EventSelection.choose(skx, Optional.empty(), CpuMap.bundled()).table());
        assertEquals(EventSelection.GENERIC,
                EventSelection.choose(skx, Optional.of(new CorePmu(8, null)), CpuMap.bundled()).table());
        EventSelection s = EventSelection.choose(skx, Optional.of(new CorePmu(4, "skylake")), CpuMap.bundled())
                .withOverrides(Map.of(Event.DTLB_WRITE_MISS, 0x1234L));
        assertEquals("skylakex", s.table());
        assertEquals(0x1234L, s.specs().get(Event.DTLB_WRITE_MISS).config());
        assertEquals(PerfEventAttr.PERF_TYPE_RAW, s.specs().get(Event.DTLB_WRITE_MISS).type());
        assertTrue(s.why().contains("skylake") && s.why().contains("--raw-event"), s.why());
        assertTrue(s.describe().contains("DTLB_LOAD_MISSES.WALK_COMPLETED"), s.describe());
    }
}
