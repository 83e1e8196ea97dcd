package org.resnet4j.kernels.scalar;

import org.resnet4j.kernels.LinearKernels;

/**
 * A fully connected layer {@code y = x W^T + b} in plain loops: {@code x [batch][in]}, {@code weight [out][in]},
 * {@code y [batch][out]}. Dot products and batch sums run in double.
 *
 * <p>Stateless: safe to call from several threads at once, on output arrays that no other call writes.
 */
public final class ScalarLinear implements LinearKernels {

    @Override
    public void forward(int batch, int in, int out, float[] x, float[] weight, float[] bias, float[] y) {
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < out; o++) {
                double sum = bias == null ? 0 : bias[o];
                for (int i = 0; i < in; i++) {
                    sum += (double) x[n * in + i] * weight[o * in + i];
                }
                y[n * out + o] = (float) sum;
            }
        }
    }

    @Override
    public void backward(int batch, int in, int out, float[] x, float[] weight, float[] gradY, float[] gradX,
                         float[] gradWeight, float[] gradBias) {
        if (gradX != null) {
            // gradX[n,:] = sum_o gradY[n,o] * weight[o,:], accumulated row by row so weight is read in order.
            for (int n = 0; n < batch; n++) {
                int row = n * in;
                for (int i = 0; i < in; i++) {
                    gradX[row + i] = 0f;
                }
                for (int o = 0; o < out; o++) {
                    float g = gradY[n * out + o];
                    for (int i = 0; i < in; i++) {
                        gradX[row + i] += g * weight[o * in + i];
                    }
                }
            }
        }
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                double sum = 0;
                for (int n = 0; n < batch; n++) {
                    sum += (double) gradY[n * out + o] * x[n * in + i];
                }
                gradWeight[o * in + i] += (float) sum;
            }
        }
        if (gradBias != null) {
            for (int o = 0; o < out; o++) {
                double sum = 0;
                for (int n = 0; n < batch; n++) {
                    sum += gradY[n * out + o];
                }
                gradBias[o] += (float) sum;
            }
        }
    }
}
