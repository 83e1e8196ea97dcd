package org.resnet4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.resnet4j.data.BatchLoader;
import org.resnet4j.data.LoaderState;
import org.resnet4j.data.Normalization;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.io.NormalizationMetadata;
import org.resnet4j.io.StateDicts;
import org.resnet4j.kernels.Parallel;
import org.resnet4j.optim.Sgd;
import org.resnet4j.tensor.Layout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of one {@link Training}, each its own method: set up the run directory, start afresh or resume from its
 * checkpoint (refusing other settings), run the shared {@link TrainingLoop} over the data set's loader, save the final
 * weights. The {@code train} command comes here too, through {@link Trainer}.
 */
final class TrainingRun {
    /** Checkpoint metadata: {@link org.resnet4j.data.Dataset#fingerprint} of the training images. */
    static final String DATA_FINGERPRINT = "data.fingerprint";
    /**
     * The parameters a run holds frozen at its start, comma-separated (empty when all train); compared on resume. A
     * listener that freezes or unfreezes during the run changes what trains, not this record.
     */
    static final String FROZEN_PARAMETERS = "frozen_parameters";
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final Training options;
    private final String name;

    TrainingRun(Training options) {
        this.options = options;
        this.name = options.model.architecture().name();
    }

    Trainer.Summary run() throws IOException {
        // The run's own thread count, for its calls only: the rest of the JVM keeps its own.
        return options.threads > 0 ? Parallel.callWithThreads(options.threads, this::train) : train();
    }

    private Trainer.Summary train() throws IOException {
        Sgd sgd = new Sgd(options.kernels, options.model.namedParameters(), options.momentum, options.weightDecay,
                false);
        Recipe recipe = options.recipe();
        Path dir = options.checkpointDirectory;
        Trainer.prepareDirectory(dir, options.resume, options.overwrite);
        MetricsLog metrics = new MetricsLog(dir, options.title != null ? options.title : name + " on "
                + options.trainingData.size() + " images of " + options.trainingData.classNames().size() + " classes");
        Checkpoint.State state = startOrResume(sgd, recipe, metrics);
        if (state.iteration() >= options.iterations) {
            LOG.info("the checkpoint is at iteration {}, the run asks for {}: nothing to train", state.iteration(),
                    options.iterations);
        }
        LOG.info("training {} ({} parameters) on {} images, validating on {}; batch {}, {} iterations, kernels {}, "
                        + "{} threads", name, options.model.parameterCount(), options.trainingData.size(),
                options.validationData == null ? 0 : options.validationData.size(), options.batchSize,
                options.iterations, options.kernels.name(), Parallel.threads());

        // Checkpoints record the validation split as the final weights do (the train command's, with its seed), or
        // only the held-out count when the caller chose the images: eval must not recompute a split from the seed.
        Map<String, String> checkpointMetadata = new LinkedHashMap<>();
        checkpointMetadata.put(TrainedWeights.VALIDATION_SIZE, Integer.toString(recipe.validationSize()));
        checkpointMetadata.putAll(options.extraMetadata);
        checkpointMetadata.putAll(imageSizeMetadata());
        checkpointMetadata.putAll(options.trainingData.weightsMetadata());
        // The class names, as the final weights record them: eval and classify of a checkpoint name its classes.
        checkpointMetadata.put(FineTuner.LABELS, String.join("\n", options.trainingData.classNames()));
        // Always in checkpoints (a resume compares it; the final weights record it only when not the family's).
        checkpointMetadata.put(ModelWeights.IMAGE_SIZE, Integer.toString(options.trainingData.imageSize()));
        options.trainingData.fingerprint().ifPresent(f -> checkpointMetadata.put(DATA_FINGERPRINT, f));
        checkpointMetadata.put(FROZEN_PARAMETERS, String.join(",", frozenParameters()));
        TrainingLoop loop = new TrainingLoop(options.model, name, sgd, options.kernels, recipe, options.iterations,
                options.batchSize, dir, metrics, validation(state.normalization()), options.checkpointEvery,
                options.evaluateEvery, options.logEvery, options.listeners, checkpointMetadata);
        TrainingLoop.End end;
        try (BatchLoader loader = BatchLoader.training(options.trainingData, state.normalization())
                .batchSize(options.batchSize).seed(options.seed).resumeFrom(state.loader())
                .augmentation(options.augmentation).threads(options.loaderThreads).layout(Layout.NHWC).build()) {
            end = loop.run(state, loader);
        }
        Path weights = save(state.normalization(), recipe, end);
        LOG.info("wrote {} ({} iterations, {} s)", weights, end.iteration(), String.format("%.0f", end.elapsedSeconds()));
        Evaluator.Result validation = end.validation();
        return new Trainer.Summary(end.iteration(), validation == null ? Double.NaN : validation.error(),
                validation == null ? 0 : validation.images(), end.lastTrainError(), end.elapsedSeconds(), weights);
    }

