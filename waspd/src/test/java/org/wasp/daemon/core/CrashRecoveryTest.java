// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.wasp.daemon.core.DaemonTest.HIGH;
import static org.wasp.daemon.core.DaemonTest.LOW;
import static org.wasp.daemon.core.DaemonTest.SELF;
import static org.wasp.daemon.core.DaemonTest.trace;
import static org.wasp.daemon.testutil.Traces.concat;
import static org.wasp.daemon.testutil.Traces.repeat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wasp.daemon.counters.ReplayCounterSource;
import org.wasp.daemon.os.OsException;
import org.wasp.daemon.os.ProcFs;
import org.wasp.daemon.os.ReplicationControl;
import org.wasp.daemon.policy.PtlMatrix;
import org.wasp.daemon.probe.PtlSource;
import org.wasp.daemon.testutil.FakeControl;
import org.wasp.daemon.testutil.FakeProc;

/**
 * Crash safety: a daemon killed at any point (dropped without its undo, as {@code kill -9}
 * leaves it) is followed by one on the same run directory, which puts back exactly what the
 * first had changed, touches no process or thread whose id has been reused since, and survives
 * a journal line cut short; or, with --adopt-journal, manages those processes itself.
 */
class CrashRecoveryTest {
    @TempDir
    Path root;
    @TempDir
    Path runDir;
    FakeProc proc;
    FakeControl kernel;
    PtlMatrix[] matrix = {new PtlMatrix(new double[][] {{260, 150}, {300, 95}}, 0)};
    PtlSource ptl = () -> Optional.ofNullable(matrix[0]);

    @BeforeEach
    void machine() {
        proc = new FakeProc(root).nodes("0-1", "2-3");
        // app: thread 500 on node 0, 501 on node 1; stream: 600 on node 0. With the matrix, node 0's
        // threads are steered to node 1.
        proc.process(500, "app", 0, 500).thread(500, 501, "app", 2).thread(500, 502, "app", 1);
        proc.process(600, "stream", 1, 600);
        proc.process(SELF, "java", 0, SELF);
        for (int[] t : new int[][] {{500, 500}, {500, 501}, {500, 502}, {600, 600}}) {
            proc.startTime(t[0], t[1], 1000 + t[1]);
        }
        kernel = new FakeControl();
    }

    /** The daemon is killed: thrown by the kernel fake right after the change that was to be the last. */
    static final class Killed extends Error {
        Killed() {
            super("kill -9", null, false, false);
        }
    }

    /** The fake kernel, killing the daemon right after its {@code n}th change. */
    static ReplicationControl killAfter(FakeControl kernel, int n) {
        int[] left = {n};
        return new ReplicationControl() {
            @Override
            public void setReplication(int pid, long mask) throws OsException {
                kernel.setReplication(pid, mask);
                count();
            }

            @Override
            public long replication(int pid) throws OsException {
                return kernel.replication(pid);
            }

            @Override
            public void steer(int tid, int node) throws OsException {
                kernel.steer(tid, node);
                count();
            }

            @Override
            public int steeredNode(int tid) throws OsException {
                return kernel.steeredNode(tid);
            }

            @Override
            public String unavailabilityCause() {
                return null;
            }

            private void count() {
                if (--left[0] == 0) {
                    throw new Killed();
                }
            }
        };
    }

    Journal journal() throws Exception {
        return Journal.open(runDir);
    }

    Daemon daemon(DaemonConfig cfg, ReplicationControl control, List<String> trace, Journal j) {
        ProcFs fs = new ProcFs(root);
        Daemon d = new Daemon(cfg, fs, new ReplayCounterSource(trace), control, ptl, fs.topology(), SELF, j);
        d.start();
        return d;
    }

    /** app and stream go high: on, threads steered; app goes low: its threads back, off. */
    static List<String> course() {
        return trace(concat(repeat(HIGH, 8), repeat(LOW, 8)), repeat(HIGH, 16));
    }

