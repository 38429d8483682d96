// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MitosisStatusTest {
    static List<String> fixture() throws IOException, URISyntaxException {
        return Files.readAllLines(Path.of(MitosisStatusTest.class.getResource("/fixtures/procroot/proc/pgtable_repl")
                .toURI()));
    }

    @Test
    void parsesCountersAndProcesses() throws Exception {
        MitosisStatus s = MitosisStatus.parse(fixture());
        assertEquals(123456, s.counter("cr3_writes"));
        assertEquals(120000, s.counter("replica_uses"));
        assertEquals(3456, s.counter("primary_uses"));
        assertEquals(97, s.counter("hit_rate_pct"));
        assertEquals(5, s.counter("future_counter"), "unknown counters are kept");
        assertEquals(-1, s.counter("absent"));
        assertEquals(2, s.processes().size());
        MitosisStatus.Entry g = s.processes().get(0);
        assertEquals(4242, g.pid());
        assertEquals("graph500", g.comm());
        assertEquals("0-1", CpuList.format(g.nodes()));
        assertEquals(0, g.pgdNode());
        assertEquals(8192, g.replicaKb());
        assertEquals(2, g.forcedThreads());
        MitosisStatus.Entry st = s.processes().get(1);
        assertEquals("0,2", CpuList.format(st.nodes()), "extra trailing columns are ignored");
        assertEquals(1, st.pgdNode());
    }

    @Test
    void columnsFoundByName() {
        MitosisStatus s = MitosisStatus.parse(List.of("cr3_writes: 1", "pid nodes comm", "9 1 x"));
        assertEquals("x", s.processes().get(0).comm());
        assertEquals(-1, s.processes().get(0).pgdNode());
        assertEquals(0, s.processes().get(0).forcedThreads());
    }

    @Test
    void noProcesses() {
        MitosisStatus s = MitosisStatus.parse(List.of("cr3_writes: 0", "hit_rate_pct: 0",
                "pid comm nodes pgd_node replica_kb forced_threads"));
        assertTrue(s.processes().isEmpty());
    }

    @Test
    void headerWithoutNeededColumnIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> MitosisStatus.parse(List.of("pid comm", "1 x")));
    }
}
