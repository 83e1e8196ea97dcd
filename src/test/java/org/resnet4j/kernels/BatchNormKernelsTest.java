package org.resnet4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.resnet4j.testing.Approx.assertAllClose;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.resnet4j.kernels.scalar.ScalarBatchNorm;
import org.resnet4j.kernels.simd.SimdBatchNorm;
import org.resnet4j.testing.RandomArrays;

/** SIMD batch norm against the scalar reference, PyTorch's running statistics, stability and repeatability. */
class BatchNormKernelsTest {
    private static final float EPS = 1e-5f;
    private static final float MOMENTUM = 0.1f;

    private final BatchNormKernels scalar = new ScalarBatchNorm();
    private final BatchNormKernels simd = new SimdBatchNorm();

    /** One training forward and backward, all outputs in one place. */
    private record Step(float[] y, float[] saveMean, float[] saveInvStd, float[] runningMean, float[] runningVar,
                        float[] gradX, float[] gradGamma, float[] gradBeta) {
    }

    private static Step step(BatchNormKernels bn, int rows, int channels, float[] x, float[] gamma, float[] beta,
                             float[] gradY) {
        float[] y = new float[rows * channels];
        float[] saveMean = new float[channels];
        float[] saveInvStd = new float[channels];
        float[] runningMean = new float[channels];
        float[] runningVar = new float[channels];
        java.util.Arrays.fill(runningVar, 1f);
        bn.forwardTraining(rows, channels, x, gamma, beta, EPS, MOMENTUM, runningMean, runningVar, y, saveMean,
                saveInvStd);
        float[] gradX = new float[rows * channels];
        float[] gradGamma = new float[channels];
        float[] gradBeta = new float[channels];
        bn.backward(rows, channels, x, gradY, gamma, saveMean, saveInvStd, gradX, gradGamma, gradBeta);
        return new Step(y, saveMean, saveInvStd, runningMean, runningVar, gradX, gradGamma, gradBeta);
    }

    @Test
    void simdMatchesScalarOnShapesThatHitTheTails() {
        SplittableRandom random = new SplittableRandom(1);
        int[] batches = {1, 3};
        int[] sizes = {1, 7, 8, 32, 33};
        int[] channelCounts = {3, 13, 16, 17, 64};
        for (int batch : batches) {
            for (int size : sizes) {
                for (int channels : channelCounts) {
                    int rows = batch * size * size;
                    if (rows < 2) {
                        continue;
                    }
                    compare(random, rows, channels);
                }
            }
        }
        // Just over 64 Ki elements: two statistics chunks, so the pool and the chunk merge run.
        compare(random, 1031, 64);
        compare(random, 1000, 67);
        compare(random, 33, 2048);
    }

    private void compare(SplittableRandom random, int rows, int channels) {
        String what = "rows=" + rows + " channels=" + channels + " ";
        float[] x = RandomArrays.uniform(random, rows * channels, -2f, 3f);
        float[] gamma = RandomArrays.uniform(random, channels, 0.5f, 1.5f);
        float[] beta = RandomArrays.uniform(random, channels);
        float[] gradY = RandomArrays.uniform(random, rows * channels);
        Step expected = step(scalar, rows, channels, x, gamma, beta, gradY);
        Step actual = step(simd, rows, channels, x, gamma, beta, gradY);
        assertAllClose(what + "y", expected.y(), actual.y(), 1e-5, 1e-4);
        assertAllClose(what + "saveMean", expected.saveMean(), actual.saveMean(), 1e-6, 1e-5);
        assertAllClose(what + "saveInvStd", expected.saveInvStd(), actual.saveInvStd(), 0, 1e-5);
        assertAllClose(what + "runningMean", expected.runningMean(), actual.runningMean(), 1e-6, 1e-5);
        assertAllClose(what + "runningVar", expected.runningVar(), actual.runningVar(), 0, 1e-5);
        assertAllClose(what + "gradX", expected.gradX(), actual.gradX(), 1e-5, 1e-4);
        // Sums over all rows: float partial sums differ from the double reference by about rows * 1e-7.
        double sumTolerance = 1e-6 * rows;
        assertAllClose(what + "gradGamma", expected.gradGamma(), actual.gradGamma(), sumTolerance, 1e-4);
        assertAllClose(what + "gradBeta", expected.gradBeta(), actual.gradBeta(), sumTolerance, 1e-4);

        float[] runningMean = RandomArrays.uniform(random, channels);
        float[] runningVar = RandomArrays.uniform(random, channels, 0.2f, 2f);
        float[] expectedY = new float[rows * channels];
        float[] actualY = new float[rows * channels];
        scalar.forwardInference(rows, channels, x, gamma, beta, runningMean, runningVar, EPS, expectedY);
        simd.forwardInference(rows, channels, x, gamma, beta, runningMean, runningVar, EPS, actualY);
        assertAllClose(what + "inference y", expectedY, actualY, 1e-5, 1e-5);
    }

