// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.jna;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A {@code struct sockaddr_un} as bytes: {@code sun_family} (AF_UNIX, native byte order) and
 * the path. A path starting with {@code @} is in the abstract namespace (a NUL first, no NUL
 * at the end, as systemd's {@code NOTIFY_SOCKET} spells it); others end with a NUL.
 */
public final class SockaddrUn {
    /** sizeof(sun_path) on Linux. */
    public static final int PATH_MAX = 108;

    private SockaddrUn() {
    }

    /** The address bytes, exactly as long as the addrlen to pass. */
    public static byte[] of(String path) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = path.startsWith("@");
        int len = abstractName ? p.length : p.length + 1;
        if (p.length == 0 || len > PATH_MAX) {
            throw new IllegalArgumentException("unix socket path must be 1 to " + (PATH_MAX - 1) + " bytes: " + path);
        }
        ByteBuffer b = ByteBuffer.allocate(2 + len).order(ByteOrder.nativeOrder());
        b.putShort((short) LibC.AF_UNIX);
        b.put(p);
        byte[] out = b.array();
        if (abstractName) {
            out[2] = 0;
        }
        return out;
    }
}
