// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.wasp.daemon.counters.CounterSource;
import org.wasp.daemon.counters.EventSelection;
import org.wasp.daemon.counters.ProcessSample;
import org.wasp.daemon.os.OsException;
import org.wasp.daemon.os.PageTablePlacement;
import org.wasp.daemon.os.ProcFs;
import org.wasp.daemon.os.ReplicationControl;
import org.wasp.daemon.os.Topology;
import org.wasp.daemon.os.parse.CpuList;
import org.wasp.daemon.os.parse.MitosisStatus;
import org.wasp.daemon.os.parse.ProcStat;
import org.wasp.daemon.policy.Hysteresis;
import org.wasp.daemon.policy.NodeRecheck;
import org.wasp.daemon.policy.Placement;
import org.wasp.daemon.policy.PtlMatrix;
import org.wasp.daemon.policy.ThreadListing;
import org.wasp.daemon.policy.Verdict;
import org.wasp.daemon.probe.PtlSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sampling loop. Each {@link #tick()}: {@link Discovery} finds the processes to watch and
 * their threads, {@link Sampler} reads their counters, {@link Decider} computes MAR and miss
 * rate and lets each process's hysteresis decide, {@link Actuator} applies (and journals)
 * replication changes; in full mode the sampler reads the nodes the threads of replicated
 * processes run on, the decider chooses their replicas by the latest PTL matrix and the
 * actuator steers them. {@link #start()} settles what a daemon that did not stop cleanly left in
 * the journal; {@link #undo()} returns everything the daemon changed to how it found it. This
 * class only orchestrates them and keeps the processes' state. Not thread-safe: one thread
 * ticks; {@link #snapshot()} may be read from others.
 */
public final class Daemon {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private DaemonConfig cfg;
    private final ProcFs proc;
    private final CounterSource counters;
    private final ReplicationControl control;
    private final PtlSource ptl;
    private final int selfPid;
    private final Discovery discovery;
    private final Sampler sampler;
    private Decider decider;
    private final Actuator actuator;

    private final Map<Integer, TrackedProcess> tracked = new TreeMap<>();
    private final TickGate gate = new TickGate();
    /** How long {@link #undo()} waits for a tick in progress. */
    public static final long UNDO_WAIT_MS = 5_000;
    private long enables;
    private long disables;
    private long steers;
    private long moves;
    private volatile StatusSnapshot snapshot;

    /** A daemon without a journal (dry runs, benchmarks). */
    public Daemon(DaemonConfig cfg, ProcFs proc, CounterSource counters, ReplicationControl control, PtlSource ptl,
                  Topology topology, int selfPid) {
        this(cfg, proc, counters, control, ptl, topology, selfPid, null);
    }

    /**
     * @param ptl     latest PTL matrix; ignored in naive mode
     * @param journal where changes are recorded before they are made ({@link Journal#open}); null: nowhere
     */
    public Daemon(DaemonConfig cfg, ProcFs proc, CounterSource counters, ReplicationControl control, PtlSource ptl,
                  Topology topology, int selfPid, Journal journal) {
        this(cfg, proc, counters, control, null, ptl, topology, selfPid, journal);
    }

    /**
     * @param placement moves page tables; null: the kernel cannot, and processes are only
     *                  replicated whatever {@link DaemonConfig#placement()} says
     */
    public Daemon(DaemonConfig cfg, ProcFs proc, CounterSource counters, ReplicationControl control,
                  PageTablePlacement placement, PtlSource ptl, Topology topology, int selfPid, Journal journal) {
        this.cfg = placement == null && cfg.placement().mode() != Placement.Mode.REPLICATE
                ? cfg.withPlacement(Placement.Config.DEFAULTS) : cfg;
        this.proc = proc;
        this.counters = counters;
        this.control = control;
        this.ptl = ptl;
        this.selfPid = selfPid;
        this.discovery = new Discovery(cfg, proc, counters, selfPid);
        this.sampler = new Sampler(proc, counters, topology);
        this.decider = new Decider(this.cfg, topology);
        if (this.cfg != cfg) {
            LOG.warn("--placement {}: this kernel cannot move page tables; replicating only",
                    cfg.placement().mode().name().toLowerCase());
        }
        this.actuator = new Actuator(control, placement, proc, journal, cfg.dryRun(), gate::stopped,
                this::reportDenied);
        this.snapshot = StatusSnapshot.empty(modeName(), cfg.dryRun());
    }

    private String modeName() {
        return cfg.full() ? "full" : "naive";
    }

    /**
     * First settles the journal of a daemon that did not stop cleanly: undoes its changes, or
     * with --adopt-journal manages those processes (restoring at shutdown what the journal says
     * they were). Then learns from /proc/pgtable_repl what is replicated already. Without --adopt
     * those processes are left alone for the daemon's whole life; with it they are managed,
     * start in the "on" state, and get their original replication and steering back at shutdown.
     */
    public void start() {
        actuator.recover(cfg.adoptJournal()).forEach(this::adoptJournaled);
        Optional<MitosisStatus> st = proc.mitosisStatus();
        if (st.isEmpty()) {
            LOG.info("no /proc/mitosis_status: assuming nothing is replicated yet");
            return;
        }
        for (MitosisStatus.Entry e : st.get().processes()) {
            TrackedProcess had = tracked.get(e.pid());
            if (had != null) {
                had.pgdNode = e.pgdNode(); // Adopted from the journal.
                continue;
            }
            if (!cfg.adopt()) {
                discovery.leaveAlone(e.pid());
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
            long started = proc.stat(e.pid()).map(ProcStat::startTime).orElse(-1L);
            TrackedProcess p = newProcess(e.pid(), started, e.comm(), mask);
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

    private TrackedProcess newProcess(int pid, long startTime, String comm, long mask) {
        TrackedProcess p = new TrackedProcess(pid, startTime, comm, new Hysteresis(cfg.thresholds(), mask != 0), mask,
                new NodeRecheck(cfg.nodeRecheck()), new ThreadListing(cfg.threadRelist()));
        p.placement = new Placement(cfg.placement());
        return p;
    }

    /**
     * Manages a process whose changes a killed daemon journaled (--adopt-journal): in the state
     * it is in now, to be restored to what the journal says it was.
     */
    private void adoptJournaled(int pid, List<Journal.Entry> entries) {
        Optional<ProcStat> st = proc.stat(pid);
        long mask;
        try {
            mask = control.replication(pid);
        } catch (OsException ex) {
            if (!ex.vanished()) {
                LOG.warn("cannot adopt pid {} from the journal: {}", pid, ex.getMessage());
            }
            return; // Left in the journal: the shutdown undoes it if it can.
        }
        Journal.Entry repl = entries.stream().filter(e -> e.kind() == Journal.Entry.Kind.REPL).findFirst()
                .orElse(null);
        TrackedProcess p = new TrackedProcess(pid, st.map(ProcStat::startTime).orElse(-1L),
                st.map(ProcStat::comm).orElse("?"), new Hysteresis(cfg.thresholds(), mask != 0),
                repl != null ? repl.original() : mask, new NodeRecheck(cfg.nodeRecheck()),
                new ThreadListing(cfg.threadRelist()));
        p.mask = mask;
        p.changed = repl != null;
        p.placement = new Placement(cfg.placement());
        for (Journal.Entry e : entries) {
            if (e.kind() == Journal.Entry.Kind.HOME) {
                p.homeChanged = true;
                p.originalHome = (int) e.original();
                continue;
            }
            if (e.kind() != Journal.Entry.Kind.NODE) {
                continue;
            }
            if (e.original() != ReplicationControl.AUTO) {
                p.originalSteering.put(e.tid(), (int) e.original());
            }
            try {
                int n = control.steeredNode(e.tid());
                if (n != ReplicationControl.AUTO) {
                    p.steered.put(e.tid(), n);
                }
            } catch (OsException ignored) {
                // Thread gone: nothing to restore.
            }
        }
        tracked.put(pid, p);
        LOG.info("pid {}: adopted from the journal (mask {}, {} at shutdown; {} steered thread(s))", p.label(), mask,
                p.originalMask == 0 ? "off" : "mask " + p.originalMask, p.steered.size());
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
        discovery.beginInterval();
        sampler.beginInterval();
        for (TrackedProcess p : tracked.values()) {
            p.seen = false;
        }
        for (Map.Entry<Integer, Discovery.Candidate> e : discovery.candidates().entrySet()) {
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
        actuator.endTick();
        snapshot = buildSnapshot();
    }

    private void observe(int pid, Discovery.Candidate c) {
        String comm = c.comm();
        TrackedProcess p = tracked.get(pid);
        if (cfg.excluded().contains(comm)) {
            if (p != null) {
                LOG.info("pid {} is now {} (excluded): returning it to how it was", pid, comm);
                actuator.restore(p);
                forget(pid);
            }
            return;
        }
        if (p == null) {
            p = newProcess(pid, c.startTime(), comm, ReplicationControl.OFF);
            tracked.put(pid, p);
        }
        p.seen = true;
        p.comm = comm;
        List<Integer> tids = discovery.threads(p, c.threads());
        ProcessSample s;
        try {
            s = sampler.poll(p);
        } catch (OsException ex) {
            if (ex.denied()) {
                reportDenied(p, ex);
            }
            forget(pid);
            return;
        }
        ProcessSample prev = p.last;
        Verdict v = decider.step(p, s);
        if (v == null) {
            return;
        }
        if (cfg.placement().mode() != Placement.Mode.REPLICATE) {
            place(p, prev, s, tids, v);
            return;
        }
        if (v.action() == Verdict.Action.ENABLE) {
            BitSet running = decider.needsRunningNodes() ? sampler.runningNodes(p.pid, tids) : new BitSet();
            if (actuator.replicate(p, decider.enableMask(p, running, v))) {
                enables++;
            } else {
                p.hysteresis.reset(false);
            }
        } else if (v.action() == Verdict.Action.DISABLE) {
            decider.disabling(p, v);
            if (actuator.unreplicate(p)) {
                disables++;
            } else {
                p.hysteresis.reset(true);
            }
        }
    }

    /**
     * --placement move or auto: while {@code p} needs local page tables (its hysteresis is on),
     * its placement decides each interval whether to replicate it or to move its tables to the
     * node its threads run on (turning replication off first). When it no longer needs them its
     * replication goes off; moved tables stay where they are.
     */
    private void place(TrackedProcess p, ProcessSample prev, ProcessSample s, List<Integer> tids, Verdict v) {
        if (v.action() == Verdict.Action.DISABLE || !p.hysteresis.on()) {
            p.placement.reset();
            if (v.action() == Verdict.Action.DISABLE && p.mask != ReplicationControl.OFF) {
                decider.disabling(p, v);
                if (actuator.unreplicate(p)) {
                    disables++;
                } else {
                    p.hysteresis.reset(true);
                }
            }
            return;
        }
        Placement.Decision d = p.placement.step(sampler.cpuTimeByNode(p, prev, s),
                () -> sampler.pageTableNodes(p.pid), p.mask != ReplicationControl.OFF);
        switch (d.kind()) {
            case REPLICATE -> {
                BitSet running = decider.needsRunningNodes() ? sampler.runningNodes(p.pid, tids) : new BitSet();
                if (actuator.replicate(p, decider.enableMask(p, running, new Verdict(Verdict.Action.ENABLE,
                        d.reason())))) {
                    enables++;
                } else {
                    p.placement.reset();
                }
            }
            case MOVE -> {
                decider.moving(p, d);
                if (p.mask != ReplicationControl.OFF) {
                    if (!actuator.unreplicate(p)) {
                        p.placement.reset();
                        return;
                    }
                    disables++;
                }
                if (actuator.move(p, d.node())) {
                    moves++;
                } else {
                    p.placement.reset();
                }
            }
            case KEEP -> {
            }
        }
    }

    private void reportDenied(TrackedProcess p, OsException ex) {
        if (discovery.deny(p.pid)) {
            LOG.warn("pid {}: permission denied ({}); ignoring this process from now on", p.label(), ex.getMessage());
        }
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
     * the others are read from /proc this interval ({@link Sampler#readNodes}): a thread that
     * moves to another node is re-steered within --node-recheck intervals. A thread's choice is
     * made again only when one of its inputs changed (its node, the matrix, the replica mask,
     * the thread list) or its last steer failed; with the same inputs it would be the same.
     */
    private void steer(TrackedProcess p, PtlMatrix m) {
        boolean all = decider.redecideAll(p, m);
        List<Integer> moved = sampler.readNodes(p);
        List<Integer> decide = p.tids;
        if (!all) {
            LinkedHashSet<Integer> d = new LinkedHashSet<>(moved);
            d.addAll(p.retry);
            decide = new ArrayList<>(d);
        }
        p.retry.clear();
        steers += actuator.steer(p, decider.steering(p, decide, m));
    }

    private void forget(int pid) {
        TrackedProcess p = tracked.remove(pid);
        if (p != null) {
            p.closeStatFiles(null);
        }
        sampler.release(pid);
    }

    /**
     * Undoes what the daemon did (replication it changed, threads it steered) and closes every
     * counter, exactly once however often and from whichever thread it is called. It first
     * waits up to {@link #UNDO_WAIT_MS} for a tick in progress (the shutdown hook runs while the
     * loop may still be ticking); ticks after it do nothing. With a journal, what it still holds
     * is undone too, and it is removed (kept only with what could not be undone).
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
            actuator.restore(p);
            p.closeStatFiles(null);
        }
        discovery.close();
        sampler.close();
        actuator.close();
        LOG.info("stopped: replication and steering changes undone, counters closed");
    }

    /**
     * Takes up new thresholds, exclusions and steering gain (a SIGHUP reload) from the next tick
     * on; call it from the ticking thread, between ticks. Each process keeps its state and hold
     * streak; steering choices are made again.
     */
    public void reconfigure(DaemonConfig next) {
        cfg = next;
        decider = decider.with(next);
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
            if (!counted && p.mask == ReplicationControl.OFF && p.steered.isEmpty() && p.home < 0) {
                continue; // Nothing measured (e.g. not in a replayed trace) and nothing changed.
            }
            procs.add(new StatusSnapshot.Proc(p.pid, p.comm, p.metrics.mar(), p.metrics.missRate(), p.mask, p.changed,
                    Map.copyOf(p.steered), p.metrics.coverage(), p.lowCoverageDecision, p.metrics.threads(),
                    p.hysteresis.streak(), p.home));
        }
        PtlMatrix m = cfg.full() && ptl != null ? ptl.latest().orElse(null) : null;
        Optional<EventSelection> ev = counters.events();
        return new StatusSnapshot(System.currentTimeMillis(), selfPid, modeName(), cfg.dryRun(),
                counters.monitoredThreads(), procs, m, enables, disables, steers,
                ev.map(EventSelection::table).orElse("replay"), ev.map(EventSelection::why).orElse("recorded trace"),
                null, moves);
    }
}
