package org.resnet4j.images;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import org.junit.jupiter.api.Test;

/** A batch of crops too large for one array is refused by name (N * 3 * crop^2 wrapped around in int). */
class EvaluationBatchSizeTest {

    @Test
    void aBatchBeyondOneArrayNamesItsSizeAndCrop() {
        // 15000 x 3 x 224 x 224 = 2.26e9 values; one 1x1 image repeated, never read.
        RgbImage image = new RgbImage(1, 1, new byte[3]);
        EvaluationTransform transform = new EvaluationTransform(0, 224, null, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> transform.batch(Collections.nCopies(15000, image)));
        assertTrue(e.getMessage().contains("15000 images of 3x224x224"), e.getMessage());
    }
}