    @ParameterizedTest
    @MethodSource("org.resnet4j.testing.KernelSets#batchNorm")
    void runningStatisticsFollowPyTorchAfterOneStep(BatchNormKernels bn) {
        // Channel 0 sees 1, 2, 3, 4: mean 2.5, biased variance 1.25, unbiased 5/3.
        // Channel 1 sees 10, 10, 10, 14: mean 11, biased variance 3, unbiased 4.
        float[] x = {1, 10, 2, 10, 3, 10, 4, 14};
        float[] runningMean = {0f, 1f};
        float[] runningVar = {1f, 2f};
        float[] saveMean = new float[2];
        float[] saveInvStd = new float[2];
        float[] y = new float[8];
        bn.forwardTraining(4, 2, x, new float[] {1f, 1f}, new float[] {0f, 0f}, EPS, 0.1f, runningMean, runningVar,
                y, saveMean, saveInvStd);
        assertArrayEquals(new float[] {2.5f, 11f}, saveMean, 1e-6f);
        assertArrayEquals(new float[] {(float) (1 / Math.sqrt(1.25 + EPS)), (float) (1 / Math.sqrt(3 + EPS))},
                saveInvStd, 1e-6f);
        // running = 0.9 * running + 0.1 * batch statistic, with the unbiased variance.
        assertArrayEquals(new float[] {0.25f, 0.9f * 1f + 0.1f * 11f}, runningMean, 1e-6f);
        assertArrayEquals(new float[] {0.9f * 1f + 0.1f * 5f / 3f, 0.9f * 2f + 0.1f * 4f}, runningVar, 1e-6f);
        assertEquals((1 - 2.5) / Math.sqrt(1.25 + EPS), y[0], 1e-6);
        assertEquals((14 - 11) / Math.sqrt(3 + EPS), y[7], 1e-6);
    }

    @ParameterizedTest
    @MethodSource("org.resnet4j.testing.KernelSets#batchNorm")
    void varianceStaysAccurateFarFromZero(BatchNormKernels bn) {
        // Mean 1e4, spread ~1: E[x^2] - E[x]^2 in float would lose every digit of the variance.
        SplittableRandom random = new SplittableRandom(5);
        int rows = 5000;
        int channels = 17;
        float[] x = RandomArrays.uniform(random, rows * channels, 9998f, 10002f);
        float[] saveMean = new float[channels];
        float[] saveInvStd = new float[channels];
        float[] gamma = new float[channels];
        java.util.Arrays.fill(gamma, 1f);
        bn.forwardTraining(rows, channels, x, gamma, new float[channels], EPS, MOMENTUM, new float[channels],
                new float[channels], new float[rows * channels], saveMean, saveInvStd);
        for (int c = 0; c < channels; c++) {
            double mean = 0;
            for (int r = 0; r < rows; r++) {
                mean += x[r * channels + c];
            }
            mean /= rows;
            double var = 0;
            for (int r = 0; r < rows; r++) {
                var += (x[r * channels + c] - mean) * (x[r * channels + c] - mean);
            }
            var /= rows;
            assertEquals(mean, saveMean[c], 1e-3, "mean of channel " + c);
            assertEquals(1 / Math.sqrt(var + EPS), saveInvStd[c], 1e-4 / Math.sqrt(var), "invStd of channel " + c);
        }
    }

