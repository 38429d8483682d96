// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.policy;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Which (CPU node, memory node) pairs of the PTL matrix to measure in each probe period:
 * every pair until one full matrix has been measured, then {@code pairsPerPeriod} pairs in
 * turn, round-robin, so each entry is refreshed every pairs / pairsPerPeriod periods and
 * the probe's cost per period does not grow with the square of the node count.
 * {@code pairsPerPeriod} 0 measures every pair every period.
 */
public final class ProbeSchedule {
    /** One matrix entry. */
    public record Pair(int cpuNode, int memNode) {
    }

    private final List<Pair> pairs;
    private final int pairsPerPeriod;
    private boolean haveFullMatrix;
    private int next;

    public ProbeSchedule(List<Pair> pairs, int pairsPerPeriod) {
        if (pairsPerPeriod < 0) {
            throw new IllegalArgumentException("pairs per period must be >= 0: " + pairsPerPeriod);
        }
        this.pairs = List.copyOf(pairs);
        this.pairsPerPeriod = pairsPerPeriod;
    }

    /** Every CPU node with every memory node, row by row. */
    public static ProbeSchedule of(BitSet cpuNodes, BitSet memoryNodes, int pairsPerPeriod) {
        List<Pair> pairs = new ArrayList<>();
        for (int c = cpuNodes.nextSetBit(0); c >= 0; c = cpuNodes.nextSetBit(c + 1)) {
            for (int m = memoryNodes.nextSetBit(0); m >= 0; m = memoryNodes.nextSetBit(m + 1)) {
                pairs.add(new Pair(c, m));
            }
        }
        return new ProbeSchedule(pairs, pairsPerPeriod);
    }

    /** The pairs to measure this period. */
    public List<Pair> next() {
        if (!haveFullMatrix || pairsPerPeriod == 0 || pairsPerPeriod >= pairs.size()) {
            return pairs;
        }
        List<Pair> out = new ArrayList<>(pairsPerPeriod);
        for (int i = 0; i < pairsPerPeriod; i++) {
            out.add(pairs.get(next));
            next = (next + 1) % pairs.size();
        }
        return out;
    }

    /** Called once every pair has been measured: from now on, {@link #next()} goes round-robin. */
    public void fullMatrixMeasured() {
        haveFullMatrix = true;
    }

    /** Periods between two measurements of one entry once the full matrix exists. */
    public int refreshPeriods() {
        return pairsPerPeriod == 0 || pairsPerPeriod >= pairs.size() ? 1
                : (pairs.size() + pairsPerPeriod - 1) / pairsPerPeriod;
    }

    public int size() {
        return pairs.size();
    }
}
