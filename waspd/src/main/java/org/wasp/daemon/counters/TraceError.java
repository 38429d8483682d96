// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

/**
 * A replayed trace that cannot be read further: a malformed line or a read error met while
 * streaming it. The message names the file and the line or the OS's reason.
 */
public final class TraceError extends RuntimeException {
    public TraceError(String message, Throwable cause) {
        super(message, cause);
    }
}
