package org.resnet4j.train;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.models.ResNet;
import org.resnet4j.nn.Parameter;
import org.resnet4j.optim.Sgd;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * One iteration of training: forward in training mode, softmax cross-entropy, backward, one SGD step. Buffers are
 * reused, so repeated steps allocate nothing.
 *
 * <p>Not safe to share between threads: it reuses its buffers from step to step and trains one network, whose training
 * is single-caller, so one thread runs its steps.
 */
public final class TrainingStep {
    private final ResNet model;
    private final Sgd optimizer;
    private final Kernels kernels;
    private final float labelSmoothing;
    private float[] probabilities = new float[0];
    private Tensor gradLogits;

    /**
     * The loss of the batch and how many of its images the network got right (before the update). Immutable; safe to
     * share between threads.
     */
    public record Result(double loss, int correct, int images) {
    }

    /** One step of {@code model} with {@code optimizer}: forward, cross-entropy, backward, update, on the active kernels. */
    public TrainingStep(ResNet model, Sgd optimizer) {
        this(model, optimizer, Kernels.active(), 0f);
    }

    /** As {@link #TrainingStep(ResNet, Sgd)} on the given kernels, with label smoothing (0 for none). */
    public TrainingStep(ResNet model, Sgd optimizer, Kernels kernels, float labelSmoothing) {
        requireOwnParameters(model, optimizer);
        this.model = model;
        this.optimizer = optimizer;
        this.kernels = kernels;
        this.labelSmoothing = labelSmoothing;
    }

    /**
     * An optimizer over another network's parameters (built before {@code withNewHead}, or for a model since replaced)
     * would step those while this network's gradients pile up and its weights never change: every step would report
     * a loss and nothing would learn. An optimizer over a subset of this network's parameters is fine.
     */
    private static void requireOwnParameters(ResNet model, Sgd optimizer) {
        Set<Parameter> own = Collections.newSetFromMap(new IdentityHashMap<>());
        own.addAll(model.namedParameters().values());
        optimizer.parameters().forEach((name, p) -> {
            if (!own.contains(p)) {
                throw new IllegalArgumentException("training step: the optimizer updates a parameter '" + name
                        + "' that is not one of this network's (it was built for another network, or for one since "
                        + "replaced, as by withNewHead): build the Sgd from this network's namedParameters()");
            }
        });
    }

    /**
     * @param images {@code [N, 3, H, W]}
     * @param labels {@code N} class indices
     */
    public Result run(Tensor images, int[] labels, double learningRate) {
        int batch = images.shape().dim(0);
        if (labels.length != batch) {
            throw new IllegalArgumentException("training step: " + batch + " images but " + labels.length + " labels");
        }
        Tensor logits = model.forward(images, true);
        int classes = logits.shape().dim(1);
        if (probabilities.length != logits.size()) {
            probabilities = new float[logits.size()];
        }
        double loss = kernels.loss().softmaxCrossEntropyForward(batch, classes, logits.data(), labels, labelSmoothing,
                probabilities);
        int correct = Evaluation.countCorrect(logits.data(), labels, batch, classes);
        if (gradLogits == null || !gradLogits.shape().equals(logits.shape())) {
            gradLogits = Tensor.zeros(Shape.of(batch, classes), Layout.NCHW);
        }
        kernels.loss().softmaxCrossEntropyBackward(batch, classes, probabilities, labels, labelSmoothing,
                gradLogits.data());
        model.zeroGrad(); // all of the network's, not only the optimizer's: a subset optimizer leaves none to pile up
        model.backward(gradLogits);
        optimizer.step(learningRate);
        return new Result(loss, correct, batch);
    }
}
