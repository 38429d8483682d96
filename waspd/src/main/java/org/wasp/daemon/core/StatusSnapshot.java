// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import java.util.List;
import java.util.Map;
import org.wasp.daemon.policy.PtlMatrix;
import org.wasp.daemon.policy.Thresholds;

/**
 * The daemon's state after an interval, for --status, --top and the metrics endpoint.
 *
 * @param ptl latest PTL matrix, null when none (naive mode, or not measured yet)
 * @param eventTable which events count (an event table's microarchitecture, "generic", "replay")
 * @param eventWhy   what that choice rests on
 * @param policy     the settings the processes are judged by; null when not known (the loop adds them)
 * @param moves      page-table moves made (--placement move or auto)
 */
public record StatusSnapshot(long timeMillis, int daemonPid, String mode, boolean dryRun, int monitoredThreads,
                             List<Proc> processes, PtlMatrix ptl, long enables, long disables, long steers,
                             String eventTable, String eventWhy, Policy policy, long moves) {

    public StatusSnapshot(long timeMillis, int daemonPid, String mode, boolean dryRun, int monitoredThreads,
            List<Proc> processes, PtlMatrix ptl, long enables, long disables, long steers, String eventTable,
            String eventWhy, Policy policy) {
        this(timeMillis, daemonPid, mode, dryRun, monitoredThreads, processes, ptl, enables, disables, steers,
                eventTable, eventWhy, policy, 0);
    }

    public StatusSnapshot(long timeMillis, int daemonPid, String mode, boolean dryRun, int monitoredThreads,
            List<Proc> processes, PtlMatrix ptl, long enables, long disables, long steers, String eventTable,
            String eventWhy) {
        this(timeMillis, daemonPid, mode, dryRun, monitoredThreads, processes, ptl, enables, disables, steers,
                eventTable, eventWhy, null);
    }

    public StatusSnapshot(long timeMillis, int daemonPid, String mode, boolean dryRun, int monitoredThreads,
            List<Proc> processes, PtlMatrix ptl, long enables, long disables, long steers) {
        this(timeMillis, daemonPid, mode, dryRun, monitoredThreads, processes, ptl, enables, disables, steers,
                "unknown", "");
    }

    /** This snapshot with the settings it was judged by. */
    public StatusSnapshot with(Policy p) {
        return new StatusSnapshot(timeMillis, daemonPid, mode, dryRun, monitoredThreads, processes, ptl, enables,
                disables, steers, eventTable, eventWhy, p, moves);
    }

    /** The thresholds and hold counts, the smallest PTL gain worth a steer, the sampling interval. */
    public record Policy(Thresholds thresholds, double minGain, long intervalMs) {
    }

    /**
     * One watched process. {@code mask}: 0 off, 1 all nodes, else node bitmask. {@code coverage}:
     * the last interval's smallest running/enabled fraction of any counter (1: never multiplexed);
     * {@code lowCoverageDecision}: the last change of replication was decided on an interval whose
     * coverage was below {@link org.wasp.daemon.policy.ProcessMetrics#MIN_TRUSTED_COVERAGE};
     * {@code threads}: threads counted in the last interval; {@code hold}: intervals in a row that
     * pushed towards the other state (see {@link org.wasp.daemon.policy.Hysteresis#streak()});
     * {@code home}: the node the daemon moved its page tables to, -1 if it did not.
     */
    public record Proc(int pid, String comm, double mar, double missRate, long mask, boolean changedByDaemon,
                       Map<Integer, Integer> steered, double coverage, boolean lowCoverageDecision, int threads,
                       int hold, int home) {

        public Proc(int pid, String comm, double mar, double missRate, long mask, boolean changedByDaemon,
                Map<Integer, Integer> steered, double coverage, boolean lowCoverageDecision, int threads, int hold) {
            this(pid, comm, mar, missRate, mask, changedByDaemon, steered, coverage, lowCoverageDecision, threads, hold,
                    -1);
        }

        public Proc(int pid, String comm, double mar, double missRate, long mask, boolean changedByDaemon,
                Map<Integer, Integer> steered, double coverage, boolean lowCoverageDecision) {
            this(pid, comm, mar, missRate, mask, changedByDaemon, steered, coverage, lowCoverageDecision, 0, 0);
        }

        public Proc(int pid, String comm, double mar, double missRate, long mask, boolean changedByDaemon,
                Map<Integer, Integer> steered) {
            this(pid, comm, mar, missRate, mask, changedByDaemon, steered, 1, false);
        }
    }

    public static StatusSnapshot empty(String mode, boolean dryRun) {
        return new StatusSnapshot(System.currentTimeMillis(), (int) ProcessHandle.current().pid(), mode, dryRun, 0,
                List.of(), null, 0, 0, 0);
    }
}
