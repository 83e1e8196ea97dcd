package org.resnet4j.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.resnet4j.images.PngHeaders;
import org.resnet4j.serving.DynamicBatcher;
import org.resnet4j.serving.Predictor;
import org.resnet4j.serving.ServingFixtures;

/**
 * Every kind of bad request gets its 4xx and a one-line JSON reason that gives nothing of the server away, and the
 * server goes on answering good requests correctly after each.
 */
class BadRequestTest {
    /** Small enough for a test to exceed, large enough for any 32x32 PNG (about 3.2 KB of noise). */
    private static final int LIMIT = 16 * 1024;

    private static TestServer server;
    private static byte[] goodPng;

    @BeforeAll
    static void start() throws Exception {
        Predictor predictor = ServingFixtures.shippedPredictor();
        server = new TestServer(predictor, predictor,
                new DynamicBatcher.Settings(8, Duration.ofMillis(2), 16, 1), TestServer.settings(LIMIT, 16));
        goodPng = ServingFixtures.encode(ServingFixtures.planes(32, 1), 32, "png");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        server.close();
    }

    /** After every bad request: still healthy, and a good image still gets its answer. */
    @AfterEach
    void stillServing() {
        assertEquals(200, server.get("/healthz").status());
        assertEquals(5, TestServer.top(server.post("/v1/classify", goodPng)).size());
    }

    private static String reasonOf(TestServer.Answer answer, int status, String kind) {
        String reason = TestServer.assertError(answer, status, kind);
        for (String leak : List.of("Exception", "java.", "org.resnet4j", "\tat ", ".safetensors", "models/")) {
            assertFalse(reason.contains(leak), "'" + leak + "' in: " + reason);
        }
        return reason;
    }

    @Test
    void emptyBody() {
        reasonOf(server.post("/v1/classify", new byte[0]), 400, "empty");
    }

    @Test
    void notAnImage() {
        reasonOf(server.post("/v1/classify", "{\"image\": \"cat.png\"}".getBytes(StandardCharsets.UTF_8)), 415,
                "not_an_image");
        reasonOf(server.post("/v1/classify", "GIF89a....".getBytes(StandardCharsets.US_ASCII)), 415, "not_an_image");
    }

    @Test
    void truncatedOrDamagedImages() {
        reasonOf(server.post("/v1/classify", Arrays.copyOf(goodPng, goodPng.length / 2)), 400, "corrupt_image");
        reasonOf(server.post("/v1/classify", Arrays.copyOf(goodPng, goodPng.length - 12)), 400, "corrupt_image");
        byte[] damaged = goodPng.clone();
        damaged[damaged.length / 2] ^= 0x40;
        reasonOf(server.post("/v1/classify", damaged), 400, "corrupt_image");
        byte[] jpeg = ServingFixtures.encode(ServingFixtures.planes(32, 2), 32, "jpg");
        reasonOf(server.post("/v1/classify", Arrays.copyOf(jpeg, jpeg.length - 2)), 400, "corrupt_image");
    }

    /**
     * A few dozen bytes claiming 100,000 x 100,000 pixels, or none: 422 from the header (decoding them would be a
     * corrupt_image). Other sizes within the limit are resized (ClassifyServerTest).
     */
    @Test
    void wrongSize() {
        String reason = reasonOf(server.post("/v1/classify", PngHeaders.claimingSize(100_000, 100_000)), 422,
                "wrong_size");
        assertTrue(reason.contains("100000x100000") && reason.contains("limit of 16777216"), reason);
        String none = reasonOf(server.post("/v1/classify", PngHeaders.claimingSize(0, 32)), 422, "wrong_size");
        assertTrue(none.contains("0x32") && none.contains("at least 1"), none);
    }

    @Test
    void declaredLengthOverTheLimitIsRefusedBeforeTheBodyIsRead() throws Exception {
        TestServer.Answer answer = server.post("/v1/classify", new byte[LIMIT + 1]);
        assertTrue(reasonOf(answer, 413, "too_large").contains(Integer.toString(LIMIT)));
        assertEquals("close", answer.headers().firstValue("Connection").orElse(""));

        // Ten gigabytes announced and none sent: the answer comes at once, not after waiting for the body.
        long start = System.nanoTime();
        String raw = server.raw("POST /v1/classify HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000000", new byte[0]);
        assertTrue(raw.startsWith("HTTP/1.1 413 "), raw);
        assertTrue(raw.contains("\"error\": \"too_large\""), raw);
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(8).toNanos(), "answered before the read timeout");
    }

    @Test
    void chunkedBodyIsReadNoFurtherThanTheLimit() {
        // No length known in advance: the client sends chunks, the server stops one byte past the limit.
        TestServer.Answer answer = server.send(HttpRequest.newBuilder(server.base.resolve("/v1/classify"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[3 * LIMIT]))));
        reasonOf(answer, 413, "too_large");

        TestServer.Answer small = server.send(HttpRequest.newBuilder(server.base.resolve("/v1/classify"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(goodPng))));
        assertEquals(5, TestServer.top(small).size());
    }

    @Test
    void malformedChunkedEncoding() throws Exception {
        String raw = server.raw("POST /v1/classify HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked",
                "zz\r\nnot a chunk\r\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(raw.startsWith("HTTP/1.1 400 "), raw);
        assertTrue(raw.contains("\"error\": \"unreadable_body\""), raw);
    }

    @Test
    void unknownPaths() {
        reasonOf(server.get("/"), 404, "not_found");
        reasonOf(server.get("/v1/classify/extra"), 404, "not_found");
        reasonOf(server.post("/v1/classifyx", goodPng), 404, "not_found");
        reasonOf(server.get("/healthz2"), 404, "not_found");
    }

    @Test
    void wrongMethods() {
        TestServer.Answer get = server.get("/v1/classify");
        reasonOf(get, 405, "method_not_allowed");
        assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
        reasonOf(server.post("/healthz", goodPng), 405, "method_not_allowed");
        reasonOf(server.send(HttpRequest.newBuilder(server.base.resolve("/metrics")).DELETE()), 405,
                "method_not_allowed");
        reasonOf(server.send(HttpRequest.newBuilder(server.base.resolve("/v1/classify"))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(goodPng))), 405, "method_not_allowed");
    }

    @Test
    void badQueries() {
        for (String query : List.of("top=0", "top=11", "top=-1", "top=abc", "top=", "top=99999999999", "k=3",
                "top=3&top=4", "top=3&debug=1")) {
            reasonOf(server.post("/v1/classify?" + query, goodPng), 400, "bad_query");
        }
    }

    /**
     * Requests the JDK server refuses itself, before any handler runs: a 400 with its own short HTML body (which for
     * a malformed URI names the JDK exception it caught; no stack trace, no path). The server goes on serving.
     */
    @Test
    void malformedHttpIsRefusedByTheJdkServer() throws Exception {
        String notHttp = server.raw("HELLO", new byte[0]);
        assertTrue(notHttp.isEmpty() || notHttp.startsWith("HTTP/1.1 400"), notHttp);
        for (String head : List.of("GET /%zz HTTP/1.1\r\nHost: x", "POST /v1/classify HTTP/1.1\r\nHost: x\r\n"
                + "Content-Length: ten", "POST /v1/classify HTTP/1.1\r\nHost: x\r\nContent-Length: -1")) {
            String raw = server.raw(head, new byte[0]);
            assertTrue(raw.startsWith("HTTP/1.1 400"), raw);
            assertFalse(raw.contains("\tat ") || raw.contains("org.resnet4j"), raw);
        }
    }
}
