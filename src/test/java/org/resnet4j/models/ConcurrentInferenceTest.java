package org.resnet4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;
import org.resnet4j.testing.RandomArrays;

/**
 * One model shared by many threads: every concurrent inference call returns, bit for bit, what the same call returns
 * alone, on CIFAR and ImageNet networks, frozen and in evaluation mode, batch 1 and odd batches. More threads than
 * cores and many rounds, so that calls interleave at every layer; a shared activation buffer shows up as a wrong
 * result here.
 */
class ConcurrentInferenceTest {
    private static final int THREADS = 6;
    private static final int ROUNDS = 3;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("resnet20", 32, 16),
                Arguments.of("plain20", 32, 8),
                Arguments.of("resnet18", 48, 4),
                Arguments.of("resnet50", 40, 3));
    }

    @ParameterizedTest(name = "{0} frozen")
    @MethodSource("models")
    void frozenNetworkSharedByThreads(String name, int imageSize, int callsPerThread) throws Exception {
        FrozenResNet frozen = model(name).freeze();
        assertConcurrentEqualsSequential(frozen::forward, inputs(imageSize), callsPerThread);
    }

    @ParameterizedTest(name = "{0} eval mode")
    @MethodSource("models")
    void evaluationModeSharedByThreads(String name, int imageSize, int callsPerThread) throws Exception {
        ResNet model = model(name);
        assertConcurrentEqualsSequential(x -> model.forward(x, false), inputs(imageSize), callsPerThread);
    }

    private static ResNet model(String name) {
        ResNet model = ResNets.create(name, ModelOptions.defaults(ResNets.defaultClasses(name)).withSeed(11));
        FreezingTest.randomizeNorms(model, new SplittableRandom(3));
        return model;
    }

    /** Batches of 1, 3 and 5 images (NCHW) and one of 2 given as NHWC, each with its own numbers. */
    private static List<Tensor> inputs(int size) {
        SplittableRandom random = new SplittableRandom(size);
        List<Tensor> inputs = new ArrayList<>();
        for (int batch : new int[] {1, 3, 5}) {
            Shape shape = Shape.of(batch, 3, size, size);
            inputs.add(Tensor.wrap(RandomArrays.uniform(random, shape.size(), -2f, 2f), shape, Layout.NCHW));
        }
        Shape shape = Shape.of(2, 3, size, size);
        inputs.add(Tensor.wrap(RandomArrays.uniform(random, shape.size(), -2f, 2f), shape, Layout.NCHW)
                .toLayout(Layout.NHWC));
        return inputs;
    }

    static void assertConcurrentEqualsSequential(Function<Tensor, Tensor> forward, List<Tensor> inputs,
                                                 int callsPerThread) throws Exception {
        List<float[]> alone = new ArrayList<>();
        for (Tensor input : inputs) {
            alone.add(forward.apply(input).data().clone());
        }
        ExecutorService callers = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> results = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    results.add(callers.submit(() -> {
                        start.await();
                        List<Tensor> kept = new ArrayList<>();
                        List<Integer> which = new ArrayList<>();
                        for (int call = 0; call < callsPerThread; call++) {
                            int i = (thread + call) % inputs.size();
                            Tensor logits = forward.apply(inputs.get(i));
                            assertArrayEquals(alone.get(i), logits.data(), "thread " + thread + " call " + call
                                    + " (batch " + inputs.get(i).shape().dim(0) + ")");
                            kept.add(logits);
                            which.add(i);
                        }
                        // The results this thread kept belong to it: no later call, here or elsewhere, changed them.
                        for (int k = 0; k < kept.size(); k++) {
                            assertArrayEquals(alone.get(which.get(k)), kept.get(k).data(),
                                    "thread " + thread + ": result of call " + k + " changed by later calls");
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> result : results) {
                    result.get(5, TimeUnit.MINUTES);
                }
            }
        } finally {
            callers.shutdownNow();
        }
        for (int i = 0; i < inputs.size(); i++) {
            assertEquals(alone.get(i).length, forward.apply(inputs.get(i)).size());
        }
    }
}
