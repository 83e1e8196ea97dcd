package org.resnet4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.resnet4j.data.Normalization;
import org.resnet4j.images.ImageDecoder;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.WeightFiles;
import org.resnet4j.kernels.Parallel;
import org.resnet4j.models.ResNet;
import org.resnet4j.serving.DynamicBatcher;
import org.resnet4j.serving.Labels;
import org.resnet4j.serving.Predictor;
import org.resnet4j.serving.http.ClassifyServer;
import org.resnet4j.serving.http.ServerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serve --model NAME --weights W [--port 8080] [--threads T] [--max-batch 32] [--max-wait-ms 5] [--resize R]
 * [--max-pixels 16777216] [--exif apply|ignore]}: answers {@code POST /v1/classify} with the top classes of a PNG or JPEG of any size
 * (prepared as {@code classify} prepares a file), plus {@code GET /healthz} and {@code GET /metrics}. Prints
 * {@code listening on http://HOST:PORT} once it answers; SIGTERM (or Ctrl-C) stops it gracefully.
 * docs/serving.md has the design and the limits.
 */
final class ServeCommand {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    private ServeCommand() {
    }

    static int run(String[] argv, PrintStream out) throws Exception {
        Arguments args = Arguments.parse("serve", argv, 1, ModelArguments.SWITCHES);
        ModelArguments modelArguments = ModelArguments.parse(args, "resnet20");
        Path weights = args.path("weights");
        Path labelsFile = args.has("labels") ? args.path("labels") : null;
        String host = args.string("host", "127.0.0.1");
        int port = args.integer("port", 8080, 0);
        if (port > 65_535) {
            throw new UsageException("serve: --port must be at most 65535, got " + port);
        }
        if (args.has("threads")) {
            Parallel.setThreads(args.integer("threads", 1, 1, Arguments.MAX_THREADS));
        }
        int workers = args.integer("workers", 1, 1);
        int maxBatch = args.integer("max-batch", 32, 1);
        long maxWaitMs = args.longValue("max-wait-ms", 5, 0);
        int maxQueue = args.integer("max-queue", 128, 1);
        int maxBodyBytes = args.integer("max-body-bytes", 1 << 20, 1);
        if (maxBodyBytes == Integer.MAX_VALUE) {
            throw new UsageException("serve: --max-body-bytes must be below " + Integer.MAX_VALUE);
        }
        long timeoutMs = args.longValue("timeout-ms", 30_000, 1);
        long graceSeconds = args.longValue("grace-seconds", 25, 1);
        // Images are prepared as classify prepares them (its --image-size, --resize and --exif, and their defaults).
        ImageCrop.Options cropOptions = ImageCrop.Options.parse(args);
        long maxPixels = args.longValue("max-pixels", Predictor.DEFAULT_MAX_PIXELS, 1);
        Optional<ImageDecoder> exif = ExifOption.parse(args, "serve");
        args.rejectUnknown();
        if (maxPixels > ImageDecoder.MAX_PIXELS) {
            throw new UsageException("serve: --max-pixels " + maxPixels + " is more than the decoder's limit of "
                    + ImageDecoder.MAX_PIXELS);
        }

        SafeTensorsFile file = WeightFiles.read(weights);
        ResNet model = modelArguments.buildFor(file, weights);
        ModelWeights trained = ModelWeights.load(model, weights, file);
        ImageCrop crop = cropOptions.resolve("serve", model, trained);
        int resize = crop.resize();
        if (maxPixels < (long) resize * resize) {
            throw new UsageException("serve: --max-pixels " + maxPixels + " is less than one resized image, --resize "
                    + resize + ": " + resize + "x" + resize + " = " + (long) resize * resize);
        }
        Normalization normalization = trained.normalizationIfRecorded();
        if (normalization == null) {
            LOG.info("{} records no input normalization: using torchvision's ImageNet mean and std", weights);
        }
        // As classify names them: a fine-tuned network's recorded names, not CIFAR-10's or the index.
        Labels labels = labelsFile == null ? ClassifyCommand.recordedOrDefault(trained, model)
                : Labels.read(labelsFile, model.classes());
        Predictor predictor = new Predictor(model, normalization, labels, crop.size(), resize, maxPixels,
                ExifOption.resolve(exif, trained.metadata(), weights));
        // One pass before the port opens, so the first client does not pay for compiling the kernels.
        predictor.logits(List.of(new float[3 * predictor.imageSize() * predictor.imageSize()]));
        DynamicBatcher batcher = new DynamicBatcher(predictor,
                new DynamicBatcher.Settings(maxBatch, Duration.ofMillis(maxWaitMs), maxQueue, workers));
        ServerSettings settings = new ServerSettings(host, port, maxBodyBytes, maxQueue, Duration.ofMillis(timeoutMs));

        limitSlowClients(timeoutMs);
        ClassifyServer server;
        try {
            server = ClassifyServer.start(predictor, batcher, settings);
        } catch (IOException e) {
            batcher.close();
            throw new IOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        Duration grace = Duration.ofSeconds(graceSeconds);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("resnet4j-shutdown").unstarted(() -> {
            LOG.info("shutting down: refusing new requests, answering those already taken (at most {} s)",
                    graceSeconds);
            try {
                server.shutdown(grace);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LOG.info("stopped");
        }));
        LOG.info("{}: {} classes, images resized to {} and cropped to {}x{}, at most {} pixels; {}; at most {} "
                + "requests held, bodies up to {} bytes, {} kernel threads", predictor.modelName(), predictor.classes(),
                predictor.resize(), predictor.imageSize(), predictor.imageSize(), predictor.maxPixels(), batcher,
                maxQueue, maxBodyBytes, Parallel.threads());
        out.println("listening on http://" + hostAndPort(server.address()));
        out.flush();
        server.awaitShutdown();
        return 0;
    }

    /**
     * The JDK server's own limits (read once, when its first instance starts), unless given with -D: at most 1,000
     * connections, and a request must arrive, and its answer leave, within the request timeout plus 30 s. Without
     * them a client sending or reading one byte a minute keeps its connection for good.
     */
    private static void limitSlowClients(long timeoutMs) {
        String seconds = Long.toString(Math.ceilDiv(timeoutMs, 1000) + 30);
        setIfAbsent("jdk.httpserver.maxConnections", "1000");
        setIfAbsent("sun.net.httpserver.maxReqTime", seconds);
        setIfAbsent("sun.net.httpserver.maxRspTime", seconds);
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    private static String hostAndPort(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