    /** Runs a daemon until the kernel kills it after {@code n} changes; false if it ended first. */
    boolean runUntilKilled(int n) throws Exception {
        Daemon d = daemon(DaemonConfig.defaults(), killAfter(kernel, n), course(), journal());
        try {
            for (int i = 0; i < 16; i++) {
                d.tick();
            }
        } catch (Killed k) {
            return true; // Dropped: no undo, the journal left as it is.
        }
        return false;
    }

    @Test
    void aDaemonKilledAfterAnyChangeIsUndoneByTheNextStart() throws Exception {
        // The whole course, to learn how many changes it makes.
        Daemon whole = daemon(DaemonConfig.defaults(), kernel, course(), null);
        for (int i = 0; i < 16; i++) {
            whole.tick();
        }
        List<String> all = List.copyOf(kernel.calls);
        assertEquals(List.of("set 500 1", "set 600 1", "steer 500 1", "steer 502 1", "steer 600 1",
                "steer 500 -1", "steer 502 -1", "set 500 0"), all);
        for (int n = 1; n <= all.size(); n++) {
            kernel = new FakeControl();
            assertTrue(runUntilKilled(n));
            assertEquals(all.subList(0, n), kernel.calls, "killed after change " + n);
            Map<Integer, Long> masks = new HashMap<>(kernel.masks);
            Map<Integer, Integer> forced = new HashMap<>(kernel.forced);
            kernel.calls.clear();
            Daemon next = daemon(DaemonConfig.defaults(), kernel, trace(repeat(LOW, 4), repeat(LOW, 4)), journal());
            assertEquals(Map.of(), kernel.masks, "after change " + n + " (" + masks + "): every mask back off; calls "
                    + kernel.calls);
            assertEquals(Map.of(), kernel.forced, "after change " + n + " (" + forced + "): every thread back to auto");
            // Exactly what was changed is put back (a change whose "back at the original" line the kill
            // prevented may be put back once more).
            for (String c : kernel.calls) {
                assertTrue(c.matches("set (500|600) 0|steer (500|502|600) -1"), "only restores: " + kernel.calls);
            }
            assertEquals(kernel.calls.size(), new java.util.HashSet<>(kernel.calls).size(), "once each: " + kernel.calls);
            masks.keySet().forEach(pid -> assertTrue(kernel.calls.contains("set " + pid + " 0"), kernel.calls.toString()));
            forced.keySet().forEach(tid -> assertTrue(kernel.calls.contains("steer " + tid + " -1"),
                    kernel.calls.toString()));
            next.undo();
            assertFalse(Files.exists(Journal.file(runDir)), "a clean shutdown removes the journal");
        }
    }

    @Test
    void aReusedPidOrTidIsNotTouched() throws Exception {
        assertTrue(runUntilKilled(5));
        assertEquals(Map.of(500, 1L, 600, 1L), kernel.masks);
        assertEquals(Map.of(500, 1, 502, 1, 600, 1), kernel.forced);
        // stream ends and its pid goes to a new process; app's thread 502 ends and its tid goes to a new thread.
        proc.kill(600).process(600, "other", 1, 600).startTime(600, 600, 9000);
        proc.exitThread(500, 502).thread(500, 502, "app", 1).startTime(500, 502, 9001);
        kernel.calls.clear();
        Daemon next = daemon(naive(), kernel, trace(repeat(LOW, 4), repeat(LOW, 4)), journal());
        assertEquals(List.of("steer 500 -1", "set 500 0"), kernel.calls,
                "app put back; the new pid 600 and the new thread 502 are not the tasks that were changed");
        assertEquals(Map.of(600, 1L), kernel.masks);
        assertEquals(Map.of(502, 1, 600, 1), kernel.forced);
        next.undo();
        assertFalse(Files.exists(Journal.file(runDir)));
    }

    static DaemonConfig naive() {
        return DaemonConfig.defaults().withFull(false);
    }

