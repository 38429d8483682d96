// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os;

/**
 * The kernel's page-table replication interface (WASP prctls). A node mask of
 * {@link #ALL_NODES} means "every memory node"; any other non-zero value is a node bitmask.
 */
public interface ReplicationControl {
    long OFF = 0;
    long ALL_NODES = 1;
    /** Thread node value meaning "no forced node, use the local replica". */
    int AUTO = -1;

    /** Sets replication of {@code pid} ({@link #OFF}, {@link #ALL_NODES} or a node mask). */
    void setReplication(int pid, long mask) throws OsException;

    /** Current replication mask of {@code pid}, 0 when off. */
    long replication(int pid) throws OsException;

    /** Forces thread {@code tid} to read page tables from {@code node}'s replica; {@link #AUTO} undoes. */
    void steer(int tid, int node) throws OsException;

    /** The forced node of {@code tid}, or {@link #AUTO}. */
    int steeredNode(int tid) throws OsException;

    /**
     * Tries the interface once without changing anything. Returns null when it works,
     * otherwise why not (EINVAL: the kernel has no replication).
     */
    String unavailabilityCause();
}
