package org.resnet4j.serving.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes answers. Every body has a Content-Length (never chunked), and every error is one line of JSON,
 * {@code {"error": "<kind>", "reason": "<text>"}}, whose text the server wrote itself: no exception message, class
 * name, stack trace or file path ever reaches a client.
 */
final class Replies {
    private final RequestMetrics metrics;
    private final String endpoint;
    private final long startNanos;
    private Runnable beforeAnswer = () -> { };
    private boolean counted;

    /** The replies to one request, counted under {@code endpoint} with the latency from {@code startNanos}. */
    Replies(RequestMetrics metrics, String endpoint, long startNanos) {
        this.metrics = metrics;
        this.endpoint = endpoint;
        this.startNanos = startNanos;
    }

    /** Whether an answer has been counted: it is, once, before it leaves, whether or not the client is still there. */
    boolean counted() {
        return counted;
    }

    /** Runs {@code action} just before the answer leaves (not at all if none is sent). */
    void beforeAnswer(Runnable action) {
        this.beforeAnswer = action;
    }

    /** Sends {@code json} and a newline; returns the status. */
    int json(HttpExchange exchange, int status, String json) throws IOException {
        return send(exchange, status, "application/json", json + "\n");
    }

    /** An error answered after the request's body, if any, has been read in full. */
    int error(HttpExchange exchange, ErrorKind kind, String reason) throws IOException {
        metrics.error(kind);
        return json(exchange, kind.status(), "{\"error\": " + Json.quote(kind.label()) + ", \"reason\": "
                + Json.quote(reason) + "}");
    }

    /**
     * An error answered without reading the request's body. If the request has one, the answer says
     * {@code Connection: close}: the server skips at most 64 KB of an unread body and then closes the connection, and a
     * client told so in advance reconnects instead of sending its next request into a closing socket.
     */
    int refuse(HttpExchange exchange, ErrorKind kind, String reason) throws IOException {
        if (RequestBody.declaredLength(exchange) != 0) {
            exchange.getResponseHeaders().set("Connection", "close");
        }
        return error(exchange, kind, reason);
    }

    int send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        // Counted before the answer leaves: a client that reads it and then asks /metrics finds it counted. Counted
        // only here: a client that leaves while it is sent is not counted again as aborted (Endpoint).
        metrics.answered(endpoint, status, System.nanoTime() - startNanos);
        counted = true;
        beforeAnswer.run();
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        return status;
    }
}
