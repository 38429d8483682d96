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
        assertTrue(l.relist(1000), "first interval");
        assertFalse(l.relist(1000));
        assertTrue(l.relist(1001), "a thread started");
        List<Integer> at = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            if (l.relist(1001)) {
                at.add(i);
            }
        }
        assertEquals(List.of(5, 10), at, "same count (a thread may have replaced another): every 5 intervals");
        assertTrue(l.relist(999), "threads ended");
    }

    @Test
    void unknownCountOrOneIntervalListsEveryTime() {
        ThreadListing unknown = new ThreadListing(5);
        for (int i = 0; i < 3; i++) {
            assertTrue(unknown.relist(-1));
        }
        ThreadListing every = new ThreadListing(1);
        for (int i = 0; i < 3; i++) {
            assertTrue(every.relist(7));
        }
        assertThrows(IllegalArgumentException.class, () -> new ThreadListing(0));
    }
}
