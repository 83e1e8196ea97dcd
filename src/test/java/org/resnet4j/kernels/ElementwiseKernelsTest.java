package org.resnet4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.resnet4j.testing.Approx.assertAllClose;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.resnet4j.kernels.scalar.ScalarElementwise;
import org.resnet4j.kernels.simd.SimdElementwise;
import org.resnet4j.testing.RandomArrays;

/** SIMD element-wise kernels against the scalar ones, and SGD against hand-computed steps. */
class ElementwiseKernelsTest {
    /** Tails of every size, and 200,003 for several parallel chunks with a ragged end. */
    private static final int[] LENGTHS = {1, 7, 8, 9, 15, 16, 17, 31, 1023, 200_003};

    private final ElementwiseKernels scalar = new ScalarElementwise();
    private final ElementwiseKernels simd = new SimdElementwise();

    @Test
    void reluAndAddMatchTheScalarKernelsExactly() {
        SplittableRandom random = new SplittableRandom(21);
        for (int length : LENGTHS) {
            // One spare element past length checks that nothing beyond it is touched.
            float[] x = RandomArrays.uniform(random, length + 1);
            x[0] = Float.NaN;
            x[length / 2] = -0f;
            float[] b = RandomArrays.uniform(random, length + 1);
            float[] gradY = RandomArrays.uniform(random, length + 1);
            float[][] expected = run(scalar, length, x, b, gradY);
            float[][] actual = run(simd, length, x, b, gradY);
            for (int k = 0; k < expected.length; k++) {
                assertArrayEquals(expected[k], actual[k], "length " + length + " output " + k);
            }
        }
    }

    /** ReLU's backward written twice in one pass gives the bits of backward then a copy, in place too. */
    @Test
    void reluBackwardTwiceIsBackwardThenACopyBitForBit() {
        SplittableRandom random = new SplittableRandom(29);
        for (int length : LENGTHS) {
            float[] y = RandomArrays.uniform(random, length + 1);
            y[0] = Float.NaN;
            y[length / 2] = 0f;
            float[] gradY = RandomArrays.uniform(random, length + 1);
            float[] expected = filled(length + 1, 7f);
            scalar.reluBackward(length, y, gradY, expected);
            for (ElementwiseKernels kernels : new ElementwiseKernels[] {scalar, simd}) {
                String what = kernels.getClass().getSimpleName() + " length " + length;
                float[] gradX = filled(length + 1, 7f);
                float[] copy = filled(length + 1, 7f);
                kernels.reluBackwardTwice(length, y, gradY, gradX, copy);
                assertArrayEquals(expected, gradX, what);
                assertArrayEquals(expected, copy, what + " copy");
                float[] inPlace = gradY.clone();
                float[] copyInPlace = filled(length + 1, 7f);
                kernels.reluBackwardTwice(length, y, inPlace, inPlace, copyInPlace);
                float[] expectedInPlace = expected.clone();
                expectedInPlace[length] = gradY[length]; // past the end: untouched
                assertArrayEquals(expectedInPlace, inPlace, "in place, " + what);
                assertArrayEquals(expected, copyInPlace, "in place, " + what + " copy");
            }
        }
    }

    /** The fused add and ReLU of a residual block gives the bits of add then ReLU, in SIMD as in the scalar kernels. */
    @Test
    void addReluIsAddThenReluBitForBit() {
        SplittableRandom random = new SplittableRandom(23);
        for (int length : LENGTHS) {
            float[] a = RandomArrays.uniform(random, length + 1);
            float[] b = RandomArrays.uniform(random, length + 1);
            a[0] = Float.NaN;
            b[length / 2] = -a[length / 2]; // a sum of exactly zero
            float[] twoPasses = filled(length + 1, 7f);
            simd.add(length, a, b, twoPasses);
            simd.reluForward(length, twoPasses, twoPasses);
            for (ElementwiseKernels kernels : new ElementwiseKernels[] {scalar, simd}) {
                float[] fused = filled(length + 1, 7f);
                kernels.addRelu(length, a, b, fused);
                assertArrayEquals(twoPasses, fused, kernels.getClass().getSimpleName() + " length " + length);
                float[] inPlace = b.clone();
                kernels.addRelu(length, a, inPlace, inPlace);
                float[] expectedInPlace = twoPasses.clone();
                expectedInPlace[length] = b[length]; // past the end: untouched
                assertArrayEquals(expectedInPlace, inPlace, "in place, " + kernels.getClass().getSimpleName());
            }
        }
    }

