// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.wasp.daemon.os.parse.ProcStat;

/** {@link TaskStatFile} over an open channel, read with pread into a buffer it shares (one reader at a time). */
final class KeptTaskStat implements TaskStatFile {
    private final FileChannel ch;
    private final ByteBuffer buf;

    KeptTaskStat(FileChannel ch, ByteBuffer buf) {
        this.ch = ch;
        this.buf = buf;
    }

    @Override
    public int processor() {
        if (!readLine()) {
            return GONE;
        }
        try {
            return ProcStat.processor(buf);
        } catch (IllegalArgumentException e) {
            return GONE;
        }
    }

    @Override
    public Optional<ProcStat> stat() {
        if (!readLine()) {
            return Optional.empty();
        }
        int end = buf.limit();
        if (end > 0 && buf.get(end - 1) == '\n') {
            end--;
        }
        byte[] line = new byte[end];
        buf.get(0, line);
        try {
            return Optional.of(ProcStat.parse(new String(line, StandardCharsets.ISO_8859_1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Reads the file from its start into {@link #buf} (flipped); false when it cannot be read. */
    private boolean readLine() {
        buf.clear();
        try {
            // One pread returns the whole line; read on only if it did not end with one.
            while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0
                    && buf.get(buf.position() - 1) != '\n') {
                continue;
            }
        } catch (IOException e) {
            return false;
        }
        buf.flip();
        return buf.hasRemaining();
    }

    @Override
    public void close() {
        try {
            ch.close();
        } catch (IOException ignored) {
            // The descriptor is released either way.
        }
    }
}