    /**
     * The checkpoint's state, loaded into the model and optimizer, when resuming and there is one; else iteration 0,
     * with the normalization computed from the training images.
     */
    private Checkpoint.State startOrResume(Sgd sgd, Recipe recipe, MetricsLog metrics) throws IOException {
        Path dir = options.checkpointDirectory;
        if (options.resume && Files.exists(Checkpoint.path(dir))) {
            // The recipe is compared before the checkpoint is loaded, so a refused resume leaves the model as it was.
            Checkpoint.State state = Checkpoint.read(dir, name, options.model, sgd,
                    (saved, metadata) -> {
                        checkRecipe(saved, recipe, Checkpoint.path(dir));
                        checkImageSize(metadata, Checkpoint.path(dir));
                        requireSameData(metadata, options.trainingData.fingerprint(), Checkpoint.path(dir));
                        checkFrozen(metadata, Checkpoint.path(dir));
                    });
            metrics.reload(state.iteration());
            LOG.info("resumed {} from {} at iteration {}", name, Checkpoint.path(dir), state.iteration());
            return state;
        }
        if (options.resume) {
            LOG.info("resuming: no checkpoint in {} yet, starting from iteration 0", dir);
        }
        Normalization normalization = options.normalization.of(options.trainingData, options.loaderThreads);
        return new Checkpoint.State(0, new LoaderState(options.seed, 0, 0, options.batchSize,
                options.trainingData.size()), normalization, 0, 0, 0, 0, recipe);
    }

    /** The validation figures of the model as it stands, or null for a run without validation data. */
    private Supplier<Evaluator.Result> validation(Normalization normalization) {
        if (options.validationData == null) {
            return null;
        }
        // Inference needs less memory than a training step, so the training batch size always fits.
        int batch = options.evaluationBatchSize > 0 ? options.evaluationBatchSize : options.batchSize;
        return () -> {
            try (BatchLoader loader = BatchLoader.evaluation(options.validationData, normalization).batchSize(batch)
                    .threads(options.loaderThreads).layout(Layout.NHWC).build()) {
                return Evaluator.validate(options.model, options.kernels, loader);
            }
        };
    }

    /**
     * The image size when not the family's, and the resize of an ImageNet network ({@link
     * ModelWeights#trainedImageMetadata}): nothing for CIFAR networks on 32x32 images, so train's files stay as they
     * were.
     */
    private Map<String, String> imageSizeMetadata() {
        return ModelWeights.trainedImageMetadata(options.model.architecture().family(),
                options.trainingData.imageSize());
    }

    /**
     * {@code model.safetensors}: the weights, what loading and classifying need (model, normalization, labels), and
     * how they were trained (the recipe's {@code recipe.} entries, the number of training images, the seconds spent).
     */
    private Path save(Normalization normalization, Recipe recipe, TrainingLoop.End end) throws IOException {
        Path weights = options.checkpointDirectory.resolve(Trainer.WEIGHTS_FILE);
        Map<String, String> metadata = new LinkedHashMap<>(NormalizationMetadata.toMetadata(normalization));
        metadata.put(TrainedWeights.MODEL, name);
        metadata.putAll(ModelWeights.layoutMetadata(options.model));
        metadata.put("iterations", Long.toString(end.iteration()));
        metadata.putAll(recipe.toMetadata());
        metadata.put("training_images", Integer.toString(options.trainingData.size()));
        metadata.put("training_seconds", String.format(Locale.ROOT, "%.0f", end.elapsedSeconds()));
        metadata.putAll(options.extraMetadata);
        metadata.putAll(imageSizeMetadata());
        metadata.putAll(options.trainingData.weightsMetadata());
        metadata.put(FineTuner.LABELS, String.join("\n", options.trainingData.classNames()));
        StateDicts.save(options.model, weights, metadata);
        return weights;
    }

