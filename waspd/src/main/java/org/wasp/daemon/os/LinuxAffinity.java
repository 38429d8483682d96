// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os;

import com.sun.jna.LastErrorException;
import java.util.BitSet;
import org.wasp.daemon.jna.LibC;

/** {@link Affinity} via sched_getaffinity/sched_setaffinity(0, ...): pid 0 is the calling thread. */
public final class LinuxAffinity implements Affinity {
    /** Room for 4096 CPUs. */
    private static final int WORDS = 64;
    private final LibC libc = LibC.get();

    @Override
    public BitSet current() throws OsException {
        long[] mask = new long[WORDS];
        try {
            libc.sched_getaffinity(0, mask.length * 8L, mask);
        } catch (LastErrorException e) {
            throw new OsException("sched_getaffinity", e.getErrorCode());
        }
        return BitSet.valueOf(mask);
    }

    @Override
    public void set(BitSet cpus) throws OsException {
        long[] mask = new long[WORDS];
        long[] bits = cpus.toLongArray();
        System.arraycopy(bits, 0, mask, 0, Math.min(bits.length, WORDS));
        try {
            libc.sched_setaffinity(0, mask.length * 8L, mask);
        } catch (LastErrorException e) {
            throw new OsException("sched_setaffinity " + cpus, e.getErrorCode());
        }
    }
}
