package org.resnet4j.kernels;

import static org.resnet4j.testing.Approx.assertAllClose;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.resnet4j.testing.Approx;
import org.resnet4j.testing.FiniteDifferences;
import org.resnet4j.testing.RandomArrays;

/** Both batch norms against a double-precision forward written from the definition and its finite differences. */
class BatchNormGradientTest {
    private static final double STEP = 1e-4;

    /** {@code y = gamma * (x - mean) / sqrt(var + eps) + beta}, biased batch variance per channel, all in double. */
    static double[] reference(int rows, int channels, double[] x, double[] gamma, double[] beta, double eps) {
        double[] y = new double[rows * channels];
        for (int c = 0; c < channels; c++) {
            double mean = 0;
            for (int r = 0; r < rows; r++) {
                mean += x[r * channels + c];
            }
            mean /= rows;
            double var = 0;
            for (int r = 0; r < rows; r++) {
                double d = x[r * channels + c] - mean;
                var += d * d;
            }
            var /= rows;
            for (int r = 0; r < rows; r++) {
                y[r * channels + c] = gamma[c] * (x[r * channels + c] - mean) / Math.sqrt(var + eps) + beta[c];
            }
        }
        return y;
    }

    @ParameterizedTest
    @MethodSource("org.resnet4j.testing.KernelSets#batchNorm")
    void trainingForwardAndGradientsMatchTheDefinition(BatchNormKernels bn) {
        SplittableRandom random = new SplittableRandom(11);
        int[][] shapes = {{2, 3}, {5, 3}, {6, 17}, {9, 16}};
        for (int[] shape : shapes) {
            int rows = shape[0];
            int channels = shape[1];
            float eps = 1e-5f;
            float[] x = RandomArrays.uniform(random, rows * channels, -2f, 2f);
            float[] gamma = RandomArrays.uniform(random, channels, 0.5f, 1.5f);
            float[] beta = RandomArrays.uniform(random, channels);
            double[] weights = Approx.toDouble(RandomArrays.uniform(random, rows * channels));
            String what = bn.getClass().getSimpleName() + " rows=" + rows + " channels=" + channels;

            float[] y = new float[rows * channels];
            float[] saveMean = new float[channels];
            float[] saveInvStd = new float[channels];
            bn.forwardTraining(rows, channels, x, gamma, beta, eps, 0.1f, new float[channels], new float[channels],
                    y, saveMean, saveInvStd);
            double[] xd = Approx.toDouble(x);
            double[] gammaD = Approx.toDouble(gamma);
            double[] betaD = Approx.toDouble(beta);
            assertAllClose(what + " y", reference(rows, channels, xd, gammaD, betaD, eps), y, 1e-5, 1e-5);

            // gradX is overwritten: start it from garbage.
            float[] gradX = RandomArrays.uniform(random, rows * channels);
            // Parameter gradients accumulate: start from non-zero values and expect them added to.
            float[] gradGamma = RandomArrays.uniform(random, channels);
            float[] gradBeta = RandomArrays.uniform(random, channels);
            float[] gradGamma0 = gradGamma.clone();
            float[] gradBeta0 = gradBeta.clone();
            bn.backward(rows, channels, x, toFloat(weights), gamma, saveMean, saveInvStd, gradX, gradGamma, gradBeta);

            double[] expectX = FiniteDifferences.gradient(xd,
                    p -> FiniteDifferences.dot(reference(rows, channels, p, gammaD, betaD, eps), weights), STEP);
            double[] expectGamma = FiniteDifferences.gradient(gammaD,
                    p -> FiniteDifferences.dot(reference(rows, channels, xd, p, betaD, eps), weights), STEP);
            double[] expectBeta = FiniteDifferences.gradient(betaD,
                    p -> FiniteDifferences.dot(reference(rows, channels, xd, gammaD, p, eps), weights), STEP);
            assertAllClose(what + " gradX", expectX, gradX, 2e-4, 1e-3);
            assertAllClose(what + " gradGamma", plus(gradGamma0, expectGamma), gradGamma, 2e-4, 1e-3);
            assertAllClose(what + " gradBeta", plus(gradBeta0, expectBeta), gradBeta, 2e-4, 1e-3);
        }
    }

    @ParameterizedTest
    @MethodSource("org.resnet4j.testing.KernelSets#batchNorm")
    void inferenceForwardMatchesTheDefinition(BatchNormKernels bn) {
        SplittableRandom random = new SplittableRandom(12);
        int rows = 7;
        int channels = 19;
        float eps = 1e-5f;
        float[] x = RandomArrays.uniform(random, rows * channels, -3f, 3f);
        float[] gamma = RandomArrays.uniform(random, channels, 0.5f, 1.5f);
        float[] beta = RandomArrays.uniform(random, channels);
        float[] runningMean = RandomArrays.uniform(random, channels);
        float[] runningVar = RandomArrays.uniform(random, channels, 0.1f, 3f);
        float[] y = new float[rows * channels];
        bn.forwardInference(rows, channels, x, gamma, beta, runningMean, runningVar, eps, y);
        double[] expected = new double[rows * channels];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < channels; c++) {
                expected[r * channels + c] = (double) gamma[c] * (x[r * channels + c] - (double) runningMean[c])
                        / Math.sqrt((double) runningVar[c] + eps) + beta[c];
            }
        }
        assertAllClose(bn.getClass().getSimpleName() + " inference y", expected, y, 1e-5, 1e-5);
    }

    private static double[] plus(float[] start, double[] increment) {
        double[] sum = new double[start.length];
        for (int i = 0; i < start.length; i++) {
            sum[i] = start[i] + increment[i];
        }
        return sum;
    }

    private static float[] toFloat(double[] values) {
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (float) values[i];
        }
        return result;
    }
}