    @Test
    void simdResultsAreBitIdenticalAcrossRunsAndThreadCounts() {
        SplittableRandom random = new SplittableRandom(3);
        // Two statistics chunks (just over 64 Ki elements), so the merge order matters.
        int rows = 1900;
        int channels = 37;
        float[] x = RandomArrays.uniform(random, rows * channels, -1f, 2f);
        float[] gamma = RandomArrays.uniform(random, channels, 0.5f, 1.5f);
        float[] beta = RandomArrays.uniform(random, channels);
        float[] gradY = RandomArrays.uniform(random, rows * channels);
        Step first = step(simd, rows, channels, x, gamma, beta, gradY);
        Step second = step(simd, rows, channels, x, gamma, beta, gradY);
        int threads = Parallel.threads();
        Step single;
        try {
            Parallel.setThreads(1);
            single = step(simd, rows, channels, x, gamma, beta, gradY);
        } finally {
            Parallel.setThreads(threads);
        }
        for (Step other : new Step[] {second, single}) {
            assertArrayEquals(first.y(), other.y());
            assertArrayEquals(first.saveMean(), other.saveMean());
            assertArrayEquals(first.saveInvStd(), other.saveInvStd());
            assertArrayEquals(first.runningVar(), other.runningVar());
            assertArrayEquals(first.gradX(), other.gradX());
            assertArrayEquals(first.gradGamma(), other.gradGamma());
            assertArrayEquals(first.gradBeta(), other.gradBeta());
        }
    }
    /** The network runs backward in place (gradX = gradY): the same numbers, bit for bit, on tail-hitting shapes. */
    @ParameterizedTest
    @MethodSource("org.resnet4j.testing.KernelSets#batchNorm")
    void backwardInPlaceEqualsOutOfPlace(BatchNormKernels bn) {
        SplittableRandom random = new SplittableRandom(31);
        for (int[] shape : new int[][] {{2, 3}, {37, 17}, {6 * 33, 64}, {1024, 8}}) {
            int rows = shape[0];
            int channels = shape[1];
            float[] x = RandomArrays.uniform(random, rows * channels, -2f, 2f);
            float[] gamma = RandomArrays.uniform(random, channels, 0.5f, 1.5f);
            float[] beta = RandomArrays.uniform(random, channels, -0.5f, 0.5f);
            float[] gradY = RandomArrays.uniform(random, rows * channels, -1f, 1f);
            Step outOfPlace = step(bn, rows, channels, x, gamma, beta, gradY);
            float[] inPlace = gradY.clone();
            float[] gradGamma = new float[channels];
            float[] gradBeta = new float[channels];
            bn.backward(rows, channels, x, inPlace, gamma, outOfPlace.saveMean(), outOfPlace.saveInvStd(), inPlace,
                    gradGamma, gradBeta);
            assertArrayEquals(outOfPlace.gradX(), inPlace, rows + "x" + channels);
            assertArrayEquals(outOfPlace.gradGamma(), gradGamma);
            assertArrayEquals(outOfPlace.gradBeta(), gradBeta);
        }
    }

    /** A training forward and backward of {@code relu(batchNorm(x))}, fused; the ReLU's own output is {@code y}. */
    private static Step stepRelu(BatchNormKernels bn, int rows, int channels, float[] x, float[] gamma, float[] beta,
                                 float[] gradY) {
        float[] y = new float[rows * channels];
        float[] saveMean = new float[channels];
        float[] saveInvStd = new float[channels];
        float[] runningMean = new float[channels];
        float[] runningVar = new float[channels];
        java.util.Arrays.fill(runningVar, 1f);
        bn.forwardTrainingRelu(rows, channels, x, gamma, beta, EPS, MOMENTUM, runningMean, runningVar, y, saveMean,
                saveInvStd);
        float[] gradX = new float[rows * channels];
        float[] gradGamma = new float[channels];
        float[] gradBeta = new float[channels];
        bn.backwardRelu(rows, channels, x, y, gradY, gamma, beta, saveMean, saveInvStd, gradX, gradGamma, gradBeta);
        return new Step(y, saveMean, saveInvStd, runningMean, runningVar, gradX, gradGamma, gradBeta);
    }

