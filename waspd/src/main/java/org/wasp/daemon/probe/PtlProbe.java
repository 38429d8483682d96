// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.probe;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import org.wasp.daemon.os.Affinity;
import org.wasp.daemon.os.MemoryBinding;
import org.wasp.daemon.os.OsException;
import org.wasp.daemon.os.Topology;
import org.wasp.daemon.policy.PtlMatrix;

/**
 * Measures PTL[cpu node][memory node]: the calling thread pins itself to the first CPU of
 * each CPU node and pointer-chases a buffer bound to each memory node. Page-table walks are
 * dependent loads from the node holding the page tables, so this load latency stands for the
 * latency of walking a replica on that node.
 */
public final class PtlProbe {
    /** Seed of the chain's random cycle: every matrix chases the same cycle. */
    public static final long CHAIN_SEED = 42;
    private final Topology topology;
    private final Affinity affinity;
    private final MemoryBinding memory;
    private final long bufferBytes;
    private final long steps;
    private final int trials;

    /**
     * @param bufferBytes buffer per measurement; well above the last-level cache
     * @param steps       dependent loads per trial
     * @param trials      timed trials after the warm-up (the minimum is kept)
     */
    public PtlProbe(Topology topology, Affinity affinity, MemoryBinding memory, long bufferBytes, long steps,
                    int trials) {
        this.topology = topology;
        this.affinity = affinity;
        this.memory = memory;
        this.bufferBytes = bufferBytes;
        this.steps = steps;
        this.trials = trials;
    }

    /** Buffer size for a last-level cache of {@code llcBytes}: 8x the LLC, at least 64 MiB, at most 1 GiB. */
    public static long bufferFor(long llcBytes) {
        return Math.min(1L << 30, Math.max(64L << 20, 8 * llcBytes));
    }

    public PtlMatrix measure() throws OsException {
        int n = 0;
        for (Map.Entry<Integer, BitSet> e : topology.nodeCpus().entrySet()) {
            n = Math.max(n, e.getKey() + 1);
        }
        BitSet mem = topology.memoryNodes();
        n = Math.max(n, mem.length());
        double[][] ns = new double[n][n];
        for (double[] row : ns) {
            Arrays.fill(row, Double.NaN);
        }
        int[] next = PointerChase.randomCycle((int) (bufferBytes / PointerChase.LINE), CHAIN_SEED);
        for (Map.Entry<Integer, BitSet> e : topology.nodeCpus().entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            BitSet cpu = new BitSet();
            cpu.set(e.getValue().nextSetBit(0));
            try (Affinity.Pin pin = affinity.pin(cpu)) {
                for (int m = mem.nextSetBit(0); m >= 0; m = mem.nextSetBit(m + 1)) {
                    try (MemoryBinding.Region r = memory.allocate(bufferBytes, m)) {
                        PointerChase.writeChain(r.buffer(), next);
                        ns[e.getKey()][m] = PointerChase.nsPerLoad(r.buffer(), steps, trials);
                    }
                }
            }
        }
        return new PtlMatrix(ns, System.currentTimeMillis());
    }
}
