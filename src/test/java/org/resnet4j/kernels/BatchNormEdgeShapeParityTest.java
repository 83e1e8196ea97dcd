package org.resnet4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.resnet4j.testing.Approx;
import org.resnet4j.testing.RandomArrays;

/**
 * The non-convolution Vector API kernels against the scalar ones at channel counts that are no multiple of 8 or 16
 * (1, 3, 5, 17, 33, 65, 129) and at 512 and 2048 channels on few rows (ResNet-50's last stage on a small image).
 */
class BatchNormEdgeShapeParityTest {
    private static final Kernels SCALAR = KernelProvider.scalar();
    private static final Kernels SIMD = KernelProvider.simd();

    static IntStream channels() {
        return IntStream.of(1, 3, 5, 17, 33, 65, 129, 512, 2048);
    }

    @ParameterizedTest
    @MethodSource("channels")
    void batchNormMatchesScalar(int c) {
        SplittableRandom random = new SplittableRandom(c);
        for (int rows : new int[] {2, 3, 9, 35, c >= 512 ? 49 : 1225}) {
            String what = rows + " rows x " + c;
            float[] x = RandomArrays.uniform(random, rows * c, -2f, 3f);
            float[] gamma = RandomArrays.uniform(random, c);
            float[] beta = RandomArrays.uniform(random, c);
            float[] gradY = RandomArrays.uniform(random, rows * c);
            float[] mean0 = RandomArrays.uniform(random, c);
            float[] var0 = RandomArrays.uniform(random, c, 0.5f, 2f);
            float[][] e = run(SCALAR, rows, c, x, gamma, beta, gradY, mean0, var0);
            float[][] a = run(SIMD, rows, c, x, gamma, beta, gradY, mean0, var0);
            String[] names = {"y", "saveMean", "saveInvStd", "runningMean", "runningVar", "gradX", "gradGamma",
                    "gradBeta", "yInference", "yRelu", "gradXRelu", "gradGammaRelu", "gradBetaRelu", "yInferenceRelu"};
            for (int i = 0; i < names.length; i++) {
                Approx.assertAllClose(names[i] + " " + what, e[i], a[i], 1e-4 * Math.sqrt(rows), 1e-4);
            }
        }
    }

    private static float[][] run(Kernels k, int rows, int c, float[] x, float[] gamma, float[] beta, float[] gradY,
                                 float[] mean0, float[] var0) {
        BatchNormKernels bn = k.batchNorm();
        float[] y = new float[rows * c];
        float[] saveMean = new float[c];
        float[] saveInvStd = new float[c];
        float[] runningMean = mean0.clone();
        float[] runningVar = var0.clone();
        bn.forwardTraining(rows, c, x, gamma, beta, 1e-5f, 0.1f, runningMean, runningVar, y, saveMean, saveInvStd);
        float[] gradX = new float[rows * c];
        float[] gradGamma = RandomArrays.uniform(new SplittableRandom(5), c);
        float[] gradBeta = gradGamma.clone();
        bn.backward(rows, c, x, gradY, gamma, saveMean, saveInvStd, gradX, gradGamma, gradBeta);
        float[] yInference = new float[rows * c];
        bn.forwardInference(rows, c, x, gamma, beta, mean0, var0, 1e-5f, yInference);
        float[] yRelu = new float[rows * c];
        float[] m2 = mean0.clone();
        float[] v2 = var0.clone();
        float[] sm2 = new float[c];
        float[] si2 = new float[c];
        bn.forwardTrainingRelu(rows, c, x, gamma, beta, 1e-5f, 0.1f, m2, v2, yRelu, sm2, si2);
        float[] gradXRelu = new float[rows * c];
        float[] gradGammaRelu = RandomArrays.uniform(new SplittableRandom(6), c);
        float[] gradBetaRelu = gradGammaRelu.clone();
        bn.backwardRelu(rows, c, x, yRelu, gradY, gamma, beta, sm2, si2, gradXRelu, gradGammaRelu, gradBetaRelu);
        float[] yInferenceRelu = new float[rows * c];
        bn.forwardInferenceRelu(rows, c, x, gamma, beta, mean0, var0, 1e-5f, yInferenceRelu);
        return new float[][] {y, saveMean, saveInvStd, runningMean, runningVar, gradX, gradGamma, gradBeta,
                yInference, yRelu, gradXRelu, gradGammaRelu, gradBetaRelu, yInferenceRelu};
    }

