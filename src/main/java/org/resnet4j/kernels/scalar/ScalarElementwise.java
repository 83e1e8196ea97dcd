package org.resnet4j.kernels.scalar;

import org.resnet4j.kernels.*;

/** Placeholder until written. */
public final class ScalarElementwise implements ElementwiseKernels {
    @Override
    public void reluForward(int length, float[] x, float[] y) {
        throw new UnsupportedOperationException("not written yet");
    }

    @Override
    public void reluBackward(int length, float[] y, float[] gradY, float[] gradX) {
        throw new UnsupportedOperationException("not written yet");
    }

    @Override
    public void add(int length, float[] a, float[] b, float[] out) {
        throw new UnsupportedOperationException("not written yet");
    }

    @Override
    public void sgdUpdate(int length, float[] weight, float[] grad, float[] velocity, float lr, float momentum, float weightDecay, boolean nesterov) {
        throw new UnsupportedOperationException("not written yet");
    }
}
