package org.resnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.data.Normalization;
import org.resnet4j.images.PngHeaders;
import org.resnet4j.io.StateDicts;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.serving.ServingFixtures;
import org.resnet4j.train.TrainedWeights;

/** {@code serve}: bad command lines, and a real process that SIGTERM stops after it has answered what it took. */
class ServeCommandTest {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    @Test
    void badCommandLines() throws IOException {
        Cli.run("serve", "--model", "resnet20").assertFailure(2, "--weights is required");
        String weights = ServingFixtures.WEIGHTS.toString();
        Cli.run("serve", "--weights", weights, "--port", "70000").assertFailure(2, "--port must be at most 65535");
        Cli.run("serve", "--weights", weights, "--max-batch", "0").assertFailure(2, "--max-batch must be >= 1");
        Cli.run("serve", "--weights", weights, "--max-wait-ms", "-1").assertFailure(2, "--max-wait-ms must be >= 0");
        Cli.run("serve", "--weights", weights, "--max-queue", "0").assertFailure(2, "--max-queue must be >= 1");
        Cli.run("serve", "--weights", weights, "--batch", "8").assertFailure(2, "unknown option --batch");
        Cli.run("serve", "--weights", weights, "--resize", "31")
                .assertFailure(2, "--resize 31 is smaller than the crop: resnet20 takes 32x32 images");
        Path resnet18 = dir.resolve("resnet18.safetensors");
        StateDicts.save(ResNets.create("resnet18"), resnet18, Map.of());
        Cli.run("serve", "--model", "resnet18", "--weights", resnet18.toString(), "--resize", "223")
                .assertFailure(2, "--resize 223 is smaller than the crop: resnet18 takes 224x224 images");
        Cli.run("serve", "--weights", weights, "--image-size", "48", "--resize", "40")
                .assertFailure(2, "--resize 40 is smaller than the crop: resnet20 takes 48x48 images");
        Cli.run("serve", "--weights", weights, "--max-pixels", "0").assertFailure(2, "--max-pixels must be >= 1");
        Cli.run("serve", "--weights", weights, "--max-pixels", "100000001")
                .assertFailure(2, "--max-pixels 100000001 is more than the decoder's limit of 100000000");
        Cli.run("serve", "--weights", weights, "--resize", "40", "--max-pixels", "1599")
                .assertFailure(2, "--max-pixels 1599 is less than one resized image, --resize 40: 40x40 = 1600");
        Path labels = Files.writeString(dir.resolve("labels.txt"), "cat\ndog\n");
        Cli.run("serve", "--weights", weights, "--labels", labels.toString())
                .assertFailure(1, "2 labels for a model of 10 classes");
    }

