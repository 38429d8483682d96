// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.bench;

import org.wasp.daemon.counters.EventSpec;
import org.wasp.daemon.counters.PerfApi;
import org.wasp.daemon.os.OsException;

/**
 * Opens each of the six counter events as a <em>software</em> perf event instead (cpu-clock,
 * task-clock, page-faults, context-switches, cpu-migrations, minor-faults: config 0..5, one per
 * event), for machines without a PMU: the same perf_event_open, read() and close() calls, in
 * the same groups, with counts that mean something else.
 */
final class SoftwareEvents extends ForwardingPerfApi {
    private static final int PERF_TYPE_SOFTWARE = 1;

    SoftwareEvents(PerfApi inner) {
        super(inner);
    }

    @Override
    public int open(EventSpec spec, int tid, int groupFd) throws OsException {
        return super.open(new EventSpec(spec.event(), PERF_TYPE_SOFTWARE, spec.event().ordinal()), tid, groupFd);
    }
}
