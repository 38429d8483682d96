// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.top;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.function.Supplier;
import org.wasp.daemon.core.StatusJsonReader;
import org.wasp.daemon.core.StatusSnapshot;

/**
 * {@code waspd --top}: reads the running daemon's status every interval and draws it with
 * {@link TopRenderer} until q or Ctrl-C ({@link #requestQuit()}), then gives the terminal back as it was. Without a
 * terminal it prints one screen (80 columns, every process) and returns, like {@code top -b -n 1}.
 * The status text comes from {@code status}, which throws the one-line error that ends the view
 * when the daemon stops or its file goes stale.
 */
public final class TopView {
    private final Supplier<String> status;
    private final long intervalMs;
    private volatile boolean quit;

    public TopView(Supplier<String> status, long intervalMs) {
        this.status = status;
        this.intervalMs = intervalMs;
    }

    /** Ends the view at its next look at the keyboard (SIGINT/SIGTERM: Ctrl-C). */
    public void requestQuit() {
        quit = true;
    }

    /** One screen for a pipe or a file. */
    public String once(int width) {
        StatusSnapshot s = parse(status.get());
        return String.join("\n", TopRenderer.render(s, System.currentTimeMillis(), width, Integer.MAX_VALUE)) + "\n";
    }

    /** Runs on the terminal until q or Ctrl-C; false when there is no terminal to run on. */
    public boolean interactive(PrintStream out, InputStream in) throws IOException, InterruptedException {
        String first = status.get(); // a missing or stale status ends it before the screen is taken
        Terminal t = Terminal.open(out);
        if (t == null) {
            return false;
        }
        Thread restore = new Thread(t::restore, "waspd-top-terminal");
        Runtime.getRuntime().addShutdownHook(restore);
        try (t) {
            String text = first;
            while (true) {
                int[] rc = t.size();
                t.draw(TopRenderer.render(parse(text), System.currentTimeMillis(), rc[1], rc[0]));
                long until = System.currentTimeMillis() + intervalMs;
                while (System.currentTimeMillis() < until) {
                    if (t.quitTyped(in) || quit) {
                        return true;
                    }
                    Thread.sleep(Math.min(50, Math.max(1, until - System.currentTimeMillis())));
                }
                text = status.get();
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(restore);
            } catch (IllegalStateException ignored) {
                // Shutting down: the hook restores.
            }
        }
    }

    /** @throws IllegalArgumentException when the text is not a waspd status */
    private static StatusSnapshot parse(String text) {
        return StatusJsonReader.parse(text);
    }
}
