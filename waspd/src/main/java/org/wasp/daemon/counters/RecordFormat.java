// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

/**
 * The --record / --replay text format, one thread reading per line:
 * <pre>
 * # waspd-record 1
 * TS_NS PID TID COMM l1d_read=V/E/R l1d_write=V/E/R dtlb_read=V/E/R ...
 * </pre>
 * TS_NS is the interval's monotonic timestamp in nanoseconds (lines with the same TS_NS
 * form one interval), V the cumulative raw count, E and R the nanoseconds the counter was
 * enabled and running. Events missing from a line read as zero; unknown keys are ignored;
 * '#' starts a comment line.
 */
public final class RecordFormat {
    public static final String HEADER = "# waspd-record 1";

    private RecordFormat() {
    }

    /** One parsed line. */
    public record Line(long timeNs, int pid, String comm, ThreadSample sample) {
    }

    public static String format(long timeNs, int pid, String comm, ThreadSample s) {
        StringBuilder sb = new StringBuilder(160);
        sb.append(timeNs).append(' ').append(pid).append(' ').append(s.tid()).append(' ')
                .append(comm.isEmpty() ? "?" : comm.replace(' ', '_'));
        for (Event e : Event.values()) {
            int i = e.ordinal();
            sb.append(' ').append(e.key()).append('=').append(s.values()[i]).append('/')
                    .append(s.enabled()[i]).append('/').append(s.running()[i]);
        }
        return sb.toString();
    }

    /** Parses a line; null for blank and comment lines. */
    public static Line parse(String line) {
        String t = line.trim();
        if (t.isEmpty() || t.startsWith("#")) {
            return null;
        }
        String[] f = t.split("\\s+");
        if (f.length < 4) {
            throw new IllegalArgumentException("expected TS PID TID COMM EVENT=V/E/R...: " + line);
        }
        ThreadSample s = ThreadSample.zero(Integer.parseInt(f[2]));
        for (int k = 4; k < f.length; k++) {
            int eq = f[k].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected EVENT=V/E/R, got '" + f[k] + "'");
            }
            Event e = Event.byKey(f[k].substring(0, eq));
            if (e == null) {
                continue;
            }
            String[] v = f[k].substring(eq + 1).split("/");
            if (v.length != 3) {
                throw new IllegalArgumentException("expected V/E/R for " + e.key() + ", got '" + f[k] + "'");
            }
            s.values()[e.ordinal()] = Long.parseLong(v[0]);
            s.enabled()[e.ordinal()] = Long.parseLong(v[1]);
            s.running()[e.ordinal()] = Long.parseLong(v[2]);
        }
        return new Line(Long.parseLong(f[0]), Integer.parseInt(f[1]), f[3], s);
    }
}
