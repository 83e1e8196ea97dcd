package org.resnet4j.nn;

import java.util.List;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/**
 * The mean over H and W of each channel: {@code [N, C, H, W] -> [N, C]} (PyTorch's adaptive average pool to 1x1,
 * flattened).
 *
 * <p>Threads: inference forwards may run on several threads at once, each in a workspace of its own; training is
 * single-caller, since a training forward keeps the input's shape for backward (see {@link Module}).
 */
public final class GlobalAvgPool2d extends Module {
    private final Kernels kernels;
    private Shape inputShape;
    private Tensor output;

    public GlobalAvgPool2d(Kernels kernels) {
        this.kernels = kernels;
    }

    @Override
    public Tensor forward(Tensor x, Workspace workspace) {
        Tensor in = Buffers.asNhwc(x, "GlobalAvgPool2d");
        Shape shape = in.shape();
        Tensor out = workspace.output(this, outputShape(shape), Layout.NCHW);
        kernels.pooling().globalAvgPoolForward(shape.dim(0), shape.dim(2) * shape.dim(3), shape.dim(1), in.data(),
                out.data());
        if (workspace.training()) {
            inputShape = shape;
            output = out;
        }
        return out;
    }

    @Override
    public Tensor backward(Tensor gradOutput, Workspace workspace) {
        if (inputShape == null) {
            throw new IllegalStateException("GlobalAvgPool2d.backward needs a forward pass in training mode first");
        }
        gradOutput.shape().requireEqual(output.shape(), "GlobalAvgPool2d backward gradient");
        Tensor gradInput = workspace.gradients().take(inputShape, Layout.NHWC);
        kernels.pooling().globalAvgPoolBackward(inputShape.dim(0), inputShape.dim(2) * inputShape.dim(3),
                inputShape.dim(1), gradOutput.data(), gradInput.data());
        workspace.gradients().giveBack(gradOutput);
        return gradInput;
    }

    @Override
    public Shape outputShape(Shape in) {
        in.requireRank(4, "GlobalAvgPool2d input");
        return Shape.of(in.dim(0), in.dim(1));
    }

    @Override
    public void summarize(String prefix, Shape in, List<SummaryRow> rows) {
        rows.add(new SummaryRow(prefix, "GlobalAvgPool2d", outputShape(in), 0, 0));
    }
}
