package org.resnet4j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.resnet4j.data.Cifar10Dataset;
import org.resnet4j.data.LoaderState;
import org.resnet4j.data.Normalization;
import org.resnet4j.data.TrainValidationSplit;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.io.SafeTensorsException;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.models.ResNet;

/**
 * A file that {@code train} wrote, read for evaluation: the final weights ({@code model.safetensors}) or the checkpoint
 * of a run still going. Loading is {@link ModelWeights#load}'s (a checkpoint's momentum buffers are skipped); this adds
 * what only a training run records, the validation split it held out, so evaluating needs nothing else.
 *
 * <p>Immutable once loaded; safe to share between threads. Loading writes the weights of the network it is given, which
 * no other thread may use meanwhile.
 */
public final class TrainedWeights {
    /** The metadata key of the model's name, e.g. {@code resnet20}. */
    public static final String MODEL = ModelWeights.MODEL;
    static final String VALIDATION_SIZE = "validation_size";
    private static final String SPLIT_SEED = "split_seed";
    /** The final weights' count of the images trained on (TrainingRun writes it). */
    private static final String TRAINING_IMAGES = "training_images";
    /** A checkpoint's loader position, whose last value is the number of images trained on (Checkpoint writes it). */
    private static final String LOADER = "loader";

    private final ModelWeights weights;
    private final Path path;
    private final Map<String, String> metadata;

    private TrainedWeights(ModelWeights weights) {
        this.weights = weights;
        this.path = weights.path();
        this.metadata = weights.metadata();
    }

    /** Reads {@code path} into {@code model} as {@link ModelWeights#load} does. */
    public static TrainedWeights load(ResNet model, Path path) throws IOException {
        return new TrainedWeights(ModelWeights.load(model, path));
    }

    /** Loads {@code file}, read from {@code path} already, into {@code model} as {@link ModelWeights#load} does. */
    public static TrainedWeights load(ResNet model, Path path, SafeTensorsFile file) throws SafeTensorsException {
        return new TrainedWeights(ModelWeights.load(model, path, file));
    }

    /** The metadata entries of the final weights and checkpoints that {@link #split} reads back. */
    static Map<String, String> splitMetadata(int validationSize, long seed) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(VALIDATION_SIZE, Integer.toString(validationSize));
        metadata.put(SPLIT_SEED, Long.toString(seed));
        return metadata;
    }

    /** The file as inference reads it: metadata, normalization, class names. */
    public ModelWeights weights() {
        return weights;
    }

    /** The file's metadata ({@link ModelWeights#metadata}). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The input normalization the network was trained with ({@link ModelWeights#normalization}). */
    public Normalization normalization() {
        return weights.normalization();
    }

    /** The training run's split of {@code training} into the images it trained on and those it held out. */
    public TrainValidationSplit split(Cifar10Dataset training) throws IOException {
        if (metadata.containsKey(FineTuner.FREEZE_BACKBONE)) {
            // Fine-tuning held its images out of its image folder, per class (ImageFolder.split); a split recomputed
            // over CIFAR-10's batches from the recipe would name other images, most of them trained on.
            throw new IllegalArgumentException(path + ": a fine-tuning run's file: it held its validation images out "
                    + "of its image folder, not of CIFAR-10's batches; evaluate it on an image folder, or with --split "
                    + "test");
        }
        if (weights.checkpoint() && !metadata.containsKey(SPLIT_SEED)) {
            if (metadata.containsKey(VALIDATION_SIZE)) {
                // Written by a run given its validation images by its caller (Training.validation): the recipe's seed
                // is the data order's, not necessarily the split's, so recomputing from it could name trained images.
                throw new IllegalArgumentException(path + ": the run was given its validation images by its caller, so "
                        + "the checkpoint does not record the validation split; only --split test can be evaluated "
                        + "with it");
            }
            // A checkpoint of the train command written before checkpoints recorded the split: its recipe's seed and
            // validation size are the split's.
            Recipe recipe = Recipe.fromMetadata(metadata, path);
            if (recipe == null) {
                throw new IllegalArgumentException(path + ": the checkpoint predates recorded recipes, so it does not "
                        + "record the validation split; only --split test can be evaluated with it");
            }
            requireSameData(training, recipe.validationSize());
            return TrainValidationSplit.of(training, recipe.validationSize(), recipe.seed());
        }
        int validationSize;
        long seed;
        try {
            validationSize = Integer.parseInt(required(VALIDATION_SIZE).trim());
            seed = Long.parseLong(required(SPLIT_SEED).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(path + ": metadata " + VALIDATION_SIZE + " or " + SPLIT_SEED
                    + " is not a whole number (" + e.getMessage() + ")");
        }
        requireSameData(training, validationSize);
        return TrainValidationSplit.of(training, validationSize, seed);
    }

    /**
     * Refuses data of another size than the run split: the split is recomputed from the data's size, so other data
     * gives other held-out images, possibly ones the run trained on, evaluated without a word. Files that record
     * neither the training images nor the loader are not compared.
     */
    private void requireSameData(Cifar10Dataset training, int validationSize) {
        Long trained = trainingImages();
        if (trained == null || trained + validationSize == training.size()) {
            return;
        }
        throw new IllegalArgumentException(path + ": the run trained on " + trained + " images and held out "
                + validationSize + " (" + (trained + validationSize) + " in all), but the data given has "
                + training.size() + " training images; the held-out images are recomputed from the data, so it must "
                + "be the run's (the same files and records per file)");
    }

    /**
     * The number of images the run trained on: the final weights' {@code training_images}, or the dataset size of a
     * checkpoint's loader position; null when the file records neither.
     */
    private Long trainingImages() {
        try {
            String recorded = metadata.get(TRAINING_IMAGES);
            if (recorded != null) {
                return Long.parseLong(recorded.trim());
            }
            String loader = weights.checkpoint() ? metadata.get(LOADER) : null;
            if (loader != null) {
                return (long) LoaderState.fromArray(Arrays.stream(loader.split(",")).map(String::trim)
                        .mapToLong(Long::parseLong).toArray()).datasetSize();
            }
            return null;
        } catch (IllegalArgumentException e) { // a number that does not parse, or a loader position that does not fit
            throw new IllegalArgumentException(path + ": metadata " + TRAINING_IMAGES + " or " + LOADER
                    + " is malformed (" + e.getMessage() + ")", e);
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
