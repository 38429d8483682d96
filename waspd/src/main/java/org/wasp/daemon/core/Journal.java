// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The actuator's write-ahead log of what it changed, {@code RUN_DIR/waspd.journal}: before the
 * daemon changes a process's replication or a thread's page-table node away from how it found
 * it, a line naming the process or thread (pid, tid, start time) and its original setting is
 * appended and forced to disk ({@code fdatasync}); once it is back at that setting, a line saying
 * so is appended. After a crash ({@code kill -9}, an OOM kill, a power cut of the daemon's
 * machine... the next start reads the lines that are still open and restores or adopts them.
 *
 * <pre>
 * # waspd-journal 1
 * repl PID START ORIGINAL_MASK ~CRC          the process's mask is being changed
 * node PID TID START ORIGINAL_NODE ~CRC      the thread's node is being changed (-1: auto)
 * repl-done PID START ~CRC                   back at its original mask
 * node-done PID TID START ~CRC               back at its original node
 * </pre>
 *
 * START is field 22 of the task's stat (clock ticks after boot): with the pid it names one
 * process for good, so a pid that the kernel has given to another process since is never
 * touched. CRC is the CRC-32 of what precedes " ~" on the line, in hex: a line cut short by a
 * crash in mid-write, or otherwise damaged, fails it and is skipped (with a warning naming the
 * file and line). A clean shutdown removes the file; the start after a crash rewrites it with
 * what it adopted (nothing, by default). The file is also rewritten, with only its open entries,
 * when it has grown to {@link #COMPACT_LINES} lines ({@link #compact}). Not for concurrent use:
 * the actuator serialises calls.
 */
public final class Journal implements AutoCloseable {
    public static final String FILE_NAME = "waspd.journal";
    static final String HEADER = "# waspd-journal 1";
    /** Lines in the file that trigger a rewrite (when most are of closed entries). */
    static final int COMPACT_LINES = 4096;

    /** What an open entry says: which process or thread, and its setting before the daemon changed it. */
    public record Entry(Kind kind, int pid, int tid, long startTime, long original) {
        /** A process's replication mask, a thread's page-table node, a process's page-table home node. */
        public enum Kind { REPL, NODE, HOME }

        static Entry repl(int pid, long startTime, long originalMask) {
            return new Entry(Kind.REPL, pid, pid, startTime, originalMask);
        }

        static Entry home(int pid, long startTime, int originalHome) {
            return new Entry(Kind.HOME, pid, pid, startTime, originalHome);
        }

        static Entry node(int pid, int tid, long startTime, int originalNode) {
            return new Entry(Kind.NODE, pid, tid, startTime, originalNode);
        }

        /** The process's, or the thread's, key: one open entry per key. */
        Key key() {
            return new Key(kind, tid);
        }

        String line() {
            return switch (kind) {
                case REPL -> "repl " + pid + " " + startTime + " " + original;
                case HOME -> "home " + pid + " " + startTime + " " + original;
                case NODE -> "node " + pid + " " + tid + " " + startTime + " " + original;
            };
        }

        String doneLine() {
            return switch (kind) {
                case REPL -> "repl-done " + pid + " " + startTime;
                case HOME -> "home-done " + pid + " " + startTime;
                case NODE -> "node-done " + pid + " " + tid + " " + startTime;
            };
        }
    }

    /** A process (its pid) or a thread (its tid): the ids the kernel keeps unique among live tasks. */
    record Key(Entry.Kind kind, int id) {
    }

    private final Path file;
    private FileChannel ch;
    private final Map<Key, Entry> open = new LinkedHashMap<>();
    private final List<Entry> recovered;
    private final List<String> skipped;
    private int lines;
    private boolean dirty;

    private Journal(Path file, List<Entry> recovered, List<String> skipped) {
        this.file = file;
        this.recovered = recovered;
        this.skipped = skipped;
    }

    public static Path file(Path runDir) {
        return runDir.resolve(FILE_NAME);
    }

    /**
     * Opens the journal in {@code runDir}: reads what a daemon that did not stop cleanly left
     * there ({@link #recovered()}) and rewrites the file with those entries alone (damaged lines
     * and closed entries dropped). They stay open until the caller settles each: restored (or
     * found to name a process that no longer exists) with {@link #restored}, adopted by leaving
     * it open.
     *
     * @throws IOException naming nothing; callers describe it with the {@link #path()}
     */
    public static Journal open(Path runDir) throws IOException {
        Files.createDirectories(runDir);
        Path f = file(runDir);
        List<Entry> recovered = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        String text;
        try {
            text = Files.readString(f, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            text = "";
        }
        read(f, text, recovered, skipped);
        Journal j = new Journal(f, List.copyOf(recovered), skipped);
        // Still open until the caller settles them: a crash during the settling leaves them on record.
        for (Entry e : recovered) {
            j.open.put(e.key(), e);
        }
        j.rewrite();
        return j;
    }

    /** Folds the lines of {@code text}: the entries still open, in the order they were opened. */
    static void read(Path f, String text, List<Entry> out, List<String> skipped) {
        Map<Key, Entry> open = new LinkedHashMap<>();
        String[] ls = text.split("\n", -1);
        for (int i = 0; i < ls.length; i++) {
            String l = ls[i];
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            if (!parse(l, open)) {
                boolean last = i == ls.length - 1;
                skipped.add(f + " line " + (i + 1) + ": " + (last ? "cut short (the daemon stopped while writing it)"
                        : "damaged") + ", skipped: '" + printable(l) + "'");
            }
        }
        out.addAll(open.values());
    }

    private static boolean parse(String line, Map<Key, Entry> open) {
        int mark = line.lastIndexOf(" ~");
        if (mark < 0 || !line.substring(mark + 2).equals(crc(line.substring(0, mark)))) {
            return false;
        }
        String[] f = line.substring(0, mark).split(" ");
        try {
            switch (f[0]) {
                case "repl" -> {
                    if (f.length != 4) {
                        return false;
                    }
                    Entry e = Entry.repl(Integer.parseInt(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]));
                    open.put(e.key(), e);
                }
                case "node" -> {
                    if (f.length != 5) {
                        return false;
                    }
                    Entry e = Entry.node(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3]),
                            Integer.parseInt(f[4]));
                    open.put(e.key(), e);
                }
                case "home" -> {
                    if (f.length != 4) {
                        return false;
                    }
                    Entry e = Entry.home(Integer.parseInt(f[1]), Long.parseLong(f[2]), Integer.parseInt(f[3]));
                    open.put(e.key(), e);
                }
                case "home-done" -> {
                    if (f.length != 3) {
                        return false;
                    }
                    close(open, new Key(Entry.Kind.HOME, Integer.parseInt(f[1])), Long.parseLong(f[2]));
                }
                case "repl-done" -> {
                    if (f.length != 3) {
                        return false;
                    }
                    close(open, new Key(Entry.Kind.REPL, Integer.parseInt(f[1])), Long.parseLong(f[2]));
                }
                case "node-done" -> {
                    if (f.length != 4) {
                        return false;
                    }
                    close(open, new Key(Entry.Kind.NODE, Integer.parseInt(f[2])), Long.parseLong(f[3]));
                }
                default -> {
                    return false;
                }
            }
        } catch (NumberFormatException e) {
            return false;
        }
        return true;
    }

    private static void close(Map<Key, Entry> open, Key k, long startTime) {
        Entry e = open.get(k);
        if (e != null && e.startTime() == startTime) {
            open.remove(k);
        }
    }

    private static String printable(String l) {
        String s = l.length() > 60 ? l.substring(0, 60) + "..." : l;
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }

    static String crc(String s) {
        CRC32 c = new CRC32();
        c.update(s.getBytes(StandardCharsets.ISO_8859_1));
        return String.format("%08x", c.getValue());
    }

    static String withCrc(String s) {
        return s + " ~" + crc(s) + "\n";
    }

    public Path path() {
        return file;
    }

    /** The entries a daemon that did not stop cleanly left open, in the order it made them. */
    public List<Entry> recovered() {
        return recovered;
    }

    /** One warning per line that was cut short or damaged (file and line named). */
    public List<String> skipped() {
        return skipped;
    }

    /** The open entry of process (REPL, HOME) or thread (NODE) {@code id}, or null. */
    public Entry entry(Entry.Kind kind, int id) {
        return open.get(new Key(kind, id));
    }

    /** The open entries, in the order they were opened. */
    public Collection<Entry> open() {
        return List.copyOf(open.values());
    }

    /**
     * Records {@code entries} and forces them to disk: the changes may be made once this
     * returns. One write and one sync for all of them; an entry whose process or thread has one
     * open already is not written again (its original setting is the one on record).
     */
    public void changing(Collection<Entry> entries) throws IOException {
        StringBuilder b = new StringBuilder();
        List<Entry> added = new ArrayList<>();
        for (Entry e : entries) {
            Entry had = open.get(e.key());
            if (had == null || had.startTime() != e.startTime()) {
                b.append(withCrc(e.line()));
                added.add(e);
            }
        }
        if (added.isEmpty()) {
            return;
        }
        append(b.toString());
        ch.force(false);
        dirty = false;
        for (Entry e : added) {
            open.put(e.key(), e);
        }
        lines += added.size();
    }

    /**
     * Notes that a process or thread is back at its original setting. Not forced to disk at
     * once ({@link #sync}): lost, it only makes the next start set it to that setting again.
     */
    public void restored(Entry.Kind kind, int id) throws IOException {
        Entry e = open.remove(new Key(kind, id));
        if (e == null) {
            return;
        }
        append(withCrc(e.doneLine()));
        dirty = true;
        lines++;
    }

    /**
     * True when the file has grown to {@link #COMPACT_LINES} lines, most of them of closed
     * entries, since it was last rewritten.
     */
    public boolean needsCompaction() {
        return lines >= COMPACT_LINES && lines >= 2 * open.size();
    }

    /** Rewrites the file with the open entries alone. */
    public void compact() throws IOException {
        rewrite();
    }

    /** Forces what {@link #restored} appended to disk. */
    public void sync() throws IOException {
        if (dirty && ch != null) {
            ch.force(false);
            dirty = false;
        }
    }

    /** Replaces the file with one holding the open entries alone (written, synced, renamed). */
    private void rewrite() throws IOException {
        if (ch != null) {
            ch.close();
            ch = null;
        }
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        for (Entry e : open.values()) {
            b.append(withCrc(e.line()));
        }
        try (FileChannel t = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            write(t, b.toString());
            t.force(false);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDir();
        ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        lines = open.size();
        dirty = false;
    }

    private void syncDir() {
        try (FileChannel d = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Not every file system lets a directory be synced; the rename is then as durable as it gets.
        }
    }

    private void append(String s) throws IOException {
        if (ch == null) {
            throw new IOException("journal closed");
        }
        write(ch, s);
    }

    private static void write(FileChannel c, String s) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
        while (b.hasRemaining()) {
            c.write(b);
        }
    }

    /**
     * Closes the file; with {@code remove} (a clean shutdown, everything restored) deletes it,
     * else leaves it for the next start.
     */
    public void close(boolean remove) throws IOException {
        if (ch != null) {
            try {
                sync();
            } finally {
                ch.close();
                ch = null;
            }
        }
        if (remove) {
            Files.deleteIfExists(file);
            syncDir();
        }
    }

    @Override
    public void close() throws IOException {
        close(open.isEmpty());
    }
}
