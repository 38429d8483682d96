// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.wasp.daemon.os.parse.CpuList;

class SteeringTest {
    static PtlMatrix m(double[][] ns) {
        return new PtlMatrix(ns, 0);
    }

    static final BitSet BOTH = CpuList.parse("0-1");
    static final double GAIN = 0.1;

    @Test
    void localFastestKeepsLocal() {
        PtlMatrix ptl = m(new double[][] {{90, 140}, {140, 90}});
        assertEquals(0, Steering.choose(ptl, 0, BOTH, 0, GAIN));
        assertEquals(1, Steering.choose(ptl, 1, BOTH, 1, GAIN));
        // A thread forced to the remote node earlier comes back.
        assertEquals(0, Steering.choose(ptl, 0, BOTH, 1, GAIN));
    }

    @Test
    void remoteFastestUnderContention() {
        // Node 0's memory controller is saturated: from node 0, node 1's replica is faster.
        PtlMatrix ptl = m(new double[][] {{260, 150}, {300, 95}});
        assertEquals(1, Steering.choose(ptl, 0, BOTH, 0, GAIN));
        assertEquals(1, Steering.choose(ptl, 1, BOTH, 1, GAIN));
    }

    @Test
    void tiesKeepCurrentThenLocal() {
        PtlMatrix ptl = m(new double[][] {{100, 100, 100}, {100, 100, 100}, {100, 100, 100}});
        BitSet all = CpuList.parse("0-2");
        assertEquals(2, Steering.choose(ptl, 0, all, 2, 0.0), "tie with current: stay");
        PtlMatrix tie12 = m(new double[][] {{300, 100, 100}, {100, 100, 100}, {100, 100, 100}});
        assertEquals(1, Steering.choose(tie12, 0, all, 0, 0.0), "tie between 1 and 2: lowest id");
        PtlMatrix tieLocal = m(new double[][] {{300, 300, 300}, {100, 100, 300}, {100, 100, 100}});
        assertEquals(1, Steering.choose(tieLocal, 1, all, 2, 0.0), "current is slower, tie 0/1: local wins");
    }

    @Test
    void gainBelowMinimumDoesNotMove() {
        PtlMatrix ptl = m(new double[][] {{100, 95}, {95, 100}});
        assertEquals(0, Steering.choose(ptl, 0, BOTH, 0, GAIN), "5% gain < 10%");
        assertEquals(1, Steering.choose(ptl, 0, BOTH, 0, 0.04), "5% gain >= 4%");
    }

    @Test
    void onlyReplicaNodesAreCandidates() {
        PtlMatrix ptl = m(new double[][] {{200, 100, 50}, {1, 1, 1}, {1, 1, 1}});
        assertEquals(1, Steering.choose(ptl, 0, CpuList.parse("0-1"), 0, GAIN), "node 2 holds no replica");
    }

    @Test
    void currentWithoutReplicaMovesToBest() {
        PtlMatrix ptl = m(new double[][] {{100, 120}, {120, 100}});
        assertEquals(1, Steering.choose(ptl, 0, CpuList.parse("1"), 0, GAIN));
    }

    @Test
    void unmeasuredEntriesAreSkipped() {
        PtlMatrix ptl = m(new double[][] {{Double.NaN, 120}, {120, 100}});
        assertEquals(1, Steering.choose(ptl, 0, BOTH, 0, GAIN));
        PtlMatrix none = m(new double[][] {{Double.NaN, Double.NaN}, {1, 1}});
        assertEquals(0, Steering.choose(none, 0, BOTH, 0, GAIN));
    }
}
