// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class CpuListTest {
    @Test
    void parsesRangesAndSingles() {
        BitSet s = CpuList.parse("0-3,8,10-11\n");
        assertEquals("{0, 1, 2, 3, 8, 10, 11}", s.toString());
        assertEquals("0-3,8,10-11", CpuList.format(s));
    }

    @Test
    void emptyIsNone() {
        assertTrue(CpuList.parse("").isEmpty());
        assertTrue(CpuList.parse("\n").isEmpty());
        assertEquals("", CpuList.format(new BitSet()));
    }

    @Test
    void nodeMasks() {
        assertEquals(0b101L, CpuList.toMask(CpuList.parse("0,2")));
        assertEquals("1-2", CpuList.format(CpuList.fromMask(0b110)));
    }

    @Test
    void rejectsBadRanges() {
        assertThrows(IllegalArgumentException.class, () -> CpuList.parse("3-1"));
        assertThrows(IllegalArgumentException.class, () -> CpuList.parse("a-b"));
    }
}
