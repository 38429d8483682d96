// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.top;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.wasp.daemon.core.StatusJsonReader;
import org.wasp.daemon.core.StatusSnapshot;

/**
 * --top's screen, rendered from the fixture status file to fixed-size screens and compared with
 * golden text (src/test/resources/top/*.txt; set -Dwaspd.top.regolden=DIR to write new ones there).
 */
class TopRendererTest {
    static final long NOW = 1_700_000_000_400L;

    static String resource(String name) throws IOException {
        try (InputStream in = TopRendererTest.class.getResourceAsStream("/top/" + name)) {
            if (in == null) {
                throw new IOException("no resource /top/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static StatusSnapshot fixture() throws IOException {
        return StatusJsonReader.parse(resource("status.json"));
    }

    static void assertScreen(String golden, List<String> lines, int width, int height) throws IOException {
        String got = String.join("\n", lines) + "\n";
        String dir = System.getProperty("waspd.top.regolden");
        if (dir != null) {
            Files.writeString(Path.of(dir, golden), got);
        }
        assertTrue(lines.size() <= height, "at most " + height + " lines: " + lines.size());
        for (String l : lines) {
            assertTrue(l.length() <= width, "at most " + width + " columns: '" + l + "'");
        }
        assertEquals(resource(golden), got);
    }

    @Test
    void fullScreen() throws IOException {
        assertScreen("full-100x24.txt", TopRenderer.render(fixture(), NOW, 100, 24), 100, 24);
    }

    @Test
    void narrowAndShortTerminal() throws IOException {
        assertScreen("narrow-40x12.txt", TopRenderer.render(fixture(), NOW, 40, 12), 40, 12);
    }

    @Test
    void emptyProcessListInNaiveDryRun() throws IOException {
        StatusSnapshot s = fixture();
        StatusSnapshot empty = new StatusSnapshot(s.timeMillis(), s.daemonPid(), "naive", true, 0, List.of(), null,
                0, 0, 0, "generic", "no cpu PMU", s.policy());
        assertScreen("empty-80x24.txt", TopRenderer.render(empty, NOW + 2_000, 80, 24), 80, 24);
    }

    @Test
    void closestToTheThresholdsFirst() throws IOException {
        List<String> l = TopRenderer.render(fixture(), NOW, 100, 24);
        int graph = indexOf(l, "graph500");
        int longName = indexOf(l, "a_very_long_pro");
        int stream = indexOf(l, "stream");
        int idle = indexOf(l, "idle");
        // graph500 500% of both; a_very_long 90% (MAR); stream 50% (miss); idle 1%.
        assertTrue(graph < longName && longName < stream && stream < idle, String.join("\n", l));
    }

    private static int indexOf(List<String> lines, String s) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(s)) {
                return i;
            }
        }
        return -1;
    }
}
