package org.resnet4j.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.resnet4j.data.Normalization;
import org.resnet4j.models.Architecture;
import org.resnet4j.models.ResNet;
import org.resnet4j.nn.Module;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A weights file read for inference: safetensors or a PyTorch checkpoint, the final weights of a run or the checkpoint
 * of one still going (its optimizer state is left out), loaded into a network that must be the one the file names,
 * and what the file records beside the tensors: the input normalization and, for a fine-tuned network, the class
 * names. Everything an inference command needs from a file, without the training loop.
 *
 * <p>Immutable; safe to share between threads. Loading writes the weights of the network it is given, which no other
 * thread may use meanwhile.
 */
public final class ModelWeights {
    /** The metadata key of the model's name, e.g. {@code resnet20}. */
    public static final String MODEL = "model";
    /** The metadata key of the class names, one per line in label order (a fine-tuned network records them). */
    public static final String LABELS = "labels";
    /**
     * The metadata key of the side of the square images the network was trained on, when it is not its family's
     * (fine-tuning at {@code --image-size}): inference then prepares images at that size by default.
     */
    public static final String IMAGE_SIZE = "image_size";
    /**
     * The metadata key of the side an image's shorter side was resized to before the center crop of
     * {@value #IMAGE_SIZE} when the network was trained, when it is not torchvision's 256/224 of the crop an ImageNet
     * network's inference takes by default ({@code train}: the whole image, resized to the crop's side).
     */
    public static final String RESIZE = "resize";
    /**
     * The metadata key of where a Bottleneck network's stride sits: {@value #STRIDE_ON_3X3} (torchvision's "v1.5",
     * the default) or {@value #STRIDE_ON_1X1} (the paper's "v1"). The two have the same tensor names and shapes, so
     * only this tells them apart.
     */
    public static final String BOTTLENECK_STRIDE = "bottleneck_stride";
    public static final String STRIDE_ON_3X3 = "3x3";
    public static final String STRIDE_ON_1X1 = "1x1";
    /** The metadata value of {@code format} that marks a training checkpoint. */
    public static final String CHECKPOINT_FORMAT = "resnet4j-checkpoint-1";
    /** The metadata value of {@code format} that marks a checkpoint of a Spark run (module resnet4j-spark). */
    public static final String SPARK_CHECKPOINT_FORMAT = "resnet4j-spark-checkpoint-1";
    private static final String SPARK_RECIPE_MODEL = "recipe.model";
    /** Where a training checkpoint keeps its optimizer state: tensors under this prefix are no part of the model. */
    public static final String CHECKPOINT_OPTIMIZER_PREFIX = "optimizer.momentum.";
    private static final String CLASSIFIER_BIAS = "fc.bias";
    private static final String CLASSIFIER_WEIGHT = "fc.weight";
    private static final Logger LOG = LoggerFactory.getLogger(ModelWeights.class);

    private final Path path;
    private final Map<String, String> metadata;
    private final boolean checkpoint;

    private ModelWeights(Path path, Map<String, String> metadata, boolean checkpoint) {
        this.path = path;
        this.metadata = Map.copyOf(metadata);
        this.checkpoint = checkpoint;
    }

    /**
     * Reads {@code path} and loads it into {@code model} strictly (every name must fit, as in load_state_dict). A file
     * that names its model ({@value #MODEL} in the metadata, as {@code train} writes) loads only into that
     * architecture: plain-20 and ResNet-20 have the same tensor names and shapes, so names alone would not tell them
     * apart. A file without the name loads with a warning.
     */
    public static ModelWeights load(ResNet model, Path path) throws IOException {
        return load(model, path, WeightFiles.read(path));
    }

