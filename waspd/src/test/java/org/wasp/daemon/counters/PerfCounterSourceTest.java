// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.wasp.daemon.jna.Errno;
import org.wasp.daemon.os.OsException;
import org.wasp.daemon.testutil.FakePerf;

/** Per-thread counter bookkeeping against a fake perf_event_open. */
class PerfCounterSourceTest {
    static PerfCounterSource source(FakePerf api, int max) {
        return new PerfCounterSource(api, EventSpec.resolve(Map.of()), GroupLayout.LOADS_AND_STORES, max, 0);
    }

    @Test
    void countersFollowTheThreads() throws Exception {
        FakePerf api = new FakePerf();
        PerfCounterSource s = source(api, 1000);
        ProcessSample a = s.poll(10, "p", List.of(10, 11));
        assertEquals(2, a.threads().size());
        assertEquals(12, api.opens, "six events per thread");
        assertEquals(4, api.reads, "one read per group of three events");
        assertEquals(110, a.threads().stream().filter(t -> t.tid() == 11).findFirst().orElseThrow().values()[0]);
        assertEquals(1000, a.threads().get(0).running()[3]);
        s.poll(10, "p", List.of(10, 12));
        assertEquals(Set.of(10, 12), api.openTids(), "11 left: closed; 12 is new: opened");
        assertEquals(2, s.monitoredThreads());
        s.release(10);
        assertEquals(Set.of(), api.openTids());
        assertEquals(0, s.monitoredThreads());
    }

    @Test
    void anIntelTableRowOpensFourCountersAndTheDtlbAccessesReadTheLoadAndStoreCounters() throws Exception {
        FakePerf api = new FakePerf();
        EventSelection sel = new EventSelection("skylakex", "test", EventTable.row("skylakex").orElseThrow().specs());
        PerfCounterSource s = new PerfCounterSource(api, sel, GroupLayout.ONE, 1000, 0);
        ProcessSample a = s.poll(10, "p", List.of(10));
        assertEquals(4, api.opens, "loads, stores, load walks, store walks");
        assertEquals(Set.of(Event.L1D_READ, Event.L1D_WRITE, Event.DTLB_READ_MISS, Event.DTLB_WRITE_MISS),
                Set.copyOf(api.fdEvent.values()));
        assertEquals(1, api.reads, "one group of four");
        ThreadSample t = a.thread(10);
        api.onCpuNs.put(10, 9000L);
        t = s.poll(10, "p", List.of(10)).thread(10);
        assertEquals(t.values()[Event.L1D_READ.ordinal()], t.values()[Event.DTLB_READ.ordinal()]);
        assertEquals(t.values()[Event.L1D_WRITE.ordinal()], t.values()[Event.DTLB_WRITE.ordinal()]);
        assertEquals(9000, t.enabled()[Event.DTLB_WRITE.ordinal()]);
        assertEquals(4500, t.running()[Event.DTLB_READ.ordinal()]);
        assertEquals(sel, s.events().orElseThrow());
        s.release(10);
        assertEquals(Set.of(), api.openTids(), "every descriptor closed, none of the shared events'");
        assertEquals(4, api.closed.size());
    }

    @Test
    void anAmdTableRowOpensThreeCountersInTwoGroupsAndStoreWalksStayZero() throws Exception {
        FakePerf api = new FakePerf();
        EventSelection sel = new EventSelection("amdzen4", "test", EventTable.row("amdzen4").orElseThrow().specs());
        assertEquals(Map.of(), PerfCounterSource.missingEvents(api, sel.specs()));
        assertEquals(3, api.opens, "only events with a counter are tried");
        api.opens = 0;
        PerfCounterSource s = new PerfCounterSource(api, sel, GroupLayout.LOADS_AND_STORES, 1000, 0);
        api.onCpuNs.put(10, 9000L);
        ThreadSample t = s.poll(10, "p", List.of(10)).thread(10);
        assertEquals(3, api.opens);
        assertEquals(2, api.reads, "loads with all walks, and stores");
        assertEquals(0, t.values()[Event.DTLB_WRITE_MISS.ordinal()]);
        assertEquals(0, t.enabled()[Event.DTLB_WRITE_MISS.ordinal()]);
        assertTrue(t.values()[Event.DTLB_READ_MISS.ordinal()] > 0);
        assertEquals(t.values()[Event.L1D_WRITE.ordinal()], t.values()[Event.DTLB_WRITE.ordinal()]);
    }

