package org.resnet4j.train;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.resnet4j.data.Cifar10Dataset;
import org.resnet4j.data.Cifar10Reader;
import org.resnet4j.data.Dataset;
import org.resnet4j.data.TrainValidationSplit;
import org.resnet4j.io.AtomicFiles;
import org.resnet4j.io.FileErrors;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a CIFAR network on the CIFAR-10 files of a {@link TrainingConfig}: the {@code train} command. It reads the
 * files, holds out the validation split, builds the network from the seed, and runs the same steps as
 * {@link Training} (the loop, progress lines, evaluation, metrics and curves, checkpoints and exact resume). A run
 * interrupted and resumed ends with the same weights, bit for bit, as an uninterrupted one with the same seed and
 * thread count: the weights, momentum, batch-norm statistics and data position all come back from the checkpoint, and
 * the data order depends only on (seed, epoch, image). A resume whose settings differ from the checkpoint's
 * {@link Recipe} is refused; only the total may change, with a warning.
 *
 * <p>Not safe to share between threads: one thread adds the listeners and runs it. A run trains on the calling thread
 * and, when the configuration sets a thread count, sets the kernels' process-wide one.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    public static final String WEIGHTS_FILE = "model.safetensors";
    /** Validation batches of CIFAR-sized images in the train command: what its figures were measured with. */
    private static final int EVALUATION_BATCH = 500;
    private static final int CIFAR_IMAGE_SIZE = 32;

    private final TrainingConfig config;
    private final Kernels kernels;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private boolean overwrite;

    public Trainer(TrainingConfig config) {
        this(config, Kernels.active());
    }

    /** On other kernels: for tests that make a step fail. */
    Trainer(TrainingConfig config, Kernels kernels) {
        this.config = config;
        this.kernels = kernels;
    }

    /**
     * What a finished run reports; {@code validationError} is NaN and {@code validationImages} 0 for a run without a
     * validation split, whose figure is {@code trainError} (over the iterations since the previous evaluation).
     * Immutable; safe to share between threads.
     */
    public record Summary(long iterations, double validationError, int validationImages, double trainError,
                          double seconds, Path weights) {
        public boolean validated() {
            return validationImages > 0;
        }
    }

    /** Adds a listener to this trainer's runs; returns this trainer. */
    public Trainer addListener(TrainingListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Start over the run its directory holds (not with a resume): that run's files are deleted only once the data are
     * read and every setting is checked, just before the first step, so a refused run leaves the earlier one whole.
     * Returns this trainer.
     */
    public Trainer overwrite(boolean value) {
        this.overwrite = value;
        return this;
    }

    public Summary run() throws IOException {
        Cifar10Dataset all = new Cifar10Reader(config.recordsPerFile()).readTraining(config.dataDirectory());
        TrainValidationSplit split = TrainValidationSplit.of(all, config.validationSize(), config.seed());
        ResNet model = ResNets.create(kernels, config.model(),
                ModelOptions.defaults(Cifar10Dataset.CLASSES).withSeed(config.seed()));
        return training(split, model).run();
    }

    /** The config's run on the CIFAR-10 split: its checkpoints and weights record the split. */
    Training training(TrainValidationSplit split, ResNet model) {
        Training training = training(split.train(), split.validation(), model, "CIFAR-10");
        // So that eval --split val finds the images this run held out.
        training.extraMetadata.putAll(TrainedWeights.splitMetadata(config.validationSize(), config.seed()));
        return training;
    }

    /**
     * The config's run on data of the caller's instead of the CIFAR-10 files (an image folder's split: {@code train}
     * given a folder): a network of the data's class count, built from the seed, trained with every setting of the
     * config but its data directory, records per file and validation size. {@code validation} may be null or empty;
     * images are decoded on the config's thread count (every core by default).
     */
    public Summary run(Dataset train, Dataset validation, String dataName) throws IOException {
        ResNet model = ResNets.create(kernels, config.model(),
                ModelOptions.defaults(train.classNames().size()).withSeed(config.seed()));
        Training training = training(train, validation, model, dataName);
        // Images decode on as many threads as the kernels run on: --threads bounds both.
        training.loaderThreads(config.threads() > 0 ? config.threads() : Runtime.getRuntime().availableProcessors());
        return training.run();
    }

    /** The config's run as a {@link Training}: the one place the command line's settings become the fluent ones. */
    Training training(Dataset train, Dataset validation, ResNet model, String dataName) {
        Training training = Training.of(model, train)
                .iterations(config.iterations())
                .batchSize(config.batchSize())
                .learningRate(config.learningRate())
                .schedule(config.scheduleKind())
                .warmup(config.warmupIterations(), config.warmupRate())
                .momentum(config.momentum())
                .weightDecay(config.weightDecay())
                .normalization(config.normalizationKind())
                .seed(config.seed())
                .checkpointDirectory(config.checkpointDirectory())
                .checkpointEvery(config.checkpointEvery())
                .evaluateEvery(config.evalEvery())
                .logEvery(config.logEvery())
                .resume(config.resume())
                .overwrite(overwrite);
        if (config.threads() > 0) {
            training.threads(config.threads());
        }
        if (validation != null && validation.size() > 0) {
            training.validation(validation);
        }
        listeners.forEach(training::listener);
        training.kernels = kernels;
        training.title = config.model() + " on " + dataName;
        // 500 images of 32x32 take little memory; 500 of a folder's 224x224 would need gigabytes beyond what the
        // training batch takes, so larger images are validated in batches of the training batch's size, which fits
        // (evaluation keeps fewer activations than a training step). Results do not depend on the batch.
        training.evaluationBatchSize = train.imageSize() <= CIFAR_IMAGE_SIZE ? EVALUATION_BATCH : config.batchSize();
        return training;
    }

    /** The files a run writes into its directory, in the order a reader meets them. */
    private static List<Path> runFiles(Path dir) {
        return List.of(Checkpoint.path(dir), dir.resolve(WEIGHTS_FILE), dir.resolve(MetricsLog.CSV),
                dir.resolve(MetricsLog.PNG));
    }

    /**
     * Makes {@code dir} ready for a run: refuses one that holds a run unless it is resumed or overwritten, creates it,
     * makes sure files can be written there, clears the earlier run when overwriting, and deletes the temporary files of
     * writes a killed run left there. Shared by every kind of run ({@link FineTuner} too); called once the data,
     * weights and settings are read and checked, since overwriting deletes the earlier run for good.
     */
    static void prepareDirectory(Path dir, boolean resume, boolean overwrite) throws IOException {
        if (resume && overwrite) {
            throw new IllegalArgumentException(dir + ": resume the run or overwrite it, not both");
        }
        if (!resume && !overwrite && holdsRun(dir)) {
            throw new IllegalArgumentException(dir + " holds a training run (" + runFiles(dir).stream()
                    .filter(Files::exists).map(p -> p.getFileName().toString()).toList() + "): resume it, or "
                    + "overwrite it (the CLI's --overwrite), or give another directory");
        }
        Files.createDirectories(dir);
        // Before anything is deleted, and before hours of training whose first checkpoint could not be saved.
        requireWritable(dir);
        if (overwrite) {
            clearRun(dir);
        }
        deleteLeftovers(dir);
    }

    /**
     * Fails, naming {@code dir}, when no file can be created in it (read-only, another user's); nothing when it does
     * not exist yet. A run checks its directory so before its first step; a caller may check it sooner.
     */
    public static void requireWritable(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        Path probe;
        try {
            probe = Files.createTempFile(dir, ".write-probe-", ".tmp");
        } catch (IOException e) {
            throw new FileSystemException(dir.toString(), null, "the run directory is not writable ("
                    + FileErrors.reason(e) + "), so no checkpoint or weights could be saved there");
        }
        Files.delete(probe);
    }

    /** Whether {@code file} is one of the files a run writes into {@code dir} (the same file, by whatever path). */
    static boolean isRunFile(Path dir, Path file) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        for (Path own : runFiles(dir)) {
            if (Files.exists(own) && Files.isSameFile(own, file)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code dir} holds a run's checkpoint, weights or metrics. */
    public static boolean holdsRun(Path dir) {
        return runFiles(dir).stream().anyMatch(Files::exists);
    }

    /** Deletes the run in {@code dir} (checkpoint, weights, metrics and curves), so a new one can start there. */
    private static void clearRun(Path dir) throws IOException {
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
}
