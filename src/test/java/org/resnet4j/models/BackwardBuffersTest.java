package org.resnet4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.resnet4j.kernels.KernelProvider;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.nn.Parameter;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;
import org.resnet4j.testing.RandomArrays;

/**
 * Backward recycles gradient buffers and ReLU works in place: neither may change a result. The same forward,
 * back-propagated again after other steps have reused every pooled buffer, gives the same gradients bit for bit; the
 * caller's loss gradient is never written to; the pool stops growing after the first step.
 */
class BackwardBuffersTest {

    static Stream<ResNet> networks() {
        Kernels k = KernelProvider.simd();
        Architecture cifar = new Architecture("tiny-cifar", Architecture.Family.CIFAR, Architecture.BlockType.BASIC,
                new int[] {2, 1, 1}, false);
        Architecture imagenet = new Architecture("tiny-imagenet", Architecture.Family.IMAGENET,
                Architecture.BlockType.BOTTLENECK, new int[] {2, 1, 1, 1}, false);
        Architecture plain = new Architecture("tiny-plain", Architecture.Family.CIFAR, Architecture.BlockType.BASIC,
                new int[] {1, 1, 1}, true);
        return Stream.of(new ResNet(k, cifar, ModelOptions.defaults(10).withSeed(1)),
                new ResNet(k, imagenet, ModelOptions.defaults(7).withSeed(2)),
                new ResNet(k, plain, ModelOptions.defaults(10).withSeed(3)));
    }

    @ParameterizedTest
    @MethodSource("networks")
    void recycledBuffersLeaveGradientsUnchanged(ResNet net) {
        SplittableRandom random = new SplittableRandom(5);
        int size = net.architecture().family() == Architecture.Family.IMAGENET ? 40 : 12;
        Shape shape = Shape.of(3, 3, size, size);
        Tensor x = Tensor.wrap(RandomArrays.uniform(random, shape.size(), -1f, 1f), shape, Layout.NCHW);
        Tensor other = Tensor.wrap(RandomArrays.uniform(random, shape.size(), -1f, 1f), shape, Layout.NCHW);
        Shape logits = Shape.of(3, net.classes());
        Tensor grad = Tensor.wrap(RandomArrays.uniform(random, logits.size(), -1f, 1f), logits, Layout.NCHW);
        float[] gradBefore = grad.data().clone();

        List<float[]> first = step(net, x, grad);
        assertArrayEquals(gradBefore, grad.data(), "backward wrote to the caller's gradient");
        int buffers = net.gradients().buffers();
        step(net, other, grad);
        List<float[]> again = step(net, x, grad);
        for (int i = 0; i < first.size(); i++) {
            assertArrayEquals(first.get(i), again.get(i), "parameter gradient " + i);
        }
        assertEquals(buffers, net.gradients().buffers(), "gradient buffers made after the first step");
    }

    private static List<float[]> step(ResNet net, Tensor x, Tensor grad) {
        net.forward(x, true);
        net.zeroGrad();
        net.backward(grad);
        List<float[]> grads = new ArrayList<>();
        for (Parameter p : net.parameters()) {
            grads.add(p.grad().data().clone());
        }
        return grads;
    }
}
