package org.resnet4j.kernels;

import static org.resnet4j.kernels.KernelChecks.require;
import static org.resnet4j.kernels.KernelChecks.requirePositive;

import java.util.function.Supplier;

/**
 * {@link LossKernels} with every array checked against {@code batch x classes}, every label against the classes and
 * the smoothing against {@code [0, 1]}, then the implementation's pass. The label check is the one pass over an
 * argument a check makes: a bad label would otherwise read another sample's logits without failing.
 */
final class CheckedLoss implements LossKernels {
    private final LossKernels kernels;

    private CheckedLoss(LossKernels kernels) {
        this.kernels = kernels;
    }

    static LossKernels wrap(LossKernels kernels) {
        if (kernels == null) {
            throw new IllegalArgumentException("the loss kernels are null");
        }
        return kernels instanceof CheckedLoss ? kernels : new CheckedLoss(kernels);
    }

    @Override
    public double softmaxCrossEntropyForward(int batch, int classes, float[] logits, int[] labels,
                                             float labelSmoothing, float[] probs) {
        String kernel = "softmax cross-entropy forward";
        Supplier<String> sizes = requireSizes(kernel, batch, classes, labels, labelSmoothing);
        require(kernel, "logits", logits, (long) batch * classes, sizes);
        require(kernel, "probs", probs, (long) batch * classes, sizes);
        return kernels.softmaxCrossEntropyForward(batch, classes, logits, labels, labelSmoothing, probs);
    }

    @Override
    public void softmaxCrossEntropyBackward(int batch, int classes, float[] probs, int[] labels, float labelSmoothing,
                                            float[] gradLogits) {
        String kernel = "softmax cross-entropy backward";
        Supplier<String> sizes = requireSizes(kernel, batch, classes, labels, labelSmoothing);
        require(kernel, "probs", probs, (long) batch * classes, sizes);
        require(kernel, "gradLogits", gradLogits, (long) batch * classes, sizes);
        kernels.softmaxCrossEntropyBackward(batch, classes, probs, labels, labelSmoothing, gradLogits);
    }

    /** Sizes, the smoothing and every label, naming the first culprit. */
    private static Supplier<String> requireSizes(String kernel, int batch, int classes, int[] labels,
                                                 float labelSmoothing) {
        requirePositive(kernel, "batch", batch);
        requirePositive(kernel, "classes", classes);
        Supplier<String> sizes = () -> "batch " + batch + " x " + classes + " classes";
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f)) {
            throw new IllegalArgumentException(kernel + ": label smoothing must be in [0, 1], got " + labelSmoothing);
        }
        require(kernel, "labels", labels, batch, sizes);
        for (int n = 0; n < batch; n++) {
            if (labels[n] < 0 || labels[n] >= classes) {
                throw new IllegalArgumentException(kernel + ": label at index " + n + " is " + labels[n]
                        + ", outside the " + classes + " classes [0, " + classes + ")");
            }
        }
        return sizes;
    }
}
