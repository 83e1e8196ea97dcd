package org.resnet4j.kernels;

/**
 * Softmax cross-entropy with optional label smoothing, PyTorch's {@code cross_entropy(..., label_smoothing=s)}: the
 * target distribution is {@code (1 - s) * onehot(label) + s / classes}; the loss is the mean over the batch.
 *
 * <p>Implementations must be safe to call from several threads at once, on output arrays that no other call writes (see
 * {@link Kernels}).
 */
public interface LossKernels {

    /**
     * Returns the mean loss over the batch, computed stably (the maximum logit is subtracted first), and writes the
     * softmax probabilities {@code probs [batch][classes]} that backward needs.
     */
    double softmaxCrossEntropyForward(int batch, int classes, float[] logits, int[] labels, float labelSmoothing,
                                      float[] probs);

    /** {@code gradLogits = (probs - target) / batch}. Overwrites {@code gradLogits}. */
    void softmaxCrossEntropyBackward(int batch, int classes, float[] probs, int[] labels, float labelSmoothing,
                                     float[] gradLogits);
}
