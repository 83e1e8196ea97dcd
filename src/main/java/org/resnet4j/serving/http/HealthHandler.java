package org.resnet4j.serving.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code GET /healthz}: 200 while the server takes requests, 503 once it is shutting down, so a load balancer stops
 * sending before the port closes.
 */
final class HealthHandler extends Endpoint {
    static final String PATH = "/healthz";

    private final AtomicBoolean draining;

    HealthHandler(AtomicBoolean draining, RequestMetrics metrics) {
        super("healthz", PATH, metrics);
        this.draining = draining;
    }

    @Override
    int answer(HttpExchange exchange, Replies replies) throws IOException {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return methodNotAllowed(exchange, replies, "GET, HEAD");
        }
        if (draining.get()) {
            exchange.getResponseHeaders().set("Connection", "close");
            return replies.json(exchange, 503, "{\"status\": \"shutting down\"}");
        }
        return replies.json(exchange, 200, "{\"status\": \"ok\"}");
    }
}
