package org.resnet4j.kernels.scalar;

import org.resnet4j.kernels.LossKernels;

/**
 * Softmax cross-entropy with label smoothing in plain loops. With {@code s} the smoothing and {@code C} the classes,
 * one sample's loss is {@code -(1 - s) * logp[label] - (s / C) * sum_c logp[c]}, where
 * {@code logp = logits - max - log(sum exp(logits - max))}.
 *
 * <p>Stateless: safe to call from several threads at once, on output arrays that no other call writes.
 */
public final class ScalarLoss implements LossKernels {

    @Override
    public double softmaxCrossEntropyForward(int batch, int classes, float[] logits, int[] labels,
                                             float labelSmoothing, float[] probs) {
        double smoothing = labelSmoothing;
        double total = 0;
        for (int n = 0; n < batch; n++) {
            int row = n * classes;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[row + c]);
            }
            double sumExp = 0;
            for (int c = 0; c < classes; c++) {
                sumExp += StrictMath.exp((double) logits[row + c] - max);
            }
            double logSum = StrictMath.log(sumExp);
            double sumLogp = 0;
            for (int c = 0; c < classes; c++) {
                double logp = (double) logits[row + c] - max - logSum;
                probs[row + c] = (float) StrictMath.exp(logp);
                sumLogp += logp;
            }
            double logpLabel = (double) logits[row + labels[n]] - max - logSum;
            // Without smoothing the sum's term is absent, not 0 times it: a logit of -inf makes the sum -inf, and
            // PyTorch's loss stays finite there (0 * -inf would be NaN).
            total += smoothing == 0 ? -logpLabel : -(1 - smoothing) * logpLabel - smoothing / classes * sumLogp;
        }
        return total / batch;
    }

    @Override
    public void softmaxCrossEntropyBackward(int batch, int classes, float[] probs, int[] labels, float labelSmoothing,
                                            float[] gradLogits) {
        float off = labelSmoothing / classes;
        float on = (1f - labelSmoothing) + off;
        for (int n = 0; n < batch; n++) {
            int row = n * classes;
            for (int c = 0; c < classes; c++) {
                float target = c == labels[n] ? on : off;
                gradLogits[row + c] = (probs[row + c] - target) / batch;
            }
        }
    }
}
