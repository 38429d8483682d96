// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Renders a {@link StatusSnapshot} and the daemon's {@link Health} in the Prometheus text
 * exposition format (version 0.0.4), named as Prometheus asks: base units (seconds, not
 * nanoseconds), {@code _per_second} for rates, {@code _ratio} for fractions, {@code _total}
 * for counters, one HELP and TYPE per family. In a dry run nothing is changed, so no process is
 * reported replicated or steered; {@code waspd_process_replication_decided} shows the policy's
 * decision either way.
 */
public final class PrometheusText {
    private PrometheusText() {
    }

    public static String render(StatusSnapshot s, Health.View h, String version) {
        StringBuilder b = new StringBuilder(2048);
        head(b, "waspd_build_info", "gauge", "Always 1; the version of the running waspd.");
        b.append("waspd_build_info{version=\"").append(esc(version)).append("\"} 1\n");
        head(b, "waspd_dry_run", "gauge", "1 when waspd only decides and logs (--dry-run), changing nothing.");
        b.append("waspd_dry_run ").append(s.dryRun() ? 1 : 0).append('\n');
        head(b, "waspd_monitored_threads", "gauge", "Threads with open counters.");
        b.append("waspd_monitored_threads ").append(s.monitoredThreads()).append('\n');
        head(b, "waspd_decisions_total", "counter", "Replication, steering and page-table move changes made (decided, in a dry run).");
        b.append("waspd_decisions_total{action=\"enable\"} ").append(s.enables()).append('\n');
        b.append("waspd_decisions_total{action=\"disable\"} ").append(s.disables()).append('\n');
        b.append("waspd_decisions_total{action=\"steer\"} ").append(s.steers()).append('\n');
        b.append("waspd_decisions_total{action=\"move\"} ").append(s.moves()).append('\n');
        head(b, "waspd_errors_total", "counter", "Failed operations by kind: permission_denied (EPERM/EACCES on a "
                + "process), kernel_refused (EINVAL from a replication prctl), replication (other prctl errors), "
                + "counters (other counter read errors), status_file (status file not written).");
        for (Map.Entry<String, Long> e : new java.util.TreeMap<>(h.errors()).entrySet()) {
            b.append("waspd_errors_total{kind=\"").append(esc(e.getKey())).append("\"} ").append(e.getValue())
                    .append('\n');
        }
        head(b, "waspd_tick_duration_seconds", "histogram", "Time one sampling interval's work took.");
        for (int i = 0; i < Health.TICK_BUCKETS.length; i++) {
            b.append("waspd_tick_duration_seconds_bucket{le=\"").append(le(Health.TICK_BUCKETS[i])).append("\"} ")
                    .append(h.cumulativeBuckets()[i]).append('\n');
        }
        b.append("waspd_tick_duration_seconds_bucket{le=\"+Inf\"} ").append(h.ticks()).append('\n');
        b.append("waspd_tick_duration_seconds_sum ").append(num(h.tickSeconds())).append('\n');
        b.append("waspd_tick_duration_seconds_count ").append(h.ticks()).append('\n');
        head(b, "waspd_last_successful_tick_timestamp_seconds", "gauge",
                "When the last sampling interval's work completed, Unix time; 0 before the first.");
        b.append("waspd_last_successful_tick_timestamp_seconds ").append(String.format(Locale.ROOT, "%.3f", h.lastSuccessMillis() / 1e3))
                .append('\n');
        head(b, "waspd_counter_events_info", "gauge", "Which events count MAR and DTLB walks (table: "
                + "microarchitecture, generic or replay).");
        b.append("waspd_counter_events_info{table=\"").append(esc(s.eventTable())).append("\"} 1\n");
        perProcess(b, s, "waspd_process_memory_accesses_per_second",
                "Memory accesses per second (MAR) in the last interval.", StatusSnapshot.Proc::mar);
        perProcess(b, s, "waspd_process_dtlb_miss_ratio", "Data page walks per memory access in the last "
                + "interval (with the generic events: DTLB misses per DTLB access as the CPU defines them).",
                StatusSnapshot.Proc::missRate);
        perProcess(b, s, "waspd_process_counter_coverage_ratio", "Smallest running/enabled fraction of the "
                + "process's counters in the last interval (1: not multiplexed).", StatusSnapshot.Proc::coverage);
        perProcess(b, s, "waspd_process_low_coverage_decision", "1 when the last replication change was decided "
                + "on counters that ran for under half the interval.", p -> p.lowCoverageDecision() ? 1 : 0);
        perProcess(b, s, "waspd_process_replication_decided", "1 when the policy has decided on replication "
                + "(made, or in a dry run only logged).", p -> p.mask() != 0 ? 1 : 0);
        perProcess(b, s, "waspd_process_replicated", "1 when waspd has page-table replication on (never in a "
                + "dry run).", p -> !s.dryRun() && p.mask() != 0 ? 1 : 0);
        perProcess(b, s, "waspd_process_steered_threads", "Threads forced to a replica node by waspd (0 in a "
                + "dry run).", p -> s.dryRun() ? 0 : p.steered().size());
        if (s.ptl() != null) {
            head(b, "waspd_ptl_seconds", "gauge", "Page-table access latency from a CPU node to a memory node.");
            double[][] ns = s.ptl().ns();
            for (int i = 0; i < ns.length; i++) {
                for (int j = 0; j < ns[i].length; j++) {
                    if (!Double.isNaN(ns[i][j])) {
                        b.append("waspd_ptl_seconds{cpu_node=\"").append(i).append("\",memory_node=\"").append(j)
                                .append("\"} ").append(num(ns[i][j] / 1e9)).append('\n');
                    }
                }
            }
        }
        return b.toString();
    }

    private static void perProcess(StringBuilder b, StatusSnapshot s, String name, String help,
                                   ToDoubleFunction<StatusSnapshot.Proc> value) {
        head(b, name, "gauge", help);
        for (StatusSnapshot.Proc p : s.processes()) {
            b.append(name).append("{pid=\"").append(p.pid()).append("\",comm=\"").append(esc(p.comm()))
                    .append("\"} ").append(num(value.applyAsDouble(p))).append('\n');
        }
    }

    private static void head(StringBuilder b, String name, String type, String help) {
        b.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n"))
                .append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static String esc(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String le(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.1f", v) : Double.toString(v);
    }

    /** Integers as integers, the rest with six significant digits; NaN and infinities as Prometheus spells them. */
    static String num(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
