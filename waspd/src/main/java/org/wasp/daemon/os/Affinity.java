// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os;

import java.util.BitSet;

/** CPU affinity of the calling thread. */
public interface Affinity {
    /** CPUs the calling thread may run on. */
    BitSet current() throws OsException;

    /** Restricts the calling thread to {@code cpus}. */
    void set(BitSet cpus) throws OsException;

    /** Pins the calling thread to {@code cpus}; closing the lock restores the previous affinity. */
    default Pin pin(BitSet cpus) throws OsException {
        BitSet before = current();
        set(cpus);
        return () -> {
            try {
                set(before);
            } catch (OsException ignored) {
                // The thread keeps the narrower mask; it is a probe thread that ends soon.
            }
        };
    }

    /** A pinning that undoes itself. */
    interface Pin extends AutoCloseable {
        @Override
        void close();
    }
}
