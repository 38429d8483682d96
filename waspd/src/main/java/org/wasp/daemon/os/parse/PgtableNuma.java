// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os.parse;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * /proc/PID/pgtable_numa (kernel patch 0020): a process's page-table pages per node,
 * "tables N0=1040 N1=3", and for a replicated process its copies, "copies N0=... N1=...".
 */
public final class PgtableNuma {
    private PgtableNuma() {
    }

    /** The tables per node (node to pages); empty when the line is missing or malformed. */
    public static Map<Integer, Long> tables(List<String> lines) {
        return line(lines, "tables");
    }

    /** The copies per node; empty when the process is not replicated. */
    public static Map<Integer, Long> copies(List<String> lines) {
        return line(lines, "copies");
    }

    private static Map<Integer, Long> line(List<String> lines, String key) {
        Map<Integer, Long> out = new TreeMap<>();
        for (String l : lines) {
            String[] f = l.trim().split("\\s+");
            if (f.length == 0 || !f[0].equals(key)) {
                continue;
            }
            for (int i = 1; i < f.length; i++) {
                int eq = f[i].indexOf('=');
                if (!f[i].startsWith("N") || eq < 2) {
                    return Map.of();
                }
                try {
                    out.put(Integer.parseInt(f[i].substring(1, eq)), Long.parseLong(f[i].substring(eq + 1)));
                } catch (NumberFormatException e) {
                    return Map.of();
                }
            }
            return out;
        }
        return Map.of();
    }
}
