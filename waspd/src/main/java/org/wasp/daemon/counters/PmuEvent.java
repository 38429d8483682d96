// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import java.util.List;

/**
 * One x86 core PMU event as the kernel's tools/perf/pmu-events/arch/x86/UARCH/*.json list it:
 * EventCode and UMask, no CounterMask, Invert or EdgeDetect (none of waspd's events uses them).
 * {@code names} are the JSON EventNames this encoding counts; several when it ORs their unit
 * masks (AMD adds up the unit masks of one event code: "Unit Masks ADDed"), with the same
 * EventCode. The unit test checks every field against the JSON.
 */
public record PmuEvent(List<String> names, int code, int umask) {

    public PmuEvent {
        names = List.copyOf(names);
    }

    public static PmuEvent of(String name, int code, int umask) {
        return new PmuEvent(List.of(name), code, umask);
    }

    /** Display name: the JSON names joined with '+'. */
    public String name() {
        return String.join("+", names);
    }

    /**
     * The PERF_TYPE_RAW config in the x86 format of /sys/bus/event_source/devices/cpu/format:
     * event select bits 0-7, unit mask bits 8-15, and (AMD) event select bits 8-11 at 32-35.
     */
    public long config() {
        return (code & 0xffL) | ((umask & 0xffL) << 8) | (((code >> 8) & 0xfL) << 32);
    }
}
