package org.resnet4j.io.pytorch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.resnet4j.io.pytorch.PyTorchFixtures.assertSameTensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.resnet4j.io.DType;
import org.resnet4j.io.SafeTensors;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.SafeTensorsFixtures;
import org.resnet4j.io.StateDicts;
import org.resnet4j.io.TensorEntry;
import org.resnet4j.io.WeightFiles;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;
import org.resnet4j.testing.Approx;
import org.resnet4j.testing.PythonReference;

/**
 * Real networks saved by torch.save, live (src/test/python/pytorch_checkpoint_reference.py writes them into a temporary
 * directory when /usr/bin/python3 has torch and torchvision; skipped otherwise): the CIFAR ResNet-20 of the committed
 * model fixtures saved in float32, channels-last, float64, float16, bfloat16 and as a DataParallel training
 * checkpoint, and torchvision's resnet18 and resnet50 with random weights. The weights read must equal PyTorch's
 * exactly, and resnet4j's eval-mode logits must match PyTorch's float64 logits within the tolerance the other
 * PyTorch comparisons use: 1e-4 of the largest logit.
 */
class PyTorchCheckpointLiveTest {
    private static final double LOGITS_TOL = 1e-4;

    @TempDir
    static Path directory;

    private static PythonReference reference;

    private static synchronized Path reference() throws IOException, InterruptedException {
        if (reference == null) {
            reference = new PythonReference(Path.of("src", "test", "python", "pytorch_checkpoint_reference.py"),
                    directory, 120);
        }
        return reference.require();
    }

    private static SafeTensorsFile fixture(String name) throws IOException {
        return SafeTensorsFixtures.load("fixtures/models/" + name + ".safetensors");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"resnet20.pth, ''", "resnet20_channels_last.pth, ''", "resnet20_dataparallel.pth, module."})
    void float32CheckpointsHoldExactlyTheFixturesWeights(String name, String prefix) throws Exception {
        Path file = reference().resolve(name);
        SafeTensorsFile read = PyTorchCheckpoints.read(file, StateDictOptions.DEFAULTS.withStrippedPrefix(prefix));

        assertSameTensors(fixture("resnet20_weights").tensors(), read.tensors());
        SafeTensorsFile data = fixture("resnet20_data");
        checkLogits("resnet20 " + name, "resnet20", read, data.tensor("input"), data.floats("logits_eval"));
    }

    @Test
    void aFloat64CheckpointHoldsTheSameValuesWidened() throws Exception {
        SafeTensorsFile read = WeightFiles.read(reference().resolve("resnet20_f64.pth"));

        SafeTensorsFile weights = fixture("resnet20_weights");
        assertEquals(weights.tensors().keySet(), read.tensors().keySet());
        for (TensorEntry entry : read.tensors().values()) {
            boolean counter = entry.name().endsWith("num_batches_tracked");
            assertEquals(counter ? DType.I64 : DType.F64, entry.dtype(), entry.name());
            if (!counter) {
                assertArrayEquals(weights.floats(entry.name()), entry.toFloats(), entry.name());
            }
        }
        SafeTensorsFile data = fixture("resnet20_data");
        checkLogits("resnet20 f64", "resnet20", read, data.tensor("input"), data.floats("logits_eval"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"f16, F16", "bf16, BF16"})
    void halfPrecisionCheckpointsHoldExactlyPyTorchsRoundedWeights(String kind, DType dtype) throws Exception {
        Path dir = reference();
        SafeTensorsFile read = PyTorchCheckpoints.read(dir.resolve("resnet20_" + kind + ".pth"));

        SafeTensorsFile expected = SafeTensors.read(dir.resolve("resnet20_" + kind + "_expected.safetensors"));
        assertSameTensors(expected.tensors(), read.tensors());
        assertEquals(dtype, read.tensor("conv1.weight").dtype());
        SafeTensorsFile logits = SafeTensors.read(dir.resolve("resnet20_reduced_logits.safetensors"));
        checkLogits("resnet20 " + kind, "resnet20", read, logits.tensor("input"), logits.floats("logits_" + kind));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"resnet18", "resnet50"})
    void torchvisionModelsGiveTorchvisionsLogits(String name) throws Exception {
        Path dir = reference();
        SafeTensorsFile read = WeightFiles.read(dir.resolve(name + ".pth"));

        SafeTensorsFile io = SafeTensors.read(dir.resolve(name + "_io.safetensors"));
        checkLogits(name, name, read, io.tensor("input"), io.floats("logits"));
    }

    /** Loads {@code weights} into a fresh {@code model}, runs it (training form in eval mode, and frozen), compares. */
    private static void checkLogits(String what, String model, SafeTensorsFile weights, TensorEntry input,
                                    float[] expected) throws IOException {
        ResNet network = ResNets.create(model, ModelOptions.defaults(ResNets.defaultClasses(model)));
        StateDicts.load(network, weights);
        Tensor x = Tensor.wrap(input.toFloats(), Shape.of(input.intShape()), Layout.NCHW);

        compare(what + " eval", expected, network.forward(x, false).data());
        compare(what + " frozen", expected, network.freeze().forward(x).data());
    }

    private static void compare(String what, float[] expected, float[] actual) {
        double scale = 0;
        double worst = 0;
        double worstRelative = 0;
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs((double) expected[i] - actual[i]);
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, error);
            worstRelative = Math.max(worstRelative, error / Math.abs(expected[i]));
        }
        System.out.printf(Locale.ROOT, "%-42s max|ref| %.3e  worst |err| %.3e  worst |err|/max|ref| %.3e  "
                + "worst |err|/|ref| %.3e%n", what, scale, worst, worst / scale, worstRelative);
        Approx.assertAllClose(what, expected, actual, LOGITS_TOL * scale, LOGITS_TOL);
    }
}
