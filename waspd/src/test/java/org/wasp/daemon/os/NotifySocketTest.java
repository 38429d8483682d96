// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wasp.daemon.jna.DatagramReceiver;

/**
 * sd_notify over a real unix datagram socket: what the notifier sends arrives, at a path or in
 * the abstract namespace; and the daemon itself, run as systemd would run it (NOTIFY_SOCKET set,
 * a separate JVM, a dry run with --once on the sample trace), says READY=1, pings the watchdog
 * each tick and says STOPPING=1.
 */
class NotifySocketTest {
    @TempDir
    Path dir;

    @Test
    void messagesArriveAtAPathAndInTheAbstractNamespace() {
        for (String path : new String[] {dir.resolve("notify").toString(), "@waspd-test-" + ProcessHandle.current().pid()}) {
            try (DatagramReceiver r = new DatagramReceiver(path)) {
                ServiceNotifier n = NotifySocket.fromEnvironment(Map.of("NOTIFY_SOCKET", path), 1);
                n.send("READY=1\nSTATUS=ok");
                n.send("WATCHDOG=1");
                assertEquals("READY=1\nSTATUS=ok", r.receive(2000));
                assertEquals("WATCHDOG=1", r.receive(2000));
            }
        }
    }

    @Test
    void noSocketNoNotifierAndTheWatchdogOnlyForThisPid() {
        assertSame(ServiceNotifier.NONE, NotifySocket.fromEnvironment(Map.of(), 1));
        String p = dir.resolve("n").toString();
        assertEquals(30_000_000, NotifySocket.fromEnvironment(Map.of("NOTIFY_SOCKET", p, "WATCHDOG_USEC", "30000000"),
                7).watchdogMicros());
        assertEquals(0, NotifySocket.fromEnvironment(Map.of("NOTIFY_SOCKET", p, "WATCHDOG_USEC", "30000000",
                "WATCHDOG_PID", "8"), 7).watchdogMicros());
    }

    @Test
    void aSocketNobodyListensOnDoesNotStopTheDaemon() {
        ServiceNotifier n = NotifySocket.fromEnvironment(Map.of("NOTIFY_SOCKET", dir.resolve("none").toString()), 1);
        n.send("READY=1");
        n.send("STOPPING=1");
    }

    @Test
    void theDaemonNotifiesReadyWatchdogAndStopping() throws Exception {
        Path trace = Path.of("examples/sample.rec").toAbsolutePath();
        assumeTrue(Files.exists(trace), "the sample trace (run from waspd/)");
        String socket = dir.resolve("notify").toString();
        try (DatagramReceiver r = new DatagramReceiver(socket)) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    "org.wasp.daemon.cli.Main", "0", "--dry-run", "--once", "--replay", trace.toString(),
                    "--interval", "10ms", "--run-dir", dir.resolve("run").toString(), "-q")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile());
            pb.environment().put("NOTIFY_SOCKET", socket);
            pb.environment().put("WATCHDOG_USEC", "30000000");
            pb.environment().remove("WATCHDOG_PID");
            Process p = pb.start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the daemon ends");
            String out = Files.readString(dir.resolve("out.txt"));
            assertEquals(0, p.exitValue(), out);
            List<String> got = new ArrayList<>();
            for (String m; (m = r.receive(500)) != null; ) {
                got.add(m);
            }
            assertEquals(List.of("READY=1\nSTATUS=naive mode, dry run, interval 10 ms", "WATCHDOG=1", "WATCHDOG=1",
                    "STOPPING=1"), got, out);
            assertNull(r.receive(10));
        }
    }
}