    /**
     * The fused batch norm + ReLU gives, in SIMD, the bits of batch norm and then the SIMD ReLU (forward, and backward
     * from the ReLU's gradient), whose mask it recomputes from x instead of reading y; and it matches the scalar
     * specification (batch norm, then ReLU) within the tolerances of the unfused kernels. Shapes hit the vector
     * tails, the four-row groups' remainders and several chunks; beta spreads the outputs across zero.
     */
    @Test
    void fusedReluIsBatchNormThenReluBitForBit() {
        SplittableRandom random = new SplittableRandom(5);
        ElementwiseKernels relu = new org.resnet4j.kernels.simd.SimdElementwise();
        int[][] shapes = {{2, 3}, {7, 13}, {9, 16}, {33, 17}, {1031, 64}, {1000, 67}, {3 * 32 * 32, 16}};
        for (int[] shape : shapes) {
            int rows = shape[0];
            int channels = shape[1];
            int n = rows * channels;
            String what = rows + "x" + channels + " ";
            float[] x = RandomArrays.uniform(random, n, -2f, 3f);
            float[] gamma = RandomArrays.uniform(random, channels, 0.5f, 1.5f);
            float[] beta = RandomArrays.uniform(random, channels, -0.5f, 0.5f);
            float[] gradY = RandomArrays.uniform(random, n, -1f, 1f);

            Step fused = stepRelu(simd, rows, channels, x, gamma, beta, gradY);
            // The two passes: batch norm forward, ReLU forward in place, ReLU backward, batch norm backward.
            Step plain = step(simd, rows, channels, x, gamma, beta, gradY); // forward only is used from it
            float[] y = plain.y().clone();
            relu.reluForward(n, y, y);
            float[] masked = new float[n];
            relu.reluBackward(n, y, gradY, masked);
            Step twoPasses = step(simd, rows, channels, x, gamma, beta, masked);

            assertArrayEquals(y, fused.y(), what + "y");
            assertArrayEquals(twoPasses.gradX(), fused.gradX(), what + "gradX");
            assertArrayEquals(twoPasses.gradGamma(), fused.gradGamma(), what + "gradGamma");
            assertArrayEquals(twoPasses.gradBeta(), fused.gradBeta(), what + "gradBeta");
            assertArrayEquals(twoPasses.runningVar(), fused.runningVar(), what + "runningVar");

            Step reference = stepRelu(scalar, rows, channels, x, gamma, beta, gradY);
            assertAllClose(what + "y", reference.y(), fused.y(), 1e-5, 1e-4);
            double sumTolerance = 1e-4 * Math.sqrt(rows);
            assertAllClose(what + "gradX", reference.gradX(), fused.gradX(), 1e-4, 1e-3);
            assertAllClose(what + "gradGamma", reference.gradGamma(), fused.gradGamma(), sumTolerance, 1e-3);
            assertAllClose(what + "gradBeta", reference.gradBeta(), fused.gradBeta(), sumTolerance, 1e-3);

            float[] inference = new float[n];
            simd.forwardInferenceRelu(rows, channels, x, gamma, beta, plain.runningMean(), plain.runningVar(), EPS,
                    inference);
            float[] inferenceTwoPasses = new float[n];
            simd.forwardInference(rows, channels, x, gamma, beta, plain.runningMean(), plain.runningVar(), EPS,
                    inferenceTwoPasses);
            relu.reluForward(n, inferenceTwoPasses, inferenceTwoPasses);
            assertArrayEquals(inferenceTwoPasses, inference, what + "inference y");
        }
    }
}
