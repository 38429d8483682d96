// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the daemon itself is doing, for the metrics: how long its ticks take (a histogram in
 * seconds), when the last one succeeded, and its errors by kind. The loop records ticks; the
 * error-counting decorators ({@link CountingReplicationControl}, {@link CountingCounterSource})
 * and the loop record errors. Thread-safe: written by the loop, read by the metrics server.
 */
public final class Health {
    /** Upper bounds of the tick-duration histogram's buckets, seconds (then +Inf). */
    public static final double[] TICK_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

    /** Error kinds (the {@code kind} label of {@code waspd_errors_total}). */
    public static final String PERMISSION_DENIED = "permission_denied";
    public static final String KERNEL_REFUSED = "kernel_refused";
    public static final String REPLICATION = "replication";
    public static final String COUNTERS = "counters";
    public static final String STATUS_FILE = "status_file";
    /** Every kind, each exported from the start (0) so that rate() sees the first error. */
    public static final String[] KINDS = {PERMISSION_DENIED, KERNEL_REFUSED, REPLICATION, COUNTERS, STATUS_FILE};

    private final long[] buckets = new long[TICK_BUCKETS.length];
    private long ticks;
    private double tickSeconds;
    private long lastSuccessMillis;
    private final Map<String, Long> errors = new TreeMap<>();

    public Health() {
        for (String k : KINDS) {
            errors.put(k, 0L);
        }
    }

    /** A tick that returned normally, after {@code nanos}, ending at {@code epochMillis}. */
    public synchronized void tickDone(long nanos, long epochMillis) {
        double s = nanos / 1e9;
        for (int i = 0; i < TICK_BUCKETS.length; i++) {
            if (s <= TICK_BUCKETS[i]) {
                buckets[i]++;
            }
        }
        ticks++;
        tickSeconds += s;
        lastSuccessMillis = epochMillis;
    }

    public synchronized void error(String kind) {
        errors.merge(kind, 1L, Long::sum);
    }

    public synchronized View view() {
        return new View(buckets.clone(), ticks, tickSeconds, lastSuccessMillis, Map.copyOf(errors));
    }

    /**
     * A copy for rendering.
     *
     * @param cumulativeBuckets ticks at most {@link #TICK_BUCKETS}[i] seconds long
     * @param lastSuccessMillis end of the last successful tick, epoch ms; 0 before the first
     */
    public record View(long[] cumulativeBuckets, long ticks, double tickSeconds, long lastSuccessMillis,
                       Map<String, Long> errors) {
        public static final View NONE = new Health().view();

        @Override
        public boolean equals(Object o) {
            return o instanceof View v && Arrays.equals(cumulativeBuckets, v.cumulativeBuckets) && ticks == v.ticks
                    && tickSeconds == v.tickSeconds && lastSuccessMillis == v.lastSuccessMillis
                    && errors.equals(v.errors);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(cumulativeBuckets) * 31 + Long.hashCode(ticks);
        }

        @Override
        public String toString() {
            return "Health.View[ticks=" + ticks + ", errors=" + errors + "]";
        }
    }
}
