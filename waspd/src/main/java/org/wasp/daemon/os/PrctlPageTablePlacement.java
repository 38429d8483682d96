// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os;

import com.sun.jna.LastErrorException;
import org.wasp.daemon.jna.Errno;
import org.wasp.daemon.jna.LibC;
import org.wasp.daemon.jna.Syscalls;

/** {@link PageTablePlacement} over prctl(PR_SET/GET_PGTABLE_HOME). */
public final class PrctlPageTablePlacement implements PageTablePlacement {
    private final LibC libc;

    public PrctlPageTablePlacement() {
        this(LibC.get());
    }

    PrctlPageTablePlacement(LibC libc) {
        this.libc = libc;
    }

    @Override
    public void move(int pid, int node) throws OsException {
        call("prctl(PR_SET_PGTABLE_HOME, " + node + ", " + pid + ", PR_PGTABLE_HOME_MOVE)",
                Syscalls.PR_SET_PGTABLE_HOME, node, pid, Syscalls.PR_PGTABLE_HOME_MOVE);
    }

    @Override
    public void setHome(int pid, int node) throws OsException {
        call("prctl(PR_SET_PGTABLE_HOME, " + node + ", " + pid + ")", Syscalls.PR_SET_PGTABLE_HOME, node, pid, 0);
    }

    /**
     * The kernel returns -1 for "no home", which libc turns into a failure with errno EPERM (as
     * for {@link PrctlReplicationControl#steeredNode}); as root there is no real EPERM to lose.
     */
    @Override
    public int home(int pid) throws OsException {
        try {
            return (int) call("prctl(PR_GET_PGTABLE_HOME, " + pid + ")", Syscalls.PR_GET_PGTABLE_HOME, pid, 0, 0);
        } catch (OsException e) {
            if (e.errno() == Errno.EPERM) {
                return NONE;
            }
            throw e;
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
