package org.resnet4j.kernels.scalar;

import org.resnet4j.kernels.*;

/** Placeholder until written. */
public final class ScalarLinear implements LinearKernels {
    @Override
    public void forward(int batch, int in, int out, float[] x, float[] weight, float[] bias, float[] y) {
        throw new UnsupportedOperationException("not written yet");
    }

    @Override
    public void backward(int batch, int in, int out, float[] x, float[] weight, float[] gradY, float[] gradX, float[] gradWeight, float[] gradBias) {
        throw new UnsupportedOperationException("not written yet");
    }
}
