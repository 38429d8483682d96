// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.policy;

/**
 * When replication turns on and off. On: MAR above {@code marOn} and miss rate above
 * {@code missOn} for {@code holdOn} consecutive intervals. Off: MAR below
 * marOn * (1 - margin) or miss rate below missOn * (1 - margin) for {@code holdOff}
 * consecutive intervals. Between the two lines nothing changes, so a process at the
 * threshold does not flap.
 */
public record Thresholds(double marOn, double missOn, double margin, int holdOn, int holdOff) {

    /** The design's defaults: 10M accesses/s, 1% miss rate, 20% margin, 3 intervals each way. */
    public static final Thresholds DEFAULTS = new Thresholds(10e6, 0.01, 0.2, 3, 3);

    public Thresholds {
        if (marOn < 0 || missOn < 0 || missOn > 1) {
            throw new IllegalArgumentException("thresholds must be >= 0 and the miss rate <= 1");
        }
        if (margin < 0 || margin >= 1) {
            throw new IllegalArgumentException("margin must be in [0, 1): " + margin);
        }
        if (holdOn < 1 || holdOff < 1) {
            throw new IllegalArgumentException("hold counts must be >= 1");
        }
    }

    public double marOff() {
        return marOn * (1 - margin);
    }

    public double missOff() {
        return missOn * (1 - margin);
    }

    boolean above(ProcessMetrics m) {
        return m.mar() > marOn && m.missRate() > missOn;
    }

    boolean below(ProcessMetrics m) {
        return m.mar() < marOff() || m.missRate() < missOff();
    }
}
