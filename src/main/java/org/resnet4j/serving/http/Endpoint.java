package org.resnet4j.serving.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One path of the server: answers only that exact path (the JDK server hands a context every path that starts with
 * it), counts every answer, and turns any failure into a 500 without details, so no request can take the server down
 * or learn how it is built.
 */
abstract class Endpoint implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(Endpoint.class);

    private final String name;
    private final String path;
    final RequestMetrics metrics;

    /** @param path the exact path, or null to answer every path (with 404) */
    Endpoint(String name, String path, RequestMetrics metrics) {
        this.name = name;
        this.path = path;
        this.metrics = metrics;
    }

    /** Answers a request for this endpoint's path through {@code replies}, which count it; returns the status sent. */
    abstract int answer(HttpExchange exchange, Replies replies) throws IOException;

    @Override
    public final void handle(HttpExchange exchange) {
        long start = System.nanoTime();
        boolean ours = path != null && path.equals(exchange.getRequestURI().getRawPath());
        Replies replies = new Replies(metrics, ours ? name : "other", start);
        try {
            if (ours) {
                answer(exchange, replies);
            } else {
                replies.refuse(exchange, ErrorKind.NOT_FOUND,
                        "no such path; the server answers POST /v1/classify, GET /healthz and GET /metrics");
            }
        } catch (IOException e) {
            // The connection broke (the client left, or stalled past the server's time limit): nobody to answer.
            LOG.debug("{}: connection failed before the answer", name, e);
            aborted(replies);
        } catch (Throwable t) {
            LOG.error("{}: request failed", name, t);
            internalError(exchange, replies);
        } finally {
            exchange.close();
        }
    }

    private void internalError(HttpExchange exchange, Replies replies) {
        if (exchange.getResponseCode() != -1) {
            return; // the answer had begun: closing the connection is all that is left
        }
        try {
            replies.refuse(exchange, ErrorKind.INTERNAL, "the server failed on this request");
        } catch (IOException e) {
            aborted(replies);
        }
    }

    /** Counts a broken connection, unless the answer it broke during is counted already: each request counts once. */
    private void aborted(Replies replies) {
        if (!replies.counted()) {
            metrics.error(ErrorKind.ABORTED);
        }
    }

    /** Refuses a method this endpoint does not take, naming the ones it does. */
    int methodNotAllowed(HttpExchange exchange, Replies replies, String allowed) throws IOException {
        exchange.getResponseHeaders().set("Allow", allowed);
        return replies.refuse(exchange, ErrorKind.METHOD_NOT_ALLOWED, "this path takes " + allowed);
    }
}
