// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.cli;

/** A problem the user can fix; printed as one line, no stack trace, exits with {@link #exitCode()}. */
public final class UserError extends RuntimeException {
    private final int exitCode;

    public UserError(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
