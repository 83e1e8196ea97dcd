package org.resnet4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.resnet4j.kernels.scalar.ScalarConvolution;
import org.resnet4j.kernels.simd.SimdConvolution;
import org.resnet4j.testing.Approx;
import org.resnet4j.testing.ConvTestShapes;
import org.resnet4j.testing.RandomArrays;

/** The Vector API convolution against the scalar specification, on shapes chosen to hit every tail. */
class ConvParityTest {
    private static final ScalarConvolution SCALAR = new ScalarConvolution();
    private static final SimdConvolution SIMD = new SimdConvolution();

    static Stream<ConvGeometry> shapes() {
        return ConvTestShapes.parity().stream();
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void forwardMatchesScalar(ConvGeometry g) {
        SplittableRandom random = new SplittableRandom(g.hashCode());
        float[] input = RandomArrays.uniform(random, g.inputSize());
        float[] weight = RandomArrays.uniform(random, g.weightSize());
        float[] bias = RandomArrays.uniform(random, g.outChannels());
        for (float[] b : new float[][] {bias, null}) {
            float[] expected = new float[g.outputSize()];
            float[] actual = RandomArrays.uniform(random, g.outputSize()); // must be overwritten
            SCALAR.forward(g, input, weight, b, expected);
            SIMD.forward(g, input, weight, b, actual);
            int reduction = g.inChannels() * g.kernelHeight() * g.kernelWidth();
            Approx.assertAllClose("forward " + g + (b == null ? " without bias" : ""), expected, actual,
                    tolerance(reduction), 1e-4);
        }
    }

    /** Weights packed once (as a frozen network keeps them) give what packing on every call gives, bit for bit. */
    @ParameterizedTest
    @MethodSource("shapes")
    void forwardOnPrepackedWeightsEqualsForward(ConvGeometry g) {
        SplittableRandom random = new SplittableRandom(g.hashCode() + 7L);
        float[] input = RandomArrays.uniform(random, g.inputSize());
        float[] weight = RandomArrays.uniform(random, g.weightSize());
        float[] bias = RandomArrays.uniform(random, g.outChannels());
        // Packing depends on the channels and kernel only: pack on another batch and image size.
        ConvGeometry other = new ConvGeometry(1, g.inChannels(), g.kernelHeight() + 5, g.kernelWidth() + 5,
                g.outChannels(), g.kernelHeight(), g.kernelWidth(), 1, 1, 0, 0);
        for (ConvolutionKernels kernels : List.of(SCALAR, SIMD)) {
            float[] packed = kernels.packForward(other, weight);
            float[] expected = new float[g.outputSize()];
            float[] actual = RandomArrays.uniform(random, g.outputSize());
            kernels.forward(g, input, weight, bias, expected);
            kernels.forwardPacked(g, input, packed, bias, actual);
            assertArrayEquals(expected, actual,
                    kernels.getClass().getSimpleName() + " " + g);
        }
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void backwardDataMatchesScalar(ConvGeometry g) {
        SplittableRandom random = new SplittableRandom(g.hashCode() + 1L);
        float[] gradOutput = RandomArrays.uniform(random, g.outputSize());
        float[] weight = RandomArrays.uniform(random, g.weightSize());
        float[] expected = new float[g.inputSize()];
        float[] actual = RandomArrays.uniform(random, g.inputSize()); // must be overwritten, zeros included
        SCALAR.backwardData(g, gradOutput, weight, expected);
        SIMD.backwardData(g, gradOutput, weight, actual);
        int reduction = g.outChannels() * g.kernelHeight() * g.kernelWidth();
        Approx.assertAllClose("backwardData " + g, expected, actual, tolerance(reduction), 1e-4);
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void backwardWeightsMatchesScalarAndAccumulates(ConvGeometry g) {
        SplittableRandom random = new SplittableRandom(g.hashCode() + 2L);
        float[] input = RandomArrays.uniform(random, g.inputSize());
        float[] gradOutput = RandomArrays.uniform(random, g.outputSize());
        float[] initialWeight = RandomArrays.uniform(random, g.weightSize());
        float[] initialBias = RandomArrays.uniform(random, g.outChannels());
        float[] expectedWeight = initialWeight.clone();
        float[] expectedBias = initialBias.clone();
        float[] actualWeight = initialWeight.clone();
        float[] actualBias = initialBias.clone();
        SCALAR.backwardWeights(g, input, gradOutput, expectedWeight, expectedBias);
        SIMD.backwardWeights(g, input, gradOutput, actualWeight, actualBias);
        int reduction = g.batch() * g.outHeight() * g.outWidth();
        Approx.assertAllClose("gradWeight " + g, expectedWeight, actualWeight, tolerance(reduction), 1e-4);
        Approx.assertAllClose("gradBias " + g, expectedBias, actualBias, tolerance(reduction), 1e-4);

        float[] withoutBias = initialWeight.clone();
        SIMD.backwardWeights(g, input, gradOutput, withoutBias, null);
        Approx.assertAllClose("gradWeight without gradBias " + g, expectedWeight, withoutBias,
                tolerance(reduction), 1e-4);
    }

    @Test
    void gradientsAccumulateOverCalls() {
        ConvGeometry g = ConvGeometry.square(2, 16, 8, 8, 32, 3, 1, 1);
        SplittableRandom random = new SplittableRandom(7);
        float[] input = RandomArrays.uniform(random, g.inputSize());
        float[] gradOutput = RandomArrays.uniform(random, g.outputSize());
        float[] once = new float[g.weightSize()];
        float[] onceBias = new float[g.outChannels()];
        SIMD.backwardWeights(g, input, gradOutput, once, onceBias);
        float[] twice = new float[g.weightSize()];
        float[] twiceBias = new float[g.outChannels()];
        SIMD.backwardWeights(g, input, gradOutput, twice, twiceBias);
        SIMD.backwardWeights(g, input, gradOutput, twice, twiceBias);
        for (int i = 0; i < once.length; i++) {
            assertEquals(2 * once[i], twice[i], 1e-5 * (1 + Math.abs(once[i])), "gradWeight[" + i + "]");
        }
        for (int i = 0; i < onceBias.length; i++) {
            assertEquals(2 * onceBias[i], twiceBias[i], 1e-5 * (1 + Math.abs(onceBias[i])), "gradBias[" + i + "]");
        }
    }

    /** Rounding error of a float sum of n products of values in [-1, 1] grows about like sqrt(n). */
    private static double tolerance(int reduction) {
        return 2e-5 * Math.sqrt(reduction);
    }
}
