// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcStatTest {
    @Test
    void parsesRecordedLine() {
        ProcStat s = ProcStat.parse("1 (process_api) S 0 0 0 0 -1 4194560 26821 26270995 0 72642 69 397 68050 "
                + "12654 20 0 13 0 25 39673856 2478 18446744073709551615 1 1 0 0 0 0 0 4096 1256 0 0 0 17 1 0 0 0 0 0 "
                + "0 0 0 0 0 0 0 0");
        assertEquals(1, s.pid());
        assertEquals("process_api", s.comm());
        assertEquals('S', s.state());
        assertEquals(4194560L, s.flags());
        assertEquals(13, s.numThreads());
        assertEquals(25, s.startTime());
        assertEquals(1, s.processor());
        assertEquals(69 + 397, s.cpuTicks(), "utime + stime");
        assertFalse(s.kernelThread());
    }

    @Test
    void commWithSpacesAndParentheses() {
        ProcStat s = ProcStat.parse("777 (my (weird) app)) R 1 777 777 0 -1 4194304 10 0 0 0 1 1 0 0 20 0 1 0 30 "
                + "1000000 100 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0 0 0 0 0 0 0 0 0");
        assertEquals("my (weird) app)", s.comm());
        assertEquals('R', s.state());
        assertEquals(30, s.startTime());
        assertEquals(3, s.processor());
        assertEquals(2, s.cpuTicks(), "fields counted after a comm with parentheses");
    }

    @Test
    void kernelThreadFlag() {
        ProcStat s = ProcStat.parse("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 2 0 0 "
                + "18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0");
        assertTrue(s.kernelThread());
    }

    @Test
    void processorReadInPlaceFromBytes() {
        String[] lines = {
            "1 (process_api) S 0 0 0 0 -1 4194560 26821 26270995 0 72642 69 397 68050 12654 20 0 13 0 25 39673856 "
                + "2478 18446744073709551615 1 1 0 0 0 0 0 4096 1256 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
            "777 (my (weird) app)) R 1 777 777 0 -1 4194304 10 0 0 0 1 1 0 0 20 0 1 0 30 1000000 100 "
                + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 113 0 0 0 0 0 0 0 0 0 0 0 0 0",
        };
        int[] want = {1, 113};
        for (int i = 0; i < lines.length; i++) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(512);
            b.put(7, (byte) ')'); // garbage beyond the limit is not looked at
            b.put(lines[i].getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).flip();
            assertEquals(want[i], ProcStat.processor(b), lines[i]);
            assertEquals(ProcStat.parse(lines[i].trim()).processor(), ProcStat.processor(b));
        }
        java.nio.ByteBuffer shortLine = java.nio.ByteBuffer.wrap("5 (short) S 1 2 3\n".getBytes());
        assertThrows(IllegalArgumentException.class, () -> ProcStat.processor(shortLine));
        assertThrows(IllegalArgumentException.class, () -> ProcStat.processor(java.nio.ByteBuffer.wrap(new byte[0])));
    }

    @Test
    void rejectsGarbage() {
        assertThrows(IllegalArgumentException.class, () -> ProcStat.parse("no parens here"));
        assertThrows(IllegalArgumentException.class, () -> ProcStat.parse("5 (short) S 1 2 3"));
    }
}
