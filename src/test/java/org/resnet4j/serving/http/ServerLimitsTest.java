package org.resnet4j.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.resnet4j.serving.DynamicBatcher;
import org.resnet4j.serving.GatedModel;
import org.resnet4j.serving.Predictor;
import org.resnet4j.serving.RejectedException;
import org.resnet4j.serving.ServingFixtures;

/** A full server answers 503 at once; a shutdown refuses new work and answers every request it had taken. */
class ServerLimitsTest {
    private static Predictor predictor;

    @BeforeAll
    static void loadNetwork() {
        predictor = ServingFixtures.shippedPredictor();
    }

    private static byte[] png(long seed) {
        return ServingFixtures.encode(ServingFixtures.planes(32, seed), 32, "png");
    }

    private static void awaitHeld(TestServer server, int requests) throws InterruptedException {
        String gauge = "resnet4j_requests_in_progress " + requests + "\n";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!server.get("/metrics").body().contains(gauge)) {
            assertTrue(System.nanoTime() < deadline, "the server never held " + requests + " requests");
            Thread.sleep(10);
        }
    }

    @Test
    void aFullServerAnswers503AtOnceAndRecovers() throws Exception {
        GatedModel gated = new GatedModel(predictor);
        try (TestServer server = new TestServer(predictor, gated,
                new DynamicBatcher.Settings(1, Duration.ZERO, 3, 1), TestServer.settings(1 << 20, 3))) {
            List<CompletableFuture<TestServer.Answer>> held = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                held.add(server.postAsync("/v1/classify", png(i)));
            }
            awaitHeld(server, 3);

            long start = System.nanoTime();
            TestServer.Answer refused = server.post("/v1/classify", png(9));
            long nanos = System.nanoTime() - start;
            TestServer.assertError(refused, 503, "queue_full");
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(""));
            // The model is still shut behind its gate, so this answer cannot have waited for it.
            assertTrue(nanos < TimeUnit.SECONDS.toNanos(10), "refused after " + nanos / 1e6 + " ms");
            assertEquals(200, server.get("/healthz").status(), "health and metrics need no place");

            gated.open();
            for (CompletableFuture<TestServer.Answer> answer : held) {
                assertEquals(5, TestServer.top(answer.get(60, TimeUnit.SECONDS)).size());
            }
            assertEquals(5, TestServer.top(server.post("/v1/classify", png(10))).size());
            assertTrue(server.get("/metrics").body().contains("resnet4j_request_errors_total{kind=\"queue_full\"} 1\n"));
        }
    }

    /**
     * A request waiting for a decoding slot (every slot taken, as by a burst of large images) is answered 503 timeout
     * once its time is up, as one waiting for its batch is: the wait for a slot had no limit, so a request could wait
     * far past the timeout and still be answered 200.
     */
    @Test
    void aRequestWaitingToDecodeTimesOut() throws Exception {
        try (TestServer server = new TestServer(predictor, predictor,
                new DynamicBatcher.Settings(8, Duration.ZERO, 8, 1),
                new ServerSettings("127.0.0.1", 0, 1 << 20, 8, Duration.ofMillis(500)));
             ServingFixtures.HeldSlots slots = ServingFixtures.holdDecoding(predictor)) {
            long start = System.nanoTime();
            TestServer.Answer answer = server.postAsync("/v1/classify", png(1)).get(10, TimeUnit.SECONDS);
            long nanos = System.nanoTime() - start;

            String reason = TestServer.assertError(answer, 503, "timeout");
            assertEquals("no answer within 500 ms; the server is overloaded", reason);
            assertTrue(nanos >= TimeUnit.MILLISECONDS.toNanos(500), "answered after " + nanos / 1e6 + " ms");
            slots.close();
            assertEquals(5, TestServer.top(server.post("/v1/classify", png(2))).size());
            assertTrue(server.get("/metrics").body().contains("resnet4j_request_errors_total{kind=\"timeout\"} 1\n"));
        }
    }

    /**
     * Three requests held in the model when the shutdown begins: the port closes at once, requests on connections
     * opened earlier get 503, the three are answered once the model goes on, then the batcher stops.
     */
    @Test
    void shutdownAnswersEveryRequestItHadTaken() throws Exception {
        GatedModel gated = new GatedModel(predictor);
        TestServer server = new TestServer(predictor, gated,
                new DynamicBatcher.Settings(8, Duration.ZERO, 8, 1), TestServer.settings(1 << 20, 8));
        List<CompletableFuture<TestServer.Answer>> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(server.postAsync("/v1/classify", png(i)));
        }
        awaitHeld(server, 3);

        // Two connections the server has accepted (a request answered on each), idle when the shutdown begins.
        TestServer.RawConnection early = server.connect();
        TestServer.RawConnection earlyToo = server.connect();
        for (TestServer.RawConnection connection : List.of(early, earlyToo)) {
            String ok = connection.send("GET /healthz HTTP/1.1\r\nHost: x", new byte[0]);
            assertTrue(ok.startsWith("HTTP/1.1 200 "), ok);
        }
        CompletableFuture<Void> shutdown = CompletableFuture.runAsync(() -> {
            try {
                server.server.shutdown(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        awaitRefused(server.base.getPort());
        assertTrue(!shutdown.isDone(), "the shutdown waits for the requests it took");
        // Accepted connections stay open until the shutdown ends; requests on them are refused and closed.
        String health = early.send("GET /healthz HTTP/1.1\r\nHost: x", new byte[0]);
        assertTrue(health.startsWith("HTTP/1.1 503 ") && health.contains("shutting down"), health);
        byte[] image = png(5);
        String classify = earlyToo.send("POST /v1/classify HTTP/1.1\r\nHost: x\r\nContent-Length: " + image.length,
                image);
        assertTrue(classify.startsWith("HTTP/1.1 503 ") && classify.contains("\"error\": \"shutting_down\""), classify);
        assertTrue(classify.toLowerCase(Locale.ROOT).contains("connection: close"), classify);

        gated.open();
        for (CompletableFuture<TestServer.Answer> answer : held) {
            assertEquals(5, TestServer.top(answer.get(60, TimeUnit.SECONDS)).size());
        }
        shutdown.get(60, TimeUnit.SECONDS);
        assertEquals(RejectedException.Reason.CLOSED, assertThrows(RejectedException.class,
                () -> server.batcher.submit(new float[3 * 32 * 32])).reason());
        assertTrue(server.batcher.awaitTermination(Duration.ofSeconds(10)));
        early.close();
        earlyToo.close();
        server.close(); // a second shutdown returns at once
    }

    /**
     * A grace period too long for the JDK server's int seconds or for nanoseconds (serve --grace-seconds 3000000000 or
     * 9223372036854775807) still stops the server: the shutdown threw (a negative delay, a long overflow) before the
     * port closed or the batcher stopped, so the process went down without answering what it had taken.
     */
    @Test
    void anEndlessGracePeriodStillStopsTheServer() throws Exception {
        for (Duration grace : List.of(Duration.ofSeconds(3_000_000_000L), Duration.ofSeconds(Long.MAX_VALUE))) {
            TestServer server = new TestServer(predictor, predictor,
                    new DynamicBatcher.Settings(8, Duration.ZERO, 8, 1), TestServer.settings(1 << 20, 8));
            assertEquals(5, TestServer.top(server.post("/v1/classify", png(1))).size());
            server.server.shutdown(grace);
            awaitRefused(server.base.getPort());
            assertTrue(server.batcher.awaitTermination(Duration.ofSeconds(10)), "the batcher stopped");
        }
    }

    private static void awaitRefused(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            } catch (ConnectException refused) {
                return;
            } catch (IOException other) {
                // a timeout: try again
            }
            assertTrue(System.nanoTime() < deadline, "the port still accepts connections");
            Thread.sleep(10);
        }
    }
}
