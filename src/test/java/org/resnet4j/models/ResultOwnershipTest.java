package org.resnet4j.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.resnet4j.kernels.KernelProvider;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.nn.BatchNorm2d;
import org.resnet4j.nn.Conv2d;
import org.resnet4j.nn.Linear;
import org.resnet4j.nn.Module;
import org.resnet4j.nn.ReLU;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;
import org.resnet4j.testing.RandomArrays;

/** A tensor returned by a public forward or backward belongs to the caller: no later call changes it. */
class ResultOwnershipTest {
    private final SplittableRandom random = new SplittableRandom(23);

    private Tensor images(int batch) {
        Shape shape = Shape.of(batch, 3, 32, 32);
        return Tensor.wrap(RandomArrays.uniform(random, shape.size(), -1f, 1f), shape, Layout.NCHW);
    }

    private void assertKeptResultsUnchanged(Function<Tensor, Tensor> forward) {
        Tensor a = images(4);
        Tensor b = images(4);
        Tensor first = forward.apply(a);
        float[] firstValues = first.data().clone();
        Tensor second = forward.apply(b);
        assertNotSame(first.data(), second.data());
        assertArrayEquals(firstValues, first.data(), "the second call changed the first call's result");
        assertFalse(Arrays.equals(firstValues, second.data()), "different images gave equal logits: test is void");
        second.data()[0] = Float.NaN; // the caller may write to what it owns
        assertArrayEquals(firstValues, forward.apply(a).data(), "writing to a result changed the model");
    }

    @Test
    void frozenResults() {
        FrozenResNet frozen = ResNets.resnet20(10).freeze();
        assertKeptResultsUnchanged(frozen::forward);
    }

    @Test
    void evaluationModeResults() {
        ResNet model = ResNets.resnet20(10);
        assertKeptResultsUnchanged(x -> model.forward(x, false));
    }

    @Test
    void trainingModeResults() {
        ResNet model = ResNets.resnet20(10);
        Tensor first = model.forward(images(4), true);
        float[] firstValues = first.data().clone();
        model.forward(images(4), true);
        assertArrayEquals(firstValues, first.data(), "the second training forward changed the first one's logits");
    }

    /**
     * A training forward keeps what backward needs as its own: a caller that refills its NHWC batch array (a loader's
     * recycled buffer) before backward must not change the gradients. The network used to keep the caller's NHWC
     * tensor itself as the stem's saved input, so the stem's weight gradient was computed from the new contents.
     */
    @Test
    void aTrainingStepDoesNotReadTheCallersInputAfterForward() {
        ResNet model = ResNets.resnet20(10);
        Tensor x = images(2).toLayout(Layout.NHWC);
        Tensor grad = Tensor.wrap(RandomArrays.uniform(random, 2 * 10, -1f, 1f), Shape.of(2, 10), Layout.NCHW);
        model.forward(x, true);
        model.zeroGrad();
        model.backward(grad);
        float[] expected = model.namedParameters().get("conv1.weight").grad().data().clone();

        model.forward(x, true);
        java.util.Arrays.fill(x.data(), 0.5f); // the caller reuses its array before backward
        model.zeroGrad();
        model.backward(grad);
        assertArrayEquals(expected, model.namedParameters().get("conv1.weight").grad().data(),
                "the stem's gradient read the caller's input after forward had returned");
    }

    /**
     * The same for a layer trained on its own: a convolution, a batch norm and a linear layer used to keep the caller's
     * tensor itself (an NHWC one, or any for the linear layer) as their saved input, so the weight gradient came from
     * whatever the caller had written there since.
     */
    @Test
    void aLayersTrainingStepDoesNotReadTheCallersInputAfterForward() {
        Kernels k = KernelProvider.simd();
        assertGradientIgnoresRefilledInput(new Conv2d(k, 3, 4, 3, 1, 1, false), Shape.of(2, 3, 7, 7), Layout.NHWC);
        assertGradientIgnoresRefilledInput(new BatchNorm2d(k, 3), Shape.of(2, 3, 5, 5), Layout.NHWC);
        assertGradientIgnoresRefilledInput(new Linear(k, 5, 3), Shape.of(4, 5), Layout.NCHW);
    }

    private void assertGradientIgnoresRefilledInput(Module layer, Shape shape, Layout layout) {
        Tensor x = Tensor.wrap(RandomArrays.uniform(random, shape.size(), -1f, 1f), shape, layout);
        Tensor out = layer.forward(x, true);
        Tensor grad = Tensor.wrap(RandomArrays.uniform(random, out.size(), -1f, 1f), out.shape(), out.layout());
        layer.zeroGrad();
        layer.backward(grad);
        float[] expected = layer.namedParameters().get("weight").grad().data().clone();

        layer.forward(x, true);
        Arrays.fill(x.data(), 0.5f); // the caller reuses its array before backward
        layer.zeroGrad();
        layer.backward(grad);
        assertArrayEquals(expected, layer.namedParameters().get("weight").grad().data(),
                layer.getClass().getSimpleName() + "'s weight gradient read the caller's input after forward returned");
    }

    /** An in-place ReLU works in place on its own copy: the caller's input is left as it was, in both modes. */
    @Test
    void anInPlaceLayerLeavesTheCallersInputAlone() {
        ReLU relu = new ReLU(KernelProvider.simd(), true);
        for (boolean training : new boolean[] {false, true}) {
            Tensor x = Tensor.wrap(new float[] {-1f, 2f, -3f, 4f}, Shape.of(1, 4), Layout.NCHW);
            Tensor out = relu.forward(x, training);
            assertArrayEquals(new float[] {0f, 2f, 0f, 4f}, out.data());
            assertArrayEquals(new float[] {-1f, 2f, -3f, 4f}, x.data(), "training " + training);
            if (training) {
                relu.backward(Tensor.wrap(new float[] {1f, 1f, 1f, 1f}, Shape.of(1, 4), Layout.NCHW));
            }
        }
    }

    @Test
    void layerResultsAndGradients() {
        Conv2d conv = new Conv2d(KernelProvider.simd(), 3, 5, 3, 2, 1, false);
        Tensor x = images(2);
        Tensor out = conv.forward(x, true);
        float[] outValues = out.data().clone();
        Tensor grad = Tensor.wrap(RandomArrays.uniform(random, out.size(), -1f, 1f), out.shape(), Layout.NCHW);
        Tensor gradInput = conv.backward(grad);
        float[] gradInputValues = gradInput.data().clone();
        float[] gradValues = grad.data().clone();
        conv.forward(images(2), true);
        conv.backward(grad);
        assertArrayEquals(gradValues, grad.data(), "backward wrote to the caller's gradient");
        assertArrayEquals(outValues, out.data(), "a later forward changed an earlier output");
        assertArrayEquals(gradInputValues, gradInput.data(), "a later backward changed an earlier gradient");
    }

    @Test
    void aFrozenNetworkRefusesTraining() {
        FrozenResNet frozen = ResNets.resnet20(10).freeze();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> frozen.forward(images(2), true));
        assertTrue(e.getMessage().startsWith("resnet20 is frozen"), e.getMessage());
    }
}
