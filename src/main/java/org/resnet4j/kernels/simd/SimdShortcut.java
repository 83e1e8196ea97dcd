package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.VectorConstants.LANES;
import static org.resnet4j.kernels.simd.VectorConstants.SPECIES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import org.resnet4j.kernels.ShortcutKernels;

/**
 * The option-A shortcut: {@code x [N][H][W][inChannels]} to {@code y [N][ceil(H/s)][ceil(W/s)][outChannels]},
 * keeping rows and columns {@code 0, s, 2s, ...} and filling channels {@code inChannels..outChannels-1} with zeros.
 * Each pixel is a run of only 16-64 floats in the CIFAR networks, so vector copies beat a
 * {@code System.arraycopy} call per pixel; the work splits by output (forward) or input (backward) rows.
 *
 * <p>Stateless: safe to call from several threads at once, on output arrays that no other call writes.
 */
public final class SimdShortcut implements ShortcutKernels {

    @Override
    public void subsampleZeroPadForward(int batch, int inChannels, int height, int width, int outChannels, int stride,
                                        float[] x, float[] y) {
        int outHeight = (height + stride - 1) / stride;
        int outWidth = (width + stride - 1) / stride;
        int outRows = batch * outHeight;
        Ranges.split(outRows, Ranges.tasks(outRows, (long) outWidth * outChannels), (from, to) -> {
            for (int row = from; row < to; row++) {
                int n = row / outHeight;
                int oh = row % outHeight;
                for (int ow = 0; ow < outWidth; ow++) {
                    int src = ((n * height + oh * stride) * width + ow * stride) * inChannels;
                    int dst = (row * outWidth + ow) * outChannels;
                    copy(inChannels, x, src, y, dst);
                    zero(outChannels - inChannels, y, dst + inChannels);
                }
            }
        });
    }

    @Override
    public void subsampleZeroPadBackward(int batch, int inChannels, int height, int width, int outChannels,
                                         int stride, float[] gradY, float[] gradX) {
        int outHeight = (height + stride - 1) / stride;
        int outWidth = (width + stride - 1) / stride;
        int inRows = batch * height;
        Ranges.split(inRows, Ranges.tasks(inRows, (long) width * inChannels), (from, to) -> {
            for (int row = from; row < to; row++) {
                int n = row / height;
                int h = row % height;
                int dst = row * width * inChannels;
                if (h % stride != 0) {
                    zero(width * inChannels, gradX, dst);
                    continue;
                }
                for (int w = 0; w < width; w++, dst += inChannels) {
                    if (w % stride == 0) {
                        int src = ((n * outHeight + h / stride) * outWidth + w / stride) * outChannels;
                        copy(inChannels, gradY, src, gradX, dst);
                    } else {
                        zero(inChannels, gradX, dst);
                    }
                }
            }
        });
    }

    /** {@code dst[dstAt + i] = src[srcAt + i]} for {@code i < length}. */
    private static void copy(int length, float[] src, int srcAt, float[] dst, int dstAt) {
        int i = 0;
        for (int bound = SPECIES.loopBound(length); i < bound; i += LANES) {
            FloatVector.fromArray(SPECIES, src, srcAt + i).intoArray(dst, dstAt + i);
        }
        if (i < length) {
            VectorMask<Float> m = SPECIES.indexInRange(i, length);
            FloatVector.fromArray(SPECIES, src, srcAt + i, m).intoArray(dst, dstAt + i, m);
        }
    }

    /** {@code dst[at + i] = 0} for {@code i < length}. */
    private static void zero(int length, float[] dst, int at) {
        FloatVector zero = FloatVector.zero(SPECIES);
        int i = 0;
        for (int bound = SPECIES.loopBound(length); i < bound; i += LANES) {
            zero.intoArray(dst, at + i);
        }
        if (i < length) {
            zero.intoArray(dst, at + i, SPECIES.indexInRange(i, length));
        }
    }
}
