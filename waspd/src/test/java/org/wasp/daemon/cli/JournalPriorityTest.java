// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class JournalPriorityTest {
    @Test
    void journalGetsSyslogPriorities() {
        assertEquals("<3>", JournalPriority.prefix(Level.ERROR, true));
        assertEquals("<4>", JournalPriority.prefix(Level.WARN, true));
        assertEquals("<6>", JournalPriority.prefix(Level.INFO, true));
        assertEquals("<7>", JournalPriority.prefix(Level.DEBUG, true));
    }

    @Test
    void aTerminalGetsNoPrefix() {
        assertEquals("", JournalPriority.prefix(Level.WARN, false));
    }

    /** The shipped configuration (logback.xml): priority, date and time, level, message. */
    @Test
    void linesCarryTheDate() throws IOException {
        String xml;
        try (InputStream in = JournalPriorityTest.class.getResourceAsStream("/logback.xml")) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(xml.contains("converterClass=\"" + JournalPriority.class.getName() + "\""), xml);
        Matcher m = Pattern.compile("<pattern>(.*)</pattern>").matcher(xml);
        assertTrue(m.find(), xml);
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayout layout = new PatternLayout();
        layout.setContext(ctx);
        layout.getInstanceConverterMap().put("journalPriority", JournalPriority::new);
        layout.setPattern(m.group(1));
        layout.start();
        LoggingEvent event = new LoggingEvent("x", ctx.getLogger("x"), Level.WARN, "disk full", null, null);
        String line = layout.doLayout(event);
        assertTrue(Pattern.matches("(<4>)?\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  disk full\\R", line), line);
    }
}
