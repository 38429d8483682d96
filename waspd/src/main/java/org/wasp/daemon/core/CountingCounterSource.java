// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import java.util.Collection;
import org.wasp.daemon.counters.CounterSource;
import org.wasp.daemon.counters.ForwardingCounterSource;
import org.wasp.daemon.counters.ProcessSample;
import org.wasp.daemon.os.OsException;

/** Counts the processes whose counters could not be read in {@link Health}; otherwise passes through. */
public final class CountingCounterSource extends ForwardingCounterSource {
    private final Health health;

    public CountingCounterSource(CounterSource inner, Health health) {
        super(inner);
        this.health = health;
    }

    @Override
    public ProcessSample poll(int pid, String comm, Collection<Integer> tids) throws OsException {
        try {
            return inner.poll(pid, comm, tids);
        } catch (OsException e) {
            if (e.denied()) {
                health.error(Health.PERMISSION_DENIED);
            } else if (!e.vanished()) {
                health.error(Health.COUNTERS);
            }
            throw e;
        }
    }
}
