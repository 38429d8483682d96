// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.wasp.daemon.testutil.Traces.concat;
import static org.wasp.daemon.testutil.Traces.p;
import static org.wasp.daemon.testutil.Traces.repeat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wasp.daemon.counters.CounterSource;
import org.wasp.daemon.counters.EventSpec;
import org.wasp.daemon.counters.GroupLayout;
import org.wasp.daemon.counters.PerfCounterSource;
import org.wasp.daemon.counters.ProcessSample;
import org.wasp.daemon.counters.ReplayCounterSource;
import org.wasp.daemon.counters.ThreadSample;
import org.wasp.daemon.jna.Errno;
import org.wasp.daemon.os.OsException;
import org.wasp.daemon.os.ProcFs;
import org.wasp.daemon.policy.PtlMatrix;
import org.wasp.daemon.policy.Thresholds;
import org.wasp.daemon.probe.PtlSource;
import org.wasp.daemon.testutil.FakeControl;
import org.wasp.daemon.testutil.FakePerf;
import org.wasp.daemon.testutil.FakeProc;
import org.wasp.daemon.testutil.Traces;

/** The loop against fake OS adapters: a fixture /proc, an in-memory kernel, replayed counters. */
class DaemonTest {
    static final Traces.Point HIGH = p(50e6, 0.05);
    static final Traces.Point LOW = p(1e6, 0.001);
    static final int SELF = 99;

    @TempDir
    Path root;
    FakeProc proc;
    FakeControl kernel;
    /** A settable PTL matrix. */
    PtlMatrix[] matrix = {null};
    PtlSource ptl = () -> Optional.ofNullable(matrix[0]);

    @BeforeEach
    void machine() {
        proc = new FakeProc(root).nodes("0-1", "2-3");
        // app: thread 500 on CPU 0 (node 0), thread 501 on CPU 2 (node 1).
        proc.process(500, "app", 0, 500).thread(500, 501, "app", 2);
        proc.process(600, "stream", 1, 600);
        proc.process(SELF, "java", 0, SELF);
        proc.kernelThread(2, "kthreadd");
        kernel = new FakeControl();
    }

    static List<String> trace(List<Traces.Point> app, List<Traces.Point> stream) {
        List<String> l = new ArrayList<>(Traces.record(500, "app", 2, app));
        l.addAll(Traces.record(600, "stream", 1, stream));
        l.addAll(Traces.record(SELF, "java", 1, repeat(HIGH, app.size())));
        l.addAll(Traces.record(2, "kthreadd", 1, repeat(HIGH, app.size())));
        return l;
    }

    /** Each daemon of {@link #daemon} journals in a run directory of its own here. */
    @TempDir
    Path runs;
    int daemons;

