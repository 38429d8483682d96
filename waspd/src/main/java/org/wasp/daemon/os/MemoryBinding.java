// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os;

import java.nio.ByteBuffer;

/** Anonymous memory whose pages live on one NUMA node. */
public interface MemoryBinding {
    /** Maps {@code bytes} bound to {@code node} (MPOL_BIND) and touches every page so it is placed now. */
    Region allocate(long bytes, int node) throws OsException;

    /** A mapping readable through a direct buffer; close unmaps it. */
    interface Region extends AutoCloseable {
        ByteBuffer buffer();

        @Override
        void close();
    }
}
