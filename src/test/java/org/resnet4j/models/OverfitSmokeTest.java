package org.resnet4j.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.optim.Sgd;
import org.resnet4j.tensor.Tensor;
import org.resnet4j.testing.KernelSets;
import org.resnet4j.testing.RandomArrays;
import org.resnet4j.train.TrainingStep;

/**
 * The whole training path (initialization, forward, loss, backward, SGD with momentum) must be able to memorize one
 * fixed batch of random images with random labels: a network that cannot is not learning, whatever its gradients look
 * like one at a time. SIMD kernels only: the scalar set needs about 2.5 s per step here (the PyTorch fixture tests
 * already run it through three SGD steps).
 */
class OverfitSmokeTest {
    private static final int IMAGES = 8;
    private static final int SIZE = 32;
    private static final int STEPS = 30;
    /** Measured: the loss falls from 2.72 to about 1e-4 in 30 steps (below 1 % of its start by step 10). */
    private static final double REQUIRED_FRACTION = 0.01;
    private static final double LEARNING_RATE = 0.05;

    @Test
    void resnet20MemorizesOneBatch() {
        Kernels kernels = KernelSets.named("simd");
        SplittableRandom random = new SplittableRandom(20151210);
        Tensor images = Tensor.wrap(RandomArrays.uniform(random, IMAGES * 3 * SIZE * SIZE), IMAGES, 3, SIZE, SIZE);
        int[] labels = RandomArrays.labels(random, IMAGES, 10);
        ResNet model = ResNets.create(kernels, "resnet20", ModelOptions.defaults(10).withSeed(7));
        Sgd sgd = new Sgd(kernels, model.namedParameters(), 0.9, 1e-4, false);
        TrainingStep step = new TrainingStep(model, sgd, kernels, 0f);

        double[] losses = new double[STEPS];
        for (int i = 0; i < STEPS; i++) {
            losses[i] = step.run(images, labels, LEARNING_RATE).loss();
            assertTrue(Double.isFinite(losses[i]), "loss of step " + i + " is " + losses[i]);
        }

        System.out.printf(Locale.ROOT, "resnet20 [simd] overfit losses %s%n", Arrays.toString(losses));
        assertTrue(losses[STEPS - 1] < REQUIRED_FRACTION * losses[0], String.format(Locale.ROOT,
                "after %d steps the loss is %.4g, not below %.0f%% of the first, %.4g", STEPS, losses[STEPS - 1],
                100 * REQUIRED_FRACTION, losses[0]));
    }
}
