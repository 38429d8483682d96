// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.wasp.daemon.policy.Thresholds;

/** The --config file: every live setting, comments, the command line as the base, one-line errors. */
class ConfigFileTest {
    static final LiveSettings BASE = new LiveSettings(Thresholds.DEFAULTS, 0.1, Set.of("cron"), 1000, "info");

    static LiveSettings parse(String... lines) throws ConfigFile.Invalid {
        return ConfigFile.parse("waspd.conf", List.of(lines), BASE);
    }

    @Test
    void everySettingAndComments() throws Exception {
        LiveSettings s = parse("# all of them", "", "mar-threshold = 20M  # more", "miss-threshold=2%", "margin = 0.1",
                "hold-on = 5", "hold-off = 4", "min-gain = 25%", "exclude = stream, backup db", "interval = 500ms",
                "log-level = debug");
        assertEquals(new LiveSettings(new Thresholds(20e6, 0.02, 0.1, 5, 4), 0.25,
                Set.of("cron", "stream", "backup", "db"), 500, "debug"), s);
        assertEquals("mar-threshold 10.0M -> 20.0M, miss-threshold 1.000% -> 2.000%, margin 20.00% -> 10.00%, "
                + "hold-on 3 -> 5, hold-off 3 -> 4, min-gain 10.00% -> 25.00%, exclude [cron] -> [backup, cron, db, "
                + "stream], interval 1000ms -> 500ms, log-level info -> debug", s.changesFrom(BASE));
    }

    @Test
    void anEmptyFileIsTheCommandLine() throws Exception {
        assertEquals(BASE, parse());
        assertEquals("", parse("# nothing").changesFrom(BASE));
    }

    @Test
    void oneLineErrorsNameFileAndLine() {
        assertError("waspd.conf line 2: unknown setting 'mode' (settable: mar-threshold, miss-threshold, margin, "
                + "hold-on, hold-off, min-gain, exclude, interval, log-level; the others are command-line options)",
                "", "mode = 0");
        assertError("waspd.conf line 1: expected KEY = VALUE, not 'hold-on 3'", "hold-on 3");
        assertError("waspd.conf line 1: hold-on: '0' is not a whole number >= 1", "hold-on = 0");
        assertError("waspd.conf line 1: mar-threshold: 'lots' is not a rate (e.g. 10M, 2.5e7)", "mar-threshold = lots");
        assertError("waspd.conf line 2: margin is set twice", "margin = 1%", "margin = 2%");
        assertError("waspd.conf line 1: log-level: 'loud' is not info, debug or warn", "log-level = loud");
        assertError("waspd.conf line 1: interval: '0s' must be positive", "interval = 0s");
    }

    private static void assertError(String message, String... lines) {
        assertEquals(message, assertThrows(ConfigFile.Invalid.class, () -> parse(lines)).getMessage());
    }
}
