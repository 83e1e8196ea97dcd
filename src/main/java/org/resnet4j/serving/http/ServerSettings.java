package org.resnet4j.serving.http;

import java.time.Duration;

/**
 * Immutable; safe to share between threads.
 *
 * @param host           the address to listen on; 127.0.0.1 answers only this machine
 * @param port           the port, or 0 for any free one
 * @param maxBodyBytes   the largest request body; a declared Content-Length above it is refused before reading, a
 *                       chunked body is read no further than one byte past it
 * @param maxRequests    the most classify requests the server holds at once (reading, decoding, queued or in a
 *                       running batch); one more is answered 503 at once, before its body is read
 * @param requestTimeout how long the server may take over a request once its body has arrived (waiting for a
 *                       decoding slot, decoding, waiting for its batch); then it is answered 503 and left out
 */
public record ServerSettings(String host, int port, long maxBodyBytes, int maxRequests, Duration requestTimeout) {
    public ServerSettings {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be from 0 to 65535, got " + port);
        }
        if (maxBodyBytes < 1 || maxBodyBytes >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxBodyBytes must be from 1 to " + (Integer.MAX_VALUE - 1) + ", got "
                    + maxBodyBytes);
        }
        if (maxRequests < 1 || !requestTimeout.isPositive()) {
            throw new IllegalArgumentException("maxRequests must be >= 1 and requestTimeout > 0, got " + maxRequests
                    + " and " + requestTimeout);
        }
    }
}
