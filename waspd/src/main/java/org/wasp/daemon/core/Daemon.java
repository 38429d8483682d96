// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.wasp.daemon.counters.CounterSource;
import org.wasp.daemon.counters.EventSelection;
import org.wasp.daemon.counters.ProcessSample;
import org.wasp.daemon.counters.ThreadSample;
import org.wasp.daemon.jna.Errno;
import org.wasp.daemon.os.OsException;
import org.wasp.daemon.os.ProcFs;
import org.wasp.daemon.os.ReplicationControl;
import org.wasp.daemon.os.TaskStatFile;
import org.wasp.daemon.os.Topology;
import org.wasp.daemon.os.parse.CpuList;
import org.wasp.daemon.os.parse.MitosisStatus;
import org.wasp.daemon.os.parse.ProcStat;
import org.wasp.daemon.policy.Hysteresis;
import org.wasp.daemon.policy.MetricsCalculator;
import org.wasp.daemon.policy.NodeChoice;
import org.wasp.daemon.policy.NodeRecheck;
import org.wasp.daemon.policy.ProcessMetrics;
import org.wasp.daemon.policy.PtlMatrix;
import org.wasp.daemon.policy.Steering;
import org.wasp.daemon.policy.ThreadListing;
import org.wasp.daemon.policy.Verdict;
import org.wasp.daemon.probe.PtlSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sampling loop. Each {@link #tick()}: find the processes to watch in /proc, read their
 * threads' counters, compute MAR and miss rate, let each process's hysteresis decide, apply
 * replication changes, and in full mode steer the threads of replicated processes by the
 * latest PTL matrix. {@link #undo()} returns everything the daemon changed to how it found it.
 * Not thread-safe: one thread ticks; {@link #snapshot()} may be read from others.
 */
public final class Daemon {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private DaemonConfig cfg;
    private final ProcFs proc;
    private final CounterSource counters;
    private final ReplicationControl control;
    private final PtlSource ptl;
    private final Topology topology;
    private final int selfPid;

    private final Map<Integer, TrackedProcess> tracked = new TreeMap<>();
    /** Replicated before the daemon started and not adopted: never touched. */
    private final Set<Integer> leftAlone = new HashSet<>();
    /** Processes the daemon may not count or change (EPERM/EACCES), reported once. */
    private final Set<Integer> denied = new HashSet<>();
    /**
     * Kernel threads seen in /proc, not read again while their pid stays listed (they are
     * most of /proc on a big server, and reading every stat each interval is the scan's main
     * cost). A pid that leaves the listing, or that the kernel may have allocated again since
     * the last listing, is forgotten, so a later reuse is read afresh.
     */
    private final Set<Integer> kernelThreads = new HashSet<>();
    /**
     * The last listing of /proc and the kernel's last allocated pid before it: /proc is listed
     * again when a pid has been allocated since (a process that ends leaves a pid whose stat
     * cannot be read, skipped until the next listing; its pid cannot be reused unallocated), and
     * every {@link #PROC_RELIST} intervals in any case, in case the last allocated pid is wrong
     * (a /proc/loadavg that a container overlays).
     */
    private List<Integer> listedPids;
    private long listedAtPid = -1;
    private int sinceListed;
    static final int PROC_RELIST = 10;
    /** The kernel's last allocated pid at the start of this interval ({@link ProcFs#lastPid}). */
    private long lastPid = -1;
    /** The stat files of the user processes read last interval, kept open ({@link #processStat}). */
    private final Map<Integer, TaskStatFile> procStats = new HashMap<>();
    private boolean kernelRefusalReported;
    private final TickGate gate = new TickGate();
    /** How long {@link #undo()} waits for a tick in progress. */
    public static final long UNDO_WAIT_MS = 5_000;
    private long enables;
    private long disables;
    private long steers;
    private volatile StatusSnapshot snapshot;

    /**
     * @param ptl latest PTL matrix; ignored in naive mode
     */
    public Daemon(DaemonConfig cfg, ProcFs proc, CounterSource counters, ReplicationControl control, PtlSource ptl,
                  Topology topology, int selfPid) {
        this.cfg = cfg;
        this.proc = proc;
        this.counters = counters;
        this.control = control;
        this.ptl = ptl;
        this.topology = topology;
        this.selfPid = selfPid;
        this.snapshot = StatusSnapshot.empty(modeName(), cfg.dryRun());
    }

    private String modeName() {
        return cfg.full() ? "full" : "naive";
    }

    /**
     * Learns from /proc/mitosis_status what is replicated already. Without --adopt those
     * processes are left alone for the daemon's whole life; with it they are managed, start in
     * the "on" state, and get their original replication and steering back at shutdown.
     */
    public void start() {
        Optional<MitosisStatus> st = proc.mitosisStatus();
        if (st.isEmpty()) {
            LOG.info("no /proc/mitosis_status: assuming nothing is replicated yet");
            return;
        }
        for (MitosisStatus.Entry e : st.get().processes()) {
            if (!cfg.adopt()) {
                leftAlone.add(e.pid());
                LOG.info("pid {} ({}) already replicated on nodes {}: leaving it alone (use --adopt to manage it)",
                        e.pid(), e.comm(), CpuList.format(e.nodes()));
                continue;
            }
            long mask;
            try {
                mask = control.replication(e.pid());
            } catch (OsException ex) {
                if (!ex.vanished()) {
                    LOG.warn("cannot adopt pid {} ({}): {}", e.pid(), e.comm(), ex.getMessage());
                }
                continue;
            }
            TrackedProcess p = new TrackedProcess(e.pid(), e.comm(), new Hysteresis(cfg.thresholds(), mask != 0), mask,
                    new NodeRecheck(cfg.nodeRecheck()), new ThreadListing(cfg.threadRelist()));
            p.pgdNode = e.pgdNode();
            if (e.forcedThreads() > 0) {
                for (int tid : proc.tasks(e.pid())) {
                    try {
                        int n = control.steeredNode(tid);
                        if (n != ReplicationControl.AUTO) {
                            p.originalSteering.put(tid, n);
                            p.steered.put(tid, n);
                        }
                    } catch (OsException ignored) {
                        // Thread gone: nothing to restore.
                    }
                }
            }
            tracked.put(e.pid(), p);
            LOG.info("pid {} ({}) already replicated (mask {}): adopted", e.pid(), e.comm(), mask);
        }
    }

    /**
     * One sampling interval; does nothing once {@link #undo} has begun (which waits for a tick in
     * progress, see {@link TickGate}).
     */
    public void tick() {
        gate.tick(this::sample);
    }

    private void sample() {
        // Before any listing: a process or thread created after this read shows next interval.
        lastPid = proc.lastPid();
        counters.beginInterval();
        for (TrackedProcess p : tracked.values()) {
            p.seen = false;
        }
        for (Map.Entry<Integer, Candidate> e : candidates().entrySet()) {
            observe(e.getKey(), e.getValue());
        }
        List<Integer> gone = new ArrayList<>();
        for (TrackedProcess p : tracked.values()) {
            if (!p.seen) {
                gone.add(p.pid);
            }
        }
        for (int pid : gone) {
            forget(pid);
        }
        if (cfg.full()) {
            steerAll();
        }
        snapshot = buildSnapshot();
    }

    /** A process to watch: its comm and thread count (-1 when it has no /proc entry). */
    private record Candidate(String comm, int threads) {
    }

    /** Processes to watch now. */
    private Map<Integer, Candidate> candidates() {
        Map<Integer, Candidate> out = new LinkedHashMap<>();
        java.util.Collection<Integer> pids = cfg.pids().isEmpty() ? processIds() : new java.util.TreeSet<>(cfg.pids());
        Set<Integer> read = new HashSet<>();
        for (int pid : pids) {
            if (pid == selfPid || leftAlone.contains(pid) || denied.contains(pid) || kernelThreads.contains(pid)) {
                continue;
            }
            Optional<ProcStat> st = processStat(pid);
            if (st.isEmpty()) {
                continue;
            }
            if (st.get().kernelThread()) {
                if (cfg.pids().isEmpty()) {
                    kernelThreads.add(pid);
                }
                continue;
            }
            read.add(pid);
            out.put(pid, new Candidate(st.get().comm(), st.get().numThreads()));
        }
        // Gone, filtered out or a kernel thread: its stat file is not needed any more.
        procStats.entrySet().removeIf(e -> {
            if (read.contains(e.getKey())) {
                return false;
            }
            e.getValue().close();
            return true;
        });
        if (cfg.dryRun()) {
            // Offline policy trials: traced processes that do not exist here are evaluated too.
            counters.tracedProcesses().forEach((pid, comm) -> {
                boolean filteredOrLive = pid == selfPid || leftAlone.contains(pid) || denied.contains(pid)
                        || out.containsKey(pid) || out.values().stream().anyMatch(c -> c.comm().equals(comm))
                        || proc.stat(pid).isPresent();
                if (!filteredOrLive && (cfg.pids().isEmpty() || cfg.pids().contains(pid))) {
                    out.put(pid, new Candidate(comm, -1));
                }
            });
        }
        return out;
    }

    /** /proc's processes, listed again when a pid has been allocated since the last listing. */
    private List<Integer> processIds() {
        if (lastPid < 0 || lastPid != listedAtPid || listedPids == null || ++sinceListed >= PROC_RELIST) {
            listedPids = proc.pids();
            Set<Integer> now = new HashSet<>(listedPids);
            // A kernel thread's pid may have been freed and allocated again to a user process since.
            kernelThreads.removeIf(pid -> !now.contains(pid) || allocatedSince(pid, listedAtPid, lastPid));
            listedAtPid = lastPid;
            sinceListed = 0;
        }
        return listedPids;
    }

    /**
     * Whether {@code pid} can have been allocated after {@code from} was, up to {@code to}: the
     * kernel hands out pids in increasing order, going round to the lowest free one after its
     * maximum. False when either is unknown (-1).
     */
    static boolean allocatedSince(int pid, long from, long to) {
        if (from < 0 || to < 0) {
            return false;
        }
        return from <= to ? pid > from && pid <= to : pid > from || pid <= to;
    }

    /**
     * A process's stat (its leader's, {@link ProcFs#stat}), through a file kept open from one
     * interval to the next and read with pread: every user process is read every interval, and
     * the open and close were most of the cost. A file opened on a process stays bound to it: a
     * later read fails once it has exited, even if its pid is reused. Without a descriptor to
     * keep, the file is opened, read and closed as before.
     */
    private Optional<ProcStat> processStat(int pid) {
        TaskStatFile f = procStats.get(pid);
        if (f == null) {
            f = proc.openTaskStat(pid, pid).orElse(null);
            if (f == null) {
                return proc.stat(pid);
            }
            procStats.put(pid, f);
        }
        Optional<ProcStat> st = f.stat();
        if (st.isEmpty()) {
            f.close();
            procStats.remove(pid);
        }
        return st;
    }

    private void observe(int pid, Candidate c) {
        String comm = c.comm();
        TrackedProcess p = tracked.get(pid);
        if (cfg.excluded().contains(comm)) {
            if (p != null) {
                LOG.info("pid {} is now {} (excluded): returning it to how it was", pid, comm);
                restore(p);
                forget(pid);
            }
            return;
        }
        if (p == null) {
            p = new TrackedProcess(pid, comm, new Hysteresis(cfg.thresholds(), false), 0,
                    new NodeRecheck(cfg.nodeRecheck()), new ThreadListing(cfg.threadRelist()));
            tracked.put(pid, p);
        }
        p.seen = true;
        p.comm = comm;
        if (p.listing.relist(c.threads(), lastPid)) {
            p.tids = proc.tasks(pid);
        }
        List<Integer> tids = p.tids;
        ProcessSample s;
        try {
            s = counters.poll(pid, comm, tids);
        } catch (OsException ex) {
            if (ex.denied()) {
                reportDenied(p, ex);
            }
            forget(pid);
            return;
        }
        if (p.last != null) {
            p.metrics = MetricsCalculator.compute(p.last, s);
            Verdict v = p.hysteresis.step(p.metrics);
            if (LOG.isDebugEnabled()) {
                // Guarded: the formatting would otherwise run for every process every interval.
                LOG.debug("pid {}: {} ({} threads, coverage {})", p.label(), p.metrics.describe(), p.metrics.threads(),
                        String.format("%.2f", p.metrics.coverage()));
            }
            if (v.action() != Verdict.Action.KEEP) {
                p.lowCoverageDecision = p.metrics.lowCoverage();
            }
            if (v.action() == Verdict.Action.ENABLE) {
                enable(p, tids, v);
            } else if (v.action() == Verdict.Action.DISABLE) {
                disable(p, v);
            }
        }
        p.last = s;
    }

    private void enable(TrackedProcess p, List<Integer> tids, Verdict v) {
        // Only --nodes running needs the threads' nodes (a stat read per thread).
        BitSet running = cfg.nodeChoice() == NodeChoice.RUNNING ? runningNodes(p.pid, tids) : new BitSet();
        long mask = cfg.nodeChoice().mask(running, topology.memoryNodes());
        LOG.info("pid {}: replication off -> on (nodes {}){}: {}{}", p.label(), maskName(mask), dry(), v.reason(),
                coverageNote(p));
        if (cfg.dryRun()) {
            p.mask = mask;
            enables++;
            return;
        }
        if (apply(p, mask)) {
            p.mask = mask;
            p.changed = true;
            enables++;
        } else {
            p.hysteresis.reset(false);
        }
    }

    private void disable(TrackedProcess p, Verdict v) {
        LOG.info("pid {}: replication on -> off{}: {}{}", p.label(), dry(), v.reason(), coverageNote(p));
        if (!cfg.dryRun()) {
            unsteer(p, false);
            if (!apply(p, ReplicationControl.OFF)) {
                p.hysteresis.reset(true);
                return;
            }
            p.changed = true;
        } else {
            p.steered.clear();
        }
        p.mask = ReplicationControl.OFF;
        disables++;
    }

    /** prctl with the error policy; true when it took effect. */
    private boolean apply(TrackedProcess p, long mask) {
        if (gate.stopped()) {
            return false; // Undone (or being undone) while this tick ran: change nothing more.
        }
        try {
            control.setReplication(p.pid, mask);
            return true;
        } catch (OsException ex) {
            if (ex.vanished()) {
                return false;
            }
            if (ex.denied()) {
                reportDenied(p, ex);
            } else if (ex.errno() == Errno.EINVAL) {
                if (!kernelRefusalReported) {
                    kernelRefusalReported = true;
                    LOG.error("kernel refused replication for pid {} (EINVAL): {}", p.label(), ex.getMessage());
                }
            } else {
                LOG.warn("pid {}: {}", p.label(), ex.getMessage());
            }
            return false;
        }
    }

    private void reportDenied(TrackedProcess p, OsException ex) {
        if (denied.add(p.pid)) {
            LOG.warn("pid {}: permission denied ({}); ignoring this process from now on", p.label(), ex.getMessage());
        }
    }

    /** Nodes of the CPUs the threads last ran on. */
    private BitSet runningNodes(int pid, List<Integer> tids) {
        BitSet nodes = new BitSet();
        for (int tid : tids) {
            proc.taskStat(pid, tid).ifPresent(st -> {
                int n = topology.nodeOfCpu(st.processor());
                if (n >= 0) {
                    nodes.set(n);
                }
            });
        }
        return nodes;
    }

    private void steerAll() {
        Optional<PtlMatrix> m = ptl == null ? Optional.empty() : ptl.latest();
        if (m.isEmpty()) {
            return;
        }
        for (TrackedProcess p : tracked.values()) {
            if (p.mask != ReplicationControl.OFF) {
                steer(p, m.get());
            } else if (!p.cpuNodes.isEmpty() || p.decidedMatrix != null) {
                // Nodes read while it was replicated are stale when it is again.
                p.cpuNodes.clear();
                p.nodeReadAt.clear();
                p.closeStatFiles(null);
                p.recheck.reset();
                p.forgetDecisions();
            }
        }
    }

    /**
     * Steers every thread by the node it last ran on. Only new threads and a rotating slice of
     * the others are read from /proc this interval ({@link NodeRecheck}): a thread that moves
     * to another node is re-steered within --node-recheck intervals. With live counters a
     * thread of the slice that has not been on a CPU since its node was read is not read
     * again: it cannot have run anywhere else. A thread's choice is made again only when one of
     * its inputs changed (its node, the matrix, the replica mask, the thread list) or its last
     * steer failed; with the same inputs it would be the same.
     */
    private void steer(TrackedProcess p, PtlMatrix m) {
        BitSet replicas = p.mask == ReplicationControl.ALL_NODES ? topology.memoryNodes() : CpuList.fromMask(p.mask);
        boolean all = m != p.decidedMatrix || p.mask != p.decidedMask;
        if (p.tids != p.steeringTids) {
            if (!p.tids.equals(p.steeringTids)) {
                Set<Integer> live = new HashSet<>(p.tids);
                p.cpuNodes.keySet().retainAll(live);
                p.nodeReadAt.keySet().retainAll(live);
                p.steered.keySet().retainAll(live);
                p.retry.retainAll(live);
                p.closeStatFiles(live);
                all = true;
            }
            p.steeringTids = p.tids;
        }
        ProcessSample now = counters.liveThreadTimes() ? p.last : null;
        List<Integer> decide = all ? p.tids : new ArrayList<>();
        for (int tid : p.recheck.pick(p.tids, p.cpuNodes.keySet(), tid -> notRunSinceRead(p, now, tid))) {
            ThreadSample t = now == null ? null : now.thread(tid);
            int cpu = taskCpu(p, tid);
            if (cpu == TaskStatFile.GONE) {
                // Gone: nothing to steer or undo.
                p.cpuNodes.remove(tid);
                p.nodeReadAt.remove(tid);
                p.steered.remove(tid);
                continue;
            }
            int node = topology.nodeOfCpu(cpu);
            Integer before = p.cpuNodes.put(tid, node);
            if (t != null) {
                p.nodeReadAt.put(tid, t.onCpuNs());
            } else {
                p.nodeReadAt.remove(tid);
            }
            if (!all && (before == null || before != node)) {
                decide.add(tid);
            }
        }
        if (!all && !p.retry.isEmpty()) {
            decide.addAll(p.retry);
        }
        p.retry.clear();
        for (int tid : decide) {
            Integer node = p.cpuNodes.get(tid);
            if (node == null || node < 0) {
                continue;
            }
            decide(p, tid, node, m, replicas);
        }
        p.decidedMatrix = m;
        p.decidedMask = p.mask;
    }

    /**
     * The CPU thread {@code tid} last ran on, through its kept stat file (opened at its first
     * read), or {@link TaskStatFile#GONE}. When no file can be kept (no descriptor left), the
     * stat file is opened, read and closed as before.
     */
    private int taskCpu(TrackedProcess p, int tid) {
        TaskStatFile f = p.statFiles.get(tid);
        if (f == null) {
            f = proc.openTaskStat(p.pid, tid).orElse(null);
            if (f == null) {
                return proc.taskStat(p.pid, tid).map(ProcStat::processor).orElse(TaskStatFile.GONE);
            }
            p.statFiles.put(tid, f);
        }
        int cpu = f.processor();
        if (cpu == TaskStatFile.GONE) {
            f.close();
            p.statFiles.remove(tid);
        }
        return cpu;
    }

    /** True when live counters show that {@code tid} has not been on a CPU since its node was read. */
    private static boolean notRunSinceRead(TrackedProcess p, ProcessSample now, int tid) {
        if (now == null) {
            return false;
        }
        ThreadSample t = now.thread(tid);
        Long readAt = p.nodeReadAt.get(tid);
        return t != null && readAt != null && readAt == t.onCpuNs();
    }

    /** Chooses thread {@code tid}'s replica from {@code cpuNode} and steers it there if that changes anything. */
    private void decide(TrackedProcess p, int tid, int cpuNode, PtlMatrix m, BitSet replicas) {
        int auto = defaultNode(p, cpuNode, replicas);
        int forced = p.steered.getOrDefault(tid, ReplicationControl.AUTO);
        int current = forced == ReplicationControl.AUTO ? auto : forced;
        int target = Steering.choose(m, cpuNode, replicas, current, cfg.minGain());
        int want = target == auto ? ReplicationControl.AUTO : target;
        if (want == forced) {
            return;
        }
        LOG.info("pid {} tid {}: page tables from node {} -> {} (runs on node {}, PTL {} ns -> {} ns){}",
                p.label(), tid, current, target, cpuNode, fmt(m.at(cpuNode, current)), fmt(m.at(cpuNode, target)),
                dry());
        if (gate.stopped()) {
            return;
        }
        if (!cfg.dryRun()) {
            try {
                control.steer(tid, want);
            } catch (OsException ex) {
                if (ex.denied()) {
                    reportDenied(p, ex);
                } else if (!ex.vanished()) {
                    LOG.warn("pid {} tid {}: {}", p.label(), tid, ex.getMessage());
                    p.retry.add(tid);
                }
                return;
            }
        }
        if (want == ReplicationControl.AUTO) {
            p.steered.remove(tid);
        } else {
            p.steered.put(tid, want);
        }
        steers++;
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

    /**
     * Puts back forced nodes: with {@code toOriginal} to those found at adoption (auto for the
     * rest), else every thread the daemon forced to auto.
     */
    private void unsteer(TrackedProcess p, boolean toOriginal) {
        Set<Integer> tids = new java.util.TreeSet<>(p.steered.keySet());
        if (toOriginal) {
            tids.addAll(p.originalSteering.keySet());
        }
        for (int tid : tids) {
            int now = p.steered.getOrDefault(tid, ReplicationControl.AUTO);
            int back = toOriginal ? p.originalSteering.getOrDefault(tid, ReplicationControl.AUTO)
                    : ReplicationControl.AUTO;
            if (back == now) {
                continue;
            }
            try {
                control.steer(tid, back);
            } catch (OsException ex) {
                if (!ex.vanished()) {
                    LOG.warn("pid {} tid {}: could not return thread to node {}: {}", p.label(), tid, back,
                            ex.getMessage());
                }
            }
        }
        p.steered.clear();
    }

    /** Restores one process to the state found at start: replication mask, then forced nodes. */
    private void restore(TrackedProcess p) {
        if (cfg.dryRun()) {
            return;
        }
        boolean maskChanged = p.changed && p.mask != p.originalMask;
        if (p.originalMask == ReplicationControl.OFF || !maskChanged) {
            unsteer(p, true);
        }
        if (maskChanged) {
            try {
                control.setReplication(p.pid, p.originalMask);
                LOG.info("pid {}: replication restored to {}", p.label(),
                        p.originalMask == 0 ? "off" : "mask " + p.originalMask);
            } catch (OsException ex) {
                if (!ex.vanished()) {
                    LOG.warn("pid {}: could not restore replication: {}", p.label(), ex.getMessage());
                }
            }
            if (p.originalMask != ReplicationControl.OFF) {
                unsteer(p, true);
            }
        }
    }

    private void forget(int pid) {
        TrackedProcess p = tracked.remove(pid);
        if (p != null) {
            p.closeStatFiles(null);
        }
        counters.release(pid);
    }

    /**
     * Undoes what the daemon did (replication it changed, threads it steered) and closes every
     * counter, exactly once however often and from whichever thread it is called. It first
     * waits up to {@link #UNDO_WAIT_MS} for a tick in progress (the shutdown hook runs while the
     * loop may still be ticking); ticks after it do nothing.
     */
    public void undo() {
        undo(UNDO_WAIT_MS);
    }

    /** {@link #undo()} waiting at most {@code waitMs} for the tick in progress. */
    public void undo(long waitMs) {
        if (!gate.stop(waitMs, this::restoreAll)) {
            LOG.warn("a sampling interval still running after {} ms: undoing anyway; it changes nothing more", waitMs);
        }
    }

    private void restoreAll() {
        for (TrackedProcess p : new ArrayList<>(tracked.values())) {
            restore(p);
            p.closeStatFiles(null);
        }
        procStats.values().forEach(TaskStatFile::close);
        procStats.clear();
        counters.close();
        LOG.info("stopped: replication and steering changes undone, counters closed");
    }

    /**
     * Takes up new thresholds, exclusions and steering gain (a SIGHUP reload) from the next tick
     * on; call it from the ticking thread, between ticks. Each process keeps its state and hold
     * streak; steering choices are made again.
     */
    public void reconfigure(DaemonConfig next) {
        cfg = next;
        for (TrackedProcess p : tracked.values()) {
            p.hysteresis.retune(next.thresholds());
            p.forgetDecisions();
        }
    }

    public StatusSnapshot snapshot() {
        return snapshot;
    }

    public boolean sourceExhausted() {
        return counters.exhausted();
    }

    private StatusSnapshot buildSnapshot() {
        List<StatusSnapshot.Proc> procs = new ArrayList<>();
        for (TrackedProcess p : tracked.values()) {
            boolean counted = p.last != null && !p.last.threads().isEmpty();
            if (!counted && p.mask == ReplicationControl.OFF && p.steered.isEmpty()) {
                continue; // Nothing measured (e.g. not in a replayed trace) and nothing changed.
            }
            procs.add(new StatusSnapshot.Proc(p.pid, p.comm, p.metrics.mar(), p.metrics.missRate(), p.mask, p.changed,
                    Map.copyOf(p.steered), p.metrics.coverage(), p.lowCoverageDecision, p.metrics.threads(),
                    p.hysteresis.streak()));
        }
        PtlMatrix m = cfg.full() && ptl != null ? ptl.latest().orElse(null) : null;
        Optional<EventSelection> ev = counters.events();
        return new StatusSnapshot(System.currentTimeMillis(), selfPid, modeName(), cfg.dryRun(),
                counters.monitoredThreads(), procs, m, enables, disables, steers,
                ev.map(EventSelection::table).orElse("replay"), ev.map(EventSelection::why).orElse("recorded trace"));
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
