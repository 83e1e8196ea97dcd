package org.resnet4j.train;

import static org.resnet4j.data.Augmentation.PAD_CROP_FLIP;
import static org.resnet4j.data.NormalizationKind.PER_CHANNEL;
import static org.resnet4j.train.Schedule.PAPER_STEPS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.data.LoaderState;
import org.resnet4j.data.Normalization;
import org.resnet4j.io.AtomicFiles;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.SafeTensorsException;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.StateDicts;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.optim.Sgd;
import org.resnet4j.tensor.Tensor;

/** A checkpoint carries the whole state of a run, and a failed write never damages the previous one. */
class CheckpointTest {
    private static final Checkpoint.State STATE = new Checkpoint.State(1234, new LoaderState(-7, 3, 17, 128, 45_000),
            new Normalization(new float[] {0.49f, 0.48f, 0.45f}, new float[] {0.25f, 0.24f, 0.26f}), 123.456789,
            987, 1024, 42.5, new Recipe(-7, 128, 0.1, PAPER_STEPS, 400, 0.01, 0.9, 1e-4, 5_000, PER_CHANNEL, PAD_CROP_FLIP, 64_000));

    @TempDir
    Path dir;

    private static ResNet model(long seed) {
        return ResNets.create("resnet20", ModelOptions.defaults(10).withSeed(seed));
    }

    private static Sgd sgd(ResNet model) {
        return new Sgd(Kernels.active(), model.namedParameters(), 0.9, 1e-4, false);
    }

