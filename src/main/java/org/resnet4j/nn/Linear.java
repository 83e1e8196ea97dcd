package org.resnet4j.nn;

import java.util.List;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * A fully connected layer {@code y = x W^T + b}, PyTorch's {@code nn.Linear}: {@code weight [out, in]},
 * {@code bias [out]}.
 *
 * <p>Threads: inference forwards may run on several threads at once, each in a workspace of its own; training is
 * single-caller, since a training forward keeps its input and output for backward (see {@link Module}).
 */
public final class Linear extends Module {
    private final Kernels kernels;
    private final int inFeatures;
    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;

    // Kept by a training forward for backward: the input (the weight gradient reads it) and the output.
    private Tensor input;
    private Tensor output;

    public Linear(Kernels kernels, int inFeatures, int outFeatures) {
        if (inFeatures <= 0 || outFeatures <= 0) {
            throw new IllegalArgumentException("Linear: feature counts must be >= 1, got in=" + inFeatures + " out="
                    + outFeatures);
        }
        this.kernels = kernels;
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = parameter("weight", Shape.of(outFeatures, inFeatures), true);
        this.bias = parameter("bias", Shape.of(outFeatures), false);
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    @Override
    public Tensor forward(Tensor x, Workspace workspace) {
        Shape shape = outputShape(x.shape());
        Tensor out = workspace.output(this, shape, Layout.NCHW);
        kernels.linear().forward(shape.dim(0), inFeatures, outFeatures, x.data(), weight.value().data(),
                bias.value().data(), out.data());
        if (workspace.training()) {
            input = x;
            output = out;
        }
        return out;
    }

    @Override
    public Tensor backward(Tensor gradOutput, Workspace workspace) {
        if (input == null) {
            throw new IllegalStateException("Linear.backward needs a forward pass in training mode first");
        }
        gradOutput.shape().requireEqual(output.shape(), "Linear backward gradient");
        Tensor gradInput = workspace.gradients().take(input.shape(), Layout.NCHW);
        kernels.linear().backward(input.shape().dim(0), inFeatures, outFeatures, input.data(), weight.value().data(),
                gradOutput.data(), gradInput.data(), weight.grad().data(), bias.grad().data());
        workspace.gradients().giveBack(gradOutput);
        return gradInput;
    }

    @Override
    public Shape outputShape(Shape in) {
        in.requireRank(2, "Linear input");
        if (in.dim(1) != inFeatures) {
            throw new IllegalArgumentException("Linear: input " + in + " has " + in.dim(1) + " features, expected "
                    + inFeatures);
        }
        return Shape.of(in.dim(0), outFeatures);
    }

    @Override
    public void summarize(String prefix, Shape in, List<SummaryRow> rows) {
        Shape out = outputShape(in);
        rows.add(new SummaryRow(prefix, "Linear", out, weight.value().size() + bias.value().size(),
                (long) in.dim(0) * inFeatures * outFeatures));
    }
}
