package org.resnet4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.resnet4j.kernels.KernelProvider;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/** The pool recycles only its own buffers, by size, and refuses a buffer given back twice. */
class GradientBuffersTest {
    private final GradientBuffers pool = new GradientBuffers();

    @Test
    void aBufferGivenBackIsTakenAgainForAnyShapeOfItsSize() {
        Tensor first = pool.take(Shape.of(2, 3, 4, 5), Layout.NHWC);
        assertEquals(Shape.of(2, 3, 4, 5), first.shape());
        assertEquals(Layout.NHWC, first.layout());
        assertTrue(pool.owns(first));
        pool.giveBack(first);
        Tensor second = pool.take(Shape.of(4, 30), Layout.NCHW);
        assertSame(first.data(), second.data());
        assertEquals(Shape.of(4, 30), second.shape());
        Tensor other = pool.take(Shape.of(4, 31), Layout.NCHW);
        assertNotSame(first.data(), other.data());
        assertEquals(2, pool.buffers());
    }

    @Test
    void aTensorFromOutsideIsNeitherOwnedNorRecycled() {
        Tensor foreign = Tensor.zeros(Shape.of(1, 2, 3, 3), Layout.NHWC);
        assertFalse(pool.owns(foreign));
        pool.giveBack(foreign);
        assertNotSame(foreign.data(), pool.take(foreign.shape(), Layout.NHWC).data());
        Tensor writable = pool.writableLike(foreign);
        assertNotSame(foreign.data(), writable.data());
        assertEquals(foreign.shape(), writable.shape());
        assertSame(writable, pool.writableLike(writable));
    }

    @Test
    void givingBackTwiceIsRefused() {
        Tensor gradient = pool.take(Shape.of(8), Layout.NCHW);
        pool.giveBack(gradient);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.giveBack(gradient));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
    }

    @Test
    void aNetworkStepTakesEveryGradientFromTheCalledModulesPool() {
        var kernels = KernelProvider.scalar();
        Conv2d conv = new Conv2d(kernels, 3, 4, 3, 1, 1, false);
        ReLU relu = new ReLU(kernels, true);
        Sequential inner = new Sequential(conv, relu);
        Sequential outer = new Sequential(inner, new GlobalAvgPool2d(kernels));
        Tensor x = Tensor.zeros(Shape.of(2, 3, 5, 5), Layout.NCHW);
        x.fill(0.5f);
        outer.forward(x, true);
        Tensor gradLogits = Tensor.zeros(Shape.of(2, 4), Layout.NCHW);
        gradLogits.fill(1f);
        outer.backward(gradLogits);
        assertTrue(outer.gradients().buffers() > 0, "the step took no buffer from the network's pool");
        assertEquals(0, inner.gradients().buffers(), "a child made gradient buffers of its own");
        assertEquals(0, conv.gradients().buffers(), "a layer made gradient buffers of its own");
    }
}
