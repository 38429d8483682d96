// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.wasp.daemon.testutil.Traces.p;
import static org.wasp.daemon.testutil.Traces.repeat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wasp.daemon.core.InstanceLock;
import org.wasp.daemon.counters.Event;
import org.wasp.daemon.jna.PerfEventAttr;
import org.wasp.daemon.jna.Errno;
import org.wasp.daemon.testutil.FakePlatform;
import org.wasp.daemon.testutil.FakeProc;
import org.wasp.daemon.testutil.LogCapture;
import org.wasp.daemon.testutil.Traces;
import picocli.CommandLine;

/** The command line end to end on a fake machine: exit codes, one-line errors, replay runs, status. */
class WaspdCommandTest {
    @TempDir
    Path dir;
    FakePlatform platform;
    StringWriter out;
    StringWriter err;
    Path status;
    Path runDir;
    Path trace;

    @BeforeEach
    void setUp() throws Exception {
        FakeProc proc = new FakeProc(dir.resolve("root")).nodes("0-1", "2-3");
        proc.process(500, "app", 0, 500, 501);
        platform = new FakePlatform(proc);
        status = dir.resolve("run/status.json");
        runDir = dir.resolve("run");
        trace = dir.resolve("app.rec");
        List<String> lines = new ArrayList<>(Traces.record(500, "app", 2, repeat(p(50e6, 0.05), 6)));
        Files.write(trace, lines);
    }

    int run(String... args) {
        CommandLine cl = WaspdCommand.commandLine(platform);
        out = new StringWriter();
        err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        List<String> a = new ArrayList<>(List.of(args));
        if (!a.contains("--status-file")) {
            a.add("--status-file");
            a.add(status.toString());
        }
        if (!a.contains("--run-dir")) {
            a.add("--run-dir");
            a.add(runDir.toString());
        }
        return cl.execute(a.toArray(new String[0]));
    }

    void assertOneLineError(String contains) {
        String e = err.toString().trim();
        assertTrue(e.contains(contains), e);
        assertFalse(e.contains("\tat "), "no stack trace: " + e);
        assertTrue(e.lines().count() <= 2, e);
    }

    @Test
    void versionFromThePom() {
        assertEquals(0, run("--version"));
        assertEquals("waspd 0.1.0", out.toString().trim());
    }

    @Test
    void helpListsOptionsAndExitCodes() {
        assertEquals(0, run("--help"));
        String h = out.toString();
        for (String s : new String[] {"MODE", "-x", "-i", "--interval", "--pid", "--dry-run", "--once", "--replay",
            "--record", "--mar-threshold", "--miss-threshold", "--hold-on", "--margin", "--status", "--metrics-port",
            "Exit codes", "4", "kernel without page-table replication", "another waspd is running", "--run-dir",
            "--adopt-journal", "--placement", "--placement-hold", "--one-node-share"}) {
            assertTrue(h.contains(s), "help lacks " + s);
        }
    }

    @Test
    void usageErrorsExit2WithOneLine() {
        assertEquals(ExitCodes.USAGE, run("3"));
        assertOneLineError("MODE must be 1 (full) or 0 (naive)");
        assertEquals(ExitCodes.USAGE, run("1", "--bogus"));
        assertOneLineError("Unknown option");
        assertEquals(ExitCodes.USAGE, run("1", "--interval", "soon"));
        assertOneLineError("not a duration");
        assertEquals(ExitCodes.USAGE, run("1", "--miss-threshold", "150%"));
        assertEquals(ExitCodes.USAGE, run("1", "--raw-event", "nope=0x1"));
        assertOneLineError("unknown event 'nope'");
        assertEquals(ExitCodes.USAGE, run("1", "--replay", dir.resolve("missing.rec").toString()));
        assertOneLineError("no such file");
        assertEquals(ExitCodes.USAGE, run("1", "--placement", "migrate"));
        assertOneLineError("--placement must be 'replicate', 'move' or 'auto', not 'migrate'");
        assertEquals(ExitCodes.USAGE, run("1", "--placement", "auto", "--placement-hold", "0"));
        assertOneLineError("--placement-hold must be >= 1");
        assertEquals(ExitCodes.USAGE, run("1", "--placement", "auto", "--one-node-share", "40%"));
        assertOneLineError("--one-node-share above 50%");
    }

