package org.resnet4j.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Softmax and ranking: the documented formula to the bit, best first, ties by index, k checked. */
class PredictionTest {
    private final Labels labels = Labels.defaultFor(10);

    @Test
    void probabilitiesAreTheDocumentedSoftmaxBestFirst() {
        float[] logits = {0.5f, 3f, -1f, 2.25f, 0f, 7.5f, -20f, 1f, 2.25f, 0.1f};
        Prediction prediction = Prediction.of(logits, labels, 10);

        List<ServingFixtures.Expected> expected = ServingFixtures.expectedTop(logits, 10);
        for (int rank = 0; rank < 10; rank++) {
            ClassScore score = prediction.top().get(rank);
            assertEquals(expected.get(rank).index(), score.index());
            assertEquals(Float.floatToRawIntBits(expected.get(rank).probability()),
                    Float.floatToRawIntBits(score.probability()));
            assertEquals(Labels.CIFAR10.get(score.index()), score.label());
        }
        assertEquals(5, prediction.top().get(0).index());
        double sum = prediction.top().stream().mapToDouble(ClassScore::probability).sum();
        assertEquals(1, sum, 1e-6);
    }

    @Test
    void equalLogitsComeInIndexOrder() {
        float[] logits = {1f, 4f, 1f, 4f, 4f, 0f, 0f, 0f, 0f, 0f};
        Prediction prediction = Prediction.of(logits, labels, 4);

        assertEquals(List.of(1, 3, 4, 0), prediction.top().stream().map(ClassScore::index).toList());
    }

    /** Far below the best class the probabilities round to 0; the ranking still follows the logits, as torch.topk. */
    @Test
    void classesWhoseProbabilitiesRoundEqualAreRankedByLogit() {
        float[] logits = {0f, -200f, -150f, -300f, -250f, -400f, -350f, -500f, -450f, -600f};
        Prediction prediction = Prediction.of(logits, labels, 4);

        assertEquals(List.of(0, 2, 1, 4), prediction.top().stream().map(ClassScore::index).toList());
        assertEquals(0f, prediction.top().get(1).probability(), "the probabilities are equal, or this shows nothing");
        assertEquals(0f, prediction.top().get(3).probability());
    }

    @Test
    void largeLogitsDoNotOverflow() {
        float[] logits = new float[10];
        logits[2] = 1e30f;
        logits[7] = 1e30f - 1e24f;
        Prediction prediction = Prediction.of(logits, labels, 2);

        assertEquals(2, prediction.top().get(0).index());
        assertEquals(1f, prediction.top().get(0).probability());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Prediction.of(new float[10], labels, 0));
        assertThrows(IllegalArgumentException.class, () -> Prediction.of(new float[10], labels, 11));
        assertThrows(IllegalArgumentException.class, () -> Prediction.of(new float[9], labels, 1));
        float[] nan = new float[10];
        nan[4] = Float.NaN;
        assertThrows(IllegalStateException.class, () -> Prediction.of(nan, labels, 1));
    }
}