    /**
     * As {@link #load(ResNet, Path)}, for {@code file} read from {@code path} already ({@link WeightFiles#read}): a
     * caller that builds the network the file describes ({@link #recordedModel}, {@link #classifierClasses}) reads it
     * once.
     */
    public static ModelWeights load(ResNet model, Path path, SafeTensorsFile file) throws SafeTensorsException {
        if (recordedModel(file).isEmpty()) {
            LOG.warn("{} does not record its model: loading it into {} by tensor names and shapes alone", path,
                    model.architecture().name());
        }
        requireRecordedArchitecture(model, path, file);
        boolean checkpoint = isCheckpoint(file) || isSparkCheckpoint(file);
        try {
            if (checkpoint) {
                loadCheckpointModel(model, file);
            } else {
                StateDicts.load(model, file);
            }
        } catch (SafeTensorsException e) {
            throw withClassHint(e, file, model);
        }
        return new ModelWeights(path, file.metadata(), checkpoint);
    }

    /**
     * Refuses weights recorded for another network than {@code model}: another model ({@value #MODEL}; plain-20 and
     * ResNet-20 have the same tensor names and shapes, so names alone would not tell them apart) or another Bottleneck
     * stride placement ({@link #requireSameStridePlacement}). A file that records neither passes.
     *
     * @throws IllegalArgumentException naming the file, what it records and what to build
     */
    public static void requireRecordedArchitecture(ResNet model, Path path, SafeTensorsFile file) {
        String recorded = recordedModel(file).orElse(null);
        String architecture = model.architecture().name();
        if (recorded != null && !recorded.equals(architecture)) {
            throw new IllegalArgumentException(path + ": weights of " + recorded + ", not " + architecture
                    + " (the file's metadata '" + MODEL + "'); build " + recorded + " to load them");
        }
        requireSameStridePlacement(model, path, file);
    }

    /**
     * What a file records of {@code model} that its tensors do not show: for a Bottleneck network, where its stride
     * sits ({@value #BOTTLENECK_STRIDE}); nothing for a network of basic blocks. Every writer of weights adds it.
     */
    public static Map<String, String> layoutMetadata(ResNet model) {
        if (model.architecture().block() != Architecture.BlockType.BOTTLENECK) {
            return Map.of();
        }
        return Map.of(BOTTLENECK_STRIDE, stridePlacement(model));
    }

    private static String stridePlacement(ResNet model) {
        return model.options().strideOnFirst1x1() ? STRIDE_ON_1X1 : STRIDE_ON_3X3;
    }

    /**
     * Weights trained with the stride on the first 1x1 give other outputs in a network with it on the 3x3, and the
     * other way round, with every tensor fitting: a file that records its placement loads only into a network built
     * the same way. A file that records none (torchvision's, a converted one) is taken as it is, with a warning when
     * the network is "v1", since torchvision's Bottleneck weights are "v1.5".
     */
    public static void requireSameStridePlacement(ResNet model, Path path, SafeTensorsFile file) {
        if (model.architecture().block() != Architecture.BlockType.BOTTLENECK) {
            return;
        }
        String recorded = file.metadata().get(BOTTLENECK_STRIDE);
        String built = stridePlacement(model);
        if (recorded == null) {
            if (built.equals(STRIDE_ON_1X1)) {
                LOG.warn("{} does not record where its Bottleneck stride sits; the network has it on the first 1x1 "
                        + "(v1), torchvision's weights on the 3x3 (v1.5)", path);
            }
            return;
        }
        if (!recorded.equals(STRIDE_ON_3X3) && !recorded.equals(STRIDE_ON_1X1)) {
            throw new IllegalArgumentException(path + ": metadata " + BOTTLENECK_STRIDE + " is '" + recorded
                    + "', expected " + STRIDE_ON_3X3 + " or " + STRIDE_ON_1X1);
        }
        if (!recorded.equals(built)) {
            throw new IllegalArgumentException(path + ": weights of a " + model.architecture().name()
                    + " with the Bottleneck stride on the " + recorded + ", the network has it on the " + built
                    + " (the file's metadata '" + BOTTLENECK_STRIDE + "'); build it "
                    + (recorded.equals(STRIDE_ON_1X1) ? "with" : "without") + " the stride on the first 1x1 "
                    + "(on the command line: --stride-on-first-1x1)");
        }
    }