    /**
     * Two requests wait in the batcher (max wait 5 s) when the process gets SIGTERM: the port closes at once, both
     * are answered with the network's own top class, and the JVM exits as SIGTERM asks (status 143). The server runs
     * with {@code --resize 36 --max-pixels 50000}: the two images, not 32x32, get the answer {@code classify --resize
     * 36} gives their files, and one claiming 300x200 pixels is refused.
     */
    @Test
    void sigtermStopsAcceptingAndAnswersWhatWasTaken() throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path output = dir.resolve("serve.out");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", classpath, Main.class.getName(), "serve",
                "--weights", ServingFixtures.WEIGHTS.toString(), "--port", "0", "--max-wait-ms", "5000",
                "--threads", "1", "--resize", "36", "--max-pixels", "50000").redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            int port = awaitPort(output);
            URI classify = URI.create("http://127.0.0.1:" + port + "/v1/classify?top=1");
            HttpResponse<String> bomb = client.send(HttpRequest.newBuilder(classify).POST(
                    HttpRequest.BodyPublishers.ofByteArray(PngHeaders.claimingSize(300, 200))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(422, bomb.statusCode(), bomb.body());
            assertTrue(bomb.body().contains("300x200") && bomb.body().contains("limit of 50000"), bomb.body());

            List<Path> images = List.of(
                    Files.write(dir.resolve("a.png"), ServingFixtures.encode(ServingFixtures.planes(40, 30, 1), 40, 30,
                            "png")),
                    Files.write(dir.resolve("b.jpg"), ServingFixtures.encode(ServingFixtures.planes(20, 50, 2), 20, 50,
                            "jpg")));
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (Path image : images) {
                answers.add(client.sendAsync(HttpRequest.newBuilder(classify).timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(image))).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            awaitHeld(client, port, 2);

            process.destroy(); // SIGTERM
            awaitRefused(port);
            assertFalse(answers.get(0).isDone() || answers.get(1).isDone(), "still waiting in the batcher");

            ResNet model = ResNets.create("resnet20");
            Normalization normalization = TrainedWeights.load(model, ServingFixtures.WEIGHTS).normalization();
            for (int i = 0; i < images.size(); i++) {
                HttpResponse<String> answer = answers.get(i).get(60, TimeUnit.SECONDS);
                assertEquals(200, answer.statusCode(), answer.body());
                int top = ServingFixtures.expectedTop(
                        ServingFixtures.classifyLogits(model, normalization, images.get(i), 36), 1).get(0).index();
                assertTrue(answer.body().startsWith("{\"top\": [{\"index\": " + top + ", "), answer.body());
            }
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the process exits");
            assertEquals(143, process.exitValue(), "128 + SIGTERM");
        } finally {
            process.destroyForcibly();
        }
        String printed = Files.readString(output);
        assertTrue(printed.contains("shutting down") && printed.contains("stopped"), printed);
        assertTrue(printed.contains("images resized to 36 and cropped to 32x32, at most 50000 pixels"), printed);
    }

    /**
     * Weights that record their class names (a {@code finetune} run on 10 folders) are served with those names, as
     * {@code classify} names them; they were served with CIFAR-10's names (the index for other counts), silently.
     */
    @Test
    void theClassNamesTheWeightsRecordAreServed() throws Exception {
        List<String> names = List.of("apple", "banana", "cherry", "date", "elder", "fig", "grape", "hazel", "iris",
                "jujube");
        Path weights = dir.resolve("fruit.safetensors");
        StateDicts.save(ResNets.create("resnet18", ModelOptions.defaults(10).withSeed(5)), weights,
                Map.of("labels", String.join("\n", names)));
        Path output = dir.resolve("serve.out");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                Main.class.getName(), "serve", "--model", "resnet18", "--classes", "10", "--weights",
                weights.toString(), "--image-size", "32", "--port", "0", "--threads", "1")
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            int port = awaitPort(output);
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/v1/classify?top=10")).POST(
                    HttpRequest.BodyPublishers.ofByteArray(ServingFixtures.encode(ServingFixtures.planes(32, 3), 32,
                            "png"))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            Matcher score = Pattern.compile("\\{\"index\": (\\d+), \"label\": \"([^\"]*)\"").matcher(answer.body());
            int scores = 0;
            while (score.find()) {
                assertEquals(names.get(Integer.parseInt(score.group(1))), score.group(2), answer.body());
                scores++;
            }
            assertEquals(10, scores, answer.body());
        } finally {
            process.destroyForcibly();
            process.waitFor(60, TimeUnit.SECONDS);
        }
    }

    private static int awaitPort(Path output) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            Matcher matcher = LISTENING.matcher(Files.readString(output));
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
            assertTrue(System.nanoTime() < deadline, "no 'listening on' line; output:\n" + Files.readString(output));
            Thread.sleep(20);
        }
    }

    private static void awaitHeld(HttpClient client, int port, int requests) throws Exception {
        HttpRequest metrics = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            String body = client.send(metrics, HttpResponse.BodyHandlers.ofString()).body();
            if (body.contains("resnet4j_requests_in_progress " + requests + "\n")) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "never held " + requests + " requests:\n" + body);
            Thread.sleep(10);
        }
    }

    private static void awaitRefused(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            } catch (ConnectException refused) {
                return;
            } catch (IOException timeout) {
                // neither accepted nor refused within a second: try again
            }
            assertTrue(System.nanoTime() < deadline, "the port still accepts connections after SIGTERM");
            Thread.sleep(10);
        }
    }
}
