package org.resnet4j.kernels;

/**
 * A fully connected layer {@code y = x W^T + b}: {@code x [batch][in]}, {@code weight [out][in]},
 * {@code y [batch][out]}.
 *
 * <p>Implementations must be safe to call from several threads at once, on output arrays that no other call writes (see
 * {@link Kernels}).
 */
public interface LinearKernels {

    /** {@code y[n,o] = bias[o] + sum_i x[n,i] * weight[o,i]}; {@code bias} may be null. Overwrites {@code y}. */
    void forward(int batch, int in, int out, float[] x, float[] weight, float[] bias, float[] y);

    /**
     * {@code gradX[n,i] = sum_o gradY[n,o] * weight[o,i]} (overwritten; skipped when {@code gradX} is null);
     * {@code gradWeight[o,i] += sum_n gradY[n,o] * x[n,i]}; {@code gradBias[o] += sum_n gradY[n,o]} (when not null).
     */
    void backward(int batch, int in, int out, float[] x, float[] weight, float[] gradY, float[] gradX,
                  float[] gradWeight, float[] gradBias);
}
