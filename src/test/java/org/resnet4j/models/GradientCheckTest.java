package org.resnet4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.resnet4j.testing.Approx.assertAllClose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.resnet4j.kernels.KernelProvider;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.nn.Module;
import org.resnet4j.nn.Parameter;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;
import org.resnet4j.testing.KernelSets;
import org.resnet4j.testing.ReferenceForward;
import org.resnet4j.testing.ReferenceForward.Activation;

/**
 * Blocks and whole networks against central finite differences of an independent double-precision forward pass
 * ({@link ReferenceForward}), on a random sample of coordinates of the input and of every parameter.
 */
class GradientCheckTest {
    private static final double STEP = 1e-5;

    @ParameterizedTest(name = "{0} {1} shortcut {2} plain={3} stride {4}")
    @CsvSource({
        "scalar, basic, A, false, 2", "simd, basic, A, false, 2", "scalar, basic, A, false, 1",
        "scalar, basic, B, false, 2", "simd, basic, B, false, 2", "scalar, basic, C, false, 1",
        "simd, basic, C, false, 1", "scalar, basic, A, true, 2", "simd, basic, A, true, 2",
        "scalar, bottleneck, A, false, 2", "scalar, bottleneck, B, false, 2", "simd, bottleneck, B, false, 2",
        "scalar, bottleneck, C, false, 1", "simd, bottleneck, C, false, 1", "simd, bottleneck, B, false, 1"})
    void blockGradientsMatchFiniteDifferences(String provider, String type, ShortcutOption option, boolean plain,
                                              int stride) {
        Kernels k = KernelSets.named(provider);
        SplittableRandom random = new SplittableRandom(type.hashCode() * 31L + option.ordinal() * 7L + stride);
        int in = 5;
        Module block = type.equals("basic")
                ? new BasicBlock(k, in, 8, stride, option, plain)
                : new Bottleneck(k, in, 3, stride, option, plain, false);
        randomizeParameters(block, random);
        checkBlock(type, block, in, random);
    }

