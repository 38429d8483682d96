// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The CPU's vendor, family, model and stepping, from the first processor of /proc/cpuinfo. */
public record CpuId(String vendor, int family, int model, int stepping) {

    /** Parses /proc/cpuinfo; empty when the first processor lacks vendor_id, cpu family or model. */
    public static Optional<CpuId> parse(List<String> cpuinfo) {
        String vendor = null;
        Integer family = null;
        Integer model = null;
        int stepping = 0;
        for (String line : cpuinfo) {
            if (line.isBlank() && vendor != null) {
                break; // end of the first processor
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            try {
                switch (key) {
                    case "vendor_id" -> vendor = value;
                    case "cpu family" -> family = Integer.parseInt(value);
                    case "model" -> model = Integer.parseInt(value);
                    case "stepping" -> stepping = Integer.parseInt(value);
                    default -> { }
                }
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        if (vendor == null || family == null || model == null) {
            return Optional.empty();
        }
        return Optional.of(new CpuId(vendor, family, model, stepping));
    }

    /** As perf spells it for mapfile.csv: vendor-family-MODEL-STEPPING, model and stepping in hex. */
    public String perfId() {
        return String.format(Locale.ROOT, "%s-%d-%X-%X", vendor, family, model, stepping);
    }
}
