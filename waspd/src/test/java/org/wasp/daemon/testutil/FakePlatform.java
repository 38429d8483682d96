// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.testutil;

import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.List;
import org.wasp.daemon.cli.Platform;
import org.wasp.daemon.counters.PerfApi;
import org.wasp.daemon.os.Affinity;
import org.wasp.daemon.os.MemoryBinding;
import org.wasp.daemon.counters.GroupLayout;
import org.wasp.daemon.os.ProcFs;
import org.wasp.daemon.os.ReplicationControl;
import org.wasp.daemon.os.ServiceNotifier;

/** A machine for CLI tests: fixture /proc, fake kernel and PMU, no-op pinning, heap "node" memory. */
public final class FakePlatform implements Platform {
    public boolean root = true;
    public final FakeProc proc;
    public final FakeControl kernel = new FakeControl();
    public final FakePerf perf = new FakePerf();
    /** Every message sent to the service manager, in order (a fake NOTIFY_SOCKET). */
    public final List<String> notifications = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** $WATCHDOG_USEC as the fake systemd sets it. */
    public long watchdogMicros;

    public FakePlatform(FakeProc proc) {
        this.proc = proc;
        // The daemon's own thread, where the group layout is tried, has run long enough for the trial.
        perf.onCpuNs.put(0, GroupLayout.TRIAL_ENABLED_NS);
    }

    @Override
    public boolean isRoot() {
        return root;
    }

    @Override
    public int selfPid() {
        return 99;
    }

    @Override
    public ProcFs procFs() {
        return new ProcFs(proc.root());
    }

    @Override
    public ReplicationControl replication() {
        return kernel;
    }

    @Override
    public PerfApi perf() {
        return perf;
    }

    @Override
    public Affinity affinity() {
        BitSet[] mask = {new BitSet()};
        return new Affinity() {
            @Override
            public BitSet current() {
                return mask[0];
            }

            @Override
            public void set(BitSet cpus) {
                mask[0] = cpus;
            }
        };
    }

    @Override
    public ServiceNotifier notifier() {
        return new ServiceNotifier() {
            @Override
            public void send(String message) {
                notifications.add(message);
            }

            @Override
            public long watchdogMicros() {
                return watchdogMicros;
            }
        };
    }

    @Override
    public MemoryBinding memory() {
        return (bytes, node) -> {
            ByteBuffer b = ByteBuffer.allocateDirect((int) bytes);
            return new MemoryBinding.Region() {
                @Override
                public ByteBuffer buffer() {
                    return b;
                }

                @Override
                public void close() {
                }
            };
        };
    }
}
