// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The status file the running daemon rewrites every interval and --status prints. */
public final class StatusFile {
    private final Path path;

    public StatusFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /** Replaces the file atomically, so a reader never sees half a status. */
    public void write(StatusSnapshot s) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(path.getFileName() + ".tmp");
        Files.writeString(tmp, StatusJson.render(s), StandardCharsets.UTF_8);
        try {
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public String read() throws IOException {
        return Files.readString(path, StandardCharsets.UTF_8);
    }

    public void delete() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // A stale status file names a pid that is gone; --status says so.
        }
    }
}
