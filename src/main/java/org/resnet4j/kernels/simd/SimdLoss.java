package org.resnet4j.kernels.simd;

import org.resnet4j.kernels.*;

/** Placeholder until written. */
public final class SimdLoss implements LossKernels {
    @Override
    public double softmaxCrossEntropyForward(int batch, int classes, float[] logits, int[] labels, float labelSmoothing, float[] probs) {
        throw new UnsupportedOperationException("not written yet");
    }

    @Override
    public void softmaxCrossEntropyBackward(int batch, int classes, float[] probs, int[] labels, float labelSmoothing, float[] gradLogits) {
        throw new UnsupportedOperationException("not written yet");
    }
}
