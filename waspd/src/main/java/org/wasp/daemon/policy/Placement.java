// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.policy;

import java.util.Map;
import java.util.function.Supplier;

/**
 * For a process that needs local page tables (its MAR and DTLB miss rate passed the thresholds,
 * {@link Hysteresis}): one copy moved to the node its threads run on, or a replica on every node
 * they run on. Threads that stayed (nearly) all on one node for the hold window get the tables
 * moved there when most are elsewhere; threads that span nodes get replication. A moved process
 * whose threads settle on another node for the hold window is followed; a shorter excursion (the
 * scheduler balancing for a moment) is not.
 *
 * <p>Pure: fed one interval at a time with where the threads ran (CPU time per node) and where
 * the tables are (pages per node); it says what to do, the caller does it.
 */
public final class Placement {

    /** Which actions the daemon may take ({@code --placement}). */
    public enum Mode {
        /** Move when the threads are on one node, replicate when they span nodes. */
        AUTO,
        /** Only move (never replicate). */
        MOVE,
        /** Only replicate (the daemon before moves existed). */
        REPLICATE;

        boolean mayMove() {
            return this != REPLICATE;
        }

        boolean mayReplicate() {
            return this != MOVE;
        }
    }

    /**
     * @param mode which actions are allowed
     * @param oneNodeShare share of the threads' CPU time on one node that makes it "their node" (0.9)
     * @param hold intervals in a row that node must hold before the tables move there
     * @param homeShare share of the tables on the node below which they are moved there (0.5)
     */
    public record Config(Mode mode, double oneNodeShare, int hold, double homeShare) {
        /** The daemon's default: replicate only, as before moves existed ({@code --placement}). */
        public static final Config DEFAULTS = new Config(Mode.REPLICATE, 0.9, 3, 0.5);
        /** Move or replicate, with the default shares and hold. */
        public static final Config AUTO = new Config(Mode.AUTO, 0.9, 3, 0.5);

        public Config {
            if (!(oneNodeShare > 0.5 && oneNodeShare <= 1)) {
                throw new IllegalArgumentException("one-node share must be in (0.5, 1]: " + oneNodeShare);
            }
            if (hold < 1) {
                throw new IllegalArgumentException("hold must be at least 1 interval: " + hold);
            }
            if (!(homeShare > 0 && homeShare <= 1)) {
                throw new IllegalArgumentException("home share must be in (0, 1]: " + homeShare);
            }
        }
    }

    /** What to do this interval. */
    public record Decision(Kind kind, int node, String reason) {
        public enum Kind {
            /** Nothing to change. */
            KEEP,
            /** Replicate (the nodes: {@link NodeChoice}). */
            REPLICATE,
            /** Move the tables to {@link #node} (turning replication off first if on). */
            MOVE
        }

        static final Decision KEEP = new Decision(Kind.KEEP, -1, "");
    }

    private final Config cfg;
    private int candidate = -1;
    private int streak;

    public Placement(Config cfg) {
        this.cfg = cfg;
    }

    /** Starts the hold window again (the kernel refused a move: not every interval). */
    public void reset() {
        candidate = -1;
        streak = 0;
    }

    /**
     * One interval of a process that needs local tables.
     *
     * @param cpuNs the threads' CPU time this interval per node they ran on
     * @param tables the process's page-table pages per node, read only when a move is considered
     *               (the kernel walks the tables to count them)
     * @param replicated whether it is replicated now
     */
    public Decision step(Map<Integer, Long> cpuNs, Supplier<Map<Integer, Long>> tables, boolean replicated) {
        long total = cpuNs.values().stream().mapToLong(Long::longValue).sum();
        if (total <= 0) {
            return Decision.KEEP; // did not run: nothing learnt
        }
        int top = -1;
        long topNs = -1;
        for (Map.Entry<Integer, Long> e : cpuNs.entrySet()) {
            if (e.getValue() > topNs) {
                top = e.getKey();
                topNs = e.getValue();
            }
        }
        double share = (double) topNs / total;
        boolean oneNode = share >= cfg.oneNodeShare();
        if (!oneNode) {
            candidate = -1;
            streak = 0;
            if (cfg.mode().mayReplicate() && !replicated) {
                return new Decision(Decision.Kind.REPLICATE, -1, String.format(
                        "threads span nodes (at most %.0f%% of their CPU time on node %d)", share * 100, top));
            }
            return Decision.KEEP;
        }
        streak = top == candidate ? streak + 1 : 1;
        candidate = top;
        if (!cfg.mode().mayMove()) {
            return replicated ? Decision.KEEP : new Decision(Decision.Kind.REPLICATE, -1,
                    String.format("threads on node %d (%.0f%%); moving not allowed", top, share * 100));
        }
        if (streak < cfg.hold()) {
            return Decision.KEEP; // not long enough yet: maybe a brief excursion
        }
        Map<Integer, Long> where = tables.get();
        long all = where.values().stream().mapToLong(Long::longValue).sum();
        double there = all > 0 ? (double) where.getOrDefault(top, 0L) / all : 1;
        if (there >= cfg.homeShare() && !replicated) {
            return Decision.KEEP;
        }
        return new Decision(Decision.Kind.MOVE, top, String.format(
                "threads on node %d (%.0f%% of their CPU time) for %d interval(s), %.0f%% of %d page-table "
                        + "pages there%s", top, share * 100, streak, there * 100, all,
                replicated ? "; one copy is enough" : ""));
    }
}
