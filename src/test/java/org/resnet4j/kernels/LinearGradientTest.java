package org.resnet4j.kernels;

import static org.resnet4j.testing.Approx.assertAllClose;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.resnet4j.testing.Approx;
import org.resnet4j.testing.FiniteDifferences;
import org.resnet4j.testing.RandomArrays;

/** Both fully connected layers against a double-precision definition and its finite differences. */
class LinearGradientTest {

    /** {@code y[n,o] = b[o] + sum_i x[n,i] * w[o,i]}. */
    static double[] linear(int batch, int in, int out, double[] x, double[] w, double[] b) {
        double[] y = new double[batch * out];
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < out; o++) {
                double sum = b[o];
                for (int i = 0; i < in; i++) {
                    sum += x[n * in + i] * w[o * in + i];
                }
                y[n * out + o] = sum;
            }
        }
        return y;
    }

    @ParameterizedTest
    @MethodSource("org.resnet4j.testing.KernelSets#linear")
    void forwardAndGradientsMatchTheDefinition(LinearKernels linear) {
        SplittableRandom random = new SplittableRandom(71);
        int[][] shapes = {{1, 1, 1}, {3, 17, 10}, {2, 16, 3}, {1, 5, 17}};
        for (int[] s : shapes) {
            int batch = s[0];
            int in = s[1];
            int out = s[2];
            String what = linear.getClass().getSimpleName() + " batch " + batch + " in " + in + " out " + out;
            float[] x = RandomArrays.uniform(random, batch * in);
            float[] w = RandomArrays.uniform(random, out * in);
            float[] b = RandomArrays.uniform(random, out);
            double[] xd = Approx.toDouble(x);
            double[] wd = Approx.toDouble(w);
            double[] bd = Approx.toDouble(b);
            double[] weights = Approx.toDouble(RandomArrays.uniform(random, batch * out));

            float[] y = new float[batch * out];
            linear.forward(batch, in, out, x, w, b, y);
            assertAllClose(what + " y", linear(batch, in, out, xd, wd, bd), y, 1e-6, 1e-5);

            // gradX is overwritten; the parameter gradients accumulate onto their start values.
            float[] gradX = RandomArrays.uniform(random, batch * in);
            float[] gradW = RandomArrays.uniform(random, out * in);
            float[] gradB = RandomArrays.uniform(random, out);
            float[] gradW0 = gradW.clone();
            float[] gradB0 = gradB.clone();
            linear.backward(batch, in, out, x, w, toFloat(weights), gradX, gradW, gradB);
            double[] expectX = FiniteDifferences.gradient(xd,
                    p -> FiniteDifferences.dot(linear(batch, in, out, p, wd, bd), weights), 1e-3);
            double[] expectW = FiniteDifferences.gradient(wd,
                    p -> FiniteDifferences.dot(linear(batch, in, out, xd, p, bd), weights), 1e-3);
            double[] expectB = FiniteDifferences.gradient(bd,
                    p -> FiniteDifferences.dot(linear(batch, in, out, xd, wd, p), weights), 1e-3);
            assertAllClose(what + " gradX", expectX, gradX, 1e-6, 1e-5);
            assertAllClose(what + " gradWeight", plus(gradW0, expectW), gradW, 1e-6, 1e-5);
            assertAllClose(what + " gradBias", plus(gradB0, expectB), gradB, 1e-6, 1e-5);
        }
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
