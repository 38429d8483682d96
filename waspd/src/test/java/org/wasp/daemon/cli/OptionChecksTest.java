// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.wasp.daemon.testutil.FakePlatform;
import org.wasp.daemon.testutil.FakeProc;
import picocli.CommandLine;

class OptionChecksTest {
    static List<String> warnings(String... args) {
        CommandLine cl = new CommandLine(new WaspdCommand(new FakePlatform(new FakeProc(Path.of("/nonexistent")))));
        return OptionChecks.warnings(cl.parseArgs(args));
    }

    @Test
    void fullModeOptionsInNaiveModeAreWarned() {
        assertEquals(List.of("-i does nothing in naive mode (0): it neither probes nor steers",
                "--min-gain does nothing in naive mode (0): it neither probes nor steers"),
                warnings("0", "-i", "5", "--min-gain", "20%"));
        assertEquals(List.of(), warnings("1", "-i", "5", "--min-gain", "20%"));
        assertEquals(List.of(), warnings("-i", "5"), "full mode is the default");
    }

    @Test
    void probeOptionsWithAGivenMatrixAndPerfOptionsWithReplayAreWarned() {
        assertEquals(List.of("--probe-steps does nothing with --ptl-matrix: no PTL probe runs"),
                warnings("1", "--ptl-matrix", "m.txt", "--probe-steps", "10"));
        assertEquals(List.of("--raw-event does nothing with --replay: no perf counters are opened",
                "--max-threads does nothing with --replay: no perf counters are opened"),
                warnings("0", "--replay", "t.rec", "--raw-event", "l1d_read=0x1", "--max-threads", "5"));
        assertEquals(List.of("--metrics-bind does nothing without --metrics-port"),
                warnings("0", "--metrics-bind", "0.0.0.0"));
        assertEquals(List.of("--once does nothing with --status"), warnings("--status", "--once", "--run-dir", "/x"));
        assertEquals(List.of("--adopt-journal does nothing with --dry-run: a dry run neither reads nor writes the "
                + "journal"), warnings("0", "--dry-run", "--adopt-journal"));
        assertEquals(List.of(), warnings("0", "--adopt-journal"));
    }

    @Test
    void excludedNamesLongerThanACommCanNeverMatch() {
        List<String> w = warnings("0", "-x", "stream", "-x", "very_long_program_name");
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).startsWith("-x very_long_program_name can never match"), w.get(0));
        assertTrue(w.get(0).endsWith("give -x very_long_progr"), w.get(0));
        assertEquals(List.of(), warnings("0", "-x", "exactly15chars_"), "15 characters fit");
    }

    @Test
    void probeBufferLargerThanTheMachineOrTheCapIsRefused() {
        assertNull(OptionChecks.probeBuffer(0, 1L << 30));
        assertNull(OptionChecks.probeBuffer(512, 1L << 30));
        assertTrue(OptionChecks.probeBuffer(2048, 1L << 30).contains("more than this machine's memory (1024 MiB)"));
        assertTrue(OptionChecks.probeBuffer(100_000, 0).contains("more than 16384"));
        assertNull(OptionChecks.probeBuffer(2048, 0), "memory unknown: only the cap applies");
    }
}
