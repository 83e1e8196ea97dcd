package org.resnet4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void layoutRoundTripKeepsEveryElement() {
        Tensor nchw = Tensor.zeros(2, 3, 4, 5);
        for (int i = 0; i < nchw.size(); i++) {
            nchw.data()[i] = i;
        }
        Tensor nhwc = nchw.toLayout(Layout.NHWC);
        assertEquals(Layout.NHWC, nhwc.layout());
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
                for (int h = 0; h < 4; h++) {
                    for (int w = 0; w < 5; w++) {
                        assertEquals(nchw.get(n, c, h, w), nhwc.get(n, c, h, w));
                        assertEquals(((n * 3 + c) * 4 + h) * 5 + w, nhwc.data()[((n * 4 + h) * 5 + w) * 3 + c]);
                    }
                }
            }
        }
        assertSame(nhwc, nhwc.toLayout(Layout.NHWC));
        assertEquals(java.util.Arrays.toString(nchw.data()),
                java.util.Arrays.toString(nhwc.toLayout(Layout.NCHW).data()));
    }

    @Test
    void badShapesAreRejectedWithTheirNumbers() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> Shape.of(2, 0, 3));
        assertTrue(zero.getMessage().contains("[2, 0, 3]"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Shape.of(-1));
        assertThrows(IllegalArgumentException.class, () -> Shape.of(100_000, 100_000));
        IllegalArgumentException wrap = assertThrows(IllegalArgumentException.class,
                () -> Tensor.wrap(new float[5], 2, 3));
        assertTrue(wrap.getMessage().contains("[2, 3]") && wrap.getMessage().contains("5"), wrap.getMessage());
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(Shape.of(2, 3), Layout.NHWC));
        assertTrue(rank.getMessage().contains("rank-4"), rank.getMessage());
        IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
                () -> Shape.of(1, 2).requireEqual(Shape.of(2, 1), "linear input"));
        assertTrue(mismatch.getMessage().contains("linear input") && mismatch.getMessage().contains("[2, 1]")
                && mismatch.getMessage().contains("[1, 2]"), mismatch.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.zeros(1, 1, 2, 2).get(0, 0, 2, 0));
    }

    @Test
    void reshapeSharesValues() {
        Tensor t = Tensor.zeros(2, 6);
        Tensor r = t.reshape(3, 4);
        r.data()[5] = 7f;
        assertEquals(7f, t.data()[5]);
        assertThrows(IllegalArgumentException.class, () -> t.reshape(5));
    }
}
