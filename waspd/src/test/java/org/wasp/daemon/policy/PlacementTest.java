// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wasp.daemon.policy.Placement.Decision;
import org.wasp.daemon.policy.Placement.Mode;

/**
 * The placement policy on traces: per interval, where the threads ran and where the tables are;
 * the test plays the kernel (a move puts every table on the node, replication is on or off).
 */
class PlacementTest {

    /** One interval: CPU ms per node. */
    record Interval(Map<Integer, Long> cpu) {
    }

    static Interval on(int node) {
        return new Interval(Map.of(node, 1000L));
    }

    static Interval spread(int a, int b) {
        return new Interval(Map.of(a, 500L, b, 500L));
    }

    static List<Interval> repeat(Interval i, int n) {
        List<Interval> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            out.add(i);
        }
        return out;
    }

    @SafeVarargs
    static List<Interval> concat(List<Interval>... parts) {
        List<Interval> out = new ArrayList<>();
        for (List<Interval> p : parts) {
            out.addAll(p);
        }
        return out;
    }

    /** "index:MOVE n" or "index:REPLICATE" for every decision but KEEP; tables start on {@code tablesOn}. */
    static List<String> run(Placement.Config cfg, int tablesOn, List<Interval> course) {
        Placement p = new Placement(cfg);
        int tables = tablesOn;
        boolean replicated = false;
        List<String> out = new ArrayList<>();
        for (int i = 0; i < course.size(); i++) {
            int t = tables;
            Decision d = p.step(course.get(i).cpu(), () -> Map.of(t, 1000L), replicated);
            switch (d.kind()) {
                case MOVE -> {
                    out.add(i + ":MOVE " + d.node());
                    assertTrue(d.reason().contains("node " + d.node()), d.reason());
                    tables = d.node();
                    replicated = false;
                }
                case REPLICATE -> {
                    out.add(i + ":REPLICATE");
                    assertTrue(d.reason().contains("node"), d.reason());
                    replicated = true;
                }
                case KEEP -> { }
            }
        }
        return out;
    }

    @Test
    void threadsOnOneNodeWithTablesElsewhereMoveAfterTheHold() {
        assertEquals(List.of("2:MOVE 1"), run(Placement.Config.AUTO, 0, repeat(on(1), 10)));
    }

    @Test
    void tablesAlreadyThereStay() {
        assertEquals(List.of(), run(Placement.Config.AUTO, 1, repeat(on(1), 10)));
    }

    @Test
    void threadsSpanningNodesReplicateAtOnce() {
        assertEquals(List.of("0:REPLICATE"), run(Placement.Config.AUTO, 0, repeat(spread(0, 1), 10)));
    }

    @Test
    void aBriefExcursionIsNotFollowed() {
        // Moved to node 1, then two intervals on node 0 (shorter than the hold of 3), then back.
        List<Interval> course = concat(repeat(on(1), 5), repeat(on(0), 2), repeat(on(1), 5));
        assertEquals(List.of("2:MOVE 1"), run(Placement.Config.AUTO, 0, course));
    }

    @Test
    void aLastingMoveOfTheThreadsIsFollowed() {
        List<Interval> course = concat(repeat(on(1), 5), repeat(on(2), 5));
        assertEquals(List.of("2:MOVE 1", "7:MOVE 2"), run(Placement.Config.AUTO, 0, course));
    }

    @Test
    void aReplicatedProcessWhoseThreadsSettleIsMovedInstead() {
        List<Interval> course = concat(repeat(spread(0, 1), 3), repeat(on(1), 5));
        assertEquals(List.of("0:REPLICATE", "5:MOVE 1"), run(Placement.Config.AUTO, 0, course));
    }

    @Test
    void aMovedProcessWhoseThreadsSpreadIsReplicated() {
        List<Interval> course = concat(repeat(on(1), 4), repeat(spread(0, 1), 2));
        assertEquals(List.of("2:MOVE 1", "4:REPLICATE"), run(Placement.Config.AUTO, 0, course));
    }

    @Test
    void nearlyAllOnOneNodeCountsAsOne() {
        Interval mostly = new Interval(Map.of(1, 950L, 0, 50L));
        Interval half = new Interval(Map.of(1, 850L, 0, 150L));
        assertEquals(List.of("2:MOVE 1"), run(Placement.Config.AUTO, 0, repeat(mostly, 5)));
        assertEquals(List.of("0:REPLICATE"), run(Placement.Config.AUTO, 0, repeat(half, 5)));
    }

    @Test
    void modesForbidAnAction() {
        Placement.Config moveOnly = new Placement.Config(Mode.MOVE, 0.9, 3, 0.5);
        Placement.Config replicateOnly = new Placement.Config(Mode.REPLICATE, 0.9, 3, 0.5);
        assertEquals(List.of(), run(moveOnly, 0, repeat(spread(0, 1), 5)));
        assertEquals(List.of("2:MOVE 1"), run(moveOnly, 0, repeat(on(1), 5)));
        assertEquals(List.of("0:REPLICATE"), run(replicateOnly, 0, repeat(on(1), 5)));
    }

    @Test
    void anIdleIntervalChangesNothing() {
        Placement p = new Placement(Placement.Config.AUTO);
        assertEquals(Decision.Kind.KEEP, p.step(Map.of(), () -> Map.of(0, 10L), false).kind());
        assertEquals(Decision.Kind.KEEP, p.step(Map.of(1, 0L), () -> Map.of(0, 10L), false).kind());
    }

    @Test
    void aRefusedMoveWaitsAnotherHold() {
        Placement p = new Placement(Placement.Config.AUTO);
        java.util.function.Supplier<Map<Integer, Long>> tables = () -> Map.of(0, 100L);
        for (int i = 0; i < 2; i++) {
            assertEquals(Decision.Kind.KEEP, p.step(on(1).cpu(), tables, false).kind());
        }
        assertEquals(Decision.Kind.MOVE, p.step(on(1).cpu(), tables, false).kind());
        p.reset(); // the kernel said ENOMEM: not again at the next interval
        assertEquals(Decision.Kind.KEEP, p.step(on(1).cpu(), tables, false).kind());
        assertEquals(Decision.Kind.KEEP, p.step(on(1).cpu(), tables, false).kind());
        assertEquals(Decision.Kind.MOVE, p.step(on(1).cpu(), tables, false).kind());
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Placement.Config(Mode.AUTO, 0.5, 3, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new Placement.Config(Mode.AUTO, 0.9, 0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new Placement.Config(Mode.AUTO, 0.9, 3, 0));
    }
}
