package org.resnet4j.kernels.scalar;

import org.resnet4j.kernels.LossKernels;

/**
 * Softmax cross-entropy with label smoothing in plain loops. With {@code s} the smoothing and {@code C} the classes,
 * one sample's loss is {@code -(1 - s) * logp[label] - (s / C) * sum_c logp[c]}, where
 * {@code logp = logits - max - log(sum exp(logits - max))}.
 */
public final class ScalarLoss implements LossKernels {

    @Override
    public double softmaxCrossEntropyForward(int batch, int classes, float[] logits, int[] labels,
                                             float labelSmoothing, float[] probs) {
        checkLabels(batch, classes, labels, labelSmoothing);
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
                sumExp += Math.exp((double) logits[row + c] - max);
            }
            double logSum = Math.log(sumExp);
            double sumLogp = 0;
            for (int c = 0; c < classes; c++) {
                double logp = (double) logits[row + c] - max - logSum;
                probs[row + c] = (float) Math.exp(logp);
                sumLogp += logp;
            }
            double logpLabel = (double) logits[row + labels[n]] - max - logSum;
            total += -(1 - smoothing) * logpLabel - smoothing / classes * sumLogp;
        }
        return total / batch;
    }

    @Override
    public void softmaxCrossEntropyBackward(int batch, int classes, float[] probs, int[] labels, float labelSmoothing,
                                            float[] gradLogits) {
        checkLabels(batch, classes, labels, labelSmoothing);
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

    /** Rejects a label outside {@code [0, classes)} or a smoothing outside {@code [0, 1]}, naming the culprit. */
    public static void checkLabels(int batch, int classes, int[] labels, float labelSmoothing) {
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1], got " + labelSmoothing);
        }
        for (int n = 0; n < batch; n++) {
            if (labels[n] < 0 || labels[n] >= classes) {
                throw new IllegalArgumentException("label at index " + n + " is " + labels[n]
                        + ", outside the " + classes + " classes [0, " + classes + ")");
            }
        }
    }
}
