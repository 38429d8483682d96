// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.wasp.daemon.jna.PerfEventAttr;

/**
 * Which events count the six {@link Event}s on this machine: the {@link EventTable} row of the
 * CPU's microarchitecture ({@link CpuMap}), or the kernel's generic events when there is none,
 * with the reason; raw overrides (--raw-event) on top of either.
 *
 * @param table the row's microarchitecture, or {@link #GENERIC}
 * @param why   what the choice rests on, for the log and the status
 */
public record EventSelection(String table, String why, Map<Event, EventSpec> specs) {
    public static final String GENERIC = "generic";

    public EventSelection {
        specs = new EnumMap<>(specs);
    }

    public static EventSelection generic(String why) {
        return new EventSelection(GENERIC, why, EventSpec.resolve(Map.of()));
    }

    /**
     * The row for {@code cpu}, if the core PMU is the kernel's x86 one (type PERF_TYPE_RAW) and
     * {@code map} names a microarchitecture that {@link EventTable} has; else the generic events.
     */
    public static EventSelection choose(Optional<CpuId> cpu, Optional<CorePmu> pmu, CpuMap map) {
        if (pmu.isEmpty()) {
            return generic("no core PMU in /sys/bus/event_source/devices/cpu (a VM without a virtual PMU, "
                    + "or a hybrid CPU)");
        }
        if (pmu.get().type() != PerfEventAttr.PERF_TYPE_RAW) {
            return generic("core PMU of type " + pmu.get().type() + ", not an x86 one");
        }
        if (cpu.isEmpty()) {
            return generic("no vendor_id, cpu family and model in /proc/cpuinfo");
        }
        String id = cpu.get().perfId();
        String pmuName = pmu.get().pmuName() == null ? "" : ", PMU " + pmu.get().pmuName();
        Optional<String> uarch = map.uarch(cpu.get());
        Optional<EventTable.Row> row = uarch.flatMap(EventTable::row);
        if (row.isEmpty()) {
            return generic("no event table for CPU " + id + pmuName);
        }
        return new EventSelection(row.get().uarch(), "CPU " + id + pmuName + ", mapfile.csv row "
                + uarch.get(), row.get().specs());
    }

    /** This selection with raw codes for the events given. */
    public EventSelection withOverrides(Map<Event, Long> raw) {
        if (raw.isEmpty()) {
            return this;
        }
        List<String> keys = new ArrayList<>();
        raw.keySet().forEach(e -> keys.add(e.key()));
        return new EventSelection(table, why + "; --raw-event for " + String.join(", ", keys),
                EventSpec.override(specs, raw));
    }

    /** One line: the table, why, and every event. */
    public String describe() {
        List<String> ev = new ArrayList<>();
        specs.values().forEach(s -> ev.add(s.describe()));
        return "events " + table + " (" + why + "): " + String.join(", ", ev);
    }
}
