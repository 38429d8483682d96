// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.wasp.daemon.counters.CounterSource;
import org.wasp.daemon.counters.EventSelection;
import org.wasp.daemon.counters.ProcessSample;
import org.wasp.daemon.os.OsException;

/** Counts the processes whose counters could not be read in {@link Health}; otherwise passes through. */
public final class CountingCounterSource implements CounterSource {
    private final CounterSource inner;
    private final Health health;

    public CountingCounterSource(CounterSource inner, Health health) {
        this.inner = inner;
        this.health = health;
    }

    @Override
    public long beginInterval() {
        return inner.beginInterval();
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

    @Override
    public void release(int pid) {
        inner.release(pid);
    }

    @Override
    public int monitoredThreads() {
        return inner.monitoredThreads();
    }

    @Override
    public Map<Integer, String> tracedProcesses() {
        return inner.tracedProcesses();
    }

    @Override
    public boolean liveThreadTimes() {
        return inner.liveThreadTimes();
    }

    @Override
    public Optional<EventSelection> events() {
        return inner.events();
    }

    @Override
    public boolean exhausted() {
        return inner.exhausted();
    }

    @Override
    public void close() {
        inner.close();
    }
}
