package org.resnet4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A batch's array length: exact where it fits, refused by name (batch size and item shape) where it does not. */
class ShapeBatchLengthTest {

    @Test
    void aBatchThatFitsHasItsValueCountAndAnEmptyOneNone() {
        assertEquals(7 * 3 * 5 * 9, Shape.batchLength("images", 7, 3, 5, 9));
        assertEquals(0, Shape.batchLength("images", 0, 3, 32, 32));
        // The largest count a shape holds, as Shape.of counts it.
        assertEquals(Shape.of(11_930_464, 3, 60).size(), Shape.batchLength("rows", 11_930_464, 3, 60));
    }

    @Test
    void aBatchBeyondOneArrayNamesItsCountAndItems() {
        // 5000 x 3 x 384 x 384 = 2.2e9: a negative int product.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Shape.batchLength("images", 5000, 3, 384, 384));
        assertTrue(e.getMessage().startsWith("a batch of 5000 images of 3x384x384 values: "), e.getMessage());
        assertTrue(e.getMessage().contains("more elements than one Java array can hold"), e.getMessage());
        // The product wraps to a small positive int: still refused.
        assertThrows(IllegalArgumentException.class, () -> Shape.batchLength("inputs", 65_537, 65_536, 1, 1));
    }

    @Test
    void aNegativeCountOrAnEmptyItemDimensionIsRefused() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> Shape.batchLength("images", -1, 3, 32, 32));
        assertTrue(negative.getMessage().contains("a batch of -1 images"), negative.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> Shape.batchLength("images", 0, 3, 0, 32));
        assertTrue(empty.getMessage().contains("dimension 2 is 0"), empty.getMessage());
    }
}
