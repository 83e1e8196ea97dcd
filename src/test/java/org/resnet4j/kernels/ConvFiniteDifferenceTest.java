package org.resnet4j.kernels;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.resnet4j.testing.Approx;
import org.resnet4j.testing.FiniteDifferences;
import org.resnet4j.testing.KernelSets;
import org.resnet4j.testing.RandomArrays;

/**
 * Both convolution implementations against an independent double-precision definition written here in NCHW, and
 * their backward passes against central differences of {@code L = sum(out * R)} for a fixed random {@code R}.
 */
class ConvFiniteDifferenceTest {
    private static final double STEP = 1e-3;

    static Stream<Arguments> cases() {
        ConvGeometry[] shapes = {
                ConvGeometry.square(2, 3, 5, 5, 4, 3, 2, 1),
                ConvGeometry.square(2, 3, 5, 5, 4, 1, 2, 0),
                ConvGeometry.square(2, 3, 5, 5, 4, 3, 1, 1),
                ConvGeometry.square(2, 3, 5, 5, 4, 7, 2, 3),
                new ConvGeometry(1, 2, 6, 4, 3, 2, 3, 2, 1, 0, 1)};
        return Stream.of(shapes).flatMap(g -> KernelSets.convolution()
                .map(k -> Arguments.of(k.getClass().getSimpleName(), k, g)));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("cases")
    void forwardMatchesDefinition(String name, ConvolutionKernels kernels, ConvGeometry g) {
        Problem p = new Problem(g);
        float[] out = new float[g.outputSize()];
        kernels.forward(g, toFloat(nchwToNhwc(p.input, g.batch(), g.inChannels(), g.inHeight(), g.inWidth())),
                toFloat(p.weight), toFloat(p.bias), out);
        double[] expected = nchwToNhwc(forwardNchw(g, p.input, p.weight, p.bias), g.batch(), g.outChannels(),
                g.outHeight(), g.outWidth());
        Approx.assertAllClose(name + " forward " + g, expected, out, 1e-5, 1e-5);
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("cases")
    void backwardDataMatchesFiniteDifferences(String name, ConvolutionKernels kernels, ConvGeometry g) {
        Problem p = new Problem(g);
        double[] numeric = FiniteDifferences.gradient(p.input.clone(),
                x -> FiniteDifferences.dot(forwardNchw(g, x, p.weight, p.bias), p.projection), STEP);
        float[] gradInput = new float[g.inputSize()];
        kernels.backwardData(g, toFloat(nchwToNhwc(p.projection, g.batch(), g.outChannels(), g.outHeight(),
                g.outWidth())), toFloat(p.weight), gradInput);
        Approx.assertAllClose(name + " backwardData " + g,
                nchwToNhwc(numeric, g.batch(), g.inChannels(), g.inHeight(), g.inWidth()), gradInput, 1e-5, 1e-4);
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("cases")
    void backwardWeightsMatchesFiniteDifferences(String name, ConvolutionKernels kernels, ConvGeometry g) {
        Problem p = new Problem(g);
        double[] numericWeight = FiniteDifferences.gradient(p.weight.clone(),
                w -> FiniteDifferences.dot(forwardNchw(g, p.input, w, p.bias), p.projection), STEP);
        double[] numericBias = FiniteDifferences.gradient(p.bias.clone(),
                b -> FiniteDifferences.dot(forwardNchw(g, p.input, p.weight, b), p.projection), STEP);
        float[] gradWeight = new float[g.weightSize()];
        float[] gradBias = new float[g.outChannels()];
        kernels.backwardWeights(g, toFloat(nchwToNhwc(p.input, g.batch(), g.inChannels(), g.inHeight(), g.inWidth())),
                toFloat(nchwToNhwc(p.projection, g.batch(), g.outChannels(), g.outHeight(), g.outWidth())),
                gradWeight, gradBias);
        Approx.assertAllClose(name + " gradWeight " + g, numericWeight, gradWeight, 1e-5, 1e-4);
        Approx.assertAllClose(name + " gradBias " + g, numericBias, gradBias, 1e-5, 1e-4);
    }

    /** Random input, weight, bias and projection R, held in double but exactly representable as floats. */
    private static final class Problem {
        final double[] input;
        final double[] weight;
        final double[] bias;
        final double[] projection;

        Problem(ConvGeometry g) {
            SplittableRandom random = new SplittableRandom(g.hashCode());
            input = Approx.toDouble(RandomArrays.uniform(random, g.inputSize()));
            weight = Approx.toDouble(RandomArrays.uniform(random, g.weightSize()));
            bias = Approx.toDouble(RandomArrays.uniform(random, g.outChannels()));
            projection = Approx.toDouble(RandomArrays.uniform(random, g.outputSize()));
        }
    }

    /** The definition, in NCHW: {@code out[n][co][y][x] = b[co] + sum w[co][ci][i][j] * in[n][ci][y*s+i-p][x*s+j-p]}. */
    static double[] forwardNchw(ConvGeometry g, double[] in, double[] w, double[] b) {
        int oh = g.outHeight();
        int ow = g.outWidth();
        double[] out = new double[g.batch() * g.outChannels() * oh * ow];
        for (int n = 0; n < g.batch(); n++) {
            for (int co = 0; co < g.outChannels(); co++) {
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        double sum = b[co];
                        for (int ci = 0; ci < g.inChannels(); ci++) {
                            for (int i = 0; i < g.kernelHeight(); i++) {
                                for (int j = 0; j < g.kernelWidth(); j++) {
                                    int r = y * g.strideHeight() + i - g.padHeight();
                                    int c = x * g.strideWidth() + j - g.padWidth();
                                    if (r >= 0 && r < g.inHeight() && c >= 0 && c < g.inWidth()) {
                                        sum += w[((co * g.inChannels() + ci) * g.kernelHeight() + i) * g.kernelWidth() + j]
                                                * in[((n * g.inChannels() + ci) * g.inHeight() + r) * g.inWidth() + c];
                                    }
                                }
                            }
                        }
                        out[((n * g.outChannels() + co) * oh + y) * ow + x] = sum;
                    }
                }
            }
        }
        return out;
    }

    static double[] nchwToNhwc(double[] nchw, int n, int c, int h, int w) {
        double[] nhwc = new double[nchw.length];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        nhwc[((i * h + y) * w + x) * c + ch] = nchw[((i * c + ch) * h + y) * w + x];
                    }
                }
            }
        }
        return nhwc;
    }

    static float[] toFloat(double[] values) {
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (float) values[i];
        }
        return result;
    }
}
