package org.resnet4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.SafeTensorsException;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.TensorEntry;
import org.resnet4j.testing.KernelSets;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.nn.Linear;
import org.resnet4j.optim.Sgd;

class MomentumEntriesTest {
    private final Kernels kernels = KernelSets.named("scalar");

    private Sgd steppedOptimizer() {
        Linear layer = new Linear(kernels, 3, 2);
        Sgd sgd = new Sgd(kernels, layer.namedParameters(), 0.9, 0.0, false);
        for (int i = 0; i < layer.weight().grad().data().length; i++) {
            layer.weight().grad().data()[i] = i + 1;
        }
        layer.bias().grad().fill(-2f);
        sgd.step(0.1);
        return sgd;
    }

    private Sgd freshOptimizer() {
        Linear layer = new Linear(kernels, 3, 2);
        return new Sgd(kernels, layer.namedParameters(), 0.9, 0.0, false);
    }

    @Test
    void writtenBuffersReadBackIntoAnotherOptimizer() throws SafeTensorsException {
        Sgd saved = steppedOptimizer();
        List<TensorEntry> entries = MomentumEntries.of(saved);
        assertEquals(List.of("optimizer.momentum.weight", "optimizer.momentum.bias"),
                entries.stream().map(TensorEntry::name).toList());
        SafeTensorsFile file = SafeTensors.read("mem", SafeTensors.toBytes(entries, Map.of()));

        Sgd restored = freshOptimizer();
        restored.loadVelocities(MomentumEntries.read(file, restored, "mem"));
        assertArrayEquals(saved.velocities().get("weight"), restored.velocities().get("weight"));
        assertArrayEquals(new float[] {-2f, -2f}, restored.velocities().get("bias"));
    }

    @Test
    void aBufferOfAnotherLengthIsRefusedNamingSourceAndParameter() throws SafeTensorsException {
        List<TensorEntry> entries = List.of(
                TensorEntry.ofFloats("optimizer.momentum.weight", new int[] {6}, new float[6]),
                TensorEntry.ofFloats("optimizer.momentum.bias", new int[] {3}, new float[3]));
        SafeTensorsFile file = SafeTensors.read("state.safetensors", SafeTensors.toBytes(entries, Map.of()));
        SafeTensorsException e = assertThrows(SafeTensorsException.class,
                () -> MomentumEntries.read(file, freshOptimizer(), "state.safetensors"));
        assertEquals("state.safetensors: momentum of bias has 3 values, the parameter 2", e.getMessage());
    }

    @Test
    void aNonFiniteBufferIsRefusedNamingParameterIndexAndValue() throws SafeTensorsException {
        float[] bias = {0f, Float.NaN};
        List<TensorEntry> entries = List.of(
                TensorEntry.ofFloats("optimizer.momentum.weight", new int[] {6}, new float[6]),
                TensorEntry.ofFloats("optimizer.momentum.bias", new int[] {2}, bias));
        SafeTensorsFile file = SafeTensors.read("state.safetensors", SafeTensors.toBytes(entries, Map.of()));
        SafeTensorsException e = assertThrows(SafeTensorsException.class,
                () -> MomentumEntries.read(file, freshOptimizer(), "state.safetensors"));
        assertTrue(e.getMessage().startsWith("state.safetensors: momentum of bias holds NaN at index 1"),
                e.getMessage());
    }

    @Test
    void aMissingBufferIsRefusedNamingIt() throws SafeTensorsException {
        List<TensorEntry> entries = List.of(
                TensorEntry.ofFloats("optimizer.momentum.weight", new int[] {6}, new float[6]));
        SafeTensorsFile file = SafeTensors.read("state.safetensors", SafeTensors.toBytes(entries, Map.of()));
        SafeTensorsException e = assertThrows(SafeTensorsException.class,
                () -> MomentumEntries.read(file, freshOptimizer(), "state.safetensors"));
        assertTrue(e.getMessage().contains("optimizer.momentum.bias"), e.getMessage());
    }
}
