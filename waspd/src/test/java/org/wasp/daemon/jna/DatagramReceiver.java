// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.charset.StandardCharsets;

/** A bound unix datagram socket for tests: what systemd's NOTIFY_SOCKET end does. */
public final class DatagramReceiver implements AutoCloseable {
    interface Sockets extends Library {
        Sockets INSTANCE = Native.load("c", Sockets.class);

        int socket(int domain, int type, int protocol) throws LastErrorException;

        int bind(int fd, byte[] addr, int addrlen) throws LastErrorException;

        int setsockopt(int fd, int level, int name, long[] value, int len) throws LastErrorException;

        long recv(int fd, byte[] buf, long len, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int EAGAIN = 11;
    private final int fd;

    /** Binds {@code path} ({@code @name}: abstract namespace). */
    public DatagramReceiver(String path) {
        fd = Sockets.INSTANCE.socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        byte[] addr = SockaddrUn.of(path);
        Sockets.INSTANCE.bind(fd, addr, addr.length);
    }

    /** The next datagram, or null when none comes within {@code timeoutMs}. */
    public String receive(long timeoutMs) {
        Sockets.INSTANCE.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, new long[] {timeoutMs / 1000, timeoutMs % 1000 * 1000},
                16);
        byte[] buf = new byte[4096];
        try {
            long n = Sockets.INSTANCE.recv(fd, buf, buf.length, 0);
            return new String(buf, 0, (int) n, StandardCharsets.UTF_8);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EAGAIN) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        Sockets.INSTANCE.close(fd);
    }
}
