// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;
import org.wasp.daemon.jna.Errno;
import org.wasp.daemon.os.IoErrors;
import org.wasp.daemon.os.OsException;
import org.wasp.daemon.os.PageTablePlacement;
import org.wasp.daemon.os.ProcFs;
import org.wasp.daemon.os.ReplicationControl;
import org.wasp.daemon.os.parse.ProcStat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the daemon's changes: a process's replication mask and a thread's page-table node
 * (prctl, through {@link ReplicationControl}), and a process's page-table home node, to which
 * its tables are moved ({@link PageTablePlacement}), with the error policy (gone: skipped; denied:
 * reported once and the process ignored; EINVAL: reported once), and puts them back. Every
 * change away from how the daemon found a process or thread is first recorded in the
 * {@link Journal} and forced to disk, so that the next start can undo (or adopt) what a daemon
 * that was killed left behind ({@link #recover}). Without a journal (dry run, benchmarks) the
 * changes are made alone. In a dry run nothing is changed: only the daemon's own record of the
 * state is.
 *
 * <p>Ticks call it from one thread; the undo may call it from another while a stuck tick has
 * not returned: the journal is only touched under a lock, and no prctl is made under it.
 */
final class Actuator {
    private static final Logger LOG = LoggerFactory.getLogger(Actuator.class);

    private final ReplicationControl control;
    /** Null: the kernel cannot move page tables. */
    private final PageTablePlacement placement;
    private final ProcFs proc;
    private final Journal journal;
    private final boolean dryRun;
    private final BooleanSupplier stopped;
    private final BiConsumer<TrackedProcess, OsException> denied;
    private final Object journalLock = new Object();
    private boolean kernelRefusalReported;
    private boolean journalFailing;

    /**
     * @param journal null: no journal
     * @param stopped true once the undo has begun: a tick still running changes nothing more
     * @param denied  told of a permission error on a process (it is then ignored)
     */
    Actuator(ReplicationControl control, PageTablePlacement placement, ProcFs proc, Journal journal, boolean dryRun,
             BooleanSupplier stopped, BiConsumer<TrackedProcess, OsException> denied) {
        this.control = control;
        this.placement = placement;
        this.proc = proc;
        this.journal = dryRun ? null : journal;
        this.dryRun = dryRun;
        this.stopped = stopped;
        this.denied = denied;
    }

    /** Turns replication of {@code p} on with {@code mask}; true when it took effect. */
    boolean replicate(TrackedProcess p, long mask) {
        if (dryRun) {
            p.mask = mask;
            return true;
        }
        if (!apply(p, mask)) {
            return false;
        }
        p.mask = mask;
        p.changed = true;
        return true;
    }

    /** Turns replication of {@code p} off, its steered threads back to auto first; true when it took effect. */
    boolean unreplicate(TrackedProcess p) {
        if (dryRun) {
            p.steered.clear();
            p.mask = ReplicationControl.OFF;
            return true;
        }
        unsteer(p, false);
        if (!apply(p, ReplicationControl.OFF)) {
            return false;
        }
        p.changed = true;
        p.mask = ReplicationControl.OFF;
        return true;
    }

    /**
     * Moves the page tables of {@code p} to {@code node}, which becomes its home node (turn its
     * replication off first); true when it took effect. The home node it had is journaled first
     * and put back by {@link #restore}; the tables stay where they were moved.
     */
    boolean move(TrackedProcess p, int node) {
        if (dryRun) {
            p.home = node;
            return true;
        }
        if (placement == null || stopped.getAsBoolean()) {
            return false;
        }
        if (!p.homeChanged) {
            try {
                p.originalHome = placement.home(p.pid);
            } catch (OsException ex) {
                return refused(p, ex);
            }
        }
        int opened = journalOriginal(p, Journal.Entry.Kind.HOME,
                start -> Journal.Entry.home(p.pid, start, p.originalHome));
        if (opened < 0) {
            return false;
        }
        try {
            placement.move(p.pid, node);
        } catch (OsException ex) {
            if (opened > 0 && !p.homeChanged) {
                settled(Journal.Entry.Kind.HOME, p.pid); // Nothing was changed.
            }
            return refused(p, ex);
        }
        p.home = node;
        p.homeChanged = true;
        return true;
    }

    /** A move the kernel refused: why, once for EINVAL; false. */
    private boolean refused(TrackedProcess p, OsException ex) {
        if (ex.vanished()) {
            return false;
        }
        if (ex.denied()) {
            denied.accept(p, ex);
        } else {
            LOG.warn("pid {}: page tables not moved: {}", p.label(), ex.getMessage());
        }
        return false;
    }

    /**
     * Before a change of {@code p}: journals its original setting of {@code kind} (the entry
     * {@code entry} makes from its start time) unless it is on record for this process. Returns
     * 1 when this opened the entry, 0 when it was open (or there is no journal), -1 when the
     * change must not be made (the process is gone, or the journal cannot be written).
     */
    private int journalOriginal(TrackedProcess p, Journal.Entry.Kind kind, LongFunction<Journal.Entry> entry) {
        if (journal == null) {
            return 0;
        }
        long start = startTime(p);
        if (start < 0) {
            return -1; // Gone.
        }
        Journal.Entry had = entry(kind, p.pid);
        if (had != null && had.startTime() == start) {
            return 0;
        }
        return record(List.of(entry.apply(start)), p.label()) ? 1 : -1;
    }

    /** prctl with the journal and the error policy; true when it took effect. */
    private boolean apply(TrackedProcess p, long mask) {
        if (stopped.getAsBoolean()) {
            return false; // Undone (or being undone) while this tick ran: change nothing more.
        }
        int opened = mask == p.originalMask ? 0 : journalOriginal(p, Journal.Entry.Kind.REPL,
                start -> Journal.Entry.repl(p.pid, start, p.originalMask));
        if (opened < 0) {
            return false;
        }
        try {
            control.setReplication(p.pid, mask);
        } catch (OsException ex) {
            if (opened > 0) {
                settled(Journal.Entry.Kind.REPL, p.pid); // Nothing was changed.
            }
            if (ex.vanished()) {
                return false;
            }
            if (ex.denied()) {
                denied.accept(p, ex);
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
        if (mask == p.originalMask) {
            settled(Journal.Entry.Kind.REPL, p.pid);
        }
        return true;
    }

    /**
     * Steers threads of {@code p} as decided; returns how many steers took effect. A steer that
     * failed (not because the thread is gone or the process denied) is added to {@link
     * TrackedProcess#retry}. The journal entries of the batch are written with one sync.
     */
    int steer(TrackedProcess p, List<Decider.Steer> steers) {
        if (steers.isEmpty()) {
            return 0;
        }
        Set<Integer> gone = new HashSet<>();
        Set<Integer> opened = new HashSet<>();
        if (journal != null && !stopped.getAsBoolean()) {
            List<Journal.Entry> entries = new ArrayList<>();
            for (Decider.Steer s : steers) {
                int orig = original(p, s.tid());
                if (s.want() == orig) {
                    continue;
                }
                Optional<ProcStat> st = proc.taskStat(p.pid, s.tid());
                if (st.isEmpty()) {
                    gone.add(s.tid());
                    continue;
                }
                Journal.Entry had = entry(Journal.Entry.Kind.NODE, s.tid());
                if (had == null || had.startTime() != st.get().startTime()) {
                    entries.add(Journal.Entry.node(p.pid, s.tid(), st.get().startTime(), orig));
                    opened.add(s.tid());
                }
            }
            if (!entries.isEmpty() && !record(entries, p.label())) {
                for (Decider.Steer s : steers) {
                    p.retry.add(s.tid());
                }
                return 0;
            }
        }
        int done = 0;
        for (Decider.Steer s : steers) {
            int tid = s.tid();
            if (gone.contains(tid)) {
                continue; // As ESRCH: nothing to steer.
            }
            if (stopped.getAsBoolean()) {
                break;
            }
            if (!dryRun) {
                try {
                    control.steer(tid, s.want());
                } catch (OsException ex) {
                    if (opened.contains(tid)) {
                        settled(Journal.Entry.Kind.NODE, tid);
                    }
                    if (ex.denied()) {
                        denied.accept(p, ex);
                    } else if (!ex.vanished()) {
                        LOG.warn("pid {} tid {}: {}", p.label(), tid, ex.getMessage());
                        p.retry.add(tid);
                    }
                    continue;
                }
                if (s.want() == original(p, tid)) {
                    settled(Journal.Entry.Kind.NODE, tid);
                }
            }
            if (s.want() == ReplicationControl.AUTO) {
                p.steered.remove(tid);
            } else {
                p.steered.put(tid, s.want());
            }
            done++;
        }
        return done;
    }

    private static int original(TrackedProcess p, int tid) {
        return p.originalSteering.getOrDefault(tid, ReplicationControl.AUTO);
    }

    /**
     * Puts back forced nodes: with {@code toOriginal} to those found at adoption (auto for the
     * rest), else every thread the daemon forced to auto.
     */
    private void unsteer(TrackedProcess p, boolean toOriginal) {
        Set<Integer> tids = new TreeSet<>(p.steered.keySet());
        if (toOriginal) {
            tids.addAll(p.originalSteering.keySet());
        }
        for (int tid : tids) {
            int now = p.steered.getOrDefault(tid, ReplicationControl.AUTO);
            int back = toOriginal ? original(p, tid) : ReplicationControl.AUTO;
            if (back == now) {
                continue;
            }
            try {
                control.steer(tid, back);
                if (back == original(p, tid)) {
                    settled(Journal.Entry.Kind.NODE, tid);
                }
            } catch (OsException ex) {
                if (ex.vanished()) {
                    settled(Journal.Entry.Kind.NODE, tid); // Gone: nothing to put back.
                } else {
                    LOG.warn("pid {} tid {}: could not return thread to node {}: {}", p.label(), tid, back,
                            ex.getMessage());
                }
            }
        }
        p.steered.clear();
    }

    /** Restores one process to the state found at start: replication mask, then forced nodes. */
    void restore(TrackedProcess p) {
        if (dryRun) {
            return;
        }
        boolean maskChanged = p.changed && p.mask != p.originalMask;
        if (p.originalMask == ReplicationControl.OFF || !maskChanged) {
            unsteer(p, true);
        }
        if (maskChanged) {
            try {
                control.setReplication(p.pid, p.originalMask);
                settled(Journal.Entry.Kind.REPL, p.pid);
                LOG.info("pid {}: replication restored to {}", p.label(),
                        p.originalMask == 0 ? "off" : "mask " + p.originalMask);
            } catch (OsException ex) {
                if (ex.vanished()) {
                    settled(Journal.Entry.Kind.REPL, p.pid);
                } else {
                    LOG.warn("pid {}: could not restore replication: {}", p.label(), ex.getMessage());
                }
            }
            if (p.originalMask != ReplicationControl.OFF) {
                unsteer(p, true);
            }
        }
        restoreHome(p);
    }

    /** Puts back the home node of {@code p}'s page tables (they stay where they were moved). */
    private void restoreHome(TrackedProcess p) {
        if (!p.homeChanged || placement == null) {
            return;
        }
        try {
            placement.setHome(p.pid, p.originalHome);
            settled(Journal.Entry.Kind.HOME, p.pid);
            p.homeChanged = false;
            LOG.info("pid {}: page-table home node restored to {}", p.label(),
                    p.originalHome == PageTablePlacement.NONE ? "none" : Integer.toString(p.originalHome));
        } catch (OsException ex) {
            if (ex.vanished()) {
                settled(Journal.Entry.Kind.HOME, p.pid);
            } else {
                LOG.warn("pid {}: could not restore the page-table home node: {}", p.label(), ex.getMessage());
            }
        }
    }

    /**
     * Settles what the journal holds from a daemon that did not stop cleanly (and reports its
     * damaged lines): by default puts each process and thread that is still the same task (pid
     * or tid and start time) back to its original setting; with {@code adopt} leaves the
     * entries open and returns them by pid, for the daemon to manage. Entries naming a task
     * that has ended (or whose id another task has now) are dropped untouched.
     */
    Map<Integer, List<Journal.Entry>> recover(boolean adopt) {
        if (journal == null) {
            return Map.of();
        }
        journal.skipped().forEach(w -> LOG.warn("{}", w));
        List<Journal.Entry> left = journal.recovered();
        if (left.isEmpty()) {
            return Map.of();
        }
        LOG.warn("{}: {} change(s) left by a waspd that did not stop cleanly: {}", journal.path(), left.size(),
                adopt ? "adopting them (--adopt-journal)" : "undoing them");
        if (!adopt) {
            settle(left, "left by a waspd that did not stop cleanly");
            return Map.of();
        }
        Map<Integer, List<Journal.Entry>> out = new LinkedHashMap<>();
        for (Journal.Entry e : left) {
            if (!sameTask(e)) {
                LOG.info("{}: not touched: {}", describe(e), "ended, or its id is another task's now");
                settled(e.kind(), e.tid());
                continue;
            }
            out.computeIfAbsent(e.pid(), k -> new ArrayList<>()).add(e);
        }
        return out;
    }

    /**
     * Puts back what {@code entries} name, if each is still the same task: per process, its
     * threads then its mask (its mask first when that was not off).
     */
    private void settle(Collection<Journal.Entry> entries, String why) {
        Map<Integer, List<Journal.Entry>> byPid = new LinkedHashMap<>();
        for (Journal.Entry e : entries) {
            byPid.computeIfAbsent(e.pid(), k -> new ArrayList<>()).add(e);
        }
        for (List<Journal.Entry> es : byPid.values()) {
            Journal.Entry repl = es.stream().filter(e -> e.kind() == Journal.Entry.Kind.REPL).findFirst().orElse(null);
            boolean maskFirst = repl != null && repl.original() != ReplicationControl.OFF;
            if (maskFirst) {
                settleOne(repl, why);
            }
            for (Journal.Entry e : es) {
                if (e.kind() == Journal.Entry.Kind.NODE) {
                    settleOne(e, why);
                }
            }
            if (repl != null && !maskFirst) {
                settleOne(repl, why);
            }
            for (Journal.Entry e : es) {
                if (e.kind() == Journal.Entry.Kind.HOME) {
                    settleOne(e, why);
                }
            }
        }
    }

    private void settleOne(Journal.Entry e, String why) {
        if (!sameTask(e)) {
            LOG.info("{}: not touched: ended, or its id is another task's now", describe(e));
            settled(e.kind(), e.tid());
            return;
        }
        try {
            if (e.kind() == Journal.Entry.Kind.REPL) {
                control.setReplication(e.pid(), e.original());
                LOG.info("{}: replication restored to {} ({})", describe(e),
                        e.original() == 0 ? "off" : "mask " + e.original(), why);
            } else if (e.kind() == Journal.Entry.Kind.HOME) {
                if (placement == null) {
                    LOG.warn("{}: cannot restore its page-table home node: no page-table placement", describe(e));
                    return;
                }
                placement.setHome(e.pid(), (int) e.original());
                LOG.info("{}: page-table home node restored to {} ({})", describe(e),
                        e.original() == PageTablePlacement.NONE ? "none" : Long.toString(e.original()), why);
            } else {
                control.steer(e.tid(), (int) e.original());
                LOG.info("{}: page-table node restored to {} ({})", describe(e),
                        e.original() == ReplicationControl.AUTO ? "auto" : Long.toString(e.original()), why);
            }
            settled(e.kind(), e.tid());
        } catch (OsException ex) {
            if (ex.vanished()) {
                settled(e.kind(), e.tid());
            } else {
                LOG.warn("{}: could not restore it: {}", describe(e), ex.getMessage());
            }
        }
    }

    private static String describe(Journal.Entry e) {
        return e.kind() == Journal.Entry.Kind.NODE ? "pid " + e.pid() + " tid " + e.tid() : "pid " + e.pid();
    }

    /** Whether the task the entry names is still the one it was: same id, same start time. */
    private boolean sameTask(Journal.Entry e) {
        Optional<ProcStat> st = e.kind() == Journal.Entry.Kind.NODE ? proc.taskStat(e.pid(), e.tid()) : proc.stat(e.pid());
        return st.isPresent() && st.get().startTime() == e.startTime();
    }

    private long startTime(TrackedProcess p) {
        if (p.startTime >= 0) {
            return p.startTime;
        }
        return proc.stat(p.pid).map(ProcStat::startTime).orElse(-1L);
    }

    /** After each tick: forces the journal's last lines to disk, and rewrites it when it has grown. */
    void endTick() {
        if (journal == null) {
            return;
        }
        synchronized (journalLock) {
            try {
                journal.sync();
                if (journal.needsCompaction()) {
                    for (Journal.Entry e : journal.open()) {
                        if (!sameTask(e)) {
                            journal.restored(e.kind(), e.tid());
                        }
                    }
                    journal.compact();
                }
                journalOk();
            } catch (IOException ex) {
                journalFailed(ex, "");
            }
        }
    }

    /**
     * At shutdown, after every tracked process was restored: puts back what the journal still
     * holds (changes to processes the daemon stopped tracking), then removes the journal, or
     * keeps it with what could not be undone for the next start.
     */
    void close() {
        if (journal == null) {
            return;
        }
        Collection<Journal.Entry> left;
        synchronized (journalLock) {
            left = journal.open();
        }
        if (!left.isEmpty()) {
            settle(left, "at shutdown");
        }
        synchronized (journalLock) {
            int open = journal.open().size();
            try {
                journal.close(open == 0);
                if (open > 0) {
                    LOG.warn("{}: {} change(s) could not be undone; kept for the next start to undo", journal.path(),
                            open);
                }
            } catch (IOException ex) {
                LOG.warn("cannot close the journal: {}", IoErrors.describe(journal.path(), ex));
            }
        }
    }

    private Journal.Entry entry(Journal.Entry.Kind kind, int id) {
        synchronized (journalLock) {
            return journal.entry(kind, id);
        }
    }

    /** Journals {@code entries} before their changes; false (change refused) when the journal cannot be written. */
    private boolean record(List<Journal.Entry> entries, String label) {
        synchronized (journalLock) {
            try {
                journal.changing(entries);
                journalOk();
                return true;
            } catch (IOException ex) {
                journalFailed(ex, "; not changing pid " + label + ", nor anything else while it cannot be written");
                return false;
            }
        }
    }

    /** Notes in the journal that a process or thread is back at its original setting, or gone. */
    private void settled(Journal.Entry.Kind kind, int id) {
        if (journal == null) {
            return;
        }
        synchronized (journalLock) {
            try {
                journal.restored(kind, id);
            } catch (IOException ex) {
                journalFailed(ex, "");
            }
        }
    }

    private void journalFailed(IOException ex, String what) {
        if (!journalFailing) {
            journalFailing = true;
            LOG.warn("cannot write the journal: {}{}", IoErrors.describe(journal.path(), ex), what);
        }
    }

    private void journalOk() {
        if (journalFailing) {
            journalFailing = false;
            LOG.info("the journal {} can be written again", journal.path());
        }
    }
}
