// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.wasp.daemon.counters.ProcessSample;
import org.wasp.daemon.policy.Hysteresis;
import org.wasp.daemon.policy.NodeRecheck;
import org.wasp.daemon.policy.ThreadListing;
import org.wasp.daemon.policy.ProcessMetrics;

/** The daemon's memory of one process: policy state, last sample, what it changed. */
final class TrackedProcess {
    final int pid;
    String comm;
    final Hysteresis hysteresis;
    ProcessSample last;
    ProcessMetrics metrics = ProcessMetrics.NONE;
    /** Replication mask now in force as far as the daemon knows (0: off). */
    long mask;
    /** Mask found at start (adopted processes), restored on shutdown. */
    final long originalMask;
    /** The daemon changed this process's replication and must restore originalMask on shutdown. */
    boolean changed;
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
    /** Which threads' nodes to re-read each interval. */
    final NodeRecheck recheck;
    boolean seen;

    TrackedProcess(int pid, String comm, Hysteresis h, long originalMask, NodeRecheck recheck,
                   ThreadListing listing) {
        this.pid = pid;
        this.comm = comm;
        this.hysteresis = h;
        this.recheck = recheck;
        this.listing = listing;
        this.originalMask = originalMask;
        this.mask = originalMask;
    }

    String label() {
        return pid + " (" + comm + ")";
    }
}
