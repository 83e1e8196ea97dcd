package org.resnet4j.kernels;

/**
 * Max pooling and global average pooling on NHWC activations.
 *
 * <p>Implementations must be safe to call from several threads at once, on output arrays that no other call writes (see
 * {@link Kernels}).
 */
public interface PoolingKernels {

    /**
     * {@code y[n,oh,ow,c] = max over the window of x} (padding never wins: it is minus infinity). Writes the flat
     * index into {@code x} of each maximum to {@code argmax} (first maximum in window order on ties).
     */
    void maxPoolForward(PoolGeometry g, float[] x, float[] y, int[] argmax);

    /** {@code gradX[argmax[i]] += gradY[i]} after {@code gradX} is zeroed: overwrites {@code gradX}. */
    void maxPoolBackward(PoolGeometry g, float[] gradY, int[] argmax, float[] gradX);

    /** {@code y[n,c] = mean over (h,w) of x[n,h,w,c]}; {@code plane = H*W}. */
    void globalAvgPoolForward(int batch, int plane, int channels, float[] x, float[] y);

    /** {@code gradX[n,h,w,c] = gradY[n,c] / plane}. Overwrites {@code gradX}. */
    void globalAvgPoolBackward(int batch, int plane, int channels, float[] gradY, float[] gradX);
}
