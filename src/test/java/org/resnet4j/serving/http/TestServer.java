package org.resnet4j.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.resnet4j.serving.BatchModel;
import org.resnet4j.serving.DynamicBatcher;
import org.resnet4j.serving.Predictor;

/** A server on 127.0.0.1 and an ephemeral port, with the requests the tests send it. */
final class TestServer implements AutoCloseable {
    private static final Pattern SCORE = Pattern.compile(
            "\\{\"index\": (\\d+), \"label\": \"([^\"]*)\", \"probability\": ([0-9.E-]+)}");
    private static final Pattern ERROR = Pattern.compile("\\{\"error\": \"([a-z_]+)\", \"reason\": \"([^\"\\\\]+)\"}\n");

    final ClassifyServer server;
    final DynamicBatcher batcher;
    final URI base;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    TestServer(Predictor predictor, BatchModel model, DynamicBatcher.Settings batching, ServerSettings settings)
            throws IOException {
        this.batcher = new DynamicBatcher(model, batching);
        this.server = ClassifyServer.start(predictor, batcher, settings);
        this.base = URI.create("http://127.0.0.1:" + server.address().getPort());
    }

    static ServerSettings settings(long maxBodyBytes, int maxRequests) {
        return new ServerSettings("127.0.0.1", 0, maxBodyBytes, maxRequests, Duration.ofSeconds(30));
    }

    /** One answer: status, headers as the server sent them, body. */
    record Answer(int status, java.net.http.HttpHeaders headers, String body) {
    }

    Answer post(String pathAndQuery, byte[] body) {
        return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    CompletableFuture<Answer> postAsync(String pathAndQuery, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Answer(r.statusCode(), r.headers(), r.body()));
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes {@code head} (request line and headers, CRLF line ends, no blank line) and {@code body} on a new
     * connection and returns the status line and what follows.
     */
    String raw(String head, byte[] body) throws IOException {
        try (RawConnection connection = connect()) {
            return connection.send(head, body);
        }
    }

    /** A connection opened now, for requests written by hand later. */
    RawConnection connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", base.getPort()), 10_000);
        socket.setSoTimeout(10_000);
        return new RawConnection(socket);
    }

    record RawConnection(Socket socket) implements AutoCloseable {
        /** Sends one request; returns what comes back until the answer is complete, the server closes, or 10 s. */
        String send(String head, byte[] body) throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write((head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder answer = new StringBuilder();
            byte[] buffer = new byte[4096];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                    if (complete(answer)) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                // whatever arrived is the answer
            }
            return answer.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** True once the headers and as many body bytes as Content-length says have arrived. */
    private static boolean complete(StringBuilder answer) {
        int end = answer.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(answer.substring(0, end));
        return length.find() && answer.length() - end - 4 >= Integer.parseInt(length.group(1));
    }

    /** The ranked classes of a 200 answer. */
    static List<Score> top(Answer answer) {
        assertEquals(200, answer.status(), answer.body());
        assertTrue(answer.body().startsWith("{\"top\": [") && answer.body().endsWith("]}\n"), answer.body());
        List<Score> scores = new ArrayList<>();
        Matcher matcher = SCORE.matcher(answer.body());
        while (matcher.find()) {
            scores.add(new Score(Integer.parseInt(matcher.group(1)), matcher.group(2),
                    Float.parseFloat(matcher.group(3))));
        }
        return scores;
    }

    record Score(int index, String label, float probability) {
    }

    /** Asserts a one-line JSON error of {@code kind} with {@code status}; returns the reason. */
    static String assertError(Answer answer, int status, String kind) {
        assertEquals(status, answer.status(), answer.body());
        assertEquals("application/json", answer.headers().firstValue("Content-Type").orElse(""));
        Matcher matcher = ERROR.matcher(answer.body());
        assertTrue(matcher.matches(), "one line of {\"error\", \"reason\"}: " + answer.body());
        assertEquals(kind, matcher.group(1));
        return matcher.group(2);
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdown(Duration.ofSeconds(5));
        client.close();
    }
}
