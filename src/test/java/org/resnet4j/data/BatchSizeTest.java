package org.resnet4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.resnet4j.tensor.Layout;

/** A batch too large for one array is refused by name (size * 3 * H * W wrapped around in int). */
class BatchSizeTest {

    @Test
    void aBatchBeyondOneArrayNamesItsSizeAndImages() {
        // 5000 x 3 x 384 x 384 = 2.2e9 values: a negative int, so NegativeArraySizeException before.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Batch(5000, 384, 384, Layout.NCHW, 0, 0));
        assertTrue(e.getMessage().contains("5000 images of 3x384x384"), e.getMessage());
        assertEquals(2 * 3 * 32 * 32, new Batch(2, 32, 32, Layout.NHWC, 0, 0).images().length);
    }
}
