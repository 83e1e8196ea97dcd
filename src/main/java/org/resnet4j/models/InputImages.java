package org.resnet4j.models;

import org.resnet4j.nn.Workspace;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Layouts;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * Checks a network's image batch {@code [N, 3, H, W]} and brings it to NHWC in a buffer of the caller's workspace (an
 * NHWC batch in inference is used as it is).
 */
final class InputImages {
    private final String network;

    InputImages(String network) {
        this.network = network;
    }

    Tensor toNhwc(Tensor input, Workspace workspace) {
        Shape shape = input.shape().requireRank(4, network + " input");
        if (shape.dim(1) != 3) {
            throw new IllegalArgumentException(network + ": input " + shape
                    + " must have 3 channels (shape [N, 3, H, W])");
        }
        // Inference reads an NHWC batch where it is. Training copies it: the stem keeps its input for backward, and
        // the caller's array may be refilled (a loader's next batch) before backward runs.
        if (input.layout() == Layout.NHWC && !workspace.training()) {
            return input;
        }
        Tensor nhwc = workspace.output(this, shape, Layout.NHWC);
        Layouts.convert(shape, input.layout(), input.data(), Layout.NHWC, nhwc.data());
        return nhwc;
    }
}
