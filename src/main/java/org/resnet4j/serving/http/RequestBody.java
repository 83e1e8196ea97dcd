package org.resnet4j.serving.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;

/** A request body read up to a limit, never past it. */
final class RequestBody {
    private RequestBody() {
    }

    /** The declared Content-Length; -1 for a chunked body, whose length is not known in advance; 0 without a body. */
    static long declaredLength(HttpExchange exchange) {
        if (exchange.getRequestHeaders().containsKey("Transfer-Encoding")) {
            return -1; // the server has refused every transfer coding but chunked, and chunked with a length
        }
        String value = exchange.getRequestHeaders().getFirst("Content-Length");
        // The server has already refused a Content-Length that is not one non-negative number.
        return value == null ? 0 : Long.parseLong(value.trim());
    }

    /**
     * The body, or null if it is longer than {@code limit}: at most {@code limit + 1} bytes are read, in pieces, so
     * a body that claims to be small but keeps coming (chunked) costs no more than the limit.
     */
    static byte[] read(HttpExchange exchange, int limit) throws IOException {
        InputStream in = exchange.getRequestBody();
        byte[] body = in.readNBytes(limit + 1);
        return body.length > limit ? null : body;
    }
}
