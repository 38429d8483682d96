// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.bench;

import org.wasp.daemon.counters.EventSpec;
import org.wasp.daemon.counters.PerfApi;
import org.wasp.daemon.os.OsException;

/** A {@link PerfApi} that passes every call on; the benchmarks' decorators override what they change. */
abstract class ForwardingPerfApi implements PerfApi {
    private final PerfApi inner;

    ForwardingPerfApi(PerfApi inner) {
        this.inner = inner;
    }

    @Override
    public int open(EventSpec spec, int tid, int groupFd) throws OsException {
        return inner.open(spec, tid, groupFd);
    }

    @Override
    public void readGroup(int leaderFd, long[] out) throws OsException {
        inner.readGroup(leaderFd, out);
    }

    @Override
    public void close(int fd) {
        inner.close(fd);
    }

    @Override
    public long raiseFdLimit() {
        return inner.raiseFdLimit();
    }
}
