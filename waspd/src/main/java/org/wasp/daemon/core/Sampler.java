// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.wasp.daemon.counters.CounterSource;
import org.wasp.daemon.counters.ProcessSample;
import org.wasp.daemon.counters.ThreadSample;
import org.wasp.daemon.os.OsException;
import org.wasp.daemon.os.ProcFs;
import org.wasp.daemon.os.TaskStatFile;
import org.wasp.daemon.os.Topology;
import org.wasp.daemon.os.parse.ProcStat;

/**
 * What the daemon measures: each process's counters ({@link CounterSource}) and, for steering,
 * the node each thread last ran on (its stat file, kept open; {@link
 * org.wasp.daemon.policy.NodeRecheck} says which threads to read this interval).
 */
final class Sampler {
    private final ProcFs proc;
    private final CounterSource counters;
    private final Topology topology;

    Sampler(ProcFs proc, CounterSource counters, Topology topology) {
        this.proc = proc;
        this.counters = counters;
        this.topology = topology;
    }

    void beginInterval() {
        counters.beginInterval();
    }

    /** The counters of {@code p}'s threads {@link TrackedProcess#tids}. */
    ProcessSample poll(TrackedProcess p) throws OsException {
        return counters.poll(p.pid, p.comm, p.tids);
    }

    /** Closes {@code pid}'s counters. */
    void release(int pid) {
        counters.release(pid);
    }

    /**
     * Where the threads of {@code p} ran this interval: their on-CPU time between {@code prev} and
     * {@code now}, per node of the CPU each last ran on (a stat read per thread that ran). A
     * thread without time in the samples counts 1 ns. When no sampled thread is one of the
     * process's (a replayed trace names others), its listed threads' CPU time from their stat
     * (user + system ticks since the last call) counts instead.
     */
    Map<Integer, Long> cpuTimeByNode(TrackedProcess p, ProcessSample prev, ProcessSample now) {
        int pid = p.pid;
        Map<Integer, Long> out = new TreeMap<>();
        for (ThreadSample t : now.threads()) {
            ThreadSample before = prev == null ? null : prev.thread(t.tid());
            long ns = t.onCpuNs() - (before == null ? 0 : before.onCpuNs());
            if (ns < 0 || (ns == 0 && t.onCpuNs() > 0)) {
                continue; // did not run (or a new thread's counter): no node to learn
            }
            long weight = Math.max(ns, 1);
            proc.taskStat(pid, t.tid()).ifPresent(st -> {
                int n = topology.nodeOfCpu(st.processor());
                if (n >= 0) {
                    out.merge(n, weight, Long::sum);
                }
            });
        }
        if (out.isEmpty()) {
            Map<Integer, Long> ticks = new HashMap<>();
            for (int tid : p.tids) {
                proc.taskStat(pid, tid).ifPresent(st -> {
                    ticks.put(tid, st.cpuTicks());
                    long ran = st.cpuTicks() - p.placementTicks.getOrDefault(tid, 0L);
                    int n = topology.nodeOfCpu(st.processor());
                    if (n >= 0 && ran > 0) {
                        out.merge(n, ran, Long::sum);
                    }
                });
            }
            p.placementTicks.clear();
            p.placementTicks.putAll(ticks);
        }
        return out;
    }

    /** Where the page tables of {@code pid} are, pages per node (the kernel walks them). */
    Map<Integer, Long> pageTableNodes(int pid) {
        return proc.pageTableNodes(pid);
    }

    /** Nodes of the CPUs the threads last ran on (a stat read per thread). */
    BitSet runningNodes(int pid, List<Integer> tids) {
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

    /**
     * Reads the nodes of the threads of {@code p} that its {@link TrackedProcess#recheck} picks
     * this interval into {@link TrackedProcess#cpuNodes}: new threads and a rotating slice of the
     * others. With live counters a thread of the slice that has not been on a CPU since its node
     * was read is not read again: it cannot have run anywhere else. A thread found gone is
     * dropped from the steering state. Returns the threads whose node is new or changed.
     */
    List<Integer> readNodes(TrackedProcess p) {
        ProcessSample now = counters.liveThreadTimes() ? p.last : null;
        List<Integer> moved = new ArrayList<>();
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
            if (before == null || before != node) {
                moved.add(tid);
            }
        }
        return moved;
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

    /** Closes every counter. */
    void close() {
        counters.close();
    }
}
