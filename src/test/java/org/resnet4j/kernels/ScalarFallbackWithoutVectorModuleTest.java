package org.resnet4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;
import org.resnet4j.optim.Sgd;
import org.resnet4j.tensor.Tensor;
import org.resnet4j.testing.LogCapture;
import org.resnet4j.train.TrainingStep;

/**
 * Runs in a JVM started without {@code --add-modules jdk.incubator.vector} (the surefire execution
 * {@code without-vector-module}): the library must fall back to the scalar kernels and still train.
 */
class ScalarFallbackWithoutVectorModuleTest {

    @Test
    void fallsBackToScalarKernelsSaysHowMuchSlowerAndStillTrains() {
        assertFalse(KernelProvider.vectorModulePresent(), "this test must run without the Vector API module");
        // The only test in its JVM, so this first call is the one that chooses the kernels and warns.
        try (LogCapture log = LogCapture.of(KernelProvider.class)) {
            assertEquals("scalar", Kernels.active().name());
            assertEquals(1, log.warnings().size(), log.warnings().toString());
            String warning = log.warnings().get(0);
            assertTrue(warning.contains("about 150 times slower") && warning.contains("training"), warning);
            assertTrue(warning.contains("--add-modules jdk.incubator.vector"), warning);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, KernelProvider::simd);
        assertTrue(e.getMessage().contains("--add-modules jdk.incubator.vector"), e.getMessage());

        ResNet model = ResNets.resnet20(10);
        Sgd sgd = new Sgd(Kernels.active(), model.namedParameters(), 0.9, 1e-4, false);
        TrainingStep step = new TrainingStep(model, sgd, Kernels.active(), 0f);
        SplittableRandom random = new SplittableRandom(5);
        Tensor images = Tensor.zeros(4, 3, 16, 16);
        for (int i = 0; i < images.size(); i++) {
            images.data()[i] = (float) random.nextGaussian();
        }
        int[] labels = {0, 1, 2, 3};
        double first = step.run(images, labels, 0.05).loss();
        double last = first;
        for (int i = 0; i < 15; i++) {
            last = step.run(images, labels, 0.05).loss();
        }
        assertTrue(Double.isFinite(first) && last < first, "loss " + first + " -> " + last);
    }
}
