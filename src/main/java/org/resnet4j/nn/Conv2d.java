package org.resnet4j.nn;

import java.util.List;
import org.resnet4j.kernels.ConvGeometry;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * 2-d convolution with a square kernel, PyTorch's {@code nn.Conv2d}: parameters {@code weight [out, in, k, k]} and
 * optionally {@code bias [out]}.
 *
 * <p>Threads: inference forwards may run on several threads at once, each in a workspace of its own; training is
 * single-caller, since a training forward keeps its input and output for backward (see {@link Module}).
 */
public final class Conv2d extends Module {
    private final Kernels kernels;
    private final int inChannels;
    private final int outChannels;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final Parameter weight;
    private final Parameter bias;
    private boolean inputGradientNeeded = true;

    // Kept by a training forward for backward: the input (backward-weights reads it), its geometry and the output.
    private Tensor input;
    private ConvGeometry geometry;
    private Tensor output;

    public Conv2d(Kernels kernels, int inChannels, int outChannels, int kernel, int stride, int padding, boolean bias) {
        if (inChannels <= 0 || outChannels <= 0 || kernel <= 0 || stride <= 0 || padding < 0) {
            throw new IllegalArgumentException("Conv2d: channels, kernel and stride must be >= 1 and padding >= 0, got in="
                    + inChannels + " out=" + outChannels + " kernel=" + kernel + " stride=" + stride + " padding=" + padding);
        }
        if (padding > (Integer.MAX_VALUE - 1) / 2) {
            // No input fits: refused now rather than at the first forward (ConvGeometry checks each input).
            throw new IllegalArgumentException("Conv2d: padding " + padding
                    + " is too large: every padded input would exceed 2^31 - 1 rows");
        }
        this.kernels = kernels;
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.weight = parameter("weight", Shape.of(outChannels, inChannels, kernel, kernel), true);
        this.bias = bias ? parameter("bias", Shape.of(outChannels), false) : null;
    }

    /** Skips the input gradient in backward (the network's first layer needs none); backward then returns null. */
    public Conv2d withoutInputGradient() {
        inputGradientNeeded = false;
        return this;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    public int kernel() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    public int padding() {
        return padding;
    }

    @Override
    public Tensor forward(Tensor x, Workspace workspace) {
        Tensor in = Buffers.asNhwc(x, "Conv2d");
        ConvGeometry g = geometry(in.shape());
        Tensor out = workspace.output(this, outputShape(g), Layout.NHWC);
        kernels.convolution().forward(g, in.data(), weight.value().data(), bias == null ? null : bias.value().data(),
                out.data());
        if (workspace.training()) {
            input = in;
            geometry = g;
            output = out;
        }
        return out;
    }

    @Override
    public Tensor backward(Tensor gradOutput, Workspace workspace) {
        if (input == null) {
            throw new IllegalStateException("Conv2d.backward needs a forward pass in training mode first");
        }
        gradOutput.shape().requireEqual(output.shape(), "Conv2d backward gradient");
        float[] gradOut = gradOutput.toLayout(Layout.NHWC).data();
        if (weight.trainable() || bias != null && bias.trainable()) {
            kernels.convolution().backwardWeights(geometry, input.data(), gradOut, weight.grad().data(),
                    bias == null ? null : bias.grad().data());
        }
        Tensor gradInput = null;
        if (inputGradientNeeded) {
            gradInput = workspace.gradients().take(input.shape(), Layout.NHWC);
            kernels.convolution().backwardData(geometry, gradOut, weight.value().data(), gradInput.data());
        }
        workspace.gradients().giveBack(gradOutput);
        return gradInput;
    }

    @Override
    public Shape outputShape(Shape in) {
        return outputShape(geometry(in));
    }

    @Override
    public void summarize(String prefix, Shape in, List<SummaryRow> rows) {
        rows.add(new SummaryRow(prefix, "Conv2d", outputShape(in), weight.value().size()
                + (bias == null ? 0 : bias.value().size()), geometry(in).multiplyAdds()));
    }

    private ConvGeometry geometry(Shape in) {
        return geometry("Conv2d", in, inChannels, outChannels, kernel, stride, padding);
    }

    /** The geometry of a square convolution on an input of shape {@code in}, whose channel count is checked. */
    static ConvGeometry geometry(String layer, Shape in, int inChannels, int outChannels, int kernel, int stride,
                                 int padding) {
        in.requireRank(4, layer + " input");
        if (in.dim(1) != inChannels) {
            throw new IllegalArgumentException(layer + ": input " + in + " has " + in.dim(1) + " channels, expected "
                    + inChannels);
        }
        return ConvGeometry.square(in.dim(0), inChannels, in.dim(2), in.dim(3), outChannels, kernel, stride, padding);
    }

    static Shape outputShape(ConvGeometry g) {
        return Shape.of(g.batch(), g.outChannels(), g.outHeight(), g.outWidth());
    }
}
