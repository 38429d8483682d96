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

    /**
     * Below this coverage the figures are extrapolated from less than half of the interval: the
     * counters ran for a minority of the time, and a phase of the program that fell in the rest is
     * guessed, not measured. Decisions are still taken (multiplexing is how perf shares a busy PMU,
     * and refusing to decide would leave replication wherever it was), but marked in the log and
     * the status so an operator knows to free counters (other perf users, the NMI watchdog) or use
     * fewer events ({@code --split-counter-groups} does not help: the groups then take turns).
     */
    public static final double MIN_TRUSTED_COVERAGE = 0.5;

    /** True when some counter ran for less than {@link #MIN_TRUSTED_COVERAGE} of the interval. */
    public boolean lowCoverage() {
        return valid() && coverage < MIN_TRUSTED_COVERAGE;
    }

    public boolean valid() {
        return seconds > 0;
    }

    public String describe() {
        return String.format("MAR %s/s, DTLB miss rate %.2f%%", Units.si(mar), missRate * 100);
    }
}