    @Test
    void aLineCutShortIsSkippedWithOneWarningAndTheRestIsUndone() throws Exception {
        assertTrue(runUntilKilled(2)); // set 500 1, set 600 1
        Path f = Journal.file(runDir);
        String text = Files.readString(f);
        // The daemon died writing its next line.
        Files.writeString(f, text + "node 500 500 1500 -1 ~1a2b");
        Files.writeString(runDir.resolve("other"), "");
        Journal j = journal();
        assertEquals(List.of(f + " line " + (text.split("\n").length + 1)
                + ": cut short (the daemon stopped while writing it), skipped: 'node 500 500 1500 -1 ~1a2b'"),
                j.skipped());
        assertEquals(2, j.recovered().size());
        kernel.calls.clear();
        daemon(naive(), kernel, trace(repeat(LOW, 4), repeat(LOW, 4)), j).undo();
        assertEquals(List.of("set 500 0", "set 600 0"), kernel.calls);
        assertFalse(Files.exists(f));
    }

    @Test
    void withAdoptJournalTheKilledDaemonsChangesAreManagedAndUndoneAtShutdown() throws Exception {
        assertTrue(runUntilKilled(3)); // set 500 1, set 600 1, steer 500 1
        kernel.calls.clear();
        Daemon next = daemon(DaemonConfig.defaults().withAdoptJournal(true), kernel,
                trace(repeat(HIGH, 6), repeat(HIGH, 6)), journal());
        assertEquals(List.of(), kernel.calls, "adopted: nothing changed at start");
        for (int i = 0; i < 3; i++) {
            next.tick();
        }
        StatusSnapshot.Proc app = next.snapshot().processes().stream().filter(p -> p.pid() == 500).findFirst()
                .orElseThrow();
        assertEquals(1L, app.mask());
        assertTrue(app.changedByDaemon(), "shown as changed by the daemon");
        assertEquals(Map.of(500, 1, 502, 1), app.steered(), "and steers its threads as its own");
        assertTrue(Files.readString(Journal.file(runDir)).contains("repl 500 1500 0"), "still on record");
        next.undo();
        assertEquals(Map.of(), kernel.masks, "undone at shutdown as if it had made them: " + kernel.calls);
        assertEquals(Map.of(), kernel.forced);
        assertFalse(Files.exists(Journal.file(runDir)));
    }

    @Test
    void withoutAJournalNothingIsRecordedAndTheKilledDaemonsChangesStay() throws Exception {
        // The control case: what the journal is for.
        Daemon d = daemon(DaemonConfig.defaults(), killAfter(kernel, 2), course(), null);
        assertThrows(Killed.class, () -> {
            for (int i = 0; i < 16; i++) {
                d.tick();
            }
        });
        kernel.calls.clear();
        daemon(naive(), kernel, trace(repeat(LOW, 4), repeat(LOW, 4)), journal());
        assertEquals(List.of(), kernel.calls);
        assertEquals(Map.of(500, 1L, 600, 1L), kernel.masks);
    }

    @Test
    void aProcessTheDaemonStoppedTrackingIsUndoneAtShutdownFromTheJournal() throws Exception {
        Daemon d = daemon(naive(), kernel, trace(concat(repeat(HIGH, 5), repeat(LOW, 10)), repeat(HIGH, 15)),
                journal());
        for (int i = 0; i < 4; i++) {
            d.tick();
        }
        assertEquals(Map.of(500, 1L, 600, 1L), kernel.masks);
        // Turning app off is refused (EPERM): the daemon ignores it from then on, still replicated.
        kernel.failWith.put(500, org.wasp.daemon.jna.Errno.EPERM);
        for (int i = 0; i < 6; i++) {
            d.tick();
        }
        assertTrue(kernel.calls.contains("set 500 0"), kernel.calls.toString());
        assertEquals(Map.of(500, 1L, 600, 1L), kernel.masks);
        assertTrue(d.snapshot().processes().stream().noneMatch(p -> p.pid() == 500), "no longer tracked");
        kernel.failWith.remove(500);
        d.undo();
        assertEquals(Map.of(), kernel.masks, "both off, app from the journal: " + kernel.calls);
        assertFalse(Files.exists(Journal.file(runDir)));
    }
}
