// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wasp.daemon.policy.PtlMatrix;

class StatusJsonTest {
    @Test
    void numbersKeepSixSignificantDigitsZeroIncluded() {
        StatusSnapshot s = new StatusSnapshot(1, 2, "full", true, 3, List.of(
                new StatusSnapshot.Proc(10, "idle", 0, 0, 0, false, Map.of()),
                new StatusSnapshot.Proc(11, "busy", 5e7, 0.05, 1, true, Map.of(12, 1))),
                new PtlMatrix(new double[][] {{0.0, Double.NaN}}, 0), 0, 0, 0);
        String json = StatusJson.render(s);
        assertTrue(json.contains("{\"pid\": 10, \"comm\": \"idle\", \"mar_per_s\": 0.00000, \"dtlb_miss_rate\": 0.00000,"),
                json);
        assertTrue(json.contains("\"mar_per_s\": 5.00000e+07, \"dtlb_miss_rate\": 0.0500000,"), json);
        assertTrue(json.contains("\"ptl_ns\": [[0.00000, null]]"), json);
    }

    @Test
    void eventTableAndCoverageAreShown() {
        StatusSnapshot s = new StatusSnapshot(1, 2, "naive", false, 1, List.of(
                new StatusSnapshot.Proc(11, "busy", 5e7, 0.05, 1, true, Map.of(), 0.4, true)), null, 1, 0, 0,
                "amdzen4", "CPU AuthenticAMD-19-11-1, mapfile.csv row \"amdzen4\"");
        String json = StatusJson.render(s);
        assertTrue(json.contains("\"counter_events\": {\"table\": \"amdzen4\", \"why\": \"CPU AuthenticAMD-19-11-1, "
                + "mapfile.csv row \\\"amdzen4\\\"\"}"), json);
        assertTrue(json.contains("\"counter_coverage\": 0.400000, \"low_coverage_decision\": true"), json);
        String prom = PrometheusText.render(s, Health.View.NONE, "test");
        assertTrue(prom.contains("waspd_counter_events_info{table=\"amdzen4\"} 1"), prom);
        assertTrue(prom.contains("waspd_process_counter_coverage_ratio{pid=\"11\",comm=\"busy\"} 0.400000"), prom);
    }
}
