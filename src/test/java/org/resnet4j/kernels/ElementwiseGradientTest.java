package org.resnet4j.kernels;

import static org.resnet4j.testing.Approx.assertAllClose;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.resnet4j.testing.Approx;
import org.resnet4j.testing.FiniteDifferences;
import org.resnet4j.testing.RandomArrays;

/** ReLU and add against double-precision definitions, ReLU's backward against finite differences. */
class ElementwiseGradientTest {

    private static double[] relu(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] > 0 ? x[i] : 0;
        }
        return y;
    }

    @ParameterizedTest
    @MethodSource("org.resnet4j.testing.KernelSets#elementwise")
    void reluForwardAndBackwardMatchTheDefinition(ElementwiseKernels kernels) {
        SplittableRandom random = new SplittableRandom(31);
        for (int length : new int[] {1, 15, 16, 17, 41}) {
            float[] x = RandomArrays.uniform(random, length);
            // Keep every input away from the kink at 0, where the derivative is not defined.
            for (int i = 0; i < length; i++) {
                x[i] = x[i] < 0 ? x[i] - 0.01f : x[i] + 0.01f;
            }
            double[] xd = Approx.toDouble(x);
            double[] weights = Approx.toDouble(RandomArrays.uniform(random, length));
            float[] y = new float[length];
            kernels.reluForward(length, x, y);
            assertAllClose("relu length " + length, relu(xd), y, 0, 0);

            // gradX is overwritten: start it from garbage.
            float[] gradX = RandomArrays.uniform(random, length);
            kernels.reluBackward(length, y, toFloat(weights), gradX);
            double[] expected = FiniteDifferences.gradient(xd, p -> FiniteDifferences.dot(relu(p), weights), 1e-4);
            assertAllClose("relu gradient length " + length, expected, gradX, 1e-6, 1e-6);

            float[] b = RandomArrays.uniform(random, length);
            float[] sum = new float[length];
            kernels.add(length, x, b, sum);
            double[] expectedSum = new double[length];
            for (int i = 0; i < length; i++) {
                expectedSum[i] = (double) x[i] + b[i];
            }
            assertAllClose("add length " + length, expectedSum, sum, 0, 1e-7);
        }
    }

    private static float[] toFloat(double[] values) {
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (float) values[i];
        }
        return result;
    }
}
