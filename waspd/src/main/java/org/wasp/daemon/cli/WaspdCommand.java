// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.cli;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.wasp.daemon.core.CountingCounterSource;
import org.wasp.daemon.core.CountingReplicationControl;
import org.wasp.daemon.core.Daemon;
import org.wasp.daemon.core.Health;
import org.wasp.daemon.core.DaemonConfig;
import org.wasp.daemon.core.InstanceLock;
import org.wasp.daemon.core.Journal;
import org.wasp.daemon.core.MetricsServer;
import org.wasp.daemon.core.PrometheusText;
import org.wasp.daemon.core.StatusFile;
import org.wasp.daemon.core.StatusSnapshot;
import org.wasp.daemon.counters.CounterSource;
import org.wasp.daemon.counters.CpuDetect;
import org.wasp.daemon.counters.Event;
import org.wasp.daemon.counters.EventSelection;
import org.wasp.daemon.counters.EventSpec;
import org.wasp.daemon.counters.GroupLayout;
import org.wasp.daemon.counters.PerfApi;
import org.wasp.daemon.counters.PerfCounterSource;
import org.wasp.daemon.counters.RecordingCounterSource;
import org.wasp.daemon.counters.ReplayCounterSource;
import org.wasp.daemon.counters.TraceError;
import org.wasp.daemon.jna.Errno;
import org.wasp.daemon.os.IoErrors;
import org.wasp.daemon.os.ProcFs;
import org.wasp.daemon.os.ReplicationControl;
import org.wasp.daemon.os.Topology;
import org.wasp.daemon.policy.NodeChoice;
import org.wasp.daemon.policy.Placement;
import org.wasp.daemon.policy.Thresholds;
import org.wasp.daemon.probe.FixedPtl;
import org.wasp.daemon.probe.PeriodicPtl;
import org.wasp.daemon.probe.PtlProbe;
import org.wasp.daemon.probe.PtlSource;
import org.wasp.daemon.top.TopView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The waspd command line: parses options, checks the machine, wires the layers, runs the loop. */
@Command(name = "waspd", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Workload-aware page-table replication: turns replication on for processes with many "
                + "memory accesses and DTLB misses, off again when that stops, and (full mode) steers each "
                + "thread to the fastest page-table replica."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped normally (SIGTERM/SIGINT, --once, end of --replay trace, --status printed, --top quit)",
            "1:runtime error (or --status, --top: no running daemon, or its status file is stale)",
            "2:bad options or --config file; unreadable or malformed --replay or --ptl-matrix file; --record file not "
                    + "creatable",
            "3:not root (use sudo, or --dry-run)",
            "4:kernel without page-table replication",
            "5:PMU lacks the needed counter events (see --raw-event, --replay)",
            "6:another waspd is running (it holds RUN_DIR/waspd.pid; the message names its pid)"})
