// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.wasp.daemon.jna.LibC;
import org.wasp.daemon.jna.Syscalls;

/** {@link MemoryBinding} with mmap + mbind(MPOL_BIND). */
public final class LinuxMemoryBinding implements MemoryBinding {
    private static final long PAGE = 4096;
    private final LibC libc = LibC.get();

    @Override
    public Region allocate(long bytes, int node) throws OsException {
        if (bytes <= 0 || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("region size must be in (0, 2 GiB): " + bytes);
        }
        long len = (bytes + PAGE - 1) / PAGE * PAGE;
        Pointer p;
        try {
            p = libc.mmap(null, len, LibC.PROT_READ | LibC.PROT_WRITE,
                    LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS | LibC.MAP_NORESERVE, -1, 0);
        } catch (LastErrorException e) {
            throw new OsException("mmap " + len, e.getErrorCode());
        }
        long[] nodemask = new long[node / 64 + 1];
        nodemask[node / 64] = 1L << (node % 64);
        try {
            // maxnode counts bits and the kernel reads one less than it is given: pass bits + 1.
            libc.syscall(Syscalls.MBIND, p, len, Syscalls.MPOL_BIND, nodemask, nodemask.length * 64L + 1,
                    Syscalls.MPOL_MF_STRICT | Syscalls.MPOL_MF_MOVE);
        } catch (LastErrorException e) {
            munmap(p, len);
            throw new OsException("mbind to node " + node, e.getErrorCode());
        }
        ByteBuffer buf = p.getByteBuffer(0, len).order(ByteOrder.nativeOrder());
        for (int off = 0; off < len; off += PAGE) {
            buf.put(off, (byte) 1);
        }
        return new Region() {
            private boolean closed;

            @Override
            public ByteBuffer buffer() {
                return buf;
            }

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    munmap(p, len);
                }
            }
        };
    }

    private void munmap(Pointer p, long len) {
        try {
            libc.munmap(p, len);
        } catch (LastErrorException ignored) {
            // Nothing sensible to do: the mapping leaks until exit.
        }
    }
}
