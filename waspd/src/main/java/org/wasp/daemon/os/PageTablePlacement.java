// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os;

/**
 * The kernel's page-table placement interface (WASP prctls 104-105): a process's home node for
 * its page tables, and moving the tables it has there.
 */
public interface PageTablePlacement {
    /** {@link #home} of a process without a home node. */
    int NONE = -1;

    /**
     * Makes {@code node} the home of {@code pid}'s page tables and moves every table it has
     * there; on error nothing changed (EBUSY: replicated; ENOMEM: no room on the node).
     */
    void move(int pid, int node) throws OsException;

    /** Sets the home node without moving anything; {@link #NONE} removes it. */
    void setHome(int pid, int node) throws OsException;

    /** The home node of {@code pid}'s page tables, or {@link #NONE}. */
    int home(int pid) throws OsException;
}
