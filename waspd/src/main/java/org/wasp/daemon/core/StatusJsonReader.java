// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wasp.daemon.policy.PtlMatrix;
import org.wasp.daemon.policy.Thresholds;

/**
 * Reads back what {@link StatusJson} wrote (for {@code --top}). Missing members read as 0,
 * false or empty, so a status written by an older waspd still shows; text that is not JSON
 * or not an object: {@link IllegalArgumentException}.
 */
public final class StatusJsonReader {
    private StatusJsonReader() {
    }

    public static StatusSnapshot parse(String text) {
        if (!(Json.parse(text) instanceof Map<?, ?> root)) {
            throw new IllegalArgumentException("not a JSON object");
        }
        Map<?, ?> ev = map(root.get("counter_events"));
        Map<?, ?> dec = map(root.get("decisions"));
        List<StatusSnapshot.Proc> procs = new ArrayList<>();
        for (Object o : list(root.get("processes"))) {
            Map<?, ?> p = map(o);
            Map<Integer, Integer> steered = new LinkedHashMap<>();
            map(p.get("steered")).forEach((k, v) -> steered.put(Integer.parseInt(k.toString()), (int) num(v)));
            Object cov = p.get("counter_coverage");
            procs.add(new StatusSnapshot.Proc((int) num(p.get("pid")), str(p.get("comm")), num(p.get("mar_per_s")),
                    num(p.get("dtlb_miss_rate")), (long) num(p.get("replication_mask")),
                    bool(p.get("changed_by_waspd")), steered, cov == null ? 1 : num(cov),
                    bool(p.get("low_coverage_decision")), (int) num(p.get("threads")), (int) num(p.get("hold")),
                    p.containsKey("pgtable_home") ? (int) num(p.get("pgtable_home")) : -1));
        }
        PtlMatrix ptl = null;
        if (root.get("ptl_ns") instanceof List<?> rows) {
            double[][] ns = new double[rows.size()][];
            for (int i = 0; i < ns.length; i++) {
                List<?> row = list(rows.get(i));
                ns[i] = new double[row.size()];
                for (int j = 0; j < ns[i].length; j++) {
                    ns[i][j] = row.get(j) == null ? Double.NaN : num(row.get(j));
                }
            }
            ptl = new PtlMatrix(ns, 0);
        }
        StatusSnapshot.Policy policy = null;
        if (root.get("policy") instanceof Map<?, ?> p) {
            policy = new StatusSnapshot.Policy(new Thresholds(num(p.get("mar_threshold_per_s")),
                    num(p.get("miss_threshold")), num(p.get("margin")), Math.max(1, (int) num(p.get("hold_on"))),
                    Math.max(1, (int) num(p.get("hold_off")))), num(p.get("min_gain")), (long) num(p.get("interval_ms")));
        }
        return new StatusSnapshot((long) num(root.get("time_ms")), (int) num(root.get("pid")), str(root.get("mode")),
                bool(root.get("dry_run")), (int) num(root.get("monitored_threads")), procs, ptl,
                (long) num(dec.get("enable")), (long) num(dec.get("disable")), (long) num(dec.get("steer")),
                str(ev.get("table")), str(ev.get("why")), policy, (long) num(dec.get("move")));
    }

    private static Map<?, ?> map(Object o) {
        return o instanceof Map<?, ?> m ? m : Map.of();
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }

    private static double num(Object o) {
        return o instanceof Double d ? d : 0;
    }

    private static boolean bool(Object o) {
        return Boolean.TRUE.equals(o);
    }

    private static String str(Object o) {
        return o instanceof String s ? s : "";
    }
}
