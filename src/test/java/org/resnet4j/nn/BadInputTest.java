package org.resnet4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.resnet4j.testing.Refusals.rejects;

import org.junit.jupiter.api.Test;
import org.resnet4j.kernels.ConvGeometry;
import org.resnet4j.kernels.KernelProvider;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.kernels.PoolGeometry;
import org.resnet4j.models.ResNets;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/** Wrong ranks, mismatched shapes and impossible sizes give an exception that names the problem. */
class BadInputTest {
    private final Kernels kernels = KernelProvider.scalar();

    @Test
    void geometriesRejectImpossibleSizes() {
        rejects(() -> ConvGeometry.square(0, 3, 8, 8, 4, 3, 1, 1), "batch", "0");
        rejects(() -> ConvGeometry.square(1, 3, 8, 8, -4, 3, 1, 1), "outChannels", "-4");
        rejects(() -> ConvGeometry.square(1, 3, 8, 8, 4, 3, 0, 1), "strideHeight", "0");
        rejects(() -> ConvGeometry.square(1, 3, 8, 8, 4, 3, 1, -1), "padding", "-1");
        rejects(() -> ConvGeometry.square(1, 3, 2, 2, 4, 7, 1, 1), "kernel 7x7", "4x4");
        rejects(() -> new PoolGeometry(1, 3, 8, 8, 3, 0, 1), "stride=0");
        rejects(() -> new PoolGeometry(1, 3, 8, 8, 3, 2, 2), "padding", "2");
    }

    @Test
    void layersNameTheShapeTheyExpected() {
        rejects(() -> new Conv2d(kernels, 3, 8, 3, 1, 1, false).forward(Tensor.zeros(2, 4, 8, 8), false),
                "Conv2d", "[2, 4, 8, 8]", "expected 3");
        rejects(() -> new Conv2d(kernels, 3, 8, 3, 1, 1, false).forward(Tensor.zeros(2, 3, 8), false),
                "Conv2d input", "rank-4", "[2, 3, 8]");
        rejects(() -> new Conv2d(kernels, 0, 8, 3, 1, 1, false), "in=0");
        rejects(() -> new BatchNorm2d(kernels, 4).forward(Tensor.zeros(2, 5, 3, 3), true), "BatchNorm2d", "5 channels");
        rejects(() -> new BatchNorm2d(kernels, 4).forward(Tensor.zeros(1, 4, 1, 1), true), "more than one value");
        rejects(() -> new Linear(kernels, 64, 10).forward(Tensor.zeros(2, 63), false), "Linear", "[2, 63]", "64");
        rejects(() -> new ZeroPadSubsample(kernels, 32, 16, 2), "outChannels >= inChannels");
        rejects(() -> ResNets.create(kernels, "resnet20", org.resnet4j.models.ModelOptions.defaults(10))
                .forward(Tensor.zeros(1, 1, 32, 32), false), "3 channels", "[1, 1, 32, 32]");
        rejects(() -> org.resnet4j.models.ModelOptions.defaults(0), "classes");
    }

    @Test
    void oneLayerObjectServesOnePlaceOnly() {
        // Sequential(linear, linear) used to run: the second use wrote its output over its own input (wrong logits),
        // and the one weight was listed twice (0.weight and 1.weight), so parameterCount doubled and SGD stepped it twice.
        Linear linear = new Linear(kernels, 4, 4);
        rejects(() -> new Sequential(linear, linear), "child '1'", "Linear", "already part of this network");
        ReLU relu = new ReLU(kernels);
        Sequential inner = new Sequential(relu);
        rejects(() -> new Sequential(inner, new Sequential(relu)), "child '1'", "a module inside it");
        rejects(() -> new Sequential(inner, inner), "child '1'");
        // Two networks may still each hold their own layers, and a container its distinct ones.
        new Sequential(new Sequential(new ReLU(kernels)), new Sequential(new ReLU(kernels)));
    }

    @Test
    void backwardOfTheWrongShapeIsRejected() {
        Conv2d conv = new Conv2d(kernels, 3, 4, 3, 1, 1, false);
        conv.forward(Tensor.zeros(2, 3, 5, 5), true);
        rejects(() -> conv.backward(Tensor.zeros(2, 4, 4, 4)), "Conv2d backward gradient", "[2, 4, 5, 5]",
                "[2, 4, 4, 4]");
        assertThrows(IllegalStateException.class, () -> new ReLU(kernels).backward(Tensor.zeros(1, 1, 1, 1)));
    }

    @Test
    void maxPoolRefusesWhatPyTorchRefusesWhenBuilt() {
        // 2 * padding wrapped to -2 here: the layer gave a 14x14 output of -inf, without an exception.
        rejects(() -> new MaxPool2d(kernels, 3, 2, Integer.MAX_VALUE), "MaxPool2d", "padding=2147483647");
        rejects(() -> new MaxPool2d(kernels, 0, 1, 0), "window=0");
        rejects(() -> new MaxPool2d(kernels, 3, 0, 0), "stride=0");
        rejects(() -> new MaxPool2d(kernels, 3, 2, -1), "padding=-1");
        rejects(() -> new MaxPool2d(kernels, 3, 2, 2), "padding=2");
        assertEquals(Shape.of(1, 1, 17, 17), new MaxPool2d(kernels, 2, 2, 1).outputShape(Shape.of(1, 1, 32, 32)));
        assertEquals(Shape.of(1, 1, 16, 16), new MaxPool2d(kernels, 3, 2, 1).outputShape(Shape.of(1, 1, 32, 32)));
    }
}
