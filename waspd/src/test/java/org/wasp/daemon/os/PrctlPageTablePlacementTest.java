// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.jna.LastErrorException;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Test;
import org.wasp.daemon.jna.Errno;
import org.wasp.daemon.jna.LibC;
import org.wasp.daemon.jna.Syscalls;

class PrctlPageTablePlacementTest {
    /** A libc whose prctl records its arguments and returns {@code raw} as glibc would. */
    static LibC libc(long raw, long[] seen) {
        return (LibC) Proxy.newProxyInstance(LibC.class.getClassLoader(), new Class<?>[] {LibC.class},
                (proxy, method, args) -> {
                    for (int i = 0; i < 5; i++) {
                        seen[i] = ((Number) args[i]).longValue();
                    }
                    if (raw < 0 && raw >= -4095) {
                        throw new LastErrorException((int) -raw);
                    }
                    return (int) raw;
                });
    }

    @Test
    void aMoveAsksForTheTablesToo() throws OsException {
        long[] seen = new long[5];
        new PrctlPageTablePlacement(libc(0, seen)).move(4242, 1);
        assertArrayEquals(new long[] {Syscalls.PR_SET_PGTABLE_HOME, 1, 4242, Syscalls.PR_PGTABLE_HOME_MOVE, 0}, seen);
        new PrctlPageTablePlacement(libc(0, seen)).setHome(4242, PageTablePlacement.NONE);
        assertArrayEquals(new long[] {Syscalls.PR_SET_PGTABLE_HOME, -1, 4242, 0, 0}, seen);
    }

    @Test
    void refusalsKeepTheirErrno() {
        long[] seen = new long[5];
        OsException busy = assertThrows(OsException.class,
                () -> new PrctlPageTablePlacement(libc(-Errno.EBUSY, seen)).move(4242, 1));
        assertEquals(Errno.EBUSY, busy.errno());
        OsException gone = assertThrows(OsException.class,
                () -> new PrctlPageTablePlacement(libc(-Errno.ESRCH, seen)).home(4242));
        assertEquals(Errno.ESRCH, gone.errno());
    }

    @Test
    void noHomeReadsAsNoneThoughLibcSaysEperm() throws OsException {
        long[] seen = new long[5];
        assertEquals(PageTablePlacement.NONE, new PrctlPageTablePlacement(libc(-Errno.EPERM, seen)).home(4242));
        assertEquals(1, new PrctlPageTablePlacement(libc(1, seen)).home(4242));
        assertArrayEquals(new long[] {Syscalls.PR_GET_PGTABLE_HOME, 4242, 0, 0, 0}, seen);
    }
}
