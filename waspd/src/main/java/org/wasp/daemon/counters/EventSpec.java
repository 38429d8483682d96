// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import java.util.EnumMap;
import java.util.Map;
import org.wasp.daemon.jna.PerfEventAttr;

/** What to open for one {@link Event}: a perf type and config. */
public record EventSpec(Event event, int type, long config) {

    public static EventSpec generic(Event e) {
        return new EventSpec(e, PerfEventAttr.PERF_TYPE_HW_CACHE, e.genericConfig());
    }

    public static EventSpec raw(Event e, long config) {
        return new EventSpec(e, PerfEventAttr.PERF_TYPE_RAW, config);
    }

    /** Generic events, with raw overrides where given. */
    public static Map<Event, EventSpec> resolve(Map<Event, Long> rawOverrides) {
        Map<Event, EventSpec> m = new EnumMap<>(Event.class);
        for (Event e : Event.values()) {
            Long raw = rawOverrides.get(e);
            m.put(e, raw == null ? generic(e) : raw(e, raw));
        }
        return m;
    }

    public String describe() {
        return type == PerfEventAttr.PERF_TYPE_RAW
                ? event.key() + " (raw 0x" + Long.toHexString(config) + ")"
                : event.perfName() + " (generic)";
    }
}
