// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.probe;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.TreeMap;
import org.wasp.daemon.os.Affinity;
import org.wasp.daemon.os.MemoryBinding;
import org.wasp.daemon.os.OsException;
import org.wasp.daemon.os.Topology;
import org.wasp.daemon.policy.ProbeSchedule;
import org.wasp.daemon.policy.PtlMatrix;

/**
 * Measures PTL[cpu node][memory node]: the calling thread pins itself to the first CPU of
 * the CPU node and pointer-chases a buffer bound to the memory node. Page-table walks are
 * dependent loads from the node holding the page tables, so this load latency stands for the
 * latency of walking a replica on that node.
 *
 * <p>Each memory node's buffer is mapped, bound, faulted in and chained once, on its first
 * measurement, and kept until {@link #close()}: re-mapping and re-chaining it every period
 * cost as much CPU as the chase itself. Each measurement goes on along the cycle from where
 * the previous one on that buffer stopped, so it loads lines no recent measurement touched
 * (the cycle is 8x the last-level cache), just as a fresh buffer would. Not thread-safe: one
 * thread measures, and closes after its last measurement.
 */
public final class PtlProbe implements AutoCloseable {
    /** Seed of the chain's random cycle: every buffer holds the same cycle. */
    public static final long CHAIN_SEED = 42;
    /** Defaults of --probe-warmup, --probe-steps and --probe-trials (docs/waspd-bench.md, section 1). */
    public static final long DEFAULT_WARMUP_STEPS = 1_000;
    public static final long DEFAULT_STEPS = 25_000;
    public static final int DEFAULT_TRIALS = 3;
    private final Topology topology;
    private final Affinity affinity;
    private final MemoryBinding memory;
    private final Settings settings;
    private final Map<Integer, Kept> kept = new TreeMap<>();

    /**
     * How each (CPU node, memory node) pair is measured: a warm-up, then the minimum over
     * {@code trials} timed passes of {@code steps} dependent loads.
     *
     * @param bufferBytes buffer per memory node; well above the last-level cache
     * @param touchPages  the warm-up first loads one word of every page of the buffer, which
     *                    brings the buffer's page-table entries into the caches (they are cold
     *                    after a period of other work, and the chase, a TLB miss per load, would
     *                    otherwise add a page-table miss to its first tens of thousands of loads)
     * @param warmupSteps then this many dependent loads along the chain
     * @param steps       dependent loads per timed trial
     * @param trials      timed trials (the minimum is kept)
     */
    public record Settings(long bufferBytes, boolean touchPages, long warmupSteps, long steps, int trials) {
        /** The daemon's defaults for a buffer of {@code bufferBytes}. */
        public static Settings defaults(long bufferBytes) {
            return new Settings(bufferBytes, true, DEFAULT_WARMUP_STEPS, DEFAULT_STEPS, DEFAULT_TRIALS);
        }
    }

    public PtlProbe(Topology topology, Affinity affinity, MemoryBinding memory, Settings settings) {
        this.topology = topology;
        this.affinity = affinity;
        this.memory = memory;
        this.settings = settings;
    }

    /** Buffer size for a last-level cache of {@code llcBytes}: 8x the LLC, at least 64 MiB, at most 1 GiB. */
    public static long bufferFor(long llcBytes) {
        return Math.min(1L << 30, Math.max(64L << 20, 8 * llcBytes));
    }

    /** Every pair of the matrix, in measuring order. */
    public ProbeSchedule schedule(int pairsPerPeriod) {
        return ProbeSchedule.of(topology.cpuNodes(), topology.memoryNodes(), pairsPerPeriod);
    }

    /** A matrix of the topology's size with nothing measured. */
    public double[][] emptyMatrix() {
        int n = Math.max(topology.nodeCpus().isEmpty() ? 0 : topology.nodeCpus().lastKey() + 1,
                topology.memoryNodes().length());
        double[][] ns = new double[n][n];
        for (double[] row : ns) {
            Arrays.fill(row, Double.NaN);
        }
        return ns;
    }

    /** Nanoseconds per load from the first CPU of {@code cpuNode} to memory on {@code memNode}. */
    public double measure(int cpuNode, int memNode) throws OsException {
        BitSet cpu = new BitSet();
        cpu.set(topology.nodeCpus().get(cpuNode).nextSetBit(0));
        try (Affinity.Pin pin = affinity.pin(cpu)) {
            Kept k = buffer(memNode);
            if (settings.touchPages()) {
                PointerChase.touchPages(k.region.buffer());
            }
            PointerChase.Result r = PointerChase.nsPerLoad(k.region.buffer(), k.position, settings.warmupSteps(),
                    settings.steps(), settings.trials());
            k.position = r.end();
            return r.ns();
        }
    }

    /** A full matrix: every CPU node to every memory node. */
    public PtlMatrix measure() throws OsException {
        double[][] ns = emptyMatrix();
        for (ProbeSchedule.Pair p : schedule(0).next()) {
            ns[p.cpuNode()][p.memNode()] = measure(p.cpuNode(), p.memNode());
        }
        return new PtlMatrix(ns, System.currentTimeMillis());
    }

    private Kept buffer(int memNode) throws OsException {
        Kept k = kept.get(memNode);
        if (k == null) {
            MemoryBinding.Region r = memory.allocate(settings.bufferBytes(), memNode);
            // The int[] cycle is only needed to write the chain; it is not kept.
            PointerChase.writeChain(r.buffer(),
                    PointerChase.randomCycle((int) (settings.bufferBytes() / PointerChase.LINE), CHAIN_SEED));
            k = new Kept(r);
            kept.put(memNode, k);
        }
        return k;
    }

    /** Unmaps every kept buffer. */
    @Override
    public void close() {
        kept.values().forEach(k -> k.region.close());
        kept.clear();
    }

    private static final class Kept {
        final MemoryBinding.Region region;
        long position;

        Kept(MemoryBinding.Region region) {
            this.region = region;
        }
    }
}
