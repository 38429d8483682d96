// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os.parse;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * /proc/pgtable_repl (/proc/mitosis_status on older WASP kernels): "name: value" counter lines, then a header line starting with
 * "pid", then one line per replicated process. Unknown counters and extra trailing
 * columns are kept or ignored; columns are found by header name.
 */
public record MitosisStatus(Map<String, Long> counters, List<Entry> processes) {

    public record Entry(int pid, String comm, BitSet nodes, int pgdNode, long replicaKb, int forcedThreads) {
    }

    public long counter(String name) {
        return counters.getOrDefault(name, -1L);
    }

    public static MitosisStatus parse(List<String> lines) {
        Map<String, Long> counters = new LinkedHashMap<>();
        List<Entry> procs = new ArrayList<>();
        Map<String, Integer> col = null;
        for (String raw : lines) {
            String line = raw.trim();
            if (line.isEmpty()) {
                continue;
            }
            if (col == null) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    String value = line.substring(colon + 1).trim();
                    try {
                        counters.put(line.substring(0, colon).trim(), Long.parseLong(value));
                    } catch (NumberFormatException e) {
                        // An unknown counter with a non-numeric value: ignore it.
                    }
                    continue;
                }
                String[] h = line.split("\\s+");
                if (h[0].equals("pid")) {
                    col = new LinkedHashMap<>();
                    for (int i = 0; i < h.length; i++) {
                        col.put(h[i], i);
                    }
                    for (String need : new String[] {"pid", "comm", "nodes"}) {
                        if (!col.containsKey(need)) {
                            throw new IllegalArgumentException("mitosis_status header lacks '" + need + "': " + line);
                        }
                    }
                }
                continue;
            }
            String[] f = line.split("\\s+");
            procs.add(new Entry(
                    Integer.parseInt(f[col.get("pid")]),
                    f[col.get("comm")],
                    CpuList.parse(f[col.get("nodes")]),
                    (int) longCol(f, col, "pgd_node", -1),
                    longCol(f, col, "replica_kb", -1),
                    (int) longCol(f, col, "forced_threads", 0)));
        }
        return new MitosisStatus(counters, procs);
    }

    private static long longCol(String[] f, Map<String, Integer> col, String name, long dflt) {
        Integer i = col.get(name);
        if (i == null || i >= f.length) {
            return dflt;
        }
        return Long.parseLong(f[i]);
    }
}
