// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.testutil;

import java.util.ArrayList;
import java.util.List;
import org.wasp.daemon.counters.Event;
import org.wasp.daemon.counters.RecordFormat;
import org.wasp.daemon.counters.ThreadSample;
import org.wasp.daemon.policy.ProcessMetrics;

/** Synthetic counter traces: a process whose MAR and miss rate follow a given course. */
public final class Traces {
    private Traces() {
    }

    /** A point of a course: accesses per second and DTLB miss rate. */
    public record Point(double mar, double miss) {
    }

    public static Point p(double mar, double miss) {
        return new Point(mar, miss);
    }

    public static List<Point> repeat(Point pt, int n) {
        List<Point> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(pt);
        }
        return l;
    }

    @SafeVarargs
    public static List<Point> concat(List<Point>... parts) {
        List<Point> l = new ArrayList<>();
        for (List<Point> p : parts) {
            l.addAll(p);
        }
        return l;
    }

    /** ProcessMetrics for each point (1 s intervals), for policy tests. */
    public static List<ProcessMetrics> metrics(List<Point> course) {
        List<ProcessMetrics> out = new ArrayList<>();
        for (Point pt : course) {
            out.add(new ProcessMetrics(pt.mar(), pt.miss(), 1, 1, 1));
        }
        return out;
    }

    /**
     * Record-format lines for one process with {@code threads} threads (tids pid, pid+1, ...)
     * sharing the load equally, one interval per second; a baseline interval of zeros comes
     * first, so {@code course.size()} decisions follow.
     */
    public static List<String> record(int pid, String comm, int threads, List<Point> course) {
        List<String> lines = new ArrayList<>();
        lines.add(RecordFormat.HEADER);
        long[][] cum = new long[threads][Event.COUNT];
        for (int k = 0; k <= course.size(); k++) {
            long ts = 1_000_000_000L * (k + 1);
            if (k > 0) {
                Point pt = course.get(k - 1);
                double perThread = pt.mar() / threads;
                for (int t = 0; t < threads; t++) {
                    long reads = Math.round(perThread * 0.75);
                    long writes = Math.round(perThread * 0.25);
                    cum[t][Event.L1D_READ.ordinal()] += reads;
                    cum[t][Event.L1D_WRITE.ordinal()] += writes;
                    cum[t][Event.DTLB_READ.ordinal()] += reads;
                    cum[t][Event.DTLB_WRITE.ordinal()] += writes;
                    cum[t][Event.DTLB_READ_MISS.ordinal()] += Math.round(reads * pt.miss());
                    cum[t][Event.DTLB_WRITE_MISS.ordinal()] += Math.round(writes * pt.miss());
                }
            }
            for (int t = 0; t < threads; t++) {
                ThreadSample s = ThreadSample.zero(pid + t);
                for (int e = 0; e < Event.COUNT; e++) {
                    s.values()[e] = cum[t][e];
                    s.enabled()[e] = 1_000_000_000L * k;
                    s.running()[e] = 1_000_000_000L * k;
                }
                lines.add(RecordFormat.format(ts, pid, comm, s));
            }
        }
        return lines;
    }
}
