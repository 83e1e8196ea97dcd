package org.resnet4j.spark;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.resnet4j.optim.LearningRateSchedule;
import org.resnet4j.train.Schedule;

/**
 * The settings of a distributed run. Everything that decides the trajectory (all but the checkpoint directory, the
 * network settings and the fault injection) is recorded in each checkpoint and checked on resume.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param model            the network's name, recorded in checkpoints and the final weights
 * @param workers          K: replicas, one barrier task each
 * @param globalBatch      images per step over all workers; each worker takes {@code globalBatch / K}
 * @param iterations       total steps
 * @param learningRate     base rate of the schedule
 * @param schedule         {@code paper} (divided by 10 at 1/2 and 3/4 of the run) or {@code cosine}
 * @param warmupIterations steps at {@code warmupRate} before the schedule (the paper's ResNet-110: 400 at 0.01); 0
 *                         for none
 * @param warmupRate       the rate of the warm-up steps
 * @param momentum         SGD momentum
 * @param weightDecay      SGD weight decay
 * @param seed             shuffling and augmentation (the model factory has its own initialization seed)
 * @param checkpointEvery  steps between checkpoints; each checkpoint ends one Spark job
 * @param maxAttempts      attempts of one segment (between two checkpoints) before the run gives up
 * @param connectTimeout   how long a worker tries to reach its ring neighbour
 * @param peerTimeout      how long a worker waits for gradient bytes from its neighbour
 * @param bindHost         the address a worker listens on for its predecessor, or null for every interface
 * @param advertiseHost    the address a worker tells its peers, or null for its executor's host
 * @param failure          a failure to inject (to try recovery), or null
 */
