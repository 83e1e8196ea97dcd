package org.resnet4j.kernels;

import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.resnet4j.testing.KernelSets;
import org.resnet4j.testing.TorchFixture;

/**
 * Both kernel sets against PyTorch (src/test/resources/fixtures/kernels, made by
 * src/test/python/make_kernel_fixtures.py): forward outputs and every gradient. The references were computed in
 * float64 from float32 inputs, so the tolerance measures the kernels' own float32 error:
 * {@link TorchFixture#assertClose} with a fixed {@code atol} and {@code rtol}. Fixtures are NCHW; the kernels' NHWC
 * inputs and outputs are converted. The worst error of every tensor is printed
 * (target/surefire-reports/*PyTorchKernelFixturesTest-output.txt).
 */
class PyTorchKernelFixturesTest {
    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;

    /** One fixture file, the kernel set under test named in every comparison. */
    private record Fixture(String name, String kernels, TorchFixture data) {
        static Fixture load(String name, String kernels) throws IOException {
            return new Fixture(name, kernels, TorchFixture.load("fixtures/kernels/" + name + ".safetensors"));
        }

        int[] shape(String tensor) throws IOException {
            return data.shape(tensor);
        }

        int size(String tensor) throws IOException {
            return data.size(tensor);
        }

        /** A tensor as stored: parameters, [N, C] and [N, classes] arrays, vectors. */
        float[] plain(String tensor) throws IOException {
            return data.floats(tensor);
        }

        /** A rank-4 NCHW activation, converted to the kernels' NHWC. */
        float[] nhwc(String tensor) throws IOException {
            return data.nhwc(tensor);
        }

        int[] labels() throws IOException {
            return data.labels();
        }

        boolean contains(String tensor) {
            return data.file().contains(tensor);
        }

        float param(String key) throws IOException {
            return Float.parseFloat(data.metadata(key));
        }

        int intParam(String key) throws IOException {
            return Integer.parseInt(data.metadata(key));
        }

        void checkPlain(String tensor, float[] actual) throws IOException {
            check(tensor, plain(tensor), actual);
        }

        void checkNhwc(String tensor, float[] actualNhwc) throws IOException {
            check(tensor, nhwc(tensor), actualNhwc);
        }

        private void check(String tensor, float[] expected, float[] actual) {
            TorchFixture.assertClose(name + " [" + kernels + "] " + tensor, expected, actual, ATOL, RTOL);
        }
    }

