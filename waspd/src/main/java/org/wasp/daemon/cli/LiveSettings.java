// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.wasp.daemon.policy.Thresholds;
import org.wasp.daemon.policy.Units;

/**
 * The settings a running daemon takes up again on SIGHUP (from its {@code --config} file):
 * thresholds and hold counts, the steering gain, the excluded names, the sampling interval and
 * the log level. Everything else (mode, pids, counters, probe, files, ports) is fixed for the
 * daemon's life.
 *
 * @param excluded names never replicated, besides the command line's -x
 * @param logLevel "info", "debug" or "warn"
 */
record LiveSettings(Thresholds thresholds, double minGain, Set<String> excluded, long intervalMs, String logLevel) {

    LiveSettings {
        excluded = Set.copyOf(new LinkedHashSet<>(excluded));
    }

    /** "mar-threshold 10.0M -> 20.0M, exclude [] -> [stream]": what changed, or "" when nothing did. */
    String changesFrom(LiveSettings old) {
        List<String> c = new ArrayList<>();
        Thresholds a = old.thresholds;
        Thresholds b = thresholds;
        change(c, "mar-threshold", Units.si(a.marOn()), Units.si(b.marOn()));
        change(c, "miss-threshold", pct(a.missOn()), pct(b.missOn()));
        change(c, "margin", pct(a.margin()), pct(b.margin()));
        change(c, "hold-on", a.holdOn(), b.holdOn());
        change(c, "hold-off", a.holdOff(), b.holdOff());
        change(c, "min-gain", pct(old.minGain), pct(minGain));
        change(c, "exclude", new java.util.TreeSet<>(old.excluded), new java.util.TreeSet<>(excluded));
        change(c, "interval", old.intervalMs + "ms", intervalMs + "ms");
        change(c, "log-level", old.logLevel, logLevel);
        return String.join(", ", c);
    }

    private static void change(List<String> out, String name, Object a, Object b) {
        if (!Objects.equals(a, b)) {
            out.add(name + " " + a + " -> " + b);
        }
    }

    private static String pct(double v) {
        return String.format("%.4g%%", v * 100);
    }
}
