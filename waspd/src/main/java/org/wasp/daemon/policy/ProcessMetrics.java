// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.policy;

/**
 * One interval's figures for one process.
 *
 * @param mar        memory accesses per second (L1D reads + writes)
 * @param missRate   DTLB walks / DTLB accesses, 0..1
 * @param seconds    interval length
 * @param threads    threads that contributed a delta
 * @param coverage   smallest running/enabled fraction of any counter (1 = never multiplexed)
 */
public record ProcessMetrics(double mar, double missRate, double seconds, int threads, double coverage) {

    public static final ProcessMetrics NONE = new ProcessMetrics(0, 0, 0, 0, 1);

    public boolean valid() {
        return seconds > 0;
    }

    public String describe() {
        return String.format("MAR %s/s, DTLB miss rate %.2f%%", Units.si(mar), missRate * 100);
    }
}
