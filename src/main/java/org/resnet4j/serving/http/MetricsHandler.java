package org.resnet4j.serving.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.resnet4j.serving.BatchMetrics;
import org.resnet4j.serving.DynamicBatcher;

/** {@code GET /metrics}: the server's counters in Prometheus' text format. */
final class MetricsHandler extends Endpoint {
    static final String PATH = "/metrics";

    private final DynamicBatcher batcher;
    private final ClassifyHandler classify;
    private final int maxRequests;

    MetricsHandler(DynamicBatcher batcher, ClassifyHandler classify, int maxRequests, RequestMetrics metrics) {
        super("metrics", PATH, metrics);
        this.batcher = batcher;
        this.classify = classify;
        this.maxRequests = maxRequests;
    }

    @Override
    int answer(HttpExchange exchange, Replies replies) throws IOException {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return methodNotAllowed(exchange, replies, "GET, HEAD");
        }
        return replies.send(exchange, 200, PrometheusText.CONTENT_TYPE, render());
    }

    String render() {
        Map<String, Long> answered = new LinkedHashMap<>();
        metrics.answeredCounts().forEach((key, count) -> {
            String[] parts = key.split(" ");
            answered.put(PrometheusText.label("endpoint", parts[0]) + "," + PrometheusText.label("code", parts[1]),
                    count);
        });
        Map<String, Long> errors = new LinkedHashMap<>();
        metrics.errorCounts().forEach((kind, count) -> errors.put(PrometheusText.label("kind", kind.label()), count));
        BatchMetrics batches = batcher.metrics();
        return new PrometheusText()
                .counter("resnet4j_requests_total", "HTTP requests answered, by endpoint and status code.", answered)
                .counter("resnet4j_request_errors_total", "Requests refused or failed, by kind (aborted: the "
                        + "connection broke before an answer).", errors)
                .histogram("resnet4j_classify_duration_seconds", "POST /v1/classify answered 200: seconds from the "
                        + "request's arrival to its answer.", metrics.classifySeconds())
                .histogram("resnet4j_batch_size", "Images per batch the network ran.", batches.batchSizes())
                .histogram("resnet4j_batch_duration_seconds", "Seconds the network took per batch.",
                        batches.batchSeconds())
                .counter("resnet4j_images_total", "Images classified.", Map.of("", batches.images()))
                .gauge("resnet4j_images_per_second", "Images classified per second over the last 10 whole seconds.",
                        batches.imagesPerSecond())
                .gauge("resnet4j_requests_in_progress", "Classify requests the server holds (reading, decoding, "
                        + "queued or running).", classify.held())
                .gauge("resnet4j_requests_limit", "The most classify requests the server holds at once.", maxRequests)
                .gauge("resnet4j_queue_depth", "Images waiting for a batch.", batcher.queued())
                .toString();
    }
}
