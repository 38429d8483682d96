// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.jna;

import com.sun.jna.Structure;

/** struct rlimit: two rlim_t (unsigned long) values. */
@Structure.FieldOrder({"rlim_cur", "rlim_max"})
public class RLimit extends Structure {
    /** RLIM_INFINITY as a signed Java long. */
    public static final long INFINITY = -1L;

    public long rlim_cur;
    public long rlim_max;
}
