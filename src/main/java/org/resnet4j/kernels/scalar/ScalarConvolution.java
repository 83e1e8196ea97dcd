package org.resnet4j.kernels.scalar;

import org.resnet4j.kernels.*;

/** Placeholder until written. */
public final class ScalarConvolution implements ConvolutionKernels {
    @Override
    public void forward(ConvGeometry g, float[] input, float[] weight, float[] bias, float[] output) {
        throw new UnsupportedOperationException("not written yet");
    }

    @Override
    public void backwardData(ConvGeometry g, float[] gradOutput, float[] weight, float[] gradInput) {
        throw new UnsupportedOperationException("not written yet");
    }

    @Override
    public void backwardWeights(ConvGeometry g, float[] input, float[] gradOutput, float[] gradWeight, float[] gradBias) {
        throw new UnsupportedOperationException("not written yet");
    }
}