    /**
     * A network built for another class count than the file's (a fine-tuned network of 2 classes loaded into the
     * default 10) fails on fc's shapes among the rest: the message then says which count to build.
     */
    private static SafeTensorsException withClassHint(SafeTensorsException e, SafeTensorsFile file, ResNet model) {
        // The load's own error stands when the file's classifier could not be built either.
        OptionalInt fileClasses = backedClasses(file, model.architecture());
        if (fileClasses.isEmpty() || fileClasses.getAsInt() == model.classes()) {
            return e;
        }
        int classes = fileClasses.getAsInt();
        return new SafeTensorsException(e.getMessage() + ". The file's classifier has " + classes + " classes, the "
                + "network " + model.classes() + ": build it with " + classes + " classes (on the command line: "
                + "--classes " + classes + ", or no --classes)", e);
    }

    /**
     * The network {@code file} names ({@value #MODEL} in its metadata, as {@code train} writes it; a Spark run's
     * checkpoint names it in its recipe), or empty.
     */
    public static Optional<String> recordedModel(SafeTensorsFile file) {
        String model = file.metadata().get(MODEL);
        return Optional.ofNullable(model != null || !isSparkCheckpoint(file) ? model
                : file.metadata().get(SPARK_RECIPE_MODEL));
    }

    /**
     * True when {@code file} is a Spark run's checkpoint ({@value #SPARK_CHECKPOINT_FORMAT}): the state dict and the
     * momentum buffers under the same names as a training checkpoint's, so inference reads it the same way.
     */
    public static boolean isSparkCheckpoint(SafeTensorsFile file) {
        return SPARK_CHECKPOINT_FORMAT.equals(file.metadata().get("format"));
    }

    /**
     * The class count of {@code file}'s classifier, the length of its {@code fc.bias} (torchvision's name, and every
     * resnet4j network's) or, without one, the rows of {@code fc.weight}; empty when it has neither.
     *
     * @throws IllegalArgumentException naming the file and the shape when {@code fc.weight} has a dimension below 1
     */
    public static OptionalInt classifierClasses(SafeTensorsFile file) {
        requireNonEmptyClassifier(file);
        return declaredClasses(file);
    }

    /**
     * As {@link #classifierClasses(SafeTensorsFile)}, for building a {@code network} to load {@code file} into: the
     * count only when {@code fc.weight} is there with that many rows of the width {@code network}'s last stage gives,
     * else empty (the load then names what does not fit). So the classifier built is never larger than the one the
     * file holds: a 120 MB {@code fc.bias} alone, or an {@code fc.weight} one feature wide, would otherwise ask for
     * tens of millions of classes of 64 or 2048 weights each.
     *
     * @throws IllegalArgumentException naming the file and the shape when {@code fc.weight} has a dimension below 1
     */
    public static OptionalInt classifierClasses(SafeTensorsFile file, Architecture network) {
        requireNonEmptyClassifier(file);
        return backedClasses(file, network);
    }

    /** A header can declare an empty tensor of any number of rows for no bytes: 30 million classes for nothing. */
    private static void requireNonEmptyClassifier(SafeTensorsFile file) {
        TensorEntry weight = file.tensors().get(CLASSIFIER_WEIGHT);
        if (weight != null && weight.rank() == 2 && weight.elementCount() == 0) {
            throw new IllegalArgumentException(file.source() + ": the classifier " + CLASSIFIER_WEIGHT + " has shape "
                    + Arrays.toString(weight.shape())
                    + "; a classifier needs at least one class and one input feature");
        }
    }

    private static OptionalInt declaredClasses(SafeTensorsFile file) {
        TensorEntry bias = file.tensors().get(CLASSIFIER_BIAS);
        if (bias != null && bias.shape().length == 1) {
            return classCount(bias.shape()[0]);
        }
        // A classifier saved without its bias still has one row of weights per class.
        TensorEntry weight = file.tensors().get(CLASSIFIER_WEIGHT);
        return weight != null && weight.shape().length == 2 ? classCount(weight.shape()[0]) : OptionalInt.empty();
    }

    private static OptionalInt backedClasses(SafeTensorsFile file, Architecture network) {
        OptionalInt classes = declaredClasses(file);
        TensorEntry weight = file.tensors().get(CLASSIFIER_WEIGHT);
        boolean backed = classes.isPresent() && weight != null
                && Arrays.equals(weight.shape(), new long[] {classes.getAsInt(), network.features()});
        return backed ? classes : OptionalInt.empty();
    }

