package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.VectorConstants.LANES;
import static org.resnet4j.kernels.simd.VectorConstants.SPECIES;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * The two row passes of {@link SimdBatchNorm}'s backward: the per-chunk gradient sums, then gradX. With a
 * {@link ReluMask} they are the backward of {@code relu(batchNorm(x))}: gradY is masked where it is read, from the
 * forward's y recomputed out of x, which both passes read anyway, so the fused ReLU costs no pass and no read of its
 * own.
 */
final class BatchNormBackwardRows {
    private BatchNormBackwardRows() {
    }

    /**
     * The ReLU's gradient mask of a fused batch norm: {@code y > 0} with {@code y = (x - mean) fma (scale, beta)},
     * the forward's own arithmetic (lane for lane a single-rounded fused multiply-add, as {@link Math#fma}).
     */
    record ReluMask(float[] mean, float[] work, int scaleAt, float[] beta) {
        /** gradY at {@code i}, zero where the forward's y was not positive (as ReLU's backward writes it). */
        FloatVector dy(float[] x, float[] gradY, int i, int c) {
            FloatVector y = FloatVector.fromArray(SPECIES, x, i).sub(FloatVector.fromArray(SPECIES, mean, c))
                    .fma(FloatVector.fromArray(SPECIES, work, scaleAt + c), FloatVector.fromArray(SPECIES, beta, c));
            return FloatVector.zero(SPECIES).blend(FloatVector.fromArray(SPECIES, gradY, i),
                    y.compare(VectorOperators.GT, 0f));
        }

        FloatVector dy(float[] x, float[] gradY, int i, int c, VectorMask<Float> m) {
            FloatVector y = FloatVector.fromArray(SPECIES, x, i, m).sub(FloatVector.fromArray(SPECIES, mean, c, m))
                    .fma(FloatVector.fromArray(SPECIES, work, scaleAt + c, m),
                            FloatVector.fromArray(SPECIES, beta, c, m));
            return FloatVector.zero(SPECIES).blend(FloatVector.fromArray(SPECIES, gradY, i, m),
                    y.compare(VectorOperators.GT, 0f));
        }

        float scalarDy(float[] x, float[] gradY, int i, int c) {
            float y = Math.fma(x[i] - mean[c], work[scaleAt + c], beta[c]);
            return y > 0f ? gradY[i] : 0f;
        }
    }

    /** gradY at {@code i} (channel block at {@code c}), masked by the fused ReLU when there is one. */
    private static FloatVector dy(float[] x, float[] gradY, int i, int c, ReluMask mask) {
        return mask == null ? FloatVector.fromArray(SPECIES, gradY, i) : mask.dy(x, gradY, i, c);
    }

    private static FloatVector dy(float[] x, float[] gradY, int i, int c, ReluMask mask, VectorMask<Float> m) {
        return mask == null ? FloatVector.fromArray(SPECIES, gradY, i, m) : mask.dy(x, gradY, i, c, m);
    }

    /**
     * Writes the per-channel {@code sum dy} and {@code sum dy * (x - mean)} of rows {@code [from, to)} to
     * {@code work[at..]}, four rows at a time as in {@link SimdBatchNorm}'s moments.
     */
    static void chunkGradientSums(float[] x, float[] gradY, int channels, int from, int to, float[] mean,
                                          float[] work, int at, ReluMask mask) {
        int dyAt = at;
        int dyXmuAt = at + channels;
        int bound = SPECIES.loopBound(channels);
        VectorMask<Float> tail = SPECIES.indexInRange(bound, channels);
        int groupEnd = from + (to - from) / 4 * 4;
        Arrays.fill(work, at, at + 2 * channels, 0f);
        for (int row = from * channels, end = groupEnd * channels; row < end; row += 4 * channels) {
            int c = 0;
            for (; c < bound; c += LANES) {
                FloatVector mu = FloatVector.fromArray(SPECIES, mean, c);
                FloatVector d0 = dy(x, gradY, row + c, c, mask);
                FloatVector d1 = dy(x, gradY, row + channels + c, c, mask);
                FloatVector d2 = dy(x, gradY, row + 2 * channels + c, c, mask);
                FloatVector d3 = dy(x, gradY, row + 3 * channels + c, c, mask);
                d0.add(d1).add(d2.add(d3)).add(FloatVector.fromArray(SPECIES, work, dyAt + c))
                        .intoArray(work, dyAt + c);
                FloatVector acc = FloatVector.fromArray(SPECIES, work, dyXmuAt + c);
                acc = FloatVector.fromArray(SPECIES, x, row + c).sub(mu).fma(d0, acc);
                acc = FloatVector.fromArray(SPECIES, x, row + channels + c).sub(mu).fma(d1, acc);
                acc = FloatVector.fromArray(SPECIES, x, row + 2 * channels + c).sub(mu).fma(d2, acc);
                acc = FloatVector.fromArray(SPECIES, x, row + 3 * channels + c).sub(mu).fma(d3, acc);
                acc.intoArray(work, dyXmuAt + c);
            }
            if (c < channels) {
                addGradientSumsTail(x, gradY, channels, row + c, mean, c, work, dyAt + c, dyXmuAt + c, tail, mask);
            }
        }
        for (int row = groupEnd * channels, end = to * channels; row < end; row += channels) {
            for (int c = 0; c < channels; c++) {
                float dy = mask == null ? gradY[row + c] : mask.scalarDy(x, gradY, row + c, c);
                work[dyAt + c] += dy;
                work[dyXmuAt + c] += (x[row + c] - mean[c]) * dy;
            }
        }
    }

