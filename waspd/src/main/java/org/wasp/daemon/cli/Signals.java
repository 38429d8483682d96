// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.cli;

/** SIGTERM/SIGINT handlers that ask the loop to stop, so it undoes its changes and exits 0. */
final class Signals {
    private Signals() {
    }

    /** Returns false when the JVM does not allow handling a signal (then only the shutdown hook acts). */
    @SuppressWarnings("removal")
    static boolean onTerminate(Runnable action) {
        boolean ok = true;
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> action.run());
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                ok = false;
            }
        }
        return ok;
    }
}
