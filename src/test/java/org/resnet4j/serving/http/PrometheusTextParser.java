package org.resnet4j.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of Prometheus' text format 0.0.4, as far as the server uses it: every line a HELP, a TYPE or a
 * sample of a declared family; histograms with increasing {@code le}, non-decreasing cumulative counts, a last
 * {@code +Inf} bucket equal to {@code _count}, and a {@code _sum}.
 */
final class PrometheusTextParser {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") [^\\n]+");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram)");
    private static final Pattern SAMPLE = Pattern.compile(
            "(" + NAME + ")(\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\"\\\\n])*\",?)*)})? (\\S+)");
    private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

    private PrometheusTextParser() {
    }

    /** Every sample, keyed by name and label text as written ({@code name{a="b"}}), after checking the format. */
    static Map<String, Double> parse(String text) {
        assertTrue(text.endsWith("\n"), "the text ends with a newline");
        Map<String, String> types = new HashMap<>();
        Map<String, Double> samples = new LinkedHashMap<>();
        Map<String, List<double[]>> buckets = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                continue;
            }
            if ((m = TYPE.matcher(line)).matches()) {
                assertFalse(types.containsKey(m.group(1)), "TYPE given twice for " + m.group(1));
                types.put(m.group(1), m.group(2));
                continue;
            }
            m = SAMPLE.matcher(line);
            if (!m.matches()) {
                fail("not a HELP, TYPE or sample line: '" + line + "'");
            }
            String name = m.group(1);
            double value = number(m.group(4), line);
            String family = family(name, types);
            assertNotNull(family, "sample before its TYPE: " + line);
            String key = m.group(2) == null ? name : name + m.group(2);
            assertFalse(samples.containsKey(key), "sample given twice: " + key);
            samples.put(key, value);
            if (name.endsWith("_bucket") && types.get(family).equals("histogram")) {
                Matcher le = LE.matcher(m.group(3));
                assertTrue(le.find(), "bucket without le: " + line);
                buckets.computeIfAbsent(family, f -> new ArrayList<>()).add(new double[] {number(le.group(1), line), value});
            }
        }
        types.forEach((family, type) -> {
            if (type.equals("histogram")) {
                checkHistogram(family, buckets.get(family), samples);
            }
        });
        return samples;
    }

    private static void checkHistogram(String family, List<double[]> buckets, Map<String, Double> samples) {
        assertNotNull(buckets, family + " has no buckets");
        for (int i = 1; i < buckets.size(); i++) {
            assertTrue(buckets.get(i)[0] > buckets.get(i - 1)[0], family + ": le must increase");
            assertTrue(buckets.get(i)[1] >= buckets.get(i - 1)[1], family + ": counts must be cumulative");
        }
        double[] last = buckets.getLast();
        assertEquals(Double.POSITIVE_INFINITY, last[0], family + ": the last bucket is +Inf");
        assertEquals(samples.get(family + "_count"), last[1], family + ": +Inf bucket equals _count");
        assertNotNull(samples.get(family + "_sum"), family + "_sum");
    }

    private static String family(String name, Map<String, String> types) {
        if (types.containsKey(name)) {
            return name;
        }
        for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
            String base = name.endsWith(suffix) ? name.substring(0, name.length() - suffix.length()) : null;
            if (base != null && "histogram".equals(types.get(base))) {
                return base;
            }
        }
        return null;
    }

    private static double number(String text, String line) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    yield fail("not a number: '" + text + "' in " + line);
                }
            }
        };
    }
}
