// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.wasp.daemon.jna.Errno;
import org.wasp.daemon.os.OsException;
import org.wasp.daemon.testutil.FakeControl;

/** Errors by kind as the decorators count them; gone processes and "not steered" are not errors. */
class HealthTest {
    @Test
    void replicationErrorsAreCountedByKind() throws Exception {
        Health h = new Health();
        FakeControl fake = new FakeControl();
        CountingReplicationControl c = new CountingReplicationControl(fake, h);
        fake.failWith.put(1, Errno.EPERM);
        fake.failWith.put(2, Errno.EINVAL);
        fake.failWith.put(3, Errno.ESRCH);
        fake.failWith.put(4, Errno.EBADF);
        assertThrows(OsException.class, () -> c.setReplication(1, 1));
        assertThrows(OsException.class, () -> c.steer(1, 0));
        assertThrows(OsException.class, () -> c.setReplication(2, 1));
        assertThrows(OsException.class, () -> c.setReplication(3, 1));
        assertThrows(OsException.class, () -> c.steer(4, 1));
        assertThrows(OsException.class, () -> c.steeredNode(1));
        c.setReplication(5, 1);
        assertEquals(1L, fake.masks.get(5));
        Health.View v = h.view();
        assertEquals(2L, v.errors().get(Health.PERMISSION_DENIED));
        assertEquals(1L, v.errors().get(Health.KERNEL_REFUSED));
        assertEquals(1L, v.errors().get(Health.REPLICATION));
        assertEquals(0L, v.errors().get(Health.COUNTERS));
    }

    @Test
    void ticksFillTheCumulativeBuckets() {
        Health h = new Health();
        h.tickDone(5_000_000, 10); // 5 ms: in le=0.005 and above
        h.tickDone(3_000_000_000L, 20); // 3 s: only +Inf
        Health.View v = h.view();
        assertEquals(0, v.cumulativeBuckets()[2 - 1]);
        assertEquals(1, v.cumulativeBuckets()[2]);
        assertEquals(1, v.cumulativeBuckets()[Health.TICK_BUCKETS.length - 1]);
        assertEquals(2, v.ticks());
        assertEquals(3.005, v.tickSeconds(), 1e-9);
        assertEquals(20, v.lastSuccessMillis());
    }

    @Test
    void counterErrorsAreCountedByKind() {
        Health h = new Health();
        org.wasp.daemon.counters.CounterSource failing = new org.wasp.daemon.counters.CounterSource() {
            @Override
            public long beginInterval() {
                return 0;
            }

            @Override
            public org.wasp.daemon.counters.ProcessSample poll(int pid, String comm, java.util.Collection<Integer> tids)
                    throws OsException {
                throw new OsException("read " + pid, pid);
            }

            @Override
            public void release(int pid) {
            }

            @Override
            public int monitoredThreads() {
                return 0;
            }

            @Override
            public void close() {
            }
        };
        CountingCounterSource c = new CountingCounterSource(failing, h);
        // The "errno" of the fake failure is the pid: EPERM, ESRCH (gone: not an error), EBADF.
        for (int errno : new int[] {Errno.EPERM, Errno.ESRCH, Errno.EBADF}) {
            assertThrows(OsException.class, () -> c.poll(errno, "x", java.util.List.of(errno)));
        }
        assertEquals(1L, h.view().errors().get(Health.PERMISSION_DENIED));
        assertEquals(1L, h.view().errors().get(Health.COUNTERS));
    }
}
