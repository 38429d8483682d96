// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import java.util.EnumMap;
import java.util.Map;
import org.wasp.daemon.jna.PerfEventAttr;

/**
 * What to count for one {@link Event}: a perf type and config with a counter of its own; or the
 * reading of another event's counter ({@code sameAs}: where one hardware event is both, e.g.
 * retired loads are the L1D reads and the DTLB reads); or nothing ({@link #NOT_COUNTED}: the
 * count is 0, where another event already counts it, e.g. AMD's one walk event for loads and
 * stores). {@code name} is the event's name in the kernel's pmu-events JSON, or null.
 */
public record EventSpec(Event event, int type, long config, String name, Event sameAs) {
    /** {@link #type} of an event that is not counted. */
    public static final int NOT_COUNTED = -1;

    public EventSpec(Event event, int type, long config) {
        this(event, type, config, null, null);
    }

    public static EventSpec generic(Event e) {
        return new EventSpec(e, PerfEventAttr.PERF_TYPE_HW_CACHE, e.genericConfig());
    }

    public static EventSpec raw(Event e, long config) {
        return new EventSpec(e, PerfEventAttr.PERF_TYPE_RAW, config);
    }

    public static EventSpec raw(Event e, PmuEvent p) {
        return new EventSpec(e, PerfEventAttr.PERF_TYPE_RAW, p.config(), p.name(), null);
    }

    public static EventSpec copyOf(Event e, Event source) {
        return new EventSpec(e, NOT_COUNTED, 0, null, source);
    }

    public static EventSpec none(Event e) {
        return new EventSpec(e, NOT_COUNTED, 0, null, null);
    }

    /** True when this event has a counter (descriptor) of its own. */
    public boolean opened() {
        return type != NOT_COUNTED;
    }

    /** Generic events, with raw overrides where given. */
    public static Map<Event, EventSpec> resolve(Map<Event, Long> rawOverrides) {
        Map<Event, EventSpec> m = new EnumMap<>(Event.class);
        for (Event e : Event.values()) {
            m.put(e, generic(e));
        }
        return override(m, rawOverrides);
    }

    /** {@code specs} with raw codes in place of the events given in {@code rawOverrides}. */
    public static Map<Event, EventSpec> override(Map<Event, EventSpec> specs, Map<Event, Long> rawOverrides) {
        Map<Event, EventSpec> m = new EnumMap<>(specs);
        rawOverrides.forEach((e, raw) -> m.put(e, raw(e, raw)));
        return m;
    }

    public String describe() {
        if (sameAs != null) {
            return event.key() + " (= " + sameAs.key() + ")";
        }
        if (type == NOT_COUNTED) {
            return event.key() + " (not counted: 0)";
        }
        if (type == PerfEventAttr.PERF_TYPE_RAW) {
            return event.key() + " (" + (name == null ? "" : name + ", ") + "raw 0x" + Long.toHexString(config) + ")";
        }
        return event.perfName() + " (generic)";
    }
}
