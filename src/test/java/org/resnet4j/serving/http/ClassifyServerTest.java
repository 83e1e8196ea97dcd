package org.resnet4j.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.data.Normalization;
import org.resnet4j.images.ImageDecoder;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.images.RgbImage;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.serving.DynamicBatcher;
import org.resnet4j.serving.GatedModel;
import org.resnet4j.serving.Labels;
import org.resnet4j.serving.Predictor;
import org.resnet4j.serving.ServingFixtures;

/**
 * {@code POST /v1/classify} over real HTTP against the shipped ResNet-20: every answer carries exactly the classes and
 * probabilities of the network called directly on that image alone, whether it ran alone or in a batch.
 */
class ClassifyServerTest {
    private static ResNet model;
    private static Normalization normalization;
    private static Predictor predictor;

    @BeforeAll
    static void loadNetwork() throws Exception {
        model = ResNets.create("resnet20");
        normalization = ModelWeights.load(model, ServingFixtures.WEIGHTS).normalization();
        predictor = new Predictor(model, normalization, Labels.defaultFor(10));
    }

    private static DynamicBatcher.Settings batching(int maxBatch, int maxWaitMs) {
        return new DynamicBatcher.Settings(maxBatch, Duration.ofMillis(maxWaitMs), 64, 1);
    }

    /** The answer must equal the direct call's top {@code k}, index, label and probability bits. */
    private static void assertAnswerIs(byte[] planes, TestServer.Answer answer, int k) {
        assertAnswerOf(ServingFixtures.directLogits(model, normalization, planes, 32), answer, k);
    }

    /** The answer must be the top {@code k} of {@code logits}, index, label and probability bits. */
    private static void assertAnswerOf(float[] logits, TestServer.Answer answer, int k) {
        List<ServingFixtures.Expected> expected = ServingFixtures.expectedTop(logits, k);
        List<TestServer.Score> top = TestServer.top(answer);
        assertEquals(k, top.size(), answer.body());
        for (int rank = 0; rank < k; rank++) {
            assertEquals(expected.get(rank).index(), top.get(rank).index(), "rank " + rank + ": " + answer.body());
            assertEquals(Labels.CIFAR10.get(expected.get(rank).index()), top.get(rank).label());
            assertEquals(Float.floatToRawIntBits(expected.get(rank).probability()),
                    Float.floatToRawIntBits(top.get(rank).probability()), "rank " + rank + ": " + answer.body());
        }
    }

    @Test
    void answersAreTheNetworksOwnForEachImage() throws Exception {
        try (TestServer server = new TestServer(predictor, predictor, batching(32, 5),
                TestServer.settings(1 << 20, 16))) {
            for (long seed = 0; seed < 6; seed++) {
                byte[] planes = ServingFixtures.planes(32, seed);
                assertAnswerIs(planes, server.post("/v1/classify", ServingFixtures.encode(planes, 32, "png")), 5);
            }
            byte[] planes = ServingFixtures.planes(32, 42);
            byte[] png = ServingFixtures.encode(planes, 32, "png");
            assertAnswerIs(planes, server.post("/v1/classify?top=1", png), 1);
            assertAnswerIs(planes, server.post("/v1/classify?top=10", png), 10);
        }
    }

    /**
     * A request timeout too long for nanoseconds (serve --timeout-ms 9223372036854775807, "never") still answers:
     * every classify request got 500, Duration.toNanos() overflowing after the image had been read and queued.
     */
    @Test
    void anEndlessTimeoutStillAnswers() throws Exception {
        try (TestServer server = new TestServer(predictor, predictor, batching(4, 1),
                new ServerSettings("127.0.0.1", 0, 1 << 20, 8, Duration.ofMillis(Long.MAX_VALUE)))) {
            byte[] planes = ServingFixtures.planes(32, 7);
            assertAnswerIs(planes, server.post("/v1/classify", ServingFixtures.encode(planes, 32, "png")), 5);
        }
    }

