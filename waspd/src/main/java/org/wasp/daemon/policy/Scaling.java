// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.policy;

/**
 * Multiplexing correction. A counter that shared the PMU ran for only part of the time it
 * was enabled; its count over an interval is estimated as
 * delta(value) * delta(enabled) / delta(running), from the interval's deltas, not the
 * cumulative totals (which would mix earlier intervals' schedules into this one).
 */
public final class Scaling {
    private Scaling() {
    }

    /**
     * @return the scaled count; the raw delta when the counter ran the whole time; 0 when it
     *         never ran in the interval (no evidence, not an estimate)
     */
    public static double scaledDelta(long dValue, long dEnabled, long dRunning) {
        if (dValue <= 0) {
            return 0;
        }
        if (dRunning <= 0) {
            return 0;
        }
        if (dEnabled <= dRunning) {
            return dValue;
        }
        return (double) dValue * ((double) dEnabled / (double) dRunning);
    }
}
