// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.probe;

import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.wasp.daemon.os.OsException;
import org.wasp.daemon.policy.ProbeSchedule;
import org.wasp.daemon.policy.PtlMatrix;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link PtlProbe} every period on its own thread, measuring the pairs its
 * {@link ProbeSchedule} names (first a full matrix, then a few pairs per period); the
 * sampling loop reads the latest matrix.
 */
public final class PeriodicPtl implements PtlSource {
    private static final Logger LOG = LoggerFactory.getLogger(PeriodicPtl.class);
    /**
     * How long close waits for the pair being measured (periods stop between pairs) before
     * leaving the buffers mapped for the exiting process to drop.
     */
    private static final long CLOSE_WAIT_SECONDS = 5;
    private final AtomicReference<PtlMatrix> latest = new AtomicReference<>();
    private final ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "waspd-ptl");
        t.setDaemon(true);
        return t;
    });
    private final PtlProbe probe;
    private final ProbeSchedule schedule;
    private final double[][] ns;
    private boolean failedOnce;

    public PeriodicPtl(PtlProbe probe, int pairsPerPeriod, long periodMillis) {
        this.probe = probe;
        this.schedule = probe.schedule(pairsPerPeriod);
        this.ns = probe.emptyMatrix();
        exec.scheduleWithFixedDelay(this::period, 0, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Measures this period's pairs; a failed period publishes nothing and changes no entry. */
    private void period() {
        long t0 = System.nanoTime();
        boolean full = latest.get() == null;
        double[][] next = PtlMatrix.copy(ns);
        ProbeSchedule.Pair at = null;
        try {
            for (ProbeSchedule.Pair p : schedule.next()) {
                if (Thread.currentThread().isInterrupted()) {
                    return; // close(): do not make shutdown wait for a whole matrix
                }
                at = p;
                next[p.cpuNode()][p.memNode()] = probe.measure(p.cpuNode(), p.memNode());
            }
        } catch (OsException | RuntimeException e) {
            if (!failedOnce) {
                failedOnce = true;
                LOG.warn("PTL probe failed at CPU node {} memory node {}{}: {}", at == null ? "-" : at.cpuNode(),
                        at == null ? "-" : at.memNode(), full ? ", threads stay on their local replica" : "",
                        e.getMessage());
            }
            return;
        }
        for (int c = 0; c < ns.length; c++) {
            System.arraycopy(next[c], 0, ns[c], 0, ns[c].length);
        }
        PtlMatrix m = new PtlMatrix(PtlMatrix.copy(ns), System.currentTimeMillis());
        latest.set(m);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (full) {
            schedule.fullMatrixMeasured();
            LOG.info("PTL matrix (ns, rows = CPU node, columns = memory node) {} in {} ms; then {}", m, ms,
                    schedule.refreshPeriods() == 1 ? "every pair each period"
                            : "each pair every " + schedule.refreshPeriods() + " periods");
        } else {
            LOG.debug("PTL matrix {} in {} ms", m, ms);
        }
    }

    @Override
    public Optional<PtlMatrix> latest() {
        return Optional.ofNullable(latest.get());
    }

    /** Stops probing and, once no chase runs on them, unmaps the probe's buffers. */
    @Override
    public void close() {
        exec.shutdownNow();
        try {
            if (exec.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                probe.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
