package org.resnet4j.models;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.io.StateDicts;
import org.resnet4j.optim.Sgd;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * A backward whose forward ran before the weights changed would mix the new weights with the old activations: an
 * optimizer step or a load in between is refused, as PyTorch refuses a tensor "modified by an inplace operation".
 */
class WeightsChangedBeforeBackwardTest {
    @TempDir
    Path dir;

    private static final Tensor IMAGES = Tensor.zeros(Shape.of(2, 3, 32, 32), Layout.NCHW);
    private static final Tensor GRAD_LOGITS = Tensor.zeros(Shape.of(2, 10), Layout.NCHW);

    private static ResNet model() {
        return ResNets.create("resnet20", ModelOptions.defaults(10).withSeed(1));
    }

    @Test
    void anOptimizerStepBetweenForwardAndBackwardIsRefused() {
        ResNet model = model();
        Sgd sgd = new Sgd(model.namedParameters(), 0.9, 1e-4);
        model.forward(IMAGES, true);
        sgd.step(0.1);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> model.backward(GRAD_LOGITS));

        assertTrue(e.getMessage().contains("backward refused: parameter 'conv1.weight' changed after the training "
                + "forward (an optimizer step or a load in between)"), e.getMessage());
        // The usual order runs: forward, backward, step, and again.
        for (int step = 0; step < 2; step++) {
            model.forward(IMAGES, true);
            model.backward(GRAD_LOGITS);
            sgd.step(0.1);
        }
    }

    @Test
    void aLoadBetweenForwardAndBackwardIsRefused() throws IOException {
        Path weights = dir.resolve("w.safetensors");
        StateDicts.save(model(), weights, Map.of());
        ResNet model = model();
        model.forward(IMAGES, true);
        StateDicts.load(model, weights);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> model.backward(GRAD_LOGITS));

        assertTrue(e.getMessage().contains("changed after the training forward"), e.getMessage());
    }

    @Test
    void aStepThatLeavesFrozenParametersAloneDoesNotCount() {
        ResNet model = model();
        Sgd sgd = new Sgd(model.namedParameters(), 0.9, 1e-4);
        model.setTrainable(false);
        model.forward(IMAGES, true);
        sgd.step(0.1); // every parameter frozen: nothing changes
        model.backward(GRAD_LOGITS);
    }
}
