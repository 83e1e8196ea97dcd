package org.resnet4j.kernels;

/**
 * The paper's option-A shortcut where dimensions change: keep every {@code stride}-th row and column starting at 0
 * (the even ones for stride 2) and append zero channels, so {@code y [N][ceil(H/s)][ceil(W/s)][outChannels]} holds
 * the subsampled input in channels {@code 0..inChannels-1} and zeros after (as fb.resnet.torch).
 *
 * <p>Implementations must be safe to call from several threads at once, on output arrays that no other call writes (see
 * {@link Kernels}).
 */
public interface ShortcutKernels {

    /** Overwrites {@code y}. {@code outChannels >= inChannels}. */
    void subsampleZeroPadForward(int batch, int inChannels, int height, int width, int outChannels, int stride,
                                 float[] x, float[] y);

    /** {@code gradX} gets {@code gradY}'s first {@code inChannels} channels at the kept positions, zeros elsewhere. */
    void subsampleZeroPadBackward(int batch, int inChannels, int height, int width, int outChannels, int stride,
                                  float[] gradY, float[] gradX);
}
