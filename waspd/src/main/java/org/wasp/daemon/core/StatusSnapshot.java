// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import java.util.List;
import java.util.Map;
import org.wasp.daemon.policy.PtlMatrix;

/**
 * The daemon's state after an interval, for --status and the metrics endpoint.
 *
 * @param ptl latest PTL matrix, null when none (naive mode, or not measured yet)
 */
public record StatusSnapshot(long timeMillis, int daemonPid, String mode, boolean dryRun, int monitoredThreads,
                             List<Proc> processes, PtlMatrix ptl, long enables, long disables, long steers) {

    /** One watched process. {@code mask}: 0 off, 1 all nodes, else node bitmask. */
    public record Proc(int pid, String comm, double mar, double missRate, long mask, boolean changedByDaemon,
                       Map<Integer, Integer> steered) {
    }

    public static StatusSnapshot empty(String mode, boolean dryRun) {
        return new StatusSnapshot(System.currentTimeMillis(), (int) ProcessHandle.current().pid(), mode, dryRun, 0,
                List.of(), null, 0, 0, 0);
    }
}
