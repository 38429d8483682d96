// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os;

import com.sun.jna.LastErrorException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wasp.daemon.jna.Errno;
import org.wasp.daemon.jna.LibC;
import org.wasp.daemon.jna.SockaddrUn;

/**
 * sd_notify without libsystemd: each message is one datagram on a unix socket to
 * {@code $NOTIFY_SOCKET} (a path, or {@code @name} in the abstract namespace), through
 * socket(2) and sendto(2) (Java 17 has no unix datagram channel). The socket is opened on the
 * first message and kept. A failure is logged once and the daemon goes on.
 */
public final class NotifySocket implements ServiceNotifier {
    private static final Logger LOG = LoggerFactory.getLogger(NotifySocket.class);
    private final String path;
    private final byte[] addr;
    private final long watchdogMicros;
    private int fd = -1;
    private boolean warned;

    NotifySocket(String path, long watchdogMicros) {
        this.path = path;
        this.addr = SockaddrUn.of(path);
        this.watchdogMicros = watchdogMicros;
    }

    /**
     * From systemd's variables: {@code NOTIFY_SOCKET}, and {@code WATCHDOG_USEC} when
     * {@code WATCHDOG_PID} is unset or this process. {@link ServiceNotifier#NONE} without a socket.
     */
    public static ServiceNotifier fromEnvironment(Map<String, String> env, long selfPid) {
        String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return NONE;
        }
        long wd = 0;
        String pid = env.get("WATCHDOG_PID");
        if (pid == null || pid.equals(Long.toString(selfPid))) {
            try {
                wd = Long.parseLong(env.getOrDefault("WATCHDOG_USEC", "0"));
            } catch (NumberFormatException e) {
                wd = 0;
            }
        }
        try {
            return new NotifySocket(socket, Math.max(0, wd));
        } catch (IllegalArgumentException e) {
            LOG.warn("NOTIFY_SOCKET: {}; not notifying systemd", e.getMessage());
            return NONE;
        }
    }

    @Override
    public synchronized void send(String message) {
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        try {
            if (fd < 0) {
                fd = LibC.get().socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
            }
            LibC.get().sendto(fd, b, b.length, LibC.MSG_NOSIGNAL, addr, addr.length);
        } catch (LastErrorException e) {
            if (!warned) {
                warned = true;
                LOG.warn("cannot notify systemd on {}: {}", path, Errno.name(e.getErrorCode()));
            }
        }
    }

    @Override
    public long watchdogMicros() {
        return watchdogMicros;
    }
}
