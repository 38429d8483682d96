// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The libc calls on the daemon's hot path, with JNA direct mapping: a static native
 * method per function, no proxy and no array marshalling per call. {@code read} of the
 * perf counters runs six times per thread per interval (6,000 times a second with
 * 1,000 threads); through the {@link LibC} interface mapping each call cost about three
 * times the system call itself.
 */
public final class DirectLibC {
    static {
        Native.register(DirectLibC.class, NativeLibrary.getInstance("c"));
    }

    private DirectLibC() {
    }

    /** read(2) into native memory. */
    public static native long read(int fd, Pointer buf, long count) throws LastErrorException;
}
