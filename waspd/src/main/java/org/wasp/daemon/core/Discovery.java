// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.wasp.daemon.counters.CounterSource;
import org.wasp.daemon.os.ProcFs;
import org.wasp.daemon.os.TaskStatFile;
import org.wasp.daemon.os.parse.ProcStat;

/**
 * Which processes to watch this interval, and their threads: lists /proc (and a process's task
 * directory) only when something may have been created since the last listing, and filters
 * out the daemon itself, kernel threads, processes left alone or denied, and (with --pid) the
 * rest. Reads each candidate's stat through a file kept open from one interval to the next.
 */
final class Discovery {
    /** A process to watch: its comm, thread count (-1 when it has no /proc entry) and start time. */
    record Candidate(String comm, int threads, long startTime) {
    }

    /** /proc is listed at least this often (intervals), in case the last allocated pid is wrong. */
    static final int PROC_RELIST = 10;

    private final DaemonConfig cfg;
    private final ProcFs proc;
    private final CounterSource counters;
    private final int selfPid;

    /** Replicated before the daemon started and not adopted: never touched. */
    private final Set<Integer> leftAlone = new HashSet<>();
    /** Processes the daemon may not count or change (EPERM/EACCES). */
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
    /** The kernel's last allocated pid at the start of this interval ({@link ProcFs#lastPid}). */
    private long lastPid = -1;
    /** The stat files of the user processes read last interval, kept open ({@link #processStat}). */
    private final Map<Integer, TaskStatFile> procStats = new HashMap<>();

    Discovery(DaemonConfig cfg, ProcFs proc, CounterSource counters, int selfPid) {
        this.cfg = cfg;
        this.proc = proc;
        this.counters = counters;
        this.selfPid = selfPid;
    }

    /** Never watch {@code pid} (replicated before the start, not adopted). */
    void leaveAlone(int pid) {
        leftAlone.add(pid);
    }

    /** Stop watching {@code pid} (not allowed); true the first time. */
    boolean deny(int pid) {
        return denied.add(pid);
    }

    /** Reads the last allocated pid, before any listing: what is created after it shows next interval. */
    void beginInterval() {
        lastPid = proc.lastPid();
    }

    /** Processes to watch now. */
    Map<Integer, Candidate> candidates() {
        Map<Integer, Candidate> out = new LinkedHashMap<>();
        Collection<Integer> pids = cfg.pids().isEmpty() ? processIds() : new TreeSet<>(cfg.pids());
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
            out.put(pid, new Candidate(st.get().comm(), st.get().numThreads(), st.get().startTime()));
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
                    out.put(pid, new Candidate(comm, -1, -1));
                }
            });
        }
        return out;
    }

    /**
     * The threads of {@code p}, listed again from /proc/PID/task when its {@link
     * TrackedProcess#listing} says so for the thread count {@code threads} just read.
     */
    List<Integer> threads(TrackedProcess p, int threads) {
        if (p.listing.relist(threads, lastPid)) {
            p.tids = proc.tasks(p.pid);
        }
        return p.tids;
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

    /** Closes the kept stat files. */
    void close() {
        procStats.values().forEach(TaskStatFile::close);
        procStats.clear();
    }
}
