// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.policy;

import java.util.Arrays;

/**
 * Page-table access latency in nanoseconds, {@code ns[cpuNode][memoryNode]}; NaN where not
 * measured.
 */
public record PtlMatrix(double[][] ns, long takenAtMillis) {

    public double at(int cpuNode, int memNode) {
        if (cpuNode < 0 || cpuNode >= ns.length || memNode < 0 || memNode >= ns[cpuNode].length) {
            return Double.NaN;
        }
        return ns[cpuNode][memNode];
    }

    /** A deep copy of {@code ns}. */
    public static double[][] copy(double[][] ns) {
        double[][] c = new double[ns.length][];
        for (int i = 0; i < ns.length; i++) {
            c[i] = ns[i].clone();
        }
        return c;
    }

    public int nodes() {
        return ns.length;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (double[] row : ns) {
            sb.append(Arrays.toString(row));
        }
        return sb.toString();
    }
}
