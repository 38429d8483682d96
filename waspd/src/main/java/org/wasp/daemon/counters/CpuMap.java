// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.counters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The kernel's tools/perf/pmu-events/arch/x86/mapfile.csv: which CPUs (a regular expression on
 * {@link CpuId#perfId()}) have which microarchitecture's events. Matched as perf matches it
 * (tools/perf/arch/x86/util/header.c, strcmp_cpuid_str): the first row whose expression matches
 * the whole id, or the id without its stepping when the row names none; core rows only.
 */
public final class CpuMap {
    /** One row: the expression as written, compiled, and the microarchitecture's directory. */
    public record Entry(String cpuid, Pattern pattern, String uarch) {
        boolean matches(CpuId cpu) {
            String id = cpu.perfId();
            // perf's is_full_cpuid(): exactly three '-' (the '-' of a range like [0-9A-F] count too, so
            // Zen 1's row, with four, is matched without the stepping).
            boolean rowHasStepping = cpuid.chars().filter(c -> c == '-').count() == 3;
            String target = rowHasStepping ? id : id.substring(0, id.lastIndexOf('-'));
            return pattern.matcher(target).matches();
        }
    }

    private static final String BUNDLED = "x86-mapfile.csv";
    private final List<Entry> entries;

    private CpuMap(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Parses mapfile.csv lines: "Family-model,Version,Filename,EventType"; '#' lines and the header skipped. */
    public static CpuMap parse(List<String> lines) {
        List<Entry> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(",");
            if (line.startsWith("#") || f.length < 4 || f[0].equals("Family-model") || !f[3].trim().equals("core")) {
                continue;
            }
            // POSIX bracket class, which java.util.regex spells differently.
            String re = f[0].replace("[[:xdigit:]]", "[0-9A-Fa-f]");
            out.add(new Entry(f[0], Pattern.compile(re), f[2].trim()));
        }
        return new CpuMap(out);
    }

    /** The rows waspd carries (those of {@link EventTable}), in the kernel's order. */
    public static CpuMap bundled() {
        try (InputStream in = CpuMap.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException("resource " + BUNDLED + " missing");
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The microarchitecture of the first row matching {@code cpu}. */
    public Optional<String> uarch(CpuId cpu) {
        return entries.stream().filter(e -> e.matches(cpu)).map(Entry::uarch).findFirst();
    }
}
