package org.resnet4j.kernels;

import static org.resnet4j.testing.Approx.assertAllClose;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.resnet4j.kernels.scalar.ScalarLinear;
import org.resnet4j.kernels.simd.SimdLinear;
import org.resnet4j.testing.RandomArrays;

/** The SIMD fully connected layer against the scalar reference, with and without bias and input gradient. */
class LinearKernelsTest {
    private final LinearKernels scalar = new ScalarLinear();
    private final LinearKernels simd = new SimdLinear();

    @Test
    void simdMatchesScalarOnShapesThatHitTheTails() {
        SplittableRandom random = new SplittableRandom(61);
        for (int batch : new int[] {1, 3, 16}) {
            for (int in : new int[] {1, 15, 16, 17, 64, 100}) {
                for (int out : new int[] {1, 10, 17}) {
                    compare(random, batch, in, out, true);
                    compare(random, batch, in, out, false);
                }
            }
        }
        // A ResNet-18-wide input: several parallel tasks for every pass.
        compare(random, 3, 512, 200, true);
    }

    private void compare(SplittableRandom random, int batch, int in, int out, boolean withBias) {
        String what = "batch " + batch + " in " + in + " out " + out + (withBias ? " with bias " : " no bias ");
        float[] x = RandomArrays.uniform(random, batch * in);
        float[] weight = RandomArrays.uniform(random, out * in);
        float[] bias = withBias ? RandomArrays.uniform(random, out) : null;
        float[] y1 = new float[batch * out];
        float[] y2 = new float[batch * out];
        scalar.forward(batch, in, out, x, weight, bias, y1);
        simd.forward(batch, in, out, x, weight, bias, y2);
        // Dot products of length in: float rounding grows with sqrt(in).
        double atol = 1e-6 * Math.sqrt(in) + 1e-6;
        assertAllClose(what + "y", y1, y2, atol, 1e-5);

        float[] gradY = RandomArrays.uniform(random, batch * out);
        float[] gradWeightStart = RandomArrays.uniform(random, out * in);
        float[] gradBiasStart = RandomArrays.uniform(random, out);
        float[] gx1 = RandomArrays.uniform(random, batch * in);
        float[] gx2 = gx1.clone();
        float[] gw1 = gradWeightStart.clone();
        float[] gw2 = gradWeightStart.clone();
        float[] gb1 = withBias ? gradBiasStart.clone() : null;
        float[] gb2 = withBias ? gradBiasStart.clone() : null;
        scalar.backward(batch, in, out, x, weight, gradY, gx1, gw1, gb1);
        simd.backward(batch, in, out, x, weight, gradY, gx2, gw2, gb2);
        assertAllClose(what + "gradX", gx1, gx2, 1e-6 * Math.sqrt(out) + 1e-6, 1e-5);
        assertAllClose(what + "gradWeight", gw1, gw2, 1e-6 * Math.sqrt(batch) + 1e-6, 1e-5);
        if (withBias) {
            assertAllClose(what + "gradBias", gb1, gb2, 1e-6 * Math.sqrt(batch) + 1e-6, 1e-5);
        }

        // Without an input gradient, the parameter gradients are the same.
        float[] gw3 = gradWeightStart.clone();
        simd.backward(batch, in, out, x, weight, gradY, null, gw3, null);
        assertAllClose(what + "gradWeight without gradX", gw2, gw3, 0, 0);
    }
}
