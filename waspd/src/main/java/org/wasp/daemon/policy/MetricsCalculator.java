// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.policy;

import java.util.List;
import org.wasp.daemon.counters.Event;
import org.wasp.daemon.counters.ProcessSample;
import org.wasp.daemon.counters.ThreadSample;

/**
 * MAR and DTLB miss rate of a process from two consecutive samples. Only threads present
 * in both contribute (a new thread's first reading is its baseline); each counter's delta
 * is scaled for multiplexing separately. Both samples list their threads in ascending order,
 * so they are matched in one merge, with no map built per interval.
 */
public final class MetricsCalculator {
    private MetricsCalculator() {
    }

    public static ProcessMetrics compute(ProcessSample prev, ProcessSample cur) {
        double seconds = (cur.timeNs() - prev.timeNs()) / 1e9;
        if (seconds <= 0) {
            return ProcessMetrics.NONE;
        }
        List<ThreadSample> before = prev.threads();
        int b = 0;
        double[] sum = new double[Event.COUNT];
        double coverage = 1;
        int threads = 0;
        for (ThreadSample t : cur.threads()) {
            while (b < before.size() && before.get(b).tid() < t.tid()) {
                b++;
            }
            if (b == before.size() || before.get(b).tid() != t.tid()) {
                continue;
            }
            ThreadSample p = before.get(b);
            threads++;
            if (p == t) {
                continue; // the same reading again (the thread has not run): every delta is 0
            }
            for (int i = 0; i < Event.COUNT; i++) {
                long dv = t.values()[i] - p.values()[i];
                long de = t.enabled()[i] - p.enabled()[i];
                long dr = t.running()[i] - p.running()[i];
                sum[i] += Scaling.scaledDelta(dv, de, dr);
                if (de > 0) {
                    coverage = Math.min(coverage, Math.max(0, (double) dr / de));
                }
            }
        }
        double accesses = sum[Event.L1D_READ.ordinal()] + sum[Event.L1D_WRITE.ordinal()];
        double tlb = sum[Event.DTLB_READ.ordinal()] + sum[Event.DTLB_WRITE.ordinal()];
        double walks = sum[Event.DTLB_READ_MISS.ordinal()] + sum[Event.DTLB_WRITE_MISS.ordinal()];
        double missRate = tlb > 0 ? Math.min(1.0, walks / tlb) : 0;
        return new ProcessMetrics(accesses / seconds, missRate, seconds, threads, coverage);
    }
}
