package org.resnet4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.resnet4j.testing.Approx.assertAllClose;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.resnet4j.kernels.scalar.ScalarPooling;
import org.resnet4j.kernels.simd.SimdPooling;
import org.resnet4j.testing.RandomArrays;

/** SIMD pooling against the scalar reference on shapes that hit the tails, plus ties and padding. */
class PoolingKernelsTest {
    private final PoolingKernels scalar = new ScalarPooling();
    private final PoolingKernels simd = new SimdPooling();

    @Test
    void maxPoolMatchesTheScalarKernelExactly() {
        SplittableRandom random = new SplittableRandom(41);
        int[][] sizes = {{1, 1}, {7, 8}, {8, 7}, {32, 33}, {33, 32}};
        for (int batch : new int[] {1, 3}) {
            for (int channels : new int[] {3, 13, 16, 17, 64}) {
                for (int[] size : sizes) {
                    for (int window : new int[] {2, 3}) {
                        for (int stride : new int[] {1, 2}) {
                            for (int pad : new int[] {0, 1}) {
                                if (size[0] + 2 * pad < window || size[1] + 2 * pad < window) {
                                    continue;
                                }
                                // Big shapes only as the stem uses them (3x3, stride 2, pad 1), to keep the test quick.
                                if (size[0] > 8 && (window != 3 || stride != 2 || pad != 1)) {
                                    continue;
                                }
                                compareMaxPool(random, new PoolGeometry(batch, channels, size[0], size[1], window,
                                        stride, pad));
                            }
                        }
                    }
                }
            }
        }
        // A stem-like shape big enough for several parallel tasks.
        compareMaxPool(random, new PoolGeometry(2, 64, 40, 40, 3, 2, 1));
    }

    private void compareMaxPool(SplittableRandom random, PoolGeometry g) {
        String what = g.toString();
        float[] x = RandomArrays.uniform(random, g.inputSize());
        float[] gradY = RandomArrays.uniform(random, g.outputSize());
        float[] y1 = new float[g.outputSize()];
        float[] y2 = new float[g.outputSize()];
        int[] a1 = new int[g.outputSize()];
        int[] a2 = new int[g.outputSize()];
        scalar.maxPoolForward(g, x, y1, a1);
        simd.maxPoolForward(g, x, y2, a2);
        assertArrayEquals(y1, y2, what + " y");
        assertArrayEquals(a1, a2, what + " argmax");
        // Stale values in gradX must be overwritten.
        float[] g1 = RandomArrays.uniform(random, g.inputSize());
        float[] g2 = RandomArrays.uniform(random, g.inputSize());
        scalar.maxPoolBackward(g, gradY, a1, g1);
        simd.maxPoolBackward(g, gradY, a1, g2);
        // The SIMD gather adds in the scalar scatter's order, so the sums are bit for bit the same.
        assertArrayEquals(g1, g2, what + " gradX");
    }

    @ParameterizedTest
    @MethodSource("org.resnet4j.testing.KernelSets#pooling")
    void tiesPickTheFirstInWindowOrderAndPaddingNeverWins(PoolingKernels pooling) {
        // A constant image of -5: every window ties, padding (minus infinity) must not win.
        PoolGeometry g = new PoolGeometry(1, 17, 4, 4, 3, 2, 1);
        float[] x = new float[g.inputSize()];
        java.util.Arrays.fill(x, -5f);
        float[] y = new float[g.outputSize()];
        int[] argmax = new int[g.outputSize()];
        pooling.maxPoolForward(g, x, y, argmax);
        for (int oh = 0; oh < 2; oh++) {
            for (int ow = 0; ow < 2; ow++) {
                for (int c = 0; c < 17; c++) {
                    int out = (oh * 2 + ow) * 17 + c;
                    assertEquals(-5f, y[out]);
                    // The window's first in-image element: row max(0, 2*oh - 1), column max(0, 2*ow - 1).
                    int expected = (Math.max(0, 2 * oh - 1) * 4 + Math.max(0, 2 * ow - 1)) * 17 + c;
                    assertEquals(expected, argmax[out], "output (" + oh + "," + ow + "," + c + ")");
                }
            }
        }
        // An all minus-infinity input still names a real element.
        java.util.Arrays.fill(x, Float.NEGATIVE_INFINITY);
        pooling.maxPoolForward(g, x, y, argmax);
        assertEquals(0, argmax[0]);
        assertEquals(Float.NEGATIVE_INFINITY, y[0]);
    }

    @Test
    void globalAveragePoolMatchesTheScalarKernel() {
        SplittableRandom random = new SplittableRandom(42);
        int[][] shapes = {{1, 1, 3}, {1, 49, 13}, {3, 64, 16}, {3, 1, 17}, {2, 64, 64}, {3, 49, 2048}, {16, 64, 64}};
        for (int[] s : shapes) {
            int batch = s[0];
            int plane = s[1];
            int channels = s[2];
            String what = "batch " + batch + " plane " + plane + " channels " + channels;
            float[] x = RandomArrays.uniform(random, batch * plane * channels);
            float[] gradY = RandomArrays.uniform(random, batch * channels);
            float[] y1 = new float[batch * channels];
            float[] y2 = new float[batch * channels];
            scalar.globalAvgPoolForward(batch, plane, channels, x, y1);
            simd.globalAvgPoolForward(batch, plane, channels, x, y2);
            assertAllClose(what + " y", y1, y2, 1e-6, 1e-5);
            float[] g1 = RandomArrays.uniform(random, batch * plane * channels);
            float[] g2 = RandomArrays.uniform(random, batch * plane * channels);
            scalar.globalAvgPoolBackward(batch, plane, channels, gradY, g1);
            simd.globalAvgPoolBackward(batch, plane, channels, gradY, g2);
            assertArrayEquals(g1, g2, what + " gradX");
        }
    }
}