    @Test
    void theGroupTrialUsesOnlyTheCountedEvents() {
        FakePerf api = new FakePerf();
        api.maxGroup = 4;
        api.onCpuNs.put(0, GroupLayout.TRIAL_ENABLED_NS);
        assertEquals(GroupLayout.ONE, GroupLayout.choose(api, EventTable.row("icelakex").orElseThrow().specs()),
                "four counted events fit a PMU that takes four");
        assertEquals(GroupLayout.LOADS_AND_STORES, GroupLayout.choose(api, EventSpec.resolve(Map.of())),
                "six generic ones do not");
    }

    @Test
    void aThreadThatHasNotRunIsReadOnceAndKeepsItsLastReading() throws Exception {
        FakePerf api = new FakePerf();
        PerfCounterSource s = source(api, 1000);
        assertTrue(s.liveThreadTimes());
        ProcessSample a = s.poll(10, "p", List.of(10, 11));
        assertEquals(Map.of(10, 2, 11, 2), api.readsByTid, "first reading: every group");
        api.readsByTid.clear();
        api.onCpuNs.put(11, 5000L); // 11 ran, 10 did not
        ProcessSample b = s.poll(10, "p", List.of(10, 11));
        assertEquals(Map.of(10, 1, 11, 2), api.readsByTid, "10: its first group only; 11: both");
        assertSame(a.thread(10), b.thread(10), "10's last reading stands");
        assertEquals(110 + 3000, b.thread(11).values()[Event.DTLB_WRITE_MISS.ordinal()], "11 read afresh");
        assertEquals(5000, b.thread(11).onCpuNs());
        api.readsByTid.clear();
        ProcessSample c = s.poll(10, "p", List.of(10, 11));
        assertEquals(Map.of(10, 1, 11, 1), api.readsByTid);
        assertSame(b.thread(11), c.thread(11));
    }

    @Test
    void oneGroupReadsEachThreadOnceWhetherItRanOrNot() throws Exception {
        FakePerf api = new FakePerf();
        PerfCounterSource s = new PerfCounterSource(api, EventSpec.resolve(Map.of()), GroupLayout.ONE, 1000, 0);
        ProcessSample a = s.poll(10, "p", List.of(10, 11));
        assertEquals(12, api.opens);
        assertEquals(Map.of(10, 1, 11, 1), api.readsByTid);
        assertEquals(Set.of(6), Set.copyOf(api.groupSize.values()), "one group of six per thread");
        for (Event e : Event.values()) {
            assertEquals(110, a.thread(11).values()[e.ordinal()], e + " read from the one group");
            assertEquals(1000, a.thread(11).running()[e.ordinal()]);
        }
        api.readsByTid.clear();
        api.onCpuNs.put(11, 5000L);
        ProcessSample b = s.poll(10, "p", List.of(10, 11));
        assertEquals(Map.of(10, 1, 11, 1), api.readsByTid);
        assertSame(a.thread(10), b.thread(10));
        assertEquals(110 + 3000, b.thread(11).values()[Event.DTLB_WRITE_MISS.ordinal()]);
    }

    @Test
    void samplesListThreadsInAscendingOrder() throws Exception {
        FakePerf api = new FakePerf();
        ProcessSample a = source(api, 1000).poll(10, "p", List.of(3, 12, 7, 40, 1));
        assertEquals(List.of(1, 3, 7, 12, 40), a.threads().stream().map(ThreadSample::tid).toList());
    }

    @Test
    void eachDtlbAccessCountIsGroupedWithItsMissCount() throws Exception {
        FakePerf api = new FakePerf();
        source(api, 1000).poll(10, "p", List.of(10));
        Map<Event, Event> leaderOf = new HashMap<>();
        api.fdGroup.forEach((fd, leader) -> leaderOf.put(api.fdEvent.get(fd),
                leader < 0 ? api.fdEvent.get(fd) : api.fdEvent.get(leader)));
        assertEquals(Map.of(Event.L1D_READ, Event.L1D_READ, Event.DTLB_READ, Event.L1D_READ,
                Event.DTLB_READ_MISS, Event.L1D_READ, Event.L1D_WRITE, Event.L1D_WRITE,
                Event.DTLB_WRITE, Event.L1D_WRITE, Event.DTLB_WRITE_MISS, Event.L1D_WRITE), leaderOf);
    }

    @Test
    void aMemberThatCannotOpenClosesTheThreadsOtherCounters() throws Exception {
        FakePerf api = new FakePerf();
        api.unsupported.add(Event.DTLB_WRITE_MISS);
        ProcessSample a = source(api, 1000).poll(10, "p", List.of(10));
        assertEquals(List.of(), a.threads());
        assertEquals(Set.of(), api.openTids(), "the five counters opened before the failure are closed");
    }

