// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wasp.daemon.os.parse.CpuList;
import org.wasp.daemon.os.parse.MitosisStatus;

class ProcFsTest {
    static ProcFs fixture(String name) throws Exception {
        return new ProcFs(Path.of(ProcFsTest.class.getResource("/fixtures/" + name).toURI()));
    }

    @Test
    void listsProcessesAndThreads() throws Exception {
        ProcFs p = fixture("procroot");
        assertEquals(List.of(2, 777, 4242), p.pids());
        assertEquals(List.of(4242, 4243, 4244, 4245), p.tasks(4242));
        assertEquals("my (weird) app)", p.stat(777).orElseThrow().comm());
        assertTrue(p.stat(2).orElseThrow().kernelThread());
    }

    @Test
    void readsWhereAProcessesPageTablesAre() throws Exception {
        ProcFs p = fixture("procroot");
        assertEquals(Map.of(0, 13L, 1, 0L), p.pageTableNodes(4242));
        assertEquals(Map.of(0, 14L, 1, 0L), p.pageTableNodes(777));
        assertEquals(Map.of(), p.pageTableNodes(2), "no file: a kernel without it, or a kernel thread");
        assertEquals(Map.of(), p.pageTableNodes(99999), "gone");
    }

    @Test
    void idsAreSortedNumericallyAndOtherNamesIgnored(@TempDir Path root) throws Exception {
        for (String d : new String[] {"10", "9", "100", "self", "1a", "net", "0"}) {
            java.nio.file.Files.createDirectories(root.resolve("proc").resolve(d));
        }
        assertEquals(List.of(0, 9, 10, 100), new ProcFs(root).pids());
        assertEquals(List.of(), new ProcFs(root).tasks(12345), "a vanished process has no threads");
    }

    @Test
    void lastPidOnlyWhereProcIsOfOurPidNamespace(@TempDir Path root) throws Exception {
        org.wasp.daemon.testutil.FakeProc f = new org.wasp.daemon.testutil.FakeProc(root);
        assertEquals(-1, new ProcFs(root).lastPid(), "no /proc/self, no loadavg");
        f.lastPid(31337);
        assertEquals(31337, new ProcFs(root).lastPid());
        f.lastPid(31338);
        ProcFs p = new ProcFs(root);
        assertEquals(31338, p.lastPid());
        f.write("proc/loadavg", "0.1 0.2 0.3 1/2\n");
        assertEquals(-1, p.lastPid(), "malformed");
        java.nio.file.Files.delete(root.resolve("proc/self"));
        java.nio.file.Files.createSymbolicLink(root.resolve("proc/self"), Path.of("1"));
        f.write("proc/loadavg", "0.1 0.2 0.3 1/2 999\n");
        assertEquals(-1, new ProcFs(root).lastPid(), "another pid namespace's /proc: its field is not ours");
        assertTrue(ProcFs.system().lastPid() > 0, "this machine's");
    }

    @Test
    void parsesLoadavgLastPid() {
        assertEquals(4567, ProcFs.loadavgLastPid("0.00 0.01 0.05 1/123 4567"));
        assertEquals(4567, ProcFs.loadavgLastPid("0.00 0.01 0.05 1/123 4567\n"));
        assertEquals(-1, ProcFs.loadavgLastPid("0.00 0.01 0.05 1/123"));
        assertEquals(-1, ProcFs.loadavgLastPid("0.00 0.01 0.05 1/123 x"));
    }

    @Test
    void parsesIds() {
        assertEquals(4242, ProcFs.parseId("4242"));
        assertEquals(0, ProcFs.parseId("0"));
        assertEquals(-1, ProcFs.parseId(""));
        assertEquals(-1, ProcFs.parseId("self"));
        assertEquals(-1, ProcFs.parseId("12x"));
        assertEquals(-1, ProcFs.parseId("-1"));
        assertEquals(-1, ProcFs.parseId("12345678901"), "too long for a pid");
    }

    @Test
    void threadVanishedBetweenListingAndReading() throws Exception {
        ProcFs p = fixture("procroot");
        assertTrue(p.taskStat(4242, 4244).isEmpty(), "listed thread without files reads as gone");
        assertEquals(2, p.taskStat(4242, 4243).orElseThrow().processor());
        assertEquals(3, p.taskStat(4242, 4245).orElseThrow().processor());
    }

