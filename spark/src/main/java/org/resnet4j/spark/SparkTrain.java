package org.resnet4j.spark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.resnet4j.data.Cifar10Dataset;
import org.resnet4j.data.MalformedDataException;
import org.resnet4j.data.Normalization;
import org.resnet4j.io.NormalizationMetadata;

/**
 * The entry point for {@code spark-submit}: trains a network on the CIFAR-10 binary files with K workers.
 *
 * <pre>
 * spark-submit --class org.resnet4j.spark.SparkTrain --master spark://host:7077 \
 *   --conf spark.executor.cores=8 --conf spark.task.cpus=8 resnet4j-spark-app.jar \
 *   --data hdfs:///datasets/cifar-10-batches-bin --workers 4 --checkpoint-dir runs/spark-resnet20
 * </pre>
 *
 * Without spark-submit, {@code --master local[K]} runs every worker in this JVM. Last line:
 * {@code weights=<file> iterations=<n> train_error=<percent>% seconds=<n>}. Exit status 2 for a bad command line,
 * 1 for any other failure, with one line on standard error saying why.
 *
 * <p>{@link #main} is a process's entry point: it runs one training on the calling thread and exits the JVM on
 * failure. It holds no state of its own.
 */
public final class SparkTrain {
    private SparkTrain() {
    }

    static final String USAGE = "usage: SparkTrain --data DIR --workers K [--model resnet20] [--classes 10] "
            + "[--batch 128] [--iterations 64000] [--lr 0.1] [--schedule paper|cosine] "
            + "[--warmup-iterations N --warmup-lr 0.01] [--momentum 0.9] "
            + "[--weight-decay 0.0001] [--normalization channel|pixel] [--seed 0] [--checkpoint-dir runs/spark] "
            + "[--checkpoint-every 1000] [--resume] [--max-attempts 4] [--connect-timeout SECONDS] "
            + "[--peer-timeout SECONDS] [--bind-host ADDR] [--advertise-host ADDR] [--inject-failure STEP:WORKER] "
            + "[--master URL]";

