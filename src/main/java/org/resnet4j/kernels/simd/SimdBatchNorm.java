package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.VectorConstants.LANES;
import static org.resnet4j.kernels.simd.VectorConstants.SPECIES;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import org.resnet4j.kernels.BatchNormKernels;
import org.resnet4j.kernels.Parallel;

/**
 * Batch normalization over {@code x [rows][channels]}, one vector of channels at a time (a row's channels are
 * contiguous in NHWC; 16 lanes with AVX-512, 8 with AVX2) with one masked block for the remainder.
 *
 * <p>Every pass walks rows in memory order, keeping per-channel accumulators in a small L1-resident array: walking
 * one channel block down the rows (a strided stream) measured 3-4x slower. Every pass cuts the rows into the same
 * fixed chunks ({@link Ranges#tasks}, from the sizes only) and runs them on the pool.
 *
 * <p>Statistics: each chunk gets its own mean and sum of squared deviations {@code M2} by two passes in float (the
 * second re-reads the 256 KB chunk from L2, so memory is read once); the chunks are merged in chunk order, in
 * double, by the exact decomposition {@code M2 = sum_k (M2_k + n_k (mean_k - mean)^2)}. That avoids the
 * {@code E[x^2] - E[x]^2} cancellation and gives the same bits whatever the thread count.
 *
 * <p>Safe to call from several threads at once, on output arrays that no other call writes: each call borrows work
 * buffers of its own from a pool.
 */
public final class SimdBatchNorm implements BatchNormKernels {
    // A call that throws does not give its set back; the pool makes a new one when it runs short.
    private final ScratchPool<Scratch> scratch = new ScratchPool<>(Scratch::new);

    @Override
    public void forwardTraining(int rows, int channels, float[] x, float[] gamma, float[] beta, float eps,
                                float momentum, float[] runningMean, float[] runningVar, float[] y,
                                float[] saveMean, float[] saveInvStd) {
        forwardTraining(rows, channels, x, gamma, beta, eps, momentum, runningMean, runningVar, y, saveMean,
                saveInvStd, false);
    }

    /** Writes {@code max(y, 0)} in the normalizing pass itself: the ReLU after it costs no pass of its own. */
    @Override
    public void forwardTrainingRelu(int rows, int channels, float[] x, float[] gamma, float[] beta, float eps,
                                    float momentum, float[] runningMean, float[] runningVar, float[] y,
                                    float[] saveMean, float[] saveInvStd) {
        forwardTraining(rows, channels, x, gamma, beta, eps, momentum, runningMean, runningVar, y, saveMean,
                saveInvStd, true);
    }

    private void forwardTraining(int rows, int channels, float[] x, float[] gamma, float[] beta, float eps,
                                 float momentum, float[] runningMean, float[] runningVar, float[] y,
                                 float[] saveMean, float[] saveInvStd, boolean relu) {
        int chunks = Ranges.tasks(rows, channels);
        // work: per chunk [mean | M2 | deviation] x channels, then the per-channel scale gamma * invStd.
        int stride = 3 * channels;
        int scaleAt = chunks * stride;
        Scratch s = scratch.take();
        float[] work = s.floats(scaleAt + channels);
        Parallel.forEach(chunks, k -> chunkMoments(x, channels, Parallel.chunkStart(rows, chunks, k),
                Parallel.chunkStart(rows, chunks, k + 1), work, k * stride));

        // Merge the chunks in chunk order, in double: mean, then M2 = sum_k (M2_k + n_k (mean_k - mean)^2).
        double[] merged = s.doubles(2 * channels);
        Arrays.fill(merged, 0, 2 * channels, 0.0);
        for (int k = 0; k < chunks; k++) {
            int count = chunkRows(rows, chunks, k);
            for (int c = 0, at = k * stride; c < channels; c++) {
                merged[c] += count * (double) work[at + c];
            }
        }
        for (int c = 0; c < channels; c++) {
            merged[c] /= rows;
        }
        for (int k = 0; k < chunks; k++) {
            int count = chunkRows(rows, chunks, k);
            for (int c = 0, at = k * stride; c < channels; c++) {
                double d = work[at + c] - merged[c];
                merged[channels + c] += work[at + channels + c] + count * d * d;
            }
        }
        for (int c = 0; c < channels; c++) {
            double mean = merged[c];
            double squares = merged[channels + c];
            saveMean[c] = (float) mean;
            saveInvStd[c] = (float) (1.0 / Math.sqrt(squares / rows + eps));
            // PyTorch feeds the running variance the unbiased estimate, while normalizing with the biased one.
            runningMean[c] = (float) ((1.0 - momentum) * runningMean[c] + momentum * mean);
            runningVar[c] = (float) ((1.0 - momentum) * runningVar[c] + momentum * (squares / (rows - 1)));
            work[scaleAt + c] = gamma[c] * saveInvStd[c];
        }

        Parallel.forEach(chunks, k -> normalizeRows(x, channels, Parallel.chunkStart(rows, chunks, k),
                Parallel.chunkStart(rows, chunks, k + 1), saveMean, work, scaleAt, beta, y, relu));
        scratch.giveBack(s);
    }

