// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os.parse;

import java.util.List;

/**
 * /sys/devices/system/node/nodeN/meminfo: "Node 0 MemTotal:       16318284 kB"; /proc/meminfo
 * has the same line without "Node N".
 */
public final class NodeMeminfo {
    private NodeMeminfo() {
    }

    /** MemTotal in kB, or 0 when absent. */
    public static long memTotalKb(List<String> lines) {
        for (String l : lines) {
            String[] f = l.trim().split("\\s+");
            if (f.length >= 4 && f[0].equals("Node") && f[2].equals("MemTotal:")) {
                return Long.parseLong(f[3]);
            }
        }
        return 0;
    }

    /** /proc/meminfo's MemTotal in kB, or 0 when absent. */
    public static long machineMemTotalKb(List<String> lines) {
        for (String l : lines) {
            String[] f = l.trim().split("\\s+");
            if (f.length >= 2 && f[0].equals("MemTotal:")) {
                return Long.parseLong(f[1]);
            }
        }
        return 0;
    }
}
