// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os;

import org.wasp.daemon.jna.Errno;

/** A failed OS call, with its errno, so callers can tell "gone" from "forbidden" from "unsupported". */
public class OsException extends Exception {
    private final int errno;

    public OsException(String what, int errno) {
        super(what + ": " + Errno.name(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    /** The process or thread no longer exists (ESRCH, ENOENT): skip silently. */
    public boolean vanished() {
        return errno == Errno.ESRCH || errno == Errno.ENOENT;
    }

    /** Not allowed (EPERM, EACCES): report once per process. */
    public boolean denied() {
        return errno == Errno.EPERM || errno == Errno.EACCES;
    }
}
