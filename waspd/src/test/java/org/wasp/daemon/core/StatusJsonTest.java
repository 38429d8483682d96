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
}
