package org.resnet4j.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.nn.Linear;
import org.resnet4j.nn.Parameter;
import org.resnet4j.testing.KernelSets;

class SgdTest {

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "simd"})
    void twoStepsMatchHandComputedValues(String provider) {
        Kernels k = KernelSets.named(provider);
        Linear layer = new Linear(k, 1, 1);
        Parameter w = layer.weight();
        w.value().data()[0] = 1.0f;
        Sgd sgd = new Sgd(k, Map.of("weight", w), 0.9, 0.1, false);

        w.grad().data()[0] = 0.5f;
        sgd.step(0.1);
        // d = 0.5 + 0.1 * 1 = 0.6; v = 0.6; w = 1 - 0.06 = 0.94
        assertEquals(0.94f, w.value().data()[0], 1e-7f);
        sgd.step(0.1);
        // d = 0.5 + 0.094 = 0.594; v = 0.9 * 0.6 + 0.594 = 1.134; w = 0.94 - 0.1134 = 0.8266
        assertEquals(0.8266f, w.value().data()[0], 1e-6f);
        assertEquals(1.134f, sgd.velocities().get("weight")[0], 1e-6f);
    }

    /** The momentum buffers handed out are the caller's copies; loading them is all or nothing, naming the problem. */
    @Test
    void velocitiesAreCopiesOutAndIn() {
        Kernels k = KernelSets.named("scalar");
        Linear layer = new Linear(k, 2, 1);
        Sgd sgd = new Sgd(k, layer.namedParameters(), 0.9, 0.0, false);
        layer.weight().grad().fill(1f);
        sgd.step(0.1);
        Map<String, float[]> first = sgd.velocities();
        sgd.step(0.1);
        assertArrayEquals(new float[] {1f, 1f}, first.get("weight"), "a later step leaves the returned copy alone");
        first.get("weight")[0] = 42f;
        assertArrayEquals(new float[] {1.9f, 1.9f}, sgd.velocities().get("weight"), 1e-6f);

        sgd.loadVelocities(first);
        assertArrayEquals(new float[] {42f, 1f}, sgd.velocities().get("weight"));
        first.get("weight")[1] = 7f;
        assertArrayEquals(new float[] {42f, 1f}, sgd.velocities().get("weight"), "loaded arrays are copied");

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> sgd.loadVelocities(Map.of("weight", new float[2])));
        assertTrue(missing.getMessage().contains("missing [bias]"), missing.getMessage());
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> sgd.loadVelocities(Map.of("weight", new float[] {9f, 9f}, "bias", new float[3])));
        assertTrue(length.getMessage().contains("momentum of bias has 3 values, the parameter 1"), length.getMessage());
        assertArrayEquals(new float[] {42f, 1f}, sgd.velocities().get("weight"), "a refused load changes nothing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "simd"})
    void nesterovLooksAhead(String provider) {
        Kernels k = KernelSets.named(provider);
        Linear layer = new Linear(k, 1, 1);
        Parameter w = layer.weight();
        w.value().data()[0] = 1.0f;
        Sgd sgd = new Sgd(k, Map.of("weight", w), 0.9, 0.0, true);
        w.grad().data()[0] = 1.0f;
        sgd.step(0.1);
        // d = 1; v = 1; w = 1 - 0.1 * (1 + 0.9 * 1) = 0.81
        assertEquals(0.81f, w.value().data()[0], 1e-6f);
        sgd.step(0.1);
        // v = 0.9 + 1 = 1.9; w = 0.81 - 0.1 * (1 + 0.9 * 1.9) = 0.539
        assertEquals(0.539f, w.value().data()[0], 1e-6f);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "simd"})
    void aParameterGivenTwiceIsRefused(String provider) {
        Kernels k = KernelSets.named(provider);
        Linear layer = new Linear(k, 1, 1);
        Parameter w = layer.weight();
        // As when a model's parameters and its head's are merged into one map: fc.weight under two names. It used to be
        // stepped twice per step with two momentum buffers (twice the learning rate, silently).
        Map<String, Parameter> merged = new LinkedHashMap<>();
        merged.put("fc.weight", w);
        merged.put("head.weight", w);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Sgd(k, merged, 0.9, 0.0, false));
        assertTrue(e.getMessage().contains("'fc.weight'") && e.getMessage().contains("'head.weight'"), e.getMessage());
    }

    /** NaN compares false with every bound, so a range check written as "refuse if out of range" let it through. */
    @Test
    void nanOrInfiniteMomentumOrWeightDecayIsRefused() {
        Kernels k = KernelSets.named("scalar");
        Map<String, Parameter> parameters = new Linear(k, 1, 1).namedParameters();
        double[][] bad = {{Double.NaN, 0}, {0.9, Double.NaN}, {0.9, Double.POSITIVE_INFINITY},
                {Double.NEGATIVE_INFINITY, 0}};
        for (double[] settings : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new Sgd(k, parameters, settings[0], settings[1], false));
            assertTrue(e.getMessage().contains("momentum=" + settings[0] + " weightDecay=" + settings[1]),
                    e.getMessage());
        }
    }
}
