package org.resnet4j.kernels.scalar;

import java.util.Arrays;
import org.resnet4j.kernels.ShortcutKernels;

/**
 * The option-A shortcut in plain loops: {@code x [N][H][W][inChannels]} to
 * {@code y [N][ceil(H/s)][ceil(W/s)][outChannels]}, keeping rows and columns {@code 0, s, 2s, ...} and filling
 * channels {@code inChannels..outChannels-1} with zeros.
 *
 * <p>Stateless: safe to call from several threads at once, on output arrays that no other call writes.
 */
public final class ScalarShortcut implements ShortcutKernels {

    @Override
    public void subsampleZeroPadForward(int batch, int inChannels, int height, int width, int outChannels, int stride,
                                        float[] x, float[] y) {
        int outHeight = (height + stride - 1) / stride;
        int outWidth = (width + stride - 1) / stride;
        for (int n = 0; n < batch; n++) {
            for (int oh = 0; oh < outHeight; oh++) {
                for (int ow = 0; ow < outWidth; ow++) {
                    int src = ((n * height + oh * stride) * width + ow * stride) * inChannels;
                    int dst = ((n * outHeight + oh) * outWidth + ow) * outChannels;
                    System.arraycopy(x, src, y, dst, inChannels);
                    Arrays.fill(y, dst + inChannels, dst + outChannels, 0f);
                }
            }
        }
    }

    @Override
    public void subsampleZeroPadBackward(int batch, int inChannels, int height, int width, int outChannels,
                                         int stride, float[] gradY, float[] gradX) {
        int outHeight = (height + stride - 1) / stride;
        int outWidth = (width + stride - 1) / stride;
        for (int n = 0; n < batch; n++) {
            for (int h = 0; h < height; h++) {
                for (int w = 0; w < width; w++) {
                    int dst = ((n * height + h) * width + w) * inChannels;
                    if (h % stride == 0 && w % stride == 0) {
                        int src = ((n * outHeight + h / stride) * outWidth + w / stride) * outChannels;
                        System.arraycopy(gradY, src, gradX, dst, inChannels);
                    } else {
                        Arrays.fill(gradX, dst, dst + inChannels, 0f);
                    }
                }
            }
        }
    }
}