public final class WaspdCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(WaspdCommand.class);

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODE", defaultValue = "1",
            description = "1: full mode, PTL probe and thread steering (default); 0: naive mode, replication "
                    + "only, threads use their local replica.")
    String mode;

    @Option(names = {"-x", "--exclude"}, paramLabel = "NAME",
            description = "Never replicate processes with this comm (repeatable).")
    List<String> excluded = new ArrayList<>();

    @Option(names = "-i", paramLabel = "SECONDS", defaultValue = "10", converter = Converters.Millis.class,
            description = "PTL probe period in full mode: a full matrix first, then --ptl-pairs entries "
                    + "re-measured every period (default: ${DEFAULT-VALUE} s).")
    long ptlPeriodMs;

    @Option(names = "--ptl-pairs", paramLabel = "N", defaultValue = "1",
            description = "(CPU node, memory node) pairs re-measured each -i period once the first full matrix "
                    + "is in, round-robin; 0: the full matrix every period (default: ${DEFAULT-VALUE}).")
    int ptlPairs;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s", converter = Converters.Millis.class,
            description = "Sampling interval, e.g. 1s, 500ms (default: ${DEFAULT-VALUE}).")
    long intervalMs;

    @Option(names = "--pid", paramLabel = "PID", description = "Watch only this process (repeatable).")
    List<Integer> pids = new ArrayList<>();

    @Option(names = "--dry-run", description = "Decide and log, change nothing (root not required).")
    boolean dryRun;

    @Option(names = "--once", description = "Run one interval after the baseline sample, then undo and exit.")
    boolean once;

    @Option(names = "--replay", paramLabel = "FILE",
            description = "Read counters from a trace written by --record instead of perf.")
    Path replay;

    @Option(names = "--record", paramLabel = "FILE", description = "Write every counter reading to FILE.")
    Path record;

    @Option(names = "--mar-threshold", paramLabel = "RATE", defaultValue = "10M", converter = Converters.Rate.class,
            description = "Memory accesses per second to turn replication on (default: ${DEFAULT-VALUE}).")
    double marThreshold;

    @Option(names = "--miss-threshold", paramLabel = "FRACTION", defaultValue = "1%",
            converter = Converters.Fraction.class,
            description = "DTLB miss rate to turn replication on (default: ${DEFAULT-VALUE}).")
    double missThreshold;

    @Option(names = "--margin", paramLabel = "FRACTION", defaultValue = "20%", converter = Converters.Fraction.class,
            description = "Off only below threshold x (1 - margin) (default: ${DEFAULT-VALUE}).")
    double margin;

    @Option(names = "--hold-on", paramLabel = "N", defaultValue = "3",
            description = "Intervals above the thresholds before turning on (default: ${DEFAULT-VALUE}).")
    int holdOn;

    @Option(names = "--hold-off", paramLabel = "N", defaultValue = "3",
            description = "Intervals below the off line before turning off (default: ${DEFAULT-VALUE}).")
    int holdOff;

    @Option(names = "--nodes", paramLabel = "all|running", defaultValue = "all",
            description = "Replicate on all memory nodes or on the nodes the process runs on (default: "
                    + "${DEFAULT-VALUE}).")
    String nodes;

    @Option(names = "--placement", paramLabel = "replicate|move|auto", defaultValue = "replicate",
            description = "What a process that needs local page tables gets: replicas (as WASP always did), its "
                    + "tables moved to the node its threads run on, or either: moved while its threads stay on "
                    + "one node, replicated while they span nodes (default: ${DEFAULT-VALUE}).")
    String placement;

    @Option(names = "--placement-hold", paramLabel = "N", defaultValue = "3",
            description = "Intervals the threads must stay on one node before its tables move there, or follow "
                    + "them to another (default: ${DEFAULT-VALUE}).")
    int placementHold;

    @Option(names = "--one-node-share", paramLabel = "FRACTION", defaultValue = "90%",
            converter = Converters.Fraction.class,
            description = "Share of a process's CPU time on one node that makes it that node's (default: "
                    + "${DEFAULT-VALUE}).")
    double oneNodeShare;

    @Option(names = "--min-gain", paramLabel = "FRACTION", defaultValue = "10%", converter = Converters.Fraction.class,
            description = "Steer a thread only if its PTL drops by this much (default: ${DEFAULT-VALUE}).")
    double minGain;

    @Option(names = "--node-recheck", paramLabel = "N", defaultValue = "" + DaemonConfig.DEFAULT_NODE_RECHECK,
            description = "Full mode: re-read the CPU node of each thread of a replicated process at least every N "
                    + "intervals (new threads at once); 1: every thread every interval (default: ${DEFAULT-VALUE}).")
    int nodeRecheck;

    @Option(names = "--thread-relist", paramLabel = "N", defaultValue = "" + DaemonConfig.DEFAULT_THREAD_RELIST,
            description = "List a process's threads (/proc/PID/task) when its thread count changes, else every N "
                    + "intervals if a pid was allocated since the last listing; 1: every such interval (default: "
                    + "${DEFAULT-VALUE}).")
    int threadRelist;

    @Option(names = "--adopt",
            description = "Manage processes already replicated at start (default: leave them alone).")
    boolean adopt;

    @Option(names = "--adopt-journal",
            description = "After a crash, manage the processes and threads that the killed daemon had changed, "
                    + "as listed in RUN_DIR/waspd.journal (default: put each back as it was before).")
    boolean adoptJournal;

    @Option(names = "--max-threads", paramLabel = "N", defaultValue = "100000",
            description = "Most threads to count; also capped by the descriptor limit (default: ${DEFAULT-VALUE}).")
    int maxThreads;

    @Option(names = "--generic-events",
            description = "Count with the kernel's generic cache events even where waspd has an event table for the "
                    + "CPU (their meaning depends on the CPU; for comparisons).")
    boolean genericEvents;

    @Option(names = "--split-counter-groups",
            description = "Count each thread's loads and stores as two groups (two reads per interval) even where "
                    + "the PMU schedules all events as one (default: one group where it can).")
    boolean splitCounterGroups;

    @Option(names = "--raw-event", paramLabel = "EVENT=CONFIG",
            description = "Raw PMU code for an event instead of the generic one; EVENT is one of l1d_read, "
                    + "l1d_write, dtlb_read, dtlb_write, dtlb_read_miss, dtlb_write_miss (repeatable).")
    Map<String, String> rawEvents = new LinkedHashMap<>();

    @Option(names = "--probe-buffer-mb", paramLabel = "MB", defaultValue = "0",
            description = "PTL probe buffer size; 0: 8x the last-level cache, at least 64 MiB (default).")
    int probeBufferMb;

    @Option(names = "--probe-warmup", paramLabel = "N", defaultValue = "" + PtlProbe.DEFAULT_WARMUP_STEPS,
            description = "Dependent loads of the warm-up before each probe measurement's trials, after one load "
                    + "per page of the buffer (default: ${DEFAULT-VALUE}).")
    long probeWarmup;

    @Option(names = "--probe-steps", paramLabel = "N", defaultValue = "" + PtlProbe.DEFAULT_STEPS,
            description = "Dependent loads per probe trial (default: ${DEFAULT-VALUE}).")
    long probeSteps;

    @Option(names = "--probe-trials", paramLabel = "N", defaultValue = "" + PtlProbe.DEFAULT_TRIALS,
            description = "Timed probe trials after warm-up; the minimum is kept (default: ${DEFAULT-VALUE}).")
    int probeTrials;

    @Option(names = "--ptl-matrix", paramLabel = "FILE",
            description = "Full mode: steer by this PTL matrix (one line per CPU node, ns to each memory node) "
                    + "instead of measuring one; for matrices measured elsewhere and for tests.")
    Path ptlMatrix;

    @Option(names = "--status", description = "Print the running daemon's status and exit.")
    boolean status;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Settings file read at start and again on SIGHUP (thresholds, hold counts, --min-gain, "
                    + "exclusions, --interval, log level: KEY = VALUE lines); its values win over the command line's.")
    Path config;

    @Option(names = "--top", description = "Show the running daemon's status live, refreshed every --interval "
            + "(q or Ctrl-C quits); without a terminal, print it once.")
    boolean top;

    @Option(names = "--status-file", paramLabel = "FILE",
            description = "Where the daemon writes its status (default: RUN_DIR/status.json).")
    Path statusFile;

    @Option(names = "--run-dir", paramLabel = "RUN_DIR", defaultValue = "/run/waspd",
            description = "Directory of the instance lock waspd.pid and of the journal waspd.journal (one daemon "
                    + "per directory; a dry run uses neither) and of the default status file (default: "
                    + "${DEFAULT-VALUE}).")
    Path runDir;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve Prometheus metrics on http://BIND:PORT/metrics.")
    Integer metricsPort;

    @Option(names = "--metrics-bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Address for --metrics-port (default: ${DEFAULT-VALUE}).")
    String metricsBind;

    @Option(names = {"-v", "--verbose"}, description = "Log per-process figures every interval.")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, description = "Log warnings and errors only.")
    boolean quiet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Platform platform;
    private final Health health = new Health();
    private final java.util.concurrent.atomic.AtomicBoolean reload = new java.util.concurrent.atomic.AtomicBoolean();
    /** The settings of the command line alone; each read of --config starts from them. */
    private LiveSettings commandLineSettings;
    private LiveSettings live;
    /** The settings the status shows (--top's thresholds). */
    private volatile StatusSnapshot.Policy policy;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    public WaspdCommand(Platform platform) {
        this.platform = platform;
    }

    /** The configured command line: one-line messages for user errors, exit codes from {@link ExitCodes}. */
    public static CommandLine commandLine(Platform platform) {
        CommandLine cl = new CommandLine(new WaspdCommand(platform));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (ex instanceof UserError u) {
                err.println("waspd: " + u.getMessage());
                return u.exitCode();
            }
            err.println("waspd: " + ex);
            if (((WaspdCommand) cmd.getCommand()).verbose) {
                ex.printStackTrace(err);
            } else {
                err.println("waspd: (run with --verbose for the stack trace)");
            }
            return ExitCodes.RUNTIME;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("waspd: " + ex.getMessage());
            err.println("Try 'waspd --help' for the options.");
            return ExitCodes.USAGE;
        });
        return cl;
    }

    /** Asks a running loop to read --config again before its next tick (what SIGHUP does). */
    public void requestReload() {
        reload.set(true);
    }

    /** Asks a running loop to stop (what SIGTERM does). */
    public void requestStop() {
        stop.countDown();
    }

    @Override
    public Integer call() throws Exception {
        configureLogging();
        if (statusFile == null) {
            statusFile = runDir.resolve("status.json");
        }
        OptionChecks.warnings(spec.commandLine().getParseResult()).forEach(w -> LOG.warn("{}", w));
        if (status) {
            return printStatus();
        }
        if (top) {
            return top();
        }
        DaemonConfig cfg = config();
        commandLineSettings = new LiveSettings(cfg.thresholds(), cfg.minGain(), cfg.excluded(), intervalMs,
                verbose ? "debug" : quiet ? "warn" : "info");
        if (config != null) {
            cfg = apply(cfg, readConfig());
        }
        if (!dryRun && !platform.isRoot()) {
            throw new UserError(ExitCodes.NOT_ROOT,
                    "must run as root to change page-table replication (use sudo, or --dry-run to only log decisions)");
        }
        InstanceLock lock = dryRun ? null : lock();
        try {
            return run(cfg, dryRun ? null : journal());
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }

    /** Opens the journal next to the lock (reading what a killed daemon left there). */
    private Journal journal() {
        try {
            return Journal.open(runDir);
        } catch (IOException e) {
            throw new UserError(ExitCodes.RUNTIME, "cannot open the journal: "
                    + IoErrors.describe(Journal.file(runDir), e));
        }
    }

    /** Takes the one-instance lock, or says which pid holds it. */
    private InstanceLock lock() {
        try {
            return InstanceLock.acquire(runDir, platform.selfPid());
        } catch (InstanceLock.HeldException e) {
            throw new UserError(ExitCodes.ALREADY_RUNNING, e.getMessage() + ": it holds "
                    + InstanceLock.file(runDir) + "; stop it first, or give this one another --run-dir");
        } catch (IOException e) {
            throw new UserError(ExitCodes.RUNTIME, "cannot take the instance lock: "
                    + IoErrors.describe(InstanceLock.file(runDir), e));
        }
    }

    private int run(DaemonConfig cfg, Journal journal) throws Exception {
        ReplicationControl control = new CountingReplicationControl(platform.replication(), health);
        String cause = control.unavailabilityCause();
        if (cause != null) {
            if (!dryRun) {
                closeUnused(journal);
                throw new UserError(ExitCodes.NO_REPLICATION, cause + "; boot a WASP kernel (or use --dry-run)");
            }
            LOG.warn("{} (dry run: continuing)", cause);
        }
        ProcFs proc = platform.procFs();
        Topology topology = proc.topology();
        CounterSource counters;
        try {
            counters = openCounters();
        } catch (RuntimeException e) {
            closeUnused(journal);
            throw e;
        }
        PtlSource ptl = null;
        MetricsServer metrics = null;
        Daemon daemon = null;
        StatusFile sf = new StatusFile(statusFile);
        try {
            if (record != null) {
                counters = recording(counters);
            }
            counters = new CountingCounterSource(counters, health);
            if (cfg.full()) {
                ptl = startProbe(topology, proc);
            }
            daemon = new Daemon(cfg, proc, counters, control, platform.placement(), ptl, topology, platform.selfPid(),
                    journal);
            final Daemon d = daemon;
            if (metricsPort != null) {
                metrics = metricsServer(d);
                LOG.info("metrics on http://{}:{}/metrics", metricsBind, metrics.port());
            }
            policy = new StatusSnapshot.Policy(cfg.thresholds(), cfg.minGain(), intervalMs);
            installStopHandlers(d);
            LOG.info("waspd {} started: {} mode{}, interval {} ms, {} node(s) with memory {}",
                    VersionProvider.version(), cfg.full() ? "full" : "naive", dryRun ? " (dry run)" : "",
                    intervalMs, topology.memoryNodes().cardinality(), topology.memoryNodes());
            d.start();
            Signals.onHangup(this::requestReload);
            watchdogCheck();
            platform.notifier().send("READY=1\nSTATUS=" + statusLine(cfg));
            try {
                loop(d, sf, cfg);
            } catch (TraceError e) {
                throw new UserError(ExitCodes.USAGE, "--replay " + e.getMessage());
            }
            return ExitCodes.OK;
        } finally {
            platform.notifier().send("STOPPING=1");
            if (daemon != null) {
                daemon.undo();
            } else {
                counters.close();
                closeUnused(journal);
            }
            sf.delete();
            if (metrics != null) {
                metrics.close();
            }
            if (ptl != null) {
                ptl.close();
            }
            finished.countDown();
        }
    }

    /**
     * Closes a journal no daemon took over (the start failed before): kept as it is when it
     * holds a killed daemon's changes, for the next start to settle; else removed.
     */
    private static void closeUnused(Journal journal) {
        if (journal == null) {
            return;
        }
        try {
            journal.close();
        } catch (IOException e) {
            LOG.warn("cannot close the journal: {}", IoErrors.describe(journal.path(), e));
        }
    }

    private CounterSource recording(CounterSource counters) {
        try {
            return new RecordingCounterSource(counters, record);
        } catch (IOException e) {
            throw new UserError(ExitCodes.USAGE, "--record: cannot create " + IoErrors.describe(record, e));
        }
    }

    private MetricsServer metricsServer(Daemon d) {
        try {
            String version = VersionProvider.version();
            return new MetricsServer(metricsBind, metricsPort,
                    () -> PrometheusText.render(d.snapshot(), health.view(), version));
        } catch (IOException e) {
            throw new UserError(ExitCodes.RUNTIME, "--metrics-port " + metricsPort + " on " + metricsBind + ": "
                    + IoErrors.reason(e));
        }
    }

    private void loop(Daemon d, StatusFile sf, DaemonConfig start) throws InterruptedException {
        DaemonConfig cfg = start;
        // The first tick only takes the baseline sample; --once runs one more to decide on.
        int ticks = 0;
        boolean statusWarned = false;
        while (stop.getCount() > 0) {
            if (reload.getAndSet(false)) {
                cfg = reload(d, cfg);
            }
            long t0 = System.nanoTime();
            d.tick();
            health.tickDone(System.nanoTime() - t0, System.currentTimeMillis());
            platform.notifier().send("WATCHDOG=1");
            ticks++;
            try {
                sf.write(d.snapshot().with(policy));
            } catch (IOException e) {
                health.error(Health.STATUS_FILE);
                if (!statusWarned) {
                    statusWarned = true;
                    LOG.warn("cannot write the status file: {}", IoErrors.describe(sf.path(), e));
                }
            }
            if ((once && ticks >= 2) || d.sourceExhausted()) {
                break;
            }
            stop.await(intervalMs, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * SIGTERM/SIGINT stop the loop, which undoes and exits. The shutdown hook (also run on
     * System.exit or a signal the JVM handles itself) gives the loop 10 s to do so, then undoes
     * itself; {@link Daemon#undo()} waits for a tick still in progress and runs only once.
     */
    private void installStopHandlers(Daemon d) {
        Signals.onTerminate(this::requestStop);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            requestStop();
            try {
                if (!finished.await(10, TimeUnit.SECONDS)) {
                    d.undo();
                }
            } catch (InterruptedException e) {
                d.undo();
            }
        }, "waspd-shutdown"));
    }

    private DaemonConfig config() {
        if (!mode.equals("0") && !mode.equals("1")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "MODE must be 1 (full) or 0 (naive), not '" + mode + "'");
        }
        NodeChoice nc;
        try {
            nc = NodeChoice.valueOf(nodes.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--nodes must be 'all' or 'running'");
        }
        Thresholds t;
        try {
            t = new Thresholds(marThreshold, missThreshold, margin, holdOn, holdOff);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Placement.Config pl;
        try {
            pl = new Placement.Config(Placement.Mode.valueOf(placement.toUpperCase()), oneNodeShare, placementHold,
                    Placement.Config.DEFAULTS.homeShare());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), placement.matches("(?i)replicate|move|auto")
                    ? "--placement-hold must be >= 1 and --one-node-share above 50%: " + e.getMessage()
                    : "--placement must be 'replicate', 'move' or 'auto', not '" + placement + "'");
        }
        if (maxThreads < 1 || probeSteps < 1 || probeTrials < 1 || probeBufferMb < 0 || ptlPairs < 0
                || probeWarmup < 0 || nodeRecheck < 1 || threadRelist < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-threads, --probe-steps, "
                    + "--probe-trials, --node-recheck and --thread-relist must be >= 1, --probe-buffer-mb, "
                    + "--probe-warmup and --ptl-pairs >= 0");
        }
        String buffer = OptionChecks.probeBuffer(probeBufferMb, platform.procFs().memTotalBytes());
        if (buffer != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), buffer);
        }
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--metrics-port must be in 0..65535");
        }
        if (replay != null && record != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--replay and --record exclude each other");
        }
        rawOverrides();
        return new DaemonConfig(mode.equals("1"), new LinkedHashSet<>(excluded), new LinkedHashSet<>(pids), dryRun,
                adopt, adoptJournal, t, nc, minGain, nodeRecheck, threadRelist, pl);
    }

    private Map<Event, Long> rawOverrides() {
        Map<Event, Long> m = new EnumMap<>(Event.class);
        for (Map.Entry<String, String> e : rawEvents.entrySet()) {
            Event ev = Event.byKey(e.getKey());
            if (ev == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "unknown event '" + e.getKey() + "' in --raw-event");
            }
            String v = e.getValue().trim().toLowerCase();
            try {
                m.put(ev, v.startsWith("0x") ? Long.parseUnsignedLong(v.substring(2), 16)
                        : v.startsWith("r") ? Long.parseUnsignedLong(v.substring(1), 16) : Long.parseLong(v));
            } catch (NumberFormatException ex) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--raw-event " + e.getKey() + ": '" + e.getValue() + "' is not a number (0x1d0, r1d0, 464)");
            }
        }
        return m;
    }

    private CounterSource openCounters() {
        if (replay != null) {
            try {
                ReplayCounterSource r = ReplayCounterSource.open(replay);
                LOG.info("replaying {}", replay);
                return r;
            } catch (NoSuchFileException e) {
                throw new UserError(ExitCodes.USAGE, "--replay: no such file " + replay);
            } catch (IOException e) {
                throw new UserError(ExitCodes.USAGE, "--replay: cannot read " + IoErrors.describe(replay, e));
            } catch (java.io.UncheckedIOException e) {
                throw new UserError(ExitCodes.USAGE, "--replay: cannot read " + IoErrors.describe(replay, e.getCause()));
            } catch (IllegalArgumentException e) {
                throw new UserError(ExitCodes.USAGE, "--replay " + replay + ": " + e.getMessage());
            }
        }
        PerfApi api = platform.perf();
        EventSelection chosen = genericEvents ? EventSelection.generic("--generic-events")
                : CpuDetect.select(platform.procFs().root());
        EventSelection sel = chosen.withOverrides(rawOverrides());
        Map<Event, String> missing = PerfCounterSource.missingEvents(api, sel.specs());
        if (!missing.isEmpty() && !forbidden(missing) && !sel.table().equals(EventSelection.GENERIC)) {
            // A table's events that do not open (a virtual PMU that passes only some events through):
            // the generic events may, with their CPU-dependent meaning, which the status then shows.
            EventSelection generic = EventSelection.generic("the " + sel.table() + " events do not open ("
                    + names(sel, missing) + ")").withOverrides(rawOverrides());
            Map<Event, String> genericMissing = PerfCounterSource.missingEvents(api, generic.specs());
            if (genericMissing.isEmpty()) {
                LOG.warn("the PMU cannot count {}: falling back to the kernel's generic events",
                        names(sel, missing));
                sel = generic;
                missing = genericMissing;
            }
        }
        if (!missing.isEmpty()) {
            if (forbidden(missing)) {
                throw new UserError(ExitCodes.NO_EVENTS, "perf_event_open is not allowed here (" + missing.values()
                        .iterator().next() + "): run as root or lower /proc/sys/kernel/perf_event_paranoid");
            }
            throw new UserError(ExitCodes.NO_EVENTS, "the PMU cannot count " + names(sel, missing) + " ("
                    + sel.table() + " events: " + sel.why() + "); give raw codes with --raw-event EVENT=0xCODE, "
                    + "or try the policy on a trace with --replay FILE");
        }
        LOG.info("{}", sel.describe());
        Map<Event, EventSpec> specs = sel.specs();
        GroupLayout layout = GroupLayout.LOADS_AND_STORES;
        if (splitCounterGroups) {
            LOG.info("counting loads and stores as two groups (--split-counter-groups)");
        } else {
            layout = GroupLayout.choose(api, specs);
        }
        // Besides its counters, each process's stat file is kept open (at most one per thread), and in
        // full mode each steered thread's too.
        return new PerfCounterSource(api, sel, layout, maxThreads, mode.equals("1") ? 2 : 1);
    }

    private static boolean forbidden(Map<Event, String> missing) {
        return missing.values().stream().allMatch(
                v -> v.equals(Errno.name(Errno.EACCES)) || v.equals(Errno.name(Errno.EPERM)));
    }

    private static String names(EventSelection sel, Map<Event, String> missing) {
        List<String> names = new ArrayList<>();
        missing.forEach((e, why) -> names.add(sel.specs().get(e).describe() + ": " + why));
        return String.join(", ", names);
    }

    private PtlSource startProbe(Topology topology, ProcFs proc) {
        if (ptlMatrix != null) {
            try {
                FixedPtl f = FixedPtl.read(ptlMatrix);
                LOG.info("PTL matrix from {} (not measured): {}", ptlMatrix, f.latest().orElseThrow());
                return f;
            } catch (NoSuchFileException e) {
                throw new UserError(ExitCodes.USAGE, "--ptl-matrix: no such file " + ptlMatrix);
            } catch (IOException e) {
                throw new UserError(ExitCodes.USAGE, "--ptl-matrix: cannot read " + IoErrors.describe(ptlMatrix, e));
            } catch (IllegalArgumentException e) {
                throw new UserError(ExitCodes.USAGE, "--ptl-matrix " + ptlMatrix + ": " + e.getMessage());
            }
        }
        long buf = probeBufferMb > 0 ? probeBufferMb * (1L << 20) : PtlProbe.bufferFor(proc.lastLevelCacheBytes());
        PtlProbe probe = new PtlProbe(topology, platform.affinity(), platform.memory(),
                new PtlProbe.Settings(buf, true, probeWarmup, probeSteps, probeTrials));
        LOG.info("PTL probe every {} ms: {} MiB kept per memory node, {} pair(s) per period after the first matrix, "
                + "pages touched, then {} warm-up + {} x {} loads per pair", ptlPeriodMs, buf >> 20, ptlPairs == 0 ? "all" : ptlPairs,
                probeWarmup, probeTrials, probeSteps);
        return new PeriodicPtl(probe, ptlPairs, ptlPeriodMs);
    }

    /** The --config file's settings over the command line's; exit 2 when it is unreadable or invalid. */
    private LiveSettings readConfig() {
        try {
            return ConfigFile.read(config, commandLineSettings);
        } catch (NoSuchFileException e) {
            throw new UserError(ExitCodes.USAGE, "--config: no such file " + config);
        } catch (IOException e) {
            throw new UserError(ExitCodes.USAGE, "--config: cannot read " + IoErrors.describe(config, e));
        } catch (ConfigFile.Invalid e) {
            throw new UserError(ExitCodes.USAGE, "--config " + e.getMessage());
        }
    }

    /** {@code cfg} with the live settings {@code l}; also the interval and the log level. */
    private DaemonConfig apply(DaemonConfig cfg, LiveSettings l) {
        for (String x : l.excluded()) {
            if (x.length() > OptionChecks.COMM_LEN && !commandLineSettings.excluded().contains(x)) {
                LOG.warn("{}: exclude {} can never match: the kernel keeps only the first {} characters of a name in "
                        + "comm; give {}", config, x, OptionChecks.COMM_LEN, x.substring(0, OptionChecks.COMM_LEN));
            }
        }
        live = l;
        intervalMs = l.intervalMs();
        setLogLevel(l.logLevel());
        return cfg.withLive(l.thresholds(), l.minGain(), l.excluded());
    }

    /**
     * SIGHUP: reads --config again and applies what changed from the next tick on; a file that
     * cannot be read or is invalid changes nothing (one warning). Tells systemd RELOADING=1, then
     * READY=1.
     */
    private DaemonConfig reload(Daemon d, DaemonConfig cfg) {
        platform.notifier().send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000);
        try {
            if (config == null) {
                LOG.info("SIGHUP: no --config file to read again");
                return cfg;
            }
            LiveSettings next;
            try {
                next = ConfigFile.read(config, commandLineSettings);
            } catch (IOException e) {
                LOG.warn("SIGHUP: cannot read {}; keeping the settings in force", IoErrors.describe(config, e));
                return cfg;
            } catch (ConfigFile.Invalid e) {
                LOG.warn("SIGHUP: {}; keeping the settings in force", e.getMessage());
                return cfg;
            }
            LiveSettings before = live;
            String changes = next.changesFrom(before);
            if (changes.isEmpty()) {
                LOG.info("SIGHUP: {} read again, nothing changed", config);
                return cfg;
            }
            DaemonConfig n = apply(cfg, next);
            d.reconfigure(n);
            policy = new StatusSnapshot.Policy(n.thresholds(), n.minGain(), intervalMs);
            LOG.info("SIGHUP: {} read again: {}", config, changes);
            watchdogCheck();
            return n;
        } finally {
            platform.notifier().send("READY=1\nSTATUS=" + statusLine(cfg));
        }
    }

    /** Warns when systemd's watchdog could fire between two ticks. */
    private void watchdogCheck() {
        long wdMs = platform.notifier().watchdogMicros() / 1000;
        if (wdMs > 0 && intervalMs * 2 > wdMs) {
            LOG.warn("--interval {} ms is more than half the watchdog period ({} ms, WatchdogSec=): systemd may "
                    + "kill waspd between two ticks; raise WatchdogSec or shorten --interval", intervalMs, wdMs);
        }
    }

    private String statusLine(DaemonConfig cfg) {
        return (cfg.full() ? "full" : "naive") + " mode" + (dryRun ? ", dry run" : "") + ", interval " + intervalMs
                + " ms";
    }

    private int top() throws IOException, InterruptedException {
        TopView view = new TopView(() -> StatusQuery.run(statusFile, runDir, platform.procFs()), intervalMs);
        Signals.onTerminate(view::requestQuit);
        try {
            if (!view.interactive(System.out, System.in)) {
                spec.commandLine().getOut().print(view.once(TOP_WIDTH));
                spec.commandLine().getOut().flush();
            }
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCodes.RUNTIME, "--top: " + statusFile + " is not a waspd status: " + e.getMessage());
        }
        return ExitCodes.OK;
    }

    /** --top's width without a terminal. */
    static final int TOP_WIDTH = 100;

    private int printStatus() {
        spec.commandLine().getOut().print(StatusQuery.run(statusFile, runDir, platform.procFs()));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    private void configureLogging() {
        if (verbose) {
            setLogLevel("debug");
        } else if (quiet) {
            setLogLevel("warn");
        }
    }

    private static void setLogLevel(String level) {
        org.slf4j.Logger root = LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger lb) {
            lb.setLevel(Level.toLevel(level, Level.INFO));
        }
    }
}
