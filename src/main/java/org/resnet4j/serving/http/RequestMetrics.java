package org.resnet4j.serving.http;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.resnet4j.serving.Histogram;

/** Requests answered by endpoint and status, errors by kind, and the latency of classifications. Thread-safe. */
final class RequestMetrics {
    static final String CLASSIFY = "classify";

    private final Map<String, LongAdder> answered = new ConcurrentHashMap<>();
    private final Map<ErrorKind, LongAdder> errors = new EnumMap<>(ErrorKind.class);
    private final Histogram classifySeconds = new Histogram(
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10);

    RequestMetrics() {
        // Every kind from the start, at zero: a series that appears only after the first error breaks rate() alerts.
        for (ErrorKind kind : ErrorKind.values()) {
            errors.put(kind, new LongAdder());
        }
    }

    /** One answered request; a {@value #CLASSIFY} request answered 200 also adds its latency. */
    void answered(String endpoint, int status, long nanos) {
        answered.computeIfAbsent(endpoint + " " + status, key -> new LongAdder()).increment();
        if (endpoint.equals(CLASSIFY) && status == 200) {
            classifySeconds.observe(nanos / 1e9);
        }
    }

    void error(ErrorKind kind) {
        errors.get(kind).increment();
    }

    /** Counts keyed by "endpoint status", sorted. */
    Map<String, Long> answeredCounts() {
        Map<String, Long> counts = new TreeMap<>();
        answered.forEach((key, count) -> counts.put(key, count.sum()));
        return counts;
    }

    Map<ErrorKind, Long> errorCounts() {
        Map<ErrorKind, Long> counts = new EnumMap<>(ErrorKind.class);
        errors.forEach((kind, count) -> counts.put(kind, count.sum()));
        return counts;
    }

    Histogram.Snapshot classifySeconds() {
        return classifySeconds.snapshot();
    }
}
