// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.cli;

import picocli.CommandLine;

/** Option value parsers: durations ("1s", "500ms", "2"), rates ("10M"), fractions ("1%", "0.01"). */
final class Converters {
    private Converters() {
    }

    /** Milliseconds from "500ms", "1s", "1.5s", "2m" or plain seconds "2". */
    static final class Millis implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String v) {
            String s = v.trim().toLowerCase();
            double mult = 1000;
            if (s.endsWith("ms")) {
                mult = 1;
                s = s.substring(0, s.length() - 2);
            } else if (s.endsWith("s")) {
                s = s.substring(0, s.length() - 1);
            } else if (s.endsWith("m")) {
                mult = 60_000;
                s = s.substring(0, s.length() - 1);
            }
            double d;
            try {
                d = Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + v + "' is not a duration (e.g. 1s, 500ms, 2)");
            }
            long ms = Math.round(d * mult);
            if (ms <= 0) {
                throw new CommandLine.TypeConversionException("'" + v + "' must be positive");
            }
            return ms;
        }
    }

    /** A non-negative number with an optional k/M/G suffix. */
    static final class Rate implements CommandLine.ITypeConverter<Double> {
        @Override
        public Double convert(String v) {
            String s = v.trim();
            double mult = 1;
            char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
            if (last == 'k' || last == 'K') {
                mult = 1e3;
            } else if (last == 'M') {
                mult = 1e6;
            } else if (last == 'G') {
                mult = 1e9;
            }
            if (mult != 1) {
                s = s.substring(0, s.length() - 1);
            }
            try {
                double d = Double.parseDouble(s) * mult;
                if (d < 0 || Double.isNaN(d)) {
                    throw new NumberFormatException();
                }
                return d;
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + v + "' is not a rate (e.g. 10M, 2.5e7)");
            }
        }
    }

    /** A fraction in [0, 1], written "0.01" or "1%". */
    static final class Fraction implements CommandLine.ITypeConverter<Double> {
        @Override
        public Double convert(String v) {
            String s = v.trim();
            double div = 1;
            if (s.endsWith("%")) {
                div = 100;
                s = s.substring(0, s.length() - 1);
            }
            try {
                double d = Double.parseDouble(s) / div;
                if (d < 0 || d > 1 || Double.isNaN(d)) {
                    throw new NumberFormatException();
                }
                return d;
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + v + "' is not a fraction in [0, 1] (e.g. 0.01 or 1%)");
            }
        }
    }
}
