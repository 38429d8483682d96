// SPDX-License-Identifier: GPL-2.0-only
package org.wasp.daemon.testutil;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks text against the Prometheus text exposition format (0.0.4) and naming conventions,
 * line by line: metric and label name charsets, label value escapes, sample values, one HELP and
 * one TYPE per family before its samples, each family's samples together, no duplicate series,
 * histograms well formed, counters ending in {@code _total}, base units (seconds, no nano- or
 * milliseconds, no percent), and a unit suffix wherever the HELP text names a unit.
 */
public final class PrometheusLint {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(.*)\\})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");
    private static final Pattern VALUE = Pattern.compile("NaN|[+-]Inf|[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Set<String> BAD_UNITS = Set.of("nanoseconds", "microseconds", "milliseconds", "ns", "us",
            "ms", "percent", "mar", "minutes", "hours");

    private PrometheusLint() {
    }

    /** Every rule the text breaks, one message per problem (empty: fine). */
    public static List<String> problems(String text) {
        List<String> out = new ArrayList<>();
        Map<String, String> types = new HashMap<>();
        Map<String, String> helps = new HashMap<>();
        Set<String> finished = new HashSet<>();
        Set<String> series = new HashSet<>();
        Map<String, List<double[]>> buckets = new HashMap<>();
        Map<String, Double> counts = new HashMap<>();
        String current = null;
        if (!text.endsWith("\n")) {
            out.add("the text does not end with a newline");
        }
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            String where = "line " + n + " '" + line + "': ";
            Matcher m;
            if (line.startsWith("# HELP ")) {
                m = HELP.matcher(line);
                if (!m.matches()) {
                    out.add(where + "malformed HELP");
                } else if (helps.put(m.group(1), m.group(2)) != null) {
                    out.add(where + "second HELP for " + m.group(1));
                }
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                m = TYPE.matcher(line);
                if (!m.matches()) {
                    out.add(where + "malformed TYPE");
                } else if (types.put(m.group(1), m.group(2)) != null) {
                    out.add(where + "second TYPE for " + m.group(1));
                } else {
                    out.addAll(naming(m.group(1), m.group(2), helps.getOrDefault(m.group(1), ""), where));
                }
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            m = SAMPLE.matcher(line);
            if (!m.matches()) {
                out.add(where + "not a sample line");
                continue;
            }
            String name = m.group(1);
            String family = family(name, types);
            if (!types.containsKey(family)) {
                out.add(where + "sample before the TYPE of " + family);
            }
            if (!family.equals(current)) {
                if (current != null) {
                    finished.add(current);
                }
                if (finished.contains(family)) {
                    out.add(where + "samples of " + family + " are not together");
                }
                current = family;
            }
            String labels = m.group(3) == null ? "" : m.group(3);
            Map<String, String> lv = new HashMap<>();
            if (!labels.isEmpty()) {
                Matcher l = LABEL.matcher(labels);
                int pos = 0;
                while (l.find() && l.start() == pos) {
                    if (l.group(1).startsWith("__")) {
                        out.add(where + "reserved label name " + l.group(1));
                    }
                    if (lv.put(l.group(1), l.group(2)) != null) {
                        out.add(where + "label " + l.group(1) + " twice");
                    }
                    pos = l.end();
                    if (pos < labels.length() && labels.charAt(pos) == ',') {
                        pos++;
                    }
                }
                if (pos != labels.length()) {
                    out.add(where + "malformed labels at '" + labels.substring(Math.min(pos, labels.length())) + "'");
                }
            }
            if (!VALUE.matcher(m.group(4)).matches()) {
                out.add(where + "value '" + m.group(4) + "' is not a float");
                continue;
            }
            if (!series.add(name + new java.util.TreeMap<>(lv))) {
                out.add(where + "duplicate series");
            }
            double v = Double.parseDouble(m.group(4).replace("Inf", "Infinity"));
            if ("histogram".equals(types.get(family))) {
                if (name.endsWith("_bucket")) {
                    String le = lv.get("le");
                    if (le == null) {
                        out.add(where + "bucket without le");
                    } else {
                        buckets.computeIfAbsent(family, k -> new ArrayList<>()).add(
                                new double[] {Double.parseDouble(le.replace("Inf", "Infinity")), v});
                    }
                } else if (name.endsWith("_count")) {
                    counts.put(family, v);
                }
            }
            if ("counter".equals(types.get(family)) && v < 0) {
                out.add(where + "negative counter");
            }
        }
        for (Map.Entry<String, String> t : types.entrySet()) {
            if (!helps.containsKey(t.getKey())) {
                out.add("no HELP for " + t.getKey());
            }
            if (t.getValue().equals("histogram")) {
                out.addAll(histogram(t.getKey(), buckets.getOrDefault(t.getKey(), List.of()), counts.get(t.getKey())));
            }
        }
        return out;
    }

    private static String family(String name, Map<String, String> types) {
        for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
            if (name.endsWith(suffix)) {
                String f = name.substring(0, name.length() - suffix.length());
                if ("histogram".equals(types.get(f)) || "summary".equals(types.get(f))) {
                    return f;
                }
            }
        }
        return name;
    }

    private static List<String> naming(String name, String type, String help, String where) {
        List<String> out = new ArrayList<>();
        if (type.equals("counter") != name.endsWith("_total")) {
            out.add(where + (type.equals("counter") ? "a counter's name must end in _total"
                    : "only counters end in _total"));
        }
        for (String part : name.split("_")) {
            if (BAD_UNITS.contains(part)) {
                out.add(where + "'" + part + "' is not a base unit (seconds, ratios, _per_second)");
            }
        }
        String h = help.toLowerCase();
        if (h.contains("per second") && !name.endsWith("_per_second")) {
            out.add(where + "a rate must end in _per_second");
        }
        if ((h.contains("latency") || h.contains("time ") || h.contains("unix time") || h.contains("took"))
                && !name.endsWith("_seconds")) {
            out.add(where + "a time must be in seconds (_seconds)");
        }
        if ((h.contains("fraction") || h.contains("per memory access") || h.contains("per access"))
                && !name.endsWith("_ratio")) {
            out.add(where + "a fraction must end in _ratio");
        }
        return out;
    }

    private static List<String> histogram(String family, List<double[]> b, Double count) {
        List<String> out = new ArrayList<>();
        if (b.isEmpty() || b.get(b.size() - 1)[0] != Double.POSITIVE_INFINITY) {
            out.add(family + ": no le=\"+Inf\" bucket last");
        }
        for (int i = 1; i < b.size(); i++) {
            if (b.get(i)[0] <= b.get(i - 1)[0] || b.get(i)[1] < b.get(i - 1)[1]) {
                out.add(family + ": buckets not increasing at le=" + b.get(i)[0]);
            }
        }
        if (!b.isEmpty() && (count == null || count != b.get(b.size() - 1)[1])) {
            out.add(family + ": _count differs from the +Inf bucket");
        }
        return out;
    }
}
