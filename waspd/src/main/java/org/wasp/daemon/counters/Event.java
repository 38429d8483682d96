// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

/**
 * The six counts the policy needs, as the kernel's generic PERF_TYPE_HW_CACHE events:
 * config = cache id | op &lt;&lt; 8 | result &lt;&lt; 16.
 */
public enum Event {
    L1D_READ("l1d_read", "L1-dcache-loads", 0, 0, 0),
    L1D_WRITE("l1d_write", "L1-dcache-stores", 0, 1, 0),
    DTLB_READ("dtlb_read", "dTLB-loads", 3, 0, 0),
    DTLB_WRITE("dtlb_write", "dTLB-stores", 3, 1, 0),
    DTLB_READ_MISS("dtlb_read_miss", "dTLB-load-misses", 3, 0, 1),
    DTLB_WRITE_MISS("dtlb_write_miss", "dTLB-store-misses", 3, 1, 1);

    public static final int COUNT = values().length;

    private final String key;
    private final String perfName;
    private final long genericConfig;

    Event(String key, String perfName, int cache, int op, int result) {
        this.key = key;
        this.perfName = perfName;
        this.genericConfig = cache | ((long) op << 8) | ((long) result << 16);
    }

    /** Name in the record format and in --raw-event. */
    public String key() {
        return key;
    }

    /** The name perf(1) lists the generic event under. */
    public String perfName() {
        return perfName;
    }

    public long genericConfig() {
        return genericConfig;
    }

    public static Event byKey(String key) {
        for (Event e : values()) {
            if (e.key.equals(key)) {
                return e;
            }
        }
        return null;
    }
}
