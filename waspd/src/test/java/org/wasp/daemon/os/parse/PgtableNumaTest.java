// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgtableNumaTest {
    @Test
    void readsTablesAndCopiesPerNode() {
        List<String> replicated = List.of("tables N0=13 N1=0", "copies N0=13 N1=13");
        assertEquals(Map.of(0, 13L, 1, 0L), PgtableNuma.tables(replicated));
        assertEquals(Map.of(0, 13L, 1, 13L), PgtableNuma.copies(replicated));
        assertEquals(Map.of(), PgtableNuma.copies(List.of("tables N0=14 N1=0")), "not replicated");
        assertEquals(Map.of(3, 7L), PgtableNuma.tables(List.of("tables N3=7")), "nodes as the kernel numbers them");
    }

    @Test
    void malformedOrMissingIsEmpty() {
        assertEquals(Map.of(), PgtableNuma.tables(List.of()));
        assertEquals(Map.of(), PgtableNuma.tables(List.of("tables N0=x N1=2")));
        assertEquals(Map.of(), PgtableNuma.tables(List.of("tables 0=1")));
        assertEquals(Map.of(), PgtableNuma.tables(List.of("tables N=1")));
        assertEquals(Map.of(), PgtableNuma.tables(List.of("something else N0=1")));
    }
}
