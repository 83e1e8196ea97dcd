package org.resnet4j.kernels.simd;

import org.resnet4j.kernels.*;

/** Placeholder until written. */
public final class SimdBatchNorm implements BatchNormKernels {
    @Override
    public void forwardTraining(int rows, int channels, float[] x, float[] gamma, float[] beta, float eps, float momentum, float[] runningMean, float[] runningVar, float[] y, float[] saveMean, float[] saveInvStd) {
        throw new UnsupportedOperationException("not written yet");
    }

    @Override
    public void forwardInference(int rows, int channels, float[] x, float[] gamma, float[] beta, float[] runningMean, float[] runningVar, float eps, float[] y) {
        throw new UnsupportedOperationException("not written yet");
    }

    @Override
    public void backward(int rows, int channels, float[] x, float[] gradY, float[] gamma, float[] saveMean, float[] saveInvStd, float[] gradX, float[] gradGamma, float[] gradBeta) {
        throw new UnsupportedOperationException("not written yet");
    }
}
