// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Checks of the command line that picocli cannot make: options given where they do nothing
 * (warned: the run is still what the user asked for, only not what they may think), -x names
 * that can never match, and a probe buffer no machine can hold (refused). Pure: it reads the
 * parse result and returns messages.
 */
final class OptionChecks {
    /** The kernel keeps the first 15 characters of a program's name in comm (TASK_COMM_LEN 16). */
    static final int COMM_LEN = 15;
    /** The largest --probe-buffer-mb: 8x the biggest last-level caches sold (about 1.1 GiB) and more. */
    static final int MAX_PROBE_BUFFER_MB = 16 * 1024;

    private static final List<String> FULL_ONLY = List.of("-i", "--ptl-pairs", "--min-gain", "--node-recheck",
            "--ptl-matrix", "--probe-buffer-mb", "--probe-warmup", "--probe-steps", "--probe-trials");
    private static final List<String> PROBE_ONLY = List.of("-i", "--ptl-pairs", "--probe-buffer-mb",
            "--probe-warmup", "--probe-steps", "--probe-trials");
    private static final List<String> PERF_ONLY = List.of("--raw-event", "--split-counter-groups", "--max-threads");
    private static final Set<String> STATUS_OPTIONS = Set.of("--status", "--status-file", "--run-dir", "--verbose",
            "--quiet");
    private static final Set<String> TOP_OPTIONS = Set.of("--top", "--interval", "--status-file", "--run-dir",
            "--verbose", "--quiet");

    private OptionChecks() {
    }

    /** One line per option that does nothing as given, and per -x name that cannot match. */
    static List<String> warnings(ParseResult pr) {
        Set<String> given = new LinkedHashSet<>();
        for (OptionSpec o : pr.matchedOptions()) {
            given.add(o.longestName());
        }
        List<String> out = new ArrayList<>();
        if (given.contains("--status")) {
            for (String o : given) {
                if (!STATUS_OPTIONS.contains(o)) {
                    out.add(o + " does nothing with --status");
                }
            }
            return out;
        }
        if (given.contains("--top")) {
            for (String o : given) {
                if (!TOP_OPTIONS.contains(o)) {
                    out.add(o + " does nothing with --top");
                }
            }
            return out;
        }
        boolean naive = "0".equals(pr.matchedPositionalValue(0, "1"));
        if (naive) {
            for (String o : FULL_ONLY) {
                if (given.contains(o)) {
                    out.add(o + " does nothing in naive mode (0): it neither probes nor steers");
                }
            }
        } else if (given.contains("--ptl-matrix")) {
            for (String o : PROBE_ONLY) {
                if (given.contains(o)) {
                    out.add(o + " does nothing with --ptl-matrix: no PTL probe runs");
                }
            }
        }
        if (given.contains("--replay")) {
            for (String o : PERF_ONLY) {
                if (given.contains(o)) {
                    out.add(o + " does nothing with --replay: no perf counters are opened");
                }
            }
        }
        if (given.contains("--dry-run") && given.contains("--adopt-journal")) {
            out.add("--adopt-journal does nothing with --dry-run: a dry run neither reads nor writes the journal");
        }
        if (given.contains("--metrics-bind") && !given.contains("--metrics-port")) {
            out.add("--metrics-bind does nothing without --metrics-port");
        }
        List<String> excluded = pr.matchedOptionValue("--exclude", List.<String>of());
        for (String x : excluded) {
            if (x.length() > COMM_LEN) {
                out.add("-x " + x + " can never match: the kernel keeps only the first " + COMM_LEN
                        + " characters of a name in comm; give -x " + x.substring(0, COMM_LEN));
            }
        }
        return out;
    }

    /** Why {@code mb} cannot be the probe buffer, or null when it can (0: sized from the cache). */
    static String probeBuffer(int mb, long machineBytes) {
        if (mb > MAX_PROBE_BUFFER_MB) {
            return "--probe-buffer-mb " + mb + " is more than " + MAX_PROBE_BUFFER_MB
                    + " (one buffer is kept per memory node; 8x the last-level cache is enough)";
        }
        if (machineBytes > 0 && (long) mb << 20 > machineBytes) {
            return "--probe-buffer-mb " + mb + " is more than this machine's memory (" + (machineBytes >> 20)
                    + " MiB); one buffer is kept per memory node";
        }
        return null;
    }
}
