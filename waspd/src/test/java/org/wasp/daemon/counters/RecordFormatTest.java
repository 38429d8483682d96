// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RecordFormatTest {
    @Test
    void roundTrip() {
        ThreadSample s = ThreadSample.zero(4243);
        for (int i = 0; i < Event.COUNT; i++) {
            s.values()[i] = 1000L * (i + 1);
            s.enabled()[i] = 2_000_000;
            s.running()[i] = 500_000 + i;
        }
        String line = RecordFormat.format(77_000_000_000L, 4242, "graph500", s);
        assertEquals("77000000000 4242 4243 graph500 l1d_read=1000/2000000/500000 l1d_write=2000/2000000/500001 "
                + "dtlb_read=3000/2000000/500002 dtlb_write=4000/2000000/500003 dtlb_read_miss=5000/2000000/500004 "
                + "dtlb_write_miss=6000/2000000/500005", line);
        RecordFormat.Line r = RecordFormat.parse(line);
        assertEquals(77_000_000_000L, r.timeNs());
        assertEquals(4242, r.pid());
        assertEquals("graph500", r.comm());
        assertEquals(4243, r.sample().tid());
        assertArrayEquals(s.values(), r.sample().values());
        assertArrayEquals(s.enabled(), r.sample().enabled());
        assertArrayEquals(s.running(), r.sample().running());
    }

    @Test
    void commentsBlankMissingAndUnknownEvents() {
        assertNull(RecordFormat.parse("# waspd-record 1"));
        assertNull(RecordFormat.parse("   "));
        RecordFormat.Line r = RecordFormat.parse("5 1 1 x l1d_read=7/8/9 future_event=1/2/3");
        assertEquals(7, r.sample().values()[Event.L1D_READ.ordinal()]);
        assertEquals(0, r.sample().values()[Event.DTLB_READ.ordinal()]);
    }

    @Test
    void commSpacesAreReplaced() {
        assertEquals("my_app", RecordFormat.parse(RecordFormat.format(1, 2, "my app", ThreadSample.zero(2))).comm());
    }

    @Test
    void malformedLinesAreErrors() {
        assertThrows(IllegalArgumentException.class, () -> RecordFormat.parse("1 2 3"));
        assertThrows(IllegalArgumentException.class, () -> RecordFormat.parse("1 2 3 x l1d_read=1/2"));
        assertThrows(IllegalArgumentException.class, () -> RecordFormat.parse("1 2 3 x garbage"));
        assertThrows(NumberFormatException.class, () -> RecordFormat.parse("t 2 3 x"));
    }
}
