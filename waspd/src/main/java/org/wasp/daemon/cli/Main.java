// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.cli;

/** Entry point of waspd.jar. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(WaspdCommand.commandLine(new LinuxPlatform()).execute(args));
    }
}