    /** reluForward, reluBackward, add, each out of place and in place, with a sentinel past the end. */
    private static float[][] run(ElementwiseKernels kernels, int length, float[] x, float[] b, float[] gradY) {
        float[] y = filled(length + 1, 7f);
        kernels.reluForward(length, x, y);
        float[] inPlace = x.clone();
        kernels.reluForward(length, inPlace, inPlace);
        float[] gradX = filled(length + 1, 7f);
        kernels.reluBackward(length, y, gradY, gradX);
        float[] gradInPlace = gradY.clone();
        kernels.reluBackward(length, y, gradInPlace, gradInPlace);
        float[] sum = filled(length + 1, 7f);
        kernels.add(length, x, b, sum);
        float[] sumInPlace = b.clone();
        kernels.add(length, x, sumInPlace, sumInPlace);
        return new float[][] {y, inPlace, gradX, gradInPlace, sum, sumInPlace};
    }

    @Test
    void sgdMatchesTheScalarKernel() {
        SplittableRandom random = new SplittableRandom(22);
        for (int length : LENGTHS) {
            for (boolean nesterov : new boolean[] {false, true}) {
                float[] weight = RandomArrays.uniform(random, length);
                float[] grad = RandomArrays.uniform(random, length);
                float[] velocity = RandomArrays.uniform(random, length);
                float[] w1 = weight.clone();
                float[] v1 = velocity.clone();
                float[] w2 = weight.clone();
                float[] v2 = velocity.clone();
                scalar.sgdUpdate(length, w1, grad, v1, 0.1f, 0.9f, 5e-4f, nesterov);
                simd.sgdUpdate(length, w2, grad, v2, 0.1f, 0.9f, 5e-4f, nesterov);
                String what = "length " + length + " nesterov " + nesterov;
                assertAllClose(what + " weight", w1, w2, 1e-6, 1e-6);
                assertAllClose(what + " velocity", v1, v2, 1e-6, 1e-6);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("org.resnet4j.testing.KernelSets#elementwise")
    void sgdTakesTheHandComputedStep(ElementwiseKernels kernels) {
        // 17 copies so the SIMD kernel runs a full vector and a tail.
        int length = 17;
        // w = 1, grad = 0.5, velocity = 0.2, lr = 0.1, momentum = 0.9, weight decay = 0.01:
        // d = 0.5 + 0.01 * 1 = 0.51; velocity = 0.9 * 0.2 + 0.51 = 0.69.
        // Plain: w = 1 - 0.1 * 0.69 = 0.931. Nesterov: step = 0.51 + 0.9 * 0.69 = 1.131, w = 0.8869.
        float[] w = filled(length, 1f);
        float[] v = filled(length, 0.2f);
        kernels.sgdUpdate(length, w, filled(length, 0.5f), v, 0.1f, 0.9f, 0.01f, false);
        assertArrayEquals(filled(length, 0.931f), w, 1e-6f);
        assertArrayEquals(filled(length, 0.69f), v, 1e-6f);

        w = filled(length, 1f);
        v = filled(length, 0.2f);
        kernels.sgdUpdate(length, w, filled(length, 0.5f), v, 0.1f, 0.9f, 0.01f, true);
        assertArrayEquals(filled(length, 0.8869f), w, 1e-6f);
        assertArrayEquals(filled(length, 0.69f), v, 1e-6f);

        // No momentum, no decay: plain gradient descent, w = 2 - 0.5 * (-1) = 2.5.
        w = filled(length, 2f);
        v = new float[length];
        kernels.sgdUpdate(length, w, filled(length, -1f), v, 0.5f, 0f, 0f, false);
        assertArrayEquals(filled(length, 2.5f), w, 0f);
        assertArrayEquals(filled(length, -1f), v, 0f);
    }

    private static float[] filled(int length, float value) {
        float[] values = new float[length];
        java.util.Arrays.fill(values, value);
        return values;
    }
}