    @ParameterizedTest
    @MethodSource("channels")
    void poolingLinearShortcutElementwiseAndLossMatchScalar(int c) {
        SplittableRandom random = new SplittableRandom(100 + c);
        for (int[] size : new int[][] {{1, 1}, {3, 3}, {5, 7}, {7, 5}}) {
            int batch = 1 + random.nextInt(3);
            int plane = size[0] * size[1];
            String what = batch + "x" + size[0] + "x" + size[1] + "x" + c;
            float[] x = RandomArrays.uniform(random, batch * plane * c);
            float[] ye = new float[batch * c];
            float[] ya = RandomArrays.uniform(random, batch * c);
            SCALAR.pooling().globalAvgPoolForward(batch, plane, c, x, ye);
            SIMD.pooling().globalAvgPoolForward(batch, plane, c, x, ya);
            Approx.assertAllClose("avg pool " + what, ye, ya, 1e-6, 1e-5);
            float[] gy = RandomArrays.uniform(random, batch * c);
            float[] ge = new float[x.length];
            float[] ga = RandomArrays.uniform(random, x.length);
            SCALAR.pooling().globalAvgPoolBackward(batch, plane, c, gy, ge);
            SIMD.pooling().globalAvgPoolBackward(batch, plane, c, gy, ga);
            Approx.assertAllClose("avg pool backward " + what, ge, ga, 1e-6, 1e-5);
            for (int[] w : new int[][] {{3, 2, 1}, {2, 2, 0}, {3, 1, 1}, {1, 2, 0}}) {
                if (size[0] + 2 * w[2] < w[0] || size[1] + 2 * w[2] < w[0]) {
                    continue;
                }
                PoolGeometry pg = new PoolGeometry(batch, c, size[0], size[1], w[0], w[1], w[2]);
                float[] pe = new float[pg.outputSize()];
                float[] pa = RandomArrays.uniform(random, pg.outputSize());
                int[] ae = new int[pg.outputSize()];
                int[] aa = new int[pg.outputSize()];
                SCALAR.pooling().maxPoolForward(pg, x, pe, ae);
                SIMD.pooling().maxPoolForward(pg, x, pa, aa);
                assertArrayEquals(pe, pa, "max pool " + pg);
                assertArrayEquals(ae, aa, "max pool argmax " + pg);
                float[] g = RandomArrays.uniform(random, pg.outputSize());
                float[] be = new float[x.length];
                float[] ba = RandomArrays.uniform(random, x.length);
                SCALAR.pooling().maxPoolBackward(pg, g, ae, be);
                SIMD.pooling().maxPoolBackward(pg, g, aa, ba);
                assertArrayEquals(be, ba, "max pool backward " + pg);
            }
            for (int out : new int[] {c, 2 * c, c + 1, 4 * c}) {
                for (int stride : new int[] {1, 2}) {
                    int oh = (size[0] + stride - 1) / stride;
                    int ow = (size[1] + stride - 1) / stride;
                    float[] se = new float[batch * oh * ow * out];
                    float[] sa = RandomArrays.uniform(random, se.length);
                    SCALAR.shortcut().subsampleZeroPadForward(batch, c, size[0], size[1], out, stride, x, se);
                    SIMD.shortcut().subsampleZeroPadForward(batch, c, size[0], size[1], out, stride, x, sa);
                    assertArrayEquals(se, sa, "shortcut " + what + "->" + out + " s" + stride);
                    float[] sg = RandomArrays.uniform(random, se.length);
                    float[] sbe = new float[x.length];
                    float[] sba = RandomArrays.uniform(random, x.length);
                    SCALAR.shortcut().subsampleZeroPadBackward(batch, c, size[0], size[1], out, stride, sg, sbe);
                    SIMD.shortcut().subsampleZeroPadBackward(batch, c, size[0], size[1], out, stride, sg, sba);
                    assertArrayEquals(sbe, sba, "shortcut backward " + what + "->" + out + " s" + stride);
                }
            }
            float[] b = RandomArrays.uniform(random, x.length);
            float[][] el = new float[2][];
            for (int i = 0; i < 2; i++) {
                ElementwiseKernels k = (i == 0 ? SCALAR : SIMD).elementwise();
                float[] r = new float[x.length];
                k.reluForward(x.length, x, r);
                float[] rb = new float[x.length];
                k.reluBackward(x.length, r, b, rb);
                float[] s = new float[x.length];
                k.add(x.length, x, b, s);
                float[] sr = new float[x.length];
                k.addRelu(x.length, x, b, sr);
                float[] wt = x.clone();
                float[] vel = b.clone();
                k.sgdUpdate(x.length, wt, b, vel, 0.1f, 0.9f, 5e-4f, false);
                float[] wn = x.clone();
                float[] vn = b.clone();
                k.sgdUpdate(x.length, wn, b, vn, 0.1f, 0.9f, 5e-4f, true);
                el[i] = concat(r, rb, s, sr, wt, vel, wn, vn);
            }
            Approx.assertAllClose("elementwise " + what, el[0], el[1], 1e-6, 1e-6);
        }
        // Linear and loss: batch x c features to a few out sizes, and c classes.
        for (int batch : new int[] {1, 3}) {
            for (int out : new int[] {1, 10, 17, 1000}) {
                if ((long) c * out > 600_000) {
                    continue;
                }
                String what = "linear " + batch + "x" + c + "->" + out;
                float[] x = RandomArrays.uniform(random, batch * c);
                float[] w = RandomArrays.uniform(random, out * c);
                float[] bias = RandomArrays.uniform(random, out);
                float[] ye = new float[batch * out];
                float[] ya = RandomArrays.uniform(random, batch * out);
                SCALAR.linear().forward(batch, c, out, x, w, bias, ye);
                SIMD.linear().forward(batch, c, out, x, w, bias, ya);
                Approx.assertAllClose(what, ye, ya, 2e-5 * Math.sqrt(c), 1e-4);
                float[] gy = RandomArrays.uniform(random, batch * out);
                float[] gxe = new float[batch * c];
                float[] gxa = RandomArrays.uniform(random, batch * c);
                float[] gw0 = RandomArrays.uniform(random, out * c);
                float[] gb0 = RandomArrays.uniform(random, out);
                float[] gwe = gw0.clone();
                float[] gwa = gw0.clone();
                float[] gbe = gb0.clone();
                float[] gba = gb0.clone();
                SCALAR.linear().backward(batch, c, out, x, w, gy, gxe, gwe, gbe);
                SIMD.linear().backward(batch, c, out, x, w, gy, gxa, gwa, gba);
                Approx.assertAllClose(what + " gradX", gxe, gxa, 2e-5 * Math.sqrt(out), 1e-4);
                Approx.assertAllClose(what + " gradW", gwe, gwa, 2e-5 * Math.sqrt(batch), 1e-4);
                Approx.assertAllClose(what + " gradB", gbe, gba, 2e-5 * Math.sqrt(batch), 1e-4);
            }
            if (c >= 2) {
                float[] logits = RandomArrays.uniform(random, batch * c, -5f, 5f);
                int[] labels = RandomArrays.labels(random, batch, c);
                for (float smoothing : new float[] {0f, 0.1f}) {
                    float[] pe = new float[batch * c];
                    float[] pa = new float[batch * c];
                    double le = SCALAR.loss().softmaxCrossEntropyForward(batch, c, logits, labels, smoothing, pe);
                    double la = SIMD.loss().softmaxCrossEntropyForward(batch, c, logits, labels, smoothing, pa);
                    assertEquals(le, la, 1e-5 * (1 + Math.abs(le)), "loss " + batch + "x" + c);
                    Approx.assertAllClose("probs " + batch + "x" + c, pe, pa, 1e-6, 1e-5);
                    float[] ge = new float[batch * c];
                    float[] ga = RandomArrays.uniform(random, batch * c);
                    SCALAR.loss().softmaxCrossEntropyBackward(batch, c, pe, labels, smoothing, ge);
                    SIMD.loss().softmaxCrossEntropyBackward(batch, c, pe, labels, smoothing, ga);
                    Approx.assertAllClose("loss grad " + batch + "x" + c, ge, ga, 1e-7, 1e-5);
                }
            }
        }
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
