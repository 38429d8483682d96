// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import java.util.Locale;

/** Renders a {@link StatusSnapshot} in the Prometheus text exposition format (version 0.0.4). */
public final class PrometheusText {
    private PrometheusText() {
    }

    public static String render(StatusSnapshot s) {
        StringBuilder b = new StringBuilder(1024);
        gauge(b, "waspd_monitored_threads", "Threads with open counters.");
        b.append("waspd_monitored_threads ").append(s.monitoredThreads()).append('\n');
        b.append("# HELP waspd_decisions_total Replication and steering changes made.\n");
        b.append("# TYPE waspd_decisions_total counter\n");
        b.append("waspd_decisions_total{action=\"enable\"} ").append(s.enables()).append('\n');
        b.append("waspd_decisions_total{action=\"disable\"} ").append(s.disables()).append('\n');
        b.append("waspd_decisions_total{action=\"steer\"} ").append(s.steers()).append('\n');
        gauge(b, "waspd_counter_events_info", "Which events count MAR and DTLB walks (table: microarchitecture, "
                + "generic or replay).");
        b.append("waspd_counter_events_info{table=\"").append(esc(s.eventTable())).append("\"} 1\n");
        gauge(b, "waspd_process_mar", "Memory accesses per second in the last interval.");
        for (StatusSnapshot.Proc p : s.processes()) {
            b.append("waspd_process_mar").append(labels(p)).append(' ').append(num(p.mar())).append('\n');
        }
        gauge(b, "waspd_process_dtlb_miss_rate", "Data page walks per memory access in the last interval "
                + "(with the generic events: DTLB misses per DTLB access as the CPU defines them).");
        for (StatusSnapshot.Proc p : s.processes()) {
            b.append("waspd_process_dtlb_miss_rate").append(labels(p)).append(' ').append(num(p.missRate()))
                    .append('\n');
        }
        gauge(b, "waspd_process_counter_coverage",
                "Smallest running/enabled fraction of the process's counters in the last interval (1: not multiplexed).");
        for (StatusSnapshot.Proc p : s.processes()) {
            b.append("waspd_process_counter_coverage").append(labels(p)).append(' ').append(num(p.coverage()))
                    .append('\n');
        }
        gauge(b, "waspd_process_low_coverage_decision",
                "1 when the last replication change was decided on counters that ran for under half the interval.");
        for (StatusSnapshot.Proc p : s.processes()) {
            b.append("waspd_process_low_coverage_decision").append(labels(p)).append(' ')
                    .append(p.lowCoverageDecision() ? 1 : 0).append('\n');
        }
        gauge(b, "waspd_process_replicated", "1 when page-table replication is on.");
        for (StatusSnapshot.Proc p : s.processes()) {
            b.append("waspd_process_replicated").append(labels(p)).append(' ').append(p.mask() != 0 ? 1 : 0)
                    .append('\n');
        }
        gauge(b, "waspd_process_steered_threads", "Threads forced to a replica node by waspd.");
        for (StatusSnapshot.Proc p : s.processes()) {
            b.append("waspd_process_steered_threads").append(labels(p)).append(' ').append(p.steered().size())
                    .append('\n');
        }
        if (s.ptl() != null) {
            gauge(b, "waspd_ptl_nanoseconds", "Page-table access latency from a CPU node to a memory node.");
            double[][] ns = s.ptl().ns();
            for (int i = 0; i < ns.length; i++) {
                for (int j = 0; j < ns[i].length; j++) {
                    if (!Double.isNaN(ns[i][j])) {
                        b.append("waspd_ptl_nanoseconds{cpu_node=\"").append(i).append("\",memory_node=\"").append(j)
                                .append("\"} ").append(num(ns[i][j])).append('\n');
                    }
                }
            }
        }
        return b.toString();
    }

    private static void gauge(StringBuilder b, String name, String help) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(" gauge\n");
    }

    private static String labels(StatusSnapshot.Proc p) {
        return "{pid=\"" + p.pid() + "\",comm=\"" + esc(p.comm()) + "\"}";
    }

    private static String esc(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
