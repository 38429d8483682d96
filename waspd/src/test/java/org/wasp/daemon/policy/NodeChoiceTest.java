// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.wasp.daemon.os.parse.CpuList;

class NodeChoiceTest {
    @Test
    void allIsModeOne() {
        assertEquals(1L, NodeChoice.ALL.mask(CpuList.parse("2"), CpuList.parse("0-3")));
    }

    @Test
    void runningIsTheNodesWithMemoryTheThreadsUse() {
        assertEquals(0b1100L, NodeChoice.RUNNING.mask(CpuList.parse("2-3"), CpuList.parse("0-3")));
        assertEquals(0b0100L, NodeChoice.RUNNING.mask(CpuList.parse("2,5"), CpuList.parse("0-3")));
    }

    @Test
    void runningFallsBackToAllWhenNothingFits() {
        assertEquals(1L, NodeChoice.RUNNING.mask(CpuList.parse(""), CpuList.parse("0-3")));
        assertEquals(1L, NodeChoice.RUNNING.mask(CpuList.parse("5"), CpuList.parse("0-3")));
    }
}
