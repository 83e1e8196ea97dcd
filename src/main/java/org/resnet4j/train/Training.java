package org.resnet4j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.resnet4j.data.Augmentation;
import org.resnet4j.data.Dataset;
import org.resnet4j.data.NormalizationKind;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.models.ResNet;

/**
 * A training run on any {@link Dataset}, set up fluently and started by {@link #run()}:
 *
 * <pre>{@code
 * Trainer.Summary summary = Training.of(model, trainingData)
 *         .validation(validationData)
 *         .iterations(64_000)
 *         .checkpointDirectory(Path.of("runs/mine"))
 *         .run();
 * }</pre>
 *
 * <p>Every option has the paper's CIFAR-10 recipe (§4.2) as its default: batch 128, learning rate 0.1 divided by 10
 * at 1/2 and 3/4 of 64,000 iterations, momentum 0.9, weight decay 1e-4, the 4-pixel pad, random crop and flip. The
 * normalization defaults to per-channel statistics of the training images (the paper subtracted the per-pixel mean:
 * {@link NormalizationKind#PER_PIXEL_MEAN}). Only the checkpoint directory must be given: a run writes its checkpoint,
 * {@code metrics.csv}, {@code curves.png} and at the end {@code model.safetensors} there, exactly as the {@code train}
 * command does (it runs through this class). A run resumed from its checkpoint ends bit for bit where an uninterrupted
 * one does; a resume whose settings differ from the checkpoint's is refused, naming each.
 *
 * <p>Each option checks its value at once, and an {@link IllegalArgumentException} names the option and the value.
 * Not thread-safe: set it up on one thread; {@link #run()} trains on the calling thread, the kernels' thread pool and
 * the loaders' threads, and updates the model's weights in place.
 */
public final class Training {
    // Package-private: TrainingRun carries out what these say.
    final ResNet model;
    final Dataset trainingData;
    Dataset validationData;
    long iterations = 64_000;
    int batchSize = 128;
    double learningRate = 0.1;
    Schedule schedule = Schedule.PAPER_STEPS;
    long warmupIterations;
    double warmupRate = 0.01;
    double momentum = 0.9;
    double weightDecay = 1e-4;
    NormalizationKind normalization = NormalizationKind.PER_CHANNEL;
    Augmentation augmentation = Augmentation.PAD_CROP_FLIP;
    long seed;
    int threads;
    int loaderThreads = 1;
    Path checkpointDirectory;
    long checkpointEvery = 1_000;
    long evaluateEvery = 1_000;
    long logEvery = 100;
    boolean resume;
    boolean overwrite;
    final List<TrainingListener> listeners = new ArrayList<>();
    // Set only by Trainer, so that the train command's files stay as they were.
    Kernels kernels = Kernels.active();
    String title;
    int evaluationBatchSize;
    final Map<String, String> extraMetadata = new LinkedHashMap<>();

    private Training(ResNet model, Dataset trainingData) {
        this.model = Objects.requireNonNull(model, "model");
        this.trainingData = Objects.requireNonNull(trainingData, "trainingData");
        requireClasses("training data", trainingData);
    }

    /**
     * A run that trains {@code model} (in place) on {@code trainingData}, whose class count must be the model's
     * ({@code ModelOptions.defaults(classes)} builds a model for it).
     */
    public static Training of(ResNet model, Dataset trainingData) {
        return new Training(model, trainingData);
    }

    /**
     * Images to measure the error on at each evaluation, unaugmented; the same classes and image size as the training
     * data. Without them a run reports its training error only.
     */
    public Training validation(Dataset data) {
        requireClasses("validation data", data);
        if (data.imageSize() != trainingData.imageSize()) {
            throw new IllegalArgumentException("validation data: images are " + data.imageSize() + "x"
                    + data.imageSize() + ", the training data's " + trainingData.imageSize() + "x"
                    + trainingData.imageSize());
        }
        if (!data.classNames().equals(trainingData.classNames())) {
            throw new IllegalArgumentException("validation data: classes " + data.classNames() + " are not the "
                    + "training data's " + trainingData.classNames());
        }
        this.validationData = data;
        return this;
    }

    /** The run's total, also when resuming (a larger total extends a finished run); 64,000 by default. */
    public Training iterations(long count) {
        this.iterations = atLeast("iterations", count, 1);
        return this;
    }

    /** Images per step; 128 by default. At least 2: batch norm needs two images to have a variance. */
    public Training batchSize(int images) {
        this.batchSize = (int) atLeast("batchSize", images, 2);
        return this;
    }

    /** The base learning rate; 0.1 by default. */
    public Training learningRate(double rate) {
        this.learningRate = positive("learningRate", rate);
        return this;
    }

    /** How the rate falls from the base rate; the paper's steps by default. */
    public Training schedule(Schedule kind) {
        this.schedule = Objects.requireNonNull(kind, "schedule");
        return this;
    }

    /** A constant {@code rate} for the first {@code count} iterations (the paper's ResNet-110: 400 at 0.01). */
    public Training warmup(long count, double rate) {
        if (!(rate >= 0 && Double.isFinite(rate))) {
            throw new IllegalArgumentException("warmup rate must be >= 0 and finite, got " + rate);
        }
        this.warmupIterations = atLeast("warmup iterations", count, 0);
        this.warmupRate = rate;
        return this;
    }