    @Test
    void aJpegIsAnsweredForThePixelsItDecodesTo() throws Exception {
        try (TestServer server = new TestServer(predictor, predictor, batching(32, 5),
                TestServer.settings(1 << 20, 16))) {
            byte[] jpeg = ServingFixtures.encode(ServingFixtures.planes(32, 7), 32, "jpg");
            RgbImage decoded = ImageDecoder.standard().decode(jpeg, "test image");
            byte[] planes = new byte[3 * 32 * 32];
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < 32 * 32; p++) {
                    planes[c * 32 * 32 + p] = (byte) decoded.value(p % 32, p / 32, c);
                }
            }
            assertAnswerIs(planes, server.post("/v1/classify", jpeg), 5);
        }
    }

    /**
     * Images of other sizes (larger, smaller, not square, PNG and JPEG), sent at once so that they share batches: each
     * answer is that of the logits {@code classify} computes for the same bytes as a file.
     */
    @Test
    void anySizeGetsTheAnswerClassifyGivesItsFile(@TempDir Path dir) throws Exception {
        int[][] sizes = {{33, 33}, {48, 20}, {16, 16}, {25, 90}};
        try (TestServer server = new TestServer(predictor, predictor, batching(32, 20),
                TestServer.settings(1 << 20, 16))) {
            List<Path> files = new ArrayList<>();
            List<CompletableFuture<TestServer.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < sizes.length; i++) {
                int w = sizes[i][0];
                int h = sizes[i][1];
                String format = i % 2 == 0 ? "png" : "jpg";
                byte[] bytes = ServingFixtures.encode(ServingFixtures.planes(w, h, 400 + i), w, h, format);
                files.add(Files.write(dir.resolve(w + "x" + h + "." + format), bytes));
                answers.add(server.postAsync("/v1/classify", bytes));
            }
            for (int i = 0; i < files.size(); i++) {
                assertAnswerOf(ServingFixtures.classifyLogits(model, normalization, files.get(i), 32),
                        answers.get(i).get(60, TimeUnit.SECONDS), 5);
            }
        }
    }

    /**
     * One request held in the model, twelve more arriving meanwhile: they run as one batch of twelve (the batch-size
     * metric says so), and each answer is still exactly that of its image alone.
     */
    @Test
    void concurrentRequestsShareABatchAndGetTheirOwnAnswers() throws Exception {
        GatedModel gated = new GatedModel(predictor);
        try (TestServer server = new TestServer(predictor, gated, batching(16, 20),
                TestServer.settings(1 << 20, 32))) {
            byte[] first = ServingFixtures.planes(32, 100);
            CompletableFuture<TestServer.Answer> held = server.postAsync("/v1/classify",
                    ServingFixtures.encode(first, 32, "png"));
            gated.awaitEntered();
            List<byte[]> images = new ArrayList<>();
            List<CompletableFuture<TestServer.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                images.add(ServingFixtures.planes(32, 200 + i));
                answers.add(server.postAsync("/v1/classify", ServingFixtures.encode(images.get(i), 32, "png")));
            }
            awaitQueued(server, 12);
            gated.open();

            assertAnswerIs(first, held.get(60, TimeUnit.SECONDS), 5);
            for (int i = 0; i < images.size(); i++) {
                assertAnswerIs(images.get(i), answers.get(i).get(60, TimeUnit.SECONDS), 5);
            }
            assertEquals(List.of(1, 12), gated.sizes());
            String metrics = server.get("/metrics").body();
            assertTrue(metrics.contains("resnet4j_batch_size_bucket{le=\"8\"} 1\n"), metrics);
            assertTrue(metrics.contains("resnet4j_batch_size_bucket{le=\"16\"} 2\n"), metrics);
            assertTrue(metrics.contains("resnet4j_images_total 13\n"), metrics);
        }
    }

    @Test
    void withBatchingOffEveryRequestRunsAlone() throws Exception {
        GatedModel gated = new GatedModel(predictor);
        try (TestServer server = new TestServer(predictor, gated, batching(1, 5),
                TestServer.settings(1 << 20, 32))) {
            List<byte[]> images = new ArrayList<>();
            List<CompletableFuture<TestServer.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                images.add(ServingFixtures.planes(32, 300 + i));
                answers.add(server.postAsync("/v1/classify", ServingFixtures.encode(images.get(i), 32, "png")));
            }
            gated.awaitEntered();
            awaitQueued(server, 4);
            gated.open();
            for (int i = 0; i < images.size(); i++) {
                assertAnswerIs(images.get(i), answers.get(i).get(60, TimeUnit.SECONDS), 5);
            }
            assertEquals(List.of(1, 1, 1, 1, 1), gated.sizes());
        }
    }

    static void awaitQueued(TestServer server, int inputs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.batcher.queued() < inputs) {
            assertTrue(System.nanoTime() < deadline, "only " + server.batcher.queued() + " of " + inputs + " queued");
            Thread.sleep(5);
        }
    }
}