    private static OptionalInt classCount(long rows) {
        return rows >= 1 && rows <= Integer.MAX_VALUE ? OptionalInt.of((int) rows) : OptionalInt.empty();
    }

    /**
     * What weights trained on whole {@code size} x {@code size} images record of them for inference: {@value
     * #IMAGE_SIZE} when it is not the family's (32 or 224), and for an ImageNet network {@value #RESIZE} (the images
     * were resized to that side, not to torchvision's 256/224 of it, a tighter crop). Single-process and Spark
     * training write the same entries.
     */
    public static Map<String, String> trainedImageMetadata(Architecture.Family family, int size) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (size != family.imageSize()) {
            metadata.put(IMAGE_SIZE, Integer.toString(size));
        }
        if (family == Architecture.Family.IMAGENET) {
            metadata.put(RESIZE, Integer.toString(size));
        }
        return metadata;
    }

    /** True when {@code file} is a training checkpoint (its metadata names {@value #CHECKPOINT_FORMAT}). */
    public static boolean isCheckpoint(SafeTensorsFile file) {
        return CHECKPOINT_FORMAT.equals(file.metadata().get("format"));
    }

    /** Loads a checkpoint's network state into {@code model} strictly, leaving out the optimizer's state. */
    public static void loadCheckpointModel(Module model, SafeTensorsFile file) throws SafeTensorsException {
        StateDicts.load(model, file, CHECKPOINT_OPTIMIZER_PREFIX);
    }

    /** The file read. */
    public Path path() {
        return path;
    }

    /** True when the file is a training checkpoint rather than final weights. */
    public boolean checkpoint() {
        return checkpoint;
    }

    /** The file's metadata (unmodifiable). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The input normalization the file records, or null when it records none (a converted torchvision file). */
    public Normalization normalizationIfRecorded() {
        return NormalizationMetadata.fromMetadata(metadata, path.toString());
    }

    /** The input normalization the network was trained with; an error when the file records none. */
    public Normalization normalization() {
        Normalization normalization = normalizationIfRecorded();
        if (normalization == null) {
            throw new IllegalArgumentException(path + ": no normalization in the metadata (" + Normalization.MEAN_KEY
                    + ", " + Normalization.STD_KEY + "); weights and checkpoints written by 'train' carry it");
        }
        return normalization;
    }

    /** The image side the file records ({@value #IMAGE_SIZE}, as {@code finetune} writes it), or empty. */
    public OptionalInt imageSizeIfRecorded() {
        return pixelsIfRecorded(IMAGE_SIZE);
    }

    /** The shorter side before the crop the file records ({@value #RESIZE}, as {@code train} writes it), or empty. */
    public OptionalInt resizeIfRecorded() {
        return pixelsIfRecorded(RESIZE);
    }

    /**
     * The image side {@code file} records, read before a model is built (as {@link #imageSizeIfRecorded()}).
     *
     * @throws IllegalArgumentException when the record is not a positive whole number, naming {@code path}
     */
    public static OptionalInt recordedImageSize(Path path, SafeTensorsFile file) {
        return pixelsIfRecorded(file.metadata(), IMAGE_SIZE, path);
    }

    private OptionalInt pixelsIfRecorded(String key) {
        return pixelsIfRecorded(metadata, key, path);
    }

    private static OptionalInt pixelsIfRecorded(Map<String, String> metadata, String key, Path path) {
        String text = metadata.get(key);
        if (text == null) {
            return OptionalInt.empty();
        }
        try {
            int pixels = Integer.parseInt(text.strip());
            if (pixels >= 1) {
                return OptionalInt.of(pixels);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(path + ": metadata '" + key + "' must be a positive whole number of "
                + "pixels, got '" + text + "'");
    }

    /** The class names the file records ({@value #LABELS}, as {@code finetune} writes them), or null. */
    public List<String> labelsIfRecorded() {
        String text = metadata.get(LABELS);
        return text == null ? null : text.lines().toList();
    }
}