    @Override
    public void forwardInference(int rows, int channels, float[] x, float[] gamma, float[] beta, float[] runningMean,
                                 float[] runningVar, float eps, float[] y) {
        forwardInference(rows, channels, x, gamma, beta, runningMean, runningVar, eps, y, false);
    }

    @Override
    public void forwardInferenceRelu(int rows, int channels, float[] x, float[] gamma, float[] beta,
                                     float[] runningMean, float[] runningVar, float eps, float[] y) {
        forwardInference(rows, channels, x, gamma, beta, runningMean, runningVar, eps, y, true);
    }

    private void forwardInference(int rows, int channels, float[] x, float[] gamma, float[] beta,
                                  float[] runningMean, float[] runningVar, float eps, float[] y, boolean relu) {
        int chunks = Ranges.tasks(rows, channels);
        Scratch s = scratch.take();
        float[] scale = s.floats(channels);
        for (int c = 0; c < channels; c++) {
            scale[c] = gamma[c] * (float) (1.0 / Math.sqrt((double) runningVar[c] + eps));
        }
        Parallel.forEach(chunks, k -> normalizeRows(x, channels, Parallel.chunkStart(rows, chunks, k),
                Parallel.chunkStart(rows, chunks, k + 1), runningMean, scale, 0, beta, y, relu));
        scratch.giveBack(s);
    }

    /**
     * Writes the per-channel mean of rows {@code [from, to)} to {@code work[at..]} and their M2 to
     * {@code work[at+channels..]}; {@code work[at+2*channels..]} is scratch for the summed deviations. The passes
     * are separate methods because C1 gives up on one large method and C2 then takes seconds to arrive.
     */
    private static void chunkMoments(float[] x, int channels, int from, int to, float[] work, int at) {
        int meanAt = at;
        int m2At = at + channels;
        int devAt = at + 2 * channels;
        Arrays.fill(work, at, at + 3 * channels, 0f);
        addRows(x, channels, from, to, work, meanAt);
        float count = to - from;
        for (int c = 0; c < channels; c++) {
            work[meanAt + c] /= count;
        }
        addDeviations(x, channels, from, to, work, meanAt, devAt, m2At);
        // The corrected two-pass algorithm: the deviations sum to zero up to the rounding of the first pass's mean.
        for (int c = 0; c < channels; c++) {
            float dev = work[devAt + c];
            work[meanAt + c] += dev / count;
            work[m2At + c] -= dev * dev / count;
        }
    }

    /**
     * {@code sum[sumAt + c] += x[r][c]} over rows {@code [from, to)}. Rows go four at a time so the accumulator is
     * loaded and stored once per four rows: one row at a time, the store-to-load chain on the accumulator (the same
     * address for every row when there is one channel block) held the pass to a third of memory speed.
     */
    private static void addRows(float[] x, int channels, int from, int to, float[] sum, int sumAt) {
        int bound = SPECIES.loopBound(channels);
        VectorMask<Float> tail = SPECIES.indexInRange(bound, channels);
        int groupEnd = from + (to - from) / 4 * 4;
        for (int row = from * channels, end = groupEnd * channels; row < end; row += 4 * channels) {
            int c = 0;
            for (; c < bound; c += LANES) {
                sum4(x, row + c, channels).add(FloatVector.fromArray(SPECIES, sum, sumAt + c))
                        .intoArray(sum, sumAt + c);
            }
            if (c < channels) {
                sum4(x, row + c, channels, tail).add(FloatVector.fromArray(SPECIES, sum, sumAt + c, tail))
                        .intoArray(sum, sumAt + c, tail);
            }
        }
        for (int row = groupEnd * channels, end = to * channels; row < end; row += channels) {
            for (int c = 0; c < channels; c++) {
                sum[sumAt + c] += x[row + c];
            }
        }
    }

