// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.wasp.daemon.testutil.Traces.repeat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wasp.daemon.counters.ReplayCounterSource;
import org.wasp.daemon.jna.Errno;
import org.wasp.daemon.os.ProcFs;
import org.wasp.daemon.policy.Placement;
import org.wasp.daemon.testutil.FakeControl;
import org.wasp.daemon.testutil.FakePlacement;
import org.wasp.daemon.testutil.FakeProc;
import org.wasp.daemon.testutil.Traces;

/**
 * The third action end to end against fake OS adapters: replayed counters, threads whose CPUs
 * the test moves between nodes, a kernel that moves page tables (--placement auto and move).
 */
class PlacementDaemonTest {
    static final int SELF = 99;
    static final int INTERVALS = 24;

    @TempDir
    Path root;
    @TempDir
    Path runs;
    FakeProc proc;
    FakeControl kernel;
    FakePlacement tables;

    @BeforeEach
    void machine() {
        proc = new FakeProc(root).nodes("0-1", "2-3");
        // app: threads 500 (CPU 0, node 0) and 501 (CPU 2, node 1); stream: one thread on CPU 1 (node 0).
        proc.process(500, "app", 0, 500).thread(500, 501, "app", 2);
        proc.process(600, "stream", 1, 600);
        proc.process(SELF, "java", 0, SELF);
        kernel = new FakeControl();
        tables = new FakePlacement(proc, 2);
        tables.tablesOn(500, 1, 100);
        tables.tablesOn(600, 1, 100);
    }

    Daemon daemon(Placement.Mode mode) throws Exception {
        List<String> l = new java.util.ArrayList<>(Traces.record(500, "app", 2, repeat(DaemonTest.HIGH, INTERVALS)));
        l.addAll(Traces.record(600, "stream", 1, repeat(DaemonTest.HIGH, INTERVALS)));
        ProcFs fs = new ProcFs(root);
        DaemonConfig cfg = DaemonConfig.defaults().withFull(false)
                .withPlacement(new Placement.Config(mode, 0.9, 3, 0.5));
        Daemon d = new Daemon(cfg, fs, new ReplayCounterSource(l), kernel, tables, () -> Optional.empty(),
                fs.topology(), SELF, Journal.open(runs));
        d.start();
        return d;
    }

    static void ticks(Daemon d, int n) {
        for (int i = 0; i < n; i++) {
            d.tick();
        }
    }

    @Test
    void oneNodeThreadsGetTheirTablesMovedSpanningThreadsGetReplicas() throws Exception {
        Daemon d = daemon(Placement.Mode.AUTO);
        ticks(d, 4); // baseline + 3 high intervals: hot
        assertEquals(List.of("set 500 1"), kernel.calls, "app spans nodes 0 and 1: replicated at once");
        assertEquals(List.of(), tables.calls, "stream: on node 0, not yet for the hold");
        ticks(d, 2);
        assertEquals(List.of("move 600 0"), tables.calls, "stream's tables (on node 1) follow it to node 0");
        assertEquals(0, (int) tables.homes.get(600));
        ticks(d, 6);
        assertEquals(List.of("move 600 0"), tables.calls, "moved once: its tables are there now");
        StatusSnapshot s = d.snapshot();
        assertEquals(1, s.moves());
        assertEquals(0, s.processes().stream().filter(p -> p.pid() == 600).findFirst().orElseThrow().home());
        assertTrue(StatusJson.render(s).contains("\"move\": 1"), StatusJson.render(s));
        d.undo();
        assertEquals(List.of("move 600 0", "home 600 -1"), tables.calls, "its home node put back, not its tables");
        assertEquals(List.of("set 500 1", "set 500 0"), kernel.calls);
    }

    @Test
    void aBriefExcursionIsNotFollowedALastingOneIs() throws Exception {
        Daemon d = daemon(Placement.Mode.AUTO);
        ticks(d, 6);
        assertEquals(List.of("move 600 0"), tables.calls);
        proc.thread(600, 600, "stream", 2); // to node 1 for two intervals
        ticks(d, 2);
        proc.thread(600, 600, "stream", 1); // back
        ticks(d, 4);
        assertEquals(List.of("move 600 0"), tables.calls, "two intervals elsewhere: not followed");
        proc.thread(600, 600, "stream", 3); // to node 1 for good
        ticks(d, 3);
        assertEquals(List.of("move 600 0", "move 600 1"), tables.calls, "followed after the hold");
        d.undo();
    }

    @Test
    void moveOnlyNeverReplicatesAndARefusedMoveWaitsAnotherHold() throws Exception {
        tables.failWith.put(600, Errno.ENOMEM);
        Daemon d = daemon(Placement.Mode.MOVE);
        ticks(d, 6);
        assertEquals(List.of(), kernel.calls, "app spans nodes: move only, so nothing");
        assertEquals(List.of("move 600 0"), tables.calls);
        ticks(d, 2);
        assertEquals(List.of("move 600 0"), tables.calls, "not again at once");
        tables.failWith.clear();
        ticks(d, 1);
        assertEquals(List.of("move 600 0", "move 600 0"), tables.calls, "again after another hold");
        assertEquals(1, d.snapshot().moves());
        d.undo();
    }

    @Test
    void aKilledDaemonsMoveIsUndoneAtTheNextStart() throws Exception {
        Daemon d = daemon(Placement.Mode.AUTO);
        ticks(d, 6);
        assertEquals(List.of("move 600 0"), tables.calls);
        // Killed: no undo. The next daemon finds the journal and puts the home node back.
        Daemon next = daemon(Placement.Mode.AUTO);
        assertEquals(List.of("move 600 0", "home 600 -1"), tables.calls);
        next.undo();
    }

    @Test
    void withoutMovesInTheKernelItReplicates() throws Exception {
        List<String> l = new java.util.ArrayList<>(Traces.record(600, "stream", 1, repeat(DaemonTest.HIGH, 8)));
        ProcFs fs = new ProcFs(root);
        DaemonConfig cfg = DaemonConfig.defaults().withFull(false).withPlacement(Placement.Config.AUTO);
        Daemon d = new Daemon(cfg, fs, new ReplayCounterSource(l), kernel, null, () -> Optional.empty(),
                fs.topology(), SELF, null);
        ticks(d, 4);
        assertEquals(List.of("set 600 1"), kernel.calls);
        d.undo();
    }
}