    /** Non-default running statistics, counters and momentum, so that a round trip has something to carry. */
    private static Sgd randomize(ResNet model, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (Tensor buffer : model.namedBuffers().values()) {
            for (int i = 0; i < buffer.size(); i++) {
                buffer.data()[i] = (float) random.nextDouble(0.5, 1.5);
            }
        }
        model.namedCounters().values().forEach(c -> c[0] = random.nextInt(1, 100));
        Sgd sgd = sgd(model);
        Map<String, float[]> velocities = sgd.velocities();
        for (float[] v : velocities.values()) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) random.nextGaussian();
            }
        }
        sgd.loadVelocities(velocities);
        return sgd;
    }

    @Test
    void readRestoresWeightsStatisticsCountersMomentumAndPosition() throws IOException {
        ResNet saved = model(1);
        Sgd savedSgd = randomize(saved, 1);
        Checkpoint.write(dir, "resnet20", saved, savedSgd, STATE);
        ResNet loaded = model(2);
        Sgd loadedSgd = sgd(loaded);

        Checkpoint.State state = Checkpoint.read(dir, "resnet20", loaded, loadedSgd);

        assertEquals(STATE, state);
        saved.namedParameters().forEach((name, p) ->
                assertArrayEquals(p.value().data(), loaded.namedParameters().get(name).value().data(), name));
        saved.namedBuffers().forEach((name, b) -> assertArrayEquals(b.data(), loaded.namedBuffers().get(name).data(),
                name));
        saved.namedCounters().forEach((name, c) -> assertEquals(c[0], loaded.namedCounters().get(name)[0], name));
        assertEquals(savedSgd.velocities().keySet(), loadedSgd.velocities().keySet());
        savedSgd.velocities().forEach((name, v) -> assertArrayEquals(v, loadedSgd.velocities().get(name), name));
    }

    /** A crash while writing (here: the writer fails half-way) leaves the previous checkpoint whole and no debris. */
    @Test
    void aFailedWriteLeavesThePreviousCheckpointIntactAndNoTemporaryFile() throws IOException {
        ResNet model = model(1);
        Checkpoint.write(dir, "resnet20", model, randomize(model, 1), STATE);
        byte[] before = Files.readAllBytes(Checkpoint.path(dir));

        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(Checkpoint.path(dir), out -> {
            out.write(new byte[before.length / 2]);
            throw new IOException("no space left on device (simulated)");
        }));

        assertEquals(Checkpoint.path(dir) + ": cannot write: no space left on device (simulated)", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(Checkpoint.path(dir)));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(Checkpoint.FILE), files.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals(STATE, Checkpoint.read(dir, "resnet20", model(3), sgd(model(3))));
    }

    /** Checkpoints written before recipes were recorded (a run of 64k iterations writes them) must still load. */
    @Test
    void aCheckpointWithoutRecipeKeysReadsWithANullRecipe() throws IOException {
        ResNet model = model(1);
        Checkpoint.write(dir, "resnet20", model, sgd(model), STATE);
        rewriteMetadata(metadata -> metadata.keySet().removeIf(k -> k.startsWith(Recipe.PREFIX)));

        Checkpoint.State state = Checkpoint.read(dir, "resnet20", model, sgd(model));

        assertNull(state.recipe());
        assertEquals(STATE.iteration(), state.iteration());
        assertEquals(STATE.loader(), state.loader());
    }

    @Test
    void aRecipeWithAMissingKeyIsRefusedNamingTheKey() throws IOException {
        ResNet model = model(1);
        Checkpoint.write(dir, "resnet20", model, sgd(model), STATE);
        rewriteMetadata(metadata -> metadata.remove(Recipe.PREFIX + "momentum"));

        SafeTensorsException e = assertThrows(SafeTensorsException.class,
                () -> Checkpoint.read(dir, "resnet20", model, sgd(model)));

        assertTrue(e.getMessage().contains(Checkpoint.path(dir) + ": checkpoint metadata has recipe keys but no "
                + "recipe.momentum"), e.getMessage());
    }

    /** Each kind of bad checkpoint is refused before the model or the optimizer changes: both stay as they were. */
    @Test
    void aRefusedCheckpointLeavesModelAndOptimizerExactlyAsTheyWere() throws IOException {
        ResNet saved = model(1);
        Checkpoint.write(dir, "resnet20", saved, randomize(saved, 1), STATE);
        List<Consumer<Map<String, String>>> badMetadata = List.of(
                metadata -> metadata.put("iteration", "twelve"),
                metadata -> metadata.remove(Recipe.PREFIX + "momentum"));
        for (Consumer<Map<String, String>> change : badMetadata) {
            Checkpoint.write(dir, "resnet20", saved, randomize(saved, 1), STATE);
            rewriteMetadata(change);
            assertRefusedWithoutChange();
        }
        // Momentum of the wrong length, after every network tensor in the file fits.
        Checkpoint.write(dir, "resnet20", saved, randomize(saved, 1), STATE);
        SafeTensorsFile file = SafeTensors.read(Checkpoint.path(dir));
        List<org.resnet4j.io.TensorEntry> entries = new java.util.ArrayList<>();
        for (org.resnet4j.io.TensorEntry e : file.tensors().values()) {
            entries.add(e.name().endsWith("momentum.fc.bias")
                    ? org.resnet4j.io.TensorEntry.ofFloats(e.name(), new int[] {3}, new float[3]) : e);
        }
        SafeTensors.write(Checkpoint.path(dir), entries, file.metadata());
        assertRefusedWithoutChange();
    }

    private void assertRefusedWithoutChange() {
        ResNet model = model(2);
        Sgd sgd = randomize(model, 2);
        Map<String, float[]> before = new LinkedHashMap<>();
        model.namedParameters().forEach((name, p) -> before.put(name, p.value().data().clone()));
        model.namedBuffers().forEach((name, b) -> before.put(name, b.data().clone()));
        sgd.velocities().forEach((name, v) -> before.put("momentum " + name, v));

        assertThrows(SafeTensorsException.class, () -> Checkpoint.read(dir, "resnet20", model, sgd));

        model.namedParameters().forEach((name, p) -> assertArrayEquals(before.get(name), p.value().data(), name));
        model.namedBuffers().forEach((name, b) -> assertArrayEquals(before.get(name), b.data(), name));
        sgd.velocities().forEach((name, v) -> assertArrayEquals(before.get("momentum " + name), v, name));
    }

    private void rewriteMetadata(Consumer<Map<String, String>> change) throws IOException {
        SafeTensorsFile file = SafeTensors.read(Checkpoint.path(dir));
        Map<String, String> metadata = new LinkedHashMap<>(file.metadata());
        change.accept(metadata);
        SafeTensors.write(Checkpoint.path(dir), file.tensors().values(), metadata);
    }

    @Test
    void aCheckpointOfAnotherModelIsRefusedByName() throws IOException {
        ResNet model = model(1);
        Checkpoint.write(dir, "resnet20", model, sgd(model), STATE);

        SafeTensorsException e = assertThrows(SafeTensorsException.class,
                () -> Checkpoint.read(dir, "resnet32", model, sgd(model)));

        assertTrue(e.getMessage().contains("the checkpoint is of model resnet20, not resnet32"), e.getMessage());
    }

    @Test
    void aPlainWeightsFileIsNotACheckpoint() throws IOException {
        ResNet model = model(1);
        StateDicts.save(model, Checkpoint.path(dir), Map.of());

        SafeTensorsException e = assertThrows(SafeTensorsException.class,
                () -> Checkpoint.read(dir, "resnet20", model, sgd(model)));

        assertTrue(e.getMessage().contains("not a resnet4j checkpoint"), e.getMessage());
    }

    @Test
    void readingFromAnEmptyDirectorySaysThereIsNoCheckpoint() {
        IOException e = assertThrows(IOException.class,
                () -> Checkpoint.read(dir, "resnet20", model(1), sgd(model(1))));

        assertTrue(e.getMessage().contains("no checkpoint at " + Checkpoint.path(dir)), e.getMessage());
    }
}
