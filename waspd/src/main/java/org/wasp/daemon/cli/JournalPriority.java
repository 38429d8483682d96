// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Log pattern word {@code %journalPriority}: under systemd (stderr connected to the journal,
 * which sets {@code JOURNAL_STREAM}) the sd-daemon prefix {@code <N>} that gives a line its
 * syslog priority, so {@code journalctl -p warning} finds waspd's warnings; elsewhere nothing.
 */
public final class JournalPriority extends ClassicConverter {
    private final boolean toJournal = System.getenv("JOURNAL_STREAM") != null;

    @Override
    public String convert(ILoggingEvent event) {
        return prefix(event.getLevel(), toJournal);
    }

    /** The prefix for {@code level}; empty when not logging to the journal. */
    static String prefix(Level level, boolean toJournal) {
        if (!toJournal) {
            return "";
        }
        return switch (level.toInt()) {
            case Level.ERROR_INT -> "<3>";
            case Level.WARN_INT -> "<4>";
            case Level.INFO_INT -> "<6>";
            default -> "<7>";
        };
    }
}
