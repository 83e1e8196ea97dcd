package org.resnet4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.resnet4j.kernels.KernelProvider;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.tensor.Shape;

/** MaxPool2d refuses impossible window, stride and padding values when built, instead of computing garbage. */
class MaxPool2dTest {
    private final Kernels kernels = KernelProvider.scalar();

    private static void rejects(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should mention '" + fragment + "'");
        }
    }

    @Test
    void constructorRejectsWhatPyTorchRejects() {
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
