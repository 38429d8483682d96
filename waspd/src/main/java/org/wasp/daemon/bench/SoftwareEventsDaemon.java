// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.bench;

import org.wasp.daemon.cli.LinuxPlatform;
import org.wasp.daemon.cli.Platform;
import org.wasp.daemon.cli.WaspdCommand;
import org.wasp.daemon.counters.EventSpec;
import org.wasp.daemon.counters.PerfApi;
import org.wasp.daemon.os.Affinity;
import org.wasp.daemon.os.MemoryBinding;
import org.wasp.daemon.os.OsException;
import org.wasp.daemon.os.ProcFs;
import org.wasp.daemon.os.ReplicationControl;

/**
 * Benchmark entry point (not part of the daemon's command line): the whole daemon, same
 * arguments as {@code waspd.jar}, on the real OS adapters, except that each of the six counter
 * events is opened as a <em>software</em> perf event (cpu-clock, task-clock, page-faults,
 * context-switches, cpu-migrations, minor-faults) because this machine has no PMU. The daemon
 * thus makes the same perf_event_open, read() and close() calls per thread, in the same
 * groups, as with hardware counters, so its CPU use can be measured with live counters ({@code bench/daemon-cpu/run.sh}).
 *
 * <pre>
 * java -cp waspd.jar org.wasp.daemon.bench.SoftwareEventsDaemon 0 --dry-run [waspd options]
 * </pre>
 */
public final class SoftwareEventsDaemon {
    private static final int PERF_TYPE_SOFTWARE = 1;

    private SoftwareEventsDaemon() {
    }

    public static void main(String[] args) {
        LinuxPlatform linux = new LinuxPlatform();
        PerfApi real = linux.perf();
        PerfApi software = new PerfApi() {
            @Override
            public int open(EventSpec spec, int tid, int groupFd) throws OsException {
                // PERF_COUNT_SW_CPU_CLOCK .. PERF_COUNT_SW_PAGE_FAULTS_MIN (0..5), one per event.
                return real.open(new EventSpec(spec.event(), PERF_TYPE_SOFTWARE, spec.event().ordinal()), tid,
                        groupFd);
            }

            @Override
            public void readGroup(int leaderFd, long[] out) throws OsException {
                real.readGroup(leaderFd, out);
            }

            @Override
            public void close(int fd) {
                real.close(fd);
            }

            @Override
            public long raiseFdLimit() {
                return real.raiseFdLimit();
            }
        };
        Platform p = new Platform() {
            @Override
            public boolean isRoot() {
                return linux.isRoot();
            }

            @Override
            public int selfPid() {
                return linux.selfPid();
            }

            @Override
            public ProcFs procFs() {
                return linux.procFs();
            }

            @Override
            public ReplicationControl replication() {
                return linux.replication();
            }

            @Override
            public PerfApi perf() {
                return software;
            }

            @Override
            public Affinity affinity() {
                return linux.affinity();
            }

            @Override
            public MemoryBinding memory() {
                return linux.memory();
            }
        };
        System.exit(WaspdCommand.commandLine(p).execute(args));
    }
}
