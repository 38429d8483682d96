// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * One-line descriptions of I/O errors that name the file and the OS's reason. Java's own
 * messages often give one without the other (a NoSuchFileException's message is the path alone,
 * a write error's "No space left on device" has no path).
 */
public final class IoErrors {
    private IoErrors() {
    }

    /** "FILE: REASON", e.g. "/run/waspd/status.json: Permission denied". */
    public static String describe(Path file, IOException e) {
        String where = file == null ? null : file.toString();
        if (e instanceof FileSystemException fs && fs.getFile() != null) {
            where = fs.getFile();
        }
        String why = reason(e);
        return where == null ? why : where + ": " + why;
    }

    /** The OS's reason alone, without the path. */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "File exists";
        }
        if (e instanceof NotDirectoryException) {
            return "Not a directory";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "Directory not empty";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
