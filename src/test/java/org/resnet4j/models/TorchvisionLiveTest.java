package org.resnet4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.resnet4j.io.StateDicts;
import org.resnet4j.kernels.KernelProvider;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;
import org.resnet4j.testing.KernelSets;
import org.resnet4j.testing.PythonReference;

/**
 * torchvision's own resnet18 and resnet50, live: src/test/python/torchvision_reference.py builds them with seeded
 * random weights and random BatchNorm statistics, saves their {@code state_dict}, an input [2, 3, 64, 64] and the
 * eval-mode logits (float64, rounded to float32) into a temporary directory; resnet4j loads each state dict
 * unchanged into {@code ResNets.create(name)} and must reproduce the logits on the SIMD kernels. Needs Debian's
 * python3-torch and python3-torchvision; skipped, with the command that installs them, when they are absent.
 */
class TorchvisionLiveTest {
    /** Python start, torch import, two models and their float64 forward passes take about 10 s on a busy machine. */
    private static final long TIMEOUT_SECONDS = 60;
    private static final double LOGITS_TOL = 1e-4;

    @TempDir
    static Path directory;
    private static PythonReference reference;

    /**
     * Runs the script once for the class. Called from each test rather than from {@code @BeforeAll}, so that a skip
     * shows up in the surefire report with its reason instead of the class silently running no tests.
     */
    private static synchronized void requireReference() throws IOException, InterruptedException {
        assumeTrue(KernelProvider.vectorModulePresent(), "jdk.incubator.vector is not in this JVM");
        if (reference == null) {
            reference = new PythonReference(Path.of("src", "test", "python", "torchvision_reference.py"), directory,
                    TIMEOUT_SECONDS);
        }
        reference.require();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"resnet18", "resnet50"})
    void evalLogitsMatchTorchvision(String name) throws IOException, InterruptedException {
        requireReference();
        ResNet model = ResNets.create(KernelSets.named("simd"), name, ModelOptions.defaults(1000));
        StateDicts.load(model, directory.resolve(name + "_state_dict.safetensors"));
        TorchReference reference = TorchReference.read(directory.resolve(name + "_io.safetensors"));

        Tensor logits = model.forward(reference.nchw("input"), false);

        assertEquals(Shape.of(2, 1000), logits.shape());
        reference.check(name + " [simd] eval", "logits", logits.data(), LOGITS_TOL);
        Tensor frozen = model.freeze().forward(reference.nchw("input"));
        reference.check(name + " [simd] frozen eval", "logits", frozen.data(), LOGITS_TOL);
    }

    /** Stage outputs and the pooled embedding equal torchvision's create_feature_extractor, unfolded and frozen. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"resnet18", "resnet50"})
    void featuresMatchTorchvision(String name) throws IOException, InterruptedException {
        requireReference();
        ResNet model = ResNets.create(KernelSets.named("simd"), name, ModelOptions.defaults(1000));
        StateDicts.load(model, directory.resolve(name + "_state_dict.safetensors"));
        TorchReference reference = TorchReference.read(directory.resolve(name + "_io.safetensors"));

        for (var entry : java.util.Map.of("eval", model.features(reference.nchw("input")),
                "frozen", model.freeze().features(reference.nchw("input"))).entrySet()) {
            var features = entry.getValue();
            assertEquals(java.util.List.of("layer1", "layer2", "layer3", "layer4", "flatten"),
                    java.util.List.copyOf(features.keySet()));
            for (var feature : features.entrySet()) {
                reference.check(name + " [simd] " + entry.getKey() + " features", "features." + feature.getKey(),
                        feature.getValue().data(), LOGITS_TOL);
            }
        }
    }
}
