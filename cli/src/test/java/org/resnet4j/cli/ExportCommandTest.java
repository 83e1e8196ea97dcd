package org.resnet4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.StateDicts;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.tensor.Tensor;
import org.resnet4j.testing.Approx;

/** {@code export}: saved weights become an ONNX file that ONNX Runtime runs to the same logits; bad lines say why. */
class ExportCommandTest {
    @TempDir
    Path dir;
    private Path weights;
    private ResNet model;

    @BeforeEach
    void writeWeights() throws IOException {
        model = ResNets.create("resnet20", ModelOptions.defaults(10).withSeed(7));
        // Running statistics unlike a fresh network's, so the export must carry the loaded ones.
        SplittableRandom random = new SplittableRandom(7);
        model.namedBuffers().forEach((name, b) -> {
            for (int i = 0; i < b.size(); i++) {
                b.data()[i] = (float) (name.endsWith("running_var") ? random.nextDouble(0.5, 2) : random.nextGaussian());
            }
        });
        weights = dir.resolve("w.safetensors");
        StateDicts.save(model, weights, Map.of());
    }

    private List<String> listing() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theFileRunsInOnnxRuntimeToTheModelsLogits() throws IOException, OrtException {
        Path onnx = dir.resolve("resnet20.onnx");

        Cli result = Cli.run("export", "--model", "resnet20", "--weights", weights.toString(), "--onnx",
                onnx.toString()).assertSuccess();

        assertEquals("onnx=" + onnx + " nodes=73 bytes=" + Files.size(onnx), result.lastLine());
        assertEquals(1, result.outLines().size(), result.out());
        float[] pixels = new float[3 * 3 * 32 * 32];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextGaussian();
        }
        float[] expected = model.forward(Tensor.wrap(pixels.clone(), 3, 3, 32, 32), false).data();
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = environment.createSession(onnx.toString(), options);
             OnnxTensor input = OnnxTensor.createTensor(environment, FloatBuffer.wrap(pixels),
                     new long[] {3, 3, 32, 32});
             OrtSession.Result output = session.run(Map.of("input", input))) {
            assertArrayEquals(new long[] {-1, 3, 32, 32},
                    ((TensorInfo) session.getInputInfo().get("input").getInfo()).getShape(),
                    "dynamic batch by default");
            FloatBuffer logits = ((OnnxTensor) output.get("logits").orElseThrow()).getFloatBuffer();
            float[] actual = new float[logits.remaining()];
            logits.get(actual);
            Approx.assertAllClose("logits", expected, actual, 1e-4, 1e-4);
        }
    }

    /**
     * A consumer holding only the ONNX file learns how to prepare its input: the shipped weights' per-pixel mean image
     * and std, the side and the class names, as metadata under the weights' keys, and the doc string points at them.
     * The file said only "normalized images", and the mean image was in the weights file alone.
     */
    @Test
    void theFileSaysHowToPrepareItsInput() throws IOException, OrtException {
        Path onnx = dir.resolve("shipped.onnx");
        Path shipped = Path.of("models", "resnet20-cifar10.safetensors");
        Map<String, String> recorded = SafeTensors.read(shipped).metadata();

        Cli.run("export", "--weights", shipped.toString(), "--onnx", onnx.toString()).assertSuccess();

        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = OrtEnvironment.getEnvironment().createSession(onnx.toString(), options)) {
            Map<String, String> metadata = session.getMetadata().getCustomMetadata();
            assertEquals(recorded.get("normalization.mean"), metadata.get("normalization.mean"));
            assertEquals(recorded.get("normalization.std"), metadata.get("normalization.std"));
            assertEquals(3 * 32 * 32, metadata.get("normalization.mean").split(",").length, "the mean image");
            assertEquals("32", metadata.get("image_size"));
            assertEquals("resnet20", metadata.get("model"));
            assertEquals(recorded.get("labels"), metadata.get("labels"));
            assertTrue(session.getMetadata().getDescription().contains("minus normalization.mean, divided by "
                    + "normalization.std"), session.getMetadata().getDescription());
        }
    }

    @Test
    void batchAndImageSizeFixTheInput() throws IOException, OrtException {
        Path onnx = dir.resolve("fixed.onnx");

        Cli.run("export", "--weights", weights.toString(), "--onnx", onnx.toString(), "--batch", "2",
                "--image-size", "40").assertSuccess();

        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = OrtEnvironment.getEnvironment().createSession(onnx.toString(), options)) {
            assertArrayEquals(new long[] {2, 3, 40, 40},
                    ((TensorInfo) session.getInputInfo().get("input").getInfo()).getShape());
            assertArrayEquals(new long[] {2, 10},
                    ((TensorInfo) session.getOutputInfo().get("logits").getInfo()).getShape());
        }
    }

    /** Weights fine-tuned at another size record it: the input takes that size unless --image-size says otherwise. */
    @Test
    void theImageSizeTheWeightsRecordIsTheInputsByDefault() throws IOException, OrtException {
        Path recorded = dir.resolve("at-48.safetensors");
        StateDicts.save(model, recorded, Map.of("image_size", "48"));
        Path onnx = dir.resolve("at-48.onnx");

        Cli.run("export", "--weights", recorded.toString(), "--onnx", onnx.toString()).assertSuccess();

        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = OrtEnvironment.getEnvironment().createSession(onnx.toString(), options)) {
            assertArrayEquals(new long[] {-1, 3, 48, 48},
                    ((TensorInfo) session.getInputInfo().get("input").getInfo()).getShape());
        }
    }

    @Test
    void badCommandLinesAreUsageErrors() {
        String w = weights.toString();
        String onnx = dir.resolve("x.onnx").toString();
        Cli.run("export", "--weights", w).assertFailure(2, "export: option --onnx is required");
        Cli.run("export", "--onnx", onnx).assertFailure(2, "export: option --weights is required");
        Cli.run("export", "--weights", w, "--onnx", onnx, "--batch", "0")
                .assertFailure(2, "--batch must be >= 1, got 0 (or 'dynamic')");
        Cli.run("export", "--weights", w, "--onnx", onnx, "--batch", "all")
                .assertFailure(2, "--batch must be a whole number, got 'all' (or 'dynamic')");
        Cli.run("export", "--weights", w, "--onnx", onnx, "--image-size", "0")
                .assertFailure(2, "--image-size must be >= 1");
        Cli.run("export", "--weights", w, "--onnx", onnx, "--opset", "13").assertFailure(2, "unknown option --opset");
    }

    @Test
    void weightsThatDoNotFitLeaveTheOldFileAsItWas() throws IOException {
        Path onnx = dir.resolve("resnet32.onnx");
        Files.writeString(onnx, "an earlier export");

        Cli.run("export", "--model", "resnet32", "--weights", weights.toString(), "--onnx", onnx.toString())
                .assertFailure(1, "w.safetensors: weights do not fit the model: missing 60");

        assertEquals("an earlier export", Files.readString(onnx));
        assertEquals(List.of("resnet32.onnx", "w.safetensors"), listing());
    }

    @Test
    void theUsageListsTheCommand() {
        String usage = Cli.run("--help").assertSuccess().out();
        assertTrue(usage.contains("export  [--model NAME] --weights W.safetensors|W.pth --onnx OUT.onnx "
                + "[--batch N|dynamic]"),
                usage);
    }
}
