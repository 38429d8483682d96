// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.policy;

import java.util.BitSet;
import org.wasp.daemon.os.ReplicationControl;
import org.wasp.daemon.os.parse.CpuList;

/** Which nodes get a replica when replication turns on. */
public enum NodeChoice {
    /** Every memory node (PR_SET_PGTABLE_REPL mode 1). */
    ALL,
    /** The memory nodes the process's threads last ran on. */
    RUNNING;

    /**
     * The mode/mask for PR_SET_PGTABLE_REPL. RUNNING falls back to ALL when the threads'
     * nodes have no memory, and a set of node 0 alone is sent as 1, which the kernel reads
     * as "all nodes" (the interface cannot name node 0 alone).
     */
    public long mask(BitSet runningNodes, BitSet memoryNodes) {
        if (this == ALL) {
            return ReplicationControl.ALL_NODES;
        }
        BitSet s = (BitSet) runningNodes.clone();
        s.and(memoryNodes);
        long m = CpuList.toMask(s);
        return m == 0 ? ReplicationControl.ALL_NODES : m;
    }
}
