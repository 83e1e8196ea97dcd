package org.resnet4j.serving.http;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.resnet4j.serving.DynamicBatcher;
import org.resnet4j.serving.Predictor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The predictor over HTTP: {@code POST /v1/classify}, {@code GET /healthz}, {@code GET /metrics}; every other path is
 * a JSON 404. Built on the JDK's {@code com.sun.net.httpserver}, so serving needs nothing beyond the JDK.
 *
 * <p>Each request runs on a virtual thread of its own: a request waiting for its batch holds no platform thread, and
 * the number of requests held is bounded by {@link ServerSettings#maxRequests()}, not by a thread pool. The server
 * owns the batcher it is given and closes it on {@link #shutdown}.
 *
 * <p>The JDK server reads a few limits from system properties when its first instance starts: the connections it
 * keeps ({@code jdk.httpserver.maxConnections}), and how long a request may take to arrive or its answer to leave
 * ({@code sun.net.httpserver.maxReqTime}, {@code maxRspTime}, in seconds), which stop a client that sends or reads
 * very slowly from holding a connection forever. The {@code serve} command sets them; an application embedding the
 * server sets its own.
 *
 * <p>Safe to share between threads: {@link #shutdown} and {@link #awaitShutdown} may be called from any threads at once
 * (only the first shutdown does the work, the others wait for it).
 */
public final class ClassifyServer {
    private static final Logger LOG = LoggerFactory.getLogger(ClassifyServer.class);
    /** Connections the kernel queues before the server accepts them. */
    private static final int BACKLOG = 128;

    private final HttpServer server;
    private final ExecutorService executor;
    private final DynamicBatcher batcher;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean shutdownStarted = new AtomicBoolean();

    private ClassifyServer(Predictor predictor, DynamicBatcher batcher, ServerSettings settings) throws IOException {
        this.batcher = batcher;
        this.server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), BACKLOG);
        RequestMetrics metrics = new RequestMetrics();
        ClassifyHandler classify = new ClassifyHandler(predictor, batcher, settings, draining, metrics);
        server.createContext("/", new UnknownPathHandler(metrics));
        server.createContext(ClassifyHandler.PATH, classify);
        server.createContext(HealthHandler.PATH, new HealthHandler(draining, metrics));
        server.createContext(MetricsHandler.PATH,
                new MetricsHandler(batcher, classify, settings.maxRequests(), metrics));
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("resnet4j-http-", 0).factory());
        server.setExecutor(executor);
    }

    /** Binds the address and starts answering. */
    public static ClassifyServer start(Predictor predictor, DynamicBatcher batcher, ServerSettings settings)
            throws IOException {
        ClassifyServer started = new ClassifyServer(predictor, batcher, settings);
        started.server.start();
        return started;
    }

    /** The address the server listens on (with the actual port when port 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /**
     * Stops gracefully: from now on {@code /healthz} answers 503 and new classify requests are refused with 503; the
     * listening socket closes at once; every request already taken is answered (waiting at most {@code grace}); then
     * the batcher stops and the remaining connections close. Only the first call does this; later calls wait for it.
     */
    public void shutdown(Duration grace) throws InterruptedException {
        if (!shutdownStarted.compareAndSet(false, true)) {
            stopped.await();
            return;
        }
        try {
            long start = System.nanoTime();
            // Saturating: a grace of 292 years and more overflows nanoseconds, one of 68 years the server's int seconds.
            long graceNanos = TimeUnit.NANOSECONDS.convert(grace);
            int delaySeconds = (int) Math.max(1,
                    Math.min(Integer.MAX_VALUE - 1, grace.getSeconds()) + (grace.getNano() > 0 ? 1 : 0));
            draining.set(true);
            // stop() closes the listener, waits until no exchange is open (or the delay ends), then closes the rest.
            server.stop(delaySeconds);
            batcher.close();
            long left = Math.max(0, graceNanos - (System.nanoTime() - start));
            if (!batcher.awaitTermination(Duration.ofNanos(left))) {
                LOG.warn("the batcher had not finished {} s after the shutdown began", grace.toSeconds());
            }
            executor.shutdownNow();
        } finally {
            stopped.countDown();
        }
    }

    /** Returns once {@link #shutdown} has finished. */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }
}
