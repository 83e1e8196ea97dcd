package org.resnet4j.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.resnet4j.testing.Approx;
import org.resnet4j.testing.RandomArrays;

/**
 * The Vector API kernels against the scalar ones, through the checked facade, on the shapes of an audit: batch 1,
 * sizes 1x1, 3x3 and 5x7, odd inputs at stride 2, channels 1, 3, 5, 17, 33, 65 and 129 (no multiple of 8 or 16), and
 * 512 or 2048 channels on small images.
 */
class ConvEdgeShapeParityTest {
    private static final Kernels SCALAR = KernelProvider.scalar();
    private static final Kernels SIMD = KernelProvider.simd();

    static Stream<ConvGeometry> shapes() {
        List<ConvGeometry> shapes = new ArrayList<>();
        int[][] sizes = {{1, 1}, {3, 3}, {5, 7}, {7, 5}};
        int[][] kernels = {{1, 1, 0}, {1, 1, 1}, {1, 2, 0}, {3, 1, 0}, {3, 1, 1}, {3, 2, 1}, {3, 2, 0}, {7, 2, 3}};
        int[] channels = {1, 3, 5, 17, 33, 65, 129};
        SplittableRandom random = new SplittableRandom(20261201);
        for (int[] k : kernels) {
            for (int[] s : sizes) {
                if (s[0] + 2 * k[2] < k[0] || s[1] + 2 * k[2] < k[0]) {
                    continue;
                }
                for (int i = 0; i < 3; i++) {
                    int cin = channels[random.nextInt(channels.length)];
                    int cout = channels[random.nextInt(channels.length)];
                    shapes.add(new ConvGeometry(1 + random.nextInt(2) * random.nextInt(3), cin, s[0], s[1], cout,
                            k[0], k[0], k[1], k[1], k[2], k[2]));
                }
            }
        }
        shapes.add(ConvGeometry.square(1, 512, 1, 1, 512, 3, 1, 1));
        shapes.add(ConvGeometry.square(1, 512, 3, 3, 512, 3, 1, 1));
        shapes.add(ConvGeometry.square(2, 2048, 1, 1, 512, 1, 1, 0));
        shapes.add(ConvGeometry.square(1, 512, 3, 3, 2048, 1, 1, 0));
        shapes.add(ConvGeometry.square(1, 1024, 5, 5, 2048, 1, 2, 0));
        shapes.add(ConvGeometry.square(1, 3, 5, 7, 64, 7, 2, 3));
        shapes.add(ConvGeometry.square(1, 3, 9, 9, 64, 7, 2, 3));
        shapes.add(ConvGeometry.square(1, 129, 3, 3, 33, 3, 2, 1));
        // Kernel no larger than the stride, without padding, and input rows past the last window (odd height for
        // 2x2 stride 2): backward-data read gradOutput in place but its phase grid has a row more than gradOutput.
        shapes.add(ConvGeometry.square(2, 16, 7, 8, 16, 2, 2, 0));
        shapes.add(ConvGeometry.square(1, 3, 5, 5, 17, 2, 2, 0));
        shapes.add(new ConvGeometry(2, 18, 7, 8, 14, 3, 2, 3, 3, 0, 2));
        shapes.add(ConvGeometry.square(3, 5, 7, 7, 33, 3, 3, 0));
        return shapes.stream();
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void convolutionPassesMatchScalar(ConvGeometry g) {
        SplittableRandom random = new SplittableRandom(g.hashCode());
        float[] input = RandomArrays.uniform(random, g.inputSize());
        float[] weight = RandomArrays.uniform(random, g.weightSize());
        float[] bias = RandomArrays.uniform(random, g.outChannels());
        float[] gradOutput = RandomArrays.uniform(random, g.outputSize());
        float[] expected = new float[g.outputSize()];
        float[] actual = RandomArrays.uniform(random, g.outputSize());
        SCALAR.convolution().forward(g, input, weight, bias, expected);
        SIMD.convolution().forward(g, input, weight, bias, actual);
        Approx.assertAllClose("forward " + g, expected, actual, tol(g.inChannels() * g.kernelHeight() * g.kernelWidth()), 1e-4);
        float[] packed = SIMD.convolution().packForward(g, weight);
        float[] fromPacked = RandomArrays.uniform(random, g.outputSize());
        SIMD.convolution().forwardPacked(g, input, packed, null, fromPacked);
        SCALAR.convolution().forward(g, input, weight, null, expected);
        Approx.assertAllClose("forwardPacked " + g, expected, fromPacked, tol(g.inChannels() * g.kernelHeight() * g.kernelWidth()), 1e-4);

        float[] expectedData = new float[g.inputSize()];
        float[] actualData = RandomArrays.uniform(random, g.inputSize());
        SCALAR.convolution().backwardData(g, gradOutput, weight, expectedData);
        SIMD.convolution().backwardData(g, gradOutput, weight, actualData);
        Approx.assertAllClose("backwardData " + g, expectedData, actualData, tol(g.outChannels() * g.kernelHeight() * g.kernelWidth()), 1e-4);

        float[] start = RandomArrays.uniform(random, g.weightSize());
        float[] startBias = RandomArrays.uniform(random, g.outChannels());
        float[] expectedWeight = start.clone();
        float[] actualWeight = start.clone();
        float[] expectedBias = startBias.clone();
        float[] actualBias = startBias.clone();
        SCALAR.convolution().backwardWeights(g, input, gradOutput, expectedWeight, expectedBias);
        SIMD.convolution().backwardWeights(g, input, gradOutput, actualWeight, actualBias);
        int reduction = g.batch() * g.outHeight() * g.outWidth();
        Approx.assertAllClose("gradWeight " + g, expectedWeight, actualWeight, tol(reduction), 1e-4);
        Approx.assertAllClose("gradBias " + g, expectedBias, actualBias, tol(reduction), 1e-4);
    }

    private static double tol(int reduction) {
        return 2e-5 * Math.sqrt(reduction);
    }
}