    private static void conv(String kernelSet, String fixtureName) throws IOException {
        Fixture f = Fixture.load(fixtureName, kernelSet);
        ConvolutionKernels conv = KernelSets.named(kernelSet).convolution();
        int[] x = f.shape("x"), w = f.shape("weight");
        int stride = f.intParam("stride"), pad = f.intParam("pad");
        ConvGeometry g = new ConvGeometry(x[0], x[1], x[2], x[3], w[0], w[2], w[3], stride, stride, pad, pad);
        boolean hasBias = f.contains("bias");
        float[] input = f.nhwc("x"), weight = f.plain("weight"), gradOut = f.nhwc("grad_out");

        float[] out = new float[g.outputSize()];
        conv.forward(g, input, weight, hasBias ? f.plain("bias") : null, out);
        f.checkNhwc("out", out);

        float[] gradX = new float[g.inputSize()];
        conv.backwardData(g, gradOut, weight, gradX);
        f.checkNhwc("grad_x", gradX);

        float[] gradWeight = new float[g.weightSize()];
        float[] gradBias = hasBias ? new float[g.outChannels()] : null;
        conv.backwardWeights(g, input, gradOut, gradWeight, gradBias);
        f.checkPlain("grad_weight", gradWeight);
        if (hasBias) {
            f.checkPlain("grad_bias", gradBias);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"scalar", "simd"})
    void conv3x3Stride1Pad1WithBias(String kernels) throws IOException {
        conv(kernels, "conv_3x3_s1_p1");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"scalar", "simd"})
    void conv1x1Stride2(String kernels) throws IOException {
        conv(kernels, "conv_1x1_s2_p0");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"scalar", "simd"})
    void conv7x7Stride2Pad3(String kernels) throws IOException {
        conv(kernels, "conv_7x7_s2_p3");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"scalar", "simd"})
    void batchNormTraining(String kernelSet) throws IOException {
        Fixture f = Fixture.load("batchnorm_training", kernelSet);
        BatchNormKernels bn = KernelSets.named(kernelSet).batchNorm();
        int[] x = f.shape("x");
        int channels = x[1], rows = x[0] * x[2] * x[3];
        float[] input = f.nhwc("x"), gamma = f.plain("weight"), beta = f.plain("bias");
        float[] runningMean = f.plain("running_mean"), runningVar = f.plain("running_var");
        float[] y = new float[input.length], saveMean = new float[channels], saveInvStd = new float[channels];

        bn.forwardTraining(rows, channels, input, gamma, beta, f.param("eps"), f.param("momentum"), runningMean,
                runningVar, y, saveMean, saveInvStd);
        f.checkNhwc("out", y);
        f.checkPlain("save_mean", saveMean);
        f.checkPlain("save_invstd", saveInvStd);
        f.checkPlain("running_mean_after", runningMean);
        f.checkPlain("running_var_after", runningVar);

        float[] gradX = new float[input.length], gradGamma = new float[channels], gradBeta = new float[channels];
        bn.backward(rows, channels, input, f.nhwc("grad_out"), gamma, saveMean, saveInvStd, gradX, gradGamma,
                gradBeta);
        f.checkNhwc("grad_x", gradX);
        f.checkPlain("grad_weight", gradGamma);
        f.checkPlain("grad_bias", gradBeta);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"scalar", "simd"})
    void batchNormInference(String kernelSet) throws IOException {
        Fixture f = Fixture.load("batchnorm_eval", kernelSet);
        int[] x = f.shape("x");
        float[] input = f.nhwc("x"), y = new float[input.length];
        KernelSets.named(kernelSet).batchNorm().forwardInference(x[0] * x[2] * x[3], x[1], input, f.plain("weight"),
                f.plain("bias"), f.plain("running_mean"), f.plain("running_var"), f.param("eps"), y);
        f.checkNhwc("out", y);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"scalar", "simd"})
    void maxPool3x3Stride2Pad1(String kernelSet) throws IOException {
        Fixture f = Fixture.load("maxpool_3x3_s2_p1", kernelSet);
        PoolingKernels pooling = KernelSets.named(kernelSet).pooling();
        int[] x = f.shape("x");
        PoolGeometry g = new PoolGeometry(x[0], x[1], x[2], x[3], f.intParam("window"), f.intParam("stride"),
                f.intParam("pad"));
        float[] y = new float[g.outputSize()];
        int[] argmax = new int[g.outputSize()];
        pooling.maxPoolForward(g, f.nhwc("x"), y, argmax);
        f.checkNhwc("out", y);

        float[] gradX = new float[g.inputSize()];
        pooling.maxPoolBackward(g, f.nhwc("grad_out"), argmax, gradX);
        f.checkNhwc("grad_x", gradX);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"scalar", "simd"})
    void globalAveragePool(String kernelSet) throws IOException {
        Fixture f = Fixture.load("global_avgpool", kernelSet);
        PoolingKernels pooling = KernelSets.named(kernelSet).pooling();
        int[] x = f.shape("x");
        int batch = x[0], channels = x[1], plane = x[2] * x[3];
        float[] y = new float[batch * channels];
        pooling.globalAvgPoolForward(batch, plane, channels, f.nhwc("x"), y);
        f.checkPlain("out", y);

        float[] gradX = new float[f.size("x")];
        pooling.globalAvgPoolBackward(batch, plane, channels, f.plain("grad_out"), gradX);
        f.checkNhwc("grad_x", gradX);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"scalar", "simd"})
    void linear(String kernelSet) throws IOException {
        Fixture f = Fixture.load("linear", kernelSet);
        LinearKernels linear = KernelSets.named(kernelSet).linear();
        int[] w = f.shape("weight");
        int batch = f.shape("x")[0], out = w[0], in = w[1];
        float[] x = f.plain("x"), weight = f.plain("weight");
        float[] y = new float[batch * out];
        linear.forward(batch, in, out, x, weight, f.plain("bias"), y);
        f.checkPlain("out", y);

        float[] gradX = new float[batch * in], gradWeight = new float[out * in], gradBias = new float[out];
        linear.backward(batch, in, out, x, weight, f.plain("grad_out"), gradX, gradWeight, gradBias);
        f.checkPlain("grad_x", gradX);
        f.checkPlain("grad_weight", gradWeight);
        f.checkPlain("grad_bias", gradBias);
    }

    private static void crossEntropy(String kernelSet, String fixtureName) throws IOException {
        Fixture f = Fixture.load(fixtureName, kernelSet);
        LossKernels loss = KernelSets.named(kernelSet).loss();
        int[] shape = f.shape("logits");
        int batch = shape[0], classes = shape[1];
        int[] labels = f.labels();
        float smoothing = f.param("label_smoothing");
        float[] probs = new float[batch * classes];
        double value = loss.softmaxCrossEntropyForward(batch, classes, f.plain("logits"), labels, smoothing, probs);
        f.checkPlain("loss", new float[] {(float) value});
        f.checkPlain("probs", probs);

        float[] gradLogits = new float[batch * classes];
        loss.softmaxCrossEntropyBackward(batch, classes, probs, labels, smoothing, gradLogits);
        f.checkPlain("grad_logits", gradLogits);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"scalar", "simd"})
    void crossEntropy(String kernels) throws IOException {
        crossEntropy(kernels, "cross_entropy");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"scalar", "simd"})
    void crossEntropyWithLabelSmoothing(String kernels) throws IOException {
        crossEntropy(kernels, "cross_entropy_smoothing");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"scalar", "simd"})
    void optionAShortcut(String kernelSet) throws IOException {
        Fixture f = Fixture.load("shortcut_option_a", kernelSet);
        ShortcutKernels shortcut = KernelSets.named(kernelSet).shortcut();
        int[] x = f.shape("x");
        int stride = f.intParam("stride"), outChannels = f.intParam("out_channels");
        float[] y = new float[f.size("out")];
        shortcut.subsampleZeroPadForward(x[0], x[1], x[2], x[3], outChannels, stride, f.nhwc("x"), y);
        f.checkNhwc("out", y);

        float[] gradX = new float[f.size("x")];
        shortcut.subsampleZeroPadBackward(x[0], x[1], x[2], x[3], outChannels, stride, f.nhwc("grad_out"), gradX);
        f.checkNhwc("grad_x", gradX);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"scalar", "simd"})
    void sgdWithMomentumAndWeightDecay(String kernelSet) throws IOException {
        Fixture f = Fixture.load("sgd", kernelSet);
        ElementwiseKernels elementwise = KernelSets.named(kernelSet).elementwise();
        for (boolean nesterov : new boolean[] {false, true}) {
            float[] weight = f.plain("weight"), velocity = f.plain("velocity");
            elementwise.sgdUpdate(weight.length, weight, f.plain("grad"), velocity, f.param("lr"),
                    f.param("momentum"), f.param("weight_decay"), nesterov);
            String suffix = nesterov ? "_nesterov" : "";
            f.checkPlain("weight_after" + suffix, weight);
            f.checkPlain("velocity_after" + suffix, velocity);
        }
    }
}
