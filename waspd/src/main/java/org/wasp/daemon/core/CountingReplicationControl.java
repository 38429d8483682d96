// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import org.wasp.daemon.jna.Errno;
import org.wasp.daemon.os.OsException;
import org.wasp.daemon.os.ReplicationControl;

/**
 * Counts the failed changes of replication and steering in {@link Health} by kind, and passes
 * every call through unchanged. A process or thread that is gone (ESRCH) is not an error, and
 * neither is reading a thread's forced node (EPERM there means "not steered").
 */
public final class CountingReplicationControl implements ReplicationControl {
    private final ReplicationControl inner;
    private final Health health;

    public CountingReplicationControl(ReplicationControl inner, Health health) {
        this.inner = inner;
        this.health = health;
    }

    @Override
    public void setReplication(int pid, long mask) throws OsException {
        try {
            inner.setReplication(pid, mask);
        } catch (OsException e) {
            throw count(e);
        }
    }

    @Override
    public long replication(int pid) throws OsException {
        try {
            return inner.replication(pid);
        } catch (OsException e) {
            throw count(e);
        }
    }

    @Override
    public void steer(int tid, int node) throws OsException {
        try {
            inner.steer(tid, node);
        } catch (OsException e) {
            throw count(e);
        }
    }

    @Override
    public int steeredNode(int tid) throws OsException {
        return inner.steeredNode(tid);
    }

    @Override
    public String unavailabilityCause() {
        return inner.unavailabilityCause();
    }

    private OsException count(OsException e) {
        if (e.denied()) {
            health.error(Health.PERMISSION_DENIED);
        } else if (e.errno() == Errno.EINVAL) {
            health.error(Health.KERNEL_REFUSED);
        } else if (!e.vanished()) {
            health.error(Health.REPLICATION);
        }
        return e;
    }
}
