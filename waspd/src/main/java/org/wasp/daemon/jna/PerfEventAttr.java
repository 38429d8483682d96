// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.jna;

import com.sun.jna.Structure;

/**
 * struct perf_event_attr as of PERF_ATTR_SIZE_VER8 (136 bytes, Linux 6.3 to 6.12).
 * Unions are represented by their first 64/32-bit member; the 64-bit bitfield word is
 * {@link #flags} with the bit positions below. {@code PerfEventAttrLayoutTest} checks every
 * offset against include/uapi/linux/perf_event.h.
 */
@Structure.FieldOrder({"type", "size", "config", "sample_period", "sample_type", "read_format", "flags",
        "wakeup_events", "bp_type", "config1", "config2", "branch_sample_type", "sample_regs_user",
        "sample_stack_user", "clockid", "sample_regs_intr", "aux_watermark", "sample_max_stack",
        "reserved_2", "aux_sample_size", "aux_action", "sig_data", "config3"})
public class PerfEventAttr extends Structure {
    public static final int PERF_ATTR_SIZE_VER8 = 136;

    public static final int PERF_TYPE_HARDWARE = 0;
    public static final int PERF_TYPE_HW_CACHE = 3;
    public static final int PERF_TYPE_RAW = 4;

    public static final long PERF_FORMAT_TOTAL_TIME_ENABLED = 1L;
    public static final long PERF_FORMAT_TOTAL_TIME_RUNNING = 1L << 1;
    public static final long PERF_FORMAT_GROUP = 1L << 3;

    public static final long FLAG_DISABLED = 1L;
    public static final long FLAG_INHERIT = 1L << 1;
    public static final long FLAG_EXCLUDE_KERNEL = 1L << 5;
    public static final long FLAG_EXCLUDE_HV = 1L << 6;

    public int type;
    public int size;
    public long config;
    /** union { sample_period; sample_freq; } */
    public long sample_period;
    public long sample_type;
    public long read_format;
    /** disabled:1, inherit:1, pinned:1, exclusive:1, exclude_user:1, exclude_kernel:1, exclude_hv:1, ... */
    public long flags;
    /** union { wakeup_events; wakeup_watermark; } */
    public int wakeup_events;
    public int bp_type;
    /** union { bp_addr; kprobe_func; uprobe_path; config1; } */
    public long config1;
    /** union { bp_len; kprobe_addr; probe_offset; config2; } */
    public long config2;
    public long branch_sample_type;
    public long sample_regs_user;
    public int sample_stack_user;
    public int clockid;
    public long sample_regs_intr;
    public int aux_watermark;
    public short sample_max_stack;
    public short reserved_2;
    public int aux_sample_size;
    /** union { aux_action; struct { aux_start_paused:1, aux_pause:1, aux_resume:1 }; } */
    public int aux_action;
    public long sig_data;
    public long config3;

    public PerfEventAttr() {
        super(ALIGN_DEFAULT);
    }

    /**
     * Counting (not sampling) attribute for one event, user space only, read as a group
     * (through the leader) with enabled/running times.
     */
    public static PerfEventAttr counting(int type, long config) {
        PerfEventAttr a = new PerfEventAttr();
        a.type = type;
        a.size = PERF_ATTR_SIZE_VER8;
        a.config = config;
        a.read_format = PERF_FORMAT_GROUP | PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
        a.flags = FLAG_EXCLUDE_KERNEL | FLAG_EXCLUDE_HV;
        return a;
    }

    /** Byte offset of a field, exposed for the layout test. */
    public int offsetOf(String field) {
        return fieldOffset(field);
    }
}
