// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.os.parse;

import java.util.BitSet;

/** The kernel's list format for CPU and node sets: "0-3,8,10-11"; empty means none. */
public final class CpuList {
    private CpuList() {
    }

    public static BitSet parse(String text) {
        BitSet set = new BitSet();
        String s = text.trim();
        if (s.isEmpty()) {
            return set;
        }
        for (String part : s.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int dash = p.indexOf('-');
            try {
                if (dash < 0) {
                    set.set(Integer.parseInt(p));
                } else {
                    int lo = Integer.parseInt(p.substring(0, dash));
                    int hi = Integer.parseInt(p.substring(dash + 1));
                    if (hi < lo || lo < 0) {
                        throw new IllegalArgumentException("bad range '" + p + "' in list '" + text + "'");
                    }
                    set.set(lo, hi + 1);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad list '" + text + "'", e);
            }
        }
        return set;
    }

    public static String format(BitSet set) {
        StringBuilder sb = new StringBuilder();
        int i = set.nextSetBit(0);
        while (i >= 0) {
            int end = set.nextClearBit(i) - 1;
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(i);
            if (end > i) {
                sb.append('-').append(end);
            }
            i = set.nextSetBit(end + 1);
        }
        return sb.toString();
    }

    /** A node set as the bitmask PR_SET_PGTABLE_REPL takes (nodes 0..63). */
    public static long toMask(BitSet set) {
        long[] words = set.toLongArray();
        return words.length == 0 ? 0 : words[0];
    }

    public static BitSet fromMask(long mask) {
        return BitSet.valueOf(new long[] {mask});
    }
}
