// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalInt;

/**
 * One daemon per machine: an exclusive lock ({@code fcntl} through {@link FileChannel#tryLock})
 * on {@code DIR/waspd.pid}, which holds the owner's pid. The kernel drops the lock when the
 * process ends, however it ends, so a pid file left behind by a killed daemon never blocks the
 * next start: only a live holder does. The file itself is left in place at exit (removing it
 * would race a starting daemon that has just opened it).
 */
public final class InstanceLock implements AutoCloseable {
    public static final String FILE_NAME = "waspd.pid";

    private final FileChannel channel;
    private final FileLock lock;

    private InstanceLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Another daemon holds the lock; {@code pid} is what its file says (-1 when unreadable). */
    public static final class HeldException extends Exception {
        private final int pid;

        HeldException(int pid) {
            super("another waspd is running" + (pid > 0 ? " (pid " + pid + ")" : ""), null, false, false);
            this.pid = pid;
        }

        public int pid() {
            return pid;
        }
    }

    public static Path file(Path dir) {
        return dir.resolve(FILE_NAME);
    }

    /**
     * Takes the lock in {@code dir} (created if missing) and writes {@code pid} into its file.
     *
     * @throws HeldException when a live process holds it
     * @throws IOException   when the directory or file cannot be created or written
     */
    public static InstanceLock acquire(Path dir, int pid) throws IOException, HeldException {
        Files.createDirectories(dir);
        Path f = file(dir);
        FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null; // Held by this JVM (tests run two commands in one process).
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        if (l == null) {
            int holder = readPid(ch);
            ch.close();
            throw new HeldException(holder);
        }
        try {
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((pid + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            ch.force(false);
        } catch (IOException e) {
            l.release();
            ch.close();
            throw e;
        }
        return new InstanceLock(ch, l);
    }

    /** What {@code --status} needs to know about the lock in {@code dir}. */
    public record Probe(boolean held, OptionalInt pid) {
    }

    /**
     * Whether some process holds the lock in {@code dir} now, and the pid its file names. Needs
     * only read access (a shared lock is tried, and released at once), so an unprivileged
     * {@code --status} can ask.
     */
    public static Probe probe(Path dir) throws IOException {
        Path f = file(dir);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            int pid = readPid(ch);
            OptionalInt p = pid > 0 ? OptionalInt.of(pid) : OptionalInt.empty();
            FileLock l;
            try {
                l = ch.tryLock(0, Long.MAX_VALUE, true);
            } catch (OverlappingFileLockException e) {
                return new Probe(true, p);
            }
            if (l == null) {
                return new Probe(true, p);
            }
            l.release();
            return new Probe(false, p);
        } catch (NoSuchFileException e) {
            return new Probe(false, OptionalInt.empty());
        }
    }

    private static int readPid(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            ch.read(b, 0);
            String s = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
            return s.isEmpty() ? -1 : Integer.parseInt(s);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel releases it too.
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing left to do; the kernel drops the lock at exit.
        }
    }
}
