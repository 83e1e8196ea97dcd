package org.resnet4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.resnet4j.data.BatchLoader;
import org.resnet4j.data.ImageFolder;
import org.resnet4j.data.LoaderState;
import org.resnet4j.data.Normalization;
import org.resnet4j.data.NormalizationKind;
import org.resnet4j.images.EvaluationTransform;
import org.resnet4j.images.ImageDecoder;
import org.resnet4j.images.PixelTensors;
import org.resnet4j.images.TrainingTransform;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.io.NormalizationMetadata;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.StateDicts;
import org.resnet4j.io.WeightFiles;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.kernels.Parallel;
import org.resnet4j.models.Architecture;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.optim.Sgd;
import org.resnet4j.tensor.Layout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transfer learning on an image folder: pretrained weights, a fresh classifier for the folder's classes (optionally
 * the only part that trains), torchvision's {@code RandomResizedCrop} + flip for training and its evaluation transform
 * for validation, normalized as the weights record (ImageNet's mean and std when they record none). Progress,
 * checkpoints, exact resume, metrics and curves as {@link Trainer}'s, through the same loop. The final weights record
 * the model, the normalization and the class names ({@value #LABELS}, one per line), so {@code classify} names the
 * folder's classes.
 *
 * <p>Not safe to share between threads: one thread adds the listeners and runs it. A run trains on the calling thread;
 * a thread count in the configuration applies to the run's kernel calls only ({@link Parallel#callWithThreads}), not
 * to other threads of the JVM.
 */
public final class FineTuner {
    /** The metadata key of the class names, one per line in label order. */
    public static final String LABELS = ModelWeights.LABELS;
    private static final Logger LOG = LoggerFactory.getLogger(FineTuner.class);
    /** Recorded by every fine-tuning checkpoint: what marks one as a fine-tuning run's. */
    static final String FREEZE_BACKBONE = "finetune.freeze_backbone";
    // The weights' own key: a checkpoint given to classify, serve or export is then prepared at its size too.
    private static final String IMAGE_SIZE = ModelWeights.IMAGE_SIZE;

    private final FineTuning config;
    private final Kernels kernels;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private boolean overwrite;

    public FineTuner(FineTuning config) {
        this.config = config;
        this.kernels = Kernels.active();
    }

    public FineTuner addListener(TrainingListener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Start over the run the checkpoint directory holds (not with a resume): its files are deleted only once the weights
     * and images are read and the settings checked, just before the first step. Weights that are that run's own files
     * are refused, since starting over would delete them. Returns this tuner.
     */
    public FineTuner overwrite(boolean value) {
        this.overwrite = value;
        return this;
    }

    public Trainer.Summary run() throws IOException {
        // The run's own thread count, for its calls only: the rest of the JVM keeps its own.
        return config.threads() > 0 ? Parallel.callWithThreads(config.threads(), this::fineTune) : fineTune();
    }

    private Trainer.Summary fineTune() throws IOException {
        Path dir = config.checkpointDirectory();
        if (overwrite && Trainer.isRunFile(dir, config.weights())) {
            throw new IllegalArgumentException(config.weights() + " is a file of the run in " + dir + ", which "
                    + "starting that run over would delete: copy the weights elsewhere first, or fine-tune into "
                    + "another checkpoint directory");
        }
        // Images decode on as many threads as the kernels run on: --threads bounds both.
        int decodeThreads = config.threads() > 0 ? config.threads() : Runtime.getRuntime().availableProcessors();
        // The pretrained network as the file has it (a fine-tuned one of 3 classes, too): its head is replaced anyway.
        SafeTensorsFile file = WeightFiles.read(config.weights());
        ModelOptions options = ModelOptions.defaults(
                ModelWeights.classifierClasses(file, ResNets.architecture(config.model()))
                        .orElse(ResNets.defaultClasses(config.model())));
        // Built as the weights were trained: the stride placement of Bottleneck weights is in their metadata only.
        boolean strideOnFirst1x1 =
                ModelWeights.STRIDE_ON_1X1.equals(file.metadata().get(ModelWeights.BOTTLENECK_STRIDE));
        ResNet pretrained = ResNets.create(kernels, config.model(), new ModelOptions(options.classes(),
                options.shortcut(), strideOnFirst1x1, options.zeroInitResidual(), options.seed()));
        ModelWeights pretrainedWeights = ModelWeights.load(pretrained, config.weights(), file);
        Normalization normalization = inputNormalization(pretrainedWeights.normalizationIfRecorded());
        ImageFolder folder = ImageFolder.scan(config.data()).decodedBy(config.decoder());
        ImageFolder.Split split = folder.split(config.validationFraction(), config.seed());
        int batches = split.train().size() / config.batchSize();
        if (batches < 1) {
            throw new IllegalArgumentException(config.data() + ": " + split.train().size() + " training images give no "
                    + "full batch of " + config.batchSize() + "; use a smaller --batch");
        }
        ResNet model = pretrained.withNewHead(folder.classNames().size(), config.seed());
        if (config.freezeBackbone()) {
            model.setTrainable(false);
            model.setTrainable(true, "fc");
        }
        Sgd sgd = new Sgd(kernels, model.namedParameters(), 0.9, 1e-4, false);
        long iterations = (long) config.epochs() * batches;
        Recipe recipe = new Recipe(config.seed(), config.batchSize(), config.learningRate(), Schedule.COSINE, 0, 0, 0.9,
                1e-4, split.validation().size(), NormalizationKind.PER_CHANNEL, null, iterations);
        // The size the pretrained network learned at (weights trained or fine-tuned at another size record it).
        int size = config.imageSize() > 0 ? config.imageSize()
                : pretrainedWeights.imageSizeIfRecorded().orElse(model.architecture().family().imageSize());
        // Beyond the recipe, what else decides a fine-tuning run's trajectory: a resume must ask for the same.
        Map<String, String> runSettings = new LinkedHashMap<>();
        runSettings.put(FREEZE_BACKBONE, Boolean.toString(config.freezeBackbone()));
        runSettings.put(IMAGE_SIZE, Integer.toString(size));
        // Which images train (files, classes, sizes): a resume on a folder whose files were replaced is refused.
        java.util.Optional<String> trainingImages = folder.dataset(split.train(), size).fingerprint();
        if (!config.resume()) {
            // Checked before the directory is prepared, which may delete an earlier run; a resume checks the
            // normalization its checkpoint records, below.
            requireMeanImageFits(normalization, size);
        }
        Trainer.prepareDirectory(dir, config.resume(), overwrite);
        MetricsLog metrics = new MetricsLog(dir, config.model() + " fine-tuned on " + config.data().getFileName());
        Checkpoint.State state;
        if (config.resume() && Files.exists(Checkpoint.path(dir))) {
            state = Checkpoint.read(dir, config.model(), model, sgd, (saved, savedMetadata) -> {
                if (saved.recipe() != null) {
                    saved.recipe().requireContinuable(recipe, Checkpoint.path(dir));
                }
                requireSameSettings(savedMetadata, runSettings, Checkpoint.path(dir));
                TrainingRun.requireSameData(savedMetadata, trainingImages, Checkpoint.path(dir));
            });
            metrics.reload(state.iteration());
            LOG.info("resumed fine-tuning from {} at iteration {}", Checkpoint.path(dir), state.iteration());
            // The run goes on normalizing as it started (the checkpoint records it), whatever the weights file named
            // now records: the model's state comes from the checkpoint too.
            normalization = state.normalization();
        } else {
            state = new Checkpoint.State(0, new LoaderState(config.seed(), 0, 0, config.batchSize(),
                    split.train().size()), normalization, 0, 0, 0, 0, recipe);
        }
        requireMeanImageFits(normalization, size);
        float[] mean = normalization.mean();
        float[] std = normalization.std();
        boolean imagenet = model.architecture().family() == Architecture.Family.IMAGENET;
        // ImageNet networks: torchvision's recipe. CIFAR networks see whole small images: a milder crop.
        TrainingTransform augment = new TrainingTransform(size, imagenet ? 0.08 : 0.5, 1.0, 3.0 / 4, 4.0 / 3, mean, std);
        EvaluationTransform evaluate = new EvaluationTransform(imagenet ? (int) Math.round(size * 256.0 / 224) : size,
                size, mean, std);
        LOG.info("fine-tuning {} on {} classes ({} training, {} validation images), {}; {} iterations of batch {}",
                config.model(), folder.classNames().size(), split.train().size(), split.validation().size(),
                config.freezeBackbone() ? "backbone frozen" : "all layers", iterations, config.batchSize());
        // The checkpoints name the classes as the final weights do (eval and classify of a checkpoint); not compared.
        Map<String, String> checkpointMetadata = new LinkedHashMap<>(runSettings);
        checkpointMetadata.put(LABELS, String.join("\n", folder.classNames()));
        checkpointMetadata.putAll(exifMetadata());
        trainingImages.ifPresent(f -> checkpointMetadata.put(TrainingRun.DATA_FINGERPRINT, f));
        TrainingLoop loop = new TrainingLoop(model, config.model(), sgd, kernels, recipe, iterations,
                config.batchSize(), dir, metrics, split.validation().isEmpty() ? null : () -> {
                    try (BatchLoader loader = BatchLoader.imageFolderEvaluation(split.validation(), folder.decoder(), evaluate,
                            config.batchSize(), Layout.NHWC, decodeThreads)) {
                        return Evaluator.validate(model, kernels, loader);
                    }
                }, batches, batches, Math.max(1, batches / 4), listeners, checkpointMetadata);
        TrainingLoop.End end;
        try (BatchLoader loader = BatchLoader.imageFolderTraining(split.train(), folder.decoder(), augment, config.batchSize(),
                config.seed(), state.loader(), Layout.NHWC, decodeThreads)) {
            end = loop.run(state, loader);
        }
        Path weights = dir.resolve(Trainer.WEIGHTS_FILE);
        Map<String, String> metadata = new LinkedHashMap<>(NormalizationMetadata.toMetadata(normalization));
        metadata.put(TrainedWeights.MODEL, config.model());
        metadata.putAll(ModelWeights.layoutMetadata(model));
        metadata.put(LABELS, String.join("\n", folder.classNames()));
        metadata.put(IMAGE_SIZE, Integer.toString(size));
        metadata.putAll(exifMetadata());
        metadata.put("iterations", Long.toString(end.iteration()));
        StateDicts.save(model, weights, metadata);
        Evaluator.Result validation = end.validation();
        return new Trainer.Summary(end.iteration(), validation == null ? Double.NaN : validation.error(),
                validation == null ? 0 : validation.images(), end.lastTrainError(), end.elapsedSeconds(), weights);
    }

    /** How the images were read, when not the default: classify and serve then read theirs the same way. */
    private Map<String, String> exifMetadata() {
        return config.applyExifOrientation() ? Map.of()
                : Map.of(ImageDecoder.ORIENTATION_METADATA_KEY, config.decoder().orientationName());
    }

    private void requireMeanImageFits(Normalization normalization, int size) {
        if (normalization.perPixel() && normalization.meanImageSize() != size) {
            throw new IllegalArgumentException(config.weights() + " records a per-pixel mean image of "
                    + normalization.meanImageSize() + "x" + normalization.meanImageSize() + " (the paper's CIFAR "
                    + "input), which fits images of that size only, not --image-size " + size);
        }
    }

    /**
     * Refuses to resume a run whose checkpoint records other fine-tuning settings (a checkpoint written before they
     * were recorded has none, and resumes without the check): resuming a frozen-backbone run without the flag would
     * silently train the backbone too, and another image size would train on other inputs.
     */
    private static void requireSameSettings(Map<String, String> saved, Map<String, String> asked, Path checkpoint) {
        List<String> differences = new ArrayList<>();
        asked.forEach((key, value) -> {
            String was = saved.get(key);
            if (was != null && !was.equals(value)) {
                differences.add((key.equals(FREEZE_BACKBONE) ? "frozen backbone (--freeze-backbone)"
                        : "image size (--image-size)") + " saved " + was + ", asked " + value);
            }
        });
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("cannot resume from " + checkpoint + ": it was fine-tuned with other "
                    + "settings, so the run cannot continue exactly: " + String.join("; ", differences)
                    + ". Resume with the saved settings, or start a new run in another --checkpoint-dir");
        }
    }

    /**
     * The weights' recorded normalization (per-channel, or a per-pixel mean image, which then fixes the image size),
     * or ImageNet's.
     */
    private static Normalization inputNormalization(Normalization recorded) {
        return recorded != null ? recorded : new Normalization(PixelTensors.imagenetMean(), PixelTensors.imagenetStd());
    }
}
