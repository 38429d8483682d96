// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThreadListingTest {
    @Test
    void listsFirstThenWhenTheCountChangesElseEveryNIntervals() {
        ThreadListing l = new ThreadListing(5);
        assertTrue(l.relist(1000, 7), "first interval");
        assertFalse(l.relist(1000, 8));
        assertTrue(l.relist(1001, 9), "a thread started");
        List<Integer> at = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            if (l.relist(1001, 9 + i)) {
                at.add(i);
            }
        }
        assertEquals(List.of(5, 10), at, "same count (a thread may have replaced another): every 5 intervals");
        assertTrue(l.relist(999, 30), "threads ended");
    }

    @Test
    void noPidAllocatedMeansNoNewThreadToFind() {
        ThreadListing l = new ThreadListing(5);
        assertTrue(l.relist(1000, 7));
        for (int i = 1; i <= 12; i++) {
            assertFalse(l.relist(1000, 7), "interval " + i + ": nothing created since the listing");
        }
        List<Integer> at = new ArrayList<>();
        for (int i = 13; i <= 120; i++) {
            if (l.relist(1000, 7)) {
                at.add(i);
            }
        }
        assertEquals(List.of(50, 100), at, "still every 10 x 5 intervals, in case the last pid is wrong");
        assertTrue(l.relist(999, 7), "a thread ended: listed at once");
        for (int i = 1; i <= 4; i++) {
            assertFalse(l.relist(999, 8), "a pid was allocated: listed again only after 5 intervals");
        }
        assertTrue(l.relist(999, 8));
        assertFalse(l.relist(999, 8));
    }

    @Test
    void anUnknownLastPidKeepsTheEveryNIntervalsRule() {
        ThreadListing l = new ThreadListing(3);
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            if (l.relist(10, -1)) {
                at.add(i);
            }
        }
        assertEquals(List.of(0, 3, 6), at);
    }

    @Test
    void unknownCountOrOneIntervalListsEveryTime() {
        ThreadListing unknown = new ThreadListing(5);
        for (int i = 0; i < 3; i++) {
            assertTrue(unknown.relist(-1, 5));
        }
        ThreadListing every = new ThreadListing(1);
        for (int i = 0; i < 3; i++) {
            assertTrue(every.relist(7, 5 + i));
        }
        assertFalse(every.relist(7, 7), "no pid allocated since the last interval");
        assertThrows(IllegalArgumentException.class, () -> new ThreadListing(0));
    }
}
