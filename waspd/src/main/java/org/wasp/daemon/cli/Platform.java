// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.cli;

import org.wasp.daemon.counters.PerfApi;
import org.wasp.daemon.os.Affinity;
import org.wasp.daemon.os.MemoryBinding;
import org.wasp.daemon.os.PageTablePlacement;
import org.wasp.daemon.os.ProcFs;
import org.wasp.daemon.os.ReplicationControl;
import org.wasp.daemon.os.ServiceNotifier;

/** The OS adapters the command wires together; Linux in production, fakes in tests. */
public interface Platform {
    boolean isRoot();

    int selfPid();

    ProcFs procFs();

    ReplicationControl replication();

    /** Moving page tables (prctl 104-105); null when the kernel cannot. */
    default PageTablePlacement placement() {
        return null;
    }

    PerfApi perf();

    Affinity affinity();

    MemoryBinding memory();

    /** The service manager to tell about start, ticks and stop; nobody by default. */
    default ServiceNotifier notifier() {
        return ServiceNotifier.NONE;
    }
}
