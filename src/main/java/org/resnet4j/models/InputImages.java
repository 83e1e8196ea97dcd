package org.resnet4j.models;

import org.resnet4j.nn.Buffers;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Layouts;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/** Checks a network's image batch {@code [N, 3, H, W]} and brings it to NHWC in a buffer kept between calls. */
final class InputImages {
    private final String network;
    private Tensor nhwc;

    InputImages(String network) {
        this.network = network;
    }

    Tensor toNhwc(Tensor input) {
        Shape shape = input.shape().requireRank(4, network + " input");
        if (shape.dim(1) != 3) {
            throw new IllegalArgumentException(network + ": input " + shape
                    + " must have 3 channels (shape [N, 3, H, W])");
        }
        if (input.layout() == Layout.NHWC) {
            return input;
        }
        nhwc = Buffers.reuse(nhwc, shape, Layout.NHWC);
        Layouts.convert(shape, input.layout(), input.data(), Layout.NHWC, nhwc.data());
        return nhwc;
    }
}