    /**
     * Frozen batch norms (parameters not trainable) normalize with their running statistics in training too; the
     * gradient then passes through that fixed affine map (and the ReLU fused after it) to the trainable layers
     * around them. Option B puts one in the shortcut as well.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"scalar, basic", "simd, basic", "scalar, bottleneck", "simd, bottleneck"})
    void frozenBatchNormsPassTheGradientThroughTheirFixedAffineMap(String provider, String type) {
        Kernels k = KernelSets.named(provider);
        SplittableRandom random = new SplittableRandom(type.hashCode() + 17L);
        int in = 5;
        Module block = type.equals("basic")
                ? new BasicBlock(k, in, 8, 2, ShortcutOption.B, false)
                : new Bottleneck(k, in, 3, 2, ShortcutOption.B, false, false);
        randomizeParameters(block, random);
        for (Map.Entry<String, Tensor> buffer : block.namedBuffers().entrySet()) {
            float[] v = buffer.getValue().data();
            boolean variance = buffer.getKey().endsWith("running_var");
            for (int i = 0; i < v.length; i++) {
                v[i] = variance ? (float) (0.5 + random.nextDouble()) : (float) random.nextGaussian();
            }
        }
        int frozenCount = 0;
        for (Map.Entry<String, Parameter> entry : block.namedParameters().entrySet()) {
            if (!entry.getValue().isWeight()) { // the batch norms' gamma and beta; convolutions keep training
                entry.getValue().setTrainable(false);
                frozenCount++;
            }
        }
        assertTrue(frozenCount >= 6, "batch norms frozen: " + frozenCount);
        Map<String, float[]> buffersBefore = new LinkedHashMap<>();
        block.namedBuffers().forEach((name, b) -> buffersBefore.put(name, b.data().clone()));

        checkBlock(type, block, in, random);

        block.namedBuffers().forEach((name, b) -> assertArrayEquals(buffersBefore.get(name), b.data(), name));
    }

    /**
     * One training forward and backward of {@code block} on a random [2, in, 7, 6] input against the double
     * reference: the output, the input gradient and every trainable parameter's gradient, at sampled coordinates.
     */
    private static void checkBlock(String type, Module block, int in, SplittableRandom random) {
        Shape shape = Shape.of(2, in, 7, 6);
        Tensor x = randomTensor(shape, random);

        Tensor out = block.forward(x.toLayout(Layout.NHWC), true);
        Tensor upstream = randomTensor(out.shape(), random);
        block.zeroGrad();
        Tensor gradInput = block.backward(upstream.toLayout(Layout.NHWC)).toLayout(Layout.NCHW);

        ReferenceForward reference = new ReferenceForward(block);
        double[] xd = toDouble(x);
        double[] r = toDouble(upstream);
        Activation expected = reference.run(block, new Activation(xd, shape.dims()));
        assertAllClose(type + " forward", expected.values(), out.toLayout(Layout.NCHW).data(), 1e-4, 1e-4);

        DoubleSupplier loss = () -> dot(reference.run(block, new Activation(xd, shape.dims())).values(), r);
        checkSampled("input gradient", xd, gradInput.data(), loss, random, 16);
        checkParameters(block, reference, loss, random, 6);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"scalar", "simd"})
    void tinyCifarNetworkGradientsMatchFiniteDifferences(String provider) {
        Kernels k = KernelSets.named(provider);
        Architecture tiny = new Architecture("tiny-cifar", Architecture.Family.CIFAR, Architecture.BlockType.BASIC,
                new int[] {1, 1, 1}, false);
        checkNetwork(new ResNet(k, tiny, ModelOptions.defaults(10).withSeed(3)), k, Shape.of(3, 3, 8, 8), 4, 1);
    }

    @Test
    void tinyImagenetBottleneckNetworkGradientsMatchFiniteDifferences() {
        Kernels k = KernelProvider.simd();
        Architecture tiny = new Architecture("tiny-imagenet", Architecture.Family.IMAGENET,
                Architecture.BlockType.BOTTLENECK, new int[] {1, 1, 1, 1}, false);
        // 40x40 leaves layer4 at 2x2, so its batch norms see 8 values per channel: with fewer (1x1 at batch 2) batch
        // norm's gradient is so ill-conditioned that float32 and float64 part ways by more than any fair tolerance.
        // Every twelfth parameter tensor: the double-precision reference of this network is slow, and the block tests
        // above already check every parameter of a Bottleneck.
        checkNetwork(new ResNet(k, tiny, ModelOptions.defaults(5).withSeed(4)), k, Shape.of(2, 3, 40, 40), 1, 12);
    }

    private static void checkNetwork(ResNet net, Kernels k, Shape shape, int perParameter, int everyNthTensor) {
        SplittableRandom random = new SplittableRandom(11);
        // The builder's Kaiming initialization keeps activations at unit scale through the depth; only batch norm's
        // scale and shift move off their defaults, so every parameter's gradient is non-trivial.
        randomizeNormalization(net, random);
        Tensor x = randomTensor(shape, random);
        int[] labels = new int[shape.dim(0)];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextInt(net.classes());
        }
        Tensor logits = net.forward(x, true);
        float[] probs = new float[logits.size()];
        k.loss().softmaxCrossEntropyForward(shape.dim(0), net.classes(), logits.data(), labels, 0f, probs);
        Tensor grad = Tensor.zeros(logits.shape(), Layout.NCHW);
        k.loss().softmaxCrossEntropyBackward(shape.dim(0), net.classes(), probs, labels, 0f, grad.data());
        net.zeroGrad();
        net.backward(grad);

        ReferenceForward reference = new ReferenceForward(net);
        double[] xd = toDouble(x);
        Activation expected = reference.run(net, new Activation(xd, shape.dims()));
        assertAllClose("logits", expected.values(), logits.data(), 1e-4, 1e-3);
        DoubleSupplier loss = () -> ReferenceForward.crossEntropy(
                reference.run(net, new Activation(xd, shape.dims())), labels);
        int index = 0;
        for (Map.Entry<String, Parameter> entry : net.namedParameters().entrySet()) {
            if (index++ % everyNthTensor == 0 || entry.getKey().startsWith("fc.")) {
                checkSampled(entry.getKey(), reference.parameter(entry.getValue()), entry.getValue().grad().data(),
                        loss, random, perParameter);
            }
        }
    }

    private static void checkParameters(Module module, ReferenceForward reference, DoubleSupplier loss,
                                        SplittableRandom random, int perParameter) {
        for (Map.Entry<String, Parameter> entry : module.namedParameters().entrySet()) {
            Parameter p = entry.getValue();
            if (p.trainable()) { // a frozen parameter gets no gradient
                checkSampled(entry.getKey(), reference.parameter(p), p.grad().data(), loss, random, perParameter);
            }
        }
    }

    /** Finite differences at {@code count} random coordinates of {@code point}, against {@code analytic}. */
    private static void checkSampled(String what, double[] point, float[] analytic, DoubleSupplier loss,
                                     SplittableRandom random, int count) {
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < Math.min(count, point.length); i++) {
            indices.add(random.nextInt(point.length));
        }
        double[] numeric = new double[indices.size()];
        float[] picked = new float[indices.size()];
        for (int j = 0; j < indices.size(); j++) {
            int i = indices.get(j);
            double saved = point[i];
            point[i] = saved + STEP;
            double plus = loss.getAsDouble();
            point[i] = saved - STEP;
            double minus = loss.getAsDouble();
            point[i] = saved;
            numeric[j] = (plus - minus) / (2 * STEP);
            picked[j] = analytic[i];
        }
        assertAllClose(what + " at " + indices, numeric, picked, 2e-3, 2e-3);
    }

    private static void randomizeParameters(Module module, SplittableRandom random) {
        for (Parameter p : module.namedParameters().values()) {
            float[] v = p.value().data();
            boolean weight = p.isWeight();
            for (int i = 0; i < v.length; i++) {
                v[i] = weight ? (float) (random.nextGaussian() * 0.4) : (float) (0.5 + random.nextDouble());
            }
        }
    }

    private static void randomizeNormalization(Module module, SplittableRandom random) {
        for (Parameter p : module.namedParameters().values()) {
            if (!p.isWeight()) {
                float[] v = p.value().data();
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (0.5 + random.nextDouble());
                }
            }
        }
    }

    private static Tensor randomTensor(Shape shape, SplittableRandom random) {
        Tensor t = Tensor.zeros(shape, Layout.NCHW);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) random.nextGaussian();
        }
        return t;
    }

    private static double[] toDouble(Tensor t) {
        double[] d = new double[t.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = t.data()[i];
        }
        return d;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