    Daemon daemon(DaemonConfig cfg, CounterSource counters) {
        ProcFs fs = new ProcFs(root);
        Journal journal;
        try {
            journal = Journal.open(runs.resolve("run" + daemons++));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Daemon d = new Daemon(cfg, fs, counters, kernel, ptl, fs.topology(), SELF, journal);
        d.start();
        return d;
    }

    @Test
    void kernelThreadsAreReadOnceWhileListed() throws Exception {
        List<Integer> statReads = new ArrayList<>();
        ProcFs fs = new ProcFs(root) {
            @Override
            public Optional<org.wasp.daemon.os.parse.ProcStat> stat(int pid) {
                statReads.add(pid);
                return super.stat(pid);
            }

            @Override
            public Optional<org.wasp.daemon.os.TaskStatFile> openTaskStat(int pid, int tid) {
                return super.openTaskStat(pid, tid).map(h -> new Handle(tid, h, null, statReads));
            }
        };
        Daemon d = new Daemon(naive(), fs, new ReplayCounterSource(trace(repeat(HIGH, 6), repeat(LOW, 6))), kernel,
                ptl, fs.topology(), SELF);
        d.start();
        ticks(d, 3);
        assertEquals(1, statReads.stream().filter(p -> p == 2).count(), "kthreadd read in the first tick only");
        assertEquals(3, statReads.stream().filter(p -> p == 500).count(), "user processes every tick (comm may change)");
        // The kernel thread exits and its pid is reused by a user process: read afresh.
        java.nio.file.Files.walk(root.resolve("proc/2")).sorted(java.util.Comparator.reverseOrder())
                .forEach(f -> f.toFile().delete());
        d.tick();
        proc.process(2, "reused", 0, 2);
        statReads.clear();
        d.tick();
        assertEquals(List.of(2), statReads.stream().filter(p -> p == 2).toList(), "a listed-again pid is read");
    }

    @Test
    void aKernelThreadsPidAllocatedAgainWithinAnIntervalIsReadAfresh() throws Exception {
        List<Integer> statReads = new ArrayList<>();
        ProcFs fs = new ProcFs(root) {
            @Override
            public Optional<org.wasp.daemon.os.TaskStatFile> openTaskStat(int pid, int tid) {
                statReads.add(pid);
                return super.openTaskStat(pid, tid).map(f -> new ProcBound(root, pid, tid, f));
            }
        };
        proc.lastPid(1000);
        Daemon d = new Daemon(naive(), fs, new ReplayCounterSource(trace(repeat(HIGH, 6), repeat(LOW, 6))), kernel,
                ptl, fs.topology(), SELF);
        d.start();
        ticks(d, 2);
        assertEquals(1, statReads.stream().filter(p -> p == 2).count(), "kthreadd read once");
        // kthreadd exits and, the allocator having gone round past its maximum, pid 2 goes to a user process
        // before the next listing: it is still listed, but the last pid moved over it.
        proc.kill(2);
        proc.process(2, "reused", 0, 2).lastPid(2);
        statReads.clear();
        d.tick();
        assertEquals(List.of(2), statReads.stream().filter(p -> p == 2).toList(), "pid 2 read afresh");
        statReads.clear();
        proc.lastPid(3);
        d.tick();
        assertEquals(List.of(), statReads.stream().filter(p -> p == 2).toList(), "kept open since: not opened again");
    }

    @Test
    void pidsAllocatedSinceGoRound() {
        assertTrue(Discovery.allocatedSince(1001, 1000, 1005));
        assertTrue(Discovery.allocatedSince(1005, 1000, 1005));
        assertFalse(Discovery.allocatedSince(1000, 1000, 1005), "allocated before");
        assertFalse(Discovery.allocatedSince(1006, 1000, 1005));
        assertFalse(Discovery.allocatedSince(1003, 1000, 1000), "nothing allocated");
        assertTrue(Discovery.allocatedSince(4_000_000, 3_999_990, 400), "after the wrap: the top");
        assertTrue(Discovery.allocatedSince(300, 3_999_990, 400), "and the bottom");
        assertFalse(Discovery.allocatedSince(500, 3_999_990, 400));
        assertFalse(Discovery.allocatedSince(500, -1, 400), "unknown");
        assertFalse(Discovery.allocatedSince(500, 400, -1));
    }

    /** A ProcFs whose kept stat files are {@link Handle}s, each added to {@code handles}. */
    private ProcFs handleFs(List<Handle> handles, List<Integer> statReads) {
        return new ProcFs(root) {
            @Override
            public Optional<org.wasp.daemon.os.TaskStatFile> openTaskStat(int pid, int tid) {
                return super.openTaskStat(pid, tid).map(h -> {
                    Handle k = new Handle(tid, h, null, statReads);
                    handles.add(k);
                    return k;
                });
            }
        };
    }

    /** A kept stat file that notes its reads: {@code processor()} in one list, {@code stat()} in another. */
    static final class Handle implements org.wasp.daemon.os.TaskStatFile {
        final int tid;
        final org.wasp.daemon.os.TaskStatFile inner;
        final List<Integer> cpuReads;
        final List<Integer> statReads;
        boolean steering;
        boolean closed;

        Handle(int tid, org.wasp.daemon.os.TaskStatFile inner, List<Integer> cpuReads, List<Integer> statReads) {
            this.tid = tid;
            this.inner = inner;
            this.cpuReads = cpuReads;
            this.statReads = statReads;
        }

        @Override
        public int processor() {
            steering = true;
            if (cpuReads != null) {
                cpuReads.add(tid);
            }
            return inner.processor();
        }

        @Override
        public Optional<org.wasp.daemon.os.parse.ProcStat> stat() {
            if (statReads != null) {
                statReads.add(tid);
            }
            return inner.stat();
        }

        @Override
        public void close() {
            closed = true;
            inner.close();
        }
    }

    /**
     * A kept stat file that, like one of /proc, cannot be read once its thread is gone (a
     * fixture file removed while open would still read).
     */
    record ProcBound(Path root, int pid, int tid, org.wasp.daemon.os.TaskStatFile inner)
            implements org.wasp.daemon.os.TaskStatFile {
        private boolean gone() {
            return !java.nio.file.Files.exists(root.resolve("proc/" + pid + "/task/" + tid + "/stat"));
        }

        @Override
        public int processor() {
            return gone() ? GONE : inner.processor();
        }

        @Override
        public Optional<org.wasp.daemon.os.parse.ProcStat> stat() {
            return gone() ? Optional.empty() : inner.stat();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    static DaemonConfig naive() {
        return DaemonConfig.defaults().withFull(false);
    }

    static void ticks(Daemon d, int n) {
        for (int i = 0; i < n; i++) {
            d.tick();
        }
    }

    @Test
    void enablesAfterHoldAndDisablesAfterPhaseChange() {
        List<Traces.Point> course = concat(repeat(HIGH, 6), repeat(LOW, 6));
        Daemon d = daemon(naive(), new ReplayCounterSource(trace(course, repeat(LOW, 12))));
        ticks(d, 3);
        assertEquals(List.of(), kernel.calls, "baseline + 2 high intervals: still holding");
        d.tick();
        assertEquals(List.of("set 500 1"), kernel.calls);
        assertEquals(1L, kernel.masks.get(500));
        ticks(d, 5);
        assertEquals(List.of("set 500 1"), kernel.calls, "two low intervals are not enough");
        d.tick();
        assertEquals(List.of("set 500 1", "set 500 0"), kernel.calls, "the third is");
        ticks(d, 3);
        assertTrue(d.sourceExhausted());
        assertEquals(1, d.snapshot().enables());
        assertEquals(1, d.snapshot().disables());
    }

    @Test
    void excludedSelfAndKernelThreadsAreNeverReplicated() {
        Daemon d = daemon(naive().withExcluded(Set.of("stream")),
                new ReplayCounterSource(trace(repeat(LOW, 8), repeat(HIGH, 8))));
        ticks(d, 9);
        assertEquals(List.of(), kernel.calls);
        assertEquals(Set.of(500), Set.copyOf(d.snapshot().processes().stream().map(StatusSnapshot.Proc::pid).toList()));
        Daemon d2 = daemon(naive(), new ReplayCounterSource(trace(repeat(LOW, 8), repeat(HIGH, 8))));
        ticks(d2, 9);
        assertEquals(List.of("set 600 1"), kernel.calls, "without -x stream is replicated");
    }

    @Test
    void pidOptionRestrictsTheWatch() {
        Daemon d = daemon(naive().withPids(Set.of(600)), new ReplayCounterSource(trace(repeat(HIGH, 5), repeat(HIGH, 5))));
        ticks(d, 6);
        assertEquals(List.of("set 600 1"), kernel.calls);
    }

    @Test
    void dryRunChangesNothing() {
        Daemon d = daemon(DaemonConfig.defaults().withDryRun(true),
                new ReplayCounterSource(trace(concat(repeat(HIGH, 5), repeat(LOW, 5)), repeat(HIGH, 10))));
        matrix[0] = new PtlMatrix(new double[][] {{260, 150}, {300, 95}}, 0);
        ticks(d, 5);
        assertEquals(1, d.snapshot().processes().stream().filter(pr -> pr.pid() == 500).findFirst().orElseThrow()
                .mask(), "decided on, as the status shows");
        ticks(d, 6);
        d.undo();
        assertEquals(List.of(), kernel.calls);
        assertEquals(2, d.snapshot().enables());
        assertEquals(1, d.snapshot().disables());
    }

    @Test
    void shutdownUndoesReplicationAndSteering() {
        Daemon d = daemon(DaemonConfig.defaults(), new ReplayCounterSource(trace(repeat(HIGH, 8), repeat(LOW, 8))));
        // Node 0's controller is saturated: from node 0 the node-1 replica is faster.
        matrix[0] = new PtlMatrix(new double[][] {{260, 150}, {300, 95}}, 0);
        ticks(d, 5);
        assertEquals(List.of("set 500 1", "steer 500 1"), kernel.calls,
                "thread 500 (node 0) steered to node 1; 501 already reads its local node-1 replica");
        d.undo();
        assertEquals(List.of("set 500 1", "steer 500 1", "steer 500 -1", "set 500 0"), kernel.calls);
        assertTrue(kernel.masks.isEmpty());
        assertTrue(kernel.forced.isEmpty());
        d.undo();
        assertEquals(4, kernel.calls.size(), "undo is idempotent");
    }

    /** Replayed counters whose poll of pid 500 blocks, once armed, until released. */
    static final class Blocking implements CounterSource {
        final CounterSource inner;
        final java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        volatile boolean armed;
        final java.util.concurrent.atomic.AtomicInteger polls = new java.util.concurrent.atomic.AtomicInteger();

        Blocking(CounterSource inner) {
            this.inner = inner;
        }

        @Override
        public long beginInterval() {
            return inner.beginInterval();
        }

        @Override
        public ProcessSample poll(int pid, String comm, java.util.Collection<Integer> tids) throws OsException {
            polls.incrementAndGet();
            if (armed && pid == 500) {
                armed = false;
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return inner.poll(pid, comm, tids);
        }

        @Override
        public void release(int pid) {
            inner.release(pid);
        }

        @Override
        public int monitoredThreads() {
            return inner.monitoredThreads();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void shutdownWaitsForTheTickInProgressThenUndoesOnce() throws Exception {
        Blocking counters = new Blocking(new ReplayCounterSource(trace(repeat(HIGH, 10), repeat(LOW, 10))));
        Daemon d = daemon(naive(), counters);
        ticks(d, 4);
        assertEquals(List.of("set 500 1"), kernel.calls);
        counters.armed = true;
        Thread ticking = new Thread(d::tick);
        ticking.start();
        assertTrue(counters.entered.await(5, java.util.concurrent.TimeUnit.SECONDS));
        Thread stopping = new Thread(d::undo);
        stopping.start();
        stopping.join(300);
        assertTrue(stopping.isAlive(), "undo waits for the tick in progress");
        assertEquals(List.of("set 500 1"), kernel.calls, "nothing undone under the running tick");
        counters.release.countDown();
        ticking.join(5000);
        stopping.join(5000);
        assertFalse(stopping.isAlive());
        assertEquals(List.of("set 500 1", "set 500 0"), kernel.calls, "undone once the tick ended");
        int polls = counters.polls.get();
        d.tick();
        d.undo();
        assertEquals(polls, counters.polls.get(), "no tick after the undo");
        assertEquals(List.of("set 500 1", "set 500 0"), kernel.calls, "undone exactly once");
    }

    @Test
    void aTickStuckPastTheBoundIsUndoneAnywayAndChangesNothingMore() throws Exception {
        Blocking counters = new Blocking(new ReplayCounterSource(trace(concat(repeat(HIGH, 3), repeat(LOW, 10)),
                repeat(LOW, 13))));
        Daemon d = daemon(naive(), counters);
        ticks(d, 6);
        assertEquals(List.of("set 500 1"), kernel.calls, "two intervals low so far");
        counters.armed = true; // The third low interval would turn it off.
        Thread ticking = new Thread(d::tick);
        ticking.start();
        assertTrue(counters.entered.await(5, java.util.concurrent.TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        d.undo(100);
        assertTrue(System.nanoTime() - t0 < 3_000_000_000L, "bounded wait");
        assertEquals(List.of("set 500 1", "set 500 0"), kernel.calls, "undone although the tick is stuck");
        counters.release.countDown();
        ticking.join(5000);
        assertEquals(List.of("set 500 1", "set 500 0"), kernel.calls, "the stuck tick changed nothing when it woke");
    }

    @Test
    void reconfigureTakesUpANewGainAndThresholdsAtTheNextTick() {
        DaemonConfig strict = DaemonConfig.defaults().withLive(Thresholds.DEFAULTS, 0.5, Set.of());
        Daemon d = daemon(strict, new ReplayCounterSource(trace(repeat(HIGH, 12), repeat(LOW, 12))));
        matrix[0] = new PtlMatrix(new double[][] {{260, 150}, {300, 95}}, 0);
        ticks(d, 5);
        assertEquals(List.of("set 500 1"), kernel.calls, "150 ns instead of 260 saves 42 %, under the 50 % asked");
        d.reconfigure(strict.withLive(Thresholds.DEFAULTS, 0.1, Set.of()));
        d.tick();
        assertEquals(List.of("set 500 1", "steer 500 1"), kernel.calls, "10 %: worth it now");
        d.reconfigure(strict.withLive(new Thresholds(100e6, 0.01, 0.2, 3, 1), 0.1, Set.of()));
        d.tick();
        assertEquals(List.of("set 500 1", "steer 500 1", "steer 500 -1", "set 500 0"), kernel.calls,
                "50M/s is below the new off line (80M/s), and one interval is enough");
    }

    @Test
    void steeringFollowsTheMatrixAndNaiveModeNeverSteers() {
        Daemon d = daemon(DaemonConfig.defaults(), new ReplayCounterSource(trace(repeat(HIGH, 8), repeat(LOW, 8))));
        ticks(d, 4);
        assertEquals(List.of("set 500 1"), kernel.calls, "no matrix yet: no steering");
        matrix[0] = new PtlMatrix(new double[][] {{260, 150}, {300, 95}}, 0);
        d.tick();
        matrix[0] = new PtlMatrix(new double[][] {{90, 140}, {140, 90}}, 0);
        d.tick();
        assertEquals(List.of("set 500 1", "steer 500 1", "steer 500 -1"), kernel.calls, "back to local when it wins");
        assertEquals(2, d.snapshot().steers());

        kernel.calls.clear();
        Daemon n = daemon(naive(), new ReplayCounterSource(trace(repeat(HIGH, 8), repeat(LOW, 8))));
        matrix[0] = new PtlMatrix(new double[][] {{260, 150}, {300, 95}}, 0);
        ticks(n, 8);
        assertTrue(kernel.calls.stream().noneMatch(c -> c.startsWith("steer")), kernel.calls.toString());
    }

    @Test
    void aThreadThatMovesNodeIsReSteeredWithinNodeRecheckIntervals() {
        List<Integer> taskReads = new ArrayList<>();
        ProcFs fs = new ProcFs(root) {
            @Override
            public Optional<org.wasp.daemon.os.parse.ProcStat> taskStat(int pid, int tid) {
                taskReads.add(tid);
                return super.taskStat(pid, tid);
            }

            @Override
            public Optional<org.wasp.daemon.os.TaskStatFile> openTaskStat(int pid, int tid) {
                return countingReads(super.openTaskStat(pid, tid), tid, taskReads);
            }
        };
        matrix[0] = new PtlMatrix(new double[][] {{260, 150}, {300, 95}}, 0);
        Daemon d = new Daemon(DaemonConfig.defaults().withNodeRecheck(3), fs,
                new ReplayCounterSource(trace(repeat(HIGH, 20), repeat(LOW, 20))), kernel, ptl, fs.topology(), SELF);
        d.start();
        ticks(d, 4);
        assertEquals(List.of("set 500 1", "steer 500 1"), kernel.calls, "new threads are steered at once");
        // Thread 500 now runs on node 1, where its local replica is the fastest: back to auto.
        proc.thread(500, 500, "app", 2);
        taskReads.clear();
        for (int t = 1; t <= 6; t++) {
            d.tick();
            assertEquals(t, taskReads.size(), "2 threads re-read over 3 intervals: one a tick");
        }
        assertEquals(List.of("set 500 1", "steer 500 1", "steer 500 -1"), kernel.calls);
        assertTrue(taskReads.subList(0, 3).contains(500), "read within 3 intervals: " + taskReads);
    }

    /**
     * Replayed counters presented as live ones, in which the threads in {@code asleep} keep the
     * reading they had when they fell asleep, as a thread that is not scheduled keeps its perf
     * readings (enabled time included).
     */
    static final class LiveTimes implements CounterSource {
        final CounterSource inner;
        final Set<Integer> asleep = new java.util.HashSet<>();
        final java.util.Map<Integer, ThreadSample> frozen = new java.util.HashMap<>();

        LiveTimes(CounterSource inner) {
            this.inner = inner;
        }

        @Override
        public long beginInterval() {
            return inner.beginInterval();
        }

        @Override
        public ProcessSample poll(int pid, String comm, java.util.Collection<Integer> tids) throws OsException {
            ProcessSample s = inner.poll(pid, comm, tids);
            List<ThreadSample> out = new ArrayList<>();
            for (ThreadSample t : s.threads()) {
                if (asleep.contains(t.tid())) {
                    out.add(frozen.computeIfAbsent(t.tid(), k -> t));
                } else {
                    frozen.remove(t.tid());
                    out.add(t);
                }
            }
            return new ProcessSample(pid, comm, s.timeNs(), out);
        }

        @Override
        public boolean liveThreadTimes() {
            return true;
        }

        @Override
        public void release(int pid) {
            inner.release(pid);
        }

        @Override
        public int monitoredThreads() {
            return inner.monitoredThreads();
        }

        @Override
        public boolean exhausted() {
            return inner.exhausted();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void withLiveCountersAThreadThatHasNotRunIsNotReadAgainUntilItRuns() {
        List<Integer> taskReads = new ArrayList<>();
        ProcFs fs = new ProcFs(root) {
            @Override
            public Optional<org.wasp.daemon.os.parse.ProcStat> taskStat(int pid, int tid) {
                taskReads.add(tid);
                return super.taskStat(pid, tid);
            }

            @Override
            public Optional<org.wasp.daemon.os.TaskStatFile> openTaskStat(int pid, int tid) {
                return countingReads(super.openTaskStat(pid, tid), tid, taskReads);
            }
        };
        matrix[0] = new PtlMatrix(new double[][] {{260, 150}, {300, 95}}, 0);
        LiveTimes live = new LiveTimes(new ReplayCounterSource(trace(repeat(HIGH, 30), repeat(LOW, 30))));
        live.asleep.add(501); // 500 alone carries the load: 25M/s, still above the threshold
        Daemon d = new Daemon(DaemonConfig.defaults().withNodeRecheck(2), fs, live, kernel, ptl, fs.topology(), SELF);
        d.start();
        ticks(d, 4);
        assertEquals(List.of("set 500 1", "steer 500 1"), kernel.calls, "on; 501 runs on node 1, local is best");
        assertEquals(List.of(500, 501), taskReads, "both read when first listed");
        taskReads.clear();
        ticks(d, 6);
        assertEquals(List.of(500, 500, 500), taskReads, "the slice alternates, 501 has not run: never read");
        // 501 is moved to node 0 while asleep, then runs there: read within 2 intervals, and steered.
        proc.thread(500, 501, "app", 0);
        d.tick();
        assertTrue(!taskReads.subList(3, taskReads.size()).contains(501), "still asleep: " + taskReads);
        live.asleep.remove(501);
        taskReads.clear();
        ticks(d, 2);
        assertTrue(taskReads.contains(501), "ran: read within 2 intervals: " + taskReads);
        assertEquals(List.of("set 500 1", "steer 500 1", "steer 501 1"), kernel.calls);

        // The same with replayed counters, whose times are not the live threads': 501 is read.
        kernel.calls.clear();
        taskReads.clear();
        Daemon r = new Daemon(DaemonConfig.defaults().withNodeRecheck(2), fs,
                new ReplayCounterSource(trace(repeat(HIGH, 30), repeat(LOW, 30))), kernel, ptl, fs.topology(), SELF);
        r.start();
        ticks(r, 10);
        assertEquals(4, taskReads.stream().filter(t -> t == 501).count(), "first listed, then every 2nd interval");
    }

    /** {@code f}, adding {@code tid} to {@code reads} at each read of its CPU. */
    static Optional<org.wasp.daemon.os.TaskStatFile> countingReads(Optional<org.wasp.daemon.os.TaskStatFile> f,
                                                                  int tid, List<Integer> reads) {
        return f.map(k -> new Handle(tid, k, reads, null));
    }

    /** Descriptors of this JVM open on files under {@code dir}. */
    static long openUnder(Path dir) throws java.io.IOException {
        long n = 0;
        for (java.io.File fd : java.util.Objects.requireNonNull(new java.io.File("/proc/self/fd").listFiles())) {
            try {
                if (java.nio.file.Files.readSymbolicLink(fd.toPath()).startsWith(dir)) {
                    n++;
                }
            } catch (java.io.IOException e) {
                // The directory's own descriptor, gone by now.
            }
        }
        return n;
    }

    @Test
    void steeredThreadsStatFilesAreKeptOpenAndClosedWhenNoLongerNeeded() throws Exception {
        List<Handle> handles = new ArrayList<>();
        ProcFs fs = handleFs(handles, null);
        java.util.function.Supplier<List<Integer>> steeringOpen = () -> handles.stream()
                .filter(h -> h.steering && !h.closed).map(h -> h.tid).sorted().toList();
        matrix[0] = new PtlMatrix(new double[][] {{260, 150}, {300, 95}}, 0);
        Daemon d = new Daemon(DaemonConfig.defaults().withNodeRecheck(1), fs,
                new ReplayCounterSource(trace(concat(repeat(HIGH, 10), repeat(LOW, 10)), repeat(LOW, 20))), kernel,
                ptl, fs.topology(), SELF);
        d.start();
        ticks(d, 8);
        assertEquals(List.of(500, 501), steeringOpen.get(), "opened once each, then read again every interval");
        assertEquals(2, handles.stream().filter(h -> h.steering).count());
        proc.thread(500, 501, "app", 0);
        d.tick();
        assertTrue(kernel.calls.contains("steer 501 1"), "the kept file shows the move: " + kernel.calls);
        proc.exitThread(500, 501);
        d.tick();
        assertEquals(List.of(500), steeringOpen.get(), "the ended thread's file is closed");
        ticks(d, 6);
        assertEquals(List.of("set 500 1", "steer 500 1", "steer 501 1", "steer 500 -1", "set 500 0"), kernel.calls);
        assertEquals(List.of(), steeringOpen.get(), "no longer replicated: every thread's file closed");
        assertEquals(2, openUnder(root), "the processes' own stat files (500, 600) stay open");
        d.undo();
        assertEquals(0, openUnder(root), "shutdown closes them");

        Daemon again = new Daemon(DaemonConfig.defaults(), fs,
                new ReplayCounterSource(trace(repeat(HIGH, 10), repeat(LOW, 10))), kernel, ptl, fs.topology(), SELF);
        again.start();
        ticks(again, 5);
        assertEquals(List.of(500), steeringOpen.get());
        again.undo();
        assertEquals(0, openUnder(root), "shutdown closes every file");
    }

    @Test
    void processStatFilesAreKeptOpenAndClosedWhenTheProcessLeaves() throws Exception {
        List<Integer> statReads = new ArrayList<>();
        List<Handle> handles = new ArrayList<>();
        ProcFs fs = handleFs(handles, statReads);
        Daemon d = new Daemon(naive(), fs, new ReplayCounterSource(trace(repeat(HIGH, 6), repeat(LOW, 6))), kernel,
                ptl, fs.topology(), SELF);
        d.start();
        ticks(d, 3);
        assertEquals(List.of(2, 500, 600), handles.stream().map(h -> h.tid).sorted().toList(),
                "each process opened once (the kernel thread too, to learn it is one)");
        assertEquals(List.of(2), handles.stream().filter(h -> h.closed).map(h -> h.tid).toList(),
                "the kernel thread's closed at once");
        assertEquals(3, statReads.stream().filter(p -> p == 500).count(), "read every interval");
        assertEquals(2, openUnder(root));
        proc.kill(600);
        d.tick();
        assertEquals(List.of(2, 600), handles.stream().filter(h -> h.closed).map(h -> h.tid).sorted().toList(),
                "a process that has left /proc: its file closed");
        assertEquals(1, openUnder(root));
        d.undo();
        assertEquals(0, openUnder(root));
    }

    @Test
    void aFailedSteerIsTriedAgainAtTheNextInterval() {
        proc.thread(500, 501, "app", 0); // both threads on node 0, where node 1's replica is faster
        kernel.failWith.put(501, Errno.EINVAL);
        matrix[0] = new PtlMatrix(new double[][] {{260, 150}, {300, 95}}, 0);
        Daemon d = daemon(DaemonConfig.defaults(), new ReplayCounterSource(trace(repeat(HIGH, 20), repeat(LOW, 20))));
        ticks(d, 4);
        assertEquals(List.of("set 500 1", "steer 500 1", "steer 501 1"), kernel.calls);
        assertEquals(Set.of(500), kernel.forced.keySet());
        kernel.failWith.remove(501);
        d.tick();
        assertEquals(List.of("set 500 1", "steer 500 1", "steer 501 1", "steer 501 1"), kernel.calls,
                "tried again although its node was not read again");
        assertEquals(Set.of(500, 501), kernel.forced.keySet());
        ticks(d, 3);
        assertEquals(4, kernel.calls.size(), "nothing changes: nothing is done");
    }

    @Test
    void nothingIsListedAgainWhileNoPidIsAllocated() {
        List<String> listings = new ArrayList<>();
        ProcFs fs = new ProcFs(root) {
            @Override
            public List<Integer> pids() {
                listings.add("proc");
                return super.pids();
            }

            @Override
            public List<Integer> tasks(int pid) {
                listings.add("task " + pid);
                return super.tasks(pid);
            }

            @Override
            public Optional<org.wasp.daemon.os.TaskStatFile> openTaskStat(int pid, int tid) {
                return super.openTaskStat(pid, tid).map(f -> new ProcBound(root, pid, tid, f));
            }
        };
        proc.lastPid(1000);
        FakePerf perf = new FakePerf();
        Daemon d = new Daemon(naive().withThreadRelist(2), fs,
                new PerfCounterSource(perf, EventSpec.resolve(java.util.Map.of()), GroupLayout.ONE, 1000, 0), kernel,
                ptl, fs.topology(), SELF);
        d.start();
        ticks(d, 6);
        assertEquals(List.of("proc", "task 500", "task 600"), listings, "listed once: nothing was created since");
        assertEquals(Set.of(500, 501, 600), perf.openTids());
        listings.clear();
        proc.kill(600);
        proc.exitThread(500, 501);
        ticks(d, 3);
        assertEquals(List.of("task 500"), listings, "a thread ended: its count changed; an ended process is "
                + "seen by its stat file");
        assertEquals(Set.of(500), perf.openTids(), "the ended thread's and process's counters closed");
        ticks(d, 2);
        assertEquals(List.of("task 500", "proc"), listings,
                "/proc still listed every 10 intervals, in case the last pid is wrong");
        ticks(d, 9);
        assertEquals(2, listings.size());
        listings.clear();
        proc.process(700, "new", 0, 700).thread(500, 502, "app", 0).lastPid(1002);
        d.tick();
        assertEquals(List.of("proc", "task 500", "task 700"), listings, "pids allocated: /proc listed again");
        assertEquals(Set.of(500, 502, 700), perf.openTids(), "the new process and thread counted at once");
        listings.clear();
        // A thread starts as another ends: the count stays, the allocated pid says to look.
        proc.exitThread(500, 502).thread(500, 503, "app", 0).lastPid(1003);
        ticks(d, 2);
        assertTrue(perf.openTids().contains(503), "found within --thread-relist intervals");
        assertFalse(perf.openTids().contains(502));
        d.undo();
    }

    @Test
    void threadsAreListedWhenTheirCountChangesElseEveryThreadRelistIntervals() {
        List<Integer> listings = new ArrayList<>();
        ProcFs fs = new ProcFs(root) {
            @Override
            public List<Integer> tasks(int pid) {
                if (pid == 500) {
                    listings.add(pid);
                }
                return super.tasks(pid);
            }
        };
        FakePerf perf = new FakePerf();
        Daemon d = new Daemon(naive().withThreadRelist(3), fs,
                new PerfCounterSource(perf, EventSpec.resolve(java.util.Map.of()), GroupLayout.ONE, 1000, 0), kernel, ptl, fs.topology(),
                SELF);
        d.start();
        ticks(d, 3);
        assertEquals(1, listings.size(), "listed once while the thread count stays");
        proc.thread(500, 502, "app", 0);
        d.tick();
        assertEquals(2, listings.size(), "a new thread changes the count: listed at once");
        assertTrue(perf.openTids().contains(502), "and counted at once");
        // One thread ends as another starts: the count stays 3.
        proc.exitThread(500, 501).thread(500, 503, "app", 0);
        int waited = 0;
        while (!perf.openTids().contains(503)) {
            d.tick();
            assertTrue(++waited <= 3, "found within --thread-relist intervals");
        }
        assertEquals(Set.of(500, 502, 503, 600), perf.openTids(), "the ended thread's counters closed");
    }

    @Test
    void threadVanishingMidScanIsSurvived() {
        proc.vanishingThread(500, 502);
        FakePerf perf = new FakePerf();
        perf.tidErrno.put(502, Errno.ESRCH);
        Daemon d = daemon(DaemonConfig.defaults(), new PerfCounterSource(perf, EventSpec.resolve(java.util.Map.of()),
                GroupLayout.LOADS_AND_STORES, 1000, 0));
        matrix[0] = new PtlMatrix(new double[][] {{260, 150}, {300, 95}}, 0);
        ticks(d, 3);
        assertEquals(Set.of(500, 501, 600), perf.openTids());
        proc.kill(600);
        d.tick();
        assertEquals(Set.of(500, 501), perf.openTids(), "counters of the exited process closed");
        d.undo();
        assertEquals(Set.of(), perf.openTids(), "shutdown closes every counter");
    }

    @Test
    void vanishedProcessAndThreadErrorsAreSkipped() {
        kernel.failWith.put(500, Errno.ESRCH);
        Daemon d = daemon(DaemonConfig.defaults(), new ReplayCounterSource(trace(repeat(HIGH, 8), repeat(HIGH, 8))));
        ticks(d, 9);
        assertTrue(kernel.masks.containsKey(600));
        assertEquals(List.of("set 500 1", "set 600 1", "set 500 1"), kernel.calls,
                "ESRCH is not a change; the policy retries after another hold");
        d.undo();
        assertTrue(kernel.masks.isEmpty());
    }

    @Test
    void permissionErrorsReportedOnceThenProcessIgnored() {
        kernel.failWith.put(500, Errno.EPERM);
        Daemon d = daemon(naive(), new ReplayCounterSource(trace(repeat(HIGH, 12), repeat(LOW, 12))));
        ticks(d, 13);
        assertEquals(List.of("set 500 1"), kernel.calls, "one attempt, then the pid is left alone");
        assertTrue(d.snapshot().processes().stream().noneMatch(pr -> pr.pid() == 500));
    }

    @Test
    void preReplicatedProcessesAreLeftAloneByDefault() {
        proc.mitosisStatus("cr3_writes: 1\npid comm nodes pgd_node replica_kb forced_threads\n500 app 0-1 0 64 0\n");
        kernel.masks.put(500, 1L);
        Daemon d = daemon(naive(), new ReplayCounterSource(trace(repeat(LOW, 8), repeat(LOW, 8))));
        ticks(d, 9);
        d.undo();
        assertEquals(List.of(), kernel.calls);
        assertEquals(1L, kernel.masks.get(500));
    }

    @Test
    void adoptedProcessesAreManagedAndRestoredOnShutdown() {
        proc.mitosisStatus("cr3_writes: 1\npid comm nodes pgd_node replica_kb forced_threads\n500 app 0-1 0 64 1\n");
        kernel.masks.put(500, 0b11L);
        kernel.forced.put(501, 0);
        Daemon d = daemon(naive().withAdopt(true), new ReplayCounterSource(trace(repeat(LOW, 8), repeat(LOW, 8))));
        ticks(d, 4);
        assertEquals(List.of("steer 501 -1", "set 500 0"), kernel.calls, "low load: turned off, steering undone");
        d.undo();
        assertEquals(3L, kernel.masks.get(500), "original mask back");
        assertEquals(0, kernel.forced.get(501), "original forced node back");
    }

    @Test
    void runningNodesChoice() {
        proc.process(700, "solo", 3, 700);
        List<String> t = trace(repeat(LOW, 5), repeat(LOW, 5));
        t.addAll(Traces.record(700, "solo", 1, repeat(HIGH, 5)));
        Daemon d = daemon(naive().withNodeChoice(org.wasp.daemon.policy.NodeChoice.RUNNING),
                new ReplayCounterSource(t));
        ticks(d, 5);
        assertEquals(List.of("set 700 2"), kernel.calls, "runs on CPU 3 = node 1: mask 0b10");
    }

    @Test
    void statusRendersWhatWasDecided() {
        Daemon d = daemon(DaemonConfig.defaults(), new ReplayCounterSource(trace(repeat(HIGH, 5), repeat(LOW, 5))));
        matrix[0] = new PtlMatrix(new double[][] {{260, 150}, {300, 95}}, 0);
        ticks(d, 5);
        String json = StatusJson.render(d.snapshot());
        assertTrue(json.contains("\"pid\": 500, \"comm\": \"app\""), json);
        assertTrue(json.contains("\"replication_mask\": 1"), json);
        assertTrue(json.contains("\"steered\": {\"500\": 1}"), json);
        assertTrue(json.contains("\"ptl_ns\": [[260.000, 150.000], [300.000, 95.0000]]"), json);
        String prom = PrometheusText.render(d.snapshot(), Health.View.NONE, "test");
        assertTrue(prom.contains("waspd_process_replicated{pid=\"500\",comm=\"app\"} 1"), prom);
        assertTrue(prom.contains("waspd_process_replicated{pid=\"600\",comm=\"stream\"} 0"), prom);
        assertTrue(prom.contains("waspd_ptl_seconds{cpu_node=\"0\",memory_node=\"1\"} 1.50000e-07"), prom);
        assertTrue(prom.contains("waspd_decisions_total{action=\"enable\"} 1"), prom);
    }

    @Test
    void statusShowsEachProcesssThreadsAndHoldStreak() {
        Daemon d = daemon(naive(), new ReplayCounterSource(trace(repeat(HIGH, 5), repeat(LOW, 5))));
        ticks(d, 3);
        StatusSnapshot.Proc app = d.snapshot().processes().stream().filter(p -> p.pid() == 500).findFirst()
                .orElseThrow();
        assertEquals(2, app.threads(), "both of app's threads counted");
        assertEquals(2, app.hold(), "two intervals above the thresholds of the three --hold-on asks");
        assertEquals(0, app.mask());
    }

    @Test
    void aDecisionOnLowCounterCoverageIsMarkedInTheStatus() {
        // app's counters ran for a quarter of each interval (multiplexed): the scaled rates are still HIGH.
        List<String> lines = new ArrayList<>();
        for (String l : trace(repeat(HIGH, 5), repeat(HIGH, 5))) {
            lines.add(l.contains(" 500 app ") || l.contains(" 501 app ") ? quarterRunning(l) : l);
        }
        Daemon d = daemon(naive(), new ReplayCounterSource(lines));
        ticks(d, 5);
        StatusSnapshot.Proc app = proc(d, 500);
        StatusSnapshot.Proc stream = proc(d, 600);
        assertEquals(1, app.mask(), "decided on the scaled figures");
        assertEquals(0.25, app.coverage(), 1e-9);
        assertTrue(app.lowCoverageDecision());
        assertEquals(1.0, stream.coverage(), 1e-9);
        assertEquals(1, stream.mask());
        assertFalse(stream.lowCoverageDecision(), "a full-coverage decision is not marked");
        String json = StatusJson.render(d.snapshot());
        assertTrue(json.contains("\"counter_coverage\": 0.250000, \"low_coverage_decision\": true"), json);
        assertTrue(json.contains("\"counter_events\": {\"table\": \"replay\""), json);
        String prom = PrometheusText.render(d.snapshot(), Health.View.NONE, "test");
        assertTrue(prom.contains("waspd_process_counter_coverage_ratio{pid=\"500\",comm=\"app\"} 0.250000"), prom);
        assertTrue(prom.contains("waspd_process_low_coverage_decision{pid=\"500\",comm=\"app\"} 1"), prom);
        assertTrue(prom.contains("waspd_process_low_coverage_decision{pid=\"600\",comm=\"stream\"} 0"), prom);
    }

    private static StatusSnapshot.Proc proc(Daemon d, int pid) {
        return d.snapshot().processes().stream().filter(p -> p.pid() == pid).findFirst().orElseThrow();
    }

    /** A record line whose counters ran a quarter of their enabled time, counts scaled down to match. */
    private static String quarterRunning(String line) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("=(\\d+)/(\\d+)/(\\d+)").matcher(line);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, "=" + Long.parseLong(m.group(1)) / 4 + "/" + m.group(2) + "/"
                    + Long.parseLong(m.group(3)) / 4);
        }
        return m.appendTail(b).toString();
    }
}
