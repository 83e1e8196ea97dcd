package org.resnet4j.io.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.resnet4j.io.StateDicts;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.models.ShortcutOption;
import org.resnet4j.nn.Parameter;
import org.resnet4j.tensor.Tensor;
import org.resnet4j.testing.Approx;
import org.resnet4j.testing.RandomArrays;

/**
 * ONNX Runtime, running the exported file, computes resnet4j's evaluation-mode logits: every network type, both
 * shortcut kinds, batch norms whose statistics matter. Each comparison prints its measured error
 * (target/surefire-reports/*-output.txt).
 *
 * <p>Tolerance, as for the PyTorch references: {@code |ort - resnet4j| <= 1e-4 * (max|logit| + |logit|)}. Both
 * compute in float32 but sum in other orders (and the runtime folds batch norm into the convolution), so the error
 * scales with the magnitudes summed, not with each logit.
 */
class OnnxRuntimeParityTest {
    private static final double TOLERANCE = 1e-4;
    private static final Path SHIPPED = Path.of("models", "resnet20-cifar10.safetensors");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} shortcut {1} at {2}x{2}")
    @CsvSource({
            "resnet20, default, 32",
            "plain20, default, 32",
            "resnet18, default, 64",
            "resnet50, default, 64",
            "resnet18, default, 224",
            "resnet20, B, 32",
            "resnet50, A, 64",
            // Odd sizes: stride 2 and option A's subsampling on odd inputs, the stem's max pool on an odd size.
            "resnet20, default, 33",
            "resnet56, default, 9",
            "resnet18, default, 65",
            "resnet50, A, 37",
            "resnet34, B, 31",
    })
    void runtimeLogitsEqualResNet4j(String name, String shortcut, int size) throws IOException, OrtException {
        ModelOptions options = ModelOptions.defaults(ResNets.defaultClasses(name)).withSeed(5);
        ResNet model = ResNets.create(name, shortcut.equals("default") ? options
                : options.withShortcut(ShortcutOption.valueOf(shortcut)));
        randomizeNorms(model, new SplittableRandom(11));
        Path file = dir.resolve(name + ".onnx");
        OnnxExport.write(model, OnnxInput.dynamicBatch(size), file);

        try (OnnxRuntimeRunner runtime = new OnnxRuntimeRunner(file)) {
            assertMatches(name + " shortcut " + shortcut + " " + size + "x" + size, model, runtime, 2, size);
        }
    }

    @Test
    void theShippedResNet20GivesTheSameLogits() throws IOException, OrtException {
        ResNet model = ResNets.resnet20(10);
        StateDicts.load(model, SHIPPED);
        Path file = dir.resolve("resnet20-cifar10.onnx");
        OnnxExport.write(model, OnnxInput.dynamicBatch(32), file);

        try (OnnxRuntimeRunner runtime = new OnnxRuntimeRunner(file)) {
            assertMatches("shipped resnet20-cifar10", model, runtime, 8, 32);
        }
    }

    @Test
    void oneDynamicBatchFileRunsBatchOneAndThree() throws IOException, OrtException {
        ResNet model = ResNets.create("resnet20", ModelOptions.defaults(10).withSeed(3));
        randomizeNorms(model, new SplittableRandom(4));
        Path file = dir.resolve("dynamic.onnx");
        OnnxExport.write(model, OnnxInput.dynamicBatch(32), file);

        try (OnnxRuntimeRunner runtime = new OnnxRuntimeRunner(file)) {
            assertArrayEquals(new long[] {-1, 3, 32, 32}, runtime.shape(ResNetGraph.INPUT));
            assertArrayEquals(new long[] {-1, 10}, runtime.shape(ResNetGraph.OUTPUT));
            assertMatches("dynamic batch 1", model, runtime, 1, 32);
            assertMatches("dynamic batch 3", model, runtime, 3, 32);
        }
    }

    @Test
    void aFixedBatchFileDeclaresItsBatchAndRefusesAnother() throws IOException, OrtException {
        ResNet model = ResNets.create("resnet20", ModelOptions.defaults(10).withSeed(3));
        randomizeNorms(model, new SplittableRandom(4));
        Path file = dir.resolve("fixed.onnx");
        OnnxExport.write(model, OnnxInput.fixedBatch(2, 32), file);

        try (OnnxRuntimeRunner runtime = new OnnxRuntimeRunner(file)) {
            assertArrayEquals(new long[] {2, 3, 32, 32}, runtime.shape(ResNetGraph.INPUT));
            assertArrayEquals(new long[] {2, 10}, runtime.shape(ResNetGraph.OUTPUT));
            assertMatches("fixed batch 2", model, runtime, 2, 32);
            Tensor three = Tensor.wrap(new float[3 * 3 * 32 * 32], 3, 3, 32, 32);
            OrtException refused = assertThrows(OrtException.class, () -> runtime.logits(three));
            assertTrue(refused.getMessage().contains("input"), refused.getMessage());
        }
    }

    private static void assertMatches(String what, ResNet model, OnnxRuntimeRunner runtime, int batch, int size)
            throws OrtException {
        SplittableRandom random = new SplittableRandom(what.hashCode());
        float[] pixels = RandomArrays.uniform(random, batch * 3 * size * size, -2f, 2f);
        float[] expected = model.forward(Tensor.wrap(pixels.clone(), batch, 3, size, size), false).data();
        float[] actual = runtime.logits(Tensor.wrap(pixels.clone(), batch, 3, size, size));

        double largest = 0;
        double worstAbsolute = 0;
        double worstRelative = 0;
        for (int i = 0; i < expected.length; i++) {
            largest = Math.max(largest, Math.abs(expected[i]));
        }
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs(expected[i] - actual[i]);
            worstAbsolute = Math.max(worstAbsolute, error);
            worstRelative = Math.max(worstRelative, error / (largest + Math.abs(expected[i])));
        }
        System.out.printf(Locale.ROOT, "%s, batch %d: max |error| %.3g, max |logit| %.4g, worst relative %.3g%n",
                what, batch, worstAbsolute, largest, worstRelative);
        Approx.assertAllClose(what + " logits", expected, actual, TOLERANCE * largest, TOLERANCE);
    }

    /** Batch-norm statistics and affine parameters away from their defaults, so that evaluation mode matters. */
    private static void randomizeNorms(ResNet model, SplittableRandom random) {
        for (Parameter parameter : model.namedParameters().values()) {
            if (!parameter.isWeight()) {
                float[] values = parameter.value().data();
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (0.5 + random.nextDouble());
                }
            }
        }
        for (Map.Entry<String, Tensor> buffer : model.namedBuffers().entrySet()) {
            float[] values = buffer.getValue().data();
            boolean variance = buffer.getKey().endsWith("running_var");
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (variance ? 0.2 + 2 * random.nextDouble() : random.nextGaussian() * 0.5);
            }
        }
    }
}
