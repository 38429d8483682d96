// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.wasp.daemon.os.Affinity;
import org.wasp.daemon.os.MemoryBinding;
import org.wasp.daemon.os.Topology;
import org.wasp.daemon.os.parse.CpuList;
import org.wasp.daemon.policy.PtlMatrix;

/**
 * The probe's choreography with fake pinning and binding: who is pinned where, which node each
 * buffer is on, and that buffers are made once per memory node and kept until close.
 */
class PtlProbeTest {
    private final List<String> log = new ArrayList<>();
    private final BitSet[] mask = {CpuList.parse("0-7")};
    private final Map<Integer, ByteBuffer> buffers = new TreeMap<>();
    private final int[] open = {0};
    private final Affinity aff = new Affinity() {
        @Override
        public BitSet current() {
            return (BitSet) mask[0].clone();
        }

        @Override
        public void set(BitSet cpus) {
            log.add("pin " + CpuList.format(cpus));
            mask[0] = (BitSet) cpus.clone();
        }
    };
    private final MemoryBinding mem = (bytes, node) -> {
        log.add("alloc node " + node + " cpus " + CpuList.format(mask[0]));
        open[0]++;
        ByteBuffer b = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
        buffers.put(node, b);
        return new MemoryBinding.Region() {
            @Override
            public ByteBuffer buffer() {
                return b;
            }

            @Override
            public void close() {
                log.add("free node " + node);
                open[0]--;
            }
        };
    };

    private static Topology twoCpuNodesThreeMemoryNodes() {
        Map<Integer, BitSet> nodes = new TreeMap<>();
        nodes.put(0, CpuList.parse("0-3"));
        nodes.put(1, CpuList.parse("4-7"));
        nodes.put(2, new BitSet());
        return new Topology(new TreeMap<>(nodes), CpuList.parse("0-2"));
    }

    @Test
    void pinsToEachCpuNodeAndBindsOneKeptBufferPerMemoryNode() throws Exception {
        PtlProbe probe = new PtlProbe(twoCpuNodesThreeMemoryNodes(), aff, mem,
                new PtlProbe.Settings(1 << 16, true, 10_000, 10_000, 2));
        PtlMatrix m = probe.measure();
        assertEquals(List.of("pin 0", "alloc node 0 cpus 0", "pin 0-7", "pin 0", "alloc node 1 cpus 0", "pin 0-7",
                "pin 0", "alloc node 2 cpus 0", "pin 0-7", "pin 4", "pin 0-7", "pin 4", "pin 0-7", "pin 4", "pin 0-7"),
                log);
        assertEquals(3, m.nodes());
        for (int c = 0; c < 2; c++) {
            for (int n = 0; n < 3; n++) {
                assertTrue(m.at(c, n) > 0, "measured " + c + "," + n);
            }
        }
        assertTrue(Double.isNaN(m.at(2, 0)), "CPU-less node has no row");

        log.clear();
        probe.measure();
        assertTrue(log.stream().noneMatch(l -> l.startsWith("alloc")), "second matrix reuses the buffers: " + log);
        assertEquals(3, open[0], "buffers kept between matrices");
        probe.close();
        assertEquals(0, open[0], "every region unmapped at close");
        assertEquals(List.of("free node 0", "free node 1", "free node 2"), log.subList(log.size() - 3, log.size()));
    }

    @Test
    void eachMeasurementGoesOnAlongTheCycle() throws Exception {
        PtlProbe probe = new PtlProbe(twoCpuNodesThreeMemoryNodes(), aff, mem,
                new PtlProbe.Settings(1 << 16, true, 100, 1000, 2));
        probe.measure(1, 0);
        probe.measure(0, 0);
        // Two measurements of a 100-step warm-up + 2 trials of 1000 steps each, the second from where the
        // first ended.
        assertEquals(PointerChase.chase(buffers.get(0), 0, 4200), PointerChase.sink());
        probe.close();
    }

    @Test
    void periodicProbePublishesTheFullMatrixFirstAndUnmapsAtClose() throws Exception {
        PtlProbe probe = new PtlProbe(twoCpuNodesThreeMemoryNodes(), aff, mem,
                new PtlProbe.Settings(1 << 16, true, 1000, 1000, 2));
        PeriodicPtl ptl = new PeriodicPtl(probe, 1, 3_600_000);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (ptl.latest().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        PtlMatrix m = ptl.latest().orElseThrow();
        for (int c = 0; c < 2; c++) {
            for (int n = 0; n < 3; n++) {
                assertTrue(m.at(c, n) > 0, "first matrix is full: " + c + "," + n);
            }
        }
        ptl.close();
        assertEquals(0, open[0], "buffers unmapped once the probe thread has stopped");
    }

    @Test
    void closeStopsBetweenPairsInsteadOfFinishingTheMatrix() throws Exception {
        // Each buffer takes 500 ms to make: the first matrix (3 buffers) takes at least 1.5 s.
        MemoryBinding slow = (bytes, node) -> {
            long end = System.nanoTime() + 500_000_000L;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            return mem.allocate(bytes, node);
        };
        PtlProbe probe = new PtlProbe(twoCpuNodesThreeMemoryNodes(), aff, slow,
                new PtlProbe.Settings(1 << 16, true, 1000, 1000, 2));
        PeriodicPtl ptl = new PeriodicPtl(probe, 1, 3_600_000);
        Thread.sleep(100);
        long t0 = System.nanoTime();
        ptl.close();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 1200, "close waited " + ms + " ms: it should stop after the pair in progress");
        assertTrue(ptl.latest().isEmpty(), "an interrupted matrix is not published");
        assertEquals(0, open[0], "buffers unmapped");
    }

    @Test
    void scheduleCoversEveryCpuNodeWithEveryMemoryNode() {
        PtlProbe probe = new PtlProbe(twoCpuNodesThreeMemoryNodes(), aff, mem,
                new PtlProbe.Settings(1 << 16, true, 1000, 1000, 2));
        assertEquals(6, probe.schedule(0).size());
        assertEquals(3, probe.emptyMatrix().length);
    }
}
