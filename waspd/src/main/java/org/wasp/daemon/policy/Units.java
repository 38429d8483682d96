// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.policy;

/** Human-readable numbers for logs. */
public final class Units {
    private Units() {
    }

    /** 12345678 -> "12.3M". */
    public static String si(double v) {
        double a = Math.abs(v);
        if (a >= 1e9) {
            return String.format(java.util.Locale.ROOT, "%.1fG", v / 1e9);
        }
        if (a >= 1e6) {
            return String.format(java.util.Locale.ROOT, "%.1fM", v / 1e6);
        }
        if (a >= 1e3) {
            return String.format(java.util.Locale.ROOT, "%.1fk", v / 1e3);
        }
        return String.format(java.util.Locale.ROOT, "%.0f", v);
    }
}
