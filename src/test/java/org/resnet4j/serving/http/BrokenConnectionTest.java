package org.resnet4j.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A client that leaves while its answer is sent is counted once, under the answer's status: it was counted there
 * (before the answer left, so that a scrape right after an answer finds it) and again as {@code aborted}.
 */
class BrokenConnectionTest {
    @Test
    void anAnswerTheClientLeftDuringIsCountedOnce() {
        for (boolean headersFail : new boolean[] {true, false}) {
            RequestMetrics metrics = new RequestMetrics();
            new HealthHandler(new AtomicBoolean(), metrics).handle(new BrokenExchange(headersFail));

            assertEquals(Map.of("healthz 200", 1L), metrics.answeredCounts(), "headers fail: " + headersFail);
            assertEquals(0L, metrics.errorCounts().get(ErrorKind.ABORTED), "headers fail: " + headersFail);
        }
    }

    /** {@code GET /healthz} on a connection that breaks at the headers or at the body. */
    private static final class BrokenExchange extends HttpExchange {
        private final boolean headersFail;
        private final Headers requestHeaders = new Headers();
        private final Headers responseHeaders = new Headers();
        private int code = -1;

        BrokenExchange(boolean headersFail) {
            this.headersFail = headersFail;
        }

        @Override
        public void sendResponseHeaders(int rCode, long responseLength) throws IOException {
            if (headersFail) {
                throw new IOException("Broken pipe");
            }
            code = rCode;
        }

        @Override
        public OutputStream getResponseBody() {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    throw new IOException("Connection reset by peer");
                }
            };
        }

        @Override
        public Headers getRequestHeaders() {
            return requestHeaders;
        }

        @Override
        public Headers getResponseHeaders() {
            return responseHeaders;
        }

        @Override
        public URI getRequestURI() {
            return URI.create(HealthHandler.PATH);
        }

        @Override
        public String getRequestMethod() {
            return "GET";
        }

        @Override
        public HttpContext getHttpContext() {
            return null;
        }

        @Override
        public void close() {
        }

        @Override
        public InputStream getRequestBody() {
            return InputStream.nullInputStream();
        }

        @Override
        public InetSocketAddress getRemoteAddress() {
            return new InetSocketAddress("127.0.0.1", 1);
        }

        @Override
        public int getResponseCode() {
            return code;
        }

        @Override
        public InetSocketAddress getLocalAddress() {
            return new InetSocketAddress("127.0.0.1", 2);
        }

        @Override
        public String getProtocol() {
            return "HTTP/1.1";
        }

        @Override
        public Object getAttribute(String name) {
            return null;
        }

        @Override
        public void setAttribute(String name, Object value) {
        }

        @Override
        public void setStreams(InputStream i, OutputStream o) {
        }

        @Override
        public HttpPrincipal getPrincipal() {
            return null;
        }
    }
}
