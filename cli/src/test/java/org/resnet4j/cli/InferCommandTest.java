package org.resnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.data.Normalization;
import org.resnet4j.io.DType;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.StateDicts;
import org.resnet4j.io.TensorEntry;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.tensor.Tensor;
import org.resnet4j.testing.Approx;
import org.resnet4j.testing.LogCapture;

/** {@code infer}: logits of saved weights on a saved input, and a one-line reason for every bad file. */
class InferCommandTest {
    private static final int[] INPUT_SHAPE = {2, 3, 32, 32};

    @TempDir
    Path dir;
    private Path weights;
    private ResNet model;
    private float[] input;

    @BeforeEach
    void writeWeightsAndInput() throws IOException {
        model = ResNets.create("resnet20", ModelOptions.defaults(10).withSeed(7));
        // Running statistics unlike a fresh network's, so logits computed in training mode would not match.
        SplittableRandom random = new SplittableRandom(7);
        model.namedBuffers().forEach((name, b) -> {
            for (int i = 0; i < b.size(); i++) {
                b.data()[i] = (float) (name.endsWith("running_var") ? random.nextDouble(0.5, 2) : random.nextGaussian());
            }
        });
        weights = dir.resolve("w.safetensors");
        StateDicts.save(model, weights, Map.of());
        input = new float[2 * 3 * 32 * 32];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextGaussian();
        }
    }

    private Path write(String name, TensorEntry... entries) throws IOException {
        Path file = dir.resolve(name);
        SafeTensors.write(file, List.of(entries), Map.of());
        return file;
    }

    private Cli infer(Path in, String model) {
        return Cli.run("infer", "--model", model, "--weights", weights.toString(), "--input", in.toString(),
                "--output", dir.resolve("out.safetensors").toString());
    }

    @Test
    void logitsEqualTheModelsEvaluationModeForward() throws IOException {
        Path in = write("x.safetensors", TensorEntry.ofFloats("input", INPUT_SHAPE, input));

        Cli result = infer(in, "resnet20").assertSuccess();

        SafeTensorsFile out = SafeTensors.read(dir.resolve("out.safetensors"));
        TensorEntry logits = out.tensor("logits");
        assertEquals(DType.F32, logits.dtype());
        assertArrayEquals(new long[] {2, 10}, logits.shape());
        float[] expected = model.forward(Tensor.wrap(input.clone(), INPUT_SHAPE), false).data();
        // Same kernels; the SIMD classifier's lane sum may round differently before and after JIT compilation.
        Approx.assertAllClose("logits", expected, logits.toFloats(), 1e-5, 1e-5);
        assertEquals("logits [2, 10] -> " + dir.resolve("out.safetensors"), result.lastLine());
    }

    @Test
    void anInputOfTheWrongDtypeIsRefused() throws IOException {
        byte[] doubles = ByteBuffer.allocate(input.length * 8).order(ByteOrder.LITTLE_ENDIAN).array();
        Path in = write("x.safetensors", new TensorEntry("input", DType.F64, new long[] {2, 3, 32, 32}, doubles));

        infer(in, "resnet20").assertFailure(1, "tensor 'input' must be F32 of shape [N, 3, H, W], got F64");
    }

    @Test
    void anInputOfTheWrongShapeIsRefused() throws IOException {
        Path in = write("x.safetensors", TensorEntry.ofFloats("input", new int[] {6, 32, 32}, input));

        infer(in, "resnet20").assertFailure(1, "must be F32 of shape [N, 3, H, W], got F32 [6, 32, 32]");

        Path oneChannel = write("y.safetensors", TensorEntry.ofFloats("input", new int[] {6, 1, 32, 32}, input));
        infer(oneChannel, "resnet20").assertFailure(1, "got F32 [6, 1, 32, 32]");
    }

    @Test
    void anInputWithoutTheTensorIsRefused() throws IOException {
        Path in = write("x.safetensors", TensorEntry.ofFloats("images", INPUT_SHAPE, input));

        infer(in, "resnet20").assertFailure(1, "no tensor named 'input' (the file has 1: images)");
    }

    @Test
    void aCorruptInputIsRefused() throws IOException {
        Path in = write("x.safetensors", TensorEntry.ofFloats("input", INPUT_SHAPE, input));
        byte[] bytes = Files.readAllBytes(in);
        Files.write(in, java.util.Arrays.copyOf(bytes, bytes.length - 100));

        infer(in, "resnet20").assertFailure(1, in.toString());

        Files.writeString(in, "not a safetensors file at all");
        infer(in, "resnet20").assertFailure(1, in.toString());

        infer(dir.resolve("absent.safetensors"), "resnet20").assertFailure(1, "absent.safetensors");
    }

    @Test
    void weightsOfAnotherModelAreRefusedListingTheMismatch() throws IOException {
        Path in = write("x.safetensors", TensorEntry.ofFloats("input", INPUT_SHAPE, input));

        // resnet20's file for resnet32: blocks 3 and 4 of each stage are missing, 6 parameters and 4 statistics each.
        infer(in, "resnet32").assertFailure(1, "w.safetensors: weights do not fit the model: missing 60: "
                + "layer1.3.conv1.weight, layer1.3.bn1.weight,");
        // For 100 classes: the classifier's shapes, and the class count to build instead.
        Cli.run("infer", "--model", "resnet20", "--classes", "100", "--weights", weights.toString(),
                        "--input", in.toString(), "--output", dir.resolve("out.safetensors").toString())
                .assertFailure(1, "wrong shape 2: fc.bias (file [10], model [100]), fc.weight (file [10, 64], "
                        + "model [100, 64]). The file's classifier has 10 classes, the network 100: build it with 10 "
                        + "classes (on the command line: --classes 10, or no --classes)");
        assertFalse(Files.exists(dir.resolve("out.safetensors")));
    }

    /**
     * An infinite running variance made its channel give beta for every image: the logits stayed finite, and infer
     * wrote wrong ones without a word.
     */
    @Test
    void weightsHoldingAnInfiniteValueAreRefusedNamingTheTensor() throws IOException {
        model.namedBuffers().get("layer1.0.bn1.running_var").data()[3] = Float.POSITIVE_INFINITY;
        StateDicts.save(model, weights, Map.of());
        Path in = write("x.safetensors", TensorEntry.ofFloats("input", INPUT_SHAPE, input));

        infer(in, "resnet20").assertFailure(1, weights + ": tensor 'layer1.0.bn1.running_var' holds Infinity at "
                + "index 3; a network with non-finite weights gives wrong results silently");
        assertFalse(Files.exists(dir.resolve("out.safetensors")));
    }

    /** Weights that record a normalization take pixels in [0, 1] and normalize them, as torchvision's transform does. */
    @Test
    void recordedNormalizationIsAppliedToPixelsInTheUnitRange() throws IOException {
        Normalization normalization = new Normalization(new float[] {0.49f, 0.48f, 0.45f},
                new float[] {0.25f, 0.24f, 0.26f});
        StateDicts.save(model, weights, Map.of("model", "resnet20",
                Normalization.MEAN_KEY, "0.49,0.48,0.45", Normalization.STD_KEY, "0.25,0.24,0.26"));
        float[] pixels = new float[input.length];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextInt(256) / 255f;
        }
        Path in = write("x.safetensors", TensorEntry.ofFloats("input", INPUT_SHAPE, pixels));
        Tensor expectedInput = normalization.normalize(Tensor.wrap(pixels.clone(), INPUT_SHAPE));

        try (LogCapture log = LogCapture.of(InferCommand.class)) {
            infer(in, "resnet20").assertSuccess();
            assertEquals(List.of(), log.warnings(), "pixels in [0, 1] need no warning");
        }
        float[] expected = model.forward(expectedInput, false).data();
        Approx.assertAllClose("logits", expected, SafeTensors.read(dir.resolve("out.safetensors")).tensor("logits")
                .toFloats(), 1e-5, 1e-5);

        // --normalized: the same file passes to the network as it is.
        Cli.run("infer", "--model", "resnet20", "--weights", weights.toString(), "--input", in.toString(), "--output",
                dir.resolve("out.safetensors").toString(), "--normalized").assertSuccess();
        float[] asIs = model.forward(Tensor.wrap(pixels.clone(), INPUT_SHAPE), false).data();
        Approx.assertAllClose("logits", asIs, SafeTensors.read(dir.resolve("out.safetensors")).tensor("logits")
                .toFloats(), 1e-5, 1e-5);
    }

    @Test
    void pixelsOutsideTheUnitRangeAreWarnedAbout() throws IOException {
        StateDicts.save(model, weights, Map.of("model", "resnet20",
                Normalization.MEAN_KEY, "0.49,0.48,0.45", Normalization.STD_KEY, "0.25,0.24,0.26"));
        float[] bytes = new float[input.length];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = i % 256;
        }
        Path in = write("x.safetensors", TensorEntry.ofFloats("input", INPUT_SHAPE, bytes));

        try (LogCapture log = LogCapture.of(InferCommand.class)) {
            infer(in, "resnet20").assertSuccess();
            assertEquals(1, log.warnings().size(), log.warnings().toString());
            assertTrue(log.warnings().get(0).contains("input values span [0.0, 255.0], outside [0, 1]"),
                    log.warnings().get(0));
        }
    }

    /** plain-20 and ResNet-20 share every tensor name and shape: only the recorded model name tells them apart. */
    @Test
    void weightsOfAnotherArchitectureAreRefusedNamingBoth() throws IOException {
        StateDicts.save(model, weights, Map.of("model", "resnet20"));
        Path in = write("x.safetensors", TensorEntry.ofFloats("input", INPUT_SHAPE, input));

        infer(in, "plain20").assertFailure(1, "weights of resnet20, not plain20");
    }
}
