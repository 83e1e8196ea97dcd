package org.resnet4j.serving.http;

import com.sun.net.httpserver.HttpExchange;

/** Every path no other endpoint has: a JSON 404 instead of the JDK server's HTML one. */
final class UnknownPathHandler extends Endpoint {
    UnknownPathHandler(RequestMetrics metrics) {
        super("other", null, metrics);
    }

    @Override
    int answer(HttpExchange exchange, Replies replies) {
        throw new IllegalStateException("an unknown path is answered 404 before answer() is reached");
    }
}
