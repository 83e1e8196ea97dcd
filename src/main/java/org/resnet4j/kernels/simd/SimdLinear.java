package org.resnet4j.kernels.simd;

import static org.resnet4j.kernels.simd.VectorConstants.LANES;
import static org.resnet4j.kernels.simd.VectorConstants.SPECIES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import org.resnet4j.kernels.LinearKernels;
import org.resnet4j.kernels.Parallel;

/**
 * A fully connected layer {@code y = x W^T + b}: {@code x [batch][in]}, {@code weight [out][in]},
 * {@code y [batch][out]}. Every loop runs along a contiguous {@code in} or {@code out} row, LANES at a time with a
 * masked tail. The classifier heads are small next to the convolutions (ResNet-50's 2048x1000 is about 1% of its
 * FLOPs), so this is plain vector code without register blocking; the work splits by output features (forward,
 * weight gradient) or by input features (input gradient), so every task writes its own elements.
 *
 * <p>Stateless: safe to call from several threads at once, on output arrays that no other call writes.
 */
public final class SimdLinear implements LinearKernels {
    /** Columns of {@code gradX} per task: 16 vectors, so each task's slice of a weight row is a few cache lines. */
    private static final int COLUMNS_PER_TASK = 16 * LANES;

    @Override
    public void forward(int batch, int in, int out, float[] x, float[] weight, float[] bias, float[] y) {
        int tasks = Ranges.tasks(out, (long) batch * in);
        Ranges.split(out, tasks, (from, to) -> {
            for (int o = from; o < to; o++) {
                for (int n = 0; n < batch; n++) {
                    float dot = dot(in, x, n * in, weight, o * in);
                    y[n * out + o] = bias == null ? dot : bias[o] + dot;
                }
            }
        });
    }

    /** {@code sum_i a[aAt + i] * b[bAt + i]} over {@code length} elements. */
    private static float dot(int length, float[] a, int aAt, float[] b, int bAt) {
        FloatVector sum = FloatVector.zero(SPECIES);
        int i = 0;
        for (int bound = SPECIES.loopBound(length); i < bound; i += LANES) {
            sum = FloatVector.fromArray(SPECIES, a, aAt + i).fma(FloatVector.fromArray(SPECIES, b, bAt + i), sum);
        }
        if (i < length) {
            VectorMask<Float> m = SPECIES.indexInRange(i, length);
            sum = FloatVector.fromArray(SPECIES, a, aAt + i, m).fma(FloatVector.fromArray(SPECIES, b, bAt + i, m), sum);
        }
        return sumLanes(sum);
    }

    /**
     * The lanes added first to last. {@code reduceLanes(ADD)} leaves the order open, and the interpreter and C2 were
     * seen to round differently, which would break bit-for-bit repeatability across a resume in a fresh JVM.
     */
    private static float sumLanes(FloatVector v) {
        float sum = 0f;
        for (int lane = 0; lane < LANES; lane++) {
            sum += v.lane(lane);
        }
        return sum;
    }

    @Override
    public void backward(int batch, int in, int out, float[] x, float[] weight, float[] gradY, float[] gradX,
                         float[] gradWeight, float[] gradBias) {
        if (gradX != null) {
            // gradX[n, cols] = sum_o gradY[n,o] * weight[o, cols], o ascending like the scalar reference.
            int columnTasks = (in + COLUMNS_PER_TASK - 1) / COLUMNS_PER_TASK;
            Parallel.forEach(columnTasks, t -> {
                int from = t * COLUMNS_PER_TASK;
                int to = Math.min(in, from + COLUMNS_PER_TASK);
                for (int n = 0; n < batch; n++) {
                    java.util.Arrays.fill(gradX, n * in + from, n * in + to, 0f);
                    for (int o = 0; o < out; o++) {
                        axpy(to - from, gradY[n * out + o], weight, o * in + from, gradX, n * in + from);
                    }
                }
            });
        }
        int tasks = Ranges.tasks(out, (long) batch * in);
        Ranges.split(out, tasks, (from, to) -> {
            for (int o = from; o < to; o++) {
                weightGradientRow(batch, in, out, o, x, gradY, gradWeight);
            }
        });
        if (gradBias != null) {
            biasGradient(batch, out, gradY, gradBias);
        }
    }

    /** {@code y[yAt + i] += alpha * x[xAt + i]} over {@code length} elements. */
    private static void axpy(int length, float alpha, float[] x, int xAt, float[] y, int yAt) {
        FloatVector a = FloatVector.broadcast(SPECIES, alpha);
        int i = 0;
        for (int bound = SPECIES.loopBound(length); i < bound; i += LANES) {
            FloatVector.fromArray(SPECIES, x, xAt + i).fma(a, FloatVector.fromArray(SPECIES, y, yAt + i))
                    .intoArray(y, yAt + i);
        }
        if (i < length) {
            VectorMask<Float> m = SPECIES.indexInRange(i, length);
            FloatVector.fromArray(SPECIES, x, xAt + i, m).fma(a, FloatVector.fromArray(SPECIES, y, yAt + i, m))
                    .intoArray(y, yAt + i, m);
        }
    }

    /** {@code gradWeight[o, :] += sum_n gradY[n,o] * x[n, :]}, the batch sum in a register per vector of columns. */
    private static void weightGradientRow(int batch, int in, int out, int o, float[] x, float[] gradY,
                                          float[] gradWeight) {
        int row = o * in;
        int i = 0;
        for (int bound = SPECIES.loopBound(in); i < bound; i += LANES) {
            FloatVector sum = FloatVector.zero(SPECIES);
            for (int n = 0; n < batch; n++) {
                FloatVector g = FloatVector.broadcast(SPECIES, gradY[n * out + o]);
                sum = FloatVector.fromArray(SPECIES, x, n * in + i).fma(g, sum);
            }
            FloatVector.fromArray(SPECIES, gradWeight, row + i).add(sum).intoArray(gradWeight, row + i);
        }
        if (i < in) {
            VectorMask<Float> m = SPECIES.indexInRange(i, in);
            FloatVector sum = FloatVector.zero(SPECIES);
            for (int n = 0; n < batch; n++) {
                FloatVector g = FloatVector.broadcast(SPECIES, gradY[n * out + o]);
                sum = FloatVector.fromArray(SPECIES, x, n * in + i, m).fma(g, sum);
            }
            FloatVector.fromArray(SPECIES, gradWeight, row + i, m).add(sum).intoArray(gradWeight, row + i, m);
        }
    }

    /** {@code gradBias[o] += sum_n gradY[n, o]}, one vector of outputs at a time. */
    private static void biasGradient(int batch, int out, float[] gradY, float[] gradBias) {
        int o = 0;
        for (int bound = SPECIES.loopBound(out); o < bound; o += LANES) {
            FloatVector sum = FloatVector.zero(SPECIES);
            for (int n = 0; n < batch; n++) {
                sum = sum.add(FloatVector.fromArray(SPECIES, gradY, n * out + o));
            }
            FloatVector.fromArray(SPECIES, gradBias, o).add(sum).intoArray(gradBias, o);
        }
        if (o < out) {
            VectorMask<Float> m = SPECIES.indexInRange(o, out);
            FloatVector sum = FloatVector.zero(SPECIES);
            for (int n = 0; n < batch; n++) {
                sum = sum.add(FloatVector.fromArray(SPECIES, gradY, n * out + o, m));
            }
            FloatVector.fromArray(SPECIES, gradBias, o, m).add(sum).intoArray(gradBias, o, m);
        }
    }
}
