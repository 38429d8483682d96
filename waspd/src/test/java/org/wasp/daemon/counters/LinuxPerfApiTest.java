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
    private static volatile long sink;

    @Test
    void readsCountAndTimesThroughDirectRead() throws Exception {
        LinuxPerfApi api = new LinuxPerfApi();
        EventSpec spec = new EventSpec(Event.L1D_READ, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK);
        int fd;
        try {
            fd = api.open(spec, 0);
        } catch (OsException e) {
            assumeTrue(false, "perf_event_open not available here: " + e.getMessage());
            return;
        }
        try {
            long[] a = new long[3];
            long[] b = new long[3];
            api.read(fd, a);
            long spin = 0;
            for (int i = 0; i < 5_000_000; i++) {
                spin += i ^ (spin >>> 3);
            }
            api.read(fd, b);
            sink = spin;
            assertTrue(b[0] >= a[0], "count is cumulative");
            assertTrue(b[1] > 0 && b[1] >= a[1], "time enabled grows");
            assertTrue(b[2] > 0 && b[2] <= b[1], "time running is at most time enabled");
        } finally {
            api.close(fd);
        }
    }

    @Test
    void readOfABadDescriptorNamesErrno() {
        OsException e = assertThrows(OsException.class, () -> new LinuxPerfApi().read(-1, new long[3]));
        assertEquals(Errno.EBADF, e.errno());
    }
}
