// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
        buf.clear();
        try {
            // One pread returns the whole line; read on only if it did not end with one.
            while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0
                    && buf.get(buf.position() - 1) != '\n') {
                continue;
            }
        } catch (IOException e) {
            return GONE;
        }
        buf.flip();
        try {
            return ProcStat.processor(buf);
        } catch (IllegalArgumentException e) {
            return GONE;
        }
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
