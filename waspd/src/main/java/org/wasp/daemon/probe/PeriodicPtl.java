// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.probe;

import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.wasp.daemon.policy.PtlMatrix;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a {@link PtlProbe} every period on its own thread; the sampling loop reads the latest matrix. */
public final class PeriodicPtl implements PtlSource {
    private static final Logger LOG = LoggerFactory.getLogger(PeriodicPtl.class);
    private final AtomicReference<PtlMatrix> latest = new AtomicReference<>();
    private final ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "waspd-ptl");
        t.setDaemon(true);
        return t;
    });
    private boolean failedOnce;

    public PeriodicPtl(PtlProbe probe, long periodMillis) {
        exec.scheduleWithFixedDelay(() -> {
            try {
                long t0 = System.nanoTime();
                PtlMatrix m = probe.measure();
                latest.set(m);
                LOG.info("PTL matrix (ns, rows = CPU node, columns = memory node) {} in {} ms", m,
                        (System.nanoTime() - t0) / 1_000_000);
            } catch (Exception e) {
                if (!failedOnce) {
                    failedOnce = true;
                    LOG.warn("PTL probe failed, threads stay on their local replica: {}", e.getMessage());
                }
            }
        }, 0, periodMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public Optional<PtlMatrix> latest() {
        return Optional.ofNullable(latest.get());
    }

    @Override
    public void close() {
        exec.shutdownNow();
    }
}