    public static void main(String[] args) {
        try {
            System.out.println(run(args));
        } catch (IllegalArgumentException e) {
            System.err.println("resnet4j-spark: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            System.err.println("resnet4j-spark: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Runs the command line and returns its last line. */
    static String run(String[] args) throws Exception {
        Options o = new Options(args);
        String data = o.required("--data");
        String model = o.value("--model", "resnet20");
        int classes = o.integer("--classes", 10);
        if (classes != Cifar10Dataset.CLASSES) {
            // As train: the network's outputs are the data's classes. Fewer would fail every step's label check on the
            // executors, retried --max-attempts times; more would never be trained.
            throw new IllegalArgumentException("--classes must be " + Cifar10Dataset.CLASSES + " for CIFAR-10's "
                    + "labels (the network's outputs are the data's classes, as train's are), got " + classes);
        }
        o.required("--workers");
        if (o.values.containsKey("--warmup-lr") && o.number("--warmup-iterations", 0) == 0) {
            // The rate alone warms nothing up, yet would be recorded in the recipe as if it had.
            throw new IllegalArgumentException("--warmup-lr is the rate of the warm-up iterations; give "
                    + "--warmup-iterations N (more than 0) with it");
        }
        DistributedConfig config = new DistributedConfig(model, o.integer("--workers", 0), o.integer("--batch", 128),
                o.number("--iterations", 64_000), o.real("--lr", 0.1), o.value("--schedule", "paper"),
                o.number("--warmup-iterations", 0), o.real("--warmup-lr", 0.01), o.real("--momentum", 0.9),
                o.real("--weight-decay", 1e-4), o.number("--seed", 0),
                o.integer("--checkpoint-every", 1000), o.integer("--max-attempts", 4),
                Duration.ofSeconds(o.number("--connect-timeout", 60)),
                Duration.ofSeconds(o.number("--peer-timeout", 600)), o.value("--bind-host", null),
                o.value("--advertise-host", null), o.failure());
        String normalizationKind = o.value("--normalization", "channel");
        if (!normalizationKind.equals("channel") && !normalizationKind.equals("pixel")) {
            throw new IllegalArgumentException("--normalization must be channel or pixel, got '" + normalizationKind
                    + "'; " + USAGE);
        }
        Path checkpoints = Path.of(o.value("--checkpoint-dir", "runs/spark"));
        boolean resume = o.flag("--resume");
        String master = o.value("--master", null);
        o.requireAllUsed();

        SparkConf conf = new SparkConf().setAppName("resnet4j " + model + " x" + config.workers());
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            throw new IllegalArgumentException("no Spark master: run through spark-submit, or give --master local["
                    + config.workers() + "]");
        }
        long started = System.nanoTime();
        try (JavaSparkContext spark = new JavaSparkContext(conf)) {
            List<String> files = new ArrayList<>();
            for (String name : Cifar10Input.TRAINING_FILES) {
                files.add(data.endsWith("/") ? data + name : data + "/" + name);
            }
            JavaRDD<byte[]> records = Cifar10Input.records(spark, files);
            // As train's --normalization: per-channel statistics, or the paper's per-pixel mean image (§4.2).
            Normalization normalization;
            try {
                normalization = normalizationKind.equals("pixel") ? Cifar10Input.perPixelMean(records)
                        : Cifar10Input.perChannel(records);
            } catch (IllegalArgumentException e) {
                // A label out of range: bad data, not a bad command line (status 1, as train's is).
                throw new MalformedDataException(data + ": " + e.getMessage(), e);
            }
            DistributedTrainer.Result result = DistributedTrainer.train(spark, records,
                    new Cifar10Input(normalization), ModelFactory.named(model, classes, null, config.seed()), config,
                    checkpoints, resume, NormalizationMetadata.toMetadata(normalization));
            DistributedTrainer.Segment last = result.segments().isEmpty() ? null : result.segments().getLast();
            return String.format(Locale.ROOT, "weights=%s iterations=%d train_error=%s seconds=%.0f",
                    checkpoints.resolve(DistributedTrainer.WEIGHTS_FILE), result.steps(),
                    last == null ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * last.trainError()),
                    (System.nanoTime() - started) / 1e9);
        }
    }

    /** A small option parser: {@code --name value} pairs and flags, each name known and used at most once. */
    private static final class Options {
        private final java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
        private final java.util.Set<String> used = new java.util.HashSet<>();

        Options(String[] args) {
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (!name.startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument '" + name + "'; " + USAGE);
                }
                String value = name.equals("--resume") ? "true" : i + 1 < args.length ? args[++i] : null;
                if (value == null) {
                    throw new IllegalArgumentException(name + " needs a value; " + USAGE);
                }
                if (values.put(name, value) != null) {
                    throw new IllegalArgumentException(name + " given twice");
                }
            }
        }

        String value(String name, String fallback) {
            used.add(name);
            return values.getOrDefault(name, fallback);
        }

        String required(String name) {
            String value = value(name, null);
            if (value == null) {
                throw new IllegalArgumentException(name + " is required; " + USAGE);
            }
            return value;
        }

        boolean flag(String name) {
            return value(name, null) != null;
        }

        int integer(String name, int fallback) {
            return Math.toIntExact(number(name, fallback));
        }

        long number(String name, long fallback) {
            String text = value(name, null);
            try {
                return text == null ? fallback : Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number, got '" + text + "'");
            }
        }

        double real(String name, double fallback) {
            String text = value(name, null);
            double value;
            try {
                value = text == null ? fallback : Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a number, got '" + text + "'");
            }
            // parseDouble reads "NaN" and "Infinity", which no setting takes: they would train NaN weights.
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException(name + " must be a finite number, got '" + text + "'");
            }
            return value;
        }

        DistributedConfig.InjectedFailure failure() {
            String text = value("--inject-failure", null);
            if (text == null) {
                return null;
            }
            String[] parts = text.split(":");
            try {
                return new DistributedConfig.InjectedFailure(Long.parseLong(parts[0]), Integer.parseInt(parts[1]));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--inject-failure takes STEP:WORKER, e.g. 1500:1, got '" + text
                        + "'");
            }
        }

        void requireAllUsed() {
            for (String name : values.keySet()) {
                if (!used.contains(name)) {
                    throw new IllegalArgumentException("unknown option " + name + "; " + USAGE);
                }
            }
        }
    }
}
