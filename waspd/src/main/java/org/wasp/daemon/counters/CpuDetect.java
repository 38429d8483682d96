// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Reads what {@link EventSelection#choose} needs from /proc/cpuinfo and sysfs below a root ("/" or a fixture). */
public final class CpuDetect {
    private CpuDetect() {
    }

    public static EventSelection select(Path root) {
        return EventSelection.choose(cpu(root), corePmu(root), CpuMap.bundled());
    }

    static Optional<CpuId> cpu(Path root) {
        try {
            return CpuId.parse(Files.readAllLines(root.resolve("proc/cpuinfo")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static Optional<CorePmu> corePmu(Path root) {
        Path dir = root.resolve("sys/bus/event_source/devices/cpu");
        Optional<String> type = firstLine(dir.resolve("type"));
        if (type.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new CorePmu(Integer.parseInt(type.get().trim()),
                    firstLine(dir.resolve("caps/pmu_name")).map(String::trim).orElse(null)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> firstLine(Path p) {
        try {
            List<String> l = Files.readAllLines(p);
            return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
