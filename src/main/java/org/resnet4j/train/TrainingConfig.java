package org.resnet4j.train;

import java.nio.file.Path;
import org.resnet4j.data.Cifar10Reader;
import org.resnet4j.data.NormalizationKind;

/**
 * Everything a training run is set up from. Defaults ({@link #paper}) are the paper's CIFAR-10 recipe (§4.2):
 * batch 128, learning rate 0.1 divided by 10 at 32k and 48k iterations, 64k iterations, momentum 0.9, weight
 * decay 1e-4, 45k/5k train/validation split.
 *
 * <p>The command line's form of a run: {@link Training} is the same run built in Java, with enums where this record has
 * the command line's words ({@link #scheduleKind()}, {@link #normalizationKind()} map them).
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param recordsPerFile    images in each CIFAR-10 batch file (10,000 in the official files; fewer for crafted data)
 * @param iterations        the run's total, also when resuming
 * @param schedule          {@code paper} (steps at 1/2 and 3/4 of the run) or {@code cosine}
 * @param warmupIterations  iterations at {@code warmupRate} first (the paper's ResNet-110: 400 at 0.01); 0 for none
 * @param normalization     {@code channel} (per-channel mean and std) or {@code pixel} (the paper's mean image)
 * @param threads           kernel threads, 0 for the pool's default
 * @param logEvery          iterations between progress lines
 */
public record TrainingConfig(String model, Path dataDirectory, int recordsPerFile, long iterations, int batchSize,
                             double learningRate, String schedule, long warmupIterations, double warmupRate,
                             double momentum, double weightDecay, int validationSize, String normalization, long seed,
                             int threads, Path checkpointDirectory, long checkpointEvery, long evalEvery, long logEvery,
                             boolean resume) {

    public TrainingConfig {
        if (recordsPerFile < 1 || iterations < 1 || batchSize < 2 || learningRate <= 0 || checkpointEvery < 1
                || evalEvery < 1 || logEvery < 1 || validationSize < 0 || warmupIterations < 0 || threads < 0) {
            throw new IllegalArgumentException("training: records per file, iterations, checkpoint/eval/log intervals "
                    + "must be >= 1, batch >= 2, learning rate > 0, validation size, warm-up and threads >= 0; got "
                    + this);
        }
        try {
            Schedule.fromKey(schedule);
            NormalizationKind.fromKey(normalization);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("training: " + e.getMessage(), e);
        }
    }

    /** {@link #schedule} as the enum {@link Training} takes. */
    public Schedule scheduleKind() {
        return Schedule.fromKey(schedule);
    }

    /** {@link #normalization} as the enum {@link Training} takes. */
    public NormalizationKind normalizationKind() {
        return NormalizationKind.fromKey(normalization);
    }

    /** The paper's recipe for {@code model} on the CIFAR-10 files in {@code data}, writing to {@code checkpoints}. */
    public static TrainingConfig paper(String model, Path data, Path checkpoints) {
        return new TrainingConfig(model, data, Cifar10Reader.RECORDS_PER_FILE, 64_000, 128, 0.1, "paper", 0, 0.01, 0.9,
                1e-4, 5_000, "channel", 0L, 0, checkpoints, 1_000, 1_000, 100, false);
    }

    public TrainingConfig withIterations(long total) {
        return new TrainingConfig(model, dataDirectory, recordsPerFile, total, batchSize, learningRate, schedule,
                warmupIterations, warmupRate, momentum, weightDecay, validationSize, normalization, seed, threads,
                checkpointDirectory, checkpointEvery, evalEvery, logEvery, resume);
    }

    public TrainingConfig withResume(boolean value) {
        return new TrainingConfig(model, dataDirectory, recordsPerFile, iterations, batchSize, learningRate, schedule,
                warmupIterations, warmupRate, momentum, weightDecay, validationSize, normalization, seed, threads,
                checkpointDirectory, checkpointEvery, evalEvery, logEvery, value);
    }

    public TrainingConfig withIntervals(long checkpoint, long eval, long log) {
        return new TrainingConfig(model, dataDirectory, recordsPerFile, iterations, batchSize, learningRate, schedule,
                warmupIterations, warmupRate, momentum, weightDecay, validationSize, normalization, seed, threads,
                checkpointDirectory, checkpoint, eval, log, resume);
    }

    /** The same run on {@code count} kernel threads (0: the pool's default); the results do not depend on it. */
    public TrainingConfig withThreads(int count) {
        return new TrainingConfig(model, dataDirectory, recordsPerFile, iterations, batchSize, learningRate, schedule,
                warmupIterations, warmupRate, momentum, weightDecay, validationSize, normalization, seed, count,
                checkpointDirectory, checkpointEvery, evalEvery, logEvery, resume);
    }

    /** The same run on batch files of {@code records} images each (crafted or subset data in the CIFAR-10 format). */
    public TrainingConfig withRecordsPerFile(int records) {
        return new TrainingConfig(model, dataDirectory, records, iterations, batchSize, learningRate, schedule,
                warmupIterations, warmupRate, momentum, weightDecay, validationSize, normalization, seed, threads,
                checkpointDirectory, checkpointEvery, evalEvery, logEvery, resume);
    }
}
