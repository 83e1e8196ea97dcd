package org.resnet4j.kernels;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.resnet4j.testing.Approx;
import org.resnet4j.testing.RandomArrays;

/**
 * The Vector API convolution against the scalar one on random small geometries: rectangular kernels 1 to 5, strides 1
 * to 4 (also larger than the kernel), padding 0 to 3 (also as large as the kernel), sizes 1 to 12, channels 1 to 40.
 * It found backward-data reading gradOutput in place on a 2x2 stride-2 convolution of an odd height.
 */
class ConvRandomShapeParityTest {
    @Test
    void randomGeometriesMatchScalar() {
        Kernels scalar = KernelProvider.scalar();
        ConvolutionKernels s = scalar.convolution();
        ConvolutionKernels v = KernelProvider.simd().convolution();
        SplittableRandom random = new SplittableRandom(20261201L);
        int done = 0;
        while (done < 800) {
            int kh = 1 + random.nextInt(5), kw = 1 + random.nextInt(5);
            int sh = 1 + random.nextInt(4), sw = 1 + random.nextInt(4);
            int ph = random.nextInt(4), pw = random.nextInt(4);
            int h = 1 + random.nextInt(12), w = 1 + random.nextInt(12);
            if (h + 2 * ph < kh || w + 2 * pw < kw) {
                continue;
            }
            int cin = 1 + random.nextInt(40), cout = 1 + random.nextInt(40);
            ConvGeometry g = new ConvGeometry(1 + random.nextInt(3), cin, h, w, cout, kh, kw, sh, sw, ph, pw);
            done++;
            float[] input = RandomArrays.uniform(random, g.inputSize());
            float[] weight = RandomArrays.uniform(random, g.weightSize());
            float[] bias = RandomArrays.uniform(random, g.outChannels());
            float[] gradOutput = RandomArrays.uniform(random, g.outputSize());
            float[] e = new float[g.outputSize()];
            float[] a = RandomArrays.uniform(random, g.outputSize());
            s.forward(g, input, weight, bias, e);
            naming("forward " + g, () -> v.forward(g, input, weight, bias, a));
            Approx.assertAllClose("forward " + g, e, a, 1e-4, 1e-4);
            float[] ed = new float[g.inputSize()];
            float[] ad = RandomArrays.uniform(random, g.inputSize());
            s.backwardData(g, gradOutput, weight, ed);
            naming("backwardData " + g, () -> v.backwardData(g, gradOutput, weight, ad));
            Approx.assertAllClose("backwardData " + g, ed, ad, 1e-4, 1e-4);
            float[] ew = new float[g.weightSize()];
            float[] aw = new float[g.weightSize()];
            float[] eb = new float[cout];
            float[] ab = new float[cout];
            s.backwardWeights(g, input, gradOutput, ew, eb);
            naming("backwardWeights " + g, () -> v.backwardWeights(g, input, gradOutput, aw, ab));
            Approx.assertAllClose("gradWeight " + g, ew, aw, 1e-4, 1e-4);
            Approx.assertAllClose("gradBias " + g, eb, ab, 1e-4, 1e-4);
        }
    }

    /** Runs a SIMD call, naming the pass and geometry when it throws (an out-of-bounds read says neither). */
    private static void naming(String what, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException x) {
            throw new AssertionError(what, x);
        }
    }
}
