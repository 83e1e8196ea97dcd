package org.resnet4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.resnet4j.data.LoaderState;
import org.resnet4j.data.Normalization;
import org.resnet4j.io.ModelWeights;
import org.resnet4j.io.NormalizationMetadata;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.SafeTensorsException;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.StateDicts;
import org.resnet4j.io.TensorEntry;
import org.resnet4j.models.ResNet;
import org.resnet4j.nn.Module;
import org.resnet4j.optim.Sgd;

/**
 * Everything a run needs to continue exactly: the model's state (torchvision names), the momentum buffers
 * ({@code optimizer.momentum.<name>}), and in the metadata the iteration, the data order position, the
 * normalization, the running training statistics and the run's {@link Recipe} (so that a resume with other settings
 * is caught). One safetensors file, written atomically.
 *
 * <p>Holds no state: its methods may run on several threads at once for different runs. Writing reads, and reading
 * changes, the model and optimizer it is given, so the thread that trains them calls it, between steps.
 */
public final class Checkpoint {
    public static final String FILE = "checkpoint.safetensors";
    static final String FORMAT = ModelWeights.CHECKPOINT_FORMAT;

    /**
     * The position and running statistics of a run at a checkpoint. Immutable (its loader state, normalization and
     * recipe are too); safe to share between threads.
     *
     * @param recipe the settings of the run that wrote it; null in a checkpoint written before recipes were recorded
     */
    public record State(long iteration, LoaderState loader, Normalization normalization, double lossSum,
                        long correct, long images, double elapsedSeconds, Recipe recipe) {
    }

    private Checkpoint() {
    }

    public static Path path(Path directory) {
        return directory.resolve(FILE);
    }

    public static void write(Path directory, String modelName, ResNet model, Sgd optimizer, State state)
            throws IOException {
        write(directory, modelName, model, optimizer, state, Map.of());
    }

    /**
     * As {@link #write(Path, String, ResNet, Sgd, State)}, with {@code runSettings}: metadata entries of settings a kind
     * of run decides its trajectory by beyond the {@link Recipe} (fine-tuning's frozen backbone and image size).
     */
    static void write(Path directory, String modelName, ResNet model, Sgd optimizer, State state,
                      Map<String, String> runSettings) throws IOException {
        Objects.requireNonNull(state.recipe(), "a checkpoint is written with the recipe of its run");
        List<TensorEntry> entries = new ArrayList<>(StateDicts.entries(model));
        entries.addAll(MomentumEntries.of(optimizer));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.put(TrainedWeights.MODEL, modelName);
        metadata.putAll(ModelWeights.layoutMetadata(model));
        metadata.put("iteration", Long.toString(state.iteration()));
        metadata.put("loader", join(state.loader().toArray()));
        metadata.put("train_loss_sum", Double.toString(state.lossSum()));
        metadata.put("train_correct", Long.toString(state.correct()));
        metadata.put("train_images", Long.toString(state.images()));
        metadata.put("elapsed_seconds", Double.toString(state.elapsedSeconds()));
        metadata.putAll(NormalizationMetadata.toMetadata(state.normalization()));
        metadata.putAll(state.recipe().toMetadata());
        metadata.putAll(runSettings);
        SafeTensors.write(path(directory), entries, metadata);
    }

    /**
     * Loads the checkpoint in {@code directory} into the model and optimizer and returns the run's position and
     * recipe; comparing the recipe with the resuming run's is the caller's job.
     */
    public static State read(Path directory, String modelName, ResNet model, Sgd optimizer) throws IOException {
        return read(directory, modelName, model, optimizer, (state, metadata) -> { });
    }

    /**
     * As {@link #read(Path, String, ResNet, Sgd)}, with {@code check} run on the checkpoint's state and metadata before
     * the model or the optimizer changes: a resume it refuses (by throwing) leaves both as they were.
     */
    static State read(Path directory, String modelName, ResNet model, Sgd optimizer,
                      BiConsumer<State, Map<String, String>> check) throws IOException {
        Path file = path(directory);
        if (!Files.exists(file)) {
            throw new IOException("cannot resume: no checkpoint at " + file);
        }
        SafeTensorsFile contents = SafeTensors.read(file);
        if (!isCheckpoint(contents)) {
            throw new SafeTensorsException(file + ": not a resnet4j checkpoint (metadata format is "
                    + contents.metadata().get("format") + ", expected " + FORMAT + ")");
        }
        String savedModel = contents.metadataValue(TrainedWeights.MODEL);
        if (!savedModel.equals(modelName)) {
            throw new SafeTensorsException(file + ": the checkpoint is of model " + savedModel + ", not " + modelName);
        }
        // Everything is read and checked before the model or the optimizer changes, so a bad checkpoint leaves both
        // as they were.
        State state = state(file, contents);
        check.accept(state, contents.metadata());
        ModelWeights.requireSameStridePlacement(model, file, contents);
        Map<String, float[]> momentum = MomentumEntries.read(contents, optimizer, file.toString());
        loadModelState(model, contents);
        optimizer.loadVelocities(momentum);
        return state;
    }

    private static State state(Path file, SafeTensorsFile contents) throws SafeTensorsException {
        try {
            return new State(Long.parseLong(contents.metadataValue("iteration")),
                    LoaderState.fromArray(split(contents.metadataValue("loader"))),
                    NormalizationMetadata.fromMetadata(contents.metadata(), file.toString()),
                    Double.parseDouble(contents.metadataValue("train_loss_sum")),
                    Long.parseLong(contents.metadataValue("train_correct")),
                    Long.parseLong(contents.metadataValue("train_images")),
                    Double.parseDouble(contents.metadataValue("elapsed_seconds")),
                    Recipe.fromMetadata(contents.metadata(), file));
        } catch (IllegalArgumentException e) {
            // A number that does not parse, or a normalization or loader position that does not fit: either way the
            // file is what is wrong, so it is reported as a bad file, never as a bad argument of the caller's.
            String detail = String.valueOf(e.getMessage()).replace(file + ": ", "").replaceFirst("^metadata ", "");
            throw new SafeTensorsException(file + ": malformed checkpoint metadata: " + detail, e);
        }
    }

    /** True when {@code file} was written by {@link #write} (its metadata names the checkpoint format). */
    static boolean isCheckpoint(SafeTensorsFile file) {
        return ModelWeights.isCheckpoint(file);
    }

    /** Loads a checkpoint's network state into {@code model} strictly, leaving out the optimizer's momentum. */
    static void loadModelState(Module model, SafeTensorsFile contents) throws SafeTensorsException {
        ModelWeights.loadCheckpointModel(model, contents);
    }

    private static String join(long[] values) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            text.append(i == 0 ? "" : ",").append(values[i]);
        }
        return text.toString();
    }

    private static long[] split(String text) {
        String[] parts = text.split(",");
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = Long.parseLong(parts[i].trim());
        }
        return values;
    }
}
