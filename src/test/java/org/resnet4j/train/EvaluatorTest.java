package org.resnet4j.train;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.resnet4j.data.ArrayDataset;
import org.resnet4j.data.Normalization;
import org.resnet4j.models.ModelOptions;
import org.resnet4j.models.ResNet;
import org.resnet4j.models.ResNets;

/** {@link Evaluator}: the figures of a model over a data set of its classes. */
class EvaluatorTest {

    /**
     * A model of other classes than the data's (a 3-class fine-tuned network evaluated on two-class images, or on
     * CIFAR-10's ten) is refused: the loss read the logit at index label of each row, which for a label beyond the
     * model's classes is another image's logit, and the figures came out as numbers, silently.
     */
    @Test
    void aModelOfOtherClassesThanTheDataIsRefused() {
        ArrayDataset twoClasses = ArrayDataset.redOrBlue(6, 8, 1);
        Normalization normalization = Normalization.perChannel(twoClasses);
        for (int classes : new int[] {3, 1}) {
            ResNet model = ResNets.create("resnet20", ModelOptions.defaults(classes).withSeed(1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Evaluator.evaluate(model, twoClasses, normalization, 4), classes + " classes");
            assertTrue(e.getMessage().contains(classes + " classes") && e.getMessage().contains("2 classes"),
                    e.getMessage());
        }
    }

    /**
     * A network whose weights hold a NaN gives NaN logits, and a NaN compares false with every other logit: the
     * argmax fell on class 0 and the accuracy came out as a figure. It is refused, naming the image.
     */
    @Test
    void aNetworkGivingNaNLogitsIsRefused() {
        ArrayDataset twoClasses = ArrayDataset.redOrBlue(6, 8, 1);
        Normalization normalization = Normalization.perChannel(twoClasses);
        ResNet model = ResNets.create("resnet20", ModelOptions.defaults(2).withSeed(1));
        model.namedParameters().get("fc.bias").value().data()[1] = Float.NaN;
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Evaluator.evaluate(model, twoClasses, normalization, 4));
        assertTrue(e.getMessage().startsWith("the network gave logit NaN for image 0 of the evaluation"),
                e.getMessage());
    }
}
