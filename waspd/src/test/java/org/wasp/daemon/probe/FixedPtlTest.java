// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.wasp.daemon.policy.PtlMatrix;

class FixedPtlTest {
    @Test
    void rowsAreCpuNodesColumnsMemoryNodes() {
        PtlMatrix m = FixedPtl.parse(List.of("# from the test VM", "", "300 100  # node 1 is faster", "100,300"));
        assertEquals(2, m.nodes());
        assertEquals(100, m.at(0, 1));
        assertEquals(300, m.at(0, 0));
        assertEquals(100, m.at(1, 0));
        assertEquals(new FixedPtl(m).latest().orElseThrow(), m);
    }

    @Test
    void unmeasuredEntries() {
        PtlMatrix m = FixedPtl.parse(List.of("90 -", "nan 95"));
        assertTrue(Double.isNaN(m.at(0, 1)));
        assertTrue(Double.isNaN(m.at(1, 0)));
        assertEquals(95, m.at(1, 1));
    }

    @Test
    void malformedMatricesAreRefusedWithTheLine() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FixedPtl.parse(List.of("1 2", "x 4")))
                .getMessage().contains("line 2"));
        assertThrows(IllegalArgumentException.class, () -> FixedPtl.parse(List.of("1 2 3", "4 5 6")), "not square");
        assertThrows(IllegalArgumentException.class, () -> FixedPtl.parse(List.of("0")), "not positive");
        assertThrows(IllegalArgumentException.class, () -> FixedPtl.parse(List.of("-5")), "not positive");
        assertThrows(IllegalArgumentException.class, () -> FixedPtl.parse(List.of("# only a comment")));
    }
}
