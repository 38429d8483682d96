// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.wasp.daemon.jna.Errno;
import org.wasp.daemon.os.OsException;

/**
 * The real perf_event_open/read path on a software event of the test's own thread
 * (no PMU needed); skipped where perf_event_open is not allowed (e.g. containers).
 */
class LinuxPerfApiTest {
    private static final int PERF_TYPE_SOFTWARE = 1;
    private static final long PERF_COUNT_SW_TASK_CLOCK = 1;
    private static final long PERF_COUNT_SW_PAGE_FAULTS = 2;
    private static volatile long sink;

    @Test
    void readsAGroupsCountsAndTimesWithOneRead() throws Exception {
        LinuxPerfApi api = new LinuxPerfApi();
        EventSpec clock = new EventSpec(Event.L1D_READ, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK);
        EventSpec faults = new EventSpec(Event.L1D_WRITE, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS);
        int leader;
        try {
            leader = api.open(clock, 0, -1);
        } catch (OsException e) {
            assumeTrue(false, "perf_event_open not available here: " + e.getMessage());
            return;
        }
        int member = api.open(faults, 0, leader);
        try {
            long[] a = new long[2 + PerfApi.MAX_GROUP];
            long[] b = new long[2 + PerfApi.MAX_GROUP];
            api.readGroup(leader, a);
            long spin = 0;
            for (int i = 0; i < 5_000_000; i++) {
                spin += i ^ (spin >>> 3);
            }
            byte[] touch = new byte[4 << 20];
            for (int i = 0; i < touch.length; i += 4096) {
                touch[i] = 1;
            }
            api.readGroup(leader, b);
            sink = spin + touch[4096];
            assertTrue(b[0] > 0 && b[0] >= a[0], "time enabled grows");
            assertTrue(b[1] > 0 && b[1] <= b[0], "time running is at most time enabled");
            assertTrue(b[2] > a[2], "the leader's task clock counts");
            assertTrue(b[3] >= a[3], "the member's page faults are cumulative");
        } finally {
            api.close(member);
            api.close(leader);
        }
    }

    @Test
    void eachSpecKeepsItsOwnAttributeWhenOpenedAgain() throws Exception {
        LinuxPerfApi api = new LinuxPerfApi();
        // The same event with two configs, each opened twice: the attributes are made once per spec.
        EventSpec clock = new EventSpec(Event.L1D_READ, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK);
        EventSpec faults = new EventSpec(Event.L1D_READ, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS);
        int[] fds = new int[4];
        try {
            fds[0] = api.open(clock, 0, -1);
        } catch (OsException e) {
            assumeTrue(false, "perf_event_open not available here: " + e.getMessage());
            return;
        }
        fds[1] = api.open(faults, 0, -1);
        fds[2] = api.open(clock, 0, -1);
        fds[3] = api.open(faults, 0, -1);
        try {
            long spin = 0;
            for (int i = 0; i < 20_000_000; i++) {
                spin += i ^ (spin >>> 3);
            }
            sink = spin;
            long[][] r = new long[4][2 + PerfApi.MAX_GROUP];
            for (int i = 0; i < 4; i++) {
                api.readGroup(fds[i], r[i]);
            }
            for (int i : new int[] {0, 2}) {
                assertTrue(r[i][2] > 1_000_000, "task clock in ns counts the spin: " + r[i][2]);
            }
            for (int i : new int[] {1, 3}) {
                assertTrue(r[i][2] < 100_000, "page faults stay few: " + r[i][2]);
            }
        } finally {
            for (int fd : fds) {
                api.close(fd);
            }
        }
    }

    @Test
    void readOfABadDescriptorNamesErrno() {
        OsException e = assertThrows(OsException.class, () -> new LinuxPerfApi().readGroup(-1, new long[8]));
        assertEquals(Errno.EBADF, e.errno());
    }
}
