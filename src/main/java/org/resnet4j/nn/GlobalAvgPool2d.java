package org.resnet4j.nn;

import java.util.List;
import org.resnet4j.kernels.Kernels;
import org.resnet4j.tensor.Layout;
import org.resnet4j.tensor.Shape;
import org.resnet4j.tensor.Tensor;

/** The mean over H and W of each channel: {@code [N, C, H, W] -> [N, C]} (PyTorch's adaptive average pool to 1x1, flattened). */
public final class GlobalAvgPool2d extends Module {
    private final Kernels kernels;
    private Shape inputShape;
    private Tensor output;

    public GlobalAvgPool2d(Kernels kernels) {
        this.kernels = kernels;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        Tensor in = Buffers.asNhwc(x, "GlobalAvgPool2d");
        inputShape = in.shape();
        output = Buffers.reuse(output, outputShape(inputShape), Layout.NCHW);
        kernels.pooling().globalAvgPoolForward(inputShape.dim(0), inputShape.dim(2) * inputShape.dim(3),
                inputShape.dim(1), in.data(), output.data());
        return output;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        if (inputShape == null) {
            throw new IllegalStateException("GlobalAvgPool2d.backward needs a forward pass first");
        }
        gradOutput.shape().requireEqual(output.shape(), "GlobalAvgPool2d backward gradient");
        Tensor gradInput = gradients().take(inputShape, Layout.NHWC);
        kernels.pooling().globalAvgPoolBackward(inputShape.dim(0), inputShape.dim(2) * inputShape.dim(3),
                inputShape.dim(1), gradOutput.data(), gradInput.data());
        gradients().giveBack(gradOutput);
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