    /** The masked channel block of {@link #chunkGradientSums}, apart to keep the hot method small. */
    private static void addGradientSumsTail(float[] x, float[] gradY, int channels, int i, float[] mean, int c,
                                            float[] work, int dyAt, int dyXmuAt, VectorMask<Float> tail,
                                            ReluMask mask) {
        FloatVector mu = FloatVector.fromArray(SPECIES, mean, c, tail);
        FloatVector d0 = dy(x, gradY, i, c, mask, tail);
        FloatVector d1 = dy(x, gradY, i + channels, c, mask, tail);
        FloatVector d2 = dy(x, gradY, i + 2 * channels, c, mask, tail);
        FloatVector d3 = dy(x, gradY, i + 3 * channels, c, mask, tail);
        d0.add(d1).add(d2.add(d3)).add(FloatVector.fromArray(SPECIES, work, dyAt, tail)).intoArray(work, dyAt, tail);
        FloatVector acc = FloatVector.fromArray(SPECIES, work, dyXmuAt, tail);
        acc = FloatVector.fromArray(SPECIES, x, i, tail).sub(mu).fma(d0, acc);
        acc = FloatVector.fromArray(SPECIES, x, i + channels, tail).sub(mu).fma(d1, acc);
        acc = FloatVector.fromArray(SPECIES, x, i + 2 * channels, tail).sub(mu).fma(d2, acc);
        acc = FloatVector.fromArray(SPECIES, x, i + 3 * channels, tail).sub(mu).fma(d3, acc);
        acc.intoArray(work, dyXmuAt, tail);
    }

    /** {@code gradX = a * dy + coefX * (x - mean) + bias} over rows {@code [from, to)}. */
    static void gradientRows(float[] x, float[] gradY, int channels, int from, int to, float[] mean,
                                     float[] work, int coefAt, float[] gradX, ReluMask mask) {
        int aAt = coefAt;
        int coefXAt = coefAt + channels;
        int biasAt = coefAt + 2 * channels;
        int bound = SPECIES.loopBound(channels);
        VectorMask<Float> tail = SPECIES.indexInRange(bound, channels);
        for (int row = from * channels, end = to * channels; row < end; row += channels) {
            int c = 0;
            for (; c < bound; c += LANES) {
                FloatVector partial = dy(x, gradY, row + c, c, mask).fma(
                        FloatVector.fromArray(SPECIES, work, aAt + c),
                        FloatVector.fromArray(SPECIES, work, biasAt + c));
                FloatVector.fromArray(SPECIES, x, row + c).sub(FloatVector.fromArray(SPECIES, mean, c))
                        .fma(FloatVector.fromArray(SPECIES, work, coefXAt + c), partial).intoArray(gradX, row + c);
            }
            if (c < channels) {
                FloatVector partial = dy(x, gradY, row + c, c, mask, tail).fma(
                        FloatVector.fromArray(SPECIES, work, aAt + c, tail),
                        FloatVector.fromArray(SPECIES, work, biasAt + c, tail));
                FloatVector.fromArray(SPECIES, x, row + c, tail).sub(FloatVector.fromArray(SPECIES, mean, c, tail))
                        .fma(FloatVector.fromArray(SPECIES, work, coefXAt + c, tail), partial)
                        .intoArray(gradX, row + c, tail);
            }
        }
    }
}
