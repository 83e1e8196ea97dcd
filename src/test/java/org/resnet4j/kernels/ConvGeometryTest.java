package org.resnet4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.resnet4j.testing.Refusals.rejects;

import org.junit.jupiter.api.Test;
import org.resnet4j.nn.Conv2d;
import org.resnet4j.tensor.Tensor;

/**
 * Geometries whose sizes overflow int are rejected by name: {@code 2 * padding} used to wrap around, and the wrapped
 * size passed every check, so kernels ran on a nonsense shape (all -inf from max pool, only the bias from conv).
 */
class ConvGeometryTest {

    @Test
    void convRejectsAPaddingWhosePaddedInputOverflows() {
        rejects(() -> ConvGeometry.square(1, 1, 32, 32, 1, 3, 1, 2147483640), "padding 2147483640", "2^31 - 1");
        rejects(() -> new ConvGeometry(1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1 << 30), "padding 0x1073741824");
    }

    @Test
    void conv2dLayerRejectsAPaddingNoInputFits() {
        // On [1, 1, 32, 32] the scalar kernel returned only the bias for this one, the SIMD kernel a misleading message.
        rejects(() -> new Conv2d(KernelProvider.scalar(), 1, 1, 3, 1, 2147483640, true), "Conv2d", "padding 2147483640");
        // The largest padding that a 1x1 input still fits is a layer; the geometry rejects larger inputs.
        Conv2d conv = new Conv2d(KernelProvider.scalar(), 1, 1, 1, 1 << 30, (1 << 30) - 1, false);
        rejects(() -> conv.forward(Tensor.zeros(1, 1, 2, 2), false), "padding 1073741823x1073741823");
    }

    @Test
    void convComputesSizesNearTheLimitExactly() {
        // Padded to exactly 2^31 - 1: allowed, and 2 * pad does not fit an int.
        ConvGeometry g = ConvGeometry.square(1, 1, 1, 1, 1, 1, 1 << 30, (1 << 30) - 1);
        assertEquals(2, g.outHeight());
        assertEquals(2, g.outWidth());
        assertEquals(4, g.outputSize());
    }

    @Test
    void poolRejectsAPaddingThatOnlyPassedByWrappingAround() {
        rejects(() -> new PoolGeometry(1, 1, 32, 32, 3, 2, Integer.MAX_VALUE), "padding", "2147483647", "window 3");
        // 2 * pad <= window, but the padded input is past the largest int.
        rejects(() -> new PoolGeometry(1, 1, 2, 2, Integer.MAX_VALUE, 1, Integer.MAX_VALUE / 2), "padding 1073741823",
                "2^31 - 1");
    }

    @Test
    void poolComputesSizesNearTheLimitExactly() {
        PoolGeometry g = new PoolGeometry(1, 1, 1, 1, Integer.MAX_VALUE, 1, Integer.MAX_VALUE / 2);
        assertEquals(1, g.outHeight());
        assertEquals(1, g.outWidth());
    }
}
