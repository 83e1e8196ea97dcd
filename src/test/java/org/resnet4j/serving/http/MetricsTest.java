package org.resnet4j.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.resnet4j.serving.DynamicBatcher;
import org.resnet4j.serving.Predictor;
import org.resnet4j.serving.ServingFixtures;

/** {@code GET /metrics} parses as Prometheus text, and its numbers are the requests the test made. */
class MetricsTest {
    @Test
    void metricsParseAndCountWhatHappened() throws Exception {
        Predictor predictor = ServingFixtures.shippedPredictor();
        try (TestServer server = new TestServer(predictor, predictor,
                new DynamicBatcher.Settings(4, Duration.ofMillis(1), 8, 1), TestServer.settings(1 << 20, 8))) {
            for (int i = 0; i < 3; i++) {
                TestServer.top(server.post("/v1/classify", ServingFixtures.encode(ServingFixtures.planes(32, i), 32, "png")));
            }
            server.post("/v1/classify", new byte[] {1, 2, 3});
            server.get("/nowhere");
            server.get("/healthz");

            TestServer.Answer answer = server.get("/metrics");
            assertEquals(200, answer.status());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", answer.headers().firstValue("Content-Type").get());
            Map<String, Double> samples = PrometheusTextParser.parse(answer.body());

            assertEquals(3.0, samples.get("resnet4j_requests_total{endpoint=\"classify\",code=\"200\"}"));
            assertEquals(1.0, samples.get("resnet4j_requests_total{endpoint=\"classify\",code=\"415\"}"));
            assertEquals(1.0, samples.get("resnet4j_requests_total{endpoint=\"other\",code=\"404\"}"));
            assertEquals(1.0, samples.get("resnet4j_requests_total{endpoint=\"healthz\",code=\"200\"}"));
            assertEquals(1.0, samples.get("resnet4j_request_errors_total{kind=\"not_an_image\"}"));
            assertEquals(1.0, samples.get("resnet4j_request_errors_total{kind=\"not_found\"}"));
            assertEquals(0.0, samples.get("resnet4j_request_errors_total{kind=\"queue_full\"}"));
            assertEquals(3.0, samples.get("resnet4j_classify_duration_seconds_count"));
            assertTrue(samples.get("resnet4j_classify_duration_seconds_sum") > 0);
            assertEquals(3.0, samples.get("resnet4j_images_total"));
            assertEquals(3.0, samples.get("resnet4j_batch_size_sum"));
            assertEquals(samples.get("resnet4j_batch_size_count"), samples.get("resnet4j_batch_duration_seconds_count"));
            assertEquals(0.0, samples.get("resnet4j_requests_in_progress"));
            assertEquals(8.0, samples.get("resnet4j_requests_limit"));
            assertEquals(0.0, samples.get("resnet4j_queue_depth"));
            assertTrue(samples.get("resnet4j_images_per_second") >= 0);
        }
    }

    /**
     * A request is counted before its answer leaves: a client that reads an answer and then scrapes {@code /metrics}
     * finds it counted. It was counted after the exchange closed, so a scrape right after an answer could miss it.
     */
    @Test
    void anAnsweredRequestIsCountedBeforeTheClientCanScrape() throws Exception {
        Predictor predictor = ServingFixtures.shippedPredictor();
        try (TestServer server = new TestServer(predictor, predictor,
                new DynamicBatcher.Settings(4, Duration.ofMillis(1), 8, 1), TestServer.settings(1 << 20, 8))) {
            int missed = 0;
            for (int i = 1; i <= 300; i++) {
                assertEquals(200, server.get("/healthz").status());
                Map<String, Double> samples = PrometheusTextParser.parse(server.get("/metrics").body());
                if (samples.get("resnet4j_requests_total{endpoint=\"healthz\",code=\"200\"}") != i) {
                    missed++;
                }
            }
            assertEquals(0, missed, "scrapes that missed the health check answered just before them, of 300");
        }
    }

    /**
     * A classify request leaves {@code resnet4j_requests_in_progress} before its answer leaves: a client that has all
     * its answers finds none in progress. The server reuses a connection once an answer is written, so its next
     * request could be answered while the handler that wrote the answer still held its place.
     */
    @Test
    void anAnsweredClassifyRequestIsNoLongerInProgress() throws Exception {
        Predictor predictor = ServingFixtures.shippedPredictor();
        try (TestServer server = new TestServer(predictor, predictor,
                new DynamicBatcher.Settings(4, Duration.ofMillis(1), 8, 1), TestServer.settings(1 << 20, 8))) {
            int stillHeld = 0;
            for (int i = 0; i < 300; i++) {
                assertEquals(415, server.post("/v1/classify", new byte[] {1, 2, 3}).status());
                Map<String, Double> samples = PrometheusTextParser.parse(server.get("/metrics").body());
                if (samples.get("resnet4j_requests_in_progress") != 0) {
                    stillHeld++;
                }
            }
            assertEquals(0, stillHeld, "scrapes that found an answered request still in progress, of 300");
        }
    }
}
