// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.cli;

import org.wasp.daemon.counters.PerfApi;
import org.wasp.daemon.os.Affinity;
import org.wasp.daemon.os.MemoryBinding;
import org.wasp.daemon.os.ProcFs;
import org.wasp.daemon.os.ReplicationControl;
import org.wasp.daemon.os.ServiceNotifier;

/** The OS adapters the command wires together; Linux in production, fakes in tests. */
public interface Platform {
    boolean isRoot();

    int selfPid();

    ProcFs procFs();

    ReplicationControl replication();

    PerfApi perf();

    Affinity affinity();

    MemoryBinding memory();

    /** The service manager to tell about start, ticks and stop; nobody by default. */
    default ServiceNotifier notifier() {
        return ServiceNotifier.NONE;
    }
}
