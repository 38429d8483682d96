// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.wasp.daemon.counters.ProcessSample;
import org.wasp.daemon.os.ReplicationControl;
import org.wasp.daemon.os.parse.CpuList;
import org.wasp.daemon.policy.MetricsCalculator;
import org.wasp.daemon.policy.NodeChoice;
import org.wasp.daemon.policy.Placement;
import org.wasp.daemon.policy.ProcessMetrics;
import org.wasp.daemon.policy.PtlMatrix;
import org.wasp.daemon.policy.Steering;
import org.wasp.daemon.policy.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's decisions, made by the pure policy ({@code policy/}) on what the sampler read:
 * whether a process's replication goes on or off (metrics, hysteresis), on which nodes, and to
 * which replica each thread of a replicated process is steered. Logs each decision; makes no
 * change itself (that is the {@link Actuator}'s).
 */
final class Decider {
    private static final Logger LOG = LoggerFactory.getLogger(Decider.class);

    /** A thread's steering decision: from page-table node {@code from} to {@code to}; {@code want} is what to set. */
    record Steer(int tid, int cpuNode, int from, int to, int want) {
    }

    private final DaemonConfig cfg;
    private final org.wasp.daemon.os.Topology topology;

    Decider(DaemonConfig cfg, org.wasp.daemon.os.Topology topology) {
        this.cfg = cfg;
        this.topology = topology;
    }

    /** The same decisions under new settings (a reload: the steering gain). */
    Decider with(DaemonConfig next) {
        return new Decider(next, topology);
    }

    /**
     * Takes {@code s}, the process's new sample: with a previous one, computes its metrics and
     * steps its hysteresis. Returns the verdict, or null for the first sample (the baseline).
     */
    Verdict step(TrackedProcess p, ProcessSample s) {
        Verdict v = null;
        if (p.last != null) {
            p.metrics = MetricsCalculator.compute(p.last, s);
            v = p.hysteresis.step(p.metrics);
            if (LOG.isDebugEnabled()) {
                // Guarded: the formatting would otherwise run for every process every interval.
                LOG.debug("pid {}: {} ({} threads, coverage {})", p.label(), p.metrics.describe(), p.metrics.threads(),
                        String.format("%.2f", p.metrics.coverage()));
            }
            if (v.action() != Verdict.Action.KEEP) {
                p.lowCoverageDecision = p.metrics.lowCoverage();
            }
        }
        p.last = s;
        return v;
    }

    /** Only --nodes running needs the threads' nodes (a stat read per thread). */
    boolean needsRunningNodes() {
        return cfg.nodeChoice() == NodeChoice.RUNNING;
    }

    /** The mask to replicate on, given the nodes its threads run on (empty unless {@link #needsRunningNodes}). */
    long enableMask(TrackedProcess p, BitSet running, Verdict v) {
        long mask = cfg.nodeChoice().mask(running, topology.memoryNodes());
        LOG.info("pid {}: replication off -> on (nodes {}){}: {}{}", p.label(), maskName(mask), dry(), v.reason(),
                coverageNote(p));
        return mask;
    }

    void moving(TrackedProcess p, Placement.Decision d) {
        LOG.info("pid {}: page tables -> node {}{}{}: {}{}", p.label(), d.node(),
                p.mask != ReplicationControl.OFF ? " (replication off)" : "", dry(), d.reason(), coverageNote(p));
    }

    void disabling(TrackedProcess p, Verdict v) {
        LOG.info("pid {}: replication on -> off{}: {}{}", p.label(), dry(), v.reason(), coverageNote(p));
    }

    /**
     * Whether every thread's choice must be made again: the matrix or the replica mask changed
     * since the last choices, or the thread list did (then the steering state of threads no
     * longer listed is dropped).
     */
    boolean redecideAll(TrackedProcess p, PtlMatrix m) {
        boolean all = m != p.decidedMatrix || p.mask != p.decidedMask;
        if (p.tids != p.steeringTids) {
            if (!p.tids.equals(p.steeringTids)) {
                p.retainThreads(p.tids);
                all = true;
            }
            p.steeringTids = p.tids;
        }
        return all;
    }

    /**
     * Chooses the replica of each thread in {@code tids} whose node is known, from the node it
     * runs on; returns the threads to steer (those whose choice differs from what is set).
     */
    List<Steer> steering(TrackedProcess p, List<Integer> tids, PtlMatrix m) {
        BitSet replicas = p.mask == ReplicationControl.ALL_NODES ? topology.memoryNodes() : CpuList.fromMask(p.mask);
        List<Steer> out = new ArrayList<>();
        for (int tid : tids) {
            Integer node = p.cpuNodes.get(tid);
            if (node == null || node < 0) {
                continue;
            }
            int cpuNode = node;
            int auto = defaultNode(p, cpuNode, replicas);
            int forced = p.steered.getOrDefault(tid, ReplicationControl.AUTO);
            int current = forced == ReplicationControl.AUTO ? auto : forced;
            int target = Steering.choose(m, cpuNode, replicas, current, cfg.minGain());
            int want = target == auto ? ReplicationControl.AUTO : target;
            if (want == forced) {
                continue;
            }
            LOG.info("pid {} tid {}: page tables from node {} -> {} (runs on node {}, PTL {} ns -> {} ns){}",
                    p.label(), tid, current, target, cpuNode, fmt(m.at(cpuNode, current)), fmt(m.at(cpuNode, target)),
                    dry());
            out.add(new Steer(tid, cpuNode, current, target, want));
        }
        p.decidedMatrix = m;
        p.decidedMask = p.mask;
        return out;
    }

    /** The replica a thread reads without steering: the local one, else the primary, else the first replica. */
    private static int defaultNode(TrackedProcess p, int cpuNode, BitSet replicas) {
        if (replicas.get(cpuNode)) {
            return cpuNode;
        }
        if (p.pgdNode >= 0) {
            return p.pgdNode;
        }
        int first = replicas.nextSetBit(0);
        return first >= 0 ? first : cpuNode;
    }

    /** Marks a decision taken on counters that ran for too little of the interval. */
    private static String coverageNote(TrackedProcess p) {
        return p.lowCoverageDecision ? String.format(" [LOW COUNTER COVERAGE: counters ran %.0f%% of the interval, "
                + "below %.0f%%: multiplexed estimate]", p.metrics.coverage() * 100,
                ProcessMetrics.MIN_TRUSTED_COVERAGE * 100) : "";
    }

    private String dry() {
        return cfg.dryRun() ? " [dry run]" : "";
    }

    private static String maskName(long mask) {
        return mask == ReplicationControl.ALL_NODES ? "all" : CpuList.format(CpuList.fromMask(mask));
    }

    private static String fmt(double v) {
        return String.format("%.0f", v);
    }
}
