// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import java.util.Set;
import org.wasp.daemon.policy.NodeChoice;
import org.wasp.daemon.policy.Placement;
import org.wasp.daemon.policy.Thresholds;

/**
 * What the daemon loop does.
 *
 * @param full       full mode (PTL probe and steering) rather than naive mode
 * @param excluded   comm names never replicated (-x)
 * @param pids       processes to watch; empty: every user process
 * @param dryRun     decide and log, change nothing
 * @param adopt      manage processes that were already replicated at start
 * @param adoptJournal take over the changes that a daemon that did not stop cleanly left in the
 *                     journal, instead of undoing them
 * @param minGain    fraction of PTL a move must save
 * @param nodeRecheck intervals within which each steered thread's CPU node is re-read
 * @param threadRelist intervals within which a process's threads are listed again when their
 *                     count has not changed
 * @param placement  whether a process that needs local page tables has them moved or replicated
 */
public record DaemonConfig(boolean full, Set<String> excluded, Set<Integer> pids, boolean dryRun, boolean adopt,
                           boolean adoptJournal,
                           Thresholds thresholds, NodeChoice nodeChoice, double minGain, int nodeRecheck,
                           int threadRelist, Placement.Config placement) {
    public static final int DEFAULT_NODE_RECHECK = 10;
    public static final int DEFAULT_THREAD_RELIST = 5;

    public static DaemonConfig defaults() {
        return new DaemonConfig(true, Set.of(), Set.of(), false, false, false, Thresholds.DEFAULTS, NodeChoice.ALL, 0.1,
                DEFAULT_NODE_RECHECK, DEFAULT_THREAD_RELIST, Placement.Config.DEFAULTS);
    }

    public DaemonConfig withNodeRecheck(int n) {
        return new DaemonConfig(full, excluded, pids, dryRun, adopt, adoptJournal, thresholds, nodeChoice, minGain, n, threadRelist, placement);
    }

    public DaemonConfig withThreadRelist(int n) {
        return new DaemonConfig(full, excluded, pids, dryRun, adopt, adoptJournal, thresholds, nodeChoice, minGain, nodeRecheck, n, placement);
    }

    public DaemonConfig withDryRun(boolean d) {
        return new DaemonConfig(full, excluded, pids, d, adopt, adoptJournal, thresholds, nodeChoice, minGain, nodeRecheck, threadRelist, placement);
    }

    public DaemonConfig withExcluded(Set<String> x) {
        return new DaemonConfig(full, x, pids, dryRun, adopt, adoptJournal, thresholds, nodeChoice, minGain, nodeRecheck, threadRelist, placement);
    }

    public DaemonConfig withFull(boolean f) {
        return new DaemonConfig(f, excluded, pids, dryRun, adopt, adoptJournal, thresholds, nodeChoice, minGain, nodeRecheck, threadRelist, placement);
    }

    public DaemonConfig withAdopt(boolean a) {
        return new DaemonConfig(full, excluded, pids, dryRun, a, adoptJournal, thresholds, nodeChoice, minGain, nodeRecheck, threadRelist, placement);
    }

    public DaemonConfig withAdoptJournal(boolean a) {
        return new DaemonConfig(full, excluded, pids, dryRun, adopt, a, thresholds, nodeChoice, minGain, nodeRecheck,
                threadRelist, placement);
    }

    public DaemonConfig withNodeChoice(NodeChoice n) {
        return new DaemonConfig(full, excluded, pids, dryRun, adopt, adoptJournal, thresholds, n, minGain, nodeRecheck, threadRelist, placement);
    }

    /** The settings a reload may change (see {@link Daemon#reconfigure}). */
    public DaemonConfig withLive(Thresholds t, double gain, Set<String> x) {
        return new DaemonConfig(full, x, pids, dryRun, adopt, adoptJournal, t, nodeChoice, gain, nodeRecheck,
                threadRelist, placement);
    }

    public DaemonConfig withPlacement(Placement.Config pl) {
        return new DaemonConfig(full, excluded, pids, dryRun, adopt, adoptJournal, thresholds, nodeChoice, minGain,
                nodeRecheck, threadRelist, pl);
    }

    public DaemonConfig withPids(Set<Integer> p) {
        return new DaemonConfig(full, excluded, p, dryRun, adopt, adoptJournal, thresholds, nodeChoice, minGain, nodeRecheck, threadRelist, placement);
    }
}
