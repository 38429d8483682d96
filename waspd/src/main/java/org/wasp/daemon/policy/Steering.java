// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.policy;

import java.util.BitSet;

/**
 * Where a thread should read its page tables: the replica node with the lowest latency
 * from the node it runs on, moving only when that is at least {@code minGain} (a fraction)
 * faster than where it reads now. Ties keep the current node, then prefer the local one.
 */
public final class Steering {
    private Steering() {
    }

    /**
     * @param cpuNode     node the thread runs on
     * @param replicas    nodes that hold a replica
     * @param currentNode node the thread reads from now
     * @return the node it should read from (currentNode when no move is worth it)
     */
    public static int choose(PtlMatrix ptl, int cpuNode, BitSet replicas, int currentNode, double minGain) {
        int best = -1;
        double bestNs = Double.POSITIVE_INFINITY;
        for (int m = replicas.nextSetBit(0); m >= 0; m = replicas.nextSetBit(m + 1)) {
            double ns = ptl.at(cpuNode, m);
            if (Double.isNaN(ns)) {
                continue;
            }
            if (ns < bestNs || (ns == bestNs && rank(m, currentNode, cpuNode) < rank(best, currentNode, cpuNode))) {
                best = m;
                bestNs = ns;
            }
        }
        if (best < 0 || best == currentNode) {
            return currentNode;
        }
        double cur = ptl.at(cpuNode, currentNode);
        if (Double.isNaN(cur) || !replicas.get(currentNode)) {
            return best;
        }
        double gain = (cur - bestNs) / cur;
        return gain >= minGain ? best : currentNode;
    }

    private static int rank(int node, int current, int local) {
        if (node < 0) {
            return 3;
        }
        return node == current ? 0 : node == local ? 1 : 2;
    }
}
