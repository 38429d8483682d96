// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import java.util.Locale;
import java.util.Map;

/** Renders a {@link StatusSnapshot} as JSON (the status file). */
public final class StatusJson {
    private StatusJson() {
    }

    public static String render(StatusSnapshot s) {
        StringBuilder b = new StringBuilder(512);
        b.append("{\n");
        b.append("  \"time_ms\": ").append(s.timeMillis()).append(",\n");
        b.append("  \"pid\": ").append(s.daemonPid()).append(",\n");
        b.append("  \"mode\": ").append(str(s.mode())).append(",\n");
        b.append("  \"dry_run\": ").append(s.dryRun()).append(",\n");
        b.append("  \"monitored_threads\": ").append(s.monitoredThreads()).append(",\n");
        b.append("  \"counter_events\": {\"table\": ").append(str(s.eventTable())).append(", \"why\": ")
                .append(str(s.eventWhy())).append("},\n");
        b.append("  \"decisions\": {\"enable\": ").append(s.enables()).append(", \"disable\": ")
                .append(s.disables()).append(", \"steer\": ").append(s.steers()).append(", \"move\": ")
                .append(s.moves()).append("},\n");
        b.append("  \"policy\": ");
        if (s.policy() == null) {
            b.append("null,\n");
        } else {
            StatusSnapshot.Policy p = s.policy();
            b.append("{\"mar_threshold_per_s\": ").append(num(p.thresholds().marOn()))
                    .append(", \"miss_threshold\": ").append(num(p.thresholds().missOn()))
                    .append(", \"margin\": ").append(num(p.thresholds().margin()))
                    .append(", \"hold_on\": ").append(p.thresholds().holdOn())
                    .append(", \"hold_off\": ").append(p.thresholds().holdOff())
                    .append(", \"min_gain\": ").append(num(p.minGain()))
                    .append(", \"interval_ms\": ").append(p.intervalMs()).append("},\n");
        }
        b.append("  \"processes\": [");
        String sep = "\n";
        for (StatusSnapshot.Proc p : s.processes()) {
            b.append(sep).append("    {\"pid\": ").append(p.pid()).append(", \"comm\": ").append(str(p.comm()))
                    .append(", \"mar_per_s\": ").append(num(p.mar()))
                    .append(", \"dtlb_miss_rate\": ").append(num(p.missRate()))
                    .append(", \"replication_mask\": ").append(p.mask())
                    .append(", \"counter_coverage\": ").append(num(p.coverage()))
                    .append(", \"low_coverage_decision\": ").append(p.lowCoverageDecision())
                    .append(", \"threads\": ").append(p.threads())
                    .append(", \"hold\": ").append(p.hold())
                    .append(", \"pgtable_home\": ").append(p.home())
                    .append(", \"changed_by_waspd\": ").append(p.changedByDaemon())
                    .append(", \"steered\": {");
            String s2 = "";
            for (Map.Entry<Integer, Integer> e : p.steered().entrySet()) {
                b.append(s2).append('"').append(e.getKey()).append("\": ").append(e.getValue());
                s2 = ", ";
            }
            b.append("}}");
            sep = ",\n";
        }
        b.append(s.processes().isEmpty() ? "],\n" : "\n  ],\n");
        b.append("  \"ptl_ns\": ");
        if (s.ptl() == null) {
            b.append("null");
        } else {
            b.append('[');
            double[][] ns = s.ptl().ns();
            for (int i = 0; i < ns.length; i++) {
                b.append(i == 0 ? "" : ", ").append('[');
                for (int j = 0; j < ns[i].length; j++) {
                    b.append(j == 0 ? "" : ", ").append(num(ns[i][j]));
                }
                b.append(']');
            }
            b.append(']');
        }
        b.append("\n}\n");
        return b.toString();
    }

    private static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "null";
        }
        if (v == 0) {
            return ZERO; // most processes, every interval: no formatter needed
        }
        return String.format(Locale.ROOT, "%.6g", v);
    }

    private static final String ZERO = String.format(Locale.ROOT, "%.6g", 0.0);

    static String str(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
