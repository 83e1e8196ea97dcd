package org.resnet4j.nn;

import java.util.List;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * The paper's parameter-free option-A shortcut where dimensions change: keep every {@code stride}-th row and column
 * (the even ones for stride 2) and append zero channels up to {@code outChannels}, as fb.resnet.torch does.
 *
 * <p>Threads: inference forwards may run on several threads at once, each in a workspace of its own; training is
 * single-caller, since a training forward keeps the input's shape for backward (see {@link Module}).
 */
public final class ZeroPadSubsample extends Module {
    private final Kernels kernels;
    private final int inChannels;
    private final int outChannels;
    private final int stride;
    private Shape inputShape;
    private Tensor output;

    public ZeroPadSubsample(Kernels kernels, int inChannels, int outChannels, int stride) {
        if (outChannels < inChannels || stride < 1) {
            throw new IllegalArgumentException("ZeroPadSubsample: needs outChannels >= inChannels and stride >= 1, got in="
                    + inChannels + " out=" + outChannels + " stride=" + stride);
        }
        this.kernels = kernels;
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.stride = stride;
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    public int stride() {
        return stride;
    }

    @Override
    public Tensor forward(Tensor x, Workspace workspace) {
        Tensor in = Buffers.asNhwc(x, "ZeroPadSubsample");
        Shape shape = in.shape();
        Tensor out = workspace.output(this, outputShape(shape), Layout.NHWC);
        kernels.shortcut().subsampleZeroPadForward(shape.dim(0), inChannels, shape.dim(2), shape.dim(3), outChannels,
                stride, in.data(), out.data());
        if (workspace.training()) {
            inputShape = shape;
            output = out;
        }
        return out;
    }

    @Override
    public Tensor backward(Tensor gradOutput, Workspace workspace) {
        if (inputShape == null) {
            throw new IllegalStateException("ZeroPadSubsample.backward needs a forward pass in training mode first");
        }
        gradOutput.shape().requireEqual(output.shape(), "ZeroPadSubsample backward gradient");
        Tensor gradInput = workspace.gradients().take(inputShape, Layout.NHWC);
        kernels.shortcut().subsampleZeroPadBackward(inputShape.dim(0), inChannels, inputShape.dim(2),
                inputShape.dim(3), outChannels, stride, gradOutput.toLayout(Layout.NHWC).data(), gradInput.data());
        workspace.gradients().giveBack(gradOutput);
        return gradInput;
    }

    @Override
    public Shape outputShape(Shape in) {
        in.requireRank(4, "ZeroPadSubsample input");
        if (in.dim(1) != inChannels) {
            throw new IllegalArgumentException("ZeroPadSubsample: input " + in + " has " + in.dim(1)
                    + " channels, expected " + inChannels);
        }
        return Shape.of(in.dim(0), outChannels, (in.dim(2) + stride - 1) / stride, (in.dim(3) + stride - 1) / stride);
    }

    @Override
    public void summarize(String prefix, Shape in, List<SummaryRow> rows) {
        rows.add(new SummaryRow(prefix, "ZeroPadSubsample", outputShape(in), 0, 0));
    }
}
