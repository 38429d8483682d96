// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.cli;

import org.wasp.daemon.counters.LinuxPerfApi;
import org.wasp.daemon.counters.PerfApi;
import org.wasp.daemon.jna.LibC;
import org.wasp.daemon.os.Affinity;
import org.wasp.daemon.os.LinuxAffinity;
import org.wasp.daemon.os.LinuxMemoryBinding;
import org.wasp.daemon.os.MemoryBinding;
import org.wasp.daemon.os.OsException;
import org.wasp.daemon.os.PageTablePlacement;
import org.wasp.daemon.os.PrctlPageTablePlacement;
import org.wasp.daemon.os.PrctlReplicationControl;
import org.wasp.daemon.os.ProcFs;
import org.wasp.daemon.os.NotifySocket;
import org.wasp.daemon.os.ReplicationControl;
import org.wasp.daemon.os.ServiceNotifier;

/** The real thing: libc through JNA, /proc and /sys at "/". */
public final class LinuxPlatform implements Platform {
    private final PerfApi perf;
    private final ServiceNotifier notifier = NotifySocket.fromEnvironment(System.getenv(), ProcessHandle.current().pid());

    public LinuxPlatform() {
        this(new LinuxPerfApi());
    }

    /** The real platform with another perf_event_open in front (the benchmarks' software events). */
    public LinuxPlatform(PerfApi perf) {
        this.perf = perf;
    }

    @Override
    public boolean isRoot() {
        return LibC.get().geteuid() == 0;
    }

    @Override
    public int selfPid() {
        return (int) ProcessHandle.current().pid();
    }

    @Override
    public ProcFs procFs() {
        return ProcFs.system();
    }

    @Override
    public ReplicationControl replication() {
        return new PrctlReplicationControl();
    }

    @Override
    public PageTablePlacement placement() {
        PrctlPageTablePlacement p = new PrctlPageTablePlacement();
        try {
            p.home(selfPid());
            return p;
        } catch (OsException e) {
            return null; // EINVAL: a kernel without page-table placement
        }
    }

    @Override
    public PerfApi perf() {
        return perf;
    }

    @Override
    public Affinity affinity() {
        return new LinuxAffinity();
    }

    @Override
    public MemoryBinding memory() {
        return new LinuxMemoryBinding();
    }

    /** systemd's NOTIFY_SOCKET, read once: the notifier keeps its socket. */
    @Override
    public ServiceNotifier notifier() {
        return notifier;
    }
}
