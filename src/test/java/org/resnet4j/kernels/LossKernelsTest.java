package org.resnet4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.resnet4j.testing.Approx.assertAllClose;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.resnet4j.kernels.scalar.ScalarLoss;
import org.resnet4j.kernels.simd.SimdLoss;
import org.resnet4j.testing.RandomArrays;

/** Cross-entropy: SIMD against scalar, known values and huge logits (bad labels: {@link CheckedKernelsTest}). */
class LossKernelsTest {
    private final LossKernels scalar = new ScalarLoss();
    private final LossKernels simd = new SimdLoss();

    @Test
    void simdMatchesScalarOnShapesThatHitTheTails() {
        SplittableRandom random = new SplittableRandom(81);
        for (int batch : new int[] {1, 3, 16}) {
            for (int classes : new int[] {1, 2, 10, 15, 16, 17, 1000}) {
                for (float smoothing : new float[] {0f, 0.1f}) {
                    String what = "batch " + batch + " classes " + classes + " smoothing " + smoothing + " ";
                    float[] logits = RandomArrays.uniform(random, batch * classes, -5f, 5f);
                    int[] labels = RandomArrays.labels(random, batch, classes);
                    float[] p1 = new float[batch * classes];
                    float[] p2 = new float[batch * classes];
                    double l1 = scalar.softmaxCrossEntropyForward(batch, classes, logits, labels, smoothing, p1);
                    double l2 = simd.softmaxCrossEntropyForward(batch, classes, logits, labels, smoothing, p2);
                    assertEquals(l1, l2, 1e-6 + 1e-6 * Math.abs(l1), what + "loss");
                    assertAllClose(what + "probs", p1, p2, 1e-7, 1e-6);
                    float[] g1 = new float[batch * classes];
                    float[] g2 = new float[batch * classes];
                    scalar.softmaxCrossEntropyBackward(batch, classes, p1, labels, smoothing, g1);
                    simd.softmaxCrossEntropyBackward(batch, classes, p1, labels, smoothing, g2);
                    // Same probabilities in: the same float operations, so the same bits.
                    assertAllClose(what + "gradLogits", g1, g2, 0, 0);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("org.resnet4j.testing.KernelSets#loss")
    void knownTinyCase(LossKernels loss) {
        // logits [0, ln 3]: softmax [1/4, 3/4].
        float[] logits = {0f, (float) Math.log(3), 0f, (float) Math.log(3)};
        int[] labels = {1, 0};
        float[] probs = new float[4];
        double value = loss.softmaxCrossEntropyForward(2, 2, logits, labels, 0f, probs);
        assertEquals((-Math.log(0.75) - Math.log(0.25)) / 2, value, 1e-6);
        assertAllClose("probs", new double[] {0.25, 0.75, 0.25, 0.75}, probs, 1e-7, 0);

        // Smoothing 0.1 with 2 classes: targets 0.95 / 0.05.
        double smoothed = loss.softmaxCrossEntropyForward(1, 2, logits, new int[] {1}, 0.1f, probs);
        assertEquals(-0.95 * Math.log(0.75) - 0.05 * Math.log(0.25), smoothed, 1e-6);

        // Backward: (probs - target) / batch.
        float[] grad = new float[4];
        loss.softmaxCrossEntropyBackward(2, 2, new float[] {0.25f, 0.75f, 0.25f, 0.75f}, labels, 0f, grad);
        assertAllClose("gradLogits", new double[] {0.125, -0.125, -0.375, 0.375}, grad, 1e-7, 0);
    }

    /**
     * A logit of -inf is a class of probability 0: PyTorch's {@code cross_entropy([[0, 1, -inf]], [1])} is
     * ln(1 + e^-1) = 0.3133, finite; with smoothing its loss is +inf (the smoothed target puts weight on that class).
     */
    @ParameterizedTest
    @MethodSource("org.resnet4j.testing.KernelSets#loss")
    void aLogitOfMinusInfinityIsAClassOfProbabilityZero(LossKernels loss) {
        float[] logits = {0f, 1f, Float.NEGATIVE_INFINITY};
        float[] probs = new float[3];
        assertEquals(Math.log1p(Math.exp(-1)), loss.softmaxCrossEntropyForward(1, 3, logits, new int[] {1}, 0f, probs),
                1e-7);
        assertAllClose("probs", new double[] {1 / (1 + Math.E), Math.E / (1 + Math.E), 0}, probs, 1e-7, 0);
        assertEquals(Double.POSITIVE_INFINITY, loss.softmaxCrossEntropyForward(1, 3, logits, new int[] {1}, 0.1f,
                probs));
    }

    @ParameterizedTest
    @MethodSource("org.resnet4j.testing.KernelSets#loss")
    void hugeLogitsStayFinite(LossKernels loss) {
        // Without subtracting the maximum, exp(1e4) overflows to infinity.
        float[] logits = {1e4f, -1e4f, 0f, 1e4f, 1e4f, -1e4f, 0f, 1e4f};
        float[] probs = new float[8];
        double value = loss.softmaxCrossEntropyForward(2, 4, logits, new int[] {1, 0}, 0f, probs);
        // Sample 0: label logit -1e4 against two maxima 1e4: loss 2e4 + ln 2. Sample 1: ln 2.
        assertEquals((2e4 + Math.log(2) + Math.log(2)) / 2, value, 1e-3);
        assertAllClose("probs", new double[] {0.5, 0, 0, 0.5, 0.5, 0, 0, 0.5}, probs, 1e-7, 0);
        double smoothed = loss.softmaxCrossEntropyForward(2, 4, logits, new int[] {1, 0}, 0.2f, probs);
        assertTrue(Double.isFinite(smoothed), "smoothed loss " + smoothed);
        float[] grad = new float[8];
        loss.softmaxCrossEntropyBackward(2, 4, probs, new int[] {1, 0}, 0.2f, grad);
        for (float g : grad) {
            assertTrue(Float.isFinite(g), "gradient " + g);
        }
    }
}
