// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.wasp.daemon.core.Daemon;
import org.wasp.daemon.core.DaemonConfig;
import org.wasp.daemon.counters.CounterSource;
import org.wasp.daemon.counters.Event;
import org.wasp.daemon.counters.EventSpec;
import org.wasp.daemon.counters.GroupLayout;
import org.wasp.daemon.counters.LinuxPerfApi;
import org.wasp.daemon.counters.PerfApi;
import org.wasp.daemon.counters.PerfCounterSource;
import org.wasp.daemon.counters.ProcessSample;
import org.wasp.daemon.counters.ReplayCounterSource;
import org.wasp.daemon.os.PrctlReplicationControl;
import org.wasp.daemon.os.ProcFs;
import org.wasp.daemon.policy.PtlMatrix;
import org.wasp.daemon.probe.PtlSource;

/**
 * Benchmark entry point (not part of the daemon's command line): the CPU time of one
 * {@link Daemon#tick()} (dry run) on the real /proc, with a chosen counter source, measured
 * as the ticking thread's CPU time.
 *
 * <pre>
 * java -cp waspd.jar org.wasp.daemon.bench.TickBench --source none|replay:FILE|perf-sw
 *      [--mode 0|1] [--pid PID] [--ticks N] [--warmup N] [--sleep-ms MS] [--busy-pid PID]
 *      [--groups 2]
 * </pre>
 *
 * <ul>
 * <li>{@code none}: every poll returns no readings, so a tick is the /proc scan (process list,
 *     stat of each, task list of each) plus the loop's own work: the scanning cost.</li>
 * <li>{@code replay:FILE}: the replay source, as in {@code waspd --replay}.</li>
 * <li>{@code perf-sw}: the daemon's own {@link PerfCounterSource} and {@link LinuxPerfApi},
 *     but with six <em>software</em> events ({@link SoftwareEvents}) in place of the cache
 *     events this machine has no PMU for: the same descriptors, groups and read() calls per
 *     thread as with hardware counters; with {@code --busy-pid}, that process's threads read as
 *     busy ({@link BusyThreads}); the events in one group per thread
 *     ({@link GroupLayout#choose}, as the daemon does) unless {@code --groups 2}.</li>
 * </ul>
 * Mode 1 gives the daemon a fixed one-node PTL matrix (no probe runs), so threads of
 * processes that would be replicated are walked for steering as in full mode.
 */
public final class TickBench {
    private TickBench() {
    }

    public static void main(String[] args) throws Exception {
        String source = "none";
        boolean full = false;
        Integer pid = null;
        Integer busyPid = null;
        int ticks = 60;
        int warmup = 10;
        long sleepMs = 100;
        String groups = "auto";
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                System.err.println("TickBench: " + args[i] + " needs a value");
                System.exit(2);
            }
            String v = args[i + 1];
            switch (args[i]) {
                case "--source" -> source = v;
                case "--mode" -> full = v.equals("1");
                case "--pid" -> pid = Integer.parseInt(v);
                case "--busy-pid" -> busyPid = Integer.parseInt(v);
                case "--ticks" -> ticks = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--sleep-ms" -> sleepMs = Long.parseLong(v);
                case "--groups" -> groups = v;
                default -> {
                    System.err.println("TickBench: unknown argument " + args[i]);
                    System.exit(2);
                }
            }
        }
        CounterSource counters;
        if (source.equals("none")) {
            counters = new NoCounters();
        } else if (source.startsWith("replay:")) {
            counters = ReplayCounterSource.open(Path.of(source.substring("replay:".length())));
        } else if (source.equals("perf-sw")) {
            PerfApi api = new SoftwareEvents(new LinuxPerfApi());
            Map<Event, EventSpec> specs = EventSpec.resolve(Map.of());
            GroupLayout layout = groups.equals("2") ? GroupLayout.LOADS_AND_STORES : GroupLayout.choose(api, specs);
            counters = new PerfCounterSource(busyPid == null ? api : new BusyThreads(api, busyPid), specs, layout,
                    100_000, 0);
            source += " groups " + layout;
        } else {
            System.err.println("TickBench: --source must be none, replay:FILE or perf-sw");
            System.exit(2);
            return;
        }
        ProcFs proc = ProcFs.system();
        DaemonConfig cfg = DaemonConfig.defaults().withDryRun(true).withFull(full)
                .withPids(pid == null ? Set.of() : Set.of(pid));
        // One matrix object, as the probe publishes one per period.
        Optional<PtlMatrix> matrix = Optional.of(new PtlMatrix(new double[][] {{100.0}}, 0));
        PtlSource ptl = () -> matrix;
        int self = (int) ProcessHandle.current().pid();
        Daemon d = new Daemon(cfg, proc, counters, new PrctlReplicationControl(), full ? ptl : null, proc.topology(),
                self);
        d.start();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] cpu = new long[ticks];
        long[] wall = new long[ticks];
        int threads = 0;
        for (int t = -warmup; t < ticks; t++) {
            long c0 = mx.getCurrentThreadCpuTime();
            long w0 = System.nanoTime();
            d.tick();
            long w1 = System.nanoTime();
            long c1 = mx.getCurrentThreadCpuTime();
            if (t >= 0) {
                cpu[t] = c1 - c0;
                wall[t] = w1 - w0;
                threads = Math.max(threads, d.snapshot().monitoredThreads());
            }
            Thread.sleep(sleepMs);
        }
        d.undo();
        Arrays.sort(cpu);
        Arrays.sort(wall);
        System.out.printf("source %s mode %d pid %s processes %d counted_threads %d ticks %d%n", source, full ? 1 : 0,
                pid == null ? "all" : pid, proc.pids().size(), threads, ticks);
        System.out.printf("tick_cpu_ms median %.3f mean %.3f min %.3f max %.3f%n", cpu[ticks / 2] / 1e6,
                Arrays.stream(cpu).average().orElse(0) / 1e6, cpu[0] / 1e6, cpu[ticks - 1] / 1e6);
        System.out.printf("tick_wall_ms median %.3f max %.3f%n", wall[ticks / 2] / 1e6, wall[ticks - 1] / 1e6);
    }

    /** Polls return no readings: what remains of a tick is scanning /proc and the loop itself. */
    private static final class NoCounters implements CounterSource {
        @Override
        public long beginInterval() {
            return System.nanoTime();
        }

        @Override
        public ProcessSample poll(int pid, String comm, Collection<Integer> tids) {
            return new ProcessSample(pid, comm, System.nanoTime(), List.of());
        }

        @Override
        public void release(int pid) {
        }

        @Override
        public int monitoredThreads() {
            return 0;
        }

        @Override
        public void close() {
        }
    }
}
