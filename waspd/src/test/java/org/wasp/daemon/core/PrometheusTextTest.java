// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wasp.daemon.policy.PtlMatrix;
import org.wasp.daemon.testutil.PrometheusLint;

/** The exposition text: Prometheus names and units, the daemon's health, dry runs. */
class PrometheusTextTest {
    static StatusSnapshot snapshot(boolean dryRun) {
        return new StatusSnapshot(1, 2, "full", dryRun, 7, List.of(
                new StatusSnapshot.Proc(42, "we\"ird\\", 2.5e7, 0.03, 1, true, Map.of(43, 1), 0.25, true),
                new StatusSnapshot.Proc(50, "idle", 0, 0, 0, false, Map.of())),
                new PtlMatrix(new double[][] {{100, 150}, {Double.NaN, 90}}, 0), 1, 0, 1, "skylakex", "why");
    }

    static Health.View health() {
        Health h = new Health();
        h.tickDone(2_000_000, 1_700_000_000_250L); // 2 ms
        h.tickDone(300_000_000, 1_700_000_001_500L); // 300 ms
        h.error(Health.PERMISSION_DENIED);
        h.error(Health.PERMISSION_DENIED);
        h.error(Health.STATUS_FILE);
        return h.view();
    }

    @Test
    void everyLineFollowsTheExpositionFormat() {
        for (boolean dry : new boolean[] {false, true}) {
            String text = PrometheusText.render(snapshot(dry), health(), "0.1.0");
            assertEquals(List.of(), PrometheusLint.problems(text), text);
        }
        String empty = PrometheusText.render(StatusSnapshot.empty("naive", false), Health.View.NONE, "0.1.0");
        assertEquals(List.of(), PrometheusLint.problems(empty), empty);
    }

    @Test
    void theLintCatchesWhatItChecks() {
        assertFalse(PrometheusLint.problems("# HELP a_total x\n# TYPE a_total counter\na_total 1\n"
                + "# HELP a_total x\n").isEmpty(), "second HELP");
        assertFalse(PrometheusLint.problems("# HELP a x\n# TYPE a counter\na 1\n").isEmpty(), "counter without _total");
        assertFalse(PrometheusLint.problems("# HELP ptl_nanoseconds x\n# TYPE ptl_nanoseconds gauge\n"
                + "ptl_nanoseconds 1\n").isEmpty(), "nanoseconds");
        assertFalse(PrometheusLint.problems("# HELP a x\n# TYPE a gauge\na{0l=\"1\"} 1\n").isEmpty(), "label name");
        assertFalse(PrometheusLint.problems("# HELP a-b x\n# TYPE a-b gauge\na-b 1\n").isEmpty(), "metric name");
        assertFalse(PrometheusLint.problems("# HELP mar Accesses per second.\n# TYPE mar gauge\nmar 1\n").isEmpty(),
                "rate without _per_second");
        assertFalse(PrometheusLint.problems("# HELP a x\n# TYPE a gauge\na 1\n# HELP b x\n# TYPE b gauge\nb 1\na{x=\"1\"} 2\n")
                .isEmpty(), "family split");
        assertFalse(PrometheusLint.problems("a 1\n").isEmpty(), "no TYPE");
        assertFalse(PrometheusLint.problems("# HELP a x\n# TYPE a gauge\na 1,5\n").isEmpty(), "value");
        assertFalse(PrometheusLint.problems("# HELP h_seconds x\n# TYPE h_seconds histogram\n"
                + "h_seconds_bucket{le=\"1\"} 3\nh_seconds_bucket{le=\"+Inf\"} 2\nh_seconds_sum 1\nh_seconds_count 2\n")
                .isEmpty(), "histogram buckets decreasing");
    }

    @Test
    void namesAndUnits() {
        String t = PrometheusText.render(snapshot(false), health(), "0.1.0");
        assertTrue(t.contains("waspd_build_info{version=\"0.1.0\"} 1\n"), t);
        assertTrue(t.contains("waspd_process_memory_accesses_per_second{pid=\"42\",comm=\"we\\\"ird\\\\\"} 25000000\n"), t);
        assertTrue(t.contains("waspd_process_dtlb_miss_ratio{pid=\"42\",comm=\"we\\\"ird\\\\\"} 0.0300000\n"), t);
        assertTrue(t.contains("waspd_process_counter_coverage_ratio{pid=\"42\",comm=\"we\\\"ird\\\\\"} 0.250000\n"), t);
        assertTrue(t.contains("waspd_ptl_seconds{cpu_node=\"0\",memory_node=\"1\"} 1.50000e-07\n"), t);
        assertFalse(t.contains("cpu_node=\"1\",memory_node=\"0\""), "unmeasured entries are left out: " + t);
        assertFalse(t.contains("nanoseconds"), t);
    }

    @Test
    void tickDurationErrorsAndLastTick() {
        String t = PrometheusText.render(snapshot(false), health(), "0.1.0");
        assertTrue(t.contains("# TYPE waspd_tick_duration_seconds histogram\n"), t);
        assertTrue(t.contains("waspd_tick_duration_seconds_bucket{le=\"0.001\"} 0\n"), t);
        assertTrue(t.contains("waspd_tick_duration_seconds_bucket{le=\"0.0025\"} 1\n"), t);
        assertTrue(t.contains("waspd_tick_duration_seconds_bucket{le=\"0.25\"} 1\n"), t);
        assertTrue(t.contains("waspd_tick_duration_seconds_bucket{le=\"0.5\"} 2\n"), t);
        assertTrue(t.contains("waspd_tick_duration_seconds_bucket{le=\"+Inf\"} 2\n"), t);
        assertTrue(t.contains("waspd_tick_duration_seconds_sum 0.302000\n"), t);
        assertTrue(t.contains("waspd_tick_duration_seconds_count 2\n"), t);
        assertTrue(t.contains("waspd_last_successful_tick_timestamp_seconds 1700000001.500\n"), t);
        assertTrue(t.contains("# TYPE waspd_errors_total counter\n"), t);
        assertTrue(t.contains("waspd_errors_total{kind=\"permission_denied\"} 2\n"), t);
        assertTrue(t.contains("waspd_errors_total{kind=\"status_file\"} 1\n"), t);
        assertTrue(t.contains("waspd_errors_total{kind=\"kernel_refused\"} 0\n"), "every kind from the start: " + t);
    }

    @Test
    void aDryRunReportsNoProcessReplicatedOrSteered() {
        String dry = PrometheusText.render(snapshot(true), health(), "0.1.0");
        assertTrue(dry.contains("waspd_dry_run 1\n"), dry);
        assertTrue(dry.contains("waspd_process_replicated{pid=\"42\",comm=\"we\\\"ird\\\\\"} 0\n"), dry);
        assertTrue(dry.contains("waspd_process_steered_threads{pid=\"42\",comm=\"we\\\"ird\\\\\"} 0\n"), dry);
        assertTrue(dry.contains("waspd_process_replication_decided{pid=\"42\",comm=\"we\\\"ird\\\\\"} 1\n"), dry);
        String live = PrometheusText.render(snapshot(false), health(), "0.1.0");
        assertTrue(live.contains("waspd_dry_run 0\n"), live);
        assertTrue(live.contains("waspd_process_replicated{pid=\"42\",comm=\"we\\\"ird\\\\\"} 1\n"), live);
        assertTrue(live.contains("waspd_process_steered_threads{pid=\"42\",comm=\"we\\\"ird\\\\\"} 1\n"), live);
    }
}
