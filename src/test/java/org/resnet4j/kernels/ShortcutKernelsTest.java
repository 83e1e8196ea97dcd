package org.resnet4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.resnet4j.kernels.scalar.ScalarShortcut;
import org.resnet4j.kernels.simd.SimdShortcut;
import org.resnet4j.testing.RandomArrays;

/** The option-A shortcut: SIMD against scalar and a hand-checked case (bad channels: {@link CheckedKernelsTest}). */
class ShortcutKernelsTest {
    private final ShortcutKernels scalar = new ScalarShortcut();
    private final ShortcutKernels simd = new SimdShortcut();

    @Test
    void simdMatchesScalarExactly() {
        SplittableRandom random = new SplittableRandom(101);
        int[][] sizes = {{1, 1}, {7, 8}, {8, 7}, {32, 33}, {33, 32}};
        for (int batch : new int[] {1, 3}) {
            for (int inChannels : new int[] {3, 13, 16, 17}) {
                for (int outChannels : new int[] {inChannels, 2 * inChannels, 64}) {
                    for (int[] size : sizes) {
                        for (int stride : new int[] {1, 2}) {
                            compare(random, batch, inChannels, size[0], size[1], outChannels, stride);
                        }
                    }
                }
            }
        }
    }

    private void compare(SplittableRandom random, int batch, int inChannels, int height, int width, int outChannels,
                         int stride) {
        String what = "batch " + batch + " " + inChannels + "->" + outChannels + " " + height + "x" + width
                + " stride " + stride;
        int outSize = batch * ((height + stride - 1) / stride) * ((width + stride - 1) / stride) * outChannels;
        int inSize = batch * height * width * inChannels;
        float[] x = RandomArrays.uniform(random, inSize);
        // Stale values in the outputs must be overwritten.
        float[] y1 = RandomArrays.uniform(random, outSize);
        float[] y2 = RandomArrays.uniform(random, outSize);
        scalar.subsampleZeroPadForward(batch, inChannels, height, width, outChannels, stride, x, y1);
        simd.subsampleZeroPadForward(batch, inChannels, height, width, outChannels, stride, x, y2);
        assertArrayEquals(y1, y2, what + " y");
        float[] gradY = RandomArrays.uniform(random, outSize);
        float[] g1 = RandomArrays.uniform(random, inSize);
        float[] g2 = RandomArrays.uniform(random, inSize);
        scalar.subsampleZeroPadBackward(batch, inChannels, height, width, outChannels, stride, gradY, g1);
        simd.subsampleZeroPadBackward(batch, inChannels, height, width, outChannels, stride, gradY, g2);
        assertArrayEquals(g1, g2, what + " gradX");
    }

    @ParameterizedTest
    @MethodSource("org.resnet4j.testing.KernelSets#shortcut")
    void keepsEvenRowsAndColumnsAndAppendsZeroChannels(ShortcutKernels shortcut) {
        // One 3x3 image of 1 channel, values 1..9; stride 2 keeps (0,0)=1, (0,2)=3, (2,0)=7, (2,2)=9.
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] y = new float[2 * 2 * 2];
        shortcut.subsampleZeroPadForward(1, 1, 3, 3, 2, 2, x, y);
        assertArrayEquals(new float[] {1, 0, 3, 0, 7, 0, 9, 0}, y);
        float[] gradX = new float[9];
        shortcut.subsampleZeroPadBackward(1, 1, 3, 3, 2, 2, new float[] {10, 11, 20, 21, 30, 31, 40, 41}, gradX);
        assertArrayEquals(new float[] {10, 0, 20, 0, 0, 0, 30, 0, 40}, gradX);
    }
}
