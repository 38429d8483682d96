// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.wasp.daemon.os.OsException;

/** A counter source that passes every call to another; decorators override what they add to. */
public abstract class ForwardingCounterSource implements CounterSource {
    protected final CounterSource inner;

    protected ForwardingCounterSource(CounterSource inner) {
        this.inner = inner;
    }

    @Override
    public long beginInterval() {
        return inner.beginInterval();
    }

    @Override
    public ProcessSample poll(int pid, String comm, Collection<Integer> tids) throws OsException {
        return inner.poll(pid, comm, tids);
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
