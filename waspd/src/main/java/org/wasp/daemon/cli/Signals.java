// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.cli;

/** SIGTERM/SIGINT handlers that ask the loop to stop, so it undoes its changes and exits 0. */
final class Signals {
    private Signals() {
    }

    /**
     * SIGHUP runs {@code action} (a reload) instead of the JVM's default, which would exit. Where
     * the JVM does not allow it, SIGHUP stays the JVM's.
     */
    @SuppressWarnings("removal")
    static void onHangup(Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> action.run());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // -Xrs or an embedding JVM: no reload.
        }
    }

    /** Where the JVM does not allow handling a signal, only the shutdown hook acts on it. */
    @SuppressWarnings("removal")
    static void onTerminate(Runnable action) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> action.run());
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // The shutdown hook still undoes.
            }
        }
    }
}
