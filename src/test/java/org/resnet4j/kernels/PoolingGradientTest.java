package org.resnet4j.kernels;

import static org.resnet4j.testing.Approx.assertAllClose;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.resnet4j.testing.Approx;
import org.resnet4j.testing.FiniteDifferences;
import org.resnet4j.testing.RandomArrays;

/** Both poolings against double-precision definitions and their finite differences. */
class PoolingGradientTest {

    /** Max over each window's in-image part, NHWC, from the definition. */
    static double[] maxPool(PoolGeometry g, double[] x) {
        double[] y = new double[g.outputSize()];
        int c0 = g.channels();
        for (int n = 0; n < g.batch(); n++) {
            for (int oh = 0; oh < g.outHeight(); oh++) {
                for (int ow = 0; ow < g.outWidth(); ow++) {
                    for (int c = 0; c < c0; c++) {
                        double best = Double.NEGATIVE_INFINITY;
                        for (int kh = 0; kh < g.window(); kh++) {
                            for (int kw = 0; kw < g.window(); kw++) {
                                int ih = oh * g.stride() - g.pad() + kh;
                                int iw = ow * g.stride() - g.pad() + kw;
                                if (ih >= 0 && ih < g.inHeight() && iw >= 0 && iw < g.inWidth()) {
                                    best = Math.max(best, x[((n * g.inHeight() + ih) * g.inWidth() + iw) * c0 + c]);
                                }
                            }
                        }
                        y[((n * g.outHeight() + oh) * g.outWidth() + ow) * c0 + c] = best;
                    }
                }
            }
        }
        return y;
    }

    static double[] averagePool(int batch, int plane, int channels, double[] x) {
        double[] y = new double[batch * channels];
        for (int n = 0; n < batch; n++) {
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < channels; c++) {
                    y[n * channels + c] += x[(n * plane + p) * channels + c] / plane;
                }
            }
        }
        return y;
    }

    @ParameterizedTest
    @MethodSource("org.resnet4j.testing.KernelSets#pooling")
    void maxPoolGradientMatchesFiniteDifferences(PoolingKernels pooling) {
        SplittableRandom random = new SplittableRandom(51);
        PoolGeometry[] geometries = {
            new PoolGeometry(1, 3, 5, 5, 3, 2, 1),
            new PoolGeometry(2, 17, 4, 3, 3, 1, 1),
            new PoolGeometry(1, 16, 6, 6, 2, 2, 0),
        };
        for (PoolGeometry g : geometries) {
            // Distinct values at least 1e-3 apart (a shuffled ramp), so the step 1e-5 never changes a maximum.
            float[] x = shuffledRamp(random, g.inputSize());
            double[] xd = Approx.toDouble(x);
            double[] weights = Approx.toDouble(RandomArrays.uniform(random, g.outputSize()));
            float[] y = new float[g.outputSize()];
            int[] argmax = new int[g.outputSize()];
            pooling.maxPoolForward(g, x, y, argmax);
            assertAllClose(g + " y", maxPool(g, xd), y, 0, 0);

            // gradX is overwritten: start it from garbage.
            float[] gradX = RandomArrays.uniform(random, g.inputSize());
            pooling.maxPoolBackward(g, toFloat(weights), argmax, gradX);
            double[] expected = FiniteDifferences.gradient(xd,
                    p -> FiniteDifferences.dot(maxPool(g, p), weights), 1e-5);
            assertAllClose(g + " gradX", expected, gradX, 1e-6, 1e-5);
        }
    }

    @ParameterizedTest
    @MethodSource("org.resnet4j.testing.KernelSets#pooling")
    void globalAveragePoolGradientMatchesFiniteDifferences(PoolingKernels pooling) {
        SplittableRandom random = new SplittableRandom(52);
        int[][] shapes = {{1, 1, 3}, {2, 9, 17}, {3, 4, 16}};
        for (int[] s : shapes) {
            int batch = s[0];
            int plane = s[1];
            int channels = s[2];
            String what = "batch " + batch + " plane " + plane + " channels " + channels;
            float[] x = RandomArrays.uniform(random, batch * plane * channels);
            double[] xd = Approx.toDouble(x);
            double[] weights = Approx.toDouble(RandomArrays.uniform(random, batch * channels));
            float[] y = new float[batch * channels];
            pooling.globalAvgPoolForward(batch, plane, channels, x, y);
            assertAllClose(what + " y", averagePool(batch, plane, channels, xd), y, 1e-7, 1e-6);

            float[] gradX = RandomArrays.uniform(random, batch * plane * channels);
            pooling.globalAvgPoolBackward(batch, plane, channels, toFloat(weights), gradX);
            double[] expected = FiniteDifferences.gradient(xd,
                    p -> FiniteDifferences.dot(averagePool(batch, plane, channels, p), weights), 1e-3);
            assertAllClose(what + " gradX", expected, gradX, 1e-7, 1e-6);
        }
    }

    /** {@code 0.001 * k} for {@code k = 0 .. length-1}, shifted to be centred on 0, in random order. */
    private static float[] shuffledRamp(SplittableRandom random, int length) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = 0.001f * (i - length / 2);
        }
        for (int i = length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            float t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
        return values;
    }

    private static float[] toFloat(double[] values) {
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (float) values[i];
        }
        return result;
    }
}
