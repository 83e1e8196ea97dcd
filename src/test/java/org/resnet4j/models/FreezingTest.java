package org.resnet4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.resnet4j.testing.Approx.assertAllClose;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.resnet4j.kernels.KernelProvider;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.nn.Parameter;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;
import org.resnet4j.testing.KernelSets;
import org.resnet4j.testing.RandomArrays;

/**
 * A frozen network (batch norms folded into convolutions, weights packed once) computes what the network computes in
 * evaluation mode, for every block type and shortcut option, on both kernel sets; it is a snapshot and forward only.
 */
class FreezingTest {

    static Stream<Arguments> networks() {
        Architecture cifar = new Architecture("tiny-cifar", Architecture.Family.CIFAR, Architecture.BlockType.BASIC,
                new int[] {2, 1, 1}, false);
        Architecture plain = new Architecture("tiny-plain", Architecture.Family.CIFAR, Architecture.BlockType.BASIC,
                new int[] {1, 1, 1}, true);
        Architecture bottleneck = new Architecture("tiny-imagenet", Architecture.Family.IMAGENET,
                Architecture.BlockType.BOTTLENECK, new int[] {2, 1, 1, 1}, false);
        Architecture basicImagenet = new Architecture("tiny-resnet18", Architecture.Family.IMAGENET,
                Architecture.BlockType.BASIC, new int[] {1, 1, 1, 1}, false);
        return Stream.of("scalar", "simd").flatMap(k -> Stream.of(
                Arguments.of(k, cifar, ModelOptions.defaults(10), 12),
                Arguments.of(k, cifar, ModelOptions.defaults(10).withShortcut(ShortcutOption.B), 9),
                Arguments.of(k, plain, ModelOptions.defaults(10), 8),
                Arguments.of(k, bottleneck, ModelOptions.defaults(7).withShortcut(ShortcutOption.C), 33),
                Arguments.of(k, basicImagenet, ModelOptions.defaults(5), 40)));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("networks")
    void frozenEqualsEvaluationMode(String kernelSet, Architecture architecture, ModelOptions options, int size) {
        Kernels kernels = KernelSets.named(kernelSet);
        ResNet net = new ResNet(kernels, architecture, options.withSeed(9));
        SplittableRandom random = new SplittableRandom(17);
        randomizeNorms(net, random);
        Shape shape = Shape.of(2, 3, size, size);
        Tensor x = Tensor.wrap(RandomArrays.uniform(random, shape.size(), -1f, 1f), shape, Layout.NCHW);

        float[] expected = net.forward(x, false).data().clone();
        FrozenResNet frozen = net.freeze();
        float[] actual = frozen.forward(x).data().clone();
        assertEquals(Shape.of(2, net.classes()), frozen.outputShape(shape));
        // Folding rounds w * gamma / sqrt(var + eps) once instead of normalizing each activation: float noise only.
        assertAllClose(architecture.name() + " frozen logits", expected, actual, 1e-5, 1e-4);

        // A snapshot: training the source further does not reach it.
        for (Parameter p : net.parameters()) {
            p.value().fill(0.5f);
        }
        assertArrayEquals(actual, frozen.forward(x).data());
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("networks")
    void frozenNetworksOnlyInfer(String kernelSet, Architecture architecture, ModelOptions options, int size) {
        FrozenResNet frozen = new ResNet(KernelProvider.scalar(), architecture, options).freeze();
        Tensor x = Tensor.zeros(Shape.of(2, 3, size, size), Layout.NCHW);
        IllegalStateException training = assertThrows(IllegalStateException.class, () -> frozen.forward(x, true));
        assertTrue(training.getMessage().contains("frozen"), training.getMessage());
        IllegalStateException backward = assertThrows(IllegalStateException.class,
                () -> frozen.backward(Tensor.zeros(2, 10)));
        assertTrue(backward.getMessage().contains("frozen"), backward.getMessage());
    }

    /**
     * A refused training call does not disturb the inference calls beside it: it used to take the call guard before
     * the refusal, so an inference call entering meanwhile failed with "inside a training call on another thread".
     */
    @Test
    void aRefusedTrainingCallLeavesConcurrentInferenceAlone() throws Exception {
        FrozenResNet frozen = ResNets.create("resnet20").freeze();
        Tensor x = Tensor.zeros(Shape.of(1, 3, 8, 8), Layout.NCHW);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger refused = new AtomicInteger();
        CompletableFuture<Void> refusals = CompletableFuture.runAsync(() -> {
            while (!done.get()) {
                try {
                    frozen.forward(x, true);
                } catch (IllegalStateException expected) {
                    refused.incrementAndGet();
                }
            }
        });
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        try {
            for (int i = 0; (i < 2_000 || refused.get() < 100) && !refusals.isDone(); i++) {
                frozen.forward(x);
                assertTrue(System.nanoTime() < deadline, "the refusing thread refused " + refused.get() + " times");
            }
        } finally {
            done.set(true);
        }
        refusals.get(1, TimeUnit.MINUTES);
    }

    /** Batch-norm statistics and affine parameters away from their defaults, so folding has work to do. */
    static void randomizeNorms(ResNet net, SplittableRandom random) {
        for (Parameter p : net.namedParameters().values()) {
            if (!p.isWeight()) {
                float[] v = p.value().data();
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (0.5 + random.nextDouble());
                }
            }
        }
        for (Map.Entry<String, Tensor> buffer : net.namedBuffers().entrySet()) {
            float[] v = buffer.getValue().data();
            boolean variance = buffer.getKey().endsWith("running_var");
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (variance ? 0.2 + 2 * random.nextDouble() : random.nextGaussian() * 0.5);
            }
        }
    }
}
