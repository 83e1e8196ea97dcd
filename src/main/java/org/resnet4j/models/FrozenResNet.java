package org.resnet4j.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.resnet4j.nn.Module;
import org.resnet4j.nn.Workspace;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * A {@link ResNet} frozen for inference by {@link ResNet#freeze()}: batch norms folded into the convolutions, weights
 * packed once. Input {@code [N, 3, H, W]}; output logits {@code [N, classes]}. Forward only.
 *
 * <p>Safe to share between threads: it never changes after freezing (its classifier's parameters are reachable through
 * {@code namedParameters()}, as every module's are: writing them is the caller's to avoid), any number of threads may call
 * {@link #forward(Tensor)} at once, and each call returns, bit for bit, what it returns alone. Each concurrent call
 * runs in a workspace of activation buffers of its own (taken from a pool, so steady-state calls allocate only their
 * result); the logits returned belong to the caller.
 */
public final class FrozenResNet extends Module {
    private final String name;
    private final int classes;
    private final List<Module> flow = new ArrayList<>();
    private final InputImages images;

    FrozenResNet(String name, int classes, Map<String, Module> layers) {
        this.name = name;
        this.classes = classes;
        this.images = new InputImages(name);
        layers.forEach((layerName, layer) -> flow.add(child(layerName, layer)));
    }

    public String name() {
        return name;
    }

    public int classes() {
        return classes;
    }

    /** The logits of a batch of images, the caller's to keep. Safe to call from many threads at once. */
    public Tensor forward(Tensor input) {
        return forward(input, false);
    }

    /** The backbone features of a batch, as {@link ResNet#features}; safe from many threads. */
    public Map<String, Tensor> features(Tensor input) {
        return inInferenceWorkspace(workspace -> StageFeatures.collect(children(), images, input, workspace));
    }

    /** Inference reads the images and writes nothing there; training is refused. */
    @Override
    protected boolean isolatesCallerInput() {
        return true;
    }

    @Override
    protected void refuseTrainingIfInferenceOnly() {
        throw new IllegalStateException(name + " is frozen for inference: train the ResNet it came from");
    }

    @Override
    public Tensor forward(Tensor input, Workspace workspace) {
        if (workspace.training()) {
            refuseTrainingIfInferenceOnly();
        }
        // The images' NHWC copy stays the workspace's own (three channels: small); what follows is recycled.
        return forwardThrough(flow, images.toNhwc(input, workspace), workspace);
    }

    @Override
    protected String displayName() {
        return name;
    }

    @Override
    public Tensor backward(Tensor gradLogits, Workspace workspace) {
        throw new UnsupportedOperationException(name + " is frozen for inference: it has no backward");
    }

    @Override
    public Shape outputShape(Shape in) {
        return outputShapeThrough(flow, in);
    }
}
