// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os;

/**
 * Tells the service manager how the daemon is doing (systemd's sd_notify protocol: READY=1,
 * WATCHDOG=1, RELOADING=1, STOPPING=1, STATUS=...). Never fails the daemon: a message that
 * cannot be sent is logged once by the implementation.
 */
public interface ServiceNotifier {
    /** Nobody to tell (not started by systemd with Type=notify). */
    ServiceNotifier NONE = new ServiceNotifier() {
        @Override
        public void send(String message) {
        }

        @Override
        public long watchdogMicros() {
            return 0;
        }
    };

    /** Sends one message: newline-separated VARIABLE=VALUE assignments. */
    void send(String message);

    /** The watchdog period systemd asks for ($WATCHDOG_USEC), 0 when none. */
    long watchdogMicros();
}
