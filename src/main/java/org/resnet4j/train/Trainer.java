package org.resnet4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.resnet4j.data.BatchLoader;
import org.resnet4j.data.Cifar10Dataset;
import org.resnet4j.data.Cifar10Reader;
import org.resnet4j.data.LoaderState;
import org.resnet4j.data.Normalization;
import org.resnet4j.data.TrainValidationSplit;
import org.resnet4j.io.AtomicFiles;
import org.resnet4j.io.StateDicts;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.kernels.Parallel;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.optim.Sgd;
import org.resnet4j.tensor.Layout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a CIFAR network: the loop, progress lines, evaluation on the validation split, metrics and curves,
 * checkpoints and exact resume. A run interrupted and resumed ends with the same weights, bit for bit, as an
 * uninterrupted one with the same seed and thread count: the weights, momentum, batch-norm statistics and data
 * position all come back from the checkpoint, and the data order depends only on (seed, epoch, image). A resume whose
 * settings differ from the checkpoint's {@link Recipe} is refused; only the total may change, with a warning.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    public static final String WEIGHTS_FILE = "model.safetensors";

    private final TrainingConfig config;
    private final Kernels kernels;
    private final List<TrainingListener> listeners = new java.util.ArrayList<>();

    public Trainer(TrainingConfig config) {
        this(config, Kernels.active());
    }

    public Trainer(TrainingConfig config, Kernels kernels) {
        this.config = config;
        this.kernels = kernels;
    }

    /** What a finished run reports. */
    /**
     * What a finished run reports; {@code validationError} is NaN and {@code validationImages} 0 for a run without a
     * validation split, whose figure is {@code trainError} (over the iterations since the previous evaluation).
     */
    public record Summary(long iterations, double validationError, int validationImages, double trainError,
                          double seconds, Path weights) {
        public boolean validated() {
            return validationImages > 0;
        }
    }

    /** Adds a listener to this trainer's runs; returns this trainer. */
    public Trainer addListener(TrainingListener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
        return this;
    }

    public Summary run() throws IOException {
        if (config.threads() > 0) {
            Parallel.setThreads(config.threads());
        }
        Cifar10Dataset all = new Cifar10Reader(config.recordsPerFile()).readTraining(config.dataDirectory());
        TrainValidationSplit split = TrainValidationSplit.of(all, config.validationSize(), config.seed());
        ResNet model = ResNets.create(kernels, config.model(),
                ModelOptions.defaults(Cifar10Dataset.CLASSES).withSeed(config.seed()));
        Sgd sgd = new Sgd(kernels, model.namedParameters(), config.momentum(), config.weightDecay(), false);
        Recipe recipe = Recipe.of(config);
        Path dir = config.checkpointDirectory();
        prepareDirectory(dir, config.resume());
        MetricsLog metrics = new MetricsLog(dir, config.model() + " on CIFAR-10");

        Checkpoint.State state;
        if (config.resume() && Files.exists(Checkpoint.path(dir))) {
            state = Checkpoint.read(dir, config.model(), model, sgd);
            checkRecipe(state, recipe, Checkpoint.path(dir));
            metrics.reload(state.iteration());
            LOG.info("resumed {} from {} at iteration {}", config.model(), Checkpoint.path(dir), state.iteration());
        } else {
            if (config.resume()) {
                LOG.info("--resume: no checkpoint in {} yet, starting from iteration 0", dir);
            }
            Normalization normalization = config.normalization().equals("pixel")
                    ? Normalization.perPixelMean(split.train()) : Normalization.perChannel(split.train());
            state = new Checkpoint.State(0, new LoaderState(config.seed(), 0, 0, config.batchSize(),
                    split.train().size()), normalization, 0, 0, 0, 0, recipe);
        }
        if (state.iteration() >= config.iterations()) {
            LOG.info("the checkpoint is at iteration {}, the run asks for {}: nothing to train", state.iteration(),
                    config.iterations());
        }
        LOG.info("training {} ({} parameters) on {} images, validating on {}; batch {}, {} iterations, kernels {}, "
                        + "{} threads", config.model(), model.parameterCount(), split.train().size(),
                split.validation().size(), config.batchSize(), config.iterations(), kernels.name(), Parallel.threads());

        TrainingLoop loop = new TrainingLoop(model, config.model(), sgd, kernels, recipe, config.iterations(),
                config.batchSize(), dir, metrics, split.validation().size() == 0 ? null
                : () -> Evaluator.evaluate(model, kernels, split.validation(), state.normalization(), 500),
                config.checkpointEvery(), config.evalEvery(), config.logEvery(), listeners);
        TrainingLoop.End end;
        try (BatchLoader loader = BatchLoader.training(split.train(), state.normalization())
                .batchSize(config.batchSize()).seed(config.seed()).resumeFrom(state.loader()).layout(Layout.NHWC)
                .build()) {
            end = loop.run(state, loader);
        }
        Normalization normalization = state.normalization();
        long iteration = end.iteration();
        Evaluator.Result validation = end.validation();
        Path weights = dir.resolve(WEIGHTS_FILE);
        Map<String, String> metadata = new java.util.LinkedHashMap<>(NormalizationMetadata.toMetadata(normalization));
        metadata.put(TrainedWeights.MODEL, config.model());
        metadata.put("iterations", Long.toString(iteration));
        metadata.putAll(TrainedWeights.splitMetadata(config.validationSize(), config.seed()));
        StateDicts.save(model, weights, metadata);
        LOG.info("wrote {} ({} iterations, {} s)", weights, iteration, String.format("%.0f", end.elapsedSeconds()));
        return new Summary(iteration, validation == null ? Double.NaN : validation.error(),
                validation == null ? 0 : validation.images(), end.lastTrainError(), end.elapsedSeconds(), weights);
    }

    /** The files a run writes into its directory, in the order a reader meets them. */
    private static List<Path> runFiles(Path dir) {
        return List.of(Checkpoint.path(dir), dir.resolve(WEIGHTS_FILE), dir.resolve(MetricsLog.CSV),
                dir.resolve(MetricsLog.PNG));
    }

    /**
     * Makes {@code dir} ready for a run: refuses one that holds a run unless it is resumed, creates it, and deletes the
     * temporary files of writes a killed run left there. Shared by every kind of run ({@link FineTuner} too).
     */
    static void prepareDirectory(Path dir, boolean resume) throws IOException {
        if (!resume && holdsRun(dir)) {
            throw new IllegalArgumentException(dir + " holds a training run (" + runFiles(dir).stream()
                    .filter(Files::exists).map(p -> p.getFileName().toString()).toList() + "): resume it, or "
                    + "clear it first (the CLI's --overwrite), or give another directory");
        }
        Files.createDirectories(dir);
        deleteLeftovers(dir);
    }

    /** Whether {@code dir} holds a run's checkpoint, weights or metrics. */
    public static boolean holdsRun(Path dir) {
        return runFiles(dir).stream().anyMatch(Files::exists);
    }

    /** Deletes the run in {@code dir} (checkpoint, weights, metrics and curves), so a new one can start there. */
    public static void clearRun(Path dir) throws IOException {
        for (Path file : runFiles(dir)) {
            if (Files.deleteIfExists(file)) {
                LOG.info("deleted {} of the earlier run", file);
            }
        }
    }

    /**
     * Deletes the temporary files of writes that a killed process left in the run directory, before this run writes
     * its own (a run directory has one writer at a time).
     */
    private static void deleteLeftovers(Path dir) throws IOException {
        for (Path target : new Path[] {Checkpoint.path(dir), dir.resolve(MetricsLog.CSV), dir.resolve(MetricsLog.PNG),
                dir.resolve(WEIGHTS_FILE)}) {
            for (Path leftover : AtomicFiles.deleteLeftovers(target)) {
                LOG.info("deleted {}, the temporary file of an interrupted write of {}", leftover, target.getFileName());
            }
        }
    }

    /**
     * Refuses to resume with settings that would make the continuation differ from the run the checkpoint belongs to.
     * A changed total is allowed (extending a finished run) but moves the schedule, so it gets a warning.
     */
    private static void checkRecipe(Checkpoint.State state, Recipe asked, Path checkpoint) {
        Recipe saved = state.recipe();
        if (saved == null) {
            LOG.info("{} predates recipe checks (it does not record the settings it was trained with): resuming "
                    + "without comparing seed, batch, rates and schedule with this run's", checkpoint);
            return;
        }
        saved.requireContinuable(asked, checkpoint);
        if (saved.iterations() != asked.iterations() && state.iteration() < asked.iterations()) {
            LOG.warn("resuming {}: {}", checkpoint, saved.totalChange(asked, state.iteration()));
        }
    }

}
