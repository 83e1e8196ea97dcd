package org.resnet4j.kernels.simd;

import org.resnet4j.kernels.*;

/** Placeholder until written. */
public final class SimdShortcut implements ShortcutKernels {
    @Override
    public void subsampleZeroPadForward(int batch, int inChannels, int height, int width, int outChannels, int stride, float[] x, float[] y) {
        throw new UnsupportedOperationException("not written yet");
    }

    @Override
    public void subsampleZeroPadBackward(int batch, int inChannels, int height, int width, int outChannels, int stride, float[] gradY, float[] gradX) {
        throw new UnsupportedOperationException("not written yet");
    }
}
