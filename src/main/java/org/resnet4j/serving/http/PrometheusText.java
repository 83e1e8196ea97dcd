package org.resnet4j.serving.http;

import java.util.Map;
import org.resnet4j.serving.Histogram;

/**
 * Prometheus' text exposition format (version 0.0.4): {@code # HELP} and {@code # TYPE} lines, then one sample per
 * line; a histogram as cumulative {@code _bucket{le="..."}} samples ending at {@code le="+Inf"}, then {@code _sum} and
 * {@code _count}.
 */
final class PrometheusText {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder text = new StringBuilder();

    /** @param samples label set (e.g. {@code kind="empty"}, or "" for none) to value */
    PrometheusText counter(String name, String help, Map<String, Long> samples) {
        header(name, help, "counter");
        samples.forEach((labels, value) -> sample(name, labels, Long.toString(value)));
        return this;
    }

    PrometheusText gauge(String name, String help, double value) {
        header(name, help, "gauge");
        sample(name, "", number(value));
        return this;
    }

    PrometheusText histogram(String name, String help, Histogram.Snapshot histogram) {
        header(name, help, "histogram");
        double[] bounds = histogram.bounds();
        long[] cumulative = histogram.cumulative();
        for (int i = 0; i < bounds.length; i++) {
            sample(name + "_bucket", "le=\"" + number(bounds[i]) + "\"", Long.toString(cumulative[i]));
        }
        sample(name + "_bucket", "le=\"+Inf\"", Long.toString(histogram.count()));
        sample(name + "_sum", "", number(histogram.sum()));
        sample(name + "_count", "", Long.toString(histogram.count()));
        return this;
    }

    /** {@code name="value"} with the value escaped as the format asks. */
    static String label(String name, String value) {
        return name + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private void header(String name, String help, String type) {
        text.append("# HELP ").append(name).append(' ').append(help).append('\n');
        text.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void sample(String name, String labels, String value) {
        text.append(name);
        if (!labels.isEmpty()) {
            text.append('{').append(labels).append('}');
        }
        text.append(' ').append(value).append('\n');
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
