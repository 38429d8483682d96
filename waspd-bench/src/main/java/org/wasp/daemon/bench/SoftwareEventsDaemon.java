// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.bench;

import java.util.ArrayList;
import java.util.List;
import org.wasp.daemon.cli.LinuxPlatform;
import org.wasp.daemon.cli.WaspdCommand;
import org.wasp.daemon.counters.LinuxPerfApi;
import org.wasp.daemon.counters.PerfApi;

/**
 * Benchmark entry point (not part of the daemon's command line): the whole daemon, same
 * arguments as {@code waspd.jar}, on the real OS adapters, except that each of the six counter
 * events is opened as a <em>software</em> perf event ({@link SoftwareEvents}) because this
 * machine has no PMU. The daemon thus makes the same perf_event_open, read() and close() calls
 * per thread, in the same groups, as with hardware counters, so its CPU use can be measured
 * with live counters ({@code bench/daemon-cpu/run.sh}).
 *
 * <p>{@code --busy-pid PID} (taken out before the daemon's own options are parsed) makes every
 * thread of PID look busy ({@link BusyThreads}): its reads are still made, but report the
 * counts of a thread that runs all the time with a high MAR and miss rate, so that the process
 * is replicated and, in full mode, steered, as a replay trace would make it, but with live
 * counter reads and every thread seen running.
 *
 * <pre>
 * java -cp waspd.jar org.wasp.daemon.bench.SoftwareEventsDaemon 0 --dry-run [--busy-pid PID] [waspd options]
 * </pre>
 */
public final class SoftwareEventsDaemon {
    private SoftwareEventsDaemon() {
    }

    public static void main(String[] args) {
        List<String> rest = new ArrayList<>();
        Integer busy = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--busy-pid") && i + 1 < args.length) {
                busy = Integer.parseInt(args[++i]);
            } else {
                rest.add(args[i]);
            }
        }
        PerfApi perf = new SoftwareEvents(new LinuxPerfApi());
        if (busy != null) {
            perf = new BusyThreads(perf, busy);
        }
        System.exit(WaspdCommand.commandLine(new LinuxPlatform(perf)).execute(rest.toArray(new String[0])));
    }
}
