// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.top;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The controlling terminal for {@code --top}: keys without Enter and without echo
 * ({@code stty -icanon -echo}, Ctrl-C still a signal), the alternate screen, the size, and
 * putting all of it back. {@link #restore()} runs once, from the loop's end or the shutdown
 * hook (Ctrl-C), whichever comes first.
 */
final class Terminal implements AutoCloseable {
    private static final String ALT_SCREEN_ON = "\033[?1049h\033[?25l";
    private static final String ALT_SCREEN_OFF = "\033[?25h\033[?1049l";
    private final PrintStream out;
    private final String saved;
    private boolean restored;

    private Terminal(PrintStream out, String saved) {
        this.out = out;
        this.saved = saved;
    }

    /** Takes over the terminal; null when there is none (stdin/stdout not a terminal, no stty). */
    static Terminal open(PrintStream out) {
        if (System.console() == null) {
            return null;
        }
        try {
            String saved = stty("-g").trim();
            stty("-icanon", "-echo", "min", "0", "time", "0");
            Terminal t = new Terminal(out, saved);
            out.print(ALT_SCREEN_ON);
            out.flush();
            return t;
        } catch (IOException e) {
            return null;
        }
    }

    /** Rows and columns; 24 x 80 when stty cannot say. */
    int[] size() {
        try {
            String[] rc = stty("size").trim().split("\\s+");
            int rows = Integer.parseInt(rc[0]);
            int cols = Integer.parseInt(rc[1]);
            if (rows > 0 && cols > 0) {
                return new int[] {rows, cols};
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return new int[] {24, 80};
    }

    /** Draws a frame from the top left, clearing what the last one left. */
    void draw(List<String> lines) {
        StringBuilder b = new StringBuilder("\033[H");
        for (int i = 0; i < lines.size(); i++) {
            b.append(lines.get(i)).append("\033[K");
            if (i < lines.size() - 1) {
                b.append("\n");
            }
        }
        out.print(b.append("\033[J"));
        out.flush();
    }

    /** True when q or Q has been typed since the last call. */
    boolean quitTyped(InputStream in) throws IOException {
        boolean quit = false;
        while (in.available() > 0) {
            int c = in.read();
            quit |= c == 'q' || c == 'Q';
        }
        return quit;
    }

    synchronized void restore() {
        if (restored) {
            return;
        }
        restored = true;
        out.print(ALT_SCREEN_OFF);
        out.flush();
        try {
            stty(saved);
        } catch (IOException e) {
            try {
                stty("sane");
            } catch (IOException ignored) {
                // Nothing more to try: `reset` by hand.
            }
        }
    }

    @Override
    public void close() {
        restore();
    }

    private static String stty(String... args) throws IOException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "stty";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectInput(new File("/dev/tty"))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException("stty " + String.join(" ", args) + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        return text;
    }
}
