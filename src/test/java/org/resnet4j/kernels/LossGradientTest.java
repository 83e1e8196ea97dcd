package org.resnet4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.resnet4j.testing.Approx.assertAllClose;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.resnet4j.testing.Approx;
import org.resnet4j.testing.FiniteDifferences;
import org.resnet4j.testing.RandomArrays;

/** Cross-entropy against a double-precision definition and its finite differences, with and without smoothing. */
class LossGradientTest {

    /** Mean over the batch of {@code -sum_c target_c * log softmax(z)_c}, target {@code (1-s) onehot + s/C}. */
    static double crossEntropy(int batch, int classes, double[] logits, int[] labels, double smoothing) {
        double total = 0;
        for (int n = 0; n < batch; n++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[n * classes + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(logits[n * classes + c] - max);
            }
            for (int c = 0; c < classes; c++) {
                double logp = logits[n * classes + c] - max - Math.log(sum);
                double target = (c == labels[n] ? 1 - smoothing : 0) + smoothing / classes;
                total -= target * logp;
            }
        }
        return total / batch;
    }

    @ParameterizedTest
    @MethodSource("org.resnet4j.testing.KernelSets#loss")
    void lossAndGradientMatchTheDefinition(LossKernels loss) {
        SplittableRandom random = new SplittableRandom(91);
        int[][] shapes = {{1, 2}, {3, 10}, {2, 17}, {4, 16}};
        for (int[] s : shapes) {
            int batch = s[0];
            int classes = s[1];
            for (float smoothing : new float[] {0f, 0.1f}) {
                String what = loss.getClass().getSimpleName() + " batch " + batch + " classes " + classes
                        + " smoothing " + smoothing;
                float[] logits = RandomArrays.uniform(random, batch * classes, -3f, 3f);
                int[] labels = RandomArrays.labels(random, batch, classes);
                double[] logitsD = Approx.toDouble(logits);
                float[] probs = new float[batch * classes];
                double value = loss.softmaxCrossEntropyForward(batch, classes, logits, labels, smoothing, probs);
                assertEquals(crossEntropy(batch, classes, logitsD, labels, smoothing), value, 1e-6, what + " loss");

                // gradLogits is overwritten: start it from garbage.
                float[] grad = RandomArrays.uniform(random, batch * classes);
                loss.softmaxCrossEntropyBackward(batch, classes, probs, labels, smoothing, grad);
                double[] expected = FiniteDifferences.gradient(logitsD,
                        p -> crossEntropy(batch, classes, p, labels, smoothing), 1e-4);
                assertAllClose(what + " gradLogits", expected, grad, 1e-6, 1e-5);
            }
        }
    }
}