    @Test
    void ioErrorsNameTheFileAndTheReasonInOneLine() throws Exception {
        Path unreadable = dir.resolve("dir.rec");
        Files.createDirectories(unreadable);
        assertEquals(ExitCodes.USAGE, run("0", "--replay", unreadable.toString()));
        assertOneLineError("--replay: cannot read " + unreadable + ": Is a directory");
        Path noDir = dir.resolve("missing/out.rec");
        assertEquals(ExitCodes.USAGE, run("0", "--dry-run", "--once", "--interval", "1ms", "--record", noDir.toString()));
        assertOneLineError("--record: cannot create " + noDir + ": No such file or directory");
        Path file = dir.resolve("plain");
        Files.writeString(file, "");
        assertEquals(ExitCodes.RUNTIME, run("0", "--replay", trace.toString(), "--run-dir", file.resolve("x").toString()));
        assertOneLineError("cannot take the instance lock: " + file.resolve("x"));
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertEquals(ExitCodes.RUNTIME, run("0", "--replay", trace.toString(), "--interval", "1ms",
                    "--metrics-port", "" + busy.getLocalPort()));
            assertOneLineError("--metrics-port " + busy.getLocalPort() + " on 127.0.0.1: Address already in use");
        }
        assertTrue(platform.kernel.masks.isEmpty());
    }

    @Test
    void aProbeBufferLargerThanTheMachineIsABadOption() throws Exception {
        Files.createDirectories(dir.resolve("root/proc"));
        Files.writeString(dir.resolve("root/proc/meminfo"), "MemTotal:        1048576 kB\nMemFree: 1 kB\n");
        assertEquals(ExitCodes.USAGE, run("1", "--replay", trace.toString(), "--probe-buffer-mb", "2048"));
        assertOneLineError("--probe-buffer-mb 2048 is more than this machine's memory (1024 MiB)");
        assertEquals(List.of(), platform.kernel.calls);
    }

    @Test
    void notRoot() {
        platform.root = false;
        assertEquals(ExitCodes.NOT_ROOT, run("1"));
        assertOneLineError("must run as root");
    }

    @Test
    void kernelWithoutReplication() {
        platform.kernel.unavailable = "this kernel has no page-table replication (prctl PR_GET_PGTABLE_REPL returned EINVAL)";
        assertEquals(ExitCodes.NO_REPLICATION, run("0"));
        assertOneLineError("no page-table replication");
    }

    @Test
    void pmuWithoutEventsNamesThemAndSuggestsReplay() {
        platform.perf.unsupported.add(Event.DTLB_WRITE_MISS);
        platform.perf.unsupported.add(Event.DTLB_WRITE);
        assertEquals(ExitCodes.NO_EVENTS, run("0", "--once"));
        assertOneLineError("dTLB-store-misses");
        assertOneLineError("dTLB-stores");
        assertOneLineError("--replay");
        assertFalse(err.toString().contains("dTLB-loads (generic)"));
    }

    @Test
    void perfForbidden() {
        platform.perf.tidErrno.put(0, Errno.EACCES);
        assertEquals(ExitCodes.NO_EVENTS, run("0", "--once"));
        assertOneLineError("perf_event_paranoid");
    }

    @Test
    void replayRunEnablesThenUndoesAndRemovesStatus() {
        assertEquals(0, run("0", "--replay", trace.toString(), "--hold-on", "1", "--interval", "1ms"));
        assertEquals(List.of("set 500 1", "set 500 0"), platform.kernel.calls, "enabled, then undone at the end");
        assertFalse(Files.exists(status), "status file removed at exit");
    }

    @Test
    void ptlMatrixFileSteersWithoutProbing() throws Exception {
        Path m = dir.resolve("ptl.txt");
        Files.writeString(m, "# node 1 is faster from node 0\n300 100\n100 300\n");
        assertEquals(0, run("1", "--replay", trace.toString(), "--hold-on", "1", "--interval", "1ms",
                "--ptl-matrix", m.toString()));
        assertEquals(List.of("set 500 1", "steer 500 1", "steer 501 1", "steer 500 -1", "steer 501 -1", "set 500 0"),
                platform.kernel.calls, "enabled, both threads (on node 0) steered to node 1, all undone");
    }

    @Test
    void badPtlMatrixFile() throws Exception {
        assertEquals(ExitCodes.USAGE, run("1", "--replay", trace.toString(), "--ptl-matrix",
                dir.resolve("none.txt").toString()));
        assertOneLineError("--ptl-matrix: no such file");
        Path m = dir.resolve("ptl.txt");
        Files.writeString(m, "100 200 300\n");
        assertEquals(ExitCodes.USAGE, run("1", "--replay", trace.toString(), "--ptl-matrix", m.toString()));
        assertOneLineError("must be square");
        assertEquals(List.of(), platform.kernel.calls);
    }

    @Test
    void onceWithPerfCountersOnTheFakePmu() {
        assertEquals(0, run("0", "--once", "--interval", "1ms"));
        assertEquals(List.of(), platform.kernel.calls);
        assertEquals(6 + 6 + 12, platform.perf.closed.size(),
                "6 counters opened one by one, a trial group of 6, 2 threads x 6: all closed");
        assertEquals(Map.of(500, 1, 501, 1), threadGroups(), "each thread's six as one group");
    }

    /** Makes the fixture machine a Skylake-X with its core PMU. */
    private void skylakeX() throws Exception {
        Path root = dir.resolve("root");
        Files.writeString(root.resolve("proc/cpuinfo"),
                "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\nstepping\t: 4\n\n");
        Path pmu = Files.createDirectories(root.resolve("sys/bus/event_source/devices/cpu/caps"));
        Files.writeString(pmu.resolve("pmu_name"), "skylake\n");
        Files.writeString(pmu.getParent().resolve("type"), "4\n");
    }

    /** Raw configs the counted threads' descriptors were opened with. */
    private Set<Long> threadConfigs(int type) {
        Set<Long> c = new java.util.HashSet<>();
        platform.perf.fdSpec.forEach((fd, spec) -> {
            if (platform.perf.fdToTid.get(fd) != 0 && spec.type() == type) {
                c.add(spec.config());
            }
        });
        return c;
    }

    @Test
    void aKnownCpuCountsWithItsTableAndFallsBackToGenericEventsWhereTheyDoNotOpen() throws Exception {
        skylakeX();
        assertEquals(0, run("0", "--once", "--interval", "1ms"));
        assertEquals(Set.of(0x81d0L, 0x82d0L, 0x0e08L, 0x0e49L), threadConfigs(PerfEventAttr.PERF_TYPE_RAW),
                "retired loads and stores, completed load and store walks");
        assertEquals(Set.of(), threadConfigs(PerfEventAttr.PERF_TYPE_HW_CACHE));
        assertEquals(Map.of(500, 1, 501, 1), threadGroups());

        platform.perf.fdSpec.clear();
        platform.perf.fdToTid.clear();
        platform.perf.rawUnsupported = true;
        assertEquals(0, run("0", "--once", "--interval", "1ms"));
        assertEquals(Set.of(), threadConfigs(PerfEventAttr.PERF_TYPE_RAW));
        assertEquals(6, threadConfigs(PerfEventAttr.PERF_TYPE_HW_CACHE).size(), "the generic events");

        platform.perf.fdSpec.clear();
        platform.perf.fdToTid.clear();
        platform.perf.rawUnsupported = false;
        assertEquals(0, run("0", "--once", "--interval", "1ms", "--generic-events"));
        assertEquals(Set.of(), threadConfigs(PerfEventAttr.PERF_TYPE_RAW), "generic on request");
    }

    @Test
    void aTableWhoseEventsNeitherOpenNamesThemAndTheTable() throws Exception {
        skylakeX();
        platform.perf.unsupported.add(Event.DTLB_WRITE_MISS);
        assertEquals(ExitCodes.NO_EVENTS, run("0", "--once"));
        assertOneLineError("DTLB_STORE_MISSES.WALK_COMPLETED");
        assertOneLineError("skylakex events");
    }

    @Test
    void countersSplitInTwoGroupsWhereThePmuTakesFewerThanSix() {
        platform.perf.maxGroup = 4;
        assertEquals(0, run("0", "--once", "--interval", "1ms"));
        assertEquals(Set.of(), platform.perf.openTids(), "all closed, the refused trial's too");
        assertEquals(Map.of(500, 2, 501, 2), threadGroups(), "loads and stores");
        platform.perf.maxGroup = Integer.MAX_VALUE;
        platform.perf.groupSize.clear();
        assertEquals(0, run("0", "--once", "--interval", "1ms", "--split-counter-groups"));
        assertEquals(Map.of(500, 2, 501, 2), threadGroups(), "split on request");
    }

    /** Per counted thread, the number of groups its counters were opened in. */
    private Map<Integer, Integer> threadGroups() {
        Map<Integer, Integer> n = new java.util.HashMap<>();
        platform.perf.groupSize.keySet().forEach(fd -> {
            int tid = platform.perf.fdToTid.get(fd);
            if (tid != 0) {
                n.merge(tid, 1, Integer::sum);
            }
        });
        return n;
    }

    @Test
    void dryRunDoesNotNeedRootOrChangeAnything() {
        platform.root = false;
        platform.kernel.unavailable = "no replication";
        assertEquals(0, run("1", "--dry-run", "--replay", trace.toString(), "--interval", "1ms", "-i", "3600",
                "--probe-buffer-mb", "1", "--probe-steps", "1000", "--probe-trials", "1"));
        assertEquals(List.of(), platform.kernel.calls);
    }

    @Test
    void recordThenReplay() throws Exception {
        Path rec = dir.resolve("out.rec");
        assertEquals(0, run("0", "--dry-run", "--once", "--interval", "1ms", "--record", rec.toString()));
        List<String> lines = Files.readAllLines(rec);
        assertEquals("# waspd-record 1", lines.get(0));
        assertEquals(2 + 2 * 2, lines.size(), "2 intervals x 2 threads");
        assertTrue(lines.get(2).contains(" 500 500 app l1d_read=5000/2000/1000 "), lines.get(2));
        assertEquals(0, run("0", "--dry-run", "--replay", rec.toString(), "--interval", "1ms"));
    }

    @Test
    void theShippedSampleTraceTurnsGraphOnThenOff() {
        Path sample = Path.of("examples/sample.rec");
        assertTrue(Files.exists(sample), "ships with the project: " + sample.toAbsolutePath());
        platform.proc.process(4242, "graph", 0, 4242, 4243, 4244, 4245);
        platform.proc.process(4300, "idle", 1, 4300);
        assertEquals(0, run("0", "--replay", sample.toString(), "--interval", "1ms"));
        assertEquals(List.of("set 4242 1", "set 4242 0"), platform.kernel.calls,
                "on after 3 s of the heavy phase, off 3 s after it ends; idle never");
        assertEquals(0, run("0", "--dry-run", "--replay", sample.toString(), "--interval", "1ms"),
                "as docs/waspd.md runs it");
    }

    @Test
    void aBadLineMidTraceIsOneLineAndExit2() throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(trace));
        lines.add(5, "not a sample");
        Files.write(trace, lines);
        assertEquals(ExitCodes.USAGE, run("0", "--replay", trace.toString(), "--hold-on", "1", "--interval", "1ms"));
        assertOneLineError("--replay " + trace + ": line 6: expected TS PID TID COMM");
        assertTrue(platform.kernel.masks.isEmpty(), "what it had done is undone");
    }

    @Test
    void statusQuery() throws Exception {
        assertEquals(ExitCodes.RUNTIME, run("--status"));
        assertOneLineError("no running waspd");
        Files.createDirectories(status.getParent());
        Files.writeString(status, "{\"pid\": 1234, \"dry_run\": false}\n");
        try (InstanceLock lock = InstanceLock.acquire(runDir, 1234)) {
            assertEquals(0, run("--status"));
            assertEquals("{\"pid\": 1234, \"dry_run\": false}", out.toString().trim());
        }
        assertEquals(ExitCodes.RUNTIME, run("--status"), "the daemon that wrote it no longer holds the lock");
        assertOneLineError("stale status file");
        assertOneLineError("pid 1234 is not running");
        assertEquals("", out.toString());
    }

    @Test
    void statusOfADaemonWhoseLockIsHeldByAnotherPidIsStale() throws Exception {
        Files.createDirectories(status.getParent());
        Files.writeString(status, "{\"pid\": 1234, \"dry_run\": false}\n");
        try (InstanceLock lock = InstanceLock.acquire(runDir, 4321)) {
            assertEquals(ExitCodes.RUNTIME, run("--status"));
            assertOneLineError("pid 4321 holds");
        }
    }

    @Test
    void statusOfADryRunChecksItsPidExists() throws Exception {
        Files.createDirectories(status.getParent());
        Files.writeString(status, "{\"pid\": 500, \"dry_run\": true}\n");
        assertEquals(0, run("--status"), "pid 500 is in the fixture /proc");
        Files.writeString(status, "{\"pid\": 31337, \"dry_run\": true}\n");
        assertEquals(ExitCodes.RUNTIME, run("--status"));
        assertOneLineError("is not running");
    }

    @Test
    void topWithoutATerminalPrintsOneScreenOfTheLiveDaemon() throws Exception {
        assertEquals(ExitCodes.RUNTIME, run("--top"));
        assertOneLineError("no running waspd");
        assertEquals("", out.toString());
        Files.createDirectories(status.getParent());
        String fixture = new String(getClass().getResourceAsStream("/top/status.json").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        Files.writeString(status, fixture);
        try (InstanceLock lock = InstanceLock.acquire(runDir, 4100)) {
            assertEquals(0, run("--top"));
            String screen = out.toString();
            assertTrue(screen.startsWith("waspd pid 4100  full mode"), screen);
            assertTrue(screen.contains("   4242 graph500          50.0M  5.00%   500    16 1.00  on     1/3\n"), screen);
            assertEquals("", err.toString());
            Files.writeString(status, "{\"pid\": 4100, \"dry_run\": false, \"processes\": [}\n");
            assertEquals(ExitCodes.RUNTIME, run("--top"));
            assertOneLineError("is not a waspd status: unexpected character at offset 46");
        }
        assertEquals(ExitCodes.RUNTIME, run("--top"), "the daemon that wrote it is gone");
        assertOneLineError("stale status file");
        assertEquals("", out.toString());
    }

    @Test
    void aSecondDaemonSaysWhichPidRunsAndExits6() throws Exception {
        try (InstanceLock first = InstanceLock.acquire(runDir, 4242)) {
            assertEquals(ExitCodes.ALREADY_RUNNING, run("0", "--replay", trace.toString(), "--interval", "1ms"));
            assertOneLineError("another waspd is running (pid 4242)");
            assertEquals(List.of(), platform.kernel.calls, "the second one changed nothing");
        }
        assertEquals(0, run("0", "--replay", trace.toString(), "--hold-on", "1", "--interval", "1ms"),
                "free again once the first has stopped");
        assertEquals("99", Files.readString(runDir.resolve("waspd.pid")).trim(), "the pid file names the holder");
        assertEquals(0, run("0", "--replay", trace.toString(), "--interval", "1ms"),
                "a pid file left behind (the lock died with its process) does not block a start");
    }

    /** A journal as a daemon killed after replicating app (pid 500, start time 0) leaves it. */
    private Path killedDaemonsJournal() throws Exception {
        Files.createDirectories(runDir);
        Path j = runDir.resolve("waspd.journal");
        String line = "repl 500 0 0";
        java.util.zip.CRC32 c = new java.util.zip.CRC32();
        c.update(line.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Files.writeString(j, "# waspd-journal 1\n" + line + String.format(" ~%08x%n", c.getValue()));
        platform.kernel.masks.put(500, 1L);
        return j;
    }

    @Test
    void aStartAfterACrashUndoesTheJournalUnlessDryRun() throws Exception {
        Path j = killedDaemonsJournal();
        assertEquals(0, run("0", "--dry-run", "--replay", trace.toString(), "--hold-on", "10", "--interval", "1ms"));
        assertEquals(List.of(), platform.kernel.calls, "a dry run neither reads nor settles the journal");
        assertTrue(Files.exists(j));
        assertEquals(0, run("0", "--replay", trace.toString(), "--hold-on", "10", "--interval", "1ms"));
        assertEquals(List.of("set 500 0"), platform.kernel.calls, "put back at start");
        assertFalse(Files.exists(j), "and the journal removed at the clean exit");
        platform.kernel.calls.clear();
        killedDaemonsJournal();
        assertEquals(0, run("0", "--adopt-journal", "--replay", trace.toString(), "--interval", "1ms"));
        assertEquals(List.of("set 500 0"), platform.kernel.calls, "adopted (already on), undone at the exit");
        assertFalse(Files.exists(j));
    }

    @Test
    void anUnwritableRunDirectoryIsOneLine() throws Exception {
        Files.createDirectories(runDir);
        Files.createDirectories(runDir.resolve("waspd.journal.tmp/x"));
        assertEquals(ExitCodes.RUNTIME, run("0", "--replay", trace.toString(), "--interval", "1ms"));
        assertOneLineError("cannot open the journal: " + runDir.resolve("waspd.journal.tmp") + ": Is a directory");
        assertEquals(List.of(), platform.kernel.calls);
    }

    @Test
    void systemdHearsReadyAWatchdogPingPerTickAndStopping() {
        assertEquals(0, run("0", "--replay", trace.toString(), "--hold-on", "1", "--interval", "1ms"));
        List<String> n = platform.notifications;
        assertTrue(n.size() >= 3, n.toString());
        assertEquals("READY=1\nSTATUS=naive mode, interval 1 ms", n.get(0));
        assertEquals("STOPPING=1", n.get(n.size() - 1));
        assertEquals(List.of("WATCHDOG=1"), n.subList(1, n.size() - 1).stream().distinct().toList(), n.toString());
        assertEquals(7, n.size() - 2, "one ping per tick: the 6 intervals of the trace and the one that finds its end: "
                + n);
    }

    @Test
    void noReadyWhenTheStartFails() {
        platform.kernel.unavailable = "no replication";
        assertEquals(ExitCodes.NO_REPLICATION, run("0", "--replay", trace.toString()));
        assertEquals(List.of(), platform.notifications, "systemd sees the exit code, not READY=1");
    }

    @Test
    void aWatchdogShorterThanTwoIntervalsIsWarnedAbout() {
        platform.watchdogMicros = 1_500_000;
        try (LogCapture log = new LogCapture()) {
            assertEquals(0, run("0", "--replay", trace.toString(), "--interval", "1s", "--once"));
            assertTrue(log.text().contains("WARN --interval 1000 ms is more than half the watchdog period (1500 ms"),
                    log.text());
        }
        platform.watchdogMicros = 30_000_000;
        try (LogCapture log = new LogCapture()) {
            assertEquals(0, run("0", "--replay", trace.toString(), "--interval", "1ms", "--once"));
            assertFalse(log.text().contains("watchdog"), log.text());
        }
    }

    @Test
    void configFileSettingsWinAndABadOneIsRefusedAtStart() throws Exception {
        Path conf = dir.resolve("waspd.conf");
        Files.writeString(conf, "# never on\nmar-threshold = 1G\n");
        assertEquals(0, run("0", "--replay", trace.toString(), "--hold-on", "1", "--interval", "1ms", "--config",
                conf.toString()));
        assertEquals(List.of(), platform.kernel.calls, "the file's 1G/s beats the default 10M/s");
        Files.writeString(conf, "exclude = a_program_with_a_long_name\n");
        try (LogCapture log = new LogCapture()) {
            assertEquals(0, run("0", "--replay", trace.toString(), "--interval", "1ms", "--once", "--config",
                    conf.toString()));
            assertTrue(log.text().contains("WARN " + conf + ": exclude a_program_with_a_long_name can never match: "
                    + "the kernel keeps only the first 15 characters of a name in comm; give a_program_with_"),
                    log.text());
        }
        Files.writeString(conf, "mar-threshold = 1G\nhold_on = 2\n");
        assertEquals(ExitCodes.USAGE, run("0", "--replay", trace.toString(), "--config", conf.toString()));
        assertOneLineError("--config " + conf + " line 2: unknown setting 'hold_on'");
        assertEquals(ExitCodes.USAGE, run("0", "--replay", trace.toString(), "--config", dir.resolve("no").toString()));
        assertOneLineError("--config: no such file");
    }

    @Test
    void sighupReadsTheConfigAgainAndKeepsTheOldOneWhenTheNewIsBad() throws Exception {
        List<String> lines = new ArrayList<>(Traces.record(500, "app", 2, repeat(p(50e6, 0.05), 10_000)));
        Files.write(trace, lines);
        Path conf = dir.resolve("waspd.conf");
        Files.writeString(conf, "mar-threshold = 1G\n");
        WaspdCommand cmd = new WaspdCommand(platform);
        CommandLine cl = new CommandLine(cmd);
        int[] rc = {-1};
        Thread t = new Thread(() -> rc[0] = cl.execute("0", "--replay", trace.toString(), "--hold-on", "1",
                "--interval", "2ms", "--status-file", status.toString(), "--run-dir", runDir.toString(), "--config",
                conf.toString()));
        t.start();
        try {
            waitFor(() -> platform.notifications.size() > 20, "ticks");
            assertEquals(List.of(), platform.kernel.calls, "1G/s: never on");
            try (LogCapture log = new LogCapture()) {
                Files.writeString(conf, "mar-threshold = 1G\nmargin = 200%\n");
                cmd.requestReload();
                waitFor(() -> platform.notifications.stream().filter(m -> m.startsWith("READY=1")).count() == 2,
                        "the bad file's reload");
                Thread.sleep(50);
                assertEquals(List.of(), platform.kernel.calls, "the old settings stay");
                assertEquals(List.of("WARN SIGHUP: " + conf + " line 2: margin: '200%' is not a fraction in [0, 1] "
                        + "(e.g. 0.01 or 1%); keeping the settings in force"), log.lines().stream()
                        .filter(l -> l.startsWith("WARN")).toList(), "one warning");
            }
            try (LogCapture log = new LogCapture()) {
                Files.writeString(conf, "mar-threshold = 10M\n");
                cmd.requestReload();
                waitFor(() -> platform.kernel.calls.contains("set 500 1"), "the new threshold to turn replication on");
                assertTrue(log.text().contains("INFO SIGHUP: " + conf + " read again: mar-threshold 1.0G -> 10.0M"),
                        log.text());
            }
            waitFor(() -> {
                try {
                    return Files.readString(status).contains("\"mar_threshold_per_s\": 1.00000e+07");
                } catch (java.io.IOException e) {
                    return false;
                }
            }, "the status to show the new threshold");
        } finally {
            cmd.requestStop();
            t.join(10_000);
        }
        assertEquals(0, rc[0]);
        List<String> n = platform.notifications;
        int reloading = n.indexOf(n.stream().filter(m -> m.startsWith("RELOADING=1\nMONOTONIC_USEC=")).findFirst()
                .orElseThrow());
        assertTrue(n.get(reloading + 1).startsWith("READY=1"), "RELOADING=1 then READY=1: " + n.subList(reloading,
                reloading + 2));
    }

    @Test
    void theRunningDaemonsMetricsFollowTheExpositionFormat() throws Exception {
        List<String> lines = new ArrayList<>(Traces.record(500, "app", 2, repeat(p(50e6, 0.05), 10_000)));
        Files.write(trace, lines);
        WaspdCommand cmd = new WaspdCommand(platform);
        CommandLine cl = new CommandLine(cmd);
        int[] rc = {-1};
        String body;
        try (LogCapture log = new LogCapture()) {
            Thread t = new Thread(() -> rc[0] = cl.execute("0", "--dry-run", "--replay", trace.toString(),
                    "--hold-on", "1", "--interval", "2ms", "--status-file", status.toString(), "--run-dir",
                    runDir.toString(), "--metrics-port", "0"));
            t.start();
            try {
                waitFor(() -> log.text().contains("metrics on http://127.0.0.1:"), "the metrics endpoint");
                waitFor(() -> platform.notifications.size() > 5, "ticks");
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("metrics on http://127.0.0.1:(\\d+)/")
                        .matcher(log.text());
                assertTrue(m.find());
                body = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + m.group(1) + "/metrics")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            } finally {
                cmd.requestStop();
                t.join(10_000);
            }
        }
        assertEquals(0, rc[0]);
        assertEquals(List.of(), org.wasp.daemon.testutil.PrometheusLint.problems(body), body);
        assertTrue(body.contains("waspd_build_info{version=\"0.1.0\"} 1\n"), body);
        assertTrue(body.contains("waspd_dry_run 1\n"), body);
        assertTrue(body.contains("waspd_process_replication_decided{pid=\"500\",comm=\"app\"} 1\n"), body);
        assertTrue(body.contains("waspd_process_replicated{pid=\"500\",comm=\"app\"} 0\n"), body);
        java.util.regex.Matcher count = java.util.regex.Pattern.compile("waspd_tick_duration_seconds_count (\\d+)")
                .matcher(body);
        assertTrue(count.find() && Long.parseLong(count.group(1)) >= 5, "ticks timed: " + body);
        java.util.regex.Matcher last = java.util.regex.Pattern.compile(
                "waspd_last_successful_tick_timestamp_seconds ([0-9.]+)").matcher(body);
        assertTrue(last.find() && Math.abs(Double.parseDouble(last.group(1)) - System.currentTimeMillis() / 1e3) < 60,
                "the last tick was just now: " + body);
    }

    static void waitFor(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
        for (int i = 0; i < 2000 && !c.getAsBoolean(); i++) {
            Thread.sleep(5);
        }
        assertTrue(c.getAsBoolean(), "timed out waiting for " + what);
    }

    @Test
    void stopRequestEndsTheLoopWithExit0AndUndo() throws Exception {
        List<String> lines = new ArrayList<>(Traces.record(500, "app", 2, repeat(p(50e6, 0.05), 10_000)));
        Files.write(trace, lines);
        WaspdCommand cmd = new WaspdCommand(platform);
        CommandLine cl = new CommandLine(cmd);
        int[] rc = {-1};
        Thread t = new Thread(() -> rc[0] = cl.execute("0", "--replay", trace.toString(), "--hold-on", "1",
                "--interval", "5ms", "--status-file", status.toString(), "--run-dir", runDir.toString()));
        t.start();
        for (int i = 0; i < 400 && !Files.exists(status); i++) {
            Thread.sleep(5);
        }
        assertTrue(Files.readString(status).contains("\"mode\": \"naive\""));
        cmd.requestStop();
        t.join(5000);
        assertEquals(0, rc[0]);
        assertTrue(platform.kernel.masks.isEmpty(), "replication undone");
        assertFalse(Files.exists(status));
    }
}
