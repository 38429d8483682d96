// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the kernel's tools/perf/pmu-events JSON: an array of flat objects whose values are all
 * strings. Enough for those files, not a general JSON parser.
 */
public final class PmuEventsJson {
    private static final Pattern OBJECT = Pattern.compile("\\{([^{}]*)\\}");
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private PmuEventsJson() {
    }

    /** Every entry of every *.json file of a microarchitecture's directory, by EventName. */
    public static Map<String, Map<String, String>> events(Path uarchDir) {
        Map<String, Map<String, String>> out = new HashMap<>();
        try (Stream<Path> files = Files.list(uarchDir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                for (Map<String, String> e : parse(Files.readString(f))) {
                    if (e.containsKey("EventName")) {
                        out.put(e.get("EventName"), e);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    public static List<Map<String, String>> parse(String json) {
        Matcher o = OBJECT.matcher(json);
        List<Map<String, String>> out = new java.util.ArrayList<>();
        while (o.find()) {
            Map<String, String> m = new HashMap<>();
            Matcher f = FIELD.matcher(o.group(1));
            while (f.find()) {
                m.put(f.group(1), f.group(2));
            }
            out.add(m);
        }
        return out;
    }

    /** The kernel tree's x86 event directory, when the tree has been unpacked here. */
    public static Path liveX86Dir() {
        String cache = System.getenv("WASP_CACHE");
        Path base = cache != null && !cache.isEmpty() ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache", "wasp");
        return base.resolve("src/tools/perf/pmu-events/arch/x86");
    }

    /** The fixture copy in src/test/resources. */
    public static Path fixtureX86Dir() {
        try {
            return Path.of(PmuEventsJson.class.getResource("/pmu-events/x86/mapfile.csv").toURI()).getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
