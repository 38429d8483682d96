// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

class PointerChaseTest {
    @Test
    void randomCycleVisitsEveryLineOnce() {
        int n = 10_000;
        int[] next = PointerChase.randomCycle(n, 7);
        BitSet seen = new BitSet();
        int i = 0;
        for (int k = 0; k < n; k++) {
            assertFalse(seen.get(i), "line " + i + " visited twice before the cycle closed");
            seen.set(i);
            i = next[i];
        }
        assertEquals(0, i, "back at the start after n steps");
        assertEquals(n, seen.cardinality());
    }

    @Test
    void cycleIsRandomNotSequential() {
        int[] next = PointerChase.randomCycle(4096, 1);
        int sequential = 0;
        for (int i = 0; i < next.length; i++) {
            if (next[i] == i + 1) {
                sequential++;
            }
        }
        assertTrue(sequential < 20, "a prefetcher-friendly chain would have many i -> i+1 links: " + sequential);
        assertNotEquals(java.util.Arrays.toString(next), java.util.Arrays.toString(PointerChase.randomCycle(4096, 2)));
    }

    @Test
    void chaseFollowsTheChainInTheBuffer() {
        int n = 1024;
        ByteBuffer buf = ByteBuffer.allocateDirect(n * PointerChase.LINE).order(ByteOrder.nativeOrder());
        int[] next = PointerChase.randomCycle(n, 3);
        PointerChase.writeChain(buf, next);
        assertEquals((long) next[0] * PointerChase.LINE, PointerChase.chase(buf, 0, 1));
        assertEquals((long) next[next[0]] * PointerChase.LINE, PointerChase.chase(buf, 0, 2));
        assertEquals(0, PointerChase.chase(buf, 0, n), "n steps close the cycle");
    }

    @Test
    void measuresPositiveLatencyAndKeepsResultLive() {
        int n = 1 << 14;
        ByteBuffer buf = ByteBuffer.allocateDirect(n * PointerChase.LINE).order(ByteOrder.nativeOrder());
        PointerChase.writeChain(buf, PointerChase.randomCycle(n, 5));
        PointerChase.Result r = PointerChase.nsPerLoad(buf, 0, 100_000, 100_000, 3);
        assertTrue(r.ns() > 0 && r.ns() < 10_000, "ns per load " + r.ns());
        // Warm-up plus 3 trials of 100k steps from line 0: the sink is where 400k steps end.
        assertEquals(PointerChase.chase(buf, 0, 400_000L % n), PointerChase.sink());
        assertEquals(PointerChase.sink(), r.end());
    }

    @Test
    void measurementGoesOnFromWhereTheLastStopped() {
        int n = 1 << 12;
        ByteBuffer buf = ByteBuffer.allocateDirect(n * PointerChase.LINE).order(ByteOrder.nativeOrder());
        PointerChase.writeChain(buf, PointerChase.randomCycle(n, 9));
        long start = PointerChase.chase(buf, 0, 123);
        PointerChase.Result r = PointerChase.nsPerLoad(buf, start, 1000, 1000, 2);
        assertEquals(PointerChase.chase(buf, 0, 123 + 3000), r.end(), "warm-up and 2 trials of 1000 from step 123");
    }

    @Test
    void warmUpIsItsOwnLength() {
        int n = 1 << 12;
        ByteBuffer buf = ByteBuffer.allocateDirect(n * PointerChase.LINE).order(ByteOrder.nativeOrder());
        PointerChase.writeChain(buf, PointerChase.randomCycle(n, 11));
        PointerChase.Result r = PointerChase.nsPerLoad(buf, 0, 10, 1000, 3);
        assertEquals(PointerChase.chase(buf, 0, 10 + 3000), r.end(), "10 warm-up loads, then 3 trials of 1000");
        assertTrue(r.ns() > 0, "ns per load " + r.ns());
        PointerChase.Result none = PointerChase.nsPerLoad(buf, 0, 0, 1000, 1);
        assertEquals(PointerChase.chase(buf, 0, 1000), none.end(), "no warm-up: the one trial alone");
    }

    @Test
    void touchPagesLoadsOneByteOfEveryPage() {
        int pages = 37;
        ByteBuffer buf = ByteBuffer.allocateDirect(pages * PointerChase.PAGE).order(ByteOrder.nativeOrder());
        long want = 0;
        for (int p = 0; p < pages; p++) {
            buf.put(p * PointerChase.PAGE, (byte) (p + 1));
            buf.put(p * PointerChase.PAGE + 1, (byte) 100); // not at a page start: not read
            want += p + 1;
        }
        assertEquals(want, PointerChase.touchPages(buf));
        assertEquals(want, PointerChase.sink());
    }

    @Test
    void bufferIsWellAboveTheLastLevelCache() {
        assertEquals(256L << 20, PtlProbe.bufferFor(32L << 20));
        assertEquals(64L << 20, PtlProbe.bufferFor(0));
        assertEquals(1L << 30, PtlProbe.bufferFor(1L << 30));
    }
}