    /**
     * Refuses a resume on images of another side than the checkpoint records (train's --image-size on a folder): the
     * size is no part of the recipe. Checkpoints written before they recorded it (CIFAR-10's 32) are not compared.
     */
    private void checkImageSize(Map<String, String> metadata, Path checkpoint) {
        String saved = metadata.get(ModelWeights.IMAGE_SIZE);
        String asked = Integer.toString(options.trainingData.imageSize());
        if (saved != null && !saved.strip().equals(asked)) {
            throw new IllegalArgumentException("cannot resume from " + checkpoint + ": it was trained with other "
                    + "settings, so the run cannot continue exactly: image size saved " + saved.strip() + ", asked "
                    + asked);
        }
    }

    /** The names of the model's parameters set not to train, in the model's order. */
    private List<String> frozenParameters() {
        List<String> frozen = new ArrayList<>();
        options.model.namedParameters().forEach((parameter, p) -> {
            if (!p.trainable()) {
                frozen.add(parameter);
            }
        });
        return frozen;
    }

    /**
     * Refuses a resume that freezes other parameters than the run did: the continuation would train what it held
     * still (and its batch norms would leave their running statistics for batch ones), or the reverse. Checkpoints
     * written before the record are resumed unchecked.
     */
    private void checkFrozen(Map<String, String> metadata, Path checkpoint) {
        String saved = metadata.get(FROZEN_PARAMETERS);
        if (saved == null) {
            return;
        }
        List<String> was = saved.isEmpty() ? List.of() : List.of(saved.split(","));
        List<String> now = frozenParameters();
        if (!was.equals(now)) {
            throw new IllegalArgumentException("cannot resume from " + checkpoint + ": it was trained with "
                    + describeFrozen(was) + " frozen, this run freezes " + describeFrozen(now) + "; freeze the same "
                    + "parameters (setTrainable) before resuming, or train in a new checkpoint directory");
        }
    }

    private static String describeFrozen(List<String> names) {
        if (names.isEmpty()) {
            return "no parameter";
        }
        int shown = Math.min(3, names.size());
        return names.size() + " parameters (" + String.join(", ", names.subList(0, shown))
                + (names.size() > shown ? ", ..." : "") + ")";
    }

    /**
     * Refuses a resume on other images than the checkpoint's {@value #DATA_FINGERPRINT} names, when both the
     * checkpoint and the data can tell (fine-tuning checks its training split the same way).
     */
    static void requireSameData(Map<String, String> metadata, java.util.Optional<String> now, Path checkpoint) {
        String saved = metadata.get(DATA_FINGERPRINT);
        if (saved != null && now.isPresent() && !saved.equals(now.get())) {
            throw new IllegalArgumentException("cannot resume from " + checkpoint + ": the training images are not "
                    + "the ones it trained on (" + DATA_FINGERPRINT + " saved " + saved + ", now " + now.get()
                    + "): files were replaced, renamed or resized, or are decoded otherwise (EXIF orientation applied or "
                    + "not); train them in a new --checkpoint-dir");
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
        if (saved.augmentation() == null && asked.augmentation() != null) {
            LOG.info("{} does not record its augmentation (written before it was): resuming with {}", checkpoint,
                    asked.augmentation().key());
        }
        if (saved.iterations() != asked.iterations() && state.iteration() < asked.iterations()) {
            LOG.warn("resuming {}: {}", checkpoint, saved.totalChange(asked, state.iteration()));
        }
    }
}