    /** SGD momentum, in [0, 1); 0.9 by default. */
    public Training momentum(double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + value);
        }
        this.momentum = value;
        return this;
    }

    /** L2 weight decay, >= 0; 1e-4 by default. */
    public Training weightDecay(double value) {
        if (!(value >= 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException("weightDecay must be >= 0 and finite, got " + value);
        }
        this.weightDecay = value;
        return this;
    }

    /** Which statistics of the training images normalize the inputs; per channel by default. */
    public Training normalization(NormalizationKind kind) {
        this.normalization = Objects.requireNonNull(kind, "normalization");
        return this;
    }

    /** How training images vary from epoch to epoch; the paper's pad, crop and flip by default. */
    public Training augmentation(Augmentation kind) {
        this.augmentation = Objects.requireNonNull(kind, "augmentation");
        return this;
    }

    /** The seed of the data order and augmentation; 0 by default. The model's initialization is the model's own. */
    public Training seed(long value) {
        this.seed = value;
        return this;
    }

    /**
     * Kernel threads of this run's calls; the pool's default ({@link org.resnet4j.kernels.Parallel#threads()}, one per
     * core) unless set. Other threads of the JVM keep theirs. Results do not depend on it.
     */
    public Training threads(int count) {
        this.threads = (int) atLeast("threads", count, 1);
        return this;
    }

    /**
     * Threads that read the images of each batch; 1 by default, enough for images in memory. Raise it for data sets
     * that decode files. Results do not depend on it.
     */
    public Training loaderThreads(int count) {
        this.loaderThreads = (int) atLeast("loaderThreads", count, 1);
        return this;
    }

    /** Where the run writes its checkpoint, metrics, curves and final weights; one run per directory. Required. */
    public Training checkpointDirectory(Path directory) {
        this.checkpointDirectory = Objects.requireNonNull(directory, "checkpointDirectory");
        return this;
    }

    /** Iterations between checkpoints (and one at the end); 1,000 by default. */
    public Training checkpointEvery(long count) {
        this.checkpointEvery = atLeast("checkpointEvery", count, 1);
        return this;
    }

    /** Iterations between evaluations (a metrics row each, and one at the end); 1,000 by default. */
    public Training evaluateEvery(long count) {
        this.evaluateEvery = atLeast("evaluateEvery", count, 1);
        return this;
    }

    /** Iterations between progress lines in the log; 100 by default. */
    public Training logEvery(long count) {
        this.logEvery = atLeast("logEvery", count, 1);
        return this;
    }

    /**
     * Continue the run in the checkpoint directory (from its start when it holds no checkpoint yet). Without it, a
     * directory that holds a run is refused, so no run is overwritten by mistake ({@link #overwrite} starts it over).
     */
    public Training resume(boolean value) {
        this.resume = value;
        return this;
    }

    /**
     * Start over the run the checkpoint directory holds: its checkpoint, weights, metrics and curves are deleted when
     * {@link #run()} has checked everything it can before the first step, so a run refused for its data or settings
     * leaves the earlier one whole. Not with {@link #resume}.
     */
    public Training overwrite(boolean value) {
        this.overwrite = value;
        return this;
    }

    /** Called at each step, evaluation and checkpoint, on the training thread. */
    public Training listener(TrainingListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Trains, writes {@code model.safetensors} into the checkpoint directory (recording the model, the normalization
     * and the class names, so that it loads and classifies with nothing else) and reports the result.
     *
     * @throws IllegalStateException    when no checkpoint directory was given
     * @throws IllegalArgumentException when the directory holds a run and neither {@link #resume} nor
     *                                  {@link #overwrite} was asked for (or both were), when the checkpoint was
     *                                  written with other settings, or when the training data hold no full batch
     * @throws java.nio.file.FileSystemException when no file can be written into the checkpoint directory
     * @throws TrainingDivergedException when the loss or the weights stop being finite (the last good checkpoint stays)
     */
    public Trainer.Summary run() throws IOException {
        if (checkpointDirectory == null) {
            throw new IllegalStateException("training: no checkpoint directory; give one with checkpointDirectory(dir)");
        }
        if (trainingData.size() < batchSize) {
            throw new IllegalArgumentException("batchSize " + batchSize + " is larger than the training data ("
                    + trainingData.size() + " images): no full batch to train on");
        }
        return new TrainingRun(this).run();
    }

    /** The settings that decide the run's trajectory, as its checkpoints record them. */
    Recipe recipe() {
        return new Recipe(seed, batchSize, learningRate, schedule, warmupIterations, warmupRate, momentum, weightDecay,
                validationData == null ? 0 : validationData.size(), normalization, augmentation, iterations);
    }

    private void requireClasses(String what, Dataset data) {
        Objects.requireNonNull(data, what);
        if (data.size() < 1) {
            throw new IllegalArgumentException(what + " has no images");
        }
        if (data.classNames().size() != model.classes()) {
            throw new IllegalArgumentException(what + " has " + data.classNames().size() + " classes, the model "
                    + model.architecture().name() + " " + model.classes() + " outputs: build it with "
                    + "ModelOptions.defaults(" + data.classNames().size() + ")");
        }
    }

    private static long atLeast(String option, long value, long minimum) {
        if (value < minimum) {
            throw new IllegalArgumentException(option + " must be >= " + minimum + ", got " + value);
        }
        return value;
    }

    private static double positive(String option, double value) {
        if (!(value > 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(option + " must be > 0 and finite, got " + value);
        }
        return value;
    }
}
