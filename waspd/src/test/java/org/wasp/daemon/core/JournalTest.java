// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal file: its lines, folding, damaged lines, rewriting. */
class JournalTest {
    @TempDir
    Path dir;

    @Test
    void openEntriesSurviveAndClosedOnesFold() throws Exception {
        Journal j = Journal.open(dir);
        j.changing(List.of(Journal.Entry.repl(500, 77, 0), Journal.Entry.node(500, 501, 78, -1)));
        j.changing(List.of(Journal.Entry.repl(600, 99, 3)));
        j.restored(Journal.Entry.Kind.NODE, 501);
        j.sync();
        // Not closed: as after kill -9.
        String text = Files.readString(Journal.file(dir));
        assertTrue(text.startsWith("# waspd-journal 1\nrepl 500 77 0 ~"), text);
        assertEquals(5, text.split("\n").length, text);
        Journal again = Journal.open(dir);
        assertEquals(List.of(Journal.Entry.repl(500, 77, 0), Journal.Entry.repl(600, 99, 3)), again.recovered());
        assertEquals(List.of(), again.skipped());
        assertEquals(3, Files.readString(Journal.file(dir)).split("\n").length, "rewritten with the open entries");
        again.restored(Journal.Entry.Kind.REPL, 500);
        again.restored(Journal.Entry.Kind.REPL, 600);
        again.close();
        assertFalse(Files.exists(Journal.file(dir)), "nothing open: removed");
    }

    @Test
    void aHomeNodeEntryIsKeptApartFromTheMask() throws Exception {
        Journal j = Journal.open(dir);
        j.changing(List.of(Journal.Entry.repl(500, 77, 0), Journal.Entry.home(500, 77, -1)));
        assertEquals(Journal.Entry.home(500, 77, -1), j.entry(Journal.Entry.Kind.HOME, 500));
        j.restored(Journal.Entry.Kind.REPL, 500);
        j.sync();
        Journal again = Journal.open(dir);
        assertEquals(List.of(Journal.Entry.home(500, 77, -1)), again.recovered(), "the mask restored, the home not");
        again.restored(Journal.Entry.Kind.HOME, 500);
        again.close();
        List<Journal.Entry> out = new java.util.ArrayList<>();
        Journal.read(Path.of("j"), Journal.withCrc("home 7 70 1") + Journal.withCrc("home-done 7 71")
                + Journal.withCrc("home 8 80 -1") + Journal.withCrc("home-done 8 80"), out, new java.util.ArrayList<>());
        assertEquals(List.of(Journal.Entry.home(7, 70, 1)), out, "closed only by the same task's done line");
    }

    @Test
    void aDoneLineClosesOnlyTheSameTask() {
        List<Journal.Entry> out = new java.util.ArrayList<>();
        List<String> skipped = new java.util.ArrayList<>();
        Journal.read(Path.of("j"), Journal.withCrc("repl 500 77 0") + Journal.withCrc("repl-done 500 78")
                + Journal.withCrc("node 500 501 80 -1") + Journal.withCrc("node-done 500 501 80"), out, skipped);
        assertEquals(List.of(Journal.Entry.repl(500, 77, 0)), out, "pid 500 started at 78 is another process");
    }

    @Test
    void damagedAndCutLinesAreSkippedNamingFileAndLine() throws Exception {
        Path f = Journal.file(dir);
        Files.writeString(f, "# waspd-journal 1\n" + Journal.withCrc("repl 500 77 0")
                + "repl 600 99 0 ~00000000\n" // damaged: wrong checksum
                + Journal.withCrc("node 500 501 78 -1")
                + "repl 700 1"); // cut short
        Journal j = Journal.open(dir);
        assertEquals(List.of(Journal.Entry.repl(500, 77, 0), Journal.Entry.node(500, 501, 78, -1)), j.recovered());
        assertEquals(List.of(f + " line 3: damaged, skipped: 'repl 600 99 0 ~00000000'",
                f + " line 5: cut short (the daemon stopped while writing it), skipped: 'repl 700 1'"), j.skipped());
        String rewritten = Files.readString(f);
        assertFalse(rewritten.contains("600") || rewritten.contains("700"), rewritten);
        j.close();
        assertTrue(Files.exists(f), "kept: entries still open");
    }

    @Test
    void growsBoundedByRewriting() throws Exception {
        Journal j = Journal.open(dir);
        j.changing(List.of(Journal.Entry.repl(1, 1, 0)));
        // 100 threads steered, then back, with one sync a batch as the actuator does.
        for (int i = 0; i < 3 * Journal.COMPACT_LINES / 200; i++) {
            List<Journal.Entry> batch = new java.util.ArrayList<>();
            for (int tid = 2; tid < 102; tid++) {
                batch.add(Journal.Entry.node(1, tid, 5, -1));
            }
            j.changing(batch);
            for (int tid = 2; tid < 102; tid++) {
                j.restored(Journal.Entry.Kind.NODE, tid);
            }
            if (j.needsCompaction()) {
                j.compact();
            }
        }
        j.sync();
        long lines = Files.readString(Journal.file(dir)).split("\n").length;
        assertTrue(lines <= Journal.COMPACT_LINES + 201, lines + " lines");
        assertEquals(List.of(Journal.Entry.repl(1, 1, 0)), List.copyOf(j.open()));
        j.close();
        assertEquals(List.of(Journal.Entry.repl(1, 1, 0)), Journal.open(dir).recovered());
    }
}
