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

class PrctlReplicationControlTest {
    /** A libc whose prctl fails like glibc does for a raw return value {@code raw} (-errno). */
    static LibC libcReturning(long raw) {
        return (LibC) Proxy.newProxyInstance(LibC.class.getClassLoader(), new Class<?>[] {LibC.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("prctl")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    if ((int) args[0] != Syscalls.PR_GET_PGTABLE_REPL_NODE) {
                        throw new UnsupportedOperationException("prctl " + args[0]);
                    }
                    if (raw < 0 && raw >= -4095) {
                        throw new LastErrorException((int) -raw);
                    }
                    return (int) raw;
                });
    }

    @Test
    void unsteeredThreadReadsAsAutoThoughLibcSaysEperm() throws OsException {
        // The kernel's -1 ("not steered") is -EPERM to libc.
        assertEquals(ReplicationControl.AUTO, new PrctlReplicationControl(libcReturning(-Errno.EPERM)).steeredNode(7));
        assertEquals(1, new PrctlReplicationControl(libcReturning(1)).steeredNode(7));
        OsException gone = assertThrows(OsException.class,
                () -> new PrctlReplicationControl(libcReturning(-Errno.ESRCH)).steeredNode(7));
        assertEquals(Errno.ESRCH, gone.errno());
    }

    @Test
    void anotherProcessIsNamedWithThePidMarker() throws OsException {
        long[] seen = new long[5];
        LibC libc = (LibC) Proxy.newProxyInstance(LibC.class.getClassLoader(), new Class<?>[] {LibC.class},
                (proxy, method, args) -> {
                    for (int i = 0; i < 5; i++) {
                        seen[i] = ((Number) args[i]).longValue();
                    }
                    return 3;
                });
        assertEquals(3, new PrctlReplicationControl(libc).replication(4242));
        // Without the marker the kernel reports the caller, whatever arg2 says.
        assertArrayEquals(new long[] {Syscalls.PR_GET_PGTABLE_REPL, 4242, Syscalls.PR_PGTABLE_REPL_PID, 0, 0}, seen);
    }
}
