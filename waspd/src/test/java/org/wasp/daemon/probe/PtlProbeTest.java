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

/** The probe's choreography with fake pinning and binding: who is pinned where, which node each buffer is on. */
class PtlProbeTest {
    @Test
    void pinsToEachCpuNodeAndBindsToEachMemoryNode() throws Exception {
        List<String> log = new ArrayList<>();
        BitSet[] mask = {CpuList.parse("0-7")};
        Affinity aff = new Affinity() {
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
        int[] open = {0};
        MemoryBinding mem = (bytes, node) -> {
            log.add("alloc node " + node + " cpus " + CpuList.format(mask[0]));
            open[0]++;
            ByteBuffer b = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
            return new MemoryBinding.Region() {
                @Override
                public ByteBuffer buffer() {
                    return b;
                }

                @Override
                public void close() {
                    open[0]--;
                }
            };
        };
        Map<Integer, BitSet> nodes = new TreeMap<>();
        nodes.put(0, CpuList.parse("0-3"));
        nodes.put(1, CpuList.parse("4-7"));
        nodes.put(2, new BitSet());
        Topology t = new Topology(new TreeMap<>(nodes), CpuList.parse("0-2"));
        PtlMatrix m = new PtlProbe(t, aff, mem, 1 << 16, 10_000, 2).measure();
        assertEquals(List.of("pin 0", "alloc node 0 cpus 0", "alloc node 1 cpus 0", "alloc node 2 cpus 0",
                "pin 0-7", "pin 4", "alloc node 0 cpus 4", "alloc node 1 cpus 4", "alloc node 2 cpus 4", "pin 0-7"),
                log);
        assertEquals(0, open[0], "every region unmapped");
        assertEquals(3, m.nodes());
        for (int c = 0; c < 2; c++) {
            for (int n = 0; n < 3; n++) {
                assertTrue(m.at(c, n) > 0, "measured " + c + "," + n);
            }
        }
        assertTrue(Double.isNaN(m.at(2, 0)), "CPU-less node has no row");
    }
}
