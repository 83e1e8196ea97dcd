package org.resnet4j.serving.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.resnet4j.serving.DynamicBatcher;
import org.resnet4j.serving.ImageRejectedException;
import org.resnet4j.serving.Predictor;
import org.resnet4j.serving.RejectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/classify[?top=k]} with a PNG or JPEG as the body. The checks run cheapest first, and each refuses
 * before the next costs anything: method and query, the declared length (before a byte of the body is read), a place
 * among the requests the server holds (else 503 at once), the body up to its limit, the image, then the batch. From
 * the body's arrival to the answer, the request timeout bounds every wait: for a decoding slot and for the batch.
 */
final class ClassifyHandler extends Endpoint {
    static final String PATH = "/v1/classify";
    private static final Logger LOG = LoggerFactory.getLogger(ClassifyHandler.class);

    private final Predictor predictor;
    private final DynamicBatcher batcher;
    private final ServerSettings settings;
    private final AtomicBoolean draining;
    private final Semaphore places;

    ClassifyHandler(Predictor predictor, DynamicBatcher batcher, ServerSettings settings, AtomicBoolean draining,
                    RequestMetrics metrics) {
        super(RequestMetrics.CLASSIFY, PATH, metrics);
        this.predictor = predictor;
        this.batcher = batcher;
        this.settings = settings;
        this.draining = draining;
        this.places = new Semaphore(settings.maxRequests());
    }

    /** Classify requests the server holds now. */
    int held() {
        return settings.maxRequests() - places.availablePermits();
    }

    @Override
    int answer(HttpExchange exchange, Replies replies) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            return methodNotAllowed(exchange, replies, "POST");
        }
        if (draining.get()) {
            return shuttingDown(exchange, replies);
        }
        int top;
        try {
            top = TopQuery.parse(exchange.getRequestURI().getRawQuery(), predictor.classes());
        } catch (IllegalArgumentException e) {
            return replies.refuse(exchange, ErrorKind.BAD_QUERY, e.getMessage());
        }
        if (RequestBody.declaredLength(exchange) > settings.maxBodyBytes()) {
            return replies.refuse(exchange, ErrorKind.TOO_LARGE, tooLarge());
        }
        if (!places.tryAcquire()) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            return replies.refuse(exchange, ErrorKind.QUEUE_FULL, "the server holds its limit of "
                    + settings.maxRequests() + " requests; retry later");
        }
        // Given back as the answer leaves: once it is written the server may answer this connection's next request
        // (a scrape of /metrics among them) while this thread is still returning.
        AtomicBoolean held = new AtomicBoolean(true);
        Runnable release = () -> {
            if (held.getAndSet(false)) {
                places.release();
            }
        };
        replies.beforeAnswer(release);
        try {
            return classify(exchange, replies, top);
        } finally {
            release.run();
        }
    }

    private int classify(HttpExchange exchange, Replies replies, int top) throws IOException {
        byte[] body;
        try {
            body = RequestBody.read(exchange, (int) settings.maxBodyBytes());
        } catch (IOException e) {
            // Malformed chunked encoding or a broken connection; if the client is still there it gets a reason.
            LOG.debug("unreadable request body", e);
            return replies.refuse(exchange, ErrorKind.UNREADABLE_BODY, "the body could not be read");
        }
        if (body == null) {
            return replies.refuse(exchange, ErrorKind.TOO_LARGE, tooLarge());
        }
        // The timeout bounds the server's own work from here: the wait for a decoding slot, the decoding, the queue and
        // the batch. The body's arrival is the client's pace, bounded by the JDK server's maxReqTime.
        long start = System.nanoTime();
        // Saturating: Duration.toNanos() throws for a timeout of 292 years and more (--timeout-ms as "never").
        long timeoutNanos = TimeUnit.NANOSECONDS.convert(settings.requestTimeout());
        float[] input;
        try {
            input = predictor.input(body, timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (ImageRejectedException e) {
            if (e.getCause() != null) {
                LOG.debug("image refused: {}", e.getCause().getMessage());
            }
            return replies.error(exchange, kindOf(e.reason()), e.getMessage());
        } catch (TimeoutException e) {
            return timedOut(exchange, replies);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return shuttingDown(exchange, replies);
        }
        // Time spent subtracted from the timeout, not a deadline added up: no overflow for a saturated timeout.
        long left = timeoutNanos - (System.nanoTime() - start);
        if (left <= 0) {
            return timedOut(exchange, replies); // nobody would wait for its batch
        }
        CompletableFuture<float[]> result;
        try {
            result = batcher.submit(input);
        } catch (RejectedException e) {
            return e.reason() == RejectedException.Reason.CLOSED
                    ? shuttingDown(exchange, replies)
                    : replies.error(exchange, ErrorKind.QUEUE_FULL, "the queue is full; retry later");
        }
        float[] logits;
        try {
            logits = result.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            result.cancel(false);
            return timedOut(exchange, replies);
        } catch (ExecutionException e) {
            LOG.error("classification failed", e.getCause());
            return replies.error(exchange, ErrorKind.INTERNAL, "the model failed on this request's batch");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.cancel(false);
            return shuttingDown(exchange, replies);
        }
        return replies.json(exchange, 200, PredictionJson.write(predictor.rank(logits, top)));
    }

    private int timedOut(HttpExchange exchange, Replies replies) throws IOException {
        return replies.error(exchange, ErrorKind.TIMEOUT, "no answer within " + settings.requestTimeout().toMillis()
                + " ms; the server is overloaded");
    }

    /** 503 and a closed connection, so the client reconnects to a server that is not stopping. */
    private int shuttingDown(HttpExchange exchange, Replies replies) throws IOException {
        exchange.getResponseHeaders().set("Connection", "close");
        return replies.refuse(exchange, ErrorKind.SHUTTING_DOWN, "the server is shutting down");
    }

    private String tooLarge() {
        return "the body is larger than the limit of " + settings.maxBodyBytes() + " bytes";
    }

    private static ErrorKind kindOf(ImageRejectedException.Reason reason) {
        return switch (reason) {
            case EMPTY -> ErrorKind.EMPTY;
            case NOT_AN_IMAGE -> ErrorKind.NOT_AN_IMAGE;
            case CORRUPT -> ErrorKind.CORRUPT_IMAGE;
            case WRONG_SIZE -> ErrorKind.WRONG_SIZE;
        };
    }
}
