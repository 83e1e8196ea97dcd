package org.resnet4j.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Images/s of distributed training with K = 1 and K = 2 workers in local mode (one JVM, {@code local[2]}): the
 * overhead of the distributed step, not a speed-up, since both share the same cores. Runs K = 1 and K = 2 back to
 * back, {@code rounds} times, and prints each run and the medians. Each run checkpoints every {@code warmup} steps;
 * the first segment warms up, and images/s is the later segments' images over their slowest worker's training loops
 * (compute and all-reduce), so the jobs' start-up (reading the shard, building the replica, connecting) is left out
 * and printed apart. {@code steps} should be a multiple of {@code warmup}.
 *
 * <pre>spark/resnet4j-spark bench --model resnet50 --image-size 224 --batch 16 --warmup 1 --steps 3 --rounds 3</pre>
 */
public final class SparkBench {
    private SparkBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i], args[i + 1]);
        }
        String model = o.getOrDefault("--model", "resnet20");
        int size = Integer.parseInt(o.getOrDefault("--image-size", "32"));
        int batch = Integer.parseInt(o.getOrDefault("--batch", "128"));
        int warmup = Integer.parseInt(o.getOrDefault("--warmup", "3"));
        int steps = Integer.parseInt(o.getOrDefault("--steps", "10"));
        int rounds = Integer.parseInt(o.getOrDefault("--rounds", "3"));
        int classes = Integer.parseInt(o.getOrDefault("--classes", "10"));
        SyntheticInput input = new SyntheticInput(size, classes);
        ModelFactory factory = ModelFactory.named(model, classes, null, 1);
        List<List<Double>> rates = List.of(new ArrayList<>(), new ArrayList<>());
        long bytes = 0;
        try (JavaSparkContext spark = Fixtures.spark("local[2]")) {
            JavaRDD<Long> records = spark.parallelize(LongStream.range(0, 2L * batch).boxed().toList(), 2);
            for (int round = 0; round < rounds; round++) {
                for (int k = 1; k <= 2; k++) {
                    DistributedConfig config = DistributedConfig.defaults(model, k).withBatch(batch)
                            .withIterations(warmup + steps).withCheckpointEvery(warmup);
                    Path run = Files.createTempDirectory("resnet4j-spark-bench");
                    DistributedTrainer.Result result = DistributedTrainer.train(spark, records, input, factory, config,
                            run, false, Map.of());
                    // Every segment after the warm-up one (checkpoints every `warmup` steps).
                    List<DistributedTrainer.Segment> timed = result.segments().subList(1, result.segments().size());
                    double loop = timed.stream().mapToDouble(DistributedTrainer.Segment::loopSeconds).sum();
                    double allReduce = timed.stream().mapToDouble(DistributedTrainer.Segment::allReduceSeconds).sum();
                    double setup = timed.stream().mapToDouble(DistributedTrainer.Segment::setupSeconds).sum();
                    DistributedTrainer.Segment measured = timed.getLast();
                    double rate = (double) steps * batch / loop;
                    rates.get(k - 1).add(rate);
                    if (k == 2) {
                        bytes = measured.bytesSent();
                    }
                    System.out.printf(Locale.ROOT, "round %d K=%d: %.2f images/s (loop %.2f s: all-reduce %.2f s of "
                            + "the slowest worker; job start-ups %.2f s), %d gradient bytes sent per worker per "
                            + "step%n", round + 1, k, rate, loop, allReduce, setup,
                            measured.bytesSent());
                    for (Path file : List.of(run.resolve(SparkCheckpoint.FILE),
                            run.resolve(DistributedTrainer.WEIGHTS_FILE))) {
                        Files.deleteIfExists(file);
                    }
                    Files.deleteIfExists(run);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s %dx%d batch %d: median K=1 %.2f images/s, K=2 %.2f images/s (ratio %.2f), "
                + "%d bytes sent per worker per step at K=2%n", model, size, size, batch, median(rates.get(0)),
                median(rates.get(1)), median(rates.get(1)) / median(rates.get(0)), bytes);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
