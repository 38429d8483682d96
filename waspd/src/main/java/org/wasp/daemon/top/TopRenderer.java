// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.top;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.wasp.daemon.core.StatusSnapshot;
import org.wasp.daemon.policy.PtlMatrix;
import org.wasp.daemon.policy.Steering;
import org.wasp.daemon.policy.Thresholds;
import org.wasp.daemon.policy.Units;

/**
 * One screen of {@code waspd --top}, from a status snapshot: the daemon and its event set, the
 * thresholds, the PTL matrix with the replica a thread on each CPU node would read, and the
 * processes, closest to the "on" thresholds first. Pure: the same snapshot, time and size give
 * the same lines, at most {@code height} of at most {@code width} characters.
 */
public final class TopRenderer {
    private TopRenderer() {
    }

    public static List<String> render(StatusSnapshot s, long nowMillis, int width, int height) {
        List<String> out = new ArrayList<>();
        StatusSnapshot.Policy pol = s.policy();
        out.add(String.format(Locale.ROOT, "waspd pid %d  %s mode%s  %s  status %s old", s.daemonPid(), s.mode(),
                s.dryRun() ? " DRY RUN" : "",
                pol == null ? "" : "interval " + duration(pol.intervalMs()), age(nowMillis - s.timeMillis())));
        out.add("events: " + s.eventTable() + (s.eventWhy().isEmpty() ? "" : " (" + s.eventWhy() + ")"));
        if (pol != null) {
            Thresholds t = pol.thresholds();
            out.add(String.format(Locale.ROOT, "on: MAR > %s/s and miss > %.2f%%, %dx; off: MAR < %s/s or "
                    + "miss < %.2f%%, %dx", Units.si(t.marOn()), t.missOn() * 100, t.holdOn(), Units.si(t.marOff()),
                    t.missOff() * 100, t.holdOff()));
        }
        out.add(String.format(Locale.ROOT, "threads %d  decisions: %d on, %d off, %d steers%s", s.monitoredThreads(),
                s.enables(), s.disables(), s.steers(), s.dryRun() ? " (decided, not made)" : ""));
        out.add("");
        ptl(out, s);
        out.add("");
        out.add(String.format(Locale.ROOT, "%7s %-15s %7s %6s %5s %5s %-5s %-5s %4s", "PID", "COMM", "MAR/s", "MISS",
                "%ON", "THR", "COV", "STATE", "HOLD"));
        List<StatusSnapshot.Proc> procs = new ArrayList<>(s.processes());
        procs.sort(Comparator.comparingDouble((StatusSnapshot.Proc p) -> -closeness(p, pol))
                .thenComparingDouble(p -> -p.mar()).thenComparingInt(StatusSnapshot.Proc::pid));
        if (procs.isEmpty()) {
            out.add("(no process measured yet)");
        }
        for (int i = 0; i < procs.size(); i++) {
            if (out.size() == height - 1 && procs.size() - i > 1) {
                out.add("... " + (procs.size() - i) + " more processes");
                break;
            }
            out.add(row(procs.get(i), pol));
        }
        List<String> fitted = new ArrayList<>();
        for (String l : out.subList(0, Math.min(out.size(), Math.max(0, height)))) {
            fitted.add(l.length() > width ? l.substring(0, Math.max(0, width)) : l);
        }
        return fitted;
    }

    /** How close a process is to turning on: the smaller of MAR and miss rate over their thresholds. */
    static double closeness(StatusSnapshot.Proc p, StatusSnapshot.Policy pol) {
        if (pol == null) {
            return 0;
        }
        Thresholds t = pol.thresholds();
        double mar = t.marOn() > 0 ? p.mar() / t.marOn() : Double.POSITIVE_INFINITY;
        double miss = t.missOn() > 0 ? p.missRate() / t.missOn() : Double.POSITIVE_INFINITY;
        return Math.min(mar, miss);
    }

    private static String row(StatusSnapshot.Proc p, StatusSnapshot.Policy pol) {
        boolean on = p.mask() != 0;
        String thr = pol == null ? "-" : String.format(Locale.ROOT, "%.0f", Math.min(closeness(p, pol) * 100, 99999));
        String hold = pol == null ? "" + p.hold()
                : p.hold() + "/" + (on ? pol.thresholds().holdOff() : pol.thresholds().holdOn());
        String comm = p.comm().length() > 15 ? p.comm().substring(0, 15) : p.comm();
        return String.format(Locale.ROOT, "%7d %-15s %7s %5.2f%% %5s %5d %4.2f%s %-5s %4s", p.pid(), comm,
                Units.si(p.mar()), p.missRate() * 100, thr, p.threads(), p.coverage(),
                p.lowCoverageDecision() ? "!" : " ", on ? "on" : "off", hold);
    }

    private static void ptl(List<String> out, StatusSnapshot s) {
        PtlMatrix m = s.ptl();
        if (m == null) {
            out.add(s.mode().equals("full") ? "PTL: not measured yet" : "PTL: not measured (naive mode)");
            return;
        }
        int cols = 0;
        for (double[] row : m.ns()) {
            cols = Math.max(cols, row.length);
        }
        StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "%-12s", "PTL ns"));
        for (int j = 0; j < cols; j++) {
            h.append(String.format(Locale.ROOT, "%7s", "mem " + j));
        }
        double minGain = s.policy() == null ? 0 : s.policy().minGain();
        out.add(h.append(String.format(Locale.ROOT, "  replica (min gain %.0f%%)", minGain * 100)).toString());
        BitSet replicas = new BitSet();
        replicas.set(0, cols);
        for (int i = 0; i < m.nodes(); i++) {
            StringBuilder r = new StringBuilder(String.format(Locale.ROOT, "%-12s", "cpu node " + i));
            for (int j = 0; j < cols; j++) {
                double v = m.at(i, j);
                r.append(String.format(Locale.ROOT, "%7s", Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v)));
            }
            int local = i < cols ? i : replicas.nextSetBit(0);
            int best = Steering.choose(m, i, replicas, local, minGain);
            boolean measured = !Double.isNaN(m.at(i, best));
            out.add(r.append("  ").append(measured ? "mem " + best + (best == i ? " (local)" : "") : "-").toString());
        }
    }

    private static String age(long ms) {
        return ms < 0 ? "0 s" : String.format(Locale.ROOT, "%.1f s", ms / 1e3);
    }

    private static String duration(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
