// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os;

import java.util.BitSet;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * NUMA layout: the CPUs of each node and which nodes have memory.
 *
 * @param nodeCpus    node id to its CPUs (CPU-less nodes map to an empty set)
 * @param memoryNodes nodes with memory, where replicas can live
 */
public record Topology(SortedMap<Integer, BitSet> nodeCpus, BitSet memoryNodes) {

    public Topology {
        nodeCpus = Collections.unmodifiableSortedMap(new TreeMap<>(nodeCpus));
    }

    /** One node 0 holding every CPU in {@code cpus} and memory. */
    public static Topology single(BitSet cpus) {
        BitSet mem = new BitSet();
        mem.set(0);
        return new Topology(new TreeMap<>(Map.of(0, cpus)), mem);
    }

    /** The node of {@code cpu}, or -1 if no node lists it. */
    public int nodeOfCpu(int cpu) {
        for (Map.Entry<Integer, BitSet> e : nodeCpus.entrySet()) {
            if (e.getValue().get(cpu)) {
                return e.getKey();
            }
        }
        return -1;
    }

    /** Nodes that have CPUs. */
    public BitSet cpuNodes() {
        BitSet s = new BitSet();
        nodeCpus.forEach((n, c) -> {
            if (!c.isEmpty()) {
                s.set(n);
            }
        });
        return s;
    }
}
