// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.wasp.daemon.counters.ProcessSample;
import org.wasp.daemon.os.TaskStatFile;
import org.wasp.daemon.policy.Hysteresis;
import org.wasp.daemon.policy.NodeRecheck;
import org.wasp.daemon.policy.Placement;
import org.wasp.daemon.policy.ThreadListing;
import org.wasp.daemon.policy.ProcessMetrics;
import org.wasp.daemon.policy.PtlMatrix;

/** The daemon's memory of one process: policy state, last sample, what it changed. */
final class TrackedProcess {
    final int pid;
    /** Start time (field 22 of its stat): with the pid, names this process in the journal; -1 unknown. */
    final long startTime;
    String comm;
    final Hysteresis hysteresis;
    ProcessSample last;
    ProcessMetrics metrics = ProcessMetrics.NONE;
    /** The last replication change was decided on an interval of too little counter coverage. */
    boolean lowCoverageDecision;
    /** Replication mask now in force as far as the daemon knows (0: off). */
    long mask;
    /** Mask found at start (adopted processes), restored on shutdown. */
    final long originalMask;
    /** The daemon changed this process's replication and must restore originalMask on shutdown. */
    boolean changed;
    /** Where the daemon moved its page tables (their home node), -1 if it did not. */
    int home = -1;
    /** The home node it had before the daemon's first move, put back on shutdown. */
    int originalHome = -1;
    /** The daemon moved its page tables and must restore originalHome on shutdown. */
    boolean homeChanged;
    /** Whether to move or replicate its tables while it needs local ones. */
    Placement placement;
    /**
     * Each thread's CPU ticks (stat) when its node was last weighed for the placement, where the
     * counters do not give its CPU time (a replayed trace).
     */
    final Map<Integer, Long> placementTicks = new HashMap<>();
    /** Primary page-table node from /proc/mitosis_status, -1 if unknown. */
    int pgdNode = -1;
    /** Threads the daemon forced to a node: tid to node. */
    final Map<Integer, Integer> steered = new HashMap<>();
    /** Forced nodes found at adoption, restored on shutdown: tid to node. */
    final Map<Integer, Integer> originalSteering = new HashMap<>();
    /** Threads at the last listing of /proc/PID/task, ascending. */
    List<Integer> tids = List.of();
    /** When to list them again. */
    final ThreadListing listing;
    /** For steering: the CPU node each thread ran on when last read (tid to node, -1 unknown). */
    final Map<Integer, Integer> cpuNodes = new HashMap<>();
    /**
     * With live counters: each thread's {@link org.wasp.daemon.counters.ThreadSample#onCpuNs()}
     * in the interval its node was read; while it stays the same the thread has not run since.
     */
    final Map<Integer, Long> nodeReadAt = new HashMap<>();
    /** Which threads' nodes to re-read each interval. */
    final NodeRecheck recheck;
    /** The stat files of the threads whose nodes have been read, kept open for the next read. */
    final Map<Integer, TaskStatFile> statFiles = new HashMap<>();
    /** The thread list, matrix and mask the steering choices were last made for. */
    List<Integer> steeringTids;
    PtlMatrix decidedMatrix;
    long decidedMask;
    /** Threads whose steer failed (not gone, not denied): chosen again next interval. */
    final Set<Integer> retry = new HashSet<>();
    boolean seen;

    TrackedProcess(int pid, long startTime, String comm, Hysteresis h, long originalMask, NodeRecheck recheck,
                   ThreadListing listing) {
        this.pid = pid;
        this.startTime = startTime;
        this.comm = comm;
        this.hysteresis = h;
        this.recheck = recheck;
        this.listing = listing;
        this.originalMask = originalMask;
        this.mask = originalMask;
    }

    /** Closes the kept stat files of the threads not in {@code live} (all when null). */
    void closeStatFiles(Set<Integer> live) {
        statFiles.entrySet().removeIf(e -> {
            if (live != null && live.contains(e.getKey())) {
                return false;
            }
            e.getValue().close();
            return true;
        });
    }

    /** Drops the steering state of the threads not in {@code tids} (no longer listed: ended). */
    void retainThreads(List<Integer> tids) {
        Set<Integer> live = new HashSet<>(tids);
        cpuNodes.keySet().retainAll(live);
        nodeReadAt.keySet().retainAll(live);
        steered.keySet().retainAll(live);
        retry.retainAll(live);
        closeStatFiles(live);
    }

    /** Every thread's choice is made again at the next steering pass. */
    void forgetDecisions() {
        steeringTids = null;
        decidedMatrix = null;
        decidedMask = 0;
        retry.clear();
    }

    String label() {
        return pid + " (" + comm + ")";
    }
}
