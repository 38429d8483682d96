// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.wasp.daemon.policy.Thresholds;
import picocli.CommandLine;

/**
 * The {@code --config} file (/etc/wasp/waspd.conf under systemd): the settings that can change
 * while the daemon runs ({@link LiveSettings}), one {@code key = value} a line, {@code #}
 * comments. Read at start and again on SIGHUP; each read starts from the command line's
 * settings, so a line removed from the file gives the command line's value back.
 *
 * <pre>
 * mar-threshold = 20M      # like --mar-threshold
 * miss-threshold = 1%
 * margin = 20%
 * hold-on = 3
 * hold-off = 3
 * min-gain = 10%
 * exclude = stream backup  # added to the command line's -x
 * interval = 1s
 * log-level = info         # info, debug (like -v) or warn (like -q)
 * </pre>
 */
final class ConfigFile {
    static final List<String> KEYS = List.of("mar-threshold", "miss-threshold", "margin", "hold-on", "hold-off",
            "min-gain", "exclude", "interval", "log-level");

    private ConfigFile() {
    }

    /** A line the file cannot have; the message names the file and the line. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    static LiveSettings read(Path file, LiveSettings base) throws IOException, Invalid {
        return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8), base);
    }

    static LiveSettings parse(String name, List<String> lines, LiveSettings base) throws Invalid {
        Thresholds t = base.thresholds();
        double mar = t.marOn();
        double miss = t.missOn();
        double margin = t.margin();
        int holdOn = t.holdOn();
        int holdOff = t.holdOff();
        double minGain = base.minGain();
        Set<String> excluded = new LinkedHashSet<>(base.excluded());
        long interval = base.intervalMs();
        String level = base.logLevel();
        Set<String> seen = new LinkedHashSet<>();
        for (int n = 1; n <= lines.size(); n++) {
            String line = lines.get(n - 1);
            int hash = line.indexOf('#');
            line = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (line.isEmpty()) {
                continue;
            }
            String where = name + " line " + n + ": ";
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new Invalid(where + "expected KEY = VALUE, not '" + line + "'");
            }
            String key = line.substring(0, eq).trim();
            String value = line.substring(eq + 1).trim();
            if (!KEYS.contains(key)) {
                throw new Invalid(where + "unknown setting '" + key + "' (settable: " + String.join(", ", KEYS)
                        + "; the others are command-line options)");
            }
            if (!seen.add(key)) {
                throw new Invalid(where + key + " is set twice");
            }
            try {
                switch (key) {
                    case "mar-threshold" -> mar = new Converters.Rate().convert(value);
                    case "miss-threshold" -> miss = new Converters.Fraction().convert(value);
                    case "margin" -> margin = new Converters.Fraction().convert(value);
                    case "hold-on" -> holdOn = count(value);
                    case "hold-off" -> holdOff = count(value);
                    case "min-gain" -> minGain = new Converters.Fraction().convert(value);
                    case "exclude" -> excluded.addAll(List.of(value.isEmpty() ? new String[0] : value.split("[\\s,]+")));
                    case "interval" -> interval = new Converters.Millis().convert(value);
                    case "log-level" -> level = level(value);
                    default -> throw new IllegalStateException(key);
                }
            } catch (CommandLine.TypeConversionException | IllegalArgumentException e) {
                throw new Invalid(where + key + ": " + e.getMessage());
            }
        }
        try {
            return new LiveSettings(new Thresholds(mar, miss, margin, holdOn, holdOff), minGain, excluded, interval,
                    level);
        } catch (IllegalArgumentException e) {
            throw new Invalid(name + ": " + e.getMessage());
        }
    }

    private static int count(String v) {
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("'" + v + "' is not a whole number >= 1");
    }

    private static String level(String v) {
        if (!List.of("info", "debug", "warn").contains(v)) {
            throw new IllegalArgumentException("'" + v + "' is not info, debug or warn");
        }
        return v;
    }
}
