// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.probe;

import java.util.Optional;
import org.wasp.daemon.policy.PtlMatrix;

/** The latest page-table latency matrix, if one has been measured. */
public interface PtlSource extends AutoCloseable {
    Optional<PtlMatrix> latest();

    @Override
    default void close() {
    }
}
