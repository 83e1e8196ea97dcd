package org.resnet4j.kernels.simd;

import org.resnet4j.kernels.*;

/** Placeholder until written. */
public final class SimdPooling implements PoolingKernels {
    @Override
    public void maxPoolForward(PoolGeometry g, float[] x, float[] y, int[] argmax) {
        throw new UnsupportedOperationException("not written yet");
    }

    @Override
    public void maxPoolBackward(PoolGeometry g, float[] gradY, int[] argmax, float[] gradX) {
        throw new UnsupportedOperationException("not written yet");
    }

    @Override
    public void globalAvgPoolForward(int batch, int plane, int channels, float[] x, float[] y) {
        throw new UnsupportedOperationException("not written yet");
    }

    @Override
    public void globalAvgPoolBackward(int batch, int plane, int channels, float[] gradY, float[] gradX) {
        throw new UnsupportedOperationException("not written yet");
    }
}
