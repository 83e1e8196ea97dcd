package org.resnet4j.io.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.tensor.Tensor;

/**
 * The official onnx package (Debian's python3-onnx) accepts the exported files: {@code onnx.checker.check_model} with
 * full_check (the checker and strict shape inference) passes, and what it reads back is the graph the export means to
 * write: IR version and opset, the input and output, every initializer under its state-dict name with its shape, the
 * nodes and their wiring, and the shapes inference derives. Skipped, saying how to install it, without python3-onnx.
 */
class OnnxCheckerTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path SCRIPT = Path.of("src", "test", "python", "onnx_structure.py");
    private static final String MISSING = "python3-onnx not installed: apt-get install python3-onnx";
    /** The script's exit status when onnx cannot be imported. */
    private static final int IMPORT_FAILED = 3;
    private static final long TIMEOUT_SECONDS = 120;

    @TempDir
    Path dir;

    /**
     * ResNet-20: 19 convolutions and batch norms (the stem, two per block in nine blocks), 19 ReLUs, 9 adds, option A
     * as Slice + Pad where the width doubles (layer2.0 and layer3.0), then pool, flatten and the classifier.
     */
    @Test
    void resnet20WithOptionAShortcutsPassesTheChecker() throws IOException, InterruptedException {
        ResNet model = ResNets.resnet20(10);
        Path file = dir.resolve("resnet20.onnx");
        OnnxExport.Summary summary = OnnxExport.write(model, OnnxInput.dynamicBatch(32), file);

        Structure structure = check(file);

        assertEquals(List.of("8"), structure.get("ir_version"));
        assertEquals(List.of("ai.onnx 17"), structure.get("opset"));
        assertEquals(List.of("input N,3,32,32"), structure.get("input"));
        assertEquals(List.of("logits N,10"), structure.get("output"));
        Map<String, String> expected = stateDictInitializers(model);
        for (String block : List.of("layer2.0", "layer3.0")) {
            for (String constant : List.of("starts", "ends", "axes", "steps")) {
                expected.put(block + ".shortcut." + constant, "INT64 2");
            }
            expected.put(block + ".shortcut.pads", "INT64 8");
        }
        assertEquals(expected, structure.initializers());
        assertEquals(Map.of("Conv", 19L, "BatchNormalization", 19L, "Relu", 19L, "Add", 9L, "Slice", 2L, "Pad", 2L,
                "GlobalAveragePool", 1L, "Flatten", 1L, "Gemm", 1L), structure.opCounts());
        structure.assertNode("Conv conv1 input,conv1.weight -> conv1");
        structure.assertNode("BatchNormalization bn1 conv1,bn1.weight,bn1.bias,bn1.running_mean,bn1.running_var -> bn1");
        structure.assertNode("Add layer1.0.add layer1.0.bn2,relu -> layer1.0.add");
        structure.assertNode("Slice layer2.0.shortcut.subsample layer1.2.relu2,layer2.0.shortcut.starts,"
                + "layer2.0.shortcut.ends,layer2.0.shortcut.axes,layer2.0.shortcut.steps -> layer2.0.shortcut.subsample");
        structure.assertNode("Pad layer2.0.shortcut.pad layer2.0.shortcut.subsample,layer2.0.shortcut.pads"
                + " -> layer2.0.shortcut.pad");
        structure.assertNode("Add layer2.0.add layer2.0.bn2,layer2.0.shortcut.pad -> layer2.0.add");
        structure.assertNode("Gemm fc avgpool.flatten,fc.weight,fc.bias -> logits");
        structure.assertValue("layer2.0.shortcut.subsample N,16,16,16");
        structure.assertValue("layer2.0.shortcut.pad N,32,16,16");
        structure.assertValue("layer3.0.add N,64,8,8");
        structure.assertValue("avgpool.flatten N,64");
        assertEquals(new OnnxExport.Summary(73, expected.size(), Files.size(file)), summary);
    }

    /**
     * ResNet-50 with a fixed batch: 53 convolutions and batch norms (the stem, three per block in sixteen blocks and
     * four projections), 49 ReLUs, 16 adds, the stem's max pool.
     */
    @Test
    void resnet50WithAFixedBatchPassesTheChecker() throws IOException, InterruptedException {
        ResNet model = ResNets.create("resnet50", ModelOptions.defaults(100));
        Path file = dir.resolve("resnet50.onnx");
        OnnxExport.Summary summary = OnnxExport.write(model, OnnxInput.fixedBatch(1, 64), file);

        Structure structure = check(file);

        assertEquals(List.of("input 1,3,64,64"), structure.get("input"));
        assertEquals(List.of("logits 1,100"), structure.get("output"));
        Map<String, String> expected = stateDictInitializers(model);
        assertEquals(expected, structure.initializers());
        assertEquals(Map.of("Conv", 53L, "BatchNormalization", 53L, "Relu", 49L, "Add", 16L, "MaxPool", 1L,
                "GlobalAveragePool", 1L, "Flatten", 1L, "Gemm", 1L), structure.opCounts());
        structure.assertNode("MaxPool maxpool relu -> maxpool");
        structure.assertNode("Conv layer1.0.downsample.0 maxpool,layer1.0.downsample.0.weight -> layer1.0.downsample.0");
        structure.assertNode("Add layer1.0.add layer1.0.bn3,layer1.0.downsample.1 -> layer1.0.add");
        structure.assertValue("maxpool 1,64,16,16");
        structure.assertValue("layer4.2.relu3 1,2048,2,2");
        assertEquals(new OnnxExport.Summary(175, expected.size(), Files.size(file)), summary);
    }

    /**
     * The README's reason for not folding batch norm: ONNX Runtime folds every BatchNormalization into its Conv when
     * it loads the model, already at its basic optimization level, so the unfolded file costs nothing at run time.
     */
    @Test
    void onnxRuntimeFoldsTheBatchNormsOnLoading() throws IOException, InterruptedException, OrtException {
        Path file = dir.resolve("resnet20.onnx");
        OnnxExport.write(ResNets.resnet20(10), OnnxInput.dynamicBatch(32), file);
        Path optimized = dir.resolve("resnet20.optimized.onnx");
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.BASIC_OPT);
            options.setOptimizedModelFilePath(optimized.toString());
            OrtEnvironment.getEnvironment().createSession(file.toString(), options).close();
        }

        Structure structure = check(optimized);

        assertEquals(Map.of("Conv", 19L, "Relu", 19L, "Add", 9L, "Slice", 2L, "Pad", 2L, "GlobalAveragePool", 1L,
                "Flatten", 1L, "Gemm", 1L), structure.opCounts());
    }

    /** Every parameter and running statistic by its state-dict name: {@code FLOAT <dims>}. */
    private static Map<String, String> stateDictInitializers(ResNet model) {
        Map<String, String> expected = new TreeMap<>();
        model.namedParameters().forEach((name, p) -> expected.put(name, "FLOAT " + dims(p.value())));
        model.namedBuffers().forEach((name, b) -> expected.put(name, "FLOAT " + dims(b)));
        return expected;
    }

    private static String dims(Tensor tensor) {
        return Arrays.stream(tensor.shape().dims()).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    /** The script's lines grouped by their first word, each without it. */
    private record Structure(Map<String, List<String>> lines) {
        List<String> get(String kind) {
            return lines.getOrDefault(kind, List.of());
        }

        Map<String, String> initializers() {
            Map<String, String> result = new TreeMap<>();
            for (String line : get("initializer")) {
                int space = line.indexOf(' ');
                result.put(line.substring(0, space), line.substring(space + 1));
            }
            return result;
        }

        Map<String, Long> opCounts() {
            return get("node").stream().collect(Collectors.groupingBy(line -> line.substring(0, line.indexOf(' ')),
                    Collectors.counting()));
        }

        void assertNode(String line) {
            assertTrue(get("node").contains(line), "no node '" + line + "' among " + get("node"));
        }

        void assertValue(String line) {
            assertTrue(get("value").contains(line), "no inferred shape '" + line + "' among " + get("value"));
        }
    }

    private static Structure check(Path model) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(PYTHON), MISSING + " (there is no " + PYTHON + ")");
        assertTrue(Files.isRegularFile(SCRIPT), SCRIPT.toAbsolutePath() + " is missing: run from the project directory");
        Path log = model.resolveSibling(model.getFileName() + ".log");
        ProcessBuilder builder = new ProcessBuilder(PYTHON.toString(), SCRIPT.toString(), model.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1"); // no __pycache__ in the source tree
        Process python = builder.start();
        if (!python.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            python.destroyForcibly().waitFor();
            fail(SCRIPT + " did not finish in " + TIMEOUT_SECONDS + " s: " + Files.readString(log));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assumeTrue(python.exitValue() != IMPORT_FAILED, MISSING + " (" + output.strip() + ")");
        assertEquals(0, python.exitValue(), "the onnx checker refused " + model.getFileName() + ":\n" + output);
        Map<String, List<String>> lines = new LinkedHashMap<>();
        for (String line : output.lines().toList()) {
            int space = line.indexOf(' ');
            lines.computeIfAbsent(line.substring(0, space), k -> new ArrayList<>()).add(line.substring(space + 1));
        }
        return new Structure(lines);
    }
}