public record DistributedConfig(String model, int workers, int globalBatch, long iterations, double learningRate,
                                String schedule, long warmupIterations, double warmupRate, double momentum,
                                double weightDecay, long seed, int checkpointEvery,
                                int maxAttempts, Duration connectTimeout, Duration peerTimeout, String bindHost,
                                String advertiseHost, InjectedFailure failure) implements Serializable {

    /**
     * Makes worker {@code rank} throw after its backward pass at step {@code step}, in the first attempt of that
     * step's segment only, so the run must recover from the last checkpoint. Immutable; safe to share between threads.
     */
    public record InjectedFailure(long step, int rank) implements Serializable {
    }

    public DistributedConfig {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(peerTimeout, "peerTimeout");
        requireTimeout("connect timeout (--connect-timeout)", connectTimeout);
        requireTimeout("peer timeout (--peer-timeout)", peerTimeout);
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, got " + workers);
        }
        if (globalBatch < 1 || globalBatch % workers != 0) {
            throw new IllegalArgumentException("the global batch of " + globalBatch + " images does not divide among "
                    + workers + " workers: each worker takes an equal share (globalBatch / workers images per step), "
                    + "so the batch must be a multiple of the worker count");
        }
        if (iterations < 1 || checkpointEvery < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("iterations, checkpointEvery and maxAttempts must be >= 1, got "
                    + iterations + ", " + checkpointEvery + ", " + maxAttempts);
        }
        // Each written so that NaN fails (it compares false with every bound): a NaN or infinite setting trains
        // NaN weights, and they would overwrite the checkpoint.
        if (!(learningRate > 0 && learningRate < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("learning rate must be a finite number > 0, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0 && weightDecay < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("weight decay must be a finite number >= 0, got " + weightDecay);
        }
        if (warmupIterations < 0 || (warmupIterations > 0
                && !(warmupRate > 0 && warmupRate < Double.POSITIVE_INFINITY))) {
            throw new IllegalArgumentException("warm-up: iterations must be >= 0 and the rate > 0, got "
                    + warmupIterations + " at " + warmupRate);
        }
        Schedule.fromKey(schedule); // the one reading of a schedule's name, with its message
        if (failure != null && (failure.rank() < 0 || failure.rank() >= workers)) {
            throw new IllegalArgumentException("injected failure on worker " + failure.rank() + ", but there are "
                    + workers + " workers");
        }
    }

    /** The paper's CIFAR-10 recipe for {@code model} on {@code workers} workers: batch 128, 0.1, momentum 0.9, 1e-4. */
    public static DistributedConfig defaults(String model, int workers) {
        return new DistributedConfig(model, workers, 128, 64_000, 0.1, "paper", 0, 0.01, 0.9, 1e-4, 0, 1000, 4,
                Duration.ofSeconds(60), Duration.ofMinutes(10), null, null, null);
    }

    public int batchPerWorker() {
        return globalBatch / workers;
    }

    public LearningRateSchedule learningRates() {
        LearningRateSchedule base = Schedule.fromKey(schedule).rates(learningRate, iterations);
        // As the single-process recipe composes them (Recipe.learningRates).
        return warmupIterations > 0 ? base.withConstantWarmup(warmupIterations, warmupRate) : base;
    }

    public DistributedConfig withWarmup(long steps, double rate) {
        return new DistributedConfig(model, workers, globalBatch, iterations, learningRate, schedule, steps, rate,
                momentum, weightDecay, seed, checkpointEvery, maxAttempts, connectTimeout, peerTimeout, bindHost,
                advertiseHost, failure);
    }

    public DistributedConfig withWorkers(int k) {
        return new DistributedConfig(model, k, globalBatch, iterations, learningRate, schedule, warmupIterations,
                warmupRate, momentum, weightDecay, seed, checkpointEvery, maxAttempts, connectTimeout, peerTimeout,
                bindHost, advertiseHost, failure);
    }

    public DistributedConfig withBatch(int batch) {
        return new DistributedConfig(model, workers, batch, iterations, learningRate, schedule, warmupIterations,
                warmupRate, momentum, weightDecay, seed, checkpointEvery, maxAttempts, connectTimeout, peerTimeout,
                bindHost, advertiseHost, failure);
    }

    public DistributedConfig withIterations(long total) {
        return new DistributedConfig(model, workers, globalBatch, total, learningRate, schedule, warmupIterations,
                warmupRate, momentum, weightDecay, seed, checkpointEvery, maxAttempts, connectTimeout, peerTimeout,
                bindHost, advertiseHost, failure);
    }

    public DistributedConfig withCheckpointEvery(int steps) {
        return new DistributedConfig(model, workers, globalBatch, iterations, learningRate, schedule, warmupIterations,
                warmupRate, momentum, weightDecay, seed, steps, maxAttempts, connectTimeout, peerTimeout, bindHost,
                advertiseHost, failure);
    }

    public DistributedConfig withSeed(long newSeed) {
        return new DistributedConfig(model, workers, globalBatch, iterations, learningRate, schedule, warmupIterations,
                warmupRate, momentum, weightDecay, newSeed, checkpointEvery, maxAttempts, connectTimeout, peerTimeout,
                bindHost, advertiseHost, failure);
    }

    public DistributedConfig withNetwork(Duration connect, Duration peer, String bind, String advertise) {
        return new DistributedConfig(model, workers, globalBatch, iterations, learningRate, schedule, warmupIterations,
                warmupRate, momentum, weightDecay, seed, checkpointEvery, maxAttempts, connect, peer, bind, advertise,
                failure);
    }

    public DistributedConfig withFailure(InjectedFailure injected) {
        return new DistributedConfig(model, workers, globalBatch, iterations, learningRate, schedule, warmupIterations,
                warmupRate, momentum, weightDecay, seed, checkpointEvery, maxAttempts, connectTimeout, peerTimeout,
                bindHost, advertiseHost, injected);
    }

    public DistributedConfig withMaxAttempts(int attempts) {
        return new DistributedConfig(model, workers, globalBatch, iterations, learningRate, schedule, warmupIterations,
                warmupRate, momentum, weightDecay, seed, checkpointEvery, attempts, connectTimeout, peerTimeout,
                bindHost, advertiseHost, failure);
    }

    public DistributedConfig withOptimizer(double rate, String newSchedule, double newMomentum, double decay) {
        return new DistributedConfig(model, workers, globalBatch, iterations, rate, newSchedule, warmupIterations,
                warmupRate, newMomentum, decay, seed, checkpointEvery, maxAttempts, connectTimeout, peerTimeout,
                bindHost, advertiseHost, failure);
    }

    /** The settings that decide the run's trajectory, as checkpoint metadata (doubles exact both ways). */
    Map<String, String> recipe() {
        Map<String, String> recipe = new LinkedHashMap<>();
        recipe.put("model", model);
        recipe.put("workers", Integer.toString(workers));
        recipe.put("global_batch", Integer.toString(globalBatch));
        recipe.put("learning_rate", Double.toString(learningRate));
        recipe.put("schedule", schedule);
        if (warmupIterations > 0) {
            // Only when there is one: checkpoints of runs without warm-up (all before the option) resume as they were.
            recipe.put("warmup_iterations", Long.toString(warmupIterations));
            recipe.put("warmup_rate", Double.toString(warmupRate));
        }
        recipe.put("momentum", Double.toString(momentum));
        recipe.put("weight_decay", Double.toString(weightDecay));
        recipe.put("seed", Long.toString(seed));
        recipe.put("iterations", Long.toString(iterations));
        // Which records each worker owns (Shards): checkpoints of the earlier contiguous shards lack the key, so their
        // resume is refused rather than continued on other shards.
        recipe.put("sharding", "interleaved");
        return recipe;
    }

    /** The longest timeout taken: a neighbour silent for a day is stuck, and longer ones overflow the socket APIs. */
    static final Duration MAX_TIMEOUT = Duration.ofDays(1);

    /**
     * A timeout of 0 would mean "wait forever" to a socket (a stuck neighbour hangs the run) and "fail at once" to the
     * send's watch; a negative one fails on the executor without naming the option.
     */
    private static void requireTimeout(String name, Duration timeout) {
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException(name + " must be 1 to " + MAX_TIMEOUT.toSeconds() + " seconds, got "
                    + BigDecimal.valueOf(timeout.getSeconds()).add(BigDecimal.valueOf(timeout.getNano(), 9))
                    .stripTrailingZeros().toPlainString() + " s");
        }
    }
}