    /** {@code dev += x - mean; m2 += (x - mean)^2} per channel over rows {@code [from, to)}, four rows at a time. */
    private static void addDeviations(float[] x, int channels, int from, int to, float[] work, int meanAt, int devAt,
                                      int m2At) {
        int bound = SPECIES.loopBound(channels);
        VectorMask<Float> tail = SPECIES.indexInRange(bound, channels);
        int groupEnd = from + (to - from) / 4 * 4;
        for (int row = from * channels, end = groupEnd * channels; row < end; row += 4 * channels) {
            int c = 0;
            for (; c < bound; c += LANES) {
                FloatVector mean = FloatVector.fromArray(SPECIES, work, meanAt + c);
                FloatVector d0 = FloatVector.fromArray(SPECIES, x, row + c).sub(mean);
                FloatVector d1 = FloatVector.fromArray(SPECIES, x, row + channels + c).sub(mean);
                FloatVector d2 = FloatVector.fromArray(SPECIES, x, row + 2 * channels + c).sub(mean);
                FloatVector d3 = FloatVector.fromArray(SPECIES, x, row + 3 * channels + c).sub(mean);
                d0.add(d1).add(d2.add(d3)).add(FloatVector.fromArray(SPECIES, work, devAt + c))
                        .intoArray(work, devAt + c);
                d3.fma(d3, d2.fma(d2, d1.fma(d1, d0.fma(d0, FloatVector.fromArray(SPECIES, work, m2At + c)))))
                        .intoArray(work, m2At + c);
            }
            if (c < channels) {
                addDeviationsTail(x, channels, row + c, work, meanAt + c, devAt + c, m2At + c, tail);
            }
        }
        for (int row = groupEnd * channels, end = to * channels; row < end; row += channels) {
            for (int c = 0; c < channels; c++) {
                float d = x[row + c] - work[meanAt + c];
                work[devAt + c] += d;
                work[m2At + c] += d * d;
            }
        }
    }

    /** The masked channel block of {@link #addDeviations}, apart so the hot method stays small enough to compile. */
    private static void addDeviationsTail(float[] x, int channels, int i, float[] work, int meanAt, int devAt,
                                          int m2At, VectorMask<Float> tail) {
        FloatVector mean = FloatVector.fromArray(SPECIES, work, meanAt, tail);
        FloatVector d0 = FloatVector.fromArray(SPECIES, x, i, tail).sub(mean);
        FloatVector d1 = FloatVector.fromArray(SPECIES, x, i + channels, tail).sub(mean);
        FloatVector d2 = FloatVector.fromArray(SPECIES, x, i + 2 * channels, tail).sub(mean);
        FloatVector d3 = FloatVector.fromArray(SPECIES, x, i + 3 * channels, tail).sub(mean);
        d0.add(d1).add(d2.add(d3)).add(FloatVector.fromArray(SPECIES, work, devAt, tail)).intoArray(work, devAt, tail);
        d3.fma(d3, d2.fma(d2, d1.fma(d1, d0.fma(d0, FloatVector.fromArray(SPECIES, work, m2At, tail)))))
                .intoArray(work, m2At, tail);
    }

    /** {@code (x[i] + x[i+s]) + (x[i+2s] + x[i+3s])}: four rows of one channel block. */
    private static FloatVector sum4(float[] x, int i, int s) {
        return FloatVector.fromArray(SPECIES, x, i).add(FloatVector.fromArray(SPECIES, x, i + s))
                .add(FloatVector.fromArray(SPECIES, x, i + 2 * s).add(FloatVector.fromArray(SPECIES, x, i + 3 * s)));
    }

    private static FloatVector sum4(float[] x, int i, int s, VectorMask<Float> m) {
        return FloatVector.fromArray(SPECIES, x, i, m).add(FloatVector.fromArray(SPECIES, x, i + s, m))
                .add(FloatVector.fromArray(SPECIES, x, i + 2 * s, m)
                        .add(FloatVector.fromArray(SPECIES, x, i + 3 * s, m)));
    }

    /**
     * {@code y = (x - mean) * scale + beta} over rows {@code [from, to)}, then {@code max(y, 0)} when {@code relu};
     * {@code scale} starts at {@code scaleAt}.
     */
    private static void normalizeRows(float[] x, int channels, int from, int to, float[] mean, float[] scale,
                                      int scaleAt, float[] beta, float[] y, boolean relu) {
        int bound = SPECIES.loopBound(channels);
        VectorMask<Float> tail = SPECIES.indexInRange(bound, channels);
        // The ReLU's floor: 0 keeps only positives (max keeps NaN, as ReLU does); -infinity keeps every value.
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        for (int row = from * channels, end = to * channels; row < end; row += channels) {
            int c = 0;
            for (; c < bound; c += LANES) {
                FloatVector.fromArray(SPECIES, x, row + c)
                        .sub(FloatVector.fromArray(SPECIES, mean, c))
                        .fma(FloatVector.fromArray(SPECIES, scale, scaleAt + c),
                                FloatVector.fromArray(SPECIES, beta, c))
                        .max(floor)
                        .intoArray(y, row + c);
            }
            if (c < channels) {
                FloatVector.fromArray(SPECIES, x, row + c, tail)
                        .sub(FloatVector.fromArray(SPECIES, mean, c, tail))
                        .fma(FloatVector.fromArray(SPECIES, scale, scaleAt + c, tail),
                                FloatVector.fromArray(SPECIES, beta, c, tail))
                        .max(floor)
                        .intoArray(y, row + c, tail);
            }
        }
    }

