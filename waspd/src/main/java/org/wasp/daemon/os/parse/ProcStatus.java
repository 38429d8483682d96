// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os.parse;

import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/** Fields of /proc/PID/status. */
public final class ProcStatus {
    private ProcStatus() {
    }

    /** Cpus_allowed_list, if present. */
    public static Optional<BitSet> cpusAllowed(List<String> lines) {
        return field(lines, "Cpus_allowed_list").map(CpuList::parse);
    }

    public static Optional<String> field(List<String> lines, String name) {
        String prefix = name + ":";
        for (String l : lines) {
            if (l.startsWith(prefix)) {
                return Optional.of(l.substring(prefix.length()).trim());
            }
        }
        return Optional.empty();
    }
}
