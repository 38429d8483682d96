// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os;

import com.sun.jna.LastErrorException;
import org.wasp.daemon.jna.Errno;
import org.wasp.daemon.jna.LibC;
import org.wasp.daemon.jna.Syscalls;

/** {@link ReplicationControl} over prctl(PR_SET/GET_PGTABLE_REPL[_NODE]). */
public final class PrctlReplicationControl implements ReplicationControl {
    private final LibC libc;

    public PrctlReplicationControl() {
        this(LibC.get());
    }

    PrctlReplicationControl(LibC libc) {
        this.libc = libc;
    }

    @Override
    public void setReplication(int pid, long mask) throws OsException {
        call("prctl(PR_SET_PGTABLE_REPL, " + mask + ", " + pid + ")",
                Syscalls.PR_SET_PGTABLE_REPL, mask, pid, 0);
    }

    @Override
    public long replication(int pid) throws OsException {
        return call("prctl(PR_GET_PGTABLE_REPL, " + pid + ")", Syscalls.PR_GET_PGTABLE_REPL, pid,
                Syscalls.PR_PGTABLE_REPL_PID, 0);
    }

    @Override
    public void steer(int tid, int node) throws OsException {
        call("prctl(PR_SET_PGTABLE_REPL_NODE, " + node + ", " + tid + ")",
                Syscalls.PR_SET_PGTABLE_REPL_NODE, node, tid, 0);
    }

    /**
     * The kernel returns -1 for "not steered", and a raw -1 is -EPERM: libc turns it into a
     * failure with errno EPERM. So EPERM here reads as {@link #AUTO}; as root (CAP_SYS_NICE)
     * there is no real permission error to lose. ESRCH still means the thread is gone.
     */
    @Override
    public int steeredNode(int tid) throws OsException {
        try {
            return (int) call("prctl(PR_GET_PGTABLE_REPL_NODE, " + tid + ")",
                    Syscalls.PR_GET_PGTABLE_REPL_NODE, tid, 0, 0);
        } catch (OsException e) {
            if (e.errno() == Errno.EPERM) {
                return AUTO;
            }
            throw e;
        }
    }

    @Override
    public String unavailabilityCause() {
        try {
            replication(libc.getpid());
            return null;
        } catch (OsException e) {
            if (e.errno() == Errno.EINVAL) {
                return "this kernel has no page-table replication (prctl PR_GET_PGTABLE_REPL returned EINVAL)";
            }
            return e.getMessage();
        }
    }

    private long call(String what, int option, long a2, long a3, long a4) throws OsException {
        try {
            return libc.prctl(option, a2, a3, a4, 0);
        } catch (LastErrorException e) {
            throw new OsException(what, e.getErrorCode());
        }
    }
}
