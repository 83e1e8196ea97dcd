package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.VectorConstants.INT_SPECIES;
import static org.resnet4j.kernels.simd.VectorConstants.LANES;
import static org.resnet4j.kernels.simd.VectorConstants.SPECIES;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.resnet4j.kernels.PoolGeometry;
import org.resnet4j.kernels.PoolingKernels;

/**
 * Max pooling and global average pooling on NHWC activations, one vector of channels at a time with a masked
 * channel tail, split over the pool by output rows (max pool forward) or images (the rest).
 *
 * <p>Stateless: safe to call from several threads at once, on output arrays that no other call writes.
 */
public final class SimdPooling implements PoolingKernels {

    @Override
    public void maxPoolForward(PoolGeometry g, float[] x, float[] y, int[] argmax) {
        int outRows = g.batch() * g.outHeight();
        int tasks = Ranges.tasks(outRows, (long) g.outWidth() * g.channels() * g.window() * g.window());
        Ranges.split(outRows, tasks, (from, to) -> {
            for (int row = from; row < to; row++) {
                for (int ow = 0; ow < g.outWidth(); ow++) {
                    maxPoolPixel(g, x, y, argmax, row / g.outHeight(), row % g.outHeight(), ow);
                }
            }
        });
    }

    /** One output pixel: every channel's maximum over the in-image part of its window, and where it was. */
    private static void maxPoolPixel(PoolGeometry g, float[] x, float[] y, int[] argmax, int n, int oh, int ow) {
        int channels = g.channels();
        int width = g.inWidth();
        int top = oh * g.stride() - g.pad();
        int khLo = Math.max(0, -top);
        int khHi = Math.min(g.window(), g.inHeight() - top);
        int left = ow * g.stride() - g.pad();
        int kwLo = Math.max(0, -left);
        int kwHi = Math.min(g.window(), width - left);
        int imageRow = n * g.inHeight() + top;
        // Start from the first in-image element so an all -inf window still names a real input.
        int first = ((imageRow + khLo) * width + left + kwLo) * channels;
        int out = ((n * g.outHeight() + oh) * g.outWidth() + ow) * channels;
        int c = 0;
        for (int bound = SPECIES.loopBound(channels); c < bound; c += LANES) {
            FloatVector best = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
            IntVector bestAt = IntVector.broadcast(INT_SPECIES, first);
            for (int kh = khLo; kh < khHi; kh++) {
                for (int kw = kwLo; kw < kwHi; kw++) {
                    int at = ((imageRow + kh) * width + left + kw) * channels;
                    FloatVector v = FloatVector.fromArray(SPECIES, x, at + c);
                    // NaN wins and propagates, as in PyTorch; otherwise the first maximum stays.
                    VectorMask<Float> wins = v.compare(VectorOperators.GT, best).or(v.test(VectorOperators.IS_NAN));
                    best = best.blend(v, wins);
                    bestAt = bestAt.blend(at, wins.cast(INT_SPECIES));
                }
            }
            best.intoArray(y, out + c);
            bestAt.add(c).addIndex(1).intoArray(argmax, out + c);
        }
        if (c < channels) {
            VectorMask<Float> tail = SPECIES.indexInRange(c, channels);
            FloatVector best = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
            IntVector bestAt = IntVector.broadcast(INT_SPECIES, first);
            for (int kh = khLo; kh < khHi; kh++) {
                for (int kw = kwLo; kw < kwHi; kw++) {
                    int at = ((imageRow + kh) * width + left + kw) * channels;
                    FloatVector v = FloatVector.fromArray(SPECIES, x, at + c, tail);
                    VectorMask<Float> wins = v.compare(VectorOperators.GT, best).or(v.test(VectorOperators.IS_NAN));
                    best = best.blend(v, wins);
                    bestAt = bestAt.blend(at, wins.cast(INT_SPECIES));
                }
            }
            best.intoArray(y, out + c, tail);
            bestAt.add(c).addIndex(1).intoArray(argmax, out + c, tail.cast(INT_SPECIES));
        }
    }

