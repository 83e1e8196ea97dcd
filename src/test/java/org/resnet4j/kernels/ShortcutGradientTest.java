package org.resnet4j.kernels;

import static org.resnet4j.testing.Approx.assertAllClose;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.resnet4j.testing.Approx;
import org.resnet4j.testing.FiniteDifferences;
import org.resnet4j.testing.RandomArrays;

/** The option-A shortcut against its definition in double and finite differences. */
class ShortcutGradientTest {

    /** {@code y[n,oh,ow,c] = c < inChannels ? x[n, oh*s, ow*s, c] : 0}. */
    static double[] shortcut(int batch, int inChannels, int height, int width, int outChannels, int stride,
                             double[] x) {
        int outHeight = (height + stride - 1) / stride;
        int outWidth = (width + stride - 1) / stride;
        double[] y = new double[batch * outHeight * outWidth * outChannels];
        for (int n = 0; n < batch; n++) {
            for (int oh = 0; oh < outHeight; oh++) {
                for (int ow = 0; ow < outWidth; ow++) {
                    for (int c = 0; c < inChannels; c++) {
                        y[((n * outHeight + oh) * outWidth + ow) * outChannels + c] =
                                x[((n * height + oh * stride) * width + ow * stride) * inChannels + c];
                    }
                }
            }
        }
        return y;
    }

    @ParameterizedTest
    @MethodSource("org.resnet4j.testing.KernelSets#shortcut")
    void forwardAndGradientMatchTheDefinition(ShortcutKernels kernels) {
        SplittableRandom random = new SplittableRandom(111);
        int[][] shapes = {{1, 3, 5, 4, 6, 2}, {2, 17, 3, 3, 32, 2}, {1, 4, 2, 3, 4, 1}};
        for (int[] s : shapes) {
            int batch = s[0];
            int inChannels = s[1];
            int height = s[2];
            int width = s[3];
            int outChannels = s[4];
            int stride = s[5];
            String what = kernels.getClass().getSimpleName() + " shape " + java.util.Arrays.toString(s);
            float[] x = RandomArrays.uniform(random, batch * height * width * inChannels);
            double[] xd = Approx.toDouble(x);
            double[] expectedY = shortcut(batch, inChannels, height, width, outChannels, stride, xd);
            float[] y = new float[expectedY.length];
            kernels.subsampleZeroPadForward(batch, inChannels, height, width, outChannels, stride, x, y);
            assertAllClose(what + " y", expectedY, y, 0, 0);

            double[] weights = Approx.toDouble(RandomArrays.uniform(random, expectedY.length));
            float[] gradY = new float[weights.length];
            for (int i = 0; i < weights.length; i++) {
                gradY[i] = (float) weights[i];
            }
            // gradX is overwritten: start it from garbage.
            float[] gradX = RandomArrays.uniform(random, x.length);
            kernels.subsampleZeroPadBackward(batch, inChannels, height, width, outChannels, stride, gradY, gradX);
            double[] expected = FiniteDifferences.gradient(xd, p -> FiniteDifferences.dot(
                    shortcut(batch, inChannels, height, width, outChannels, stride, p), weights), 1e-3);
            assertAllClose(what + " gradX", expected, gradX, 1e-9, 1e-9);
        }
    }
}
