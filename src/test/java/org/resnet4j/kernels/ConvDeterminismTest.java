package org.resnet4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.resnet4j.kernels.simd.SimdConvolution;
import org.resnet4j.testing.RandomArrays;

/**
 * The SIMD convolution gives bit-identical results on repeated runs and for any thread count: forward and
 * backward-data compute each output independently, and backward-weights splits its batch reduction into chunks
 * fixed by the shape alone, added in chunk order.
 */
class ConvDeterminismTest {
    private int savedThreads;

    static ConvGeometry[] shapes() {
        return new ConvGeometry[] {
                ConvGeometry.square(20, 64, 8, 8, 64, 3, 1, 1),
                ConvGeometry.square(6, 16, 32, 32, 32, 3, 2, 1),
                ConvGeometry.square(3, 17, 16, 16, 13, 1, 2, 0),
                ConvGeometry.square(1, 3, 64, 64, 16, 7, 2, 3)};
    }

    @BeforeEach
    void saveThreads() {
        savedThreads = Parallel.threads();
    }

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void repeatableAndIndependentOfThreadCount(ConvGeometry g) {
        SplittableRandom random = new SplittableRandom(99);
        float[] input = RandomArrays.uniform(random, g.inputSize());
        float[] weight = RandomArrays.uniform(random, g.weightSize());
        float[] bias = RandomArrays.uniform(random, g.outChannels());
        float[] gradOutput = RandomArrays.uniform(random, g.outputSize());

        Parallel.setThreads(2);
        Results first = run(g, input, weight, bias, gradOutput);
        assertSame(first, run(g, input, weight, bias, gradOutput), g + ", again on 2 threads");
        // The thread count changes how tiles and padded rows are dealt out (per image or in bands), never a sum.
        for (int threads : new int[] {1, 3, 4}) {
            Parallel.setThreads(threads);
            assertSame(first, run(g, input, weight, bias, gradOutput), g + " on " + threads + " threads");
        }
    }

    private static void assertSame(Results expected, Results actual, String where) {
        assertArrayEquals(expected.output, actual.output, "forward " + where);
        assertArrayEquals(expected.gradInput, actual.gradInput, "backwardData " + where);
        assertArrayEquals(expected.gradWeight, actual.gradWeight, "gradWeight " + where);
        assertArrayEquals(expected.gradBias, actual.gradBias, "gradBias " + where);
    }

    private record Results(float[] output, float[] gradInput, float[] gradWeight, float[] gradBias) {
    }

    private static Results run(ConvGeometry g, float[] input, float[] weight, float[] bias, float[] gradOutput) {
        SimdConvolution conv = new SimdConvolution();
        float[] output = new float[g.outputSize()];
        float[] gradInput = new float[g.inputSize()];
        float[] gradWeight = new float[g.weightSize()];
        float[] gradBias = new float[g.outChannels()];
        conv.forward(g, input, weight, bias, output);
        conv.backwardData(g, gradOutput, weight, gradInput);
        conv.backwardWeights(g, input, gradOutput, gradWeight, gradBias);
        return new Results(output, gradInput, gradWeight, gradBias);
    }
}
