// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.policy;

/** Per-process on/off state with hold counts and a margin (see {@link Thresholds}). */
public final class Hysteresis {
    private Thresholds t;
    private boolean on;
    private int streak;

    public Hysteresis(Thresholds t, boolean initiallyOn) {
        this.t = t;
        this.on = initiallyOn;
    }

    public boolean on() {
        return on;
    }

    /** Intervals in a row that pushed towards the other state. */
    public int streak() {
        return streak;
    }

    /** New thresholds from the next interval on (a reload); the state and the streak so far stay. */
    public void retune(Thresholds next) {
        t = next;
    }

    /** Forces the state (a change the kernel refused is not a change). */
    public void reset(boolean nowOn) {
        on = nowOn;
        streak = 0;
    }

    /** Feeds one interval's metrics; invalid metrics (no time passed) change nothing. */
    public Verdict step(ProcessMetrics m) {
        if (!m.valid()) {
            return Verdict.KEEP;
        }
        if (!on) {
            streak = t.above(m) ? streak + 1 : 0;
            if (streak >= t.holdOn()) {
                on = true;
                streak = 0;
                return new Verdict(Verdict.Action.ENABLE, String.format(
                        "%s above MAR %s/s and %.2f%% for %d interval(s)", m.describe(), Units.si(t.marOn()),
                        t.missOn() * 100, t.holdOn()));
            }
        } else {
            streak = t.below(m) ? streak + 1 : 0;
            if (streak >= t.holdOff()) {
                on = false;
                streak = 0;
                return new Verdict(Verdict.Action.DISABLE, String.format(
                        "%s below MAR %s/s or %.2f%% for %d interval(s)", m.describe(), Units.si(t.marOff()),
                        t.missOff() * 100, t.holdOff()));
            }
        }
        return Verdict.KEEP;
    }
}