    @Override
    public void backward(int rows, int channels, float[] x, float[] gradY, float[] gamma, float[] saveMean,
                         float[] saveInvStd, float[] gradX, float[] gradGamma, float[] gradBeta) {
        backward(rows, channels, x, gradY, gamma, null, saveMean, saveInvStd, gradX, gradGamma, gradBeta);
    }

    /**
     * Masks gradY where the passes read it, from {@code y} recomputed out of {@code x} exactly as the forward computed
     * it ({@code (x - mean) fma (gamma * invStd, beta)}): the ReLU's backward pass and its reads of {@code y} are gone.
     */
    @Override
    public void backwardRelu(int rows, int channels, float[] x, float[] y, float[] gradY, float[] gamma,
                             float[] beta, float[] saveMean, float[] saveInvStd, float[] gradX, float[] gradGamma,
                             float[] gradBeta) {
        backward(rows, channels, x, gradY, gamma, beta, saveMean, saveInvStd, gradX, gradGamma, gradBeta);
    }

    /** The backward pass; with {@code beta} non-null, that of {@code relu(batchNorm(x))}. */
    private void backward(int rows, int channels, float[] x, float[] gradY, float[] gamma, float[] beta,
                          float[] saveMean, float[] saveInvStd, float[] gradX, float[] gradGamma, float[] gradBeta) {
        int chunks = Ranges.tasks(rows, channels);
        // work: per chunk [sum dy | sum dy * (x - mean)] x channels, then the coefficients of gradX (see below), then
        // the forward's scale gamma * invStd (for the ReLU's mask).
        int stride = 2 * channels;
        int coefAt = chunks * stride;
        int scaleAt = coefAt + 3 * channels;
        Scratch s = scratch.take();
        float[] work = s.floats(scaleAt + channels);
        for (int c = 0; c < channels; c++) {
            work[scaleAt + c] = gamma[c] * saveInvStd[c]; // the forward's float product, so y is recomputed exactly
        }
        BatchNormBackwardRows.ReluMask mask = beta == null ? null
                : new BatchNormBackwardRows.ReluMask(saveMean, work, scaleAt, beta);
        Parallel.forEach(chunks, k -> BatchNormBackwardRows.chunkGradientSums(x, gradY, channels, Parallel.chunkStart(rows, chunks, k),
                Parallel.chunkStart(rows, chunks, k + 1), saveMean, work, k * stride, mask));

        // Merge the chunks in chunk order, in double.
        double[] sums = s.doubles(2 * channels);
        Arrays.fill(sums, 0, 2 * channels, 0.0);
        for (int k = 0; k < chunks; k++) {
            for (int c = 0, at = k * stride; c < channels; c++) {
                sums[c] += work[at + c];
                sums[channels + c] += work[at + channels + c];
            }
        }
        for (int c = 0; c < channels; c++) {
            double sumDy = sums[c];
            double sumDyXmu = sums[channels + c];
            double invStd = saveInvStd[c];
            gradBeta[c] += (float) sumDy;
            gradGamma[c] += (float) (sumDyXmu * invStd);
            // gradX = a * (dy - mean(dy) - xhat * mean(dy * xhat)) = a * dy + coefX * (x - mean) + bias.
            double a = gamma[c] * invStd;
            work[coefAt + c] = (float) a;
            work[coefAt + channels + c] = (float) (-a * invStd * (sumDyXmu * invStd / rows));
            work[coefAt + 2 * channels + c] = (float) (-a * sumDy / rows);
        }

        Parallel.forEach(chunks, k -> BatchNormBackwardRows.gradientRows(x, gradY, channels, Parallel.chunkStart(rows, chunks, k),
                Parallel.chunkStart(rows, chunks, k + 1), saveMean, work, coefAt, gradX, mask));
        scratch.giveBack(s);
    }

    private static int chunkRows(int rows, int chunks, int k) {
        return Parallel.chunkStart(rows, chunks, k + 1) - Parallel.chunkStart(rows, chunks, k);
    }
}
