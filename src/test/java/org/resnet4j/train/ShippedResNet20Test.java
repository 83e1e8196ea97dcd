package org.resnet4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.resnet4j.data.Cifar10Fixtures;
import org.resnet4j.data.Cifar10Reader;
import org.resnet4j.io.StateDicts;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;

/** The trained ResNet-20 in models/ is what its model card says it is. */
class ShippedResNet20Test {
    private static final Path WEIGHTS = Path.of("models", "resnet20-cifar10.safetensors");
    private static final Path CHECKPOINT = Path.of("models", "checkpoints", "resnet20-45k", "checkpoint.safetensors");
    /** The card's figure: 8.74 % of 5,000 held-out images. */
    private static final int CARD_MISCLASSIFIED = 437;

    @Test
    void weightsAreTheFinalCheckpointsModel() throws IOException {
        ResNet fromWeights = ResNets.resnet20(10);
        TrainedWeights weights = TrainedWeights.load(fromWeights, WEIGHTS);
        ResNet fromCheckpoint = ResNets.resnet20(10);
        TrainedWeights checkpoint = TrainedWeights.load(fromCheckpoint, CHECKPOINT);

        assertEquals(269_722, fromWeights.parameterCount());
        assertEquals(StateDicts.entries(fromCheckpoint), StateDicts.entries(fromWeights));
        assertEquals(checkpoint.normalization(), weights.normalization());
    }

    @Test
    void validationErrorIsTheCardsFigure() throws IOException {
        Path data = Cifar10Fixtures.sharedCifar10OrSkip();
        ResNet model = ResNets.resnet20(10);
        TrainedWeights trained = TrainedWeights.load(model, WEIGHTS);

        Evaluator.Result result = Evaluator.evaluate(model, Kernels.active(),
                trained.split(new Cifar10Reader().readTraining(data)).validation(), trained.normalization(), 500);

        assertEquals(5_000, result.images());
        int misclassified = (int) Math.round(result.error() * result.images());
        // Other vector widths sum in another order, which may move an image lying on a decision boundary.
        assertTrue(Math.abs(misclassified - CARD_MISCLASSIFIED) <= 3,
                "misclassified " + misclassified + " of 5000, the card says " + CARD_MISCLASSIFIED);
    }
}
