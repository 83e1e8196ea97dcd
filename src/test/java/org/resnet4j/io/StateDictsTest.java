package org.resnet4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.nn.Module;
import org.resnet4j.tensor.Tensor;

/** Saving and strictly loading a model's state under torchvision's names. */
class StateDictsTest {
    @TempDir
    Path dir;

    private static ResNet model(long seed) {
        return ResNets.create("resnet20", ModelOptions.defaults(10).withSeed(seed));
    }

    /** A model whose running statistics and counters are not the fresh defaults, so a round trip must carry them. */
    private static ResNet trainedLooking(long seed) {
        ResNet model = model(seed);
        SplittableRandom random = new SplittableRandom(seed);
        for (Tensor buffer : model.namedBuffers().values()) {
            float[] data = buffer.data();
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) random.nextDouble(0.1, 2);
            }
        }
        model.namedCounters().values().forEach(c -> c[0] = random.nextInt(1, 1000));
        return model;
    }

    /** Every parameter, buffer and counter by name, copied. */
    private static Map<String, Object> state(Module module) {
        Map<String, Object> state = new LinkedHashMap<>();
        module.namedParameters().forEach((name, p) -> state.put(name, List.of(p.value().data().clone())));
        module.namedBuffers().forEach((name, b) -> state.put(name, List.of(b.data().clone())));
        module.namedCounters().forEach((name, c) -> state.put(name, c[0]));
        return state;
    }

    private static void assertSameState(Module expected, Module actual) {
        Map<String, Object> a = state(expected);
        Map<String, Object> b = state(actual);
        assertEquals(a.keySet(), b.keySet());
        for (String name : a.keySet()) {
            Object x = a.get(name);
            Object y = b.get(name);
            if (x instanceof List<?> xs && y instanceof List<?> ys) {
                assertArrayEquals((float[]) xs.get(0), (float[]) ys.get(0), name);
            } else {
                assertEquals(x, y, name);
            }
        }
    }

    /** A frozen network's convolutions hold folded batch norms and are no parameters: saving it would keep fc only. */
    @Test
    void aFrozenNetworkIsRefusedInsteadOfSavedAsItsHeadAlone() {
        ResNet model = ResNets.create("resnet20", ModelOptions.defaults(10).withSeed(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StateDicts.save(model.freeze(), dir.resolve("frozen.safetensors"), Map.of()));
        assertTrue(e.getMessage().contains("resnet20 is frozen for inference"), e.getMessage());
        assertFalse(java.nio.file.Files.exists(dir.resolve("frozen.safetensors")));
    }

    @Test
    void saveThenLoadRestoresParametersRunningStatisticsAndCounters() throws IOException {
        ResNet saved = trainedLooking(1);
        Path file = dir.resolve("w.safetensors");
        StateDicts.save(saved, file, Map.of("model", "resnet20"));
        ResNet loaded = model(2);
        assertNotEquals(saved.namedParameters().get("conv1.weight").value().data()[0],
                loaded.namedParameters().get("conv1.weight").value().data()[0], "different seeds, different weights");

        SafeTensorsFile contents = StateDicts.load(loaded, file);

        assertSameState(saved, loaded);
        assertEquals("resnet20", contents.metadataValue("model"));
        // torchvision's names and dtypes: F32 tensors, num_batches_tracked a 0-dim I64.
        assertEquals(DType.F32, contents.tensor("layer2.0.bn1.running_var").dtype());
        assertEquals(DType.I64, contents.tensor("bn1.num_batches_tracked").dtype());
        assertEquals(0, contents.tensor("bn1.num_batches_tracked").rank());
        assertArrayEquals(new long[] {10, 64}, contents.tensor("fc.weight").shape());
    }

    /** plain-20's tensors fit ResNet-20 exactly: only the recorded name tells the README's load call they differ. */
    @Test
    void aFileThatNamesAnotherNetworkIsRefusedByTheLoadOfAPath() throws IOException {
        Path plain = dir.resolve("plain20.safetensors");
        StateDicts.save(ResNets.create("plain20", ModelOptions.defaults(10).withSeed(1)), plain,
                Map.of("model", "plain20"));
        ResNet residual = model(2);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StateDicts.load(residual, plain));

        assertEquals(plain + ": weights of plain20, not resnet20 (the file's metadata 'model'); build plain20 to load "
                + "them", e.getMessage());
        assertSameState(model(2), residual); // nothing loaded
        StateDicts.load(ResNets.create("plain20", ModelOptions.defaults(10)), plain);
    }

    @Test
    void missingUnexpectedAndWrongShapeAreAllListedInOneErrorAndNothingIsLoaded() {
        List<TensorEntry> entries = new ArrayList<>();
        for (TensorEntry e : StateDicts.entries(trainedLooking(1))) {
            switch (e.name()) {
                case "layer1.0.conv1.weight" -> { }
                case "fc.weight" -> entries.add(TensorEntry.ofFloats("fc.weight", new int[] {100, 64}, new float[6400]));
                default -> entries.add(e);
            }
        }
        entries.add(TensorEntry.ofFloats("fc2.weight", new int[] {2}, new float[2]));
        ResNet model = model(2);
        Map<String, Object> before = state(model);

        SafeTensorsException e = assertThrows(SafeTensorsException.class,
                () -> StateDicts.load(model, SafeTensors.read("bad.safetensors", SafeTensors.toBytes(entries, Map.of()))));

        String message = e.getMessage();
        assertTrue(message.startsWith("bad.safetensors: weights do not fit the model:"), message);
        assertTrue(message.contains("missing 1: layer1.0.conv1.weight;"), message);
        assertTrue(message.contains("unexpected 1: fc2.weight;"), message);
        assertTrue(message.contains("wrong shape 1: fc.weight (file [100, 64], model [10, 64])"), message);
        assertFalse(message.contains("\n"), "one line: " + message);
        assertEquals(before.keySet(), state(model).keySet());
        assertSameState(model(2), model);
    }

    @Test
    void numBatchesTrackedMayBeAbsent() throws SafeTensorsException {
        ResNet saved = trainedLooking(1);
        List<TensorEntry> entries = StateDicts.entries(saved).stream()
                .filter(e -> !e.name().endsWith("num_batches_tracked")).toList();
        ResNet loaded = model(2);

        StateDicts.load(loaded, SafeTensors.read("no-counters", SafeTensors.toBytes(entries, Map.of())));

        assertEquals(saved.namedParameters().keySet(), loaded.namedParameters().keySet());
        saved.namedParameters().forEach((name, p) ->
                assertArrayEquals(p.value().data(), loaded.namedParameters().get(name).value().data(), name));
        saved.namedBuffers().forEach((name, b) ->
                assertArrayEquals(b.data(), loaded.namedBuffers().get(name).data(), name));
        loaded.namedCounters().forEach((name, c) -> assertEquals(0, c[0], name + " keeps its own value"));
    }

    @Test
    void aCounterOfTheWrongShapeIsAMismatch() {
        List<TensorEntry> entries = new ArrayList<>(StateDicts.entries(model(1)).stream()
                .filter(e -> !e.name().equals("bn1.num_batches_tracked")).toList());
        entries.add(TensorEntry.ofLongs("bn1.num_batches_tracked", new int[] {2}, new long[] {1, 2}));

        SafeTensorsException e = assertThrows(SafeTensorsException.class,
                () -> StateDicts.load(model(2), SafeTensors.read("f", SafeTensors.toBytes(entries, Map.of()))));

        assertTrue(e.getMessage().contains("wrong shape 1: bn1.num_batches_tracked (file [2], model a scalar)"),
                e.getMessage());
    }

    /** A tensor of the right shape but an element type that cannot be read is found before anything is copied. */
    @Test
    void anUnreadableDtypeIsListedAndLeavesTheModelUntouched() {
        List<TensorEntry> entries = new ArrayList<>();
        for (TensorEntry e : StateDicts.entries(trainedLooking(1))) {
            if (e.name().equals("fc.bias")) {
                entries.add(TensorEntry.ofLongs("fc.bias", new int[] {10}, new long[10]));
            } else if (e.name().equals("layer3.2.bn2.num_batches_tracked")) {
                entries.add(TensorEntry.ofFloats(e.name(), new int[0], new float[] {3}));
            } else {
                entries.add(e);
            }
        }
        ResNet model = model(2);

        SafeTensorsException e = assertThrows(SafeTensorsException.class,
                () -> StateDicts.load(model, SafeTensors.read("f", SafeTensors.toBytes(entries, Map.of()))));

        assertTrue(e.getMessage().contains("wrong dtype 2: "), e.getMessage());
        assertTrue(e.getMessage().contains("fc.bias (I64)"), e.getMessage());
        assertTrue(e.getMessage().contains("layer3.2.bn2.num_batches_tracked (F32)"), e.getMessage());
        assertSameState(model(2), model);
    }

    @Test
    void otherFloatTypesAreWidenedOnLoad() throws SafeTensorsException {
        ResNet saved = model(1);
        List<TensorEntry> entries = new ArrayList<>();
        for (TensorEntry e : StateDicts.entries(saved)) {
            if (e.name().equals("fc.bias")) {
                entries.add(f64("fc.bias", saved.namedParameters().get("fc.bias").value().data()));
            } else {
                entries.add(e);
            }
        }
        ResNet loaded = model(2);

        StateDicts.load(loaded, SafeTensors.read("f", SafeTensors.toBytes(entries, Map.of())));

        assertSameState(saved, loaded);
    }

    /**
     * A value no trained network holds is refused naming the file, the tensor, the index and the value, by the strict
     * and the partial load alike, and nothing is loaded. An infinite running variance used to load: its channel then
     * gave beta for every image, and the logits stayed finite and wrong.
     */
    @Test
    void nonFiniteValuesAndNegativeVariancesAreRefusedNamingTensorIndexAndValue() throws SafeTensorsException {
        String silent = "; a network with non-finite weights gives wrong results silently";
        assertRefused(withValue("layer1.0.bn1.running_var", 3, Float.POSITIVE_INFINITY),
                "bad.safetensors: tensor 'layer1.0.bn1.running_var' holds Infinity at index 3" + silent);
        assertRefused(withValue("layer3.1.bn2.running_mean", 0, Float.NEGATIVE_INFINITY),
                "bad.safetensors: tensor 'layer3.1.bn2.running_mean' holds -Infinity at index 0" + silent);
        assertRefused(withValue("layer2.1.conv2.weight", 5, Float.NaN),
                "bad.safetensors: tensor 'layer2.1.conv2.weight' holds NaN at index 5" + silent);
        assertRefused(withValue("bn1.running_var", 7, -1),
                "bad.safetensors: tensor 'bn1.running_var' holds -1.0 at index 7; a variance cannot be negative");
    }

    /** Rounding 1e39 to a float made it an infinity, which loaded as if the file held one. */
    @Test
    void anF64ValueBeyondAFloatsRangeIsRefusedNotRoundedToInfinity() throws SafeTensorsException {
        double[] bias = new double[10];
        bias[2] = 1e39;
        assertRefused(f64("fc.bias", bias), "bad.safetensors: tensor 'fc.bias' holds 1.0E39 at index 2, which a float "
                + "cannot hold (its largest is 3.4028235E38)");
    }

    /** {@code trainedLooking(1)}'s tensor {@code name} with {@code value} at {@code index}. */
    private static TensorEntry withValue(String name, int index, float value) throws SafeTensorsException {
        TensorEntry entry = StateDicts.entries(trainedLooking(1)).stream().filter(e -> e.name().equals(name))
                .findFirst().orElseThrow();
        float[] values = entry.toFloats();
        values[index] = value;
        return TensorEntry.ofFloats(name, entry.intShape(), values);
    }

    private static void assertRefused(TensorEntry replacement, String message) throws SafeTensorsException {
        List<TensorEntry> entries = StateDicts.entries(trainedLooking(1)).stream()
                .map(e -> e.name().equals(replacement.name()) ? replacement : e).toList();
        SafeTensorsFile file = SafeTensors.read("bad.safetensors", SafeTensors.toBytes(entries, Map.of()));
        ResNet model = model(2);

        SafeTensorsException strict = assertThrows(SafeTensorsException.class, () -> StateDicts.load(model, file));
        SafeTensorsException partial = assertThrows(SafeTensorsException.class,
                () -> StateDicts.loadMatching(model, file));

        assertEquals(message, strict.getMessage());
        assertEquals(message, partial.getMessage());
        assertSameState(model(2), model);
    }

    private static TensorEntry f64(String name, double[] values) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(values.length * 8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buffer.asDoubleBuffer().put(values);
        return new TensorEntry(name, DType.F64, new long[] {values.length}, buffer.array());
    }

    private static TensorEntry f64(String name, float[] values) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(values.length * 8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buffer.putDouble(v);
        }
        return new TensorEntry(name, DType.F64, new long[] {values.length}, buffer.array());
    }

    @Test
    void ignoredPrefixesAreSkipped() throws SafeTensorsException {
        List<TensorEntry> entries = new ArrayList<>(StateDicts.entries(model(1)));
        entries.add(TensorEntry.ofFloats("optimizer.momentum.fc.bias", new int[] {10}, new float[10]));

        StateDicts.load(model(2), SafeTensors.read("f", SafeTensors.toBytes(entries, Map.of())), "optimizer.");

        assertThrows(SafeTensorsException.class,
                () -> StateDicts.load(model(2), SafeTensors.read("f", SafeTensors.toBytes(entries, Map.of()))));
    }

    /** A prefix that covers module names (all but the head, as fine-tuning loads): those keep their values. */
    @Test
    void aPrefixOverModuleNamesLoadsTheRestAndLeavesThoseAsTheyWere() throws SafeTensorsException {
        ResNet saved = trainedLooking(1);
        ResNet model = model(2);
        Map<String, Object> before = state(model);

        StateDicts.load(model, SafeTensors.read("f", SafeTensors.toBytes(StateDicts.entries(saved), Map.of())), "fc.");

        Map<String, Object> savedState = state(saved);
        Map<String, Object> after = state(model);
        for (String name : after.keySet()) {
            Object expected = name.startsWith("fc.") ? before.get(name) : savedState.get(name);
            Object actual = after.get(name);
            if (expected instanceof List<?> xs && actual instanceof List<?> ys) {
                assertArrayEquals((float[]) xs.get(0), (float[]) ys.get(0), name);
            } else {
                assertEquals(expected, actual, name);
            }
        }
    }

    /** A prefix that skips names the file also lacks: they are not missing, and a bad tensor still changes nothing. */
    @Test
    void aFailedLoadWithAPrefixLeavesTheModelExactlyAsItWas() {
        List<TensorEntry> entries = new ArrayList<>();
        for (TensorEntry e : StateDicts.entries(trainedLooking(1))) {
            if (e.name().startsWith("fc.")) {
                continue;
            }
            entries.add(e.name().equals("layer3.2.bn2.running_var")
                    ? TensorEntry.ofFloats(e.name(), new int[] {3}, new float[3]) : e);
        }
        ResNet model = model(2);

        SafeTensorsException e = assertThrows(SafeTensorsException.class,
                () -> StateDicts.load(model, SafeTensors.read("f", SafeTensors.toBytes(entries, Map.of())), "fc."));

        assertTrue(e.getMessage().contains("wrong shape 1: layer3.2.bn2.running_var"), e.getMessage());
        assertFalse(e.getMessage().contains("missing"), e.getMessage());
        assertSameState(model(2), model);
    }
}