    @Test
    void vanishedThreadIsSkipped() throws Exception {
        FakePerf api = new FakePerf();
        api.tidErrno.put(11, Errno.ESRCH);
        PerfCounterSource s = source(api, 1000);
        ProcessSample a = s.poll(10, "p", List.of(10, 11, 12));
        assertEquals(Set.of(10, 12), a.threads().stream().map(ThreadSample::tid).collect(Collectors.toSet()));
        assertEquals(Set.of(10, 12), api.openTids());
    }

    @Test
    void permissionDeniedIsReported() {
        FakePerf api = new FakePerf();
        api.tidErrno.put(11, Errno.EACCES);
        PerfCounterSource s = source(api, 1000);
        OsException e = assertThrows(OsException.class, () -> s.poll(10, "p", List.of(11)));
        assertTrue(e.denied());
    }

    @Test
    void capFromDescriptorLimitAndOption() throws Exception {
        FakePerf api = new FakePerf();
        api.fdLimit = PerfCounterSource.RESERVED_FDS + 6 * 3;
        PerfCounterSource s = source(api, 1000);
        assertEquals(3, s.maxThreads());
        s.poll(1, "a", List.of(1, 2));
        s.poll(5, "b", List.of(5, 6, 7));
        assertEquals(3, s.monitoredThreads(), "capped, no exception");
        s.poll(1, "a", List.of());
        s.poll(5, "b", List.of(5, 6, 7));
        assertEquals(3, s.monitoredThreads(), "room made by a gone process is reused");
        assertEquals(2, source(new FakePerf(), 2).maxThreads());
        FakePerf seven = new FakePerf();
        seven.fdLimit = PerfCounterSource.RESERVED_FDS + 7 * 3 + 6;
        assertEquals(3, new PerfCounterSource(seven, EventSpec.resolve(Map.of()), GroupLayout.ONE, 1000, 1).maxThreads(),
                "one more descriptor kept per thread: 7 each");
    }

    @Test
    void runningOutOfDescriptorsCapsInsteadOfFailing() throws Exception {
        FakePerf api = new FakePerf();
        api.tidErrno.put(3, Errno.EMFILE);
        PerfCounterSource s = source(api, 1000);
        ProcessSample a = s.poll(1, "a", List.of(1, 2, 3, 4));
        assertEquals(2, a.threads().size());
        assertEquals(2, s.maxThreads());
        assertEquals(Set.of(1, 2), api.openTids(), "half-opened thread 3 closed, 4 not attempted");
    }

    @Test
    void closeClosesEverything() throws Exception {
        FakePerf api = new FakePerf();
        PerfCounterSource s = source(api, 1000);
        s.poll(1, "a", List.of(1, 2));
        s.poll(3, "b", List.of(3));
        s.close();
        assertEquals(18, api.closed.size());
        assertEquals(Set.of(), api.openTids());
    }

    @Test
    void missingEventsAreNamed() {
        FakePerf api = new FakePerf();
        api.unsupported.add(Event.DTLB_WRITE);
        api.unsupported.add(Event.DTLB_WRITE_MISS);
        Map<Event, String> m = PerfCounterSource.missingEvents(api, EventSpec.resolve(Map.of()));
        assertEquals(List.of(Event.DTLB_WRITE, Event.DTLB_WRITE_MISS), List.copyOf(m.keySet()));
        assertEquals("ENOENT", m.get(Event.DTLB_WRITE));
        assertEquals(4, api.closed.size(), "probe counters are closed");
    }

    @Test
    void genericConfigsAndRawOverrides() {
        assertEquals(0x0L, Event.L1D_READ.genericConfig());
        assertEquals(0x100L, Event.L1D_WRITE.genericConfig());
        assertEquals(0x3L, Event.DTLB_READ.genericConfig());
        assertEquals(0x10003L, Event.DTLB_READ_MISS.genericConfig());
        assertEquals(0x10103L, Event.DTLB_WRITE_MISS.genericConfig());
        Map<Event, EventSpec> m = EventSpec.resolve(Map.of(Event.DTLB_READ_MISS, 0x1008L));
        assertEquals(4, m.get(Event.DTLB_READ_MISS).type());
        assertEquals(0x1008L, m.get(Event.DTLB_READ_MISS).config());
        assertEquals(3, m.get(Event.DTLB_READ).type());
    }
}
