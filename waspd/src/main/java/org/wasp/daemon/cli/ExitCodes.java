// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.cli;

/** waspd's exit codes (also listed in --help and docs/waspd.md). */
public final class ExitCodes {
    private ExitCodes() {
    }

    /** Stopped normally (SIGTERM/SIGINT, --once, end of a replayed trace, --status printed). */
    public static final int OK = 0;
    /** Runtime failure (I/O error, internal error, no live daemon or a stale status file for --status). */
    public static final int RUNTIME = 1;
    /**
     * Bad command line or --config file, unreadable/malformed --replay or --ptl-matrix file, --record file not
     * creatable.
     */
    public static final int USAGE = 2;
    /** Not root (and no --dry-run). */
    public static final int NOT_ROOT = 3;
    /** The kernel has no page-table replication (prctl EINVAL). */
    public static final int NO_REPLICATION = 4;
    /** The PMU lacks counter events waspd needs (or perf_event_open is not allowed). */
    public static final int NO_EVENTS = 5;
    /** Another waspd holds the instance lock (RUN_DIR/waspd.pid); the message names its pid. */
    public static final int ALREADY_RUNNING = 6;
}
