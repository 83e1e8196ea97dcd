package org.resnet4j.kernels.scalar;

import java.util.Arrays;
import org.resnet4j.kernels.PoolGeometry;
import org.resnet4j.kernels.PoolingKernels;

/**
 * Max pooling and global average pooling on NHWC activations, in plain loops.
 *
 * <p>Stateless: safe to call from several threads at once, on output arrays that no other call writes.
 */
public final class ScalarPooling implements PoolingKernels {

    @Override
    public void maxPoolForward(PoolGeometry g, float[] x, float[] y, int[] argmax) {
        int channels = g.channels();
        int height = g.inHeight();
        int width = g.inWidth();
        int outHeight = g.outHeight();
        int outWidth = g.outWidth();
        for (int n = 0; n < g.batch(); n++) {
            for (int oh = 0; oh < outHeight; oh++) {
                int top = oh * g.stride() - g.pad();
                int khLo = Math.max(0, -top);
                int khHi = Math.min(g.window(), height - top);
                for (int ow = 0; ow < outWidth; ow++) {
                    int left = ow * g.stride() - g.pad();
                    int kwLo = Math.max(0, -left);
                    int kwHi = Math.min(g.window(), width - left);
                    int out = ((n * outHeight + oh) * outWidth + ow) * channels;
                    for (int c = 0; c < channels; c++) {
                        // Start from the first in-image element so an all -inf window still names a real input.
                        int best = ((n * height + top + khLo) * width + left + kwLo) * channels + c;
                        float bestValue = Float.NEGATIVE_INFINITY;
                        for (int kh = khLo; kh < khHi; kh++) {
                            for (int kw = kwLo; kw < kwHi; kw++) {
                                int index = ((n * height + top + kh) * width + left + kw) * channels + c;
                                float v = x[index];
                                // NaN wins and propagates, as in PyTorch; otherwise the first maximum stays.
                                if (v > bestValue || Float.isNaN(v)) {
                                    bestValue = v;
                                    best = index;
                                }
                            }
                        }
                        y[out + c] = bestValue;
                        argmax[out + c] = best;
                    }
                }
            }
        }
    }

    @Override
    public void maxPoolBackward(PoolGeometry g, float[] gradY, int[] argmax, float[] gradX) {
        Arrays.fill(gradX, 0, g.inputSize(), 0f);
        int outputs = g.outputSize();
        for (int i = 0; i < outputs; i++) {
            gradX[argmax[i]] += gradY[i];
        }
    }

    @Override
    public void globalAvgPoolForward(int batch, int plane, int channels, float[] x, float[] y) {
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                double sum = 0;
                for (int p = 0; p < plane; p++) {
                    sum += x[(n * plane + p) * channels + c];
                }
                y[n * channels + c] = (float) (sum / plane);
            }
        }
    }

    @Override
    public void globalAvgPoolBackward(int batch, int plane, int channels, float[] gradY, float[] gradX) {
        for (int n = 0; n < batch; n++) {
            for (int p = 0; p < plane; p++) {
                int row = (n * plane + p) * channels;
                for (int c = 0; c < channels; c++) {
                    gradX[row + c] = gradY[n * channels + c] / plane;
                }
            }
        }
    }
}
