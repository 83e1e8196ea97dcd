package org.resnet4j.serving;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.resnet4j.data.Normalization;
import org.resnet4j.models.ResNets;

/** A batch of inputs too large for one array is refused by name (n * 3 * size^2 wrapped around in int). */
class PredictorBatchSizeTest {

    @Test
    void aBatchBeyondOneArrayNamesItsSizeAndImages() {
        Predictor predictor = new Predictor(ResNets.create("resnet20"), new Normalization(new float[] {0.5f, 0.5f, 0.5f},
                new float[] {0.25f, 0.25f, 0.25f}), Labels.defaultFor(10), 224, 224,
                Predictor.DEFAULT_MAX_PIXELS);
        // 15000 x 3 x 224 x 224 = 2.26e9 values: one input of 600 KB, repeated.
        float[] input = new float[3 * 224 * 224];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> predictor.logits(Collections.nCopies(15000, input)));
        assertTrue(e.getMessage().contains("15000 inputs of 3x224x224"), e.getMessage());
    }
}