    @Test
    void keptStatFileIsReadAgainFromTheStart(@TempDir Path root) throws Exception {
        Path stat = root.resolve("proc/10/task/11/stat");
        java.nio.file.Files.createDirectories(stat.getParent());
        java.nio.file.Files.writeString(stat, org.wasp.daemon.testutil.FakeProc.statLine(11, "a b) c", 0, 5));
        ProcFs p = new ProcFs(root);
        try (TaskStatFile f = p.openTaskStat(10, 11).orElseThrow()) {
            assertEquals(5, f.processor());
            assertEquals(5, f.processor(), "read again from the start");
            // The file changes in place, as /proc's does when the thread moves.
            java.nio.file.Files.writeString(stat, org.wasp.daemon.testutil.FakeProc.statLine(11, "a b) c", 0, 17));
            assertEquals(17, f.processor());
            org.wasp.daemon.os.parse.ProcStat st = f.stat().orElseThrow();
            assertEquals("a b) c", st.comm());
            assertEquals(17, st.processor());
            assertEquals(11, st.pid());
            java.nio.file.Files.writeString(stat, "11 (truncated) S 1 2\n");
            assertEquals(TaskStatFile.GONE, f.processor(), "unreadable reads as gone");
            assertTrue(f.stat().isEmpty());
        }
        assertTrue(p.openTaskStat(10, 12).isEmpty(), "no such thread");
        assertTrue(fixture("procroot").openTaskStat(4242, 4244).isEmpty(), "listed thread without files");
        try (TaskStatFile f = fixture("procroot").openTaskStat(4242, 4245).orElseThrow()) {
            assertEquals(3, f.processor());
        }
    }

    @Test
    void vanishedProcessGivesEmptyResults() throws Exception {
        ProcFs p = fixture("procroot");
        assertTrue(p.tasks(99999).isEmpty());
        assertTrue(p.stat(99999).isEmpty());
    }

    @Test
    void topologyFromNodeCpulistsAndHasMemory() throws Exception {
        Topology t = fixture("procroot").topology();
        assertEquals("0-1", CpuList.format(t.nodeCpus().get(0)));
        assertEquals("2-3", CpuList.format(t.nodeCpus().get(1)));
        assertEquals("0-1", CpuList.format(t.memoryNodes()));
        assertEquals(1, t.nodeOfCpu(3));
        assertEquals(0, t.nodeOfCpu(0));
        assertEquals(-1, t.nodeOfCpu(9));
    }

    @Test
    void memoryNodesFromMeminfoWithoutHasMemory() throws Exception {
        Topology t = fixture("procroot-nohasmem").topology();
        assertEquals("0,2", CpuList.format(t.memoryNodes()), "node 1 has MemTotal 0");
        assertEquals("0-2", CpuList.format(t.cpuNodes()));
    }

    @Test
    void noNumaMeansOneNode(@TempDir Path empty) {
        Topology t = new ProcFs(empty).topology();
        assertEquals(1, t.nodeCpus().size());
        assertEquals("0", CpuList.format(t.memoryNodes()));
    }

    @Test
    void mitosisStatusAndCache() throws Exception {
        ProcFs p = fixture("procroot");
        assertEquals(2, p.mitosisStatus().orElseThrow().processes().size());
        assertEquals(32L << 20, p.lastLevelCacheBytes());
        assertTrue(fixture("procroot-nohasmem").mitosisStatus().isEmpty());
    }

    @Test
    void olderKernelsHaveTheTableInMitosisStatus(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/mitosis_status"),
                "cr3_writes: 7\npid comm nodes pgd_node replica_kb forced_threads\n500 app 0-1 0 64 0\n");
        MitosisStatus st = new ProcFs(root).mitosisStatus().orElseThrow();
        assertEquals(7, st.counter("cr3_writes"));
        assertEquals(500, st.processes().get(0).pid());
    }

    @Test
    void theTableWinsOverTheReport(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/mitosis_status"),
                "Page Table Replication Status\n=====\nCR3 writes: 7\n\nPID 500 (app): nodes=0,1 (total: 2 nodes)\n");
        Files.writeString(root.resolve("proc/pgtable_repl"),
                "cr3_writes: 7\npid comm nodes pgd_node replica_kb forced_threads\n500 app 0-1 0 64 0\n");
        assertEquals(1, new ProcFs(root).mitosisStatus().orElseThrow().processes().size());
    }
}