    /**
     * Deliberately scalar: {@code gradX[argmax[i]] += gradY[i]}, image by image in parallel. This machine's AVX2
     * has no scatter instruction, and the vector alternative (each input gathering the {@code gradY} of the
     * outputs whose window covers it and whose {@code argmax} names it) measured 2-3x slower than this loop on
     * ResNet-50's stem (16x112x112x64, 3x3 stride 2). Each image's {@code argmax} points into that image (it comes
     * from {@link #maxPoolForward}), so images are independent tasks, and within one the additions run in output
     * order as in the scalar kernel: the same bits.
     */
    @Override
    public void maxPoolBackward(PoolGeometry g, float[] gradY, int[] argmax, float[] gradX) {
        int image = g.inHeight() * g.inWidth() * g.channels();
        int outImage = g.outHeight() * g.outWidth() * g.channels();
        Ranges.split(g.batch(), Ranges.tasks(g.batch(), image), (from, to) -> {
            Arrays.fill(gradX, from * image, to * image, 0f);
            for (int i = from * outImage, end = to * outImage; i < end; i++) {
                gradX[argmax[i]] += gradY[i];
            }
        });
    }

    @Override
    public void globalAvgPoolForward(int batch, int plane, int channels, float[] x, float[] y) {
        int tasks = Ranges.tasks(batch, (long) plane * channels);
        Ranges.split(batch, tasks, (from, to) -> {
            for (int n = from; n < to; n++) {
                averageImage(plane, channels, x, n * plane * channels, y, n * channels);
            }
        });
    }

    /** {@code y[at + c] = mean over p of x[from + p * channels + c]}, summed row by row into {@code y}. */
    private static void averageImage(int plane, int channels, float[] x, int from, float[] y, int at) {
        int bound = SPECIES.loopBound(channels);
        VectorMask<Float> tail = SPECIES.indexInRange(bound, channels);
        Arrays.fill(y, at, at + channels, 0f);
        for (int p = 0; p < plane; p++) {
            int row = from + p * channels;
            int c = 0;
            for (; c < bound; c += LANES) {
                FloatVector.fromArray(SPECIES, y, at + c).add(FloatVector.fromArray(SPECIES, x, row + c))
                        .intoArray(y, at + c);
            }
            if (c < channels) {
                FloatVector.fromArray(SPECIES, y, at + c, tail).add(FloatVector.fromArray(SPECIES, x, row + c, tail))
                        .intoArray(y, at + c, tail);
            }
        }
        int c = 0;
        for (; c < bound; c += LANES) {
            FloatVector.fromArray(SPECIES, y, at + c).div(plane).intoArray(y, at + c);
        }
        if (c < channels) {
            FloatVector.fromArray(SPECIES, y, at + c, tail).div(plane).intoArray(y, at + c, tail);
        }
    }

    @Override
    public void globalAvgPoolBackward(int batch, int plane, int channels, float[] gradY, float[] gradX) {
        int tasks = Ranges.tasks(batch, (long) plane * channels);
        Ranges.split(batch, tasks, (from, to) -> {
            for (int n = from; n < to; n++) {
                spreadImage(plane, channels, gradY, n * channels, gradX, n * plane * channels);
            }
        });
    }

    /** Writes {@code gradY[from..] / plane} to the first row of the image, then copies it to the others. */
    private static void spreadImage(int plane, int channels, float[] gradY, int from, float[] gradX, int at) {
        int bound = SPECIES.loopBound(channels);
        VectorMask<Float> tail = SPECIES.indexInRange(bound, channels);
        int c = 0;
        for (; c < bound; c += LANES) {
            FloatVector.fromArray(SPECIES, gradY, from + c).div(plane).intoArray(gradX, at + c);
        }
        if (c < channels) {
            FloatVector.fromArray(SPECIES, gradY, from + c, tail).div(plane).intoArray(gradX, at + c, tail);
        }
        for (int p = 1; p < plane; p++) {
            int row = at + p * channels;
            c = 0;
            for (; c < bound; c += LANES) {
                FloatVector.fromArray(SPECIES, gradX, at + c).intoArray(gradX, row + c);
            }
            if (c < channels) {
                FloatVector.fromArray(SPECIES, gradX, at + c, tail).intoArray(gradX, row + c, tail);
            }
        }
    }
}
