package org.resnet4j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.resnet4j.data.Cifar10Dataset;
import org.resnet4j.data.Normalization;
import org.resnet4j.data.TrainValidationSplit;
import org.resnet4j.io.WeightFiles;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.StateDicts;
import org.resnet4j.models.ResNet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file that {@code train} wrote, read for evaluation: the final weights ({@code model.safetensors}) or the checkpoint
 * of a run still going. Either one loads into the network (a checkpoint's momentum buffers are skipped) and tells the
 * input normalization and the validation split its run held out, so evaluating needs nothing else.
 */
public final class TrainedWeights {
    /** The metadata key of the model's name, e.g. {@code resnet20}. */
    public static final String MODEL = "model";
    private static final Logger LOG = LoggerFactory.getLogger(TrainedWeights.class);
    private static final String VALIDATION_SIZE = "validation_size";
    private static final String SPLIT_SEED = "split_seed";

    private final Path path;
    private final Map<String, String> metadata;
    private final boolean checkpoint;

    private TrainedWeights(Path path, Map<String, String> metadata, boolean checkpoint) {
        this.path = path;
        this.metadata = metadata;
        this.checkpoint = checkpoint;
    }

    /**
     * Reads {@code path} and loads it into {@code model} strictly (every name must fit, as in load_state_dict). A file
     * that names its model ({@value #MODEL} in the metadata, as {@code train} writes) loads only into that
     * architecture: plain-20 and ResNet-20 have the same tensor names and shapes, so names alone would not tell them
     * apart. A file without the name loads with a warning.
     */
    public static TrainedWeights load(ResNet model, Path path) throws IOException {
        SafeTensorsFile file = WeightFiles.read(path);
        String recorded = file.metadata().get(MODEL);
        String architecture = model.architecture().name();
        if (recorded == null) {
            LOG.warn("{} does not record its model: loading it into {} by tensor names and shapes alone", path,
                    architecture);
        } else if (!recorded.equals(architecture)) {
            throw new IllegalArgumentException(path + ": weights of " + recorded + ", not " + architecture
                    + " (the file's metadata '" + MODEL + "'); build " + recorded + " to load them");
        }
        boolean checkpoint = Checkpoint.isCheckpoint(file);
        if (checkpoint) {
            Checkpoint.loadModelState(model, file);
        } else {
            StateDicts.load(model, file);
        }
        return new TrainedWeights(path, file.metadata(), checkpoint);
    }

    /** The metadata entries of the final weights that {@link #split} reads back. */
    static Map<String, String> splitMetadata(int validationSize, long seed) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(VALIDATION_SIZE, Integer.toString(validationSize));
        metadata.put(SPLIT_SEED, Long.toString(seed));
        return metadata;
    }

    /** The file's metadata (a copy). */
    public Map<String, String> metadata() {
        return Map.copyOf(metadata);
    }

    /** The input normalization the file records, or null when it records none (a converted torchvision file). */
    public Normalization normalizationIfRecorded() {
        return NormalizationMetadata.fromMetadata(metadata, path.toString());
    }

    /** The input normalization the network was trained with. */
    public Normalization normalization() {
        Normalization normalization = NormalizationMetadata.fromMetadata(metadata, path.toString());
        if (normalization == null) {
            throw new IllegalArgumentException(path + ": no normalization in the metadata (" + Normalization.MEAN_KEY
                    + ", " + Normalization.STD_KEY + "); weights and checkpoints written by 'train' carry it");
        }
        return normalization;
    }

    /** The training run's split of {@code training} into the images it trained on and those it held out. */
    public TrainValidationSplit split(Cifar10Dataset training) throws IOException {
        if (checkpoint) {
            // A checkpoint keeps the split in its recipe, parsed and checked where the recipe is.
            Recipe recipe = Recipe.fromMetadata(metadata, path);
            if (recipe == null) {
                throw new IllegalArgumentException(path + ": the checkpoint predates recorded recipes, so it does not "
                        + "record the validation split; only --split test can be evaluated with it");
            }
            return TrainValidationSplit.of(training, recipe.validationSize(), recipe.seed());
        }
        try {
            return TrainValidationSplit.of(training, Integer.parseInt(required(VALIDATION_SIZE).trim()),
                    Long.parseLong(required(SPLIT_SEED).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(path + ": metadata " + VALIDATION_SIZE + " or " + SPLIT_SEED
                    + " is not a whole number (" + e.getMessage() + ")");
        }
    }

    private String required(String key) {
        String text = metadata.get(key);
        if (text == null) {
            throw new IllegalArgumentException(path + ": the metadata does not record the validation split (no "
                    + key + "); only --split test can be evaluated with it");
        }
        return text;
    }
}
